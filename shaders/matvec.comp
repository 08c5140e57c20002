#version 450
#extension GL_GOOGLE_include_directive : require
// y[r] = sum_c W[r][c] * x[c] (+ y[r] when accumulating): the decode-time matrix-vector product.
// W is a GGUF tensor of `rows` rows of `cols` elements (ne[0] = cols), bound as 32-bit words; x and y
// are f32. One workgroup per row; its threads stride over 32-element units (or single elements for
// plain types), then reduce in shared memory. Rows are spread over X and Y of the grid because a
// vocabulary projection has more rows than one grid dimension allows.
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Weights { uint wq[]; };
layout(std430, binding = 1) readonly buffer X { float x[]; };
layout(std430, binding = 2) buffer Y { float y[]; };

layout(push_constant) uniform Params {
    uint rows;       // rows handled by this dispatch
    uint cols;
    uint rowBytes;   // bytes of one weight row
    uint wOffset;    // byte offset of the first row inside the bound weight range (multiple of 4)
    uint yOffset;    // index in y of the first row of this dispatch (row splits of big tensors)
    uint accumulate; // 1: y += W x (residual fused), 0: y = W x
} p;

#include "quant.glsl"

shared float partial[gl_WorkGroupSize.x];

void main() {
    const uint row = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    if (row >= p.rows) {
        return;  // whole workgroup leaves together: no barrier is skipped by part of it
    }
    const uint tid = gl_LocalInvocationID.x;
    const uint rowByte = p.wOffset + row * p.rowBytes;
    float sum = 0.0;
#ifdef WTYPE_PLAIN
    for (uint c = tid; c < p.cols; c += gl_WorkGroupSize.x) {
        sum += wElem(rowByte, c) * x[c];
    }
#else
    const uint units = p.cols / 32u;
    for (uint u = tid; u < units; u += gl_WorkGroupSize.x) {
        const uint blk = unitBlockByte(rowByte, u);
        const uint unit = u % UNITS_PER_BLOCK;
        const uint xb = u * 32u;
        for (uint q = 0u; q < 8u; ++q) {
            const uint xi = xb + 4u * q;
            sum += dot(wDecode4(blk, unit, q), vec4(x[xi], x[xi + 1u], x[xi + 2u], x[xi + 3u]));
        }
    }
#endif
    partial[tid] = sum;
    barrier();
    for (uint s = gl_WorkGroupSize.x / 2u; s > 0u; s >>= 1) {
        if (tid < s) {
            partial[tid] += partial[tid + s];
        }
        barrier();
    }
    if (tid == 0u) {
        const uint yi = p.yOffset + row;
        y[yi] = partial[0] + (p.accumulate != 0u ? y[yi] : 0.0);
    }
}
