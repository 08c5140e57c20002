// K-quant kernels for AVX-512 (F/BW/VL + VNNI).
//
// Prefill (several tokens), on the common unpacked form of kquants.h: per tile of R rows x T tokens and one
// super-block: 4 x 64 codes per row, maddubs (u8 codes x s8 activations -> int16 pairs, exact: kquants.h)
// then vpdpwssd with the per-pair scales s[] (int16 x int16 pairs summed into int32): 2 instructions per 64
// multiply-adds per (row, token), no horizontal sum until the end of the row. The min term is one vpmaddwd of
// M with the activations' bsums. Per block and (row, token) the int32 lanes are scaled into an f32
// accumulator. R rows are unpacked once for all their blocks, then every tile of T tokens reuses them
// (bounded by the ~12 instructions per 256 multiply-adds of the product). Decode (one token): per type a
// direct kernel on 4 rows straight from the GGUF bytes (codes and scales in registers, the same integer
// sums), 40-55 instructions per 256 weights and row, with software prefetch: bounded by the bytes read for
// every type (measured 22-35 GB/s from DRAM, one core).
#include <algorithm>
#include <cstring>
#include <vector>

#include "inference/cpu/kquants.h"
#include "inference/cpu/scratch.h"

namespace lantern::cpu::kq {
namespace {

// One super-block of R rows (u[r]) against T tokens (x[t]), added to acc[r][t] (16 f32 lanes, summed at
// the end). Signed: IQ4_XS's table values, multiplied as |q| x (a with q's sign).
template <int R, int T, int K>
[[gnu::always_inline]] inline void blockStep(const Unpacked* const* u, const BlockQ8K* const* x,
                                             __m512 (&acc)[R][T]) {
    __m512i dot[R][T];
    for (int r = 0; r < R; ++r) {
        for (int t = 0; t < T; ++t) {
            dot[r][t] = _mm512_setzero_si512();
        }
    }
    for (int c = 0; c < 4; ++c) {
        __m512i xv[T];
        for (int t = 0; t < T; ++t) {
            xv[t] = _mm512_loadu_si512(x[t]->qs + 64 * c);
        }
        for (int r = 0; r < R; ++r) {
            __m512i q = _mm512_load_si512(u[r]->q + 64 * c);
            const __m512i s = _mm512_load_si512(u[r]->s + 32 * c);
            if constexpr (signedCodes(K)) {
                const __mmask64 neg = _mm512_movepi8_mask(q);
                q = _mm512_abs_epi8(q);
                for (int t = 0; t < T; ++t) {
                    const __m512i xs = _mm512_mask_sub_epi8(xv[t], neg, _mm512_setzero_si512(), xv[t]);
                    dot[r][t] = _mm512_dpwssd_epi32(dot[r][t], _mm512_maddubs_epi16(q, xs), s);
                }
            } else {
                for (int t = 0; t < T; ++t) {
                    dot[r][t] = _mm512_dpwssd_epi32(dot[r][t], _mm512_maddubs_epi16(q, xv[t]), s);
                }
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
            __m512i v = dot[r][t];
            __m512i mins = _mm512_setzero_si512();
            if constexpr (minTerm) {
                mins = _mm512_zextsi256_si512(_mm256_madd_epi16(m, bs[t]));
            }
            if constexpr (sameScale) {
                v = _mm512_sub_epi32(v, mins);
            }
            const float dx = x[t]->d;
            acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(v), _mm512_set1_ps(u[r]->d * dx), acc[r][t]);
            if constexpr (minTerm && !sameScale) {
                acc[r][t] =
                    _mm512_fnmadd_ps(_mm512_cvtepi32_ps(mins), _mm512_set1_ps(u[r]->dmin * dx), acc[r][t]);
            }
        }
    }
}

template <int R, int T>
void store(const MatArgs& a, uint32_t r, uint32_t t, uint32_t nr, uint32_t nt, __m512 (&acc)[R][T]) {
    for (uint32_t j = 0; j < nt && j < uint32_t(T); ++j) {
        for (uint32_t i = 0; i < nr && i < uint32_t(R); ++i) {
            const float v = _mm512_reduce_add_ps(acc[i][j]);
            float& y = a.y[(t + j) * a.yStride + r + i];
            y = a.accumulate ? y + v : v;
        }
    }
}

constexpr int kRows = 4;    // rows per tile
constexpr int kTokens = 2;  // tokens per prefill tile: R x T x 2 accumulators fill 16 of the 32 registers

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

// Decode of Q4_K / Q5_K straight from the GGUF bytes, without the trip through Unpacked: these two are
// most of a Q4_K_M model's K-quant bytes, and at one token the unpack is the whole cost. Per row and
// block: the 6-bit scales decoded on three words, 64 codes per register (low nibbles of 32 bytes, then
// their high nibbles: element order), the scale pair of each 64 spread over the maddubs lanes by one
// vpermw, the Q5_K fifth bits added under a vptestmb mask. About 45 instructions per 256 weights.
template <bool Five>
void decodeQ45K(const MatArgs& a, uint32_t nb, uint64_t rowBytes) {
    constexpr uint32_t bytes = Five ? 176 : 144;
    const auto* xrow = reinterpret_cast<const BlockQ8K*>(a.x + a.t0 * a.xStride);
    const __m512i low = _mm512_set1_epi8(0x0F), sixteen = _mm512_set1_epi8(0x10);
    __m512i spread[4], fifth[4];
    for (int c = 0; c < 4; ++c) {
        // Lanes 0-15 take scale 2c, lanes 16-31 scale 2c+1 (the low and high nibbles of this chunk).
        alignas(64) int16_t idx[32];
        for (int l = 0; l < 32; ++l) {
            idx[l] = int16_t(2 * c + l / 16);
        }
        spread[c] = _mm512_load_si512(idx);
        fifth[c] = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi8(char(1 << (2 * c)))),
                                      _mm256_set1_epi8(char(2 << (2 * c))), 1);
    }
    for (uint32_t r = a.r0; r < a.r1; r += kRows) {
        const uint32_t nr = std::min<uint32_t>(kRows, a.r1 - r);
        const uint8_t* w[kRows];
        for (int i = 0; i < kRows; ++i) {
            w[i] = rowPtr(a, r, nr, uint32_t(i), rowBytes);
        }
        __m512 acc[kRows][1];
        for (auto& v : acc) {
            v[0] = _mm512_setzero_ps();
        }
        for (uint32_t b = 0; b < nb; ++b) {
            const BlockQ8K& x = xrow[b];
            __m512i xv[4];
            for (int c = 0; c < 4; ++c) {
                xv[c] = _mm512_loadu_si512(x.qs + 64 * c);
            }
            const __m256i bs = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.bsums));
            for (int i = 0; i < kRows; ++i) {
                const uint8_t* blk = w[i] + uint64_t(b) * bytes;
                prefetchAhead(w[i], b, nb, rowBytes, bytes);
                uint32_t sw[3];
                std::memcpy(sw, blk + 4, 12);
                const uint32_t s03 = sw[0] & 0x3f3f3f3f, m03 = sw[1] & 0x3f3f3f3f;
                const uint32_t s47 = (sw[2] & 0x0f0f0f0f) | (((sw[0] >> 6) & 0x03030303) << 4);
                const uint32_t m47 = ((sw[2] >> 4) & 0x0f0f0f0f) | (((sw[1] >> 6) & 0x03030303) << 4);
                const __m512i sc = _mm512_castsi128_si512(
                    _mm_cvtepu8_epi16(_mm_cvtsi64_si128(int64_t(s03 | uint64_t(s47) << 32))));
                const __m256i mins = perSixteen(m03 | uint64_t(m47) << 32);
                const uint8_t* qs = blk + (Five ? 48 : 16);
                __m512i hb = _mm512_setzero_si512();
                if constexpr (Five) {
                    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 16));
                    hb = _mm512_inserti64x4(_mm512_castsi256_si512(h), h, 1);
                }
                __m512i dot = _mm512_setzero_si512();
                for (int c = 0; c < 4; ++c) {
                    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qs + 32 * c));
                    const __m512i vv =
                        _mm512_inserti64x4(_mm512_castsi256_si512(v), _mm256_srli_epi16(v, 4), 1);
                    __m512i q = _mm512_and_si512(vv, low);
                    if constexpr (Five) {
                        q = _mm512_mask_add_epi8(q, _mm512_test_epi8_mask(hb, fifth[c]), q, sixteen);
                    }
                    const __m512i s = _mm512_permutexvar_epi16(spread[c], sc);
                    dot = _mm512_dpwssd_epi32(dot, _mm512_maddubs_epi16(q, xv[c]), s);
                }
                const __m512i mdot = _mm512_zextsi256_si512(_mm256_madd_epi16(mins, bs));
                acc[i][0] =
                    _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_set1_ps(halfAt(blk) * x.d), acc[i][0]);
                acc[i][0] = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(mdot), _mm512_set1_ps(halfAt(blk + 2) * x.d),
                                             acc[i][0]);
            }
        }
        store<kRows, 1>(a, r, a.t0, nr, 1, acc);
    }
}

