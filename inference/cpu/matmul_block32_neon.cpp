// Block32 kernels for ARM64 NEON with the dot-product extension (built -march=armv8.2-a+dotprod; chosen at
// run time only where isa.cpp found the extension: Apple Silicon, Graviton 2+, Cortex-A76+).
//
// Layout: R16 (block32.h). One 128-bit register holds one quad (4 consecutive elements) of 4 rows, 4 bytes
// per row, which is exactly what sdot by element (vdotq_laneq_s32) takes: lane i of the result gains the
// dot product of row i's 4 bytes with the activation's quad picked by the lane index, so 4 row sums build
// up with no horizontal reduction and no broadcast. A block column of 16 rows is 32 sdot per token.
// sdot is signed x signed and exact in int32, so there is no saturation to avoid (unlike x86 maddubs):
//  - Q8_0 codes are unbiased back to int8 (xor 0x80), IQ4_NL nibbles go through the table (tbl);
//  - 4- and 5-bit codes (0..31) go in as they are (valid int8); the offset (8, 16) or the minimum comes
//    back per block as mw * sx, as on AVX2.
// Tiles: 8 rows x 4 or 3 tokens (prefill), 16 rows x 1 or 2 tokens (decode: each 64-byte line of the weight
// stream is used whole). Per quad and token 1 sdot for 4 rows, so decode is bound by the bytes read for
// Q8_0 / Q4_0 and by the unpacking (and, shift, the Q5 fifth bit: tst, and, orr) for the others.
#include <arm_neon.h>

#include <algorithm>
#include <cstring>

#include "inference/cpu/block32.h"

#if !defined(__ARM_FEATURE_DOTPROD) && !defined(_MSC_VER)
#error "matmul_block32_neon.cpp needs the dot-product extension: build it with -march=armv8.2-a+dotprod"
#endif

namespace lantern::cpu::b32 {
namespace {

constexpr uint32_t kTokTile = 4;

inline float32x4_t halves4(const uint8_t* p) {
    return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(reinterpret_cast<const uint16_t*>(p))));
}

// Weight bytes of quads 2L and 2L+1 of half h (rows 8h..8h+7): w[i][j] = quad 2L+i, rows 8h+4j..8h+4j+3.
template <int K, int L>
inline void quadPair(const uint8_t* codes, uint32_t h, const uint8x16_t (&hb)[2], int8x16_t (&w)[2][2]) {
    if constexpr (K == kQ8_0) {
        const uint8x16_t bias = vdupq_n_u8(0x80);
#pragma GCC unroll 8
        for (int i = 0; i < 2; ++i) {
#pragma GCC unroll 8
            for (int j = 0; j < 2; ++j) {
                const uint8x16_t v = vld1q_u8(codes + 64 * (2 * L + i) + 32 * h + 16 * j);
                w[i][j] = vreinterpretq_s8_u8(veorq_u8(v, bias));
            }
        }
        return;
    } else {
        const uint8x16_t low = vdupq_n_u8(0x0F);
#pragma GCC unroll 8
        for (int j = 0; j < 2; ++j) {
            const uint8x16_t raw = vld1q_u8(codes + 64 * L + 32 * h + 16 * j);
            uint8x16_t c[2] = {vandq_u8(raw, low), vshrq_n_u8(raw, 4)};
            if constexpr (hasHighBits(K)) {
                // Bit q of the hbits byte at the same position is quad q's fifth bit.
                const uint8x16_t sixteen = vdupq_n_u8(0x10);
                c[0] = vorrq_u8(c[0], vandq_u8(vtstq_u8(hb[j], vdupq_n_u8(uint8_t(1 << (2 * L)))), sixteen));
                c[1] = vorrq_u8(c[1], vandq_u8(vtstq_u8(hb[j], vdupq_n_u8(uint8_t(2 << (2 * L)))), sixteen));
            }
#pragma GCC unroll 8
            for (int i = 0; i < 2; ++i) {
                if constexpr (K == kIQ4_NL) {
                    w[i][j] = vqtbl1q_s8(vld1q_s8(kIq4nlValues), c[i]);
                } else {
                    w[i][j] = vreinterpretq_s8_u8(c[i]);
                }
            }
        }
    }
}

// The sdot steps of quads 2L, 2L+1 of NH halves for NT tokens.
template <int K, int L, int NT, int NH>
inline void pairStep(const uint8_t* blk, uint32_t h0, const uint8x16_t (&hb)[NH][2],
                     const int8_t* const (&xq)[NT], int32x4_t (&s)[NH][NT][2]) {
    const uint8_t* codes = blk + headerBytes(K);
#pragma GCC unroll 8
    for (int h = 0; h < NH; ++h) {
        int8x16_t w[2][2];
        quadPair<K, L>(codes, h0 + uint32_t(h), hb[h], w);
#pragma GCC unroll 8
        for (int t = 0; t < NT; ++t) {
            // Quads 2L and 2L+1 are lanes 2(L%2) and 2(L%2)+1 of activation bytes 16(L/2)..16(L/2)+15.
            const int8x16_t xv = vld1q_s8(xq[t] + 16 * (L / 2));
#pragma GCC unroll 8
            for (int j = 0; j < 2; ++j) {
                s[h][t][j] = vdotq_laneq_s32(s[h][t][j], w[0][j], xv, 2 * (L % 2));
                s[h][t][j] = vdotq_laneq_s32(s[h][t][j], w[1][j], xv, 2 * (L % 2) + 1);
            }
        }
    }
}

