// Block32 kernels for AVX2 + FMA + F16C (Haswell and later, Zen 1 and later).
//
// Layout: R16 (block32.h), taken as two halves of 8 rows: one 256-bit register holds one quad (4
// consecutive elements) of 8 rows, lane = row, and the activation's 4 bytes are broadcast to all lanes.
// vpmaddubsw (u8 x s8, pairs summed in s16) then vpmaddwd by ones gives 8 row sums with no horizontal
// reduction. vpmaddubsw saturates at 32767, so:
//  - 4- and 5-bit codes (0..31, unsigned) go in as they are: a pair is at most 2 * 31 * 127 = 7874, and
//    four quads may be summed in s16 (31496) before one vpmaddwd; the offset (8, 16) or minimum comes back
//    per block as mw * sx.
//  - Q8_0 and IQ4_NL values are signed (-128..127): the sign trick, |w| (u8) times x with w's sign (s8),
//    at most 2 * 128 * 127 = 32512 per pair, one vpmaddwd per quad.
// An 8-row half x up to 4 tokens is one tile, each half block column unpacked once per tile. Decode is
// bound by the weight stream for Q8_0/Q4_0 and near it for Q5 (the fifth bits cost 3 instructions a quad).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "inference/cpu/block32.h"

namespace lantern::cpu::b32 {
namespace {

constexpr uint32_t kTokTile = 4;

inline __m256i bcast32(const int8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
}

inline __m256i loadu(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

// Quad Q's fifth bits (bit Q of each byte of `bits`) as bytes 0x10 / 0x00: the bit moved to bit 4 stays
// inside its byte, so 16-bit shifts do.
template <int Q>
inline __m256i highBits(__m256i bits) {
    const __m256i b = _mm256_and_si256(bits, _mm256_set1_epi8(char(1 << Q)));
    if constexpr (Q < 4) {
        return _mm256_slli_epi16(b, 4 - Q);
    } else if constexpr (Q > 4) {
        return _mm256_srli_epi16(b, Q - 4);
    } else {
        return b;
    }
}

// Half h (rows 8h..8h+7) of block column `blk` as 8 registers of weight bytes (unsigned codes, or signed
// values for Q8_0 / IQ4_NL), the 8 rows' scales d and the term mw that multiplies sx.
template <int K>
inline void unpack(const uint8_t* blk, uint32_t h, __m256i (&wq)[8], __m256& d, __m256& mw) {
    d = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + 16 * h)));
    if constexpr (hasMin(K)) {
        mw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + 32 + 16 * h)));
    } else if constexpr (K == kQ4_0 || K == kQ5_0) {
        mw = _mm256_mul_ps(d, _mm256_set1_ps(K == kQ4_0 ? -8.0f : -16.0f));
    } else {
        mw = _mm256_setzero_ps();  // signed values: no offset
    }
    const uint8_t* codes = blk + headerBytes(K);
    if constexpr (K == kQ8_0) {
        const __m256i bias = _mm256_set1_epi8(int8_t(0x80));
        for (int q = 0; q < 8; ++q) {
            wq[q] = _mm256_xor_si256(loadu(codes + 64 * q + 32 * h), bias);
        }
        return;
    }
    const __m256i low = _mm256_set1_epi8(0x0F);
    for (int l = 0; l < 4; ++l) {
        const __m256i raw = loadu(codes + 64 * l + 32 * h);
        wq[2 * l] = _mm256_and_si256(raw, low);
        wq[2 * l + 1] = _mm256_and_si256(_mm256_srli_epi16(raw, 4), low);
    }
    if constexpr (hasHighBits(K)) {
        const __m256i bits = loadu(codes + 256 + 32 * h);
        wq[0] = _mm256_or_si256(wq[0], highBits<0>(bits));
        wq[1] = _mm256_or_si256(wq[1], highBits<1>(bits));
        wq[2] = _mm256_or_si256(wq[2], highBits<2>(bits));
        wq[3] = _mm256_or_si256(wq[3], highBits<3>(bits));
        wq[4] = _mm256_or_si256(wq[4], highBits<4>(bits));
        wq[5] = _mm256_or_si256(wq[5], highBits<5>(bits));
        wq[6] = _mm256_or_si256(wq[6], highBits<6>(bits));
        wq[7] = _mm256_or_si256(wq[7], highBits<7>(bits));
    }
    if constexpr (K == kIQ4_NL) {
        const __m256i table = _mm256_broadcastsi128_si256(
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(kIq4nlValues)));
        for (int q = 0; q < 8; ++q) {
            wq[q] = _mm256_shuffle_epi8(table, wq[q]);
        }
    }
}