// Decode of IQ4_XS straight from the GGUF bytes. The table values are looked up biased by +128 (u8 1..241,
// one vpshufb per 64 codes), so vpdpbusd multiplies them exactly without the sign trick (maddubs would
// saturate on them); its int32 lanes (4 codes each, 8 lanes per 32-element sub-block) take the sub-block
// scale by one vpmulld, and the bias comes back out as 128 * S * bsums (the same d). About 55
// instructions per 256 weights.
void decodeIQ4XS(const MatArgs& a, uint32_t nb, uint64_t rowBytes) {
    constexpr uint32_t bytes = 136;
    const auto* xrow = reinterpret_cast<const BlockQ8K*>(a.x + a.t0 * a.xStride);
    const __m512i low = _mm512_set1_epi8(0x0F);
    const __m512i table = _mm512_broadcast_i32x4(_mm_setr_epi8(
        1, 24, 45, 63, 79, 93, 106, 118, -127, -115, -103, -90, -75, -59, -39, -15));  // IQ4_NL + 128
    __m512i spread[4];
    for (int c = 0; c < 4; ++c) {
        spread[c] =
            _mm512_set_epi32(2 * c + 1, 2 * c + 1, 2 * c + 1, 2 * c + 1, 2 * c + 1, 2 * c + 1, 2 * c + 1,
                             2 * c + 1, 2 * c, 2 * c, 2 * c, 2 * c, 2 * c, 2 * c, 2 * c, 2 * c);
    }
    for (uint32_t r = a.r0; r < a.r1; r += kRows) {
        const uint32_t nr = std::min<uint32_t>(kRows, a.r1 - r);
        const uint8_t* w[kRows];
        for (int i = 0; i < kRows; ++i) {
            w[i] = rowPtr(a, r, nr, uint32_t(i), rowBytes);
        }
        __m512 acc[kRows][1];
        for (auto& v : acc) {
            v[0] = _mm512_setzero_ps();
        }
        for (uint32_t b = 0; b < nb; ++b) {
            const BlockQ8K& x = xrow[b];
            __m512i xv[4];
            for (int c = 0; c < 4; ++c) {
                xv[c] = _mm512_loadu_si512(x.qs + 64 * c);
            }
            const __m256i bs = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.bsums));
            for (int i = 0; i < kRows; ++i) {
                const uint8_t* blk = w[i] + uint64_t(b) * bytes;
                prefetchAhead(w[i], b, nb, rowBytes, bytes);
                uint16_t sh;
                uint32_t sl;
                std::memcpy(&sh, blk + 2, 2);
                std::memcpy(&sl, blk + 4, 4);
                // Scale ib: nibble ib of scales_l, bits 2 ib.. of scales_h on top, minus 32.
                const __m128i l = _mm_cvtsi32_si128(int(sl));
                const __m128i nib = _mm_set1_epi8(0x0F);
                const __m128i lo =
                    _mm_unpacklo_epi8(_mm_and_si128(l, nib), _mm_and_si128(_mm_srli_epi16(l, 4), nib));
                const __m128i hi = _mm_cvtsi64_si128(int64_t(_pdep_u64(sh, 0x0303030303030303ull)));
                const __m128i s8 = _mm_sub_epi8(_mm_or_si128(lo, _mm_slli_epi16(hi, 4)), _mm_set1_epi8(32));
                const __m512i s32 = _mm512_cvtepi8_epi32(s8);
                const __m256i s16 = _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(s8, s8));  // per 16 elements
                __m512i dot = _mm512_setzero_si512();
                for (int c = 0; c < 4; ++c) {
                    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 8 + 32 * c));
                    // 128-bit lanes: low nibbles of sub-block 2c, of 2c+1, high nibbles of 2c, of 2c+1;
                    // reordered to element order (2c's 32, then 2c+1's 32).
                    __m512i q = _mm512_and_si512(
                        _mm512_inserti64x4(_mm512_castsi256_si512(v), _mm256_srli_epi16(v, 4), 1), low);
                    q = _mm512_shuffle_epi8(table, _mm512_shuffle_i64x2(q, q, _MM_SHUFFLE(3, 1, 2, 0)));
                    const __m512i p = _mm512_dpbusd_epi32(_mm512_setzero_si512(), q, xv[c]);
                    dot = _mm512_add_epi32(dot,
                                           _mm512_mullo_epi32(p, _mm512_permutexvar_epi32(spread[c], s32)));
                }
                const __m512i bias = _mm512_zextsi256_si512(_mm256_slli_epi32(_mm256_madd_epi16(s16, bs), 7));
                dot = _mm512_sub_epi32(dot, bias);
                acc[i][0] =
                    _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_set1_ps(halfAt(blk) * x.d), acc[i][0]);
            }
        }
        store<kRows, 1>(a, r, a.t0, nr, 1, acc);
    }
}

