#pragma once
// The CPU backend's matrix kernels: y = W x for a GGUF weight matrix W (rows x cols, any type the Vulkan
// path runs) and a batch of activation rows x, one function table per (weight type, ISA), filled once.
//
// How a product runs (inference/backend/cpubackend.cpp drives it):
//   1. At load, pack(): the weight is used in place from the mapped file (packedBytes() == 0) or repacked
//      into the kernel's own layout (e.g. 8 rows interleaved so one activation load serves 8 rows).
//   2. Per op, quantizeRow() turns each f32 activation row into the kernel's activation format once
//      (ActFormat): 8-bit blocks for the integer dot products, or f32 for the exact mode.
//   3. multiply() computes rows [r0, r1) of y for tokens [t0, t1); threads take disjoint row (and token)
//      ranges, r0 and r1 multiples of rowBlock except where r1 == rows.
//
// Numerics: with 8-bit activations (the default, as llama.cpp's CPU backend) a block of 32 (Q8_0) or 256
// (Q8_K) activations shares one f32 scale; the dot products are exact in int32 and scaled in f32. The exact
// mode keeps f32 activations (weights dequantized in registers, f32 FMA).
#include <cstddef>
#include <cstdint>

#include "inference/cpu/isa.h"
#include "inference/gguf/types.h"

namespace lantern::cpu {

// What quantizeRow() writes for one row of `cols` floats.
enum class ActFormat {
    F32,   // the floats as they are (exact mode; F32/F16/BF16 weights)
    Q8,    // cols/32 BlockQ8: for Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL
    Q8K,   // cols/256 BlockQ8K: for Q2_K .. Q6_K, IQ4_XS
};

// 32 activations as int8 with one scale: x[i] ~ d * qs[i]. s = d * sum(qs) serves the weight types with a
// minimum / offset term (Q4_1, Q5_1) without a second pass.
struct BlockQ8 {
    float d;
    float s;
    int8_t qs[32];
};
static_assert(sizeof(BlockQ8) == 40);

// 256 activations as int8 with one scale, plus the sums of each 16 of them (the K-quants' per-sub-block
// minimum terms).
struct BlockQ8K {
    float d;
    int16_t bsums[16];
    int8_t qs[256];
};
static_assert(sizeof(BlockQ8K) == 292);

// Bytes of one activation row of `cols` floats in format f (cols a multiple of the format's block).
uint64_t actRowBytes(ActFormat f, uint32_t cols);
// One row: x (cols floats) to out (actRowBytes(f, cols) bytes), with the active ISA's code.
void quantizeRow(ActFormat f, const float* x, uint32_t cols, std::byte* out);

struct MatArgs {
    const std::byte* w = nullptr;  // the whole matrix: packed by pack(), or the GGUF rows when not packed
    uint32_t rows = 0, cols = 0;
    const std::byte* x = nullptr;  // activation rows in the kernel's ActFormat, token t at x + t * xStride
    uint64_t xStride = 0;          // bytes
    float* y = nullptr;            // output, token t's row r at y[t * yStride + r]
    uint64_t yStride = 0;          // floats
    uint32_t r0 = 0, r1 = 0;       // rows to compute
    uint32_t t0 = 0, t1 = 0;       // tokens to compute
    bool accumulate = false;       // y += W x instead of y = W x
};

struct MatrixKernel {
    gguf::GgmlType type{};
    Isa isa{};
    ActFormat act{};
    uint32_t rowBlock = 1;  // rows one step of multiply() handles (8 for 8-row interleaved layouts)
    // Bytes of the packed form of a rows x cols matrix; 0 = the kernel reads the GGUF layout in place.
    uint64_t (*packedBytes)(uint32_t rows, uint32_t cols) = nullptr;
    // GGUF rows (rows * ggufRowBytes) to the packed form (packedBytes bytes). Only when packedBytes > 0.
    void (*pack)(const std::byte* src, uint32_t rows, uint32_t cols, std::byte* dst) = nullptr;
    void (*multiply)(const MatArgs& a) = nullptr;
};

// The kernel for `type` on `isa` (the best one when isa is above what exists for the type), in the 8-bit
// activation mode (exact = false) or with f32 activations (exact = true); nullptr for a type the CPU
// backend cannot run.
const MatrixKernel* matrixKernel(gguf::GgmlType type, Isa isa, bool exact = false);
inline const MatrixKernel* matrixKernel(gguf::GgmlType type, bool exact = false) {
    return matrixKernel(type, activeIsa(), exact);
}

// Bytes of one GGUF row of `cols` elements of `type`.
uint64_t ggufRowBytes(gguf::GgmlType type, uint32_t cols);

// ---- What each kernel family registers (matmul.cpp asks them in turn) --------------------------------
// Types with 32-element blocks (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL) and the float types (F32, F16, BF16):
// matmul_block32*.cpp.
const MatrixKernel* block32Kernel(gguf::GgmlType type, Isa isa);
// K-quants (Q2_K, Q3_K, Q4_K, Q5_K, Q6_K) and IQ4_XS: matmul_kquants*.cpp.
const MatrixKernel* kquantKernel(gguf::GgmlType type, Isa isa);
// The exact mode for every type: f32 activations, weights dequantized per row block (matmul_exact*.cpp).
const MatrixKernel* exactKernel(gguf::GgmlType type, Isa isa);
// Quantizers of each family's activation format for an ISA (Q8: block32 family, Q8K: kquants family).
void quantizeRowQ8(Isa isa, const float* x, uint32_t cols, BlockQ8* out);
void quantizeRowQ8K(Isa isa, const float* x, uint32_t cols, BlockQ8K* out);

}  // namespace lantern::cpu
