// K-quant kernels for ARM64 NEON with the dot-product extension (-march=armv8.2-a+dotprod), on the GGUF
// rows in place (kquants.h).
//
// Per type only two small pieces, Direct<K>: scales() (the 16 S and M of a super-block as int16, d, dmin)
// and codes<J>() (the 32 codes of run J = elements 32J..32J+31, in two registers, unpacked in registers).
// Around them:
//  - decode (one token), 4 rows at a time straight from the GGUF bytes, each a prefetched stream: per 16
//    codes one sdot (vdotq_s32: 16 int8 x int8 products into 4 int32 lanes, exact) and one multiply-add
//    by S taken as a lane of a register (vmlaq_laneq_s32); the types with one scale per 32 codes (Q4_K,
//    Q5_K, IQ4_XS) chain two sdot before one multiply-add. The min term is 4 vmull/vmlal of M with the
//    activations' bsums. No horizontal sum until the end of the row. About 40-70 instructions per 256
//    weights and row, so bounded by instructions for the bit-sliced types (Q2_K, Q3_K, Q6_K) and near the
//    bytes for Q4_K.
//  - prefill (several tokens): unpack() writes the common Unpacked form (the same two pieces, stored), rows
//    are unpacked once per 64-token chunk and each 4 x 2 (rows x tokens) tile runs the same sdot +
//    multiply-add product on them (about 3 instructions per 16 multiply-adds per row and token).
// sdot is signed x signed, so the unsigned K-quant codes (0..63) and IQ4_XS's signed table values go in as
// they are: no sign trick, no saturation (kquants.h's maddubs bound does not arise).
#include <arm_neon.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "inference/cpu/kquants.h"
#include "inference/cpu/scratch.h"

#if !defined(__ARM_FEATURE_DOTPROD) && !defined(_MSC_VER)
#error "matmul_kquants_neon.cpp needs the dot-product extension: build it with -march=armv8.2-a+dotprod"
#endif

namespace lantern::cpu::kq {
namespace {

inline float halfAt(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(h))), 0);
}

// 8 bytes, one per 32 elements, to 16 int16 per 16 elements (each twice): S[0..7], S[8..15].
inline void perSixteen(uint8x8_t v, int16x8_t (&out)[2]) {
    out[0] = vreinterpretq_s16_u16(vmovl_u8(vzip1_u8(v, v)));
    out[1] = vreinterpretq_s16_u16(vmovl_u8(vzip2_u8(v, v)));
}
inline void perSixteen(int8x8_t v, int16x8_t (&out)[2]) {
    out[0] = vmovl_s8(vzip1_s8(v, v));
    out[1] = vmovl_s8(vzip2_s8(v, v));
}

// v >> N per byte (N = 0: v; the immediate shift needs 1..8).
template <int N>
inline uint8x16_t shr(uint8x16_t v) {
    if constexpr (N == 0) {
        return v;
    } else {
        return vshrq_n_u8(v, N);
    }
}

template <int K>
struct Direct;

// Q2_K: scales[16] (S low nibble, M high), qs[64]: element 128n + 32k + l at bits 2k of qs[32n + l].
template <>
struct Direct<kQ2_K> {
    static constexpr uint32_t bytes = 84;
    static constexpr bool per32 = false;
    static void scales(const uint8_t* b, int16x8_t (&S)[2], int16x8_t (&M)[2], float& d, float& dmin) {
        const uint8x16_t sc = vld1q_u8(b);
        const uint8x16_t s = vandq_u8(sc, vdupq_n_u8(0x0F)), m = vshrq_n_u8(sc, 4);
        S[0] = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(s)));
        S[1] = vreinterpretq_s16_u16(vmovl_high_u8(s));
        M[0] = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(m)));
        M[1] = vreinterpretq_s16_u16(vmovl_high_u8(m));
        d = halfAt(b + 80);
        dmin = halfAt(b + 82);
    }
    template <int J>
    static void codes(const uint8_t* b, int8x16_t (&q)[2]) {
        const uint8x16_t three = vdupq_n_u8(3);
        for (int i = 0; i < 2; ++i) {
            const uint8x16_t v = vld1q_u8(b + 16 + 32 * (J / 4) + 16 * i);
            q[i] = vreinterpretq_s8_u8(vandq_u8(shr<2 * (J % 4)>(v), three));
        }
    }
};

