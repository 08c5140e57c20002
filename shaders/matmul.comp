#version 450
#extension GL_GOOGLE_include_directive : require
// Y[t][yOffset + r] (= or +=) sum_c X[t][c] * W[r][c]: the prefill product of nTokens activations with a
// GGUF weight matrix (rows x cols). Each workgroup computes a TILE_R x TILE_T block of Y; the K
// dimension advances 32 columns at a time, the weight slice dequantized once into shared memory and
// reused by every token of the tile. The workgroup size is fixed (not a specialization constant)
// because the register tiling depends on it.
//
// With EXPERTS (mixture-of-experts prefill): the tokens were grouped by expert beforehand (moe_sort.comp).
// Workgroup y is one tile of up to TILE_T (token, slot) pairs routed to the same expert; it multiplies
// that expert's matrix with the pairs' activations and writes one output row per pair, so each expert's
// weights are read once per tile instead of once per pair.
layout(local_size_x = 128) in;  // the tile mapping below is written for 128

layout(std430, binding = 0) readonly buffer Weights { uint wq[]; };
layout(std430, binding = 1) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer X4 { vec4 x4[]; };  // the same x, 16 bytes per load
layout(std430, binding = 2) buffer Y { float y[]; };

#ifdef EXPERTS
// moe_sort.comp's output: [0] the number of tiles, then per tile (expert, first pair, pairs), then from
// pairsOffset the pair indices (token * used + slot) grouped by expert.
layout(std430, binding = 3) readonly buffer Sorted { uint sorted[]; };

layout(push_constant) uniform Params {
    uint rows;         // rows of each expert's matrix computed (from rowStart)
    uint cols;
    uint rowBytes;
    uint wOffset;      // byte offset of expert expertLo's row 0 inside the bound range (multiple of 4)
    uint expertBytes;  // bytes between consecutive experts' matrices
    uint rowStart;     // first row of each expert's matrix computed (gate/up stacks: 0 or the gate's rows)
    uint expertLo;     // experts [expertLo, expertHi) are in the bound range; tiles of others return
    uint expertHi;
    uint used;         // pair z reads x at (z / used) * xTokenStride + (z % used) * xSlotStride
    uint xTokenStride;
    uint xSlotStride;
    uint yStride;      // y row of pair z starts at z * yStride
    uint pairsOffset;
} p;
#ifndef TILE_T
#define TILE_T 16u
#endif
#else
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
#define TILE_T 32u
#endif

#include "quant.glsl"

// Each invocation computes 4 rows x TJ tokens: 128 invocations as TR_LANES (rows) x TT_LANES (tokens),
// rows tr + TR_LANES i and tokens tt + TT_LANES j, reading the tiles as vec4 along k. 32 tokens: 16 x 8
// lanes, 64 rows; 16 tokens: 32 x 4 lanes, 128 rows (MoE tiles hold few tokens, so a shorter token side
// wastes less work on empty slots).
const uint TJ = 4u;
const uint TT_LANES = TILE_T / TJ;
const uint TR_LANES = 128u / TT_LANES;
const uint TILE_R = 4u * TR_LANES;
const uint TK = 32u;          // columns per step: one 32-element unit
const uint K4 = TK / 4u;
const uint PAD4 = K4 + 1u;    // vec4 row stride of the tiles; odd, so neighbouring rows use other banks
const uint WG = 128u;

shared vec4 ws[TILE_R * PAD4];
shared vec4 xs[TILE_T * PAD4];
shared uint xBase[TILE_T];    // float index of each tile token's activation row

uint nRows;   // rows of this dispatch
uint nTok;    // tokens of this tile
uint wBase;   // byte offset of row 0

void loadTiles(uint r0, uint k0) {
    const uint tid = gl_LocalInvocationID.x;
#ifdef WTYPE_PLAIN
    for (uint i = tid; i < TILE_R * K4; i += WG) {
        const uint r = i / K4, k = k0 + 4u * (i % K4);
        vec4 v = vec4(0.0);
        if (r0 + r < nRows) {
            const uint rb = wBase + (r0 + r) * p.rowBytes;
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
        if (r0 + r < nRows) {
            v = wDecode4(unitBlockByte(wBase + (r0 + r) * p.rowBytes, u), u % UNITS_PER_BLOCK, qd);
        }
        ws[r * PAD4 + qd] = v;
    }
#endif
    for (uint i = tid; i < TILE_T * K4; i += WG) {
        const uint t = i / K4, k = k0 + 4u * (i % K4);
        vec4 v = vec4(0.0);
        if (t < nTok) {
            const uint xb = xBase[t];
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
    const uint tr = tid % TR_LANES, tt = tid / TR_LANES;
    const uint r0 = gl_WorkGroupID.x * TILE_R;
#ifdef EXPERTS
    // The whole workgroup takes the same early return (before any barrier).
    const uint tile = gl_WorkGroupID.y;
    if (tile >= sorted[0]) {
        return;
    }
    const uint expert = sorted[1u + 3u * tile], first = sorted[2u + 3u * tile];
    if (expert < p.expertLo || expert >= p.expertHi) {
        return;
    }
    nTok = sorted[3u + 3u * tile];
    nRows = p.rows;
    wBase = p.wOffset + (expert - p.expertLo) * p.expertBytes + p.rowStart * p.rowBytes;
    for (uint t = tid; t < TILE_T; t += WG) {
        const uint z = t < nTok ? sorted[p.pairsOffset + first + t] : 0u;
        xBase[t] = (z / p.used) * p.xTokenStride + (z % p.used) * p.xSlotStride;
    }
#else
    const uint t0 = gl_WorkGroupID.y * TILE_T;
    nTok = min(TILE_T, p.nTokens - t0);
    nRows = p.rows;
    wBase = p.wOffset;
    for (uint t = tid; t < TILE_T; t += WG) {
        xBase[t] = (t0 + t) * p.xStride;
    }
#endif
    barrier();  // xBase is filled
    vec4 acc[4];  // acc[i][j]: row tr + TR_LANES i, token tt + TT_LANES j
    for (uint i = 0u; i < 4u; ++i) {
        acc[i] = vec4(0.0);
    }
    for (uint k0 = 0u; k0 < p.cols; k0 += TK) {
        loadTiles(r0, k0);
        barrier();
        for (uint k = 0u; k < K4; ++k) {
            vec4 xv[TJ];
            for (uint j = 0u; j < TJ; ++j) {
                xv[j] = xs[(tt + TT_LANES * j) * PAD4 + k];
            }
            for (uint i = 0u; i < 4u; ++i) {
                const vec4 wv = ws[(tr + TR_LANES * i) * PAD4 + k];
                acc[i] += vec4(dot(wv, xv[0]), dot(wv, xv[1]), dot(wv, xv[2]), dot(wv, xv[3]));
            }
        }
        barrier();  // the tiles are reloaded next step
    }
    for (uint i = 0u; i < 4u; ++i) {
        const uint r = r0 + tr + TR_LANES * i;
        for (uint j = 0u; j < TJ; ++j) {
            const uint t = tt + TT_LANES * j;
            if (r < nRows && t < nTok) {
#ifdef EXPERTS
                y[sorted[p.pairsOffset + first + t] * p.yStride + r] = acc[i][j];
#else
                const uint yi = (t0 + t) * p.yStride + p.yOffset + r;
                y[yi] = acc[i][j] + (p.accumulate != 0u ? y[yi] : 0.0);
#endif
            }
        }
    }
}