// Halves [h0, h0 + NH) of the group at w for tokens [0, NT) of x; acc[h][t][j] = rows 8(h0+h)+4j .. +3.
template <int K, int NT, int NH>
inline void tile(const uint8_t* w, uint32_t h0, uint32_t nb, const std::byte* x, uint64_t xStride,
                 float32x4_t (&acc)[NH][NT][2]) {
#pragma GCC unroll 8
    for (auto& a : acc) {
#pragma GCC unroll 8
        for (auto& b : a) {
            b[0] = b[1] = vdupq_n_f32(0.0f);
        }
    }
    for (uint32_t b = 0; b < nb; ++b, w += packedBlockBytes(K)) {
        if constexpr (NH == 2) {
            for (uint32_t o = 0; o < packedBlockBytes(K); o += 64) {
                __builtin_prefetch(w + 2048 + o, 0, 0);
            }
        }
        const BlockQ8* xb[NT];
        const int8_t* xq[NT];
#pragma GCC unroll 8
        for (int t = 0; t < NT; ++t) {
            xb[t] = reinterpret_cast<const BlockQ8*>(x + t * xStride) + b;
            xq[t] = xb[t]->qs;
        }
        uint8x16_t hb[NH][2];
#pragma GCC unroll 8
        for (int h = 0; h < NH; ++h) {
#pragma GCC unroll 8
            for (int j = 0; j < 2; ++j) {
                hb[h][j] = hasHighBits(K)
                               ? vld1q_u8(w + headerBytes(K) + 256 + 32 * (h0 + uint32_t(h)) + 16 * j)
                               : vdupq_n_u8(0);
            }
        }
        int32x4_t s[NH][NT][2];
#pragma GCC unroll 8
        for (auto& a : s) {
#pragma GCC unroll 8
            for (auto& c : a) {
                c[0] = c[1] = vdupq_n_s32(0);
            }
        }
        pairStep<K, 0, NT, NH>(w, h0, hb, xq, s);
        pairStep<K, 1, NT, NH>(w, h0, hb, xq, s);
        pairStep<K, 2, NT, NH>(w, h0, hb, xq, s);
        pairStep<K, 3, NT, NH>(w, h0, hb, xq, s);
#pragma GCC unroll 8
        for (int h = 0; h < NH; ++h) {
#pragma GCC unroll 8
            for (int j = 0; j < 2; ++j) {
                const uint32_t rows = 8 * (h0 + uint32_t(h)) + 4 * uint32_t(j);
                const float32x4_t d = halves4(w + 2 * rows);
                float32x4_t mw = vdupq_n_f32(0.0f);
                if constexpr (hasMin(K)) {
                    mw = halves4(w + 32 + 2 * rows);
                } else if constexpr (K == kQ4_0 || K == kQ5_0) {
                    mw = vmulq_n_f32(d, K == kQ4_0 ? -8.0f : -16.0f);
                }
#pragma GCC unroll 8
                for (int t = 0; t < NT; ++t) {
                    acc[h][t][j] =
                        vfmaq_f32(acc[h][t][j], vcvtq_f32_s32(s[h][t][j]), vmulq_n_f32(d, xb[t]->d));
                    if constexpr (K != kQ8_0 && K != kIQ4_NL) {
                        acc[h][t][j] = vfmaq_n_f32(acc[h][t][j], mw, xb[t]->s);
                    }
                }
            }
        }
    }
}

template <int K, int NT, int NH>
void tileAndStore(const MatArgs& a, uint32_t g, uint32_t h0, uint32_t t) {
    float32x4_t acc[NH][NT][2];
    tile<K, NT, NH>(reinterpret_cast<const uint8_t*>(a.w) + g * groupBytes(K, a.cols), h0, a.cols / 32,
                    a.x + t * a.xStride, a.xStride, acc);
    for (int h = 0; h < NH; ++h) {
        const uint32_t base = g * kGroupRows + 8 * (h0 + uint32_t(h));
        if (base >= a.r1 || base + 8 <= a.r0) {
            continue;  // a half outside [r0, r1) computed along with its neighbour
        }
        const uint32_t lo = std::max(a.r0, base) - base, hi = std::min(a.r1, base + 8) - base;
        for (int j = 0; j < NT; ++j) {
            float* y = a.y + (t + uint32_t(j)) * a.yStride + base;
            if (lo == 0 && hi == 8) {
                for (int k = 0; k < 2; ++k) {
                    const float32x4_t v =
                        a.accumulate ? vaddq_f32(acc[h][j][k], vld1q_f32(y + 4 * k)) : acc[h][j][k];
                    vst1q_f32(y + 4 * k, v);
                }
                continue;
            }
            float v[8];
            vst1q_f32(v, acc[h][j][0]);
            vst1q_f32(v + 4, acc[h][j][1]);
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
            case 2:
                tileAndStore<K, 2, 2>(a, g, 0, t);
                break;
            case 1:
                tileAndStore<K, 1, 2>(a, g, 0, t);
                break;
            default:
                break;
        }
    }
}