// Q3_K: hmask[32] (bit e/32 of byte e%32: code + 4), qs[64] at 32 (as Q2_K), 12 bytes of 6-bit scales
// (stored + 32) at 96, f16 d. Code c - 4 becomes d * S * c - d * (4 S).
template <>
struct Direct<kQ3_K> {
    static constexpr uint32_t bytes = 110;
    static constexpr bool per32 = false;
    static void scales(const uint8_t* b, int16x8_t (&S)[2], int16x8_t (&M)[2], float& d, float& dmin) {
        // Scale i: low 4 bits from byte i % 8 (high nibble for i >= 8), high 2 bits from byte 8 + i % 4 at
        // bit 2 * (i / 4).
        const uint8x8_t l = vld1_u8(b + 96);
        const uint8x16_t lo = vcombine_u8(vand_u8(l, vdup_n_u8(0x0F)), vshr_n_u8(l, 4));
        uint32_t hi4;
        std::memcpy(&hi4, b + 104, 4);
        const int8x16_t shifts = {0, 0, 0, 0, -2, -2, -2, -2, -4, -4, -4, -4, -6, -6, -6, -6};
        const uint8x16_t hi =
            vandq_u8(vshlq_u8(vreinterpretq_u8_u32(vdupq_n_u32(hi4)), shifts), vdupq_n_u8(3));
        const int8x16_t s8 = vsubq_s8(vreinterpretq_s8_u8(vorrq_u8(lo, vshlq_n_u8(hi, 4))), vdupq_n_s8(32));
        S[0] = vmovl_s8(vget_low_s8(s8));
        S[1] = vmovl_high_s8(s8);
        M[0] = vshlq_n_s16(S[0], 2);
        M[1] = vshlq_n_s16(S[1], 2);
        d = dmin = halfAt(b + 108);
    }
    template <int J>
    static void codes(const uint8_t* b, int8x16_t (&q)[2]) {
        const uint8x16_t three = vdupq_n_u8(3), bit = vdupq_n_u8(uint8_t(1 << J));
        for (int i = 0; i < 2; ++i) {
            const uint8x16_t v = vld1q_u8(b + 32 + 32 * (J / 4) + 16 * i);
            const uint8x16_t lo = vandq_u8(shr<2 * (J % 4)>(v), three);
            const uint8x16_t hi = vandq_u8(vtstq_u8(vld1q_u8(b + 16 * i), bit), vdupq_n_u8(4));
            q[i] = vreinterpretq_s8_u8(vorrq_u8(lo, hi));
        }
    }
};

// Q4_K / Q5_K: f16 d, f16 dmin, 12 bytes of 6-bit scales and mins per 32 (decoded as ggml's: bytes 0-3
// scales 0-3 + top bits of 4-7, bytes 4-7 mins 0-3 + top bits, bytes 8-11 low nibbles of scales (low) and
// mins (high) 4-7), (Q5_K: qh[32], bit e/32 of byte e%32 the fifth bit), qs[128]: element e in byte
// 32 (e/64) + e%32, low nibble when (e/32) is even.
template <bool Five>
struct DirectQ45K {
    static constexpr uint32_t bytes = Five ? 176 : 144;
    static constexpr bool per32 = true;
    static void scales(const uint8_t* b, int16x8_t (&S)[2], int16x8_t (&M)[2], float& d, float& dmin) {
        uint32_t w[3];
        std::memcpy(w, b + 4, 12);
        const uint32_t s03 = w[0] & 0x3f3f3f3f, m03 = w[1] & 0x3f3f3f3f;
        const uint32_t s47 = (w[2] & 0x0f0f0f0f) | (((w[0] >> 6) & 0x03030303) << 4);
        const uint32_t m47 = ((w[2] >> 4) & 0x0f0f0f0f) | (((w[1] >> 6) & 0x03030303) << 4);
        perSixteen(vcreate_u8(s03 | uint64_t(s47) << 32), S);
        perSixteen(vcreate_u8(m03 | uint64_t(m47) << 32), M);
        d = halfAt(b);
        dmin = halfAt(b + 2);
    }
    template <int J>
    static void codes(const uint8_t* b, int8x16_t (&q)[2]) {
        const uint8_t* qs = b + (Five ? 48 : 16) + 32 * (J / 2);
        for (int i = 0; i < 2; ++i) {
            const uint8x16_t v = vld1q_u8(qs + 16 * i);
            uint8x16_t c = J % 2 ? vshrq_n_u8(v, 4) : vandq_u8(v, vdupq_n_u8(0x0F));
            if constexpr (Five) {
                const uint8x16_t h = vld1q_u8(b + 16 + 16 * i);
                c = vorrq_u8(c, vandq_u8(vtstq_u8(h, vdupq_n_u8(uint8_t(1 << J))), vdupq_n_u8(0x10)));
            }
            q[i] = vreinterpretq_s8_u8(c);
        }
    }
};
template <>
struct Direct<kQ4_K> : DirectQ45K<false> {};
template <>
struct Direct<kQ5_K> : DirectQ45K<true> {};

