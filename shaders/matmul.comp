#version 450
#extension GL_GOOGLE_include_directive : require
// Y[t][yOffset + r] (= or +=) sum_c X[t][c] * W[r][c]: the prefill product of nTokens activations with a
// GGUF weight matrix (rows x cols). Each workgroup computes a TILE_R x TILE_T block of Y; the K
// dimension advances 32 columns at a time, the weight slice dequantized once into shared memory and
// reused by every token of the tile. The workgroup size is fixed (not a specialization constant)
// because the register tiling depends on it.
layout(local_size_x = 128) in;  // the tile mapping below is written for 128

layout(std430, binding = 0) readonly buffer Weights { uint wq[]; };
layout(std430, binding = 1) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer X4 { vec4 x4[]; };  // the same x, 16 bytes per load
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
const uint TK = 32u;          // columns per step: one 32-element unit
const uint K4 = TK / 4u;
const uint PAD4 = K4 + 1u;    // vec4 row stride of the tiles; odd, so neighbouring rows use other banks
// 128 invocations as 16 (rows) x 8 (tokens); each computes 4 rows x 4 tokens, rows tr + 16 i and
// tokens tt + 8 j, reading the tiles as vec4 along k: 8 vec4 loads feed 16 dot products.
const uint WG = 128u;

shared vec4 ws[TILE_R * PAD4];
shared vec4 xs[TILE_T * PAD4];

void loadTiles(uint r0, uint t0, uint k0) {
    const uint tid = gl_LocalInvocationID.x;
#ifdef WTYPE_PLAIN
    for (uint i = tid; i < TILE_R * K4; i += WG) {
        const uint r = i / K4, k = k0 + 4u * (i % K4);
        vec4 v = vec4(0.0);
        if (r0 + r < p.rows) {
            const uint rb = p.wOffset + (r0 + r) * p.rowBytes;
            for (uint e = 0u; e < 4u; ++e) {
                v[e] = k + e < p.cols ? wElem(rb, k + e) : 0.0;
            }
        }
        ws[r * PAD4 + i % K4] = v;
    }
#else
    const uint u = k0 / 32u;
    for (uint i = tid; i < TILE_R * K4; i += WG) {
        const uint r = i / K4, qd = i % K4;
        vec4 v = vec4(0.0);
        if (r0 + r < p.rows) {
            v = wDecode4(unitBlockByte(p.wOffset + (r0 + r) * p.rowBytes, u), u % UNITS_PER_BLOCK, qd);
        }
        ws[r * PAD4 + qd] = v;
    }
#endif
    for (uint i = tid; i < TILE_T * K4; i += WG) {
        const uint t = i / K4, k = k0 + 4u * (i % K4);
        vec4 v = vec4(0.0);
        if (t0 + t < p.nTokens) {
            const uint xb = (t0 + t) * p.xStride;
            if (k + 3u < p.cols && (xb & 3u) == 0u) {
                v = x4[(xb + k) / 4u];  // k is a multiple of 4
            } else if (k + 3u < p.cols) {
                v = vec4(x[xb + k], x[xb + k + 1u], x[xb + k + 2u], x[xb + k + 3u]);
            } else {
                for (uint e = 0u; e < 4u; ++e) {
                    v[e] = k + e < p.cols ? x[xb + k + e] : 0.0;
                }
            }
        }
        xs[t * PAD4 + i % K4] = v;
    }
}

void main() {
    const uint tid = gl_LocalInvocationID.x;
    const uint tr = tid % 16u, tt = tid / 16u;
    const uint r0 = gl_WorkGroupID.x * TILE_R, t0 = gl_WorkGroupID.y * TILE_T;
    vec4 acc[4];  // acc[i][j]: row tr + 16 i, token tt + 8 j
    for (uint i = 0u; i < 4u; ++i) {
        acc[i] = vec4(0.0);
    }
    for (uint k0 = 0u; k0 < p.cols; k0 += TK) {
        loadTiles(r0, t0, k0);
        barrier();
        for (uint k = 0u; k < K4; ++k) {
            vec4 xv[4];
            for (uint j = 0u; j < 4u; ++j) {
                xv[j] = xs[(tt + 8u * j) * PAD4 + k];
            }
            for (uint i = 0u; i < 4u; ++i) {
                const vec4 wv = ws[(tr + 16u * i) * PAD4 + k];
                acc[i] += vec4(dot(wv, xv[0]), dot(wv, xv[1]), dot(wv, xv[2]), dot(wv, xv[3]));
            }
        }
        barrier();  // the tiles are reloaded next step
    }
    for (uint i = 0u; i < 4u; ++i) {
        const uint r = r0 + tr + 16u * i;
        for (uint j = 0u; j < 4u; ++j) {
            const uint t = t0 + tt + 8u * j;
            if (r < p.rows && t < p.nTokens) {
                const uint yi = t * p.yStride + p.yOffset + r;
                y[yi] = acc[i][j] + (p.accumulate != 0u ? y[yi] : 0.0);
            }
        }
    }
}