// Decode of Q2_K / Q3_K straight from the GGUF bytes. Per 64 codes: one 32-byte load of 2-bit codes
// shifted twice (the two 32-element runs of this chunk), Q3_K's high bit added under a vptestmb mask, the
// four 16-element scales of the chunk spread over the maddubs lanes by one vpermw. About 45 instructions
// per 256 weights.
template <bool Three>
void decodeQ23K(const MatArgs& a, uint32_t nb, uint64_t rowBytes) {
    constexpr uint32_t bytes = Three ? 110 : 84;
    const auto* xrow = reinterpret_cast<const BlockQ8K*>(a.x + a.t0 * a.xStride);
    const __m512i three = _mm512_set1_epi8(3), four = _mm512_set1_epi8(4);
    __m512i spread[4], high[4];
    for (int c = 0; c < 4; ++c) {
        alignas(64) int16_t idx[32];
        for (int l = 0; l < 32; ++l) {
            idx[l] = int16_t(4 * c + l / 8);
        }
        spread[c] = _mm512_load_si512(idx);
        high[c] = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi8(char(1 << (2 * c)))),
                                     _mm256_set1_epi8(char(2 << (2 * c))), 1);
    }
    for (uint32_t r = a.r0; r < a.r1; r += kRows) {
        const uint32_t nr = std::min<uint32_t>(kRows, a.r1 - r);
        const uint8_t* w[kRows];
        for (int i = 0; i < kRows; ++i) {
            w[i] = rowPtr(a, r, nr, uint32_t(i), rowBytes);
        }
        __m512 acc[kRows][1];
        for (auto& v : acc) {
            v[0] = _mm512_setzero_ps();
        }
        for (uint32_t b = 0; b < nb; ++b) {
            const BlockQ8K& x = xrow[b];
            __m512i xv[4];
            for (int c = 0; c < 4; ++c) {
                xv[c] = _mm512_loadu_si512(x.qs + 64 * c);
            }
            const __m256i bs = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.bsums));
            for (int i = 0; i < kRows; ++i) {
                const uint8_t* blk = w[i] + uint64_t(b) * bytes;
                prefetchAhead(w[i], b, nb, rowBytes, bytes);
                __m256i S, M;
                __m512i hm = _mm512_setzero_si512();
                if constexpr (Three) {
                    S = q3kScales(blk);
                    M = _mm256_slli_epi16(S, 2);
                    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk));
                    hm = _mm512_inserti64x4(_mm512_castsi256_si512(h), h, 1);
                } else {
                    const __m128i sc = _mm_loadu_si128(reinterpret_cast<const __m128i*>(blk));
                    const __m128i nib = _mm_set1_epi8(0x0F);
                    S = _mm256_cvtepu8_epi16(_mm_and_si128(sc, nib));
                    M = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(sc, 4), nib));
                }
                const __m512i sz = _mm512_castsi256_si512(S);
                const uint8_t* qs = blk + (Three ? 32 : 16);
                __m512i dot = _mm512_setzero_si512();
                for (int c = 0; c < 4; ++c) {
                    // Elements 64c .. 64c+63: bits 2k of qs[32n + l] for n = c / 2, k = 2 (c % 2) and + 1.
                    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qs + 32 * (c / 2)));
                    const int k = 2 * (c % 2);
                    __m512i q = _mm512_and_si512(
                        _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_srli_epi16(v, 2 * k)),
                                           _mm256_srli_epi16(v, 2 * k + 2), 1),
                        three);
                    if constexpr (Three) {
                        q = _mm512_mask_add_epi8(q, _mm512_test_epi8_mask(hm, high[c]), q, four);
                    }
                    dot = _mm512_dpwssd_epi32(dot, _mm512_maddubs_epi16(q, xv[c]),
                                              _mm512_permutexvar_epi16(spread[c], sz));
                }
                const __m512i mdot = _mm512_zextsi256_si512(_mm256_madd_epi16(M, bs));
                if constexpr (Three) {
                    dot = _mm512_sub_epi32(dot, mdot);
                    acc[i][0] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot),
                                                _mm512_set1_ps(halfAt(blk + 108) * x.d), acc[i][0]);
                } else {
                    acc[i][0] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot),
                                                _mm512_set1_ps(halfAt(blk + 80) * x.d), acc[i][0]);
                    acc[i][0] = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(mdot),
                                                 _mm512_set1_ps(halfAt(blk + 82) * x.d), acc[i][0]);
                }
            }
        }
        store<kRows, 1>(a, r, a.t0, nr, 1, acc);
    }
}