// Q6_K: ql[128], qh[64], int8 scales[16], f16 d. Run J = 4n + k: low 4 bits from ql[64n + 32 (k % 2) ..]
// (high nibble for k >= 2), 2 high bits at bit 2k of qh[32n ..]. Code c - 32 is d * S * c - d * (32 S).
template <>
struct Direct<kQ6_K> {
    static constexpr uint32_t bytes = 210;
    static constexpr bool per32 = false;
    static void scales(const uint8_t* b, int16x8_t (&S)[2], int16x8_t (&M)[2], float& d, float& dmin) {
        const int8x16_t s = vld1q_s8(reinterpret_cast<const int8_t*>(b + 192));
        S[0] = vmovl_s8(vget_low_s8(s));
        S[1] = vmovl_high_s8(s);
        M[0] = vshlq_n_s16(S[0], 5);
        M[1] = vshlq_n_s16(S[1], 5);
        d = dmin = halfAt(b + 208);
    }
    template <int J>
    static void codes(const uint8_t* b, int8x16_t (&q)[2]) {
        constexpr int n = J / 4, k = J % 4;
        for (int i = 0; i < 2; ++i) {
            const uint8x16_t l = vld1q_u8(b + 64 * n + 32 * (k % 2) + 16 * i);
            const uint8x16_t h = vld1q_u8(b + 128 + 32 * n + 16 * i);
            const uint8x16_t lo = k >= 2 ? vshrq_n_u8(l, 4) : vandq_u8(l, vdupq_n_u8(0x0F));
            // Bits 2k, 2k+1 of h to bits 4, 5.
            uint8x16_t hs;
            if constexpr (k == 0) {
                hs = vshlq_n_u8(h, 4);
            } else if constexpr (k == 1) {
                hs = vshlq_n_u8(h, 2);
            } else if constexpr (k == 2) {
                hs = h;
            } else {
                hs = vshrq_n_u8(h, 2);
            }
            q[i] = vreinterpretq_s8_u8(vorrq_u8(lo, vandq_u8(hs, vdupq_n_u8(0x30))));
        }
    }
};

