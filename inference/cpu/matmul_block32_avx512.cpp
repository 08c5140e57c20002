// Block32 kernels for AVX-512 (F, BW, DQ, VL) + VNNI (Zen 4, Ice Lake and later).
//
// Layout: R16 (block32.h). One 512-bit register holds one quad (4 consecutive elements) of 16 rows, lane =
// row, so `vpdpbusd acc, w, {x quad broadcast}` adds 4 products to each of 16 row sums: 8 of them per block
// column, no horizontal reduction, the activation read straight from BlockQ8 as an embedded broadcast.
// Weights are unpacked to unsigned bytes (vpdpbusd is u8 x s8): Q4 codes as they are (0..15), Q5 with the
// fifth bit through a mask per quad, Q8_0 stored biased by 128, IQ4_NL through a vpshufb table of
// (value + 128). The offset comes back per block as mw * sx (sx = dx * sum q, from BlockQ8).
//
// One microkernel serves decode and prefill: a 16-row group x a tile of up to 8 tokens; each block column
// is unpacked once per tile and used for all its tokens (8 x 8 vpdpbusd per unpack at full tiles).
// Decode (1 token) is bound by the weight stream (~1.1 bytes per weight for Q8_0, ~40 instructions per 544
// bytes; ~40 GB/s single-thread on Zen 4, the read roofline); prefill by vpdpbusd throughput plus 4 vector
// ops per block and token for the scales (cvt, mul, 2 FMA), ~70% of the vpdpbusd peak on Zen 4.

// GCC 12's AVX-512 headers build "undefined" registers from themselves (__m512 __Y = __Y), which -Werror
// rejects once inlined; the warning is located in the header, so it is silenced there only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <algorithm>
#include <cstring>

#include "inference/cpu/block32.h"

namespace lantern::cpu::b32 {
namespace {

constexpr int kTokTile = 8;  // 12 and 16 measured no faster on Zen 4
constexpr uint32_t kTokChunk = 128;

inline __m512i bcast32(const int8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

// Block column `blk` of a group as 8 registers of unsigned weight codes, and per row the scale d and the
// term mw that multiplies sx.
template <int K>
inline void unpack(const uint8_t* blk, __m512i (&wq)[8], __m512& d, __m512& mw) {
    d = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk)));
    if constexpr (hasMin(K)) {
        mw = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 32)));
    } else {
        constexpr float offset = K == kQ4_0 ? 8.0f : K == kQ5_0 ? 16.0f : 128.0f;
        mw = _mm512_mul_ps(d, _mm512_set1_ps(-offset));
    }
    const uint8_t* codes = blk + headerBytes(K);
    if constexpr (K == kQ8_0) {
        for (int q = 0; q < 8; ++q) {
            wq[q] = _mm512_loadu_si512(codes + 64 * q);
        }
        return;
    }
    const __m512i low = _mm512_set1_epi8(0x0F);
    for (int l = 0; l < 4; ++l) {
        const __m512i raw = _mm512_loadu_si512(codes + 64 * l);
        wq[2 * l] = _mm512_and_si512(raw, low);
        wq[2 * l + 1] = _mm512_and_si512(_mm512_srli_epi16(raw, 4), low);
    }
    if constexpr (hasHighBits(K)) {
        const __m512i sixteen = _mm512_set1_epi8(16), bits = _mm512_loadu_si512(codes + 256);
        for (int q = 0; q < 8; ++q) {
            const __mmask64 set = _mm512_test_epi8_mask(bits, _mm512_set1_epi8(char(1 << q)));
            wq[q] = _mm512_mask_add_epi8(wq[q], set, wq[q], sixteen);
        }
    }
    if constexpr (K == kIQ4_NL) {
        alignas(16) static constexpr uint8_t lut[16] = {1,   24,  45,  63,  79,  93,  106, 118,
                                                        129, 141, 153, 166, 181, 197, 217, 241};
        const __m512i table = _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(lut)));
        for (int q = 0; q < 8; ++q) {
            wq[q] = _mm512_shuffle_epi8(table, wq[q]);
        }
    }
}

