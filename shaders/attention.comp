#version 450
#extension GL_GOOGLE_include_directive : require
// Causal multi-head attention of nTokens queries against a layer's KV cache, with grouped-query heads,
// optional sliding window and logit soft-capping. Query t sits at position pos0 + t and sees cache
// positions [lo, pos0 + t], lo = max(0, pos0 + t - window + 1) when window > 0, else 0.
//
// Workgroup (head, token, split): split s covers positions [lo + s*splitLen, lo + (s+1)*splitLen).
// Positions are visited in tiles of one position per invocation; the softmax is online (running max m,
// running sum l, running output o). With one split the normalised result goes to out; with several,
// (m, l, o) go to `partials` and attnmerge.comp combines them (long-context decode).
//
// Layouts: q = [nTokens][qStride] (head h at h*headDim), out = [nTokens][oStride] (head h at h*headDimV);
// K cache = [position][kStride] (kv head g at g*headDim), V cache = [position][vStride] (kv head g at
// g*headDimV), f32 or f16 (pairs packed in 32-bit words). Keys and values may differ in size and may share a
// buffer: DeepSeek's latent attention reads keys of 576 (compressed KV + rope part) and values of 512 (the
// compressed KV alone) from the same cache rows.
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Q { float q[]; };
#ifdef KV_F16
layout(std430, binding = 1) readonly buffer K { uint kc[]; };
layout(std430, binding = 2) readonly buffer V { uint vc[]; };
#else
layout(std430, binding = 1) readonly buffer K { float kc[]; };
layout(std430, binding = 2) readonly buffer V { float vc[]; };
#endif
layout(std430, binding = 3) writeonly buffer Out { float o[]; };
layout(std430, binding = 4) writeonly buffer Partials { float part[]; };  // [token][head][split][2+headDimV]
// With dynamic: a re-submitted decode step reads pos0, nSplit and splitLen here (the grid comes from the same
// buffer through an indirect dispatch).
layout(std430, binding = 5) readonly buffer Step { uint step[]; };  // pos0, nSplit, splitLen

layout(push_constant) uniform Params {
    uint nTokens;
    uint nHead;
    uint nHeadKv;
    uint headDim;     // key (and query) size, <= 576, even
    uint headDimV;    // value (and output) size, <= 512
    uint qStride;     // floats between tokens in q
    uint oStride;     // floats between tokens in out
    uint kStride;     // elements between positions in the K cache
    uint vStride;     // elements between positions in the V cache
    uint pos0;
    uint window;      // 0 = no sliding window
    uint nSplit;
    uint splitLen;
    float scale;
    float softcap;    // 0 = none; else s = softcap * tanh(s / softcap)
    uint dynamic;     // 1: pos0, nSplit and splitLen from step[]
} p;

const uint kMaxHeadDim = 576u;
const uint kMaxPerThread = 8u;  // headDimV <= kMaxPerThread * workgroup size (C++ checks)

shared float qs[kMaxHeadDim];
shared float w[gl_WorkGroupSize.x];

float score(uint kBase) {
    float s = 0.0;
#ifdef KV_F16
    for (uint d = 0u; d < p.headDim; d += 2u) {
        s += dot(vec2(qs[d], qs[d + 1u]), unpackHalf2x16(kc[(kBase + d) >> 1]));
    }
#else
    for (uint d = 0u; d < p.headDim; ++d) {
        s += qs[d] * kc[kBase + d];
    }
#endif
    return s;
}

float value(uint i) {
#ifdef KV_F16
    return unpackHalf2x16(vc[i >> 1])[i & 1u];
#else
    return vc[i];
#endif
}

void main() {
    const uint pos0 = p.dynamic != 0u ? step[0] : p.pos0;
    const uint nSplit = p.dynamic != 0u ? step[1] : p.nSplit;
    const uint splitLen = p.dynamic != 0u ? step[2] : p.splitLen;
    const uint head = gl_WorkGroupID.x, t = gl_WorkGroupID.y, split = gl_WorkGroupID.z;
    const uint tid = gl_LocalInvocationID.x, wg = gl_WorkGroupSize.x;
    const uint group = head / (p.nHead / p.nHeadKv);
    const uint kOff = group * p.headDim, vOff = group * p.headDimV;
    const uint qpos = pos0 + t;
    const uint lo = p.window > 0u && qpos + 1u > p.window ? qpos + 1u - p.window : 0u;
    const uint begin = lo + split * splitLen;
    const uint end = min(qpos + 1u, begin + splitLen);
    for (uint d = tid; d < p.headDim; d += wg) {
        qs[d] = q[t * p.qStride + head * p.headDim + d];
    }
    barrier();

    float m = -1e30, l = 0.0;  // finite start: a tile or split with no position leaves them unchanged
    float acc[kMaxPerThread];
    for (uint k = 0u; k < kMaxPerThread; ++k) {
        acc[k] = 0.0;
    }
    for (uint tile = begin; tile < end; tile += wg) {
        const uint pos = tile + tid;
        float s = -1e30;
        if (pos < end) {
            s = score(pos * p.kStride + kOff) * p.scale;
            if (p.softcap > 0.0) {
                s = p.softcap * tanh(s / p.softcap);
            }
        }
        w[tid] = s;
        barrier();
        float mt = m;
        const uint n = min(wg, end - tile);
        for (uint j = 0u; j < n; ++j) {
            mt = max(mt, w[j]);
        }
        barrier();
        w[tid] = pos < end ? exp(s - mt) : 0.0;
        barrier();
        const float corr = exp(m - mt);
        float lt = 0.0;
        for (uint j = 0u; j < n; ++j) {
            lt += w[j];
        }
        l = l * corr + lt;
        for (uint k = 0u; k < kMaxPerThread; ++k) {
            const uint d = tid + k * wg;
            if (d < p.headDimV) {
                float a = acc[k] * corr;
                for (uint j = 0u; j < n; ++j) {
                    a += w[j] * value((tile + j) * p.vStride + vOff + d);
                }
                acc[k] = a;
            }
        }
        m = mt;
        barrier();  // w[] is rewritten by the next tile
    }

    if (nSplit == 1u) {
        const float inv = l > 0.0 ? 1.0 / l : 0.0;
        for (uint k = 0u; k < kMaxPerThread; ++k) {
            const uint d = tid + k * wg;
            if (d < p.headDimV) {
                o[t * p.oStride + head * p.headDimV + d] = acc[k] * inv;
            }
        }
    } else {
        const uint pb = ((t * p.nHead + head) * nSplit + split) * (p.headDimV + 2u);
        if (tid == 0u) {
            part[pb] = m;
            part[pb + 1u] = l;
        }
        for (uint k = 0u; k < kMaxPerThread; ++k) {
            const uint d = tid + k * wg;
            if (d < p.headDimV) {
                part[pb + 2u + d] = acc[k];
            }
        }
    }
}