// IQ4_XS: f16 d, scales_h (u16: 2 high bits per 32), scales_l[4] (4 low bits per 32), qs[128]: run J is
// sub-block J, the low nibbles of its 16 bytes then their high nibbles, through the IQ4_NL table.
template <>
struct Direct<kIQ4_XS> {
    static constexpr uint32_t bytes = 136;
    static constexpr bool per32 = true;
    static void scales(const uint8_t* b, int16x8_t (&S)[2], int16x8_t (&M)[2], float& d, float& dmin) {
        uint16_t sh;
        uint32_t sl;
        std::memcpy(&sh, b + 2, 2);
        std::memcpy(&sl, b + 4, 4);
        const uint8x8_t l = vcreate_u8(sl);
        // Sub-block ib: nibble ib % 2 of byte ib / 2, high bits at 2 ib of sh.
        const uint8x8_t lo = vzip1_u8(vand_u8(l, vdup_n_u8(0x0F)), vshr_n_u8(l, 4));
        const uint8x8_t h = vcreate_u8(0x0101010100000000ull * (sh >> 8) + 0x01010101ull * (sh & 0xFF));
        const int8x8_t shifts = {0, -2, -4, -6, 0, -2, -4, -6};
        const uint8x8_t hi = vand_u8(vshl_u8(h, shifts), vdup_n_u8(3));
        perSixteen(vsub_s8(vreinterpret_s8_u8(vorr_u8(lo, vshl_n_u8(hi, 4))), vdup_n_s8(32)), S);
        M[0] = M[1] = vdupq_n_s16(0);
        d = halfAt(b);
        dmin = 0.0f;
    }
    template <int J>
    static void codes(const uint8_t* b, int8x16_t (&q)[2]) {
        static constexpr int8_t kTable[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                              1,    13,   25,  38,  53,  69,  89,  113};
        const int8x16_t table = vld1q_s8(kTable);
        const uint8x16_t v = vld1q_u8(b + 8 + 16 * J);
        q[0] = vqtbl1q_s8(table, vandq_u8(v, vdupq_n_u8(0x0F)));
        q[1] = vqtbl1q_s8(table, vshrq_n_u8(v, 4));
    }
};

// S as 4 int32x4: s32[i] lane l = S[4i + l].
inline void widen(const int16x8_t (&S)[2], int32x4_t (&s32)[4]) {
    s32[0] = vmovl_s16(vget_low_s16(S[0]));
    s32[1] = vmovl_high_s16(S[0]);
    s32[2] = vmovl_s16(vget_low_s16(S[1]));
    s32[3] = vmovl_high_s16(S[1]);
}

// Run J's 32 codes q against activation codes a (32 bytes), times their scales, into acc.
template <bool Per32, int J>
[[gnu::always_inline]] inline int32x4_t runDot(int32x4_t acc, const int8x16_t (&q)[2], const int8_t* a,
                                               const int32x4_t (&s32)[4]) {
    const int8x16_t a0 = vld1q_s8(a + 32 * J), a1 = vld1q_s8(a + 32 * J + 16);
    if constexpr (Per32) {  // S[2J] == S[2J + 1]
        const int32x4_t t = vdotq_s32(vdotq_s32(vdupq_n_s32(0), q[0], a0), q[1], a1);
        return vmlaq_laneq_s32(acc, t, s32[J / 2], (2 * J) % 4);
    } else {
        acc = vmlaq_laneq_s32(acc, vdotq_s32(vdupq_n_s32(0), q[0], a0), s32[J / 2], (2 * J) % 4);
        return vmlaq_laneq_s32(acc, vdotq_s32(vdupq_n_s32(0), q[1], a1), s32[J / 2], (2 * J + 1) % 4);
    }
}

// sum_j M[j] * bsums[j] in 4 int32 lanes.
inline int32x4_t minDot(const int16x8_t (&M)[2], const int16_t* bsums) {
    const int16x8_t b0 = vld1q_s16(bsums), b1 = vld1q_s16(bsums + 8);
    int32x4_t m = vmull_s16(vget_low_s16(M[0]), vget_low_s16(b0));
    m = vmlal_high_s16(m, M[0], b0);
    m = vmlal_s16(m, vget_low_s16(M[1]), vget_low_s16(b1));
    return vmlal_high_s16(m, M[1], b1);
}

// One block's integer sum and min sum scaled into acc: acc += dx (d dot - dmin mins).
template <int K>
inline float32x4_t scaleBlock(float32x4_t acc, int32x4_t dot, int32x4_t mins, float d, float dmin, float dx) {
    if constexpr (K == kQ3_K || K == kQ6_K) {  // dmin == d: subtract in int32
        return vfmaq_n_f32(acc, vcvtq_f32_s32(vsubq_s32(dot, mins)), d * dx);
    } else if constexpr (K == kIQ4_XS) {
        return vfmaq_n_f32(acc, vcvtq_f32_s32(dot), d * dx);
    } else {
        acc = vfmaq_n_f32(acc, vcvtq_f32_s32(dot), d * dx);
        return vfmsq_n_f32(acc, vcvtq_f32_s32(mins), dmin * dx);
    }
}

