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
// Layouts: q, out = [nTokens][qStride] (head h at h*headDim); K, V cache = [position][kvStride]
// (kv head g at g*headDim), f32 or f16 (pairs packed in 32-bit words).
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
layout(std430, binding = 4) writeonly buffer Partials { float part[]; };  // [token][head][split][2+headDim]

layout(push_constant) uniform Params {
    uint nTokens;
    uint nHead;
    uint nHeadKv;
    uint headDim;     // <= 256, even
    uint qStride;     // floats between tokens in q and out
    uint kvStride;    // elements between positions in the cache
    uint pos0;
    uint window;      // 0 = no sliding window
    uint nSplit;
    uint splitLen;
    float scale;
    float softcap;    // 0 = none; else s = softcap * tanh(s / softcap)
} p;

const uint kMaxHeadDim = 256u;
const uint kMaxPerThread = 8u;  // headDim <= kMaxPerThread * workgroup size (C++ checks)

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
    const uint head = gl_WorkGroupID.x, t = gl_WorkGroupID.y, split = gl_WorkGroupID.z;
    const uint tid = gl_LocalInvocationID.x, wg = gl_WorkGroupSize.x;
    const uint kvOff = (head / (p.nHead / p.nHeadKv)) * p.headDim;
    const uint qpos = p.pos0 + t;
    const uint lo = p.window > 0u && qpos + 1u > p.window ? qpos + 1u - p.window : 0u;
    const uint begin = lo + split * p.splitLen;
    const uint end = min(qpos + 1u, begin + p.splitLen);
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
            s = score(pos * p.kvStride + kvOff) * p.scale;
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
            if (d < p.headDim) {
                float a = acc[k] * corr;
                for (uint j = 0u; j < n; ++j) {
                    a += w[j] * value((tile + j) * p.kvStride + kvOff + d);
                }
                acc[k] = a;
            }
        }
        m = mt;
        barrier();  // w[] is rewritten by the next tile
    }

    if (p.nSplit == 1u) {
        const float inv = l > 0.0 ? 1.0 / l : 0.0;
        for (uint k = 0u; k < kMaxPerThread; ++k) {
            const uint d = tid + k * wg;
            if (d < p.headDim) {
                o[t * p.qStride + head * p.headDim + d] = acc[k] * inv;
            }
        }
    } else {
        const uint pb = ((t * p.nHead + head) * p.nSplit + split) * (p.headDim + 2u);
        if (tid == 0u) {
            part[pb] = m;
            part[pb + 1u] = l;
        }
        for (uint k = 0u; k < kMaxPerThread; ++k) {
            const uint d = tid + k * wg;
            if (d < p.headDim) {
                part[pb + 2u + d] = acc[k];
            }
        }
    }
}
