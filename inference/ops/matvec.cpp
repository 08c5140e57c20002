#include <algorithm>

#include "inference/ops/dispatch.h"

namespace lantern::ops {
namespace {

// Mirrors the push constants of shaders/matvec.comp.
struct MatvecPush {
    uint32_t rows;
    uint32_t cols;
    uint32_t rowBytes;
    uint32_t wOffset;
    uint32_t yOffset;
    uint32_t accumulate;
};
static_assert(sizeof(MatvecPush) == 24);

constexpr uint32_t kRowsPerGroup = detail::kMatvecRowsPerGroup;

Result<const gpu::Pipeline*> matvecPipeline(gpu::Context& ctx, const Weight& w) {
    auto name = detail::variantName("matvec", w.type, "f32");
    if (!name) {
        return std::unexpected(name.error());
    }
    return detail::pipeline(ctx, *name, 3, sizeof(MatvecPush), {detail::matvecWorkgroupSize(ctx, w), kRowsPerGroup});
}

}  // namespace

Result<void> prepareMatvec(gpu::Context& ctx, const Weight& w) {
    auto p = matvecPipeline(ctx, w);
    if (!p) {
        return std::unexpected(p.error());
    }
    return {};
}

Result<void> matvec(gpu::Context& ctx, gpu::Recorder& rec, const Weight& w, gpu::BufferRange x,
                    gpu::BufferRange y, bool accumulate, std::string_view label) {
    if (x.buffer == nullptr || y.buffer == nullptr) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": matvec needs x and y buffers"));
    }
    auto pipe = matvecPipeline(ctx, w);
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    auto chunks = detail::chunkRows(ctx, w, label);
    if (!chunks) {
        return std::unexpected(chunks.error());
    }
    for (const detail::WeightChunk& c : *chunks) {
        const MatvecPush push{c.rows, w.cols, static_cast<uint32_t>(rowBytes(w.type, w.cols)), c.byteOffset,
                              c.firstRow, accumulate ? 1u : 0u};
        const detail::Grid g = detail::gridFor(detail::ceilDiv(c.rows, kRowsPerGroup));
        rec.dispatch(**pipe, {{c.range, false}, {x, false}, {y, true}}, detail::bytesOf(push), g.x, g.y, 1, label);
    }
    return {};
}

namespace detail {
uint32_t matvecWorkgroupSize(const gpu::Context& ctx, const Weight& w, bool unitPairs) {
    const auto traits = gguf::typeTraits(w.type);
    // Invocations share a row's 32-element units; Q4_K, Q5_K and Q6_K take them in pairs (quant.glsl's UNIT_PAIRS)
    // except in the MULTI variant.
    const bool pairs = unitPairs && (w.type == gguf::GgmlType::Q4_K || w.type == gguf::GgmlType::Q5_K ||
                                     w.type == gguf::GgmlType::Q6_K);
    const uint32_t work = traits && traits->blockElems > 1 ? w.cols / (pairs ? 64 : 32) : w.cols;
    const uint32_t sg = std::max<uint32_t>(ctx.info().subgroupSize, 8);
    return std::clamp<uint32_t>((work + sg - 1) / sg * sg, kMatvecRowsPerGroup * 2, 128);
}
}  // namespace detail

}  // namespace lantern::ops
