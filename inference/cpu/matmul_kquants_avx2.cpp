// K-quant kernels for AVX2 (+ FMA, F16C), on the common unpacked form of kquants.h.
//
// Per tile of R rows x T tokens and one super-block: 8 x 32 codes per row, maddubs (u8 codes x s8
// activations -> int16 pairs, exact: kquants.h), vpmaddwd with the per-pair scales s[] and an add: 3
// instructions per 32 multiply-adds per (row, token); no horizontal sum until the end of the row. The min
// term is one vpmaddwd of M with the bsums, the same 8 int32 lanes as the product. Decode (one token)
// works on 4 rows straight from the GGUF bytes (codes and scales in registers); prefill unpacks 4 rows
// once for all their blocks and reuses them for every tile of 2 tokens. The 8 int32 + 8 f32 accumulators
// of a 4 x 2 tile exceed the 16 registers, yet measured 1.6x faster on Zen 4 than a 2 x 2 tile that fits
// (110 -> 180 GOP/s; 3 x 3, 2 x 4, 4 x 3, 8 x 1 in between). Prefill is bounded by instructions
// (~28 per 256 multiply-adds); decode by the bytes read for Q4_K, Q5_K, Q6_K (21-35 GB/s from DRAM, one
// core) and by instructions for Q2_K, Q3_K, IQ4_XS (60-75 per 256 weights and row: 10-16 GB/s).
#include <algorithm>
#include <cstring>
#include <vector>

#include "inference/cpu/kquants.h"
#include "inference/cpu/scratch.h"

namespace lantern::cpu::kq {
namespace {

inline float hsum(__m256 v) {
    const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 h = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(h, _mm_movehdup_ps(h)));
}

inline int hsumInt(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

// One super-block of R rows (u[r]) against T tokens (x[t]), added to acc[r][t] (8 f32 lanes).
template <int R, int T, int K>
[[gnu::always_inline]] inline void blockStep(const Unpacked* const* u, const BlockQ8K* const* x,
                                             __m256 (&acc)[R][T]) {
    __m256i dot[R][T];
    for (int r = 0; r < R; ++r) {
        for (int t = 0; t < T; ++t) {
            dot[r][t] = _mm256_setzero_si256();
        }
    }
    for (int c = 0; c < 8; ++c) {
        __m256i xv[T];
        for (int t = 0; t < T; ++t) {
            xv[t] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[t]->qs + 32 * c));
        }
        for (int r = 0; r < R; ++r) {
            const __m256i q = _mm256_load_si256(reinterpret_cast<const __m256i*>(u[r]->q + 32 * c));
            const __m256i s = _mm256_load_si256(reinterpret_cast<const __m256i*>(u[r]->s + 16 * c));
            for (int t = 0; t < T; ++t) {
                __m256i p;
                if constexpr (signedCodes(K)) {
                    p = _mm256_maddubs_epi16(_mm256_abs_epi8(q), _mm256_sign_epi8(xv[t], q));
                } else {
                    p = _mm256_maddubs_epi16(q, xv[t]);
                }
                dot[r][t] = _mm256_add_epi32(dot[r][t], _mm256_madd_epi16(p, s));
            }
        }
    }
    constexpr bool minTerm = !signedCodes(K);
    constexpr bool sameScale = K == kQ3_K || K == kQ6_K;  // dmin == d: subtract the min term in int32
    __m256i bs[T];
    for (int t = 0; t < T; ++t) {
        bs[t] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[t]->bsums));
    }
    for (int r = 0; r < R; ++r) {
        const __m256i m = _mm256_load_si256(reinterpret_cast<const __m256i*>(u[r]->m));
        for (int t = 0; t < T; ++t) {
            __m256i v = dot[r][t];
            __m256i mins = _mm256_setzero_si256();
            if constexpr (minTerm) {
                mins = _mm256_madd_epi16(m, bs[t]);
            }
            if constexpr (sameScale) {
                v = _mm256_sub_epi32(v, mins);
            }
            const float dx = x[t]->d;
            acc[r][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(v), _mm256_set1_ps(u[r]->d * dx), acc[r][t]);
            if constexpr (minTerm && !sameScale) {
                acc[r][t] =
                    _mm256_fnmadd_ps(_mm256_cvtepi32_ps(mins), _mm256_set1_ps(u[r]->dmin * dx), acc[r][t]);
            }
        }
    }
}

