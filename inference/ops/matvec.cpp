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

// Mirrors the push constants of shaders/matvec.comp's GLU variant without EXPERTS.
struct GluPush {
    MatvecPush base;
    uint32_t act;
};
static_assert(sizeof(GluPush) == 28);

// Gate rows per workgroup of the GLU variant (and as many up rows).
constexpr uint32_t kGluRowsPerGroup = 4;

// gate and up as one weight of 2 * gate.rows rows (the GLU variant's layout).
Weight gluPair(const Weight& gate) {
    Weight w = gate;
    w.rows = 2 * gate.rows;
    return w;
}

Result<const gpu::Pipeline*> gluPipeline(gpu::Context& ctx, const Weight& gate) {
    auto name = detail::variantName("matvec_glu", gate.type, "f32");
    if (!name) {
        return std::unexpected(name.error());
    }
    return detail::pipeline(ctx, *name, 3, sizeof(GluPush), {detail::matvecWorkgroupSize(ctx, gate), kGluRowsPerGroup});
}

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

bool gluAdjacent(const gpu::Context& ctx, const Weight& gate, const Weight& up) {
    if (gate.buffer == nullptr || gate.buffer != up.buffer || gate.type != up.type || gate.rows != up.rows ||
        gate.cols != up.cols || up.offset != gate.offset + rowBytes(gate.type, gate.cols) * gate.rows) {
        return false;
    }
    auto chunks = detail::chunkRows(ctx, gluPair(gate), "glu");
    return chunks && chunks->size() == 1;
}

Result<void> prepareMatvecGlu(gpu::Context& ctx, const Weight& gate) {
    auto p = gluPipeline(ctx, gate);
    if (!p) {
        return std::unexpected(p.error());
    }
    return {};
}

Result<void> matvecGlu(gpu::Context& ctx, gpu::Recorder& rec, const Weight& gate, const Weight& up,
                       gpu::BufferRange x, gpu::BufferRange y, uint32_t act, std::string_view label) {
    if (x.buffer == nullptr || y.buffer == nullptr || act > 1) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": GLU matvec needs x, y and act 0 or 1"));
    }
    if (!gluAdjacent(ctx, gate, up)) {
        return fail(Errc::InvalidArgument,
                    detail::cat(label, ": GLU matvec needs up's rows right after gate's, within one binding"));
    }
    auto pipe = gluPipeline(ctx, gate);
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    auto chunks = detail::chunkRows(ctx, gluPair(gate), label);
    if (!chunks) {
        return std::unexpected(chunks.error());
    }
    const detail::WeightChunk& c = chunks->front();
    const GluPush push{{gate.rows, gate.cols, static_cast<uint32_t>(rowBytes(gate.type, gate.cols)), c.byteOffset, 0, 0},
                       act};
    const detail::Grid g = detail::gridFor(detail::ceilDiv(gate.rows, kGluRowsPerGroup));
    rec.dispatch(**pipe, {{c.range, false}, {x, false}, {y, true}}, detail::bytesOf(push), g.x, g.y, 1, label);
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
