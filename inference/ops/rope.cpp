#include "inference/ops/dispatch.h"

namespace lantern::ops {
namespace {

// Mirrors the push constants of shaders/rope.comp.
struct RopePush {
    uint32_t nTokens;
    uint32_t nHeads;
    uint32_t headDim;
    uint32_t nRot;
    uint32_t tokenStride;
    uint32_t neox;
    uint32_t usePositions;
    uint32_t pos0;
    float freqBase;
    float freqScale;
    uint32_t hasFreqFactors;
};
static_assert(sizeof(RopePush) == 44);

constexpr uint32_t kWorkgroup = 128;

Result<const gpu::Pipeline*> ropePipeline(gpu::Context& ctx) {
    return detail::pipeline(ctx, "rope_f32", 3, sizeof(RopePush), {kWorkgroup});
}

}  // namespace

namespace detail {
Result<void> prepareRope(gpu::Context& ctx) {
    auto p = ropePipeline(ctx);
    if (!p) {
        return std::unexpected(p.error());
    }
    return {};
}
}  // namespace detail

Result<void> rope(gpu::Context& ctx, gpu::Recorder& rec, const RopeArgs& a, std::string_view label) {
    const uint32_t nRot = a.nRot == 0 ? a.headDim : a.nRot;
    if (a.x.buffer == nullptr || a.headDim == 0 || nRot % 2 != 0 || nRot > a.headDim) {
        return fail(Errc::InvalidArgument,
                    detail::cat(label, ": rope needs x and an even nRot <= headDim (nRot ", nRot, ", headDim ",
                                a.headDim, ")"));
    }
    auto pipe = ropePipeline(ctx);
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const bool usePositions = a.positions.buffer != nullptr;
    const bool hasFactors = a.freqFactors.buffer != nullptr;
    const RopePush push{a.nTokens,
                        a.nHeads,
                        a.headDim,
                        nRot,
                        a.tokenStride == 0 ? a.nHeads * a.headDim : a.tokenStride,
                        a.neox ? 1u : 0u,
                        usePositions ? 1u : 0u,
                        a.pos0,
                        a.freqBase,
                        a.freqScale,
                        hasFactors ? 1u : 0u};
    const uint32_t pairs = a.nTokens * a.nHeads * (nRot / 2);
    if (pairs == 0) {
        return {};
    }
    // Absent optional inputs are replaced by x, which the shader then never reads through them.
    const gpu::BufferRange pos = usePositions ? a.positions : a.x;
    const gpu::BufferRange ff = hasFactors ? a.freqFactors : a.x;
    const detail::Grid g = detail::gridFor(detail::ceilDiv(pairs, kWorkgroup));
    rec.dispatch(**pipe, {{a.x, true}, {pos, false}, {ff, false}}, detail::bytesOf(push), g.x, g.y, 1, label);
    return {};
}

}  // namespace lantern::ops
