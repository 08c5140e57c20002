#pragma once
// Internal to the K-quant kernel family (matmul_kquants*.cpp): Q2_K, Q3_K, Q4_K, Q5_K, Q6_K and IQ4_XS
// weights (256-element super-blocks) times Q8_K activations.
//
// Layout: the weights are read in place, in the GGUF layout (packedBytes() == 0, rowBlock 1). Every type
// is first turned into one common form per super-block of one row, `Unpacked`, and one integer dot
// product per ISA works on that form. This is ik_llama.cpp's split: per type only "unpack to int8 codes +
// integer scales", per ISA one tuned product. A super-block of any of these types becomes
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

#include "inference/cpu/matmul.h"

namespace lantern::cpu::kq {

// The family's types, as indices into the tables below.
enum Kind : int { kQ2_K, kQ3_K, kQ4_K, kQ5_K, kQ6_K, kIQ4_XS, kKinds };

// GGUF bytes of one super-block (ggml's block_q2_K ... block_iq4_xs).
inline constexpr uint32_t kBlockBytes[kKinds] = {84, 110, 144, 176, 210, 136};
// Codes are signed table values (IQ4_XS) rather than unsigned codes with the offset in M.
constexpr bool signedCodes(int kind) { return kind == kIQ4_XS; }

// One super-block of one row in the common form above. s[] holds S once per pair of elements (s[i] =
// S[i / 8], the scale of elements 2i and 2i+1): that is one int16 per lane of a maddubs result, so a
// 32- or 64-byte load of s lines up with the maddubs of the same 32 or 64 codes on every ISA.
struct alignas(64) Unpacked {
    uint8_t q[256];   // codes in element order (int8 for signedCodes types)
    int16_t s[128];   // S per element pair
    int16_t m[16];    // M per 16 elements
    float d, dmin;
    float pad[6];    // to a whole number of cache lines, so arrays of blocks stay aligned
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

}  // namespace lantern::cpu::kq
