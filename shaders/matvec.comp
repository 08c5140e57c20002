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
//
// MULTI variant (short prefill batches, ops::matmul with few tokens): x holds nTokens <= kMaxTokens activations
// xStride floats apart from xOffset, and y gets nTokens output rows yStride floats apart. Each 32-element unit
// of a weight row is decoded once (wDecode4) and dotted with every token's x, so the weights are read and
// unpacked once for the whole batch, where the tiled matmul would spend most of a 32-token tile on empty slots.
//
// GLU variant (gated FFN, gate and up fused): W holds 2 * rows rows, the gate's then the up projection's (per
// expert with EXPERTS), and y[r] = act(gate_r . x) * (up_r . x), act = SiLU (act 0) or tanh-GELU (act 1). x is
// read once for both; a workgroup computes ROWS rows of each.
//
// EXPERTS variant (mixture-of-experts FFNs): W is a stack of expert matrices of `rows` rows each, and grid
// Z enumerates (token, slot) pairs z = token * slots + slot; the expert of pair z is ids[z] (written on the
// GPU by moe_route.comp: the CPU never waits for routing). Pair z reads x at token * xTokenStride +
// slot * xSlotStride and writes rows [z * yStride, z * yStride + rows) of y. The same variant runs per-head
// matrices (DeepSeek's attn_k_b / attn_v_b: slot = head, ids = 0, 1, ...).
// EXPERTS_SUM (with EXPERTS; the down projection): grid Z enumerates tokens; a workgroup runs all `slots`
// experts of its token and writes their sum weighted by routeWeights[token * slots + slot] to rows
// [token * rows, (token + 1) * rows) of y (plus y when accumulating: the residual add). When one binding
// cannot hold the whole stack, the host runs one dispatch per group of experts; later groups accumulate.
// Expert cache (offloaded experts, see inference/models/expertcache.h): with tableMode 1 the bound W is a
// device-memory cache and table[e] the slot holding expert e (none: another dispatch runs it); with tableMode
// 2 the bound W is the host-memory stack and only experts without a slot run here.
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint ROWS = 4;

layout(std430, binding = 0) readonly buffer Weights { uint wq[]; };
layout(std430, binding = 1) readonly buffer X { float x[]; };
// The same x, 16 bytes per load: on CPU drivers (lavapipe) every load costs about the same whatever its
// width, and four times fewer x loads made the quantized matvecs 1.3-1.8x faster there.
layout(std430, binding = 1) readonly buffer X4 { vec4 x4[]; };
layout(std430, binding = 2) buffer Y { float y[]; };
#ifdef EXPERTS
layout(std430, binding = 3) readonly buffer Ids { uint ids[]; };
#endif
#ifdef EXPERTS_SUM
layout(std430, binding = 4) readonly buffer RouteWeights { float routeWeights[]; };
layout(std430, binding = 5) readonly buffer Table { uint table[]; };
#elif defined(EXPERTS)
layout(std430, binding = 4) readonly buffer Table { uint table[]; };
#endif

layout(push_constant) uniform Params {
    uint rows;       // rows handled by this dispatch
    uint cols;
    uint rowBytes;   // bytes of one weight row
    uint wOffset;    // byte offset of the first row inside the bound weight range (multiple of 4)
    uint yOffset;    // index in y of the first row of this dispatch (row splits of big tensors)
    uint accumulate; // 1: y += W x (residual fused), 0: y = W x
#ifdef EXPERTS
    uint slots;        // experts used per token
    uint xTokenStride; // floats between the x of consecutive tokens
    uint xSlotStride;  // floats between the x of a token's slots (0: all slots read the token's x)
    uint expertLo;     // this dispatch's binding holds experts [expertLo, expertHi) (a stack too big for one
    uint expertHi;     // binding is run as several dispatches; pairs of other experts are left alone)
    uint yStride;      // floats between the outputs of consecutive pairs (EXPERTS) or tokens (EXPERTS_SUM)
    uint tableMode;    // 0: no cache; 1: W is the cache, slots from table; 2: W is the stack, uncached experts only
#endif
#ifdef GLU
    uint act;          // 0: SiLU, 1: tanh-GELU
#endif
#ifdef MULTI
    uint nTokens;      // <= kMaxTokens
    uint xOffset;      // index in x of token 0's first element (a multiple of 4 for block-quantized weights)
    uint xStride;      // floats between tokens in x (a multiple of 4 for block-quantized weights)
    uint yStride;      // floats between tokens in y
#endif
} p;

#ifdef EXPERTS
const uint kNone = 0xFFFFFFFFu;
// Where expert e sits in the bound W, or kNone when another dispatch runs it (uniform over a workgroup).
uint slotOf(uint e) {
    if (p.tableMode == 1u) {
        return table[e];
    }
    if (p.tableMode == 2u && table[e] != kNone) {
        return kNone;
    }
    return e >= p.expertLo && e < p.expertHi ? e - p.expertLo : kNone;
}
#endif