// Rows of group g (16 rows at w) for tokens [t, t + NT): acc[j] gets the 16 row values of token t + j.
template <int K, int NT>
inline void tile(const uint8_t* w, uint32_t nb, const std::byte* x, uint64_t xStride, __m512 (&acc)[NT]) {
    for (int j = 0; j < NT; ++j) {
        acc[j] = _mm512_setzero_ps();
    }
    for (uint32_t b = 0; b < nb; ++b, w += packedBlockBytes(K)) {
        if constexpr (NT <= 2 && K != kQ8_0) {
            // Decode walks the weights once. The 4- and 5-bit types spend more instructions per line, and
            // asking for lines 4 KB ahead gains ~10% on Zen 4; on the Q8_0 stream it costs ~5%.
            for (uint32_t o = 0; o < packedBlockBytes(K); o += 64) {
                _mm_prefetch(reinterpret_cast<const char*>(w + 4096 + o), _MM_HINT_T0);
            }
        }
        __m512i wq[8];
        __m512 d, mw;
        unpack<K>(w, wq, d, mw);
        for (int j = 0; j < NT; ++j) {
            const auto* xb = reinterpret_cast<const BlockQ8*>(x + j * xStride) + b;
            // Two chains when the tile is small, so the dependent vpdpbusd latency does not bound decode.
            __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
            for (int q = 0; q < 8; q += 2) {
                s0 = _mm512_dpbusd_epi32(s0, wq[q], bcast32(xb->qs + 4 * q));
                if constexpr (NT <= 2) {
                    s1 = _mm512_dpbusd_epi32(s1, wq[q + 1], bcast32(xb->qs + 4 * q + 4));
                } else {
                    s0 = _mm512_dpbusd_epi32(s0, wq[q + 1], bcast32(xb->qs + 4 * q + 4));
                }
            }
            const __m512i s = NT <= 2 ? _mm512_add_epi32(s0, s1) : s0;
            acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(d, _mm512_set1_ps(xb->d)), acc[j]);
            acc[j] = _mm512_fmadd_ps(mw, _mm512_set1_ps(xb->s), acc[j]);
        }
    }
}

template <int K, int NT>
void tileAndStore(const MatArgs& a, uint32_t g, uint32_t t, __mmask16 rows) {
    __m512 acc[NT];
    tile<K, NT>(reinterpret_cast<const uint8_t*>(a.w) + g * groupBytes(K, a.cols), a.cols / 32,
                a.x + t * a.xStride, a.xStride, acc);
    for (int j = 0; j < NT; ++j) {
        float* y = a.y + (t + j) * a.yStride + g * kGroupRows;
        if (a.accumulate) {
            acc[j] = _mm512_add_ps(acc[j], _mm512_maskz_loadu_ps(rows, y));
        }
        _mm512_mask_storeu_ps(y, rows, acc[j]);
    }
}

// The last n < kTokTile tokens of a chunk: the tile of exactly n tokens.
template <int K, int N>
void tailTile(const MatArgs& a, uint32_t g, uint32_t t, __mmask16 rows, uint32_t n) {
    if constexpr (N > 0) {
        if (n == N) {
            tileAndStore<K, N>(a, g, t, rows);
        } else {
            tailTile<K, N - 1>(a, g, t, rows, n);
        }
    }
}

template <int K>
void multiplyQuant(const MatArgs& a) {
    // Tokens in chunks of kTokChunk outside the row groups: a chunk's activations (kTokChunk x cols/32
    // blocks of 40 bytes) stay in L1/L2 while the row groups stream past them.
    for (uint32_t c0 = a.t0; c0 < a.t1; c0 += kTokChunk) {
        const uint32_t c1 = std::min(a.t1, c0 + kTokChunk);
        for (uint32_t g = a.r0 / kGroupRows; g * kGroupRows < a.r1; ++g) {
            const uint32_t base = g * kGroupRows;
            const uint32_t lo = std::max(a.r0, base) - base, hi = std::min(a.r1, base + kGroupRows) - base;
            const auto rows = __mmask16(((1u << hi) - 1) & ~((1u << lo) - 1));
            uint32_t t = c0;
            for (; t + kTokTile <= c1; t += kTokTile) {
                tileAndStore<K, kTokTile>(a, g, t, rows);
            }
            tailTile<K, kTokTile - 1>(a, g, t, rows, c1 - t);
        }
    }
}

// ---- float weights (in place), f32 activations --------------------------------------------------------

// 16 weights from element i of a row (Masked: only the elements in m, for the last partial chunk).
template <int K, bool Masked>
inline __m512 loadW(const std::byte* row, uint32_t i, __mmask16 m) {
    if constexpr (K == kF32) {
        const float* p = reinterpret_cast<const float*>(row) + i;
        return Masked ? _mm512_maskz_loadu_ps(m, p) : _mm512_loadu_ps(p);
    } else {
        const std::byte* p = row + 2 * uint64_t(i);
        const __m256i h = Masked ? _mm256_maskz_loadu_epi16(m, p)
                                 : _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        if constexpr (K == kF16) {
            return _mm512_cvtph_ps(h);
        } else {
            return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
        }
    }
}

