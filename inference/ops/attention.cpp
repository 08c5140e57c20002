// KV-cache writes and attention (split decode with a merge pass).
#include <algorithm>

#include "inference/ops/dispatch.h"

namespace lantern::ops {
namespace {

// Mirror the push constants of kvstore.comp, attention.comp and attnmerge.comp.
struct KvStorePush {
    uint32_t nTokens;
    uint32_t width;
    uint32_t pos0;
    uint32_t dynamicPos;
};
static_assert(sizeof(KvStorePush) == 16);
struct AttentionPush {
    uint32_t nTokens;
    uint32_t nHead;
    uint32_t nHeadKv;
    uint32_t headDim;
    uint32_t headDimV;
    uint32_t qStride;
    uint32_t oStride;
    uint32_t kStride;
    uint32_t vStride;
    uint32_t pos0;
    uint32_t window;
    uint32_t nSplit;
    uint32_t splitLen;
    float scale;
    float softcap;
    uint32_t dynamic;
};
static_assert(sizeof(AttentionPush) == 64);
struct MergePush {
    uint32_t nHead;
    uint32_t headDim;
    uint32_t qStride;
    uint32_t nSplit;
    uint32_t dynamic;
};
static_assert(sizeof(MergePush) == 20);

constexpr uint32_t kKvWorkgroup = 256;
constexpr uint32_t kAttnWorkgroup = 64;   // shader: headDimV <= 8 * workgroup, headDim <= 576
constexpr uint32_t kMaxHeadDim = 576;
constexpr uint32_t kMaxHeadDimV = 8 * kAttnWorkgroup;
constexpr uint32_t kMaxSplits = 32;
constexpr uint32_t kMinSplitLen = 256;    // positions per split before splitting pays off

Result<const gpu::Pipeline*> kvPipeline(gpu::Context& ctx, bool f16) {
    return detail::pipeline(ctx, f16 ? "kvstore_f16" : "kvstore_f32", 3, sizeof(KvStorePush), {kKvWorkgroup});
}
Result<const gpu::Pipeline*> attnPipeline(gpu::Context& ctx, bool f16) {
    return detail::pipeline(ctx, f16 ? "attention_f16" : "attention_f32", 6, sizeof(AttentionPush),
                            {kAttnWorkgroup});
}
Result<const gpu::Pipeline*> mergePipeline(gpu::Context& ctx) {
    return detail::pipeline(ctx, "attnmerge_f32", 3, sizeof(MergePush), {kAttnWorkgroup});
}

}  // namespace

namespace detail {
Result<void> prepareAttention(gpu::Context& ctx) {
    for (bool f16 : {true, false}) {
        if (auto p = kvPipeline(ctx, f16); !p) {
            return std::unexpected(p.error());
        }
        if (auto p = attnPipeline(ctx, f16); !p) {
            return std::unexpected(p.error());
        }
    }
    if (auto p = mergePipeline(ctx); !p) {
        return std::unexpected(p.error());
    }
    return {};
}
}  // namespace detail

AttentionStep attentionStep(uint32_t pos0, uint32_t nTokens, uint32_t window, uint32_t nHead, bool canSplit) {
    // Positions the last query sees; a single query over many of them is split across workgroups.
    const uint32_t lastPos = pos0 + nTokens - 1;
    const uint32_t visible = window > 0 ? std::min(window, lastPos + 1) : lastPos + 1;
    AttentionStep s;
    s.pos0 = pos0;
    s.nSplit = 1;
    s.splitLen = visible;
    if (canSplit && visible > kMinSplitLen) {
        s.splitLen = std::max(kMinSplitLen, detail::ceilDiv(visible, kMaxSplits));
        s.nSplit = detail::ceilDiv(visible, s.splitLen);
    }
    s.groups[0] = nHead;
    s.groups[1] = nTokens;
    s.groups[2] = s.nSplit;
    if (s.nSplit > 1) {
        s.mergeGroups[0] = nHead;
        s.mergeGroups[1] = nTokens;
        s.mergeGroups[2] = 1;
    }
    return s;
}

uint64_t attentionScratchBytes(uint32_t nHead, uint32_t headDimV) {
    return uint64_t{kMaxSplits} * nHead * (headDimV + 2) * sizeof(float);
}

Result<void> kvStore(gpu::Context& ctx, gpu::Recorder& rec, const KvStoreArgs& a, std::string_view label) {
    if (a.src.buffer == nullptr || a.cache.buffer == nullptr || (a.f16 && a.width % 2 != 0)) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": kvStore needs src, cache and (f16) an even width"));
    }
    auto pipe = kvPipeline(ctx, a.f16);
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const uint32_t n = a.nTokens * a.width / (a.f16 ? 2 : 1);
    if (n == 0) {
        return {};
    }
    const bool dynamic = a.step.buffer != nullptr;
    const KvStorePush push{a.nTokens, a.width, a.pos0, dynamic ? 1u : 0u};
    const detail::Grid g = detail::gridFor(detail::ceilDiv(n, kKvWorkgroup));
    // Without step parameters the source stands in for their binding (never read).
    rec.dispatch(**pipe, {{a.src, false}, {a.cache, true}, {dynamic ? a.step : a.src, false}}, detail::bytesOf(push),
                 g.x, g.y, 1, label);
    return {};
}

