#pragma once
// Internal to the K-quant kernel family (matmul_kquants*.cpp): Q2_K, Q3_K, Q4_K, Q5_K, Q6_K and IQ4_XS
// weights (256-element super-blocks) times Q8_K activations.
//
// Layout: the weights are read in place, in the GGUF layout (packedBytes() == 0, rowBlock 1: any row range
// works; the kernels tile 2 or 4 rows internally and repeat the last row for a partial tile). Why not 8-row
// interleaving as ggml's q4_K_8x8: decode reads 4 GGUF rows as 4 prefetched streams and already reaches
// the bandwidth of one core, and prefill unpacks each row once per 64 tokens, so interleaving would buy
// little for a second copy of the weights. For prefill every type is first turned into one common form
// per super-block of one row, `Unpacked`, and one integer product per ISA works on that form: ik_llama.cpp's
// split, per type only "unpack to int8 codes + integer scales", per ISA one tuned product. Decode (one
// token) has per type a direct kernel that computes the same integer sums from codes and scales in
// registers, since there the unpacking is the whole cost. A super-block of any of these types becomes
//
//     w[e] = d * S[e/16] * q[e] - dmin * M[e/16]          (e = 0..255)
//
// with q an 8-bit code (unsigned 0..63 for the K-quants; the signed IQ4_XS table value for IQ4_XS), S and
// M small integers per 16 elements. Types whose codes are offset (Q3_K: q - 4, Q6_K: q - 32) fold the
// offset into M = offset * S with dmin = d, so the product stays u8 x s8. With Q8_K activations
// (x[e] = dx * a[e], bsums[j] = sum of a over elements 16j..16j+15) one block of one row is
//
//     dx * (d * sum_j S[j] * sum_{e in j} q[e] a[e]  -  dmin * sum_j M[j] * bsums[j])
//
// and both sums are exact in int32 (|S q a| sums: at most 16 * 63 * 127 * 127 per Q6_K sub-block, 2.6e8
// for a whole block); only the two products with d and dmin and the sum over blocks are f32.
//
// Why maddubs is safe: u8 x s8 pairs summed to int16 saturate only above 32767. K-quant codes are at most
// 63 and |a| <= 127 (the Q8_K quantizer never writes -128), so a pair is at most 2 * 63 * 127 = 16002.
// IQ4_XS values reach -127..113, so its kernels use |q| x (a with q's sign): at most 2 * 127 * 127 = 32258.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "inference/cpu/matmul.h"

namespace lantern::cpu::kq {

// The family's types, as indices into the tables below.
enum Kind : int { kQ2_K, kQ3_K, kQ4_K, kQ5_K, kQ6_K, kIQ4_XS, kKinds };

// GGUF bytes of one super-block (ggml's block_q2_K ... block_iq4_xs).
inline constexpr uint32_t kBlockBytes[kKinds] = {84, 110, 144, 176, 210, 136};
// Codes are signed table values (IQ4_XS) rather than unsigned codes with the offset in M.
constexpr bool signedCodes(int kind) {
    return kind == kIQ4_XS;
}

// One super-block of one row in the common form above. s[] holds S once per pair of elements (s[i] =
// S[i / 8], the scale of elements 2i and 2i+1): that is one int16 per lane of a maddubs result, so a
// 32- or 64-byte load of s lines up with the maddubs of the same 32 or 64 codes on every ISA.
struct alignas(64) Unpacked {
    uint8_t q[256];  // codes in element order (int8 for signedCodes types)
    int16_t s[128];  // S per element pair
    int16_t m[16];   // M per 16 elements
    float d, dmin;
    float pad[6];  // to a whole number of cache lines, so arrays of blocks stay aligned
};
static_assert(sizeof(Unpacked) == 576);

using UnpackFn = void (*)(const uint8_t* block, Unpacked& u);
using MulFn = void (*)(const MatArgs&);
using QuantFn = void (*)(const float* x, uint32_t cols, BlockQ8K* out);

// The portable unpackers (matmul_kquants_scalar.cpp), one per kind: the definition the SIMD unpackers are
// tested against, and what an ISA uses for a type it has no unpacker of its own for.
extern const UnpackFn kScalarUnpack[kKinds];

// One ISA's implementations; a null entry falls back to a lower ISA.
struct IsaTable {
    MulFn multiply[kKinds];
    QuantFn quantizeQ8K;
};

const IsaTable& scalarTable();
#if defined(__x86_64__) || defined(_M_X64)
const IsaTable& avx2Table();
const IsaTable& avx512Table();
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
const IsaTable& neonTable();  // matmul_kquants_neon.cpp
#endif

}  // namespace lantern::cpu::kq

