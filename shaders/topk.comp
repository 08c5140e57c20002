#version 450
#extension GL_KHR_shader_subgroup_arithmetic : require
// The k largest values of a vector and their indices, largest first (ties: lower index first; NaN counts as
// -infinity): greedy decoding (k = 1) and top-k sampling without reading the whole logits vector back.
//
// Two dispatches. Stage 0: workgroup g takes a contiguous slice of the n values and writes its own top k to
// slot g of the partial buffers. Stage 1: one workgroup takes the G x k partial pairs and writes the final k.
// Each of the k rounds selects the best pair that comes strictly after the previous round's pair in the
// order (value descending, index ascending), so nothing needs to be marked as taken; a round is a scan of
// the slice and one workgroup reduction (subgroup max/min, then one shared-memory step).
layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer InVal { float inVal[]; };
layout(std430, binding = 1) readonly buffer InIdx { uint inIdx[]; };   // stage 1: partial indices
layout(std430, binding = 2) writeonly buffer OutVal { float outVal[]; };
layout(std430, binding = 3) writeonly buffer OutIdx { uint outIdx[]; };

layout(push_constant) uniform Params {
    uint n;      // stage 0: values; stage 1: partial pairs (G x k)
    uint k;
    uint slice;  // stage 0: values per workgroup
    uint stage;
} p;

const float kNegInf = -3.402823466e38;
const uint kNone = 0xFFFFFFFFu;

shared float sVal[32];
shared uint sIdx[32];

// Whether (v, i) comes after (pv, pi) in the order value descending, index ascending.
bool after(float v, uint i, float pv, uint pi) { return v < pv || (v == pv && i > pi); }
// Whether (v, i) comes before (bv, bi).
bool better(float v, uint i, float bv, uint bi) { return v > bv || (v == bv && i < bi); }

void main() {
    const uint tid = gl_LocalInvocationID.x;
    const uint begin = p.stage == 0u ? gl_WorkGroupID.x * p.slice : 0u;
    const uint end = p.stage == 0u ? min(p.n, begin + p.slice) : p.n;
    const uint outBase = p.stage == 0u ? gl_WorkGroupID.x * p.k : 0u;
    float pv = 3.402823466e38 * 2.0;  // +infinity: everything comes after it
    uint pi = 0u;
    for (uint r = 0u; r < p.k; ++r) {
        float bv = kNegInf;
        uint bi = kNone;
        for (uint e = begin + tid; e < end; e += gl_WorkGroupSize.x) {
            float v = inVal[e];
            v = isnan(v) ? kNegInf : v;
            const uint i = p.stage == 0u ? e : inIdx[e];
            if (i != kNone && after(v, i, pv, pi) && better(v, i, bv, bi)) {
                bv = v;
                bi = i;
            }
        }
        // Workgroup reduction of (bv, bi).
        const float sv = subgroupMax(bv);
        const uint si = subgroupMin(bv == sv ? bi : kNone);
        if (subgroupElect()) {
            sVal[gl_SubgroupID] = sv;
            sIdx[gl_SubgroupID] = si;
        }
        barrier();
        float wv = sVal[0];
        uint wi = sIdx[0];
        for (uint s = 1u; s < gl_NumSubgroups; ++s) {
            if (better(sVal[s], sIdx[s], wv, wi)) {
                wv = sVal[s];
                wi = sIdx[s];
            }
        }
        barrier();  // sVal/sIdx are rewritten next round
        if (tid == 0u) {
            outVal[outBase + r] = wv;
            outIdx[outBase + r] = wi;  // kNone when the slice had fewer than k values
        }
        pv = wv;
        pi = wi;
        if (wi == kNone) {
            pv = kNegInf;  // nothing left: the remaining rounds write kNone too
            pi = kNone;
        }
    }
}
