#version 450
// Combines the per-split partial results of attention.comp: with split maxima m_s, sums l_s and
// unnormalised outputs o_s, out = sum_s o_s e^(m_s - M) / sum_s l_s e^(m_s - M), M = max_s m_s.
// One workgroup per (head, token).
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Partials { float part[]; };
layout(std430, binding = 1) writeonly buffer Out { float o[]; };
layout(std430, binding = 2) readonly buffer Step { uint step[]; };  // [1] = nSplit when dynamic

layout(push_constant) uniform Params {
    uint nHead;
    uint headDim;
    uint qStride;
    uint nSplit;
    uint dynamic;  // 1: nSplit from step[1]; with one split attention.comp wrote out itself
} p;

void main() {
    const uint nSplit = p.dynamic != 0u ? step[1] : p.nSplit;
    if (nSplit <= 1u) {
        return;
    }
    const uint head = gl_WorkGroupID.x, t = gl_WorkGroupID.y;
    const uint stride = p.headDim + 2u;
    const uint base = (t * p.nHead + head) * nSplit * stride;
    float mMax = -1e30;
    for (uint s = 0u; s < nSplit; ++s) {
        mMax = max(mMax, part[base + s * stride]);
    }
    float l = 0.0;
    for (uint s = 0u; s < nSplit; ++s) {
        l += part[base + s * stride + 1u] * exp(part[base + s * stride] - mMax);
    }
    const float inv = l > 0.0 ? 1.0 / l : 0.0;
    for (uint d = gl_LocalInvocationID.x; d < p.headDim; d += gl_WorkGroupSize.x) {
        float acc = 0.0;
        for (uint s = 0u; s < nSplit; ++s) {
            acc += part[base + s * stride + 2u + d] * exp(part[base + s * stride] - mMax);
        }
        o[t * p.qStride + head * p.headDim + d] = acc * inv;
    }
}