#if defined(__AVX2__)
// ---- x86 unpackers (AVX2 instructions; included by the AVX2 and AVX-512 files, each compiling its own
// copy: internal linkage, so code built with different flags never merges) -----------------------------
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

namespace lantern::cpu::kq {
namespace {

inline float halfAt(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

// s[] and m[] of Unpacked from S and M per 16 elements (16 int16 each): s[16c .. 16c+15] is S[2c] eight
// times, then S[2c+1] eight times; the dword c of S holds exactly that pair.
inline void storeScales(Unpacked& u, __m256i S, __m256i M) {
    const __m256i pick = _mm256_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,  //
                                          2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3);
    for (int c = 0; c < 8; ++c) {
        const __m256i pair = _mm256_permutevar8x32_epi32(S, _mm256_set1_epi32(c));
        _mm256_store_si256(reinterpret_cast<__m256i*>(u.s + 16 * c), _mm256_shuffle_epi8(pair, pick));
    }
    _mm256_store_si256(reinterpret_cast<__m256i*>(u.m), M);
}

// 8 bytes, one per 32 elements, to 16 int16 (each twice).
inline __m256i perSixteen(uint64_t eight) {
    const __m128i v = _mm_cvtsi64_si128(int64_t(eight));
    return _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(v, v));
}

inline void storeCodes32(Unpacked& u, int at, __m256i v) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(u.q + at), v);
}

// Q4_K / Q5_K (layout in matmul_kquants_scalar.cpp). The 12 scale bytes decode as ggml's: bytes 0-3 hold
// scales 0-3 (+ the top 2 bits of scales 4-7), bytes 4-7 mins 0-3 (+ top bits of mins 4-7), bytes 8-11
// the low nibbles of scales (low) and mins (high) 4-7.
template <bool Five>
inline void unpackQ45KX86(const uint8_t* b, Unpacked& u) {
    uint32_t w[3];
    std::memcpy(w, b + 4, 12);
    const uint32_t s03 = w[0] & 0x3f3f3f3f, m03 = w[1] & 0x3f3f3f3f;
    const uint32_t s47 = (w[2] & 0x0f0f0f0f) | (((w[0] >> 6) & 0x03030303) << 4);
    const uint32_t m47 = ((w[2] >> 4) & 0x0f0f0f0f) | (((w[1] >> 6) & 0x03030303) << 4);
    storeScales(u, perSixteen(s03 | uint64_t(s47) << 32), perSixteen(m03 | uint64_t(m47) << 32));
    const uint8_t* qs = b + (Five ? 48 : 16);
    const __m256i low = _mm256_set1_epi8(0x0F);
    __m256i hbits = _mm256_setzero_si256();
    if constexpr (Five) {
        hbits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 16));
    }
    for (int j = 0; j < 4; ++j) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qs + 32 * j));
        __m256i lo = _mm256_and_si256(v, low);
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
        if constexpr (Five) {
            // Bit 2j (2j+1) of qh[l] is the fifth bit of element 64j + l (64j + 32 + l).
            const __m256i b0 = _mm256_set1_epi8(char(1 << (2 * j))),
                          b1 = _mm256_set1_epi8(char(2 << (2 * j)));
            const __m256i sixteen = _mm256_set1_epi8(0x10);
            lo = _mm256_or_si256(
                lo, _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(hbits, b0), b0), sixteen));
            hi = _mm256_or_si256(
                hi, _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(hbits, b1), b1), sixteen));
        }
        storeCodes32(u, 64 * j, lo);
        storeCodes32(u, 64 * j + 32, hi);
    }
    u.d = halfAt(b);
    u.dmin = halfAt(b + 2);
}