// sum over the block of w * q per row, int32, for one token's activation block xb.
template <int K>
inline __m256i blockDot(const __m256i (&wq)[8], const int8_t* xq) {
    const __m256i ones = _mm256_set1_epi16(1);
    if constexpr (K == kQ8_0 || K == kIQ4_NL) {
        __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
        for (int q = 0; q < 8; q += 2) {
            const __m256i x0 = bcast32(xq + 4 * q), x1 = bcast32(xq + 4 * q + 4);
            // |w| as u8 (128 for -128), x with w's sign: x is within +-127, so the negation cannot wrap.
            const __m256i w0 = wq[q], w1 = wq[q + 1];
            const __m256i p0 = _mm256_maddubs_epi16(_mm256_abs_epi8(w0), _mm256_sign_epi8(x0, w0));
            const __m256i p1 = _mm256_maddubs_epi16(_mm256_abs_epi8(w1), _mm256_sign_epi8(x1, w1));
            s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(p0, ones));
            s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(p1, ones));
        }
        return _mm256_add_epi32(s0, s1);
    } else {
        __m256i half[2];
        for (int k = 0; k < 2; ++k) {
            const int q = 4 * k;
            const __m256i a = _mm256_add_epi16(_mm256_maddubs_epi16(wq[q], bcast32(xq + 4 * q)),
                                               _mm256_maddubs_epi16(wq[q + 1], bcast32(xq + 4 * q + 4)));
            const __m256i b = _mm256_add_epi16(_mm256_maddubs_epi16(wq[q + 2], bcast32(xq + 4 * q + 8)),
                                               _mm256_maddubs_epi16(wq[q + 3], bcast32(xq + 4 * q + 12)));
            half[k] = _mm256_madd_epi16(_mm256_add_epi16(a, b), ones);
        }
        return _mm256_add_epi32(half[0], half[1]);
    }
}

// Halves [h0, h0 + NH) of the group at w (rows 8h..8h+7 each) for tokens [t, t + NT). Small token tiles
// take both halves per block column (NH = 2), so each 64-byte line of the weight stream is used whole
// when it arrives; larger tiles need the registers and take one half at a time.
template <int K, int NT, int NH>
inline void tile(const uint8_t* w, uint32_t h0, uint32_t nb, const std::byte* x, uint64_t xStride,
                 __m256 (&acc)[NH][NT]) {
    for (int h = 0; h < NH; ++h) {
        for (int j = 0; j < NT; ++j) {
            acc[h][j] = _mm256_setzero_ps();
        }
    }
    for (uint32_t b = 0; b < nb; ++b, w += packedBlockBytes(K)) {
        if constexpr (NH == 2) {
            // Decode walks the weights once: ask for lines ahead of what the hardware prefetcher keeps in
            // flight when the arithmetic per line is this heavy (Q4_0 18 -> 33 GB/s on Zen 4).
            for (uint32_t o = 0; o < packedBlockBytes(K); o += 64) {
                _mm_prefetch(reinterpret_cast<const char*>(w + 4096 + o), _MM_HINT_T0);
            }
        }
        for (int h = 0; h < NH; ++h) {
            __m256i wq[8];
            __m256 d, mw;
            unpack<K>(w, h0 + uint32_t(h), wq, d, mw);
            for (int j = 0; j < NT; ++j) {
                const auto* xb = reinterpret_cast<const BlockQ8*>(x + j * xStride) + b;
                const __m256i s = blockDot<K>(wq, xb->qs);
                const __m256 scale = _mm256_mul_ps(d, _mm256_set1_ps(xb->d));
                acc[h][j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), scale, acc[h][j]);
                if constexpr (K != kQ8_0 && K != kIQ4_NL) {
                    acc[h][j] = _mm256_fmadd_ps(mw, _mm256_set1_ps(xb->s), acc[h][j]);
                }
            }
        }
    }
}

template <int K, int NT, int NH>
void tileAndStore(const MatArgs& a, uint32_t g, uint32_t h0, uint32_t t) {
    __m256 acc[NH][NT];
    tile<K, NT, NH>(reinterpret_cast<const uint8_t*>(a.w) + g * groupBytes(K, a.cols), h0, a.cols / 32,
                    a.x + t * a.xStride, a.xStride, acc);
    for (int h = 0; h < NH; ++h) {
        const uint32_t base = g * kGroupRows + 8 * (h0 + uint32_t(h));
        if (base >= a.r1 || base + 8 <= a.r0) {
            continue;  // a half outside [r0, r1) computed along with its neighbour
        }
        const uint32_t lo = std::max(a.r0, base) - base, hi = std::min(a.r1, base + 8) - base;
        for (int j = 0; j < NT; ++j) {
            float* y = a.y + (t + j) * a.yStride + base;
            if (lo == 0 && hi == 8) {
                const __m256 v = a.accumulate ? _mm256_add_ps(acc[h][j], _mm256_loadu_ps(y)) : acc[h][j];
                _mm256_storeu_ps(y, v);
                continue;
            }
            alignas(32) float v[8];
            _mm256_store_ps(v, acc[h][j]);
            for (uint32_t r = lo; r < hi; ++r) {
                y[r] = a.accumulate ? y[r] + v[r] : v[r];
            }
        }
    }
}

