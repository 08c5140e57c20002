// The exact mode's matrix kernels (matmul.h, exactKernel): f32 activations, each weight row dequantized once per
// call (dequantizeRow) and then dotted with every token's activations in f32 (FMA on AVX2). No activation
// rounding: what the Vulkan path and llama.cpp on an F32 twin compute, for the fidelity comparisons.
#include <array>
#include <vector>

#include "inference/cpu/matmul.h"
#include "inference/cpu/scratch.h"
#include "inference/cpu/ops.h"
#include "inference/cpu/attentionimpl.h"

namespace lantern::cpu {

namespace {

using gguf::GgmlType;

constexpr GgmlType kTypes[] = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q4_0,   GgmlType::Q4_1,
                               GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q2_K,   GgmlType::Q3_K,
                               GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K, GgmlType::IQ4_NL, GgmlType::IQ4_XS};

float dotF32(const float* a, const float* b, uint32_t n) {
#if defined(__x86_64__) || defined(_M_X64)
    if (activeIsa() != Isa::Scalar) {
        return attn::dotF32Avx2(a, b, n);
    }
#endif
    float s = 0;
    for (uint32_t i = 0; i < n; ++i) {
        s += a[i] * b[i];
    }
    return s;
}

template <GgmlType T>
void multiplyExact(const MatArgs& a) {
    Scratch<float> row(a.cols);
    const uint64_t rowBytes = ggufRowBytes(T, a.cols);
    for (uint32_t r = a.r0; r < a.r1; ++r) {
        dequantizeRow(T, a.w + uint64_t(r) * rowBytes, a.cols, row.data());
        for (uint32_t t = a.t0; t < a.t1; ++t) {
            const auto* x = reinterpret_cast<const float*>(a.x + t * a.xStride);
            const float v = dotF32(row.data(), x, a.cols);
            float& y = a.y[t * a.yStride + r];
            y = a.accumulate ? y + v : v;
        }
    }
}

template <size_t... I>
constexpr std::array<MatrixKernel, sizeof...(I)> makeTable(std::index_sequence<I...>) {
    return {MatrixKernel{kTypes[I], Isa::Scalar, ActFormat::F32, 1, nullptr, nullptr, &multiplyExact<kTypes[I]>}...};
}

const std::array<MatrixKernel, std::size(kTypes)> kExact = makeTable(std::make_index_sequence<std::size(kTypes)>{});

}  // namespace

const MatrixKernel* exactKernel(gguf::GgmlType type, Isa) {
    for (const MatrixKernel& k : kExact) {
        if (k.type == type) {
            return &k;
        }
    }
    return nullptr;
}

}  // namespace lantern::cpu