// ---- float weights (in place), f32 activations --------------------------------------------------------

template <int K>
inline float32x4_t loadW(const std::byte* row, uint32_t i) {
    if constexpr (K == kF32) {
        return vld1q_f32(reinterpret_cast<const float*>(row) + i);
    } else {
        const uint16x4_t h = vld1_u16(reinterpret_cast<const uint16_t*>(row + 2 * uint64_t(i)));
        if constexpr (K == kF16) {
            return vcvt_f32_f16(vreinterpret_f16_u16(h));
        } else {
            return vreinterpretq_f32_u32(vshll_n_u16(h, 16));
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
            return vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(h))), 0);
        } else {
            const uint32_t bits = uint32_t(h) << 16;
            float f;
            std::memcpy(&f, &bits, 4);
            return f;
        }
    }
}

// NR rows x NT tokens (at most 4 x 3: 12 accumulators); the cols % 4 tail in scalar.
template <int K, int NR, int NT>
void floatTile(const MatArgs& a, uint32_t r, uint32_t t) {
    const uint64_t rowBytes = uint64_t(a.cols) * (K == kF32 ? 4 : 2);
    float32x4_t acc[NR][NT];
    for (auto& row : acc) {
        for (auto& v : row) {
            v = vdupq_n_f32(0.0f);
        }
    }
    const float* x[NT];
    for (int j = 0; j < NT; ++j) {
        x[j] = reinterpret_cast<const float*>(a.x + (t + uint32_t(j)) * a.xStride);
    }
    const uint32_t full = a.cols / 4 * 4;
    for (uint32_t c = 0; c < full; c += 4) {
        for (int i = 0; i < NR; ++i) {
            const float32x4_t wv = loadW<K>(a.w + (r + uint32_t(i)) * rowBytes, c);
            for (int j = 0; j < NT; ++j) {
                acc[i][j] = vfmaq_f32(acc[i][j], wv, vld1q_f32(x[j] + c));
            }
        }
    }
    for (int i = 0; i < NR; ++i) {
        for (int j = 0; j < NT; ++j) {
            float v = vaddvq_f32(acc[i][j]);
            for (uint32_t c = full; c < a.cols; ++c) {
                v += loadW1<K>(a.w + (r + uint32_t(i)) * rowBytes, c) * x[j][c];
            }
            float& y = a.y[(t + uint32_t(j)) * a.yStride + r + uint32_t(i)];
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

// Q8 as the scalar definition writes it, byte for byte: fcvtns rounds half to even as nearbyint does.
void quantizeQ8(const float* x, uint32_t cols, BlockQ8* out) {
    for (uint32_t b = 0; b < cols / 32; ++b, x += 32) {
        float32x4_t v[8];
        float32x4_t m = vdupq_n_f32(0.0f);
        for (int i = 0; i < 8; ++i) {
            v[i] = vld1q_f32(x + 4 * i);
            m = vmaxq_f32(m, vabsq_f32(v[i]));
        }
        const float amax = vmaxvq_f32(m);
        const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        int32x4_t sum = vdupq_n_s32(0);
        int16x8_t q16[4];
        for (int i = 0; i < 4; ++i) {
            const int32x4_t q0 = vcvtnq_s32_f32(vmulq_n_f32(v[2 * i], id));
            const int32x4_t q1 = vcvtnq_s32_f32(vmulq_n_f32(v[2 * i + 1], id));
            sum = vaddq_s32(sum, vaddq_s32(q0, q1));
            q16[i] = vcombine_s16(vqmovn_s32(q0), vqmovn_s32(q1));
        }
        vst1q_s8(out[b].qs, vcombine_s8(vqmovn_s16(q16[0]), vqmovn_s16(q16[1])));
        vst1q_s8(out[b].qs + 16, vcombine_s8(vqmovn_s16(q16[2]), vqmovn_s16(q16[3])));
        out[b].d = d;
        out[b].s = d * float(vaddvq_s32(sum));
    }
}

}  // namespace

const IsaTable& neonTable() {
    static const IsaTable t = {
        {multiplyQuant<kQ4_0>, multiplyQuant<kQ4_1>, multiplyQuant<kQ5_0>, multiplyQuant<kQ5_1>,
         multiplyQuant<kQ8_0>, multiplyQuant<kIQ4_NL>, multiplyFloat<kF32>, multiplyFloat<kF16>,
         multiplyFloat<kBF16>},
        quantizeQ8,
    };
    return t;
}

}  // namespace lantern::cpu::b32
