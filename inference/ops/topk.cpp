// Top-k over a vector (shaders/topk.comp): two dispatches, per-slice candidates then the final k.
#include <algorithm>

#include "inference/ops/dispatch.h"

namespace lantern::ops {
namespace {

struct TopKPush {
    uint32_t n;
    uint32_t k;
    uint32_t slice;
    uint32_t stage;
};
static_assert(sizeof(TopKPush) == 16);

// Slices of at least 4,096 values, at most 64 of them (a 262,144-entry vocabulary: 64 x 4,096).
constexpr uint32_t kMinSlice = 4096;
constexpr uint32_t kMaxSlices = 64;

uint32_t sliceCount(uint32_t n) { return std::clamp<uint32_t>(detail::ceilDiv(n, kMinSlice), 1, kMaxSlices); }

}  // namespace

uint64_t topKScratchBytes(uint32_t n, uint32_t k) {
    // Partial values then partial indices, each padded to the binding offset alignment (256 covers every device).
    const uint64_t half = (uint64_t(sliceCount(n)) * k * 4 + 255) / 256 * 256;
    return 2 * half;
}

Result<void> topK(gpu::Context& ctx, gpu::Recorder& rec, const TopKArgs& a, std::string_view label) {
    if (a.values.buffer == nullptr || a.scratch.buffer == nullptr || a.outValues.buffer == nullptr ||
        a.outIndices.buffer == nullptr) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": topK is missing a buffer"));
    }
    if (a.n == 0 || a.k == 0 || a.k > kMaxTopK) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": topK needs n > 0 and 1 <= k <= ", kMaxTopK));
    }
    auto pipe = detail::pipeline(ctx, "topk_f32", 4, sizeof(TopKPush));
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const uint32_t groups = sliceCount(a.n);
    const uint64_t half = topKScratchBytes(a.n, a.k) / 2;
    const gpu::BufferRange partVal(*a.scratch.buffer, a.scratch.offset, half);
    const gpu::BufferRange partIdx(*a.scratch.buffer, a.scratch.offset + half, half);
    const TopKPush first{a.n, a.k, detail::ceilDiv(a.n, groups), 0};
    // Stage 0 does not read binding 1; the final index buffer stands in for it.
    rec.dispatch(**pipe, {{a.values, false}, {a.outIndices, false}, {partVal, true}, {partIdx, true}},
                 detail::bytesOf(first), groups, 1, 1, label);
    const TopKPush second{groups * a.k, a.k, 0, 1};
    rec.dispatch(**pipe, {{partVal, false}, {partIdx, false}, {a.outValues, true}, {a.outIndices, true}},
                 detail::bytesOf(second), 1, 1, 1, label);
    return {};
}

}  // namespace lantern::ops