// Decode of Q6_K straight from the GGUF bytes. Chunk c (64 codes) of half n = c / 2 is one 64-byte load
// of ql[64n ..] (its two 32-byte halves are the two runs of the chunk), low or high nibbles, plus the qh
// bits of both runs from one 32-byte load shifted per half by vpsllvw / vpsrlvw; scales by vpermw, the
// offset 32 taken out as 32 * S * bsums (the same d). About 40 instructions per 256 weights.
void decodeQ6K(const MatArgs& a, uint32_t nb, uint64_t rowBytes) {
    constexpr uint32_t bytes = 210;
    const auto* xrow = reinterpret_cast<const BlockQ8K*>(a.x + a.t0 * a.xStride);
    const __m512i low = _mm512_set1_epi8(0x0F), top = _mm512_set1_epi8(0x30);
    // High bits of runs k = 0, 1 sit at bits 0-1, 2-3 of qh (shift left 4, 2); runs 2, 3 at 4-5, 6-7.
    const __m512i shiftEven = _mm512_inserti64x4(_mm512_set1_epi16(4), _mm256_set1_epi16(2), 1);
    const __m512i shiftOdd = _mm512_inserti64x4(_mm512_setzero_si512(), _mm256_set1_epi16(2), 1);
    __m512i spread[4];
    for (int c = 0; c < 4; ++c) {
        alignas(64) int16_t idx[32];
        for (int l = 0; l < 32; ++l) {
            idx[l] = int16_t(4 * c + l / 8);
        }
        spread[c] = _mm512_load_si512(idx);
    }
    for (uint32_t r = a.r0; r < a.r1; r += kRows) {
        const uint32_t nr = std::min<uint32_t>(kRows, a.r1 - r);
        const uint8_t* w[kRows];
        for (int i = 0; i < kRows; ++i) {
            w[i] = rowPtr(a, r, nr, uint32_t(i), rowBytes);
        }
        __m512 acc[kRows][1];
        for (auto& v : acc) {
            v[0] = _mm512_setzero_ps();
        }
        for (uint32_t b = 0; b < nb; ++b) {
            const BlockQ8K& x = xrow[b];
            __m512i xv[4];
            for (int c = 0; c < 4; ++c) {
                xv[c] = _mm512_loadu_si512(x.qs + 64 * c);
            }
            const __m256i bs = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.bsums));
            for (int i = 0; i < kRows; ++i) {
                const uint8_t* blk = w[i] + uint64_t(b) * bytes;
                prefetchAhead(w[i], b, nb, rowBytes, bytes);
                const __m256i S =
                    _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + 192)));
                const __m512i sz = _mm512_castsi256_si512(S);
                __m512i dot = _mm512_setzero_si512();
                for (int n = 0; n < 2; ++n) {
                    const __m512i ql = _mm512_loadu_si512(blk + 64 * n);
                    const __m256i h =
                        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 128 + 32 * n));
                    const __m512i hz = _mm512_inserti64x4(_mm512_castsi256_si512(h), h, 1);
                    const __m512i q0 = _mm512_or_si512(
                        _mm512_and_si512(ql, low), _mm512_and_si512(_mm512_sllv_epi16(hz, shiftEven), top));
                    const __m512i q1 =
                        _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(ql, 4), low),
                                        _mm512_and_si512(_mm512_srlv_epi16(hz, shiftOdd), top));
                    dot = _mm512_dpwssd_epi32(dot, _mm512_maddubs_epi16(q0, xv[2 * n]),
                                              _mm512_permutexvar_epi16(spread[2 * n], sz));
                    dot = _mm512_dpwssd_epi32(dot, _mm512_maddubs_epi16(q1, xv[2 * n + 1]),
                                              _mm512_permutexvar_epi16(spread[2 * n + 1], sz));
                }
                dot = _mm512_sub_epi32(
                    dot, _mm512_zextsi256_si512(_mm256_madd_epi16(_mm256_slli_epi16(S, 5), bs)));
                acc[i][0] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_set1_ps(halfAt(blk + 208) * x.d),
                                            acc[i][0]);
            }
        }
        store<kRows, 1>(a, r, a.t0, nr, 1, acc);
    }
}

