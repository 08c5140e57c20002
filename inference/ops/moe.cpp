// Mixture-of-experts ops: routing (shaders/moe_route.comp), expert matvecs (shaders/matvec.comp built with
// EXPERTS) and the weighted combination (shaders/moe_combine.comp).
#include <algorithm>

#include "inference/ops/dispatch.h"

namespace lantern::ops {
namespace {

struct RoutePush {
    uint32_t nTokens, nExpert, used, gating, hasBias, normalize;
    float scale;
};
static_assert(sizeof(RoutePush) == 28);

// Mirrors the push constants of shaders/matvec.comp with EXPERTS.
struct ExpertPush {
    uint32_t rows, cols, rowBytes, wOffset, yOffset, accumulate;
    uint32_t slots, xTokenStride, xSlotStride;
};
static_assert(sizeof(ExpertPush) == 36);

struct CombinePush {
    uint32_t nTokens, width, used, accumulate;
};

constexpr uint32_t kRowsPerGroup = 8;

uint32_t workgroupSize(const gpu::Context& ctx, const Weight& w) {
    const auto traits = gguf::typeTraits(w.type);
    const uint32_t work = traits && traits->blockElems > 1 ? w.cols / 32 : w.cols;
    const uint32_t sg = std::max<uint32_t>(ctx.info().subgroupSize, 8);
    return std::clamp<uint32_t>((work + sg - 1) / sg * sg, kRowsPerGroup * 2, 128);
}

Result<const gpu::Pipeline*> expertPipeline(gpu::Context& ctx, const Weight& w, bool summed) {
    auto name = detail::variantName(summed ? "matvec_expertsum" : "matvec_experts", w.type, "f32");
    if (!name) {
        return std::unexpected(name.error());
    }
    return detail::pipeline(ctx, *name, summed ? 5 : 4, sizeof(ExpertPush), {workgroupSize(ctx, w), kRowsPerGroup});
}

}  // namespace

Result<void> prepareMoe(gpu::Context& ctx, const ExpertWeights& w) {
    for (auto p : {expertPipeline(ctx, w.matrix, false), expertPipeline(ctx, w.matrix, true), detail::pipeline(ctx, "moe_route_f32", 4, sizeof(RoutePush)),
                   detail::pipeline(ctx, "moe_combine_f32", 3, sizeof(CombinePush), {})}) {
        if (!p) {
            return std::unexpected(p.error());
        }
    }
    const uint64_t bytes = rowBytes(w.matrix.type, w.matrix.cols) * w.matrix.rows * w.nExpert;
    if (bytes > ctx.info().maxStorageBufferRange || bytes > 0xFFFFFFFFull) {
        return fail(Errc::ModelUnsupported,
                    detail::cat("an expert tensor of ", bytes >> 20, " MiB is larger than this device can bind at once (",
                                ctx.info().maxStorageBufferRange >> 20, " MiB)"));
    }
    return {};
}

Result<void> moeRoute(gpu::Context& ctx, gpu::Recorder& rec, const MoeRouteArgs& a, std::string_view label) {
    if (a.logits.buffer == nullptr || a.ids.buffer == nullptr || a.weights.buffer == nullptr || a.nTokens == 0 ||
        a.nExpert == 0 || a.nExpert > kMaxExperts || a.used == 0 || a.used > kMaxExpertsUsed || a.used > a.nExpert) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": moeRoute needs logits, ids and weights, 1 <= used <= ",
                                                       kMaxExpertsUsed, " and <= nExpert <= ", kMaxExperts));
    }
    auto pipe = detail::pipeline(ctx, "moe_route_f32", 4, sizeof(RoutePush));
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const RoutePush push{a.nTokens, a.nExpert, a.used, a.sigmoid ? 1u : 0u, a.bias.buffer ? 1u : 0u,
                         a.normalize ? 1u : 0u, a.scale};
    // Without a bias, the logits stand in for binding 1 (never read).
    const gpu::BufferRange bias = a.bias.buffer ? a.bias : a.logits;
    rec.dispatch(**pipe, {{a.logits, false}, {bias, false}, {a.ids, true}, {a.weights, true}}, detail::bytesOf(push),
                 detail::ceilDiv(a.nTokens, 64), 1, 1, label);
    return {};
}

Result<void> matvecExperts(gpu::Context& ctx, gpu::Recorder& rec, const ExpertMatvecArgs& a, std::string_view label) {
    const Weight& w = a.experts.matrix;
    if (w.buffer == nullptr || a.x.buffer == nullptr || a.ids.buffer == nullptr || a.y.buffer == nullptr ||
        a.nTokens == 0 || a.used == 0 || a.xTokenStride % 4 != 0 || a.xSlotStride % 4 != 0 || w.offset % 4 != 0) {
        return fail(Errc::InvalidArgument,
                    detail::cat(label, ": matvecExperts needs weights, x, ids and y, and strides that are multiples of 4"));
    }
    const bool summed = a.routeWeights.buffer != nullptr;
    auto pipe = expertPipeline(ctx, w, summed);
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const uint32_t rb = static_cast<uint32_t>(rowBytes(w.type, w.cols));
    const uint64_t bytes = uint64_t(rb) * w.rows * a.experts.nExpert;
    const ExpertPush push{w.rows, w.cols, rb, 0, 0, a.accumulate ? 1u : 0u, a.used, a.xTokenStride, a.xSlotStride};
    const detail::Grid g = detail::gridFor(detail::ceilDiv(w.rows, kRowsPerGroup));
    const gpu::BufferRange weights(*w.buffer, w.offset, bytes);
    if (summed) {
        rec.dispatch(**pipe, {{weights, false}, {a.x, false}, {a.y, true}, {a.ids, false}, {a.routeWeights, false}},
                     detail::bytesOf(push), g.x, g.y, a.nTokens, label);
    } else {
        rec.dispatch(**pipe, {{weights, false}, {a.x, false}, {a.y, true}, {a.ids, false}}, detail::bytesOf(push), g.x,
                     g.y, a.nTokens * a.used, label);
    }
    return {};
}

Result<void> moeCombine(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange y, gpu::BufferRange weights,
                        gpu::BufferRange out, uint32_t nTokens, uint32_t width, uint32_t used, bool accumulate,
                        std::string_view label) {
    if (y.buffer == nullptr || weights.buffer == nullptr || out.buffer == nullptr || nTokens * width == 0 || used == 0) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": moeCombine needs y, weights and out"));
    }
    auto pipe = detail::pipeline(ctx, "moe_combine_f32", 3, sizeof(CombinePush), {});
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const CombinePush push{nTokens, width, used, accumulate ? 1u : 0u};
    const detail::Grid g = detail::gridFor(detail::ceilDiv(uint64_t(nTokens) * width, 128));
    rec.dispatch(**pipe, {{y, false}, {weights, false}, {out, true}}, detail::bytesOf(push), g.x, g.y, 1, label);
    return {};
}

}  // namespace lantern::ops