// One chunk of 16 columns at c into the NR x NT accumulators.
template <int K, int NR, int NT, bool Masked>
inline void floatChunk(const MatArgs& a, uint32_t r, const float* const (&x)[NT], uint64_t rowBytes,
                       uint32_t c, __mmask16 m, __m512 (&acc)[NR][NT]) {
    __m512 xv[NT];
    for (int j = 0; j < NT; ++j) {
        xv[j] = Masked ? _mm512_maskz_loadu_ps(m, x[j] + c) : _mm512_loadu_ps(x[j] + c);
    }
    for (int i = 0; i < NR; ++i) {
        const __m512 wv = loadW<K, Masked>(a.w + (r + i) * rowBytes, c, m);
        for (int j = 0; j < NT; ++j) {
            acc[i][j] = _mm512_fmadd_ps(wv, xv[j], acc[i][j]);
        }
    }
}

// Up to 4 rows x 4 tokens per pass: each weight chunk converted once serves 4 tokens, each activation chunk
// 4 rows. Bound by FMA throughput for many tokens, by the weight stream for one.
template <int K, int NR, int NT>
void floatTile(const MatArgs& a, uint32_t r, uint32_t t) {
    const uint64_t rowBytes = uint64_t(a.cols) * (K == kF32 ? 4 : 2);
    __m512 acc[NR][NT];
    for (int i = 0; i < NR; ++i) {
        for (int j = 0; j < NT; ++j) {
            acc[i][j] = _mm512_setzero_ps();
        }
    }
    const float* x[NT];
    for (int j = 0; j < NT; ++j) {
        x[j] = reinterpret_cast<const float*>(a.x + (t + j) * a.xStride);
    }
    const uint32_t full = a.cols / 16 * 16;
    for (uint32_t c = 0; c < full; c += 16) {
        floatChunk<K, NR, NT, false>(a, r, x, rowBytes, c, 0, acc);
    }
    if (full < a.cols) {
        floatChunk<K, NR, NT, true>(a, r, x, rowBytes, full, __mmask16((1u << (a.cols - full)) - 1), acc);
    }
    for (int i = 0; i < NR; ++i) {
        for (int j = 0; j < NT; ++j) {
            float& y = a.y[(t + j) * a.yStride + r + i];
            const float v = _mm512_reduce_add_ps(acc[i][j]);
            y = a.accumulate ? y + v : v;
        }
    }
}

template <int K, int NR>
void floatRows(const MatArgs& a, uint32_t r) {
    uint32_t t = a.t0;
    for (; t + 4 <= a.t1; t += 4) {
        floatTile<K, NR, 4>(a, r, t);
    }
    for (; t < a.t1; ++t) {
        floatTile<K, NR, 1>(a, r, t);
    }
}

template <int K>
void multiplyFloat(const MatArgs& a) {
    uint32_t r = a.r0;
    for (; r + 4 <= a.r1; r += 4) {
        floatRows<K, 4>(a, r);
    }
    for (; r < a.r1; ++r) {
        floatRows<K, 1>(a, r);
    }
}

void quantizeQ8(const float* x, uint32_t cols, BlockQ8* out) {
    const __m512 signBit = _mm512_set1_ps(-0.0f);
    for (uint32_t b = 0; b < cols / 32; ++b, x += 32) {
        const __m512 v0 = _mm512_loadu_ps(x), v1 = _mm512_loadu_ps(x + 16);
        const __m512 amaxv = _mm512_max_ps(_mm512_andnot_ps(signBit, v0), _mm512_andnot_ps(signBit, v1));
        const float amax = _mm512_reduce_max_ps(amaxv);
        // Same arithmetic as the scalar quantizer (division, reciprocal, one multiply, round half to even),
        // so every ISA writes the same bytes.
        const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        const __m512i q0 = _mm512_cvtps_epi32(_mm512_mul_ps(v0, _mm512_set1_ps(id)));
        const __m512i q1 = _mm512_cvtps_epi32(_mm512_mul_ps(v1, _mm512_set1_ps(id)));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out[b].qs), _mm512_cvtsepi32_epi8(q0));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out[b].qs + 16), _mm512_cvtsepi32_epi8(q1));
        out[b].d = d;
        out[b].s = d * float(_mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1)));
    }
}

}  // namespace

const IsaTable& avx512Table() {
    static const IsaTable t = {
        {multiplyQuant<kQ4_0>, multiplyQuant<kQ4_1>, multiplyQuant<kQ5_0>, multiplyQuant<kQ5_1>,
         multiplyQuant<kQ8_0>, multiplyQuant<kIQ4_NL>, multiplyFloat<kF32>, multiplyFloat<kF16>,
         multiplyFloat<kBF16>},
        quantizeQ8,
    };
    return t;
}

}  // namespace lantern::cpu::b32
