#version 450
#extension GL_GOOGLE_include_directive : require
// out[t][c] = table[ids[t]][c] * scale: the embedding lookup, dequantizing GGUF rows to f32.
// A table bigger than one storage range is looked up in row chunks, one dispatch each: a dispatch
// writes only the tokens whose id falls in [rowBegin, rowBegin + rowCount) of its chunk.
// One workgroup per token.
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Weights { uint wq[]; };
layout(std430, binding = 1) readonly buffer Ids { int ids[]; };
layout(std430, binding = 2) writeonly buffer Out { float o[]; };

layout(push_constant) uniform Params {
    uint nIds;
    uint cols;
    uint rowBytes;
    uint wOffset;    // byte offset of row rowBegin inside the bound range (multiple of 4)
    uint rowBegin;
    uint rowCount;
    float scale;
} p;

#include "quant.glsl"

void main() {
    const uint t = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    if (t >= p.nIds) {
        return;
    }
    const uint id = uint(ids[t]);
    if (id < p.rowBegin || id - p.rowBegin >= p.rowCount) {
        return;  // another chunk's dispatch writes this token
    }
    const uint rowByte = p.wOffset + (id - p.rowBegin) * p.rowBytes;
    const uint ob = t * p.cols;
#ifdef WTYPE_PLAIN
    for (uint c = gl_LocalInvocationID.x; c < p.cols; c += gl_WorkGroupSize.x) {
        o[ob + c] = wElem(rowByte, c) * p.scale;
    }
#else
    const uint n = p.cols / 4u;  // groups of 4 elements
    for (uint g = gl_LocalInvocationID.x; g < n; g += gl_WorkGroupSize.x) {
        const uint u = g / 8u;
        const vec4 v = wDecode4(unitBlockByte(rowByte, u), u % UNITS_PER_BLOCK, g % 8u) * p.scale;
        const uint oi = ob + 4u * g;
        o[oi] = v.x;
        o[oi + 1u] = v.y;
        o[oi + 2u] = v.z;
        o[oi + 3u] = v.w;
    }
#endif
}