template <int T, int K>
void tokenTile(const MatArgs& a, const Unpacked* rows, uint32_t nb, uint32_t r, uint32_t nr, uint32_t t) {
    __m512 acc[kRows][T];
    for (auto& row : acc) {
        for (auto& v : row) {
            v = _mm512_setzero_ps();
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
            return;
        }
        if constexpr (K == kQ2_K || K == kQ3_K) {
            decodeQ23K<K == kQ3_K>(a, nb, rowBytes);
            return;
        }
        if constexpr (K == kQ6_K) {
            decodeQ6K(a, nb, rowBytes);
            return;
        }
        if constexpr (K == kIQ4_XS) {
            decodeIQ4XS(a, nb, rowBytes);
        }
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

// Q8_K (the definition in matmul_kquants_scalar.cpp): one 16-float register is one bsum group.
void quantizeQ8K(const float* x, uint32_t cols, BlockQ8K* out) {
    const __m512 signBit = _mm512_set1_ps(-0.0f);
    for (uint32_t b = 0; b < cols / 256; ++b, x += 256) {
        __m512 mx = _mm512_setzero_ps();
        for (int j = 0; j < 16; ++j) {
            mx = _mm512_max_ps(mx, _mm512_andnot_ps(signBit, _mm512_loadu_ps(x + 16 * j)));
        }
        const float amax = _mm512_reduce_max_ps(mx);
        BlockQ8K& o = out[b];
        o.d = amax / 127.0f;
        const __m512 id = _mm512_set1_ps(amax != 0.0f ? 127.0f / amax : 0.0f);
        for (int j = 0; j < 16; ++j) {
            __m512i q = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(x + 16 * j), id));
            q = _mm512_max_epi32(_mm512_min_epi32(q, _mm512_set1_epi32(127)), _mm512_set1_epi32(-127));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(o.qs + 16 * j), _mm512_cvtepi32_epi8(q));
            o.bsums[j] = int16_t(_mm512_reduce_add_epi32(q));
        }
    }
}

}  // namespace

const IsaTable& avx512Table() {
    static const IsaTable t = {{multiply<kQ2_K>, multiply<kQ3_K>, multiply<kQ4_K>, multiply<kQ5_K>,
                                multiply<kQ6_K>, multiply<kIQ4_XS>},
                               quantizeQ8K};
    return t;
}

}  // namespace lantern::cpu::kq
