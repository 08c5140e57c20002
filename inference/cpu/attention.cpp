// The CPU backend's attention (ops.h): an online softmax over the visible cache
// positions (running maximum, sum and weighted value sum), in f32 from an f16 or f32 cache. Threads take
// disjoint tiles of queries.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "inference/cpu/isa.h"
#include "inference/cpu/ops.h"
#include "inference/cpu/attentionimpl.h"

namespace lantern::cpu {

namespace {

float dot(const float* q, const void* k, uint32_t n, bool f16) {
#if defined(__x86_64__) || defined(_M_X64)
    if (activeIsa() != Isa::Scalar) {
        return f16 ? attn::dotF16Avx2(q, static_cast<const uint16_t*>(k), n)
                   : attn::dotF32Avx2(q, static_cast<const float*>(k), n);
    }
#endif
    float s = 0;
    for (uint32_t i = 0; i < n; ++i) {
        s += q[i] * (f16 ? f16ToF32(static_cast<const uint16_t*>(k)[i]) : static_cast<const float*>(k)[i]);
    }
    return s;
}

void axpy(float* acc, float w, const void* v, uint32_t n, bool f16) {
#if defined(__x86_64__) || defined(_M_X64)
    if (activeIsa() != Isa::Scalar) {
        if (f16) {
            attn::axpyF16Avx2(acc, w, static_cast<const uint16_t*>(v), n);
        } else {
            attn::axpyF32Avx2(acc, w, static_cast<const float*>(v), n);
        }
        return;
    }
#endif
    for (uint32_t i = 0; i < n; ++i) {
        acc[i] += w * (f16 ? f16ToF32(static_cast<const uint16_t*>(v)[i]) : static_cast<const float*>(v)[i]);
    }
}

}  // namespace

uint64_t attentionScratchFloats(uint32_t, uint32_t, unsigned) { return 0; }

// Work is split into tiles of queries that share a KV head: up to kTileTokens consecutive tokens times the heads
// of one group (a decode step with fewer KV heads than twice the threads: one head per tile, so its heads spread
// over the threads). A tile walks the
// positions any of its queries sees in chunks: each K and V row is converted to f32 once for the whole tile, the
// scores of a chunk are computed for every query, then the running maximum, sum and value sum are updated once
// per chunk.
void attention(const AttentionParams& p, unsigned ith, unsigned nth) {
    constexpr uint32_t kTileTokens = 4, kChunk = 32;
    const uint32_t dv = p.headDimV ? p.headDimV : p.headDim;
    const uint64_t kStride = p.kStride ? p.kStride : uint64_t(p.nHeadKv) * p.headDim;
    const uint64_t vStride = p.vStride ? p.vStride : uint64_t(p.nHeadKv) * dv;
    const uint32_t group = p.nHead / p.nHeadKv;
    const size_t elem = p.kvF16 ? 2 : 4;
    const auto* kBase = static_cast<const std::byte*>(p.k);
    const auto* vBase = static_cast<const std::byte*>(p.v);
    // A decode step with too few KV heads to keep every thread busy takes one head per tile.
    const bool perHead = p.nTokens == 1 && p.nHeadKv < 2 * nth;
    const uint32_t tokenTiles = (p.nTokens + kTileTokens - 1) / kTileTokens;
    // Tiles: (token tile, KV head), or (head).
    const uint64_t tiles = perHead ? p.nHead : uint64_t(tokenTiles) * p.nHeadKv;
    struct Query {
        const float* q;
        float* out;
        uint32_t lo, hi;  // visible positions [lo, hi]
        float m, l;
    };
    std::vector<Query> queries;
    std::vector<float> acc, krow(p.headDim), vrow(dv), scores;
    uint64_t b, e;
    attn::share(tiles, ith, nth, b, e);
    for (uint64_t tile = b; tile < e; ++tile) {
        queries.clear();
        uint32_t hk;
        if (perHead) {
            const uint32_t h = uint32_t(tile);
            hk = h / group;
            queries.push_back({p.q + uint64_t(h) * p.headDim, p.out + uint64_t(h) * dv, 0, p.pos0, 0, 0});
        } else {
            const uint32_t tt = uint32_t(tile / p.nHeadKv);
            hk = uint32_t(tile % p.nHeadKv);
            for (uint32_t t = tt * kTileTokens; t < std::min(p.nTokens, (tt + 1) * kTileTokens); ++t) {
                for (uint32_t h = hk * group; h < (hk + 1) * group; ++h) {
                    queries.push_back({p.q + (uint64_t(t) * p.nHead + h) * p.headDim,
                                       p.out + (uint64_t(t) * p.nHead + h) * dv, 0, p.pos0 + t, 0, 0});
                }
            }
        }
        uint32_t lo = UINT32_MAX, hi = 0;
        for (Query& q : queries) {
            q.lo = p.window > 0 && q.hi + 1 > p.window ? q.hi + 1 - p.window : 0;
            q.m = -std::numeric_limits<float>::infinity();
            q.l = 0;
            lo = std::min(lo, q.lo);
            hi = std::max(hi, q.hi);
        }
        const size_t nq = queries.size();
        acc.assign(nq * dv, 0.0f);
        scores.resize(nq * kChunk);
        for (uint32_t c0 = lo; c0 <= hi; c0 += kChunk) {
            const uint32_t n = std::min<uint32_t>(kChunk, hi - c0 + 1);
            for (uint32_t j = 0; j < n; ++j) {
                const uint32_t pos = c0 + j;
                const std::byte* k = kBase + (pos * kStride + uint64_t(hk) * p.headDim) * elem;
                const float* kf = reinterpret_cast<const float*>(k);
                if (p.kvF16) {
                    fromF16(reinterpret_cast<const uint16_t*>(k), krow.data(), p.headDim);
                    kf = krow.data();
                }
                for (size_t qi = 0; qi < nq; ++qi) {
                    const Query& q = queries[qi];
                    float s = -std::numeric_limits<float>::infinity();
                    if (pos >= q.lo && pos <= q.hi) {
                        s = dot(q.q, kf, p.headDim, false) * p.scale;
                        if (p.softcap > 0) {
                            s = p.softcap * std::tanh(s / p.softcap);
                        }
                    }
                    scores[qi * kChunk + j] = s;
                }
            }
            for (size_t qi = 0; qi < nq; ++qi) {
                Query& q = queries[qi];
                float* sc = &scores[qi * kChunk];
                const float mc = *std::max_element(sc, sc + n);
                if (mc == -std::numeric_limits<float>::infinity()) {
                    std::fill(sc, sc + n, 0.0f);
                    continue;
                }
                if (mc > q.m) {
                    const float r = std::exp(q.m - mc);  // rescale what was summed so far
                    q.l *= r;
                    for (uint32_t i = 0; i < dv; ++i) {
                        acc[qi * dv + i] *= r;
                    }
                    q.m = mc;
                }
                for (uint32_t j = 0; j < n; ++j) {
                    sc[j] = std::exp(sc[j] - q.m);  // -inf: 0
                    q.l += sc[j];
                }
            }
            for (uint32_t j = 0; j < n; ++j) {
                const uint32_t pos = c0 + j;
                const std::byte* v = vBase + (pos * vStride + uint64_t(hk) * dv) * elem;
                const float* vf = reinterpret_cast<const float*>(v);
                if (p.kvF16) {
                    fromF16(reinterpret_cast<const uint16_t*>(v), vrow.data(), dv);
                    vf = vrow.data();
                }
                for (size_t qi = 0; qi < nq; ++qi) {
                    const float w = scores[qi * kChunk + j];
                    if (w != 0.0f) {
                        axpy(&acc[qi * dv], w, vf, dv, false);
                    }
                }
            }
        }
        for (size_t qi = 0; qi < nq; ++qi) {
            const float inv = queries[qi].l > 0 ? 1.0f / queries[qi].l : 0.0f;
            for (uint32_t i = 0; i < dv; ++i) {
                queries[qi].out[i] = acc[qi * dv + i] * inv;
            }
        }
    }
}

}  // namespace lantern::cpu