// Run J of a block straight from the GGUF bytes (a function, not a lambda: clang does not expand a pack
// inside a lambda whose body uses the NEON macros).
template <int K, int J>
[[gnu::always_inline]] inline int32x4_t directStep(int32x4_t acc, const uint8_t* blk, const int8_t* a,
                                                   const int32x4_t (&s32)[4]) {
    int8x16_t q[2];
    Direct<K>::template codes<J>(blk, q);
    return runDot<Direct<K>::per32, J>(acc, q, a, s32);
}

template <int K, int... J>
[[gnu::always_inline]] inline int32x4_t directDot(const uint8_t* blk, const int8_t* a,
                                                  const int32x4_t (&s32)[4],
                                                  std::integer_sequence<int, J...>) {
    int32x4_t acc = vdupq_n_s32(0);
    ((acc = directStep<K, J>(acc, blk, a, s32)), ...);
    return acc;
}

void store(const MatArgs& a, uint32_t r, uint32_t t, uint32_t nr, uint32_t nt, const float32x4_t* acc,
           int stride) {
    for (uint32_t j = 0; j < nt; ++j) {
        for (uint32_t i = 0; i < nr; ++i) {
            const float v = vaddvq_f32(acc[i * uint32_t(stride) + j]);
            float& y = a.y[(t + j) * a.yStride + r + i];
            y = a.accumulate ? y + v : v;
        }
    }
}

const uint8_t* rowPtr(const MatArgs& a, uint32_t r, uint32_t nr, uint32_t i, uint64_t rowBytes) {
    // A tile past the last row repeats the last row (computed, never stored).
    return reinterpret_cast<const uint8_t*>(a.w) + uint64_t(r + std::min(i, nr - 1)) * rowBytes;
}

constexpr int kDecodeRows = 4;
constexpr uint32_t kPrefetchBlocks = 8;

template <int K>
void decode(const MatArgs& a, uint32_t nb, uint64_t rowBytes) {
    using D = Direct<K>;
    const auto* xrow = reinterpret_cast<const BlockQ8K*>(a.x + a.t0 * a.xStride);
    for (uint32_t r = a.r0; r < a.r1; r += kDecodeRows) {
        const uint32_t nr = std::min<uint32_t>(kDecodeRows, a.r1 - r);
        const uint8_t* w[kDecodeRows];
        for (int i = 0; i < kDecodeRows; ++i) {
            w[i] = rowPtr(a, r, nr, uint32_t(i), rowBytes);
        }
        float32x4_t acc[kDecodeRows];
        for (auto& v : acc) {
            v = vdupq_n_f32(0.0f);
        }
        for (uint32_t b = 0; b < nb; ++b) {
            const BlockQ8K& x = xrow[b];
            for (int i = 0; i < kDecodeRows; ++i) {
                const uint8_t* blk = w[i] + uint64_t(b) * D::bytes;
                // As an integer: near the end of the row the address may lie past the matrix.
                const uintptr_t ahead = reinterpret_cast<uintptr_t>(blk) + kPrefetchBlocks * D::bytes;
                for (uint32_t o = 0; o < D::bytes; o += 64) {
                    __builtin_prefetch(reinterpret_cast<const void*>(ahead + o), 0, 0);
                }
                int16x8_t S[2], M[2];
                float d, dmin;
                D::scales(blk, S, M, d, dmin);
                int32x4_t s32[4];
                widen(S, s32);
                const int32x4_t dot = directDot<K>(blk, x.qs, s32, std::make_integer_sequence<int, 8>{});
                const int32x4_t mins = K == kIQ4_XS ? vdupq_n_s32(0) : minDot(M, x.bsums);
                acc[i] = scaleBlock<K>(acc[i], dot, mins, d, dmin, x.d);
            }
        }
        store(a, r, a.t0, nr, 1, acc, 1);
    }
}

// ---- prefill: the Unpacked form ------------------------------------------------------------------------