template <int R, int T>
void store(const MatArgs& a, uint32_t r, uint32_t t, uint32_t nr, uint32_t nt, __m256 (&acc)[R][T]) {
    for (uint32_t j = 0; j < nt && j < uint32_t(T); ++j) {
        for (uint32_t i = 0; i < nr && i < uint32_t(R); ++i) {
            const float v = hsum(acc[i][j]);
            float& y = a.y[(t + j) * a.yStride + r + i];
            y = a.accumulate ? y + v : v;
        }
    }
}

constexpr int kDecodeRows = 4;
constexpr int kRows = 4;    // rows per prefill tile
constexpr int kTokens = 2;  // tokens per prefill tile

// Decode reads 4 rows at once, each a separate stream; the hardware prefetchers do not run far enough
// ahead on that many streams, so each row's block kPrefetchBlocks on is requested explicitly. Near the end
// of a row the request goes to the same place of the next tile's row (3 rows on: the 4 rows of a tile are
// adjacent), so short rows (16 blocks) do not start every tile cold. A prefetch past the end of the
// matrix is harmless: it never faults.
constexpr uint32_t kPrefetchBlocks = 8;
inline void prefetchAhead(const uint8_t* row, uint32_t b, uint32_t nb, uint64_t rowBytes, uint32_t bytes) {
    const uint32_t ahead = b + kPrefetchBlocks;
    // As an integer: the address may lie past the matrix, where pointer arithmetic would be undefined.
    const uintptr_t p =
        reinterpret_cast<uintptr_t>(row) + uint64_t(ahead) * bytes + (ahead >= nb ? 3 * rowBytes : 0);
    for (uint32_t o = 0; o < bytes; o += 64) {
        _mm_prefetch(reinterpret_cast<const char*>(p + o), _MM_HINT_T0);
    }
}

const uint8_t* rowPtr(const MatArgs& a, uint32_t r, uint32_t nr, uint32_t i, uint64_t rowBytes) {
    // A tile past the last row repeats the last row (computed, never stored).
    return reinterpret_cast<const uint8_t*>(a.w) + uint64_t(r + std::min(i, nr - 1)) * rowBytes;
}

