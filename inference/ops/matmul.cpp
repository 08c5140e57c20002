#include "inference/ops/dispatch.h"

namespace lantern::ops {
namespace {

// Mirrors the push constants of shaders/matmul.comp.
struct MatmulPush {
    uint32_t nTokens;
    uint32_t rows;
    uint32_t cols;
    uint32_t rowBytes;
    uint32_t wOffset;
    uint32_t yOffset;
    uint32_t xStride;
    uint32_t yStride;
    uint32_t accumulate;
};
static_assert(sizeof(MatmulPush) == 36);

// The tile shape is fixed in the shader (64 rows x 32 tokens); 128 invocations compute 4x4 outputs each.
constexpr uint32_t kTileRows = 64;
constexpr uint32_t kTileTokens = 32;

// Mirrors the push constants of shaders/matvec.comp's MULTI variant.
struct MultiPush {
    uint32_t rows;
    uint32_t cols;
    uint32_t rowBytes;
    uint32_t wOffset;
    uint32_t yOffset;
    uint32_t accumulate;
    uint32_t nTokens;
    uint32_t xOffset;
    uint32_t xStride;
    uint32_t yStride;
};
static_assert(sizeof(MultiPush) == 40);

// matvec.comp's MULTI variant: rows per workgroup and tokens per dispatch (its kMaxTokens).
constexpr uint32_t kMultiRows = 4;
constexpr uint32_t kMultiTokens = 8;

Result<const gpu::Pipeline*> multiPipeline(gpu::Context& ctx, const Weight& w) {
    auto name = detail::variantName("matvec_multi", w.type, "f32");
    if (!name) {
        return std::unexpected(name.error());
    }
    return detail::pipeline(ctx, *name, 3, sizeof(MultiPush),
                            {detail::matvecWorkgroupSize(ctx, w, false), kMultiRows});
}

// Up to kShortBatchTokens tokens, in dispatches of kMultiTokens.
Result<void> shortBatch(gpu::Context& ctx, gpu::Recorder& rec, const Weight& w, gpu::BufferRange x,
                        gpu::BufferRange y, uint32_t nTokens, bool accumulate, std::string_view label) {
    auto pipe = multiPipeline(ctx, w);
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    auto chunks = detail::chunkRows(ctx, w, label);
    if (!chunks) {
        return std::unexpected(chunks.error());
    }
    for (uint32_t t0 = 0; t0 < nTokens; t0 += kMultiTokens) {
        for (const detail::WeightChunk& c : *chunks) {
            const MultiPush push{c.rows,
                                 w.cols,
                                 static_cast<uint32_t>(rowBytes(w.type, w.cols)),
                                 c.byteOffset,
                                 c.firstRow + t0 * w.rows,
                                 accumulate ? 1u : 0u,
                                 std::min(kMultiTokens, nTokens - t0),
                                 t0 * w.cols,
                                 w.cols,
                                 w.rows};
            const detail::Grid g = detail::gridFor(detail::ceilDiv(c.rows, kMultiRows));
            rec.dispatch(**pipe, {{c.range, false}, {x, false}, {y, true}}, detail::bytesOf(push), g.x, g.y, 1, label);
        }
    }
    return {};
}

Result<const gpu::Pipeline*> matmulPipeline(gpu::Context& ctx, const Weight& w) {
    auto name = detail::variantName("matmul", w.type, "f32");
    if (!name) {
        return std::unexpected(name.error());
    }
    return detail::pipeline(ctx, *name, 3, sizeof(MatmulPush));
}

}  // namespace

Result<void> prepareMatmul(gpu::Context& ctx, const Weight& w) {
    auto p = matmulPipeline(ctx, w);
    if (!p) {
        return std::unexpected(p.error());
    }
    auto multi = multiPipeline(ctx, w);
    if (!multi) {
        return std::unexpected(multi.error());
    }
    return {};
}

Result<void> matmul(gpu::Context& ctx, gpu::Recorder& rec, const Weight& w, gpu::BufferRange x,
                    gpu::BufferRange y, uint32_t nTokens, bool accumulate, std::string_view label) {
    if (x.buffer == nullptr || y.buffer == nullptr || nTokens == 0) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": matmul needs x, y and at least one token"));
    }
    if (nTokens <= kShortBatchTokens) {
        return shortBatch(ctx, rec, w, x, y, nTokens, accumulate, label);
    }
    auto pipe = matmulPipeline(ctx, w);
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    auto chunks = detail::chunkRows(ctx, w, label);
    if (!chunks) {
        return std::unexpected(chunks.error());
    }
    const uint32_t tokenGroups = detail::ceilDiv(nTokens, kTileTokens);
    if (tokenGroups > 65535) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": too many tokens for one matmul: ", nTokens));
    }
    for (const detail::WeightChunk& c : *chunks) {
        const MatmulPush push{nTokens,  c.rows,      w.cols, static_cast<uint32_t>(rowBytes(w.type, w.cols)),
                              c.byteOffset, c.firstRow, w.cols, w.rows, accumulate ? 1u : 0u};
        const uint32_t rowGroups = detail::ceilDiv(c.rows, kTileRows);
        if (rowGroups > 65535) {
            return fail(Errc::InvalidArgument, detail::cat(label, ": too many rows for one matmul: ", c.rows));
        }
        rec.dispatch(**pipe, {{c.range, false}, {x, false}, {y, true}}, detail::bytesOf(push), rowGroups,
                     tokenGroups, 1, label);
    }
    return {};
}

}  // namespace lantern::ops
