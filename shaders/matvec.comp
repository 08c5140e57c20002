#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_KHR_shader_subgroup_arithmetic : require
// y[r] = sum_c W[r][c] * x[c] (+ y[r] when accumulating): the decode-time matrix-vector product.
// W is a GGUF tensor of `rows` rows of `cols` elements (ne[0] = cols), bound as 32-bit words; x and y
// are f32. A workgroup computes ROWS consecutive rows: every invocation walks the same 32-element units
// (single elements for plain types) of all ROWS rows, so each x value it loads serves ROWS rows; the
// partial sums are reduced with subgroupAdd and one shared-memory step (one barrier per workgroup, which
// matters on CPU drivers where a barrier costs as much as a row of work).
// Workgroups are spread over X and Y of the grid: a vocabulary projection has more than 65535 rows.
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint ROWS = 4;

layout(std430, binding = 0) readonly buffer Weights { uint wq[]; };
layout(std430, binding = 1) readonly buffer X { float x[]; };
// The same x, 16 bytes per load: on CPU drivers (lavapipe) every load costs about the same whatever its
// width, and four times fewer x loads made the quantized matvecs 1.3-1.8x faster there.
layout(std430, binding = 1) readonly buffer X4 { vec4 x4[]; };
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

const uint kMaxRows = 16u;
const uint kMaxSubgroups = 64u;  // workgroup <= 1024 invocations, subgroups >= 16 wide... or 8 on CPUs
shared float partial[kMaxRows * kMaxSubgroups];

void main() {
    const uint row0 = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * ROWS;
    if (row0 >= p.rows) {
        return;  // whole workgroup leaves together: no barrier is skipped by part of it
    }
    const uint nRows = min(ROWS, p.rows - row0);
    const uint tid = gl_LocalInvocationID.x;
    float sum[kMaxRows];
    for (uint r = 0u; r < ROWS; ++r) {
        sum[r] = 0.0;
    }
#ifdef WTYPE_PLAIN
    for (uint c = tid; c < p.cols; c += gl_WorkGroupSize.x) {
        const float xv = x[c];
        for (uint r = 0u; r < ROWS; ++r) {
            if (r < nRows) {
                sum[r] += wElem(p.wOffset + (row0 + r) * p.rowBytes, c) * xv;
            }
        }
    }
#else
    const uint units = p.cols / 32u;
    for (uint u = tid; u < units; u += gl_WorkGroupSize.x) {
        const uint xb = u * 32u;
        vec4 xv[8];
        for (uint q = 0u; q < 8u; ++q) {
            xv[q] = x4[xb / 4u + q];
        }
        const vec4 h4 = xv[0] + xv[1] + xv[2] + xv[3];
        const vec4 h8 = xv[4] + xv[5] + xv[6] + xv[7];
        const vec2 xh = vec2(dot(h4, vec4(1.0)), dot(h8, vec4(1.0)));
        const uint unit = u % UNITS_PER_BLOCK;
        for (uint r = 0u; r < ROWS; ++r) {
            if (r < nRows) {
                sum[r] += wDotUnit(unitBlockByte(p.wOffset + (row0 + r) * p.rowBytes, u), unit, xv, xh);
            }
        }
    }
#endif
    for (uint r = 0u; r < ROWS; ++r) {
        const float s = subgroupAdd(sum[r]);
        if (subgroupElect()) {
            partial[r * gl_NumSubgroups + gl_SubgroupID] = s;
        }
    }
    barrier();
    if (tid < nRows) {
        float s = 0.0;
        for (uint g = 0u; g < gl_NumSubgroups; ++g) {
            s += partial[tid * gl_NumSubgroups + g];
        }
        const uint yi = p.yOffset + row0 + tid;
        y[yi] = s + (p.accumulate != 0u ? y[yi] : 0.0);
    }
}