template <int K, int J>
[[gnu::always_inline]] inline void storeRun(const uint8_t* b, Unpacked& u) {
    int8x16_t q[2];
    Direct<K>::template codes<J>(b, q);
    vst1q_s8(reinterpret_cast<int8_t*>(u.q) + 32 * J, q[0]);
    vst1q_s8(reinterpret_cast<int8_t*>(u.q) + 32 * J + 16, q[1]);
}

template <int K, int... J>
[[gnu::always_inline]] inline void storeCodes(const uint8_t* b, Unpacked& u,
                                              std::integer_sequence<int, J...>) {
    (storeRun<K, J>(b, u), ...);
}

template <int K>
void unpack(const uint8_t* b, Unpacked& u) {
    int16x8_t S[2], M[2];
    Direct<K>::scales(b, S, M, u.d, u.dmin);
    storeCodes<K>(b, u, std::make_integer_sequence<int, 8>{});
    int16_t s16[16];  // s[8j .. 8j+7] = S[j]
    vst1q_s16(s16, S[0]);
    vst1q_s16(s16 + 8, S[1]);
    for (int j = 0; j < 16; ++j) {
        vst1q_s16(u.s + 8 * j, vdupq_n_s16(s16[j]));
    }
    vst1q_s16(u.m, M[0]);
    vst1q_s16(u.m + 8, M[1]);
}

// S[4i .. 4i+3] of an Unpacked block from s[] (S[j] = s[8j]): every 4th int16 of s[32i ..] (ld4), then
// every other one.
inline void scalesOf(const Unpacked& u, int32x4_t (&s32)[4]) {
    for (int i = 0; i < 4; ++i) {
        const int16x8_t v = vld4q_s16(u.s + 32 * i).val[0];  // S[4i], S[4i], S[4i+1], S[4i+1], ...
        s32[i] = vmovl_s16(vget_low_s16(vuzp1q_s16(v, v)));
    }
}

template <bool Per32, int J>
[[gnu::always_inline]] inline int32x4_t unpackedStep(int32x4_t acc, const Unpacked& u, const int8_t* a,
                                                     const int32x4_t (&s32)[4]) {
    const int8x16_t q[2] = {vld1q_s8(reinterpret_cast<const int8_t*>(u.q) + 32 * J),
                            vld1q_s8(reinterpret_cast<const int8_t*>(u.q) + 32 * J + 16)};
    return runDot<Per32, J>(acc, q, a, s32);
}

template <bool Per32, int... J>
[[gnu::always_inline]] inline int32x4_t unpackedDot(const Unpacked& u, const int8_t* a,
                                                    const int32x4_t (&s32)[4],
                                                    std::integer_sequence<int, J...>) {
    int32x4_t acc = vdupq_n_s32(0);
    ((acc = unpackedStep<Per32, J>(acc, u, a, s32)), ...);
    return acc;
}

constexpr int kRows = 4;    // rows per prefill tile
constexpr int kTokens = 2;  // tokens per prefill tile
constexpr uint32_t kTokenChunk = 64;

template <int T, int K>
void tokenTile(const MatArgs& a, const Unpacked* rows, uint32_t nb, uint32_t r, uint32_t nr, uint32_t t) {
    float32x4_t acc[kRows][T];
    for (auto& row : acc) {
        for (auto& v : row) {
            v = vdupq_n_f32(0.0f);
        }
    }
    for (uint32_t b = 0; b < nb; ++b) {
        const BlockQ8K* x[T];
        for (int j = 0; j < T; ++j) {
            x[j] = reinterpret_cast<const BlockQ8K*>(a.x + (t + uint32_t(j)) * a.xStride) + b;
        }
        for (int i = 0; i < kRows; ++i) {
            const Unpacked& u = rows[size_t(i) * nb + b];
            int32x4_t s32[4];
            scalesOf(u, s32);
            const int16x8_t M[2] = {vld1q_s16(u.m), vld1q_s16(u.m + 8)};
            for (int j = 0; j < T; ++j) {
                const int32x4_t dot =
                    unpackedDot<Direct<K>::per32>(u, x[j]->qs, s32, std::make_integer_sequence<int, 8>{});
                const int32x4_t mins = K == kIQ4_XS ? vdupq_n_s32(0) : minDot(M, x[j]->bsums);
                acc[i][j] = scaleBlock<K>(acc[i][j], dot, mins, u.d, u.dmin, x[j]->d);
            }
        }
    }
    store(a, r, t, nr, uint32_t(T), &acc[0][0], T);
}