#include "quant.glsl"
#ifdef GLU
#include "activation.glsl"
const uint NR = 2u * ROWS;  // gate rows, then the matching up rows
#else
const uint NR = ROWS;
#endif

const uint kMaxRows = 16u;
const uint kMaxSubgroups = 64u;  // workgroup <= 1024 invocations, subgroups >= 16 wide... or 8 on CPUs
// MULTI: ROWS x kMaxTokens sums per subgroup; the host keeps that within the array (4 rows, <= 32 subgroups).
shared float partial[kMaxRows * kMaxSubgroups];

// The weight row behind row r of a workgroup starting at row0 (GLU: r >= ROWS are the up rows).
uint rowOf(uint row0, uint r) { return r < ROWS ? row0 + r : p.rows + row0 + (r - ROWS); }

#ifdef MULTI
const uint kMaxTokens = 8u;
const uint kMultiRows = 4u;  // ROWS <= kMultiRows (the host passes 4)

// Elements 4q .. 4q+3 of 32-element unit u of the weight row starting at rowByte.
#ifndef WTYPE_PLAIN
vec4 unitDecode4(uint rowByte, uint u, uint q) { return wDecode4(unitBlockByte(rowByte, u), u % UNITS_PER_BLOCK, q); }
#endif

void main() {
    const uint row0 = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * ROWS;
    if (row0 >= p.rows) {
        return;  // whole workgroup leaves together
    }
    const uint nRows = min(ROWS, p.rows - row0);
    const uint nTok = min(p.nTokens, kMaxTokens);
    const uint tid = gl_LocalInvocationID.x;
    float acc[kMaxRows * kMaxTokens];  // [row][token]
    for (uint i = 0u; i < ROWS * kMaxTokens; ++i) {
        acc[i] = 0.0;
    }
#ifdef WTYPE_PLAIN
    for (uint c = tid; c < p.cols; c += gl_WorkGroupSize.x) {
        for (uint r = 0u; r < nRows; ++r) {
            const float w = wElem(p.wOffset + (row0 + r) * p.rowBytes, c);
            for (uint t = 0u; t < nTok; ++t) {
                acc[r * kMaxTokens + t] += w * x[p.xOffset + t * p.xStride + c];
            }
        }
    }
#else
    // The unit of all ROWS rows is decoded first, then each token's x is loaded once for all of them (on CPU
    // drivers a load of x is a gather across lanes, as costly as the arithmetic it feeds).
    const uint units = p.cols / 32u;
    for (uint u = tid; u < units; u += gl_WorkGroupSize.x) {
        vec4 w[kMultiRows * 8u];
        for (uint r = 0u; r < ROWS; ++r) {
            const uint rowByte = p.wOffset + (row0 + min(r, nRows - 1u)) * p.rowBytes;
            for (uint q = 0u; q < 8u; ++q) {
                w[r * 8u + q] = unitDecode4(rowByte, u, q);
            }
        }
        for (uint t = 0u; t < nTok; ++t) {
            const uint xb = (p.xOffset + t * p.xStride + u * 32u) / 4u;
            vec4 s4[kMultiRows];
            for (uint r = 0u; r < ROWS; ++r) {
                s4[r] = vec4(0.0);
            }
            for (uint q = 0u; q < 8u; ++q) {
                const vec4 xv = x4[xb + q];
                for (uint r = 0u; r < ROWS; ++r) {
                    s4[r] += w[r * 8u + q] * xv;
                }
            }
            for (uint r = 0u; r < ROWS; ++r) {
                acc[r * kMaxTokens + t] += dot(s4[r], vec4(1.0));
            }
        }
    }
#endif
    for (uint r = 0u; r < nRows; ++r) {
        for (uint t = 0u; t < nTok; ++t) {
            const float s = subgroupAdd(acc[r * kMaxTokens + t]);
            if (subgroupElect()) {
                partial[(r * kMaxTokens + t) * gl_NumSubgroups + gl_SubgroupID] = s;
            }
        }
    }
    barrier();
    for (uint i = tid; i < nRows * nTok; i += gl_WorkGroupSize.x) {
        const uint r = i / nTok, t = i % nTok;
        float s = 0.0;
        for (uint g = 0u; g < gl_NumSubgroups; ++g) {
            s += partial[(r * kMaxTokens + t) * gl_NumSubgroups + g];
        }
        const uint yi = t * p.yStride + p.yOffset + row0 + r;
        y[yi] = s + (p.accumulate != 0u ? y[yi] : 0.0);
    }
}
#else
void main() {
    const uint row0 = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * ROWS;
    if (row0 >= p.rows) {
        return;  // whole workgroup leaves together: no barrier is skipped by part of it
    }
    const uint nRows = min(ROWS, p.rows - row0);
    const uint tid = gl_LocalInvocationID.x;
#if defined(EXPERTS_SUM)
    // Grid Z = tokens; the workgroup runs every slot of its token and sums them with the router weights.
    const uint t = gl_WorkGroupID.z;
    const uint passes = p.slots;
    const uint yBase = p.yOffset + t * p.yStride;
#elif defined(EXPERTS)
    const uint z = gl_WorkGroupID.z;
    const uint slot = slotOf(ids[z]);
    if (slot == kNone) {
        return;  // another dispatch's expert (uniform over the workgroup)
    }
    const uint passes = 1u;
    const uint yBase = p.yOffset + z * p.yStride;
#else
    const uint passes = 1u;
    const uint yBase = p.yOffset;
#endif
    float sum[kMaxRows];
    for (uint r = 0u; r < NR; ++r) {
        sum[r] = 0.0;
    }
    for (uint pass = 0u; pass < passes; ++pass) {
#if defined(EXPERTS_SUM)
        const uint pair = t * p.slots + pass;
        const uint slot = slotOf(ids[pair]);
        if (slot == kNone) {
            continue;  // another dispatch's expert (uniform over the workgroup)
        }
        const float gate = routeWeights[pair];
#elif defined(EXPERTS)
        const uint pair = z;
        const float gate = 1.0;
#endif
#ifdef EXPERTS
        const uint wBase = p.wOffset + slot * (NR / ROWS) * p.rows * p.rowBytes;
        const uint xBase = (pair / p.slots) * p.xTokenStride + (pair % p.slots) * p.xSlotStride;  // multiple of 4
#else
        const uint wBase = p.wOffset;
        const uint xBase = 0u;
        const float gate = 1.0;
#endif
        float part[kMaxRows];
        for (uint r = 0u; r < NR; ++r) {
            part[r] = 0.0;
        }
#ifdef WTYPE_PLAIN
        for (uint c = tid; c < p.cols; c += gl_WorkGroupSize.x) {
            const float xv = x[xBase + c];
            for (uint r = 0u; r < NR; ++r) {
                if (r % ROWS < nRows) {
                    part[r] += wElem(wBase + rowOf(row0, r) * p.rowBytes, c) * xv;
                }
            }
        }
#elif defined(UNIT_PAIRS)
        const uint pairs = p.cols / 64u;
        const uint pairsPerBlock = UNITS_PER_BLOCK / 2u;
        for (uint pu = tid; pu < pairs; pu += gl_WorkGroupSize.x) {
            const uint pairInBlock = pu % pairsPerBlock;
            const uint u = (pu / pairsPerBlock) * UNITS_PER_BLOCK + pairFirstUnit(pairInBlock);
            vec4 xa[8], xb[8];
            for (uint q = 0u; q < 8u; ++q) {
                xa[q] = x4[(xBase + u * 32u) / 4u + q];
                xb[q] = x4[(xBase + (u + PAIR_STRIDE) * 32u) / 4u + q];
            }
            const vec2 ha = vec2(dot(xa[0] + xa[1] + xa[2] + xa[3], vec4(1.0)), dot(xa[4] + xa[5] + xa[6] + xa[7], vec4(1.0)));
            const vec2 hb = vec2(dot(xb[0] + xb[1] + xb[2] + xb[3], vec4(1.0)), dot(xb[4] + xb[5] + xb[6] + xb[7], vec4(1.0)));
            for (uint r = 0u; r < NR; ++r) {
                if (r % ROWS < nRows) {
                    part[r] += wDotPair(unitBlockByte(wBase + rowOf(row0, r) * p.rowBytes, u), pairInBlock, xa, xb, ha, hb);
                }
            }
        }
#else
        const uint units = p.cols / 32u;
        for (uint u = tid; u < units; u += gl_WorkGroupSize.x) {
            const uint xb = u * 32u;
            vec4 xv[8];
            for (uint q = 0u; q < 8u; ++q) {
                xv[q] = x4[(xBase + xb) / 4u + q];
            }
            const vec4 h4 = xv[0] + xv[1] + xv[2] + xv[3];
            const vec4 h8 = xv[4] + xv[5] + xv[6] + xv[7];
            const vec2 xh = vec2(dot(h4, vec4(1.0)), dot(h8, vec4(1.0)));
            const uint unit = u % UNITS_PER_BLOCK;
            for (uint r = 0u; r < NR; ++r) {
                if (r % ROWS < nRows) {
                    part[r] += wDotUnit(unitBlockByte(wBase + rowOf(row0, r) * p.rowBytes, u), unit, xv, xh);
                }
            }
        }
#endif
        for (uint r = 0u; r < NR; ++r) {
            sum[r] += gate * part[r];
        }
    }
    for (uint r = 0u; r < NR; ++r) {
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
        const uint yi = yBase + row0 + tid;
#ifdef GLU
        float su = 0.0;
        for (uint g = 0u; g < gl_NumSubgroups; ++g) {
            su += partial[(ROWS + tid) * gl_NumSubgroups + g];
        }
        s = (p.act == 1u ? geluTanh(s) : silu(s)) * su;
#endif
        y[yi] = s + (p.accumulate != 0u ? y[yi] : 0.0);
    }
}
#endif  // MULTI
