#pragma once
// Internal to the block32 kernel family (matmul_block32*.cpp): the packed weight layout every ISA of the
// family reads, and the per-ISA function tables matmul_block32.cpp dispatches to.
//
// Packed layout ("R16"), for Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 and IQ4_NL:
//   The rows are taken 16 at a time (a group; the last group padded with zero rows). A group holds its
//   cols/32 block columns one after the other; block column b of a group is
//     d[16]   f16, the 16 rows' scales
//     m[16]   f16, the 16 rows' minimums (Q4_1 and Q5_1 only)
//     codes   the 16 x 32 weight codes, in "quad order": code of row r, element k sits at position
//             u = (k/4)*64 + r*4 + k%4 (0..511). So 64 consecutive positions are one group of 4 elements
//             (a quad) for all 16 rows: one 512-bit register holds a quad of 16 rows, lane = row, and a
//             vpdpbusd with the activation's 4 bytes broadcast gives 16 row partial sums with no
//             horizontal reduction (AVX2 takes the 32-byte halves, rows 0-7 and 8-15).
//             Q8_0: 512 bytes, byte u = code ^ 0x80 (unsigned, for u8 x s8 vpdpbusd).
//             4- and 5-bit types: 256 bytes; position u is in byte (u/128)*64 + u%64, low nibble when
//             (u/64) is even, high nibble when odd, so one 64-byte load gives two quads (and, shift).
//     hbits   Q5_0 / Q5_1 only: 64 bytes, bit u/64 of byte u%64 = the fifth bit of position u: one load
//             holds the fifth bits of all 8 quads in the lanes of their codes, and quad q's are one and
//             plus one shift (AVX2, 32-byte halves) or one vptestmb (AVX-512) away.
//   Codes are the GGUF codes as stored (Q4: 0..15, Q5: 0..31, IQ4_NL: table index 0..15, Q8_0: biased int8);
//   each kernel maps them to values. Per block the sizes equal the GGUF ones (16 rows x block bytes), so
//   packing costs no memory beyond the padding of the last group.
//
// Value of a block row:  sum_k w[k] x[k] = dw * dx * sum_k v[k] q[k] + mw * sx, with q the activation codes,
// dx and sx = dx * sum q from BlockQ8, and v the weight codes as the kernel multiplies them (unsigned where
// the ISA needs it); mw is the weight minimum (Q4_1/Q5_1) or -offset * dw for the offset the kernel's codes
// carry (Q4_0: 8, Q5_0: 16, Q8_0 and IQ4_NL biased by 128 on AVX-512).
#include <cstdint>

#include "inference/cpu/matmul.h"

namespace lantern::cpu::b32 {

// The family's types, as indices into the tables below.
enum Kind : int { kQ4_0, kQ4_1, kQ5_0, kQ5_1, kQ8_0, kIQ4_NL, kF32, kF16, kBF16, kKinds };
constexpr int kQuantKinds = kF32;  // kinds before this one are packed R16 with Q8 activations

constexpr uint32_t kGroupRows = 16;

constexpr bool hasMin(int kind) { return kind == kQ4_1 || kind == kQ5_1; }
constexpr bool hasHighBits(int kind) { return kind == kQ5_0 || kind == kQ5_1; }
// Bytes of one packed block column of one group.
constexpr uint32_t headerBytes(int kind) { return hasMin(kind) ? 64 : 32; }
constexpr uint32_t codeBytes(int kind) {
    return kind == kQ8_0 ? 512 : 256 + (hasHighBits(kind) ? 64 : 0);
}
constexpr uint32_t packedBlockBytes(int kind) { return headerBytes(kind) + codeBytes(kind); }
constexpr uint64_t groupBytes(int kind, uint32_t cols) {
    return uint64_t(cols / 32) * packedBlockBytes(kind);
}

// IQ4_NL's code book (GGUF).
inline constexpr int8_t kIq4nlValues[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                            1,    13,   25,  38,  53,  69,  89,  113};

using MulFn = void (*)(const MatArgs&);
using QuantFn = void (*)(const float* x, uint32_t cols, BlockQ8* out);

// One ISA's implementations; a null entry falls back to a lower ISA.
struct IsaTable {
    MulFn multiply[kKinds];
    QuantFn quantizeQ8;
};

const IsaTable& scalarTable();
#if defined(__x86_64__) || defined(_M_X64)
const IsaTable& avx2Table();
const IsaTable& avx512Table();
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
const IsaTable& neonTable();  // matmul_block32_neon.cpp
#endif

// Shared by all ISAs (matmul_block32.cpp).
uint64_t packedBytes(int kind, uint32_t rows, uint32_t cols);
void pack(int kind, const std::byte* src, uint32_t rows, uint32_t cols, std::byte* dst);

}  // namespace lantern::cpu::b32