Result<void> attention(gpu::Context& ctx, gpu::Recorder& rec, const AttentionArgs& a, std::string_view label) {
    const uint32_t headDimV = a.headDimV ? a.headDimV : a.headDim;
    const uint32_t kStride = a.kStride ? a.kStride : a.nHeadKv * a.headDim;
    const uint32_t vStride = a.vStride ? a.vStride : a.nHeadKv * headDimV;
    if (a.q.buffer == nullptr || a.k.buffer == nullptr || a.v.buffer == nullptr || a.out.buffer == nullptr ||
        a.nHeadKv == 0 || a.nHead % a.nHeadKv != 0 || a.headDim == 0 || a.headDim % 2 != 0 ||
        a.headDim > kMaxHeadDim || headDimV > kMaxHeadDimV || kStride % 2 != 0 || vStride % 2 != 0 ||
        kStride < a.nHeadKv * a.headDim || vStride < a.nHeadKv * headDimV || a.nTokens == 0 || a.nTokens > 65535 ||
        a.nHead > 65535) {
        return fail(Errc::InvalidArgument,
                    detail::cat(label, ": attention needs q, k, v, out, nHead divisible by nHeadKv, an even key size <= ",
                                kMaxHeadDim, ", a value size <= ", kMaxHeadDimV,
                                ", even cache strides and 1..65535 tokens (nHead ", a.nHead, ", nHeadKv ", a.nHeadKv,
                                ", headDim ", a.headDim, "/", headDimV, ", nTokens ", a.nTokens, ")"));
    }
    auto pipe = attnPipeline(ctx, a.kvF16);
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const bool canSplit = a.nTokens == 1 && a.scratch.buffer != nullptr &&
                          a.scratch.buffer->size() - a.scratch.offset >= attentionScratchBytes(a.nHead, headDimV);
    const bool dynamic = a.step.buffer != nullptr;
    if (dynamic && !canSplit) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": a re-submittable attention step is one query with scratch"));
    }
    const AttentionStep s = attentionStep(a.pos0, a.nTokens, a.window, a.nHead, canSplit);
    const uint32_t qStride = a.nHead * a.headDim, oStride = a.nHead * headDimV;
    const AttentionPush push{a.nTokens, a.nHead,  a.nHeadKv, a.headDim, headDimV, qStride, oStride,
                             kStride,   vStride,  a.pos0,    a.window,  s.nSplit, s.splitLen, a.scale,
                             a.softcap, dynamic ? 1u : 0u};
    // Unused bindings: the output stands in for the partials when not split, q for the step parameters.
    const gpu::BufferRange partials = s.nSplit > 1 || dynamic ? a.scratch : a.out;
    const gpu::BufferRange step = dynamic ? a.step : a.q;
    if (dynamic) {
        // The grid (heads, 1, splits) is read from the step parameters, written before each submission.
        rec.dispatchIndirect(**pipe, {{a.q, false}, {a.k, false}, {a.v, false}, {a.out, true}, {partials, true}, {step, false}},
                             detail::bytesOf(push), gpu::BufferRange(*a.step.buffer, a.step.offset + 16, 12), label);
    } else {
        rec.dispatch(**pipe, {{a.q, false}, {a.k, false}, {a.v, false}, {a.out, true}, {partials, true}, {step, false}},
                     detail::bytesOf(push), a.nHead, a.nTokens, s.nSplit, label);
    }
    if (s.nSplit > 1 || dynamic) {  // a dynamic step always records the merge: no groups when it does not split
        auto merge = mergePipeline(ctx);
        if (!merge) {
            return std::unexpected(merge.error());
        }
        const MergePush mp{a.nHead, headDimV, oStride, s.nSplit, dynamic ? 1u : 0u};
        if (dynamic) {
            rec.dispatchIndirect(**merge, {{a.scratch, false}, {a.out, true}, {step, false}}, detail::bytesOf(mp),
                                 gpu::BufferRange(*a.step.buffer, a.step.offset + 32, 12), label);
        } else {
            rec.dispatch(**merge, {{a.scratch, false}, {a.out, true}, {step, false}}, detail::bytesOf(mp), a.nHead,
                         a.nTokens, 1, label);
        }
    }
    return {};
}

}  // namespace lantern::ops