// Decode of Q4_K / Q5_K straight from the GGUF bytes (as the AVX-512 file does; most of a Q4_K_M model's
// K-quant bytes). Per 32 codes: and / shift of 32 bytes, the scale broadcast to 16 lanes by one vpshufb
// from the 8 decoded scales, maddubs, vpmaddwd, add. About 75 instructions per 256 weights.
template <bool Five>
void decodeQ45K(const MatArgs& a, uint32_t nb, uint64_t rowBytes) {
    constexpr uint32_t bytes = Five ? 176 : 144;
    const auto* xrow = reinterpret_cast<const BlockQ8K*>(a.x + a.t0 * a.xStride);
    const __m256i low = _mm256_set1_epi8(0x0F), sixteen = _mm256_set1_epi8(0x10);
    for (uint32_t r = a.r0; r < a.r1; r += kDecodeRows) {
        const uint32_t nr = std::min<uint32_t>(kDecodeRows, a.r1 - r);
        const uint8_t* w[kDecodeRows];
        for (int i = 0; i < kDecodeRows; ++i) {
            w[i] = rowPtr(a, r, nr, uint32_t(i), rowBytes);
        }
        __m256 acc[kDecodeRows][1];
        for (auto& v : acc) {
            v[0] = _mm256_setzero_ps();
        }
        for (uint32_t b = 0; b < nb; ++b) {
            const BlockQ8K& x = xrow[b];
            const __m256i bs = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.bsums));
            for (int i = 0; i < kDecodeRows; ++i) {
                const uint8_t* blk = w[i] + uint64_t(b) * bytes;
                prefetchAhead(w[i], b, nb, rowBytes, bytes);
                uint32_t sw[3];
                std::memcpy(sw, blk + 4, 12);
                const uint32_t s03 = sw[0] & 0x3f3f3f3f, m03 = sw[1] & 0x3f3f3f3f;
                const uint32_t s47 = (sw[2] & 0x0f0f0f0f) | (((sw[0] >> 6) & 0x03030303) << 4);
                const uint32_t m47 = ((sw[2] >> 4) & 0x0f0f0f0f) | (((sw[1] >> 6) & 0x03030303) << 4);
                // The 8 scales as int16 in both 128-bit halves; scale j is bytes 2j, 2j+1.
                const __m256i sc = _mm256_broadcastsi128_si256(
                    _mm_cvtepu8_epi16(_mm_cvtsi64_si128(int64_t(s03 | uint64_t(s47) << 32))));
                const __m256i mins = perSixteen(m03 | uint64_t(m47) << 32);
                const uint8_t* qs = blk + (Five ? 48 : 16);
                __m256i hb = _mm256_setzero_si256();
                if constexpr (Five) {
                    hb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 16));
                }
                __m256i dot = _mm256_setzero_si256();
                for (int c = 0; c < 4; ++c) {
                    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qs + 32 * c));
                    __m256i q[2] = {_mm256_and_si256(v, low), _mm256_and_si256(_mm256_srli_epi16(v, 4), low)};
                    for (int h = 0; h < 2; ++h) {
                        const int j = 2 * c + h;  // the 32-element sub-block
                        if constexpr (Five) {
                            const __m256i bit = _mm256_set1_epi8(char(1 << j));
                            q[h] = _mm256_or_si256(
                                q[h],
                                _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(hb, bit), bit), sixteen));
                        }
                        const __m256i s =
                            _mm256_shuffle_epi8(sc, _mm256_set1_epi16(short(0x0100 * (2 * j + 1) + 2 * j)));
                        const __m256i xv =
                            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.qs + 32 * j));
                        dot = _mm256_add_epi32(dot, _mm256_madd_epi16(_mm256_maddubs_epi16(q[h], xv), s));
                    }
                }
                const __m256i mdot = _mm256_madd_epi16(mins, bs);
                acc[i][0] =
                    _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(halfAt(blk) * x.d), acc[i][0]);
                acc[i][0] = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(mdot), _mm256_set1_ps(halfAt(blk + 2) * x.d),
                                             acc[i][0]);
            }
        }
        store<kDecodeRows, 1>(a, r, a.t0, nr, 1, acc);
    }
}

// Decode of Q2_K, Q3_K, Q6_K and IQ4_XS straight from the GGUF bytes: per type only "the 16 scales S and
// mins M of a block" (scales()) and "the 32 codes of run j" (codes(), in registers); the loop around them
// is shared. Per 32 codes: the scale pair of the run broadcast over 16 lanes (vpermd + vpshufb),
// maddubs, vpmaddwd, add.
template <int K>
struct Direct;

template <>
struct Direct<kQ2_K> {
    static constexpr uint32_t bytes = 84;
    static void scales(const uint8_t* b, __m256i& S, __m256i& M, float& d, float& dmin) {
        const __m128i sc = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
        const __m128i nib = _mm_set1_epi8(0x0F);
        S = _mm256_cvtepu8_epi16(_mm_and_si128(sc, nib));
        M = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(sc, 4), nib));
        d = halfAt(b + 80);
        dmin = halfAt(b + 82);
    }
    static __m256i codes(const uint8_t* b, int j) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 16 + 32 * (j / 4)));
        return _mm256_and_si256(_mm256_srli_epi16(v, 2 * (j % 4)), _mm256_set1_epi8(3));
    }
};