// Q6_K: per half n, ql[64n .. 64n+63] (A = first 32, B = last 32) and qh[32n .. 32n+31] (H) give the four
// runs of 32 codes (A & 15 | (H & 3) << 4), (B & 15 | (H >> 2 & 3) << 4), (A >> 4 | ...), (B >> 4 | ...).
inline void unpackQ6KX86(const uint8_t* b, Unpacked& u) {
    const __m256i low = _mm256_set1_epi8(0x0F), top = _mm256_set1_epi8(0x30);
    for (int n = 0; n < 2; ++n) {
        const __m256i A = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 64 * n));
        const __m256i B = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 64 * n + 32));
        const __m256i H = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 128 + 32 * n));
        const __m256i A4 = _mm256_and_si256(_mm256_srli_epi16(A, 4), low),
                      B4 = _mm256_and_si256(_mm256_srli_epi16(B, 4), low);
        storeCodes32(
            u, 128 * n,
            _mm256_or_si256(_mm256_and_si256(A, low), _mm256_and_si256(_mm256_slli_epi16(H, 4), top)));
        storeCodes32(
            u, 128 * n + 32,
            _mm256_or_si256(_mm256_and_si256(B, low), _mm256_and_si256(_mm256_slli_epi16(H, 2), top)));
        storeCodes32(u, 128 * n + 64, _mm256_or_si256(A4, _mm256_and_si256(H, top)));
        storeCodes32(u, 128 * n + 96, _mm256_or_si256(B4, _mm256_and_si256(_mm256_srli_epi16(H, 2), top)));
    }
    const __m256i S = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 192)));
    storeScales(u, S, _mm256_slli_epi16(S, 5));
    u.d = halfAt(b + 208);
    u.dmin = u.d;
}

// Q2_K: codes of element 128n + 32k + l are bits 2k..2k+1 of qs[32n + l]; scales byte j: S low, M high.
inline void unpackQ2KX86(const uint8_t* b, Unpacked& u) {
    const __m256i three = _mm256_set1_epi8(3);
    for (int n = 0; n < 2; ++n) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 16 + 32 * n));
        for (int k = 0; k < 4; ++k) {
            storeCodes32(u, 128 * n + 32 * k, _mm256_and_si256(_mm256_srli_epi16(v, 2 * k), three));
        }
    }
    const __m128i sc = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
    const __m128i lowNib = _mm_set1_epi8(0x0F);
    storeScales(u, _mm256_cvtepu8_epi16(_mm_and_si128(sc, lowNib)),
                _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(sc, 4), lowNib)));
    u.d = halfAt(b + 80);
    u.dmin = halfAt(b + 82);
}