template <int K>
void multiplyQuant(const MatArgs& a) {
    for (uint32_t g = a.r0 / kGroupRows; g * kGroupRows < a.r1; ++g) {
        uint32_t t = a.t0;
        for (; t + kTokTile <= a.t1; t += kTokTile) {
            tileAndStore<K, kTokTile, 1>(a, g, 0, t);
            tileAndStore<K, kTokTile, 1>(a, g, 1, t);
        }
        switch (a.t1 - t) {
        case 3:
            tileAndStore<K, 3, 1>(a, g, 0, t);
            tileAndStore<K, 3, 1>(a, g, 1, t);
            break;
        case 2: tileAndStore<K, 2, 2>(a, g, 0, t); break;
        case 1: tileAndStore<K, 1, 2>(a, g, 0, t); break;
        default: break;
        }
    }
}

// ---- float weights (in place), f32 activations --------------------------------------------------------

template <int K>
inline __m256 loadW(const std::byte* row, uint32_t i) {
    if constexpr (K == kF32) {
        return _mm256_loadu_ps(reinterpret_cast<const float*>(row) + i);
    } else {
        const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * uint64_t(i)));
        if constexpr (K == kF16) {
            return _mm256_cvtph_ps(h);
        } else {
            return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
        }
    }
}

template <int K>
inline float loadW1(const std::byte* row, uint32_t i) {
    if constexpr (K == kF32) {
        float f;
        std::memcpy(&f, row + 4 * uint64_t(i), 4);
        return f;
    } else {
        uint16_t h;
        std::memcpy(&h, row + 2 * uint64_t(i), 2);
        if constexpr (K == kF16) {
            return _cvtsh_ss(h);
        } else {
            const uint32_t bits = uint32_t(h) << 16;
            float f;
            std::memcpy(&f, &bits, 4);
            return f;
        }
    }
}

inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

// NR rows x NT tokens (at most 4 x 3: 12 accumulators of 16 registers); the cols % 8 tail in scalar.
template <int K, int NR, int NT>
void floatTile(const MatArgs& a, uint32_t r, uint32_t t) {
    const uint64_t rowBytes = uint64_t(a.cols) * (K == kF32 ? 4 : 2);
    __m256 acc[NR][NT];
    for (int i = 0; i < NR; ++i) {
        for (int j = 0; j < NT; ++j) {
            acc[i][j] = _mm256_setzero_ps();
        }
    }
    const float* x[NT];
    for (int j = 0; j < NT; ++j) {
        x[j] = reinterpret_cast<const float*>(a.x + (t + j) * a.xStride);
    }
    const uint32_t full = a.cols / 8 * 8;
    for (uint32_t c = 0; c < full; c += 8) {
        for (int i = 0; i < NR; ++i) {
            const __m256 wv = loadW<K>(a.w + (r + i) * rowBytes, c);
            for (int j = 0; j < NT; ++j) {
                acc[i][j] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(x[j] + c), acc[i][j]);
            }
        }
    }
    for (int i = 0; i < NR; ++i) {
        for (int j = 0; j < NT; ++j) {
            float v = hsum(acc[i][j]);
            for (uint32_t c = full; c < a.cols; ++c) {
                v += loadW1<K>(a.w + (r + i) * rowBytes, c) * x[j][c];
            }
            float& y = a.y[(t + j) * a.yStride + r + i];
            y = a.accumulate ? y + v : v;
        }
    }
}

template <int K, int NR>
void floatRows(const MatArgs& a, uint32_t r) {
    uint32_t t = a.t0;
    for (; t + 3 <= a.t1; t += 3) {
        floatTile<K, NR, 3>(a, r, t);
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
    const __m256 signBit = _mm256_set1_ps(-0.0f);
    for (uint32_t b = 0; b < cols / 32; ++b, x += 32) {
        __m256 v[4];
        __m256 m = _mm256_setzero_ps();
        for (int i = 0; i < 4; ++i) {
            v[i] = _mm256_loadu_ps(x + 8 * i);
            m = _mm256_max_ps(m, _mm256_andnot_ps(signBit, v[i]));
        }
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        const float amax = _mm_cvtss_f32(_mm_max_ss(m4, _mm_movehdup_ps(m4)));
        // Same arithmetic as the scalar quantizer, so every ISA writes the same bytes.
        const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        __m256i q[4];
        for (int i = 0; i < 4; ++i) {
            q[i] = _mm256_cvtps_epi32(_mm256_mul_ps(v[i], _mm256_set1_ps(id)));
        }
        // packs work per 128-bit lane; the permute puts the 8 dwords back in element order.
        const __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out[b].qs),
                            _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
        const __m256i s = _mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3]));
        __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
        s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0x4E));
        s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0xB1));
        out[b].d = d;
        out[b].s = d * float(_mm_cvtsi128_si32(s4));
    }
}

}  // namespace

const IsaTable& avx2Table() {
    static const IsaTable t = {
        {multiplyQuant<kQ4_0>, multiplyQuant<kQ4_1>, multiplyQuant<kQ5_0>, multiplyQuant<kQ5_1>,
         multiplyQuant<kQ8_0>, multiplyQuant<kIQ4_NL>, multiplyFloat<kF32>, multiplyFloat<kF16>,
         multiplyFloat<kBF16>},
        quantizeQ8,
    };
    return t;
}

}  // namespace lantern::cpu::b32