template <>
struct Direct<kQ3_K> {
    static constexpr uint32_t bytes = 110;
    static void scales(const uint8_t* b, __m256i& S, __m256i& M, float& d, float& dmin) {
        S = q3kScales(b);
        M = _mm256_slli_epi16(S, 2);
        d = dmin = halfAt(b + 108);
    }
    static __m256i codes(const uint8_t* b, int j) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 32 + 32 * (j / 4)));
        const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b));
        const __m256i bit = _mm256_set1_epi8(char(1 << j));
        const __m256i hi =
            _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(h, bit), bit), _mm256_set1_epi8(4));
        return _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(v, 2 * (j % 4)), _mm256_set1_epi8(3)), hi);
    }
};

template <>
struct Direct<kQ6_K> {
    static constexpr uint32_t bytes = 210;
    static void scales(const uint8_t* b, __m256i& S, __m256i& M, float& d, float& dmin) {
        S = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 192)));
        M = _mm256_slli_epi16(S, 5);
        d = dmin = halfAt(b + 208);
    }
    // Run j = 4n + k: low 4 bits from ql[64n + 32 (k % 2) ..] (high nibble for k >= 2), 2 high bits at
    // bit 2k of qh[32n ..].
    static __m256i codes(const uint8_t* b, int j) {
        const int n = j / 4, k = j % 4;
        const __m256i l = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 64 * n + 32 * (k % 2)));
        const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 128 + 32 * n));
        const __m256i lo = _mm256_and_si256(k >= 2 ? _mm256_srli_epi16(l, 4) : l, _mm256_set1_epi8(0x0F));
        const __m256i hs = k == 0   ? _mm256_slli_epi16(h, 4)
                           : k == 1 ? _mm256_slli_epi16(h, 2)
                           : k == 2 ? h
                                    : _mm256_srli_epi16(h, 2);
        return _mm256_or_si256(lo, _mm256_and_si256(hs, _mm256_set1_epi8(0x30)));
    }
};

template <>
struct Direct<kIQ4_XS> {
    static constexpr uint32_t bytes = 136;
    static void scales(const uint8_t* b, __m256i& S, __m256i& M, float& d, float& dmin) {
        uint16_t sh;
        uint32_t sl;
        std::memcpy(&sh, b + 2, 2);
        std::memcpy(&sl, b + 4, 4);
        const __m128i l = _mm_cvtsi32_si128(int(sl));
        const __m128i nib = _mm_set1_epi8(0x0F);
        const __m128i lo = _mm_unpacklo_epi8(_mm_and_si128(l, nib), _mm_and_si128(_mm_srli_epi16(l, 4), nib));
        const __m128i hi = _mm_cvtsi64_si128(int64_t(_pdep_u64(sh, 0x0303030303030303ull)));
        const __m128i s8 = _mm_sub_epi8(_mm_or_si128(lo, _mm_slli_epi16(hi, 4)), _mm_set1_epi8(32));
        S = _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(s8, s8));
        M = _mm256_setzero_si256();
        d = halfAt(b);
        dmin = 0.0f;
    }
    // Run j is sub-block j: the low nibbles of its 16 bytes, then their high nibbles, through the table.
    static __m256i codes(const uint8_t* b, int j) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 8 + 16 * j));
        const __m256i table = _mm256_broadcastsi128_si256(
            _mm_setr_epi8(-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113));
        const __m256i both = _mm256_inserti128_si256(_mm256_castsi128_si256(v), _mm_srli_epi16(v, 4), 1);
        return _mm256_shuffle_epi8(table, _mm256_and_si256(both, _mm256_set1_epi8(0x0F)));
    }
};