// Q3_K's 16 signed 6-bit scales (12 bytes at 96) as int16.
inline __m256i q3kScales(const uint8_t* b) {
    // Scale i: low 4 bits from byte i % 8 (high nibble for i >= 8), high 2 bits from byte 8 + i % 4 at
    // bit 2 * (i / 4); stored + 32.
    uint64_t lo8;
    uint32_t hi4;
    std::memcpy(&lo8, b + 96, 8);
    std::memcpy(&hi4, b + 104, 4);
    const __m128i l = _mm_cvtsi64_si128(int64_t(lo8));
    const __m128i lowNib = _mm_set1_epi8(0x0F);
    const __m128i lo16 =
        _mm_unpacklo_epi64(_mm_and_si128(l, lowNib), _mm_and_si128(_mm_srli_epi16(l, 4), lowNib));
    const __m128i h = _mm_set1_epi32(int(hi4));
    // Byte i of hbits: (hi4 >> (8 * (i % 4) + 2 * (i / 4))) & 3, via a per-byte variable shift done on
    // dwords.
    const __m128i h0 = _mm_and_si128(h, _mm_set1_epi8(3));
    const __m128i h1 = _mm_and_si128(_mm_srli_epi32(h, 2), _mm_set1_epi8(3));
    const __m128i h2 = _mm_and_si128(_mm_srli_epi32(h, 4), _mm_set1_epi8(3));
    const __m128i h3 = _mm_and_si128(_mm_srli_epi32(h, 6), _mm_set1_epi8(3));
    const __m128i hb = _mm_unpacklo_epi64(_mm_unpacklo_epi32(h0, h1), _mm_unpacklo_epi32(h2, h3));
    const __m128i s8 = _mm_sub_epi8(_mm_or_si128(lo16, _mm_slli_epi16(hb, 4)), _mm_set1_epi8(32));
    return _mm256_cvtepi8_epi16(s8);
}

// Q3_K: as Q2_K for the low 2 bits (qs at 32), bit (32n + 8k... ) e/32 of hmask[e % 32] adds 4.
inline void unpackQ3KX86(const uint8_t* b, Unpacked& u) {
    const __m256i three = _mm256_set1_epi8(3), four = _mm256_set1_epi8(4);
    const __m256i H = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b));
    for (int n = 0; n < 2; ++n) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 32 + 32 * n));
        for (int k = 0; k < 4; ++k) {
            const __m256i bit = _mm256_set1_epi8(char(1 << (4 * n + k)));
            const __m256i hi = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(H, bit), bit), four);
            storeCodes32(u, 128 * n + 32 * k,
                         _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(v, 2 * k), three), hi));
        }
    }
    const __m256i S = q3kScales(b);
    storeScales(u, S, _mm256_slli_epi16(S, 2));
    u.d = halfAt(b + 108);
    u.dmin = u.d;
}

// IQ4_XS: nibbles through the IQ4_NL table with one byte shuffle.
inline void unpackIQ4XSX86(const uint8_t* b, Unpacked& u) {
    const __m256i table = _mm256_broadcastsi128_si256(
        _mm_setr_epi8(-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113));
    const __m256i low = _mm256_set1_epi8(0x0F);
    for (int p = 0; p < 4; ++p) {  // sub-blocks 2p and 2p+1: 32 bytes of nibbles
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 8 + 32 * p));
        const __m256i lo = _mm256_shuffle_epi8(table, _mm256_and_si256(v, low));
        const __m256i hi = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(v, 4), low));
        // Element 32ib + j: low nibble of byte 16ib + j (j < 16), high nibble otherwise.
        storeCodes32(u, 64 * p, _mm256_permute2x128_si256(lo, hi, 0x20));
        storeCodes32(u, 64 * p + 32, _mm256_permute2x128_si256(lo, hi, 0x31));
    }
    uint16_t sh;
    uint32_t sl;
    std::memcpy(&sh, b + 2, 2);
    std::memcpy(&sl, b + 4, 4);
    alignas(16) int16_t S[16];
    for (int ib = 0; ib < 8; ++ib) {
        S[2 * ib] = S[2 * ib + 1] = int16_t((((sl >> (4 * ib)) & 0xF) | (((sh >> (2 * ib)) & 3) << 4)) - 32);
    }
    storeScales(u, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(S)), _mm256_setzero_si256());
    u.d = halfAt(b);
    u.dmin = 0.0f;
}

constexpr UnpackFn kX86Unpack[kKinds] = {unpackQ2KX86,        unpackQ3KX86, unpackQ45KX86<false>,
                                         unpackQ45KX86<true>, unpackQ6KX86, unpackIQ4XSX86};

}  // namespace
}  // namespace lantern::cpu::kq
#endif
