#version 450
// cache[pos0 + t][i] = src[t][i] for t < nTokens, i < width: appends the new tokens' K or V rows to a
// layer's cache ([context][nHeadKv * headDim]), converting to f16 for the f16 cache. With dynamicPos, pos0 is
// read from the step's parameters (a recorded decode step re-submitted at the next position).
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Src { float src[]; };
#ifdef KV_F16
layout(std430, binding = 1) writeonly buffer Cache { uint cache[]; };  // f16 pairs
#else
layout(std430, binding = 1) writeonly buffer Cache { float cache[]; };
#endif

layout(std430, binding = 2) readonly buffer Step { uint step[]; };  // [0] = pos0 when dynamicPos

layout(push_constant) uniform Params {
    uint nTokens;
    uint width;      // floats per token (even for the f16 cache)
    uint pos0;
    uint dynamicPos;
} p;

void main() {
    const uint idx = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x +
                     gl_LocalInvocationID.x;
#ifdef KV_F16
    // One invocation per pair of halves: whole words, no read-modify-write.
    if (idx >= p.nTokens * p.width / 2u) {
        return;
    }
    const uint pos0 = p.dynamicPos != 0u ? step[0] : p.pos0;
    const uint i = idx * 2u;
    cache[(pos0 * p.width + i) / 2u] = packHalf2x16(vec2(src[i], src[i + 1u]));
#else
    if (idx >= p.nTokens * p.width) {
        return;
    }
    cache[(p.dynamicPos != 0u ? step[0] : p.pos0) * p.width + idx] = src[idx];
#endif
}