template <int K>
void decodeDirect(const MatArgs& a, uint32_t nb, uint64_t rowBytes) {
    using D = Direct<K>;
    const auto* xrow = reinterpret_cast<const BlockQ8K*>(a.x + a.t0 * a.xStride);
    const __m256i pick = _mm256_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,  //
                                          2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3);
    constexpr bool sameScale = K == kQ3_K || K == kQ6_K;
    for (uint32_t r = a.r0; r < a.r1; r += kDecodeRows) {
        const uint32_t nr = std::min<uint32_t>(kDecodeRows, a.r1 - r);
        const uint8_t* w[kDecodeRows];
        for (int i = 0; i < kDecodeRows; ++i) {
            w[i] = rowPtr(a, r, nr, uint32_t(i), rowBytes);
        }
        __m256 acc[kDecodeRows][1];
        for (auto& v : acc) {
            v[0] = _mm256_setzero_ps();
        }
        for (uint32_t b = 0; b < nb; ++b) {
            const BlockQ8K& x = xrow[b];
            const __m256i bs = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.bsums));
            for (int i = 0; i < kDecodeRows; ++i) {
                const uint8_t* blk = w[i] + uint64_t(b) * D::bytes;
                prefetchAhead(w[i], b, nb, rowBytes, D::bytes);
                __m256i S, M;
                float d, dmin;
                D::scales(blk, S, M, d, dmin);
                __m256i dot = _mm256_setzero_si256();
#pragma GCC unroll 8
                for (int j = 0; j < 8; ++j) {  // unrolled: the shifts and bit masks per run become constants
                    const __m256i q = D::codes(blk, j);
                    const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.qs + 32 * j));
                    const __m256i s =
                        _mm256_shuffle_epi8(_mm256_permutevar8x32_epi32(S, _mm256_set1_epi32(j)), pick);
                    __m256i p;
                    if constexpr (signedCodes(K)) {
                        p = _mm256_maddubs_epi16(_mm256_abs_epi8(q), _mm256_sign_epi8(xv, q));
                    } else {
                        p = _mm256_maddubs_epi16(q, xv);
                    }
                    dot = _mm256_add_epi32(dot, _mm256_madd_epi16(p, s));
                }
                if constexpr (sameScale) {
                    dot = _mm256_sub_epi32(dot, _mm256_madd_epi16(M, bs));
                }
                acc[i][0] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(d * x.d), acc[i][0]);
                if constexpr (K == kQ2_K) {
                    acc[i][0] = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(_mm256_madd_epi16(M, bs)),
                                                 _mm256_set1_ps(dmin * x.d), acc[i][0]);
                }
            }
        }
        store<kDecodeRows, 1>(a, r, a.t0, nr, 1, acc);
    }
}

template <int T, int K>
void tokenTile(const MatArgs& a, const Unpacked* rows, uint32_t nb, uint32_t r, uint32_t nr, uint32_t t) {
    __m256 acc[kRows][T];
    for (auto& row : acc) {
        for (auto& v : row) {
            v = _mm256_setzero_ps();
        }
    }
    for (uint32_t b = 0; b < nb; ++b) {
        const Unpacked* u[kRows];
        for (int i = 0; i < kRows; ++i) {
            u[i] = rows + size_t(i) * nb + b;
        }
        const BlockQ8K* x[T];
        for (int j = 0; j < T; ++j) {
            x[j] = reinterpret_cast<const BlockQ8K*>(a.x + (t + uint32_t(j)) * a.xStride) + b;
        }
        blockStep<kRows, T, K>(u, x, acc);
    }
    store<kRows, T>(a, r, t, nr, uint32_t(T), acc);
}

template <int K>
void prefill(const MatArgs& a, uint32_t nb, uint64_t rowBytes);

constexpr uint32_t kTokenChunk = 64;