template <int K>
void prefill(const MatArgs& a, uint32_t nb, uint64_t rowBytes) {
    Scratch<Unpacked> rows(size_t(kRows) * nb);
    for (uint32_t r = a.r0; r < a.r1; r += kRows) {
        const uint32_t nr = std::min<uint32_t>(kRows, a.r1 - r);
        for (uint32_t i = 0; i < uint32_t(kRows); ++i) {
            const uint8_t* w = rowPtr(a, r, nr, i, rowBytes);
            for (uint32_t b = 0; b < nb; ++b) {
                unpack<K>(w + uint64_t(b) * kBlockBytes[K], rows[size_t(i) * nb + b]);
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

template <int K>
void multiply(const MatArgs& a) {
    const uint32_t nb = a.cols / 256;
    const uint64_t rowBytes = uint64_t(nb) * kBlockBytes[K];
    if (a.t1 - a.t0 == 1) {
        decode<K>(a, nb, rowBytes);
        return;
    }
    // Tokens in chunks, so that one chunk's activations stay in L2 while every row tile passes over them.
    for (uint32_t t0 = a.t0; t0 < a.t1; t0 += kTokenChunk) {
        MatArgs c = a;
        c.t0 = t0;
        c.t1 = std::min(a.t1, t0 + kTokenChunk);
        prefill<K>(c, nb, rowBytes);
    }
}

// Q8_K as the scalar definition writes it, byte for byte (fcvtns: round half to even, as nearbyint).
void quantizeQ8K(const float* x, uint32_t cols, BlockQ8K* out) {
    for (uint32_t b = 0; b < cols / 256; ++b, x += 256) {
        float32x4_t mx = vdupq_n_f32(0.0f);
        for (int j = 0; j < 64; ++j) {
            mx = vmaxq_f32(mx, vabsq_f32(vld1q_f32(x + 4 * j)));
        }
        const float amax = vmaxvq_f32(mx);
        BlockQ8K& o = out[b];
        o.d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        const int32x4_t hi = vdupq_n_s32(127), lo = vdupq_n_s32(-127);
        for (int j = 0; j < 16; ++j) {  // 16 codes, one bsum
            int32x4_t q[4];
            for (int k = 0; k < 4; ++k) {
                const int32x4_t v = vcvtnq_s32_f32(vmulq_n_f32(vld1q_f32(x + 16 * j + 4 * k), id));
                q[k] = vmaxq_s32(vminq_s32(v, hi), lo);
            }
            o.bsums[j] = int16_t(vaddvq_s32(vaddq_s32(vaddq_s32(q[0], q[1]), vaddq_s32(q[2], q[3]))));
            const int16x8_t a = vcombine_s16(vmovn_s32(q[0]), vmovn_s32(q[1]));
            const int16x8_t c = vcombine_s16(vmovn_s32(q[2]), vmovn_s32(q[3]));
            vst1q_s8(o.qs + 16 * j, vcombine_s8(vmovn_s16(a), vmovn_s16(c)));
        }
    }
}

}  // namespace

// The NEON unpackers, for the tests (they must write what kScalarUnpack writes).
extern const UnpackFn kNeonUnpack[kKinds];
const UnpackFn kNeonUnpack[kKinds] = {unpack<kQ2_K>, unpack<kQ3_K>, unpack<kQ4_K>,
                                      unpack<kQ5_K>, unpack<kQ6_K>, unpack<kIQ4_XS>};

const IsaTable& neonTable() {
    static const IsaTable t = {{multiply<kQ2_K>, multiply<kQ3_K>, multiply<kQ4_K>, multiply<kQ5_K>,
                                multiply<kQ6_K>, multiply<kIQ4_XS>},
                               quantizeQ8K};
    return t;
}

}  // namespace lantern::cpu::kq
