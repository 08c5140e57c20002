#version 450
#extension GL_GOOGLE_include_directive : require
// Y[t][yOffset + r] (= or +=) sum_c X[t][c] * W[r][c]: the prefill product of nTokens activations with a
// GGUF weight matrix (rows x cols). Each workgroup computes a TILE_R x TILE_T block of Y; the K
// dimension advances 32 columns at a time, the weight slice dequantized once into shared memory and
// reused by every token of the tile.
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Weights { uint wq[]; };
layout(std430, binding = 1) readonly buffer X { float x[]; };
layout(std430, binding = 2) buffer Y { float y[]; };

layout(push_constant) uniform Params {
    uint nTokens;
    uint rows;       // rows handled by this dispatch
    uint cols;
    uint rowBytes;
    uint wOffset;    // byte offset of the first row inside the bound range (multiple of 4)
    uint yOffset;    // column of Y that row 0 of this dispatch writes
    uint xStride;    // floats between tokens in X
    uint yStride;    // floats between tokens in Y
    uint accumulate;
} p;

#include "quant.glsl"

const uint TILE_R = 64u;
const uint TILE_T = 32u;
const uint TK = 32u;
const uint PAD = TK + 1u;  // odd stride: threads reading one column hit different banks

shared float ws[TILE_R * PAD];
shared float xs[TILE_T * PAD];

void loadTiles(uint r0, uint t0, uint k0) {
    const uint wg = gl_WorkGroupSize.x, tid = gl_LocalInvocationID.x;
#ifdef WTYPE_PLAIN
    for (uint i = tid; i < TILE_R * TK; i += wg) {
        const uint r = i / TK, k = i % TK;
        const bool ok = r0 + r < p.rows && k0 + k < p.cols;
        ws[r * PAD + k] = ok ? wElem(p.wOffset + (r0 + r) * p.rowBytes, k0 + k) : 0.0;
    }
#else
    const uint u = k0 / 32u;
    for (uint i = tid; i < TILE_R * 8u; i += wg) {
        const uint r = i / 8u, qd = i % 8u;
        vec4 v = vec4(0.0);
        if (r0 + r < p.rows) {
            v = wDecode4(unitBlockByte(p.wOffset + (r0 + r) * p.rowBytes, u), u % UNITS_PER_BLOCK, qd);
        }
        const uint b = r * PAD + 4u * qd;
        ws[b] = v.x;
        ws[b + 1u] = v.y;
        ws[b + 2u] = v.z;
        ws[b + 3u] = v.w;
    }
#endif
    for (uint i = tid; i < TILE_T * TK; i += wg) {
        const uint t = i / TK, k = i % TK;
        xs[t * PAD + k] = t0 + t < p.nTokens && k0 + k < p.cols ? x[(t0 + t) * p.xStride + k0 + k] : 0.0;
    }
}

const uint kMaxOut = 16u;  // outputs per invocation; TILE_R * TILE_T <= kMaxOut * workgroup size

void main() {
    const uint wg = gl_WorkGroupSize.x, tid = gl_LocalInvocationID.x;
    const uint r0 = gl_WorkGroupID.x * TILE_R, t0 = gl_WorkGroupID.y * TILE_T;
    const uint nOut = TILE_R * TILE_T / wg;
    float acc[kMaxOut];
    for (uint j = 0u; j < kMaxOut; ++j) {
        acc[j] = 0.0;
    }
    for (uint k0 = 0u; k0 < p.cols; k0 += TK) {
        loadTiles(r0, t0, k0);
        barrier();
        for (uint j = 0u; j < nOut; ++j) {
            // Consecutive invocations take consecutive rows of one token: ws reads spread over banks,
            // xs reads are a broadcast.
            const uint o = tid + j * wg;
            const uint r = o % TILE_R, t = o / TILE_R;
            float s = 0.0;
            for (uint k = 0u; k < TK; ++k) {
                s += ws[r * PAD + k] * xs[t * PAD + k];
            }
            acc[j] += s;
        }
        barrier();  // the tiles are reloaded next iteration
    }
    for (uint j = 0u; j < nOut; ++j) {
        const uint o = tid + j * wg;
        const uint r = r0 + o % TILE_R, t = t0 + o / TILE_R;
        if (r < p.rows && t < p.nTokens) {
            const uint yi = t * p.yStride + p.yOffset + r;
            y[yi] = acc[j] + (p.accumulate != 0u ? y[yi] : 0.0);
        }
    }
}
