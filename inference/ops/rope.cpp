#include <algorithm>
#include <cmath>
#include <numbers>

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
    float extFactor;
    float corrLow;
    float corrHigh;
    float mscale;
};
static_assert(sizeof(RopePush) == 60);

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
                        hasFactors ? 1u : 0u,
                        a.yarn.extFactor,
                        a.yarn.corrLow,
                        a.yarn.corrHigh,
                        ropeMscale(a.freqScale, a.yarn)};
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

YarnRamp yarnRamp(uint32_t nRot, uint32_t nCtxOrig, float freqBase, float betaFast, float betaSlow, float extFactor) {
    // The pair whose wavelength fits `rotations` times into the original context:
    //   2*pi * base^(2i/nRot) = nCtxOrig / rotations  =>  i = nRot * ln(nCtxOrig / (rotations * 2*pi)) / (2 ln base)
    const auto pairFor = [&](float rotations) {
        return float(nRot) * std::log(float(nCtxOrig) / (rotations * 2.0f * std::numbers::pi_v<float>)) /
               (2.0f * std::log(freqBase));
    };
    YarnRamp r;
    r.extFactor = extFactor;
    r.corrLow = std::max(0.0f, std::floor(pairFor(betaFast)));
    r.corrHigh = std::min(float(nRot) - 1.0f, std::ceil(pairFor(betaSlow)));
    return r;
}

float ropeMscale(float freqScale, const YarnRamp& yarn) {
    if (yarn.extFactor == 0.0f || freqScale <= 0.0f) {
        return yarn.attnFactor;
    }
    return yarn.attnFactor * (1.0f + 0.1f * std::log(1.0f / freqScale));
}

}  // namespace lantern::ops