template <int K>
void multiply(const MatArgs& a) {
    const uint32_t nb = a.cols / 256;
    const uint64_t rowBytes = uint64_t(nb) * kBlockBytes[K];
    if (a.t1 - a.t0 == 1) {
        if constexpr (K == kQ4_K || K == kQ5_K) {
            decodeQ45K<K == kQ5_K>(a, nb, rowBytes);
        } else {
            decodeDirect<K>(a, nb, rowBytes);
        }
        return;
        return;
    }
    // Tokens in chunks, so that one chunk's activations stay in L2 while every row tile passes over them
    // (unpacking again per chunk costs a few percent).
    for (uint32_t t0 = a.t0; t0 < a.t1; t0 += kTokenChunk) {
        MatArgs c = a;
        c.t0 = t0;
        c.t1 = std::min(a.t1, t0 + kTokenChunk);
        prefill<K>(c, nb, rowBytes);
    }
}

template <int K>
void prefill(const MatArgs& a, uint32_t nb, uint64_t rowBytes) {
    Scratch<Unpacked> rows(size_t(kRows) * nb);
    for (uint32_t r = a.r0; r < a.r1; r += kRows) {
        const uint32_t nr = std::min<uint32_t>(kRows, a.r1 - r);
        for (uint32_t i = 0; i < uint32_t(kRows); ++i) {
            const uint8_t* w = rowPtr(a, r, nr, i, rowBytes);
            for (uint32_t b = 0; b < nb; ++b) {
                kX86Unpack[K](w + uint64_t(b) * kBlockBytes[K], rows[size_t(i) * nb + b]);
            }
        }
        uint32_t t = a.t0;
        for (; t + kTokens <= a.t1; t += kTokens) {
            tokenTile<kTokens, K>(a, rows.data(), nb, r, nr, t);
        }
        for (; t < a.t1; ++t) {
            tokenTile<1, K>(a, rows.data(), nb, r, nr, t);
        }
    }
}

// Q8_K (the definition in matmul_kquants_scalar.cpp), 32 floats at a time.
void quantizeQ8K(const float* x, uint32_t cols, BlockQ8K* out) {
    const __m256 signBit = _mm256_set1_ps(-0.0f);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (uint32_t b = 0; b < cols / 256; ++b, x += 256) {
        __m256 mx = _mm256_setzero_ps();
        for (int j = 0; j < 32; ++j) {
            mx = _mm256_max_ps(mx, _mm256_andnot_ps(signBit, _mm256_loadu_ps(x + 8 * j)));
        }
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(mx), _mm256_extractf128_ps(mx, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        const float amax = _mm_cvtss_f32(_mm_max_ss(m4, _mm_movehdup_ps(m4)));
        BlockQ8K& o = out[b];
        o.d = amax / 127.0f;
        const __m256 id = _mm256_set1_ps(amax != 0.0f ? 127.0f / amax : 0.0f);
        const __m256i hi = _mm256_set1_epi32(127), lo = _mm256_set1_epi32(-127);
        for (int j = 0; j < 8; ++j) {  // 32 codes, two bsum groups
            __m256i q[4];
            for (int k = 0; k < 4; ++k) {
                const __m256i v = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 32 * j + 8 * k), id));
                q[k] = _mm256_max_epi32(_mm256_min_epi32(v, hi), lo);
            }
            o.bsums[2 * j] = int16_t(hsumInt(_mm256_add_epi32(q[0], q[1])));
            o.bsums[2 * j + 1] = int16_t(hsumInt(_mm256_add_epi32(q[2], q[3])));
            const __m256i bytes =
                _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(o.qs + 32 * j),
                                _mm256_permutevar8x32_epi32(bytes, order));
        }
    }
}

}  // namespace

const IsaTable& avx2Table() {
    static const IsaTable t = {{multiply<kQ2_K>, multiply<kQ3_K>, multiply<kQ4_K>, multiply<kQ5_K>,
                                multiply<kQ6_K>, multiply<kIQ4_XS>},
                               quantizeQ8K};
    return t;
}

}  // namespace lantern::cpu::kq
