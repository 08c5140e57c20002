#include "inference/cpu/matmul.h"

namespace lantern::cpu {

uint64_t ggufRowBytes(gguf::GgmlType type, uint32_t cols) {
    const auto t = gguf::typeTraits(type);
    if (!t || t->blockElems == 0) {
        return 0;
    }
    return uint64_t(cols) / t->blockElems * t->blockBytes;
}

uint64_t actRowBytes(ActFormat f, uint32_t cols) {
    switch (f) {
    case ActFormat::F32: return uint64_t(cols) * sizeof(float);
    case ActFormat::Q8: return uint64_t(cols) / 32 * sizeof(BlockQ8);
    case ActFormat::Q8K: return uint64_t(cols) / 256 * sizeof(BlockQ8K);
    }
    return 0;
}

void quantizeRow(ActFormat f, const float* x, uint32_t cols, std::byte* out) {
    switch (f) {
    case ActFormat::F32:
        for (uint32_t i = 0; i < cols; ++i) {
            reinterpret_cast<float*>(out)[i] = x[i];
        }
        return;
    case ActFormat::Q8: quantizeRowQ8(activeIsa(), x, cols, reinterpret_cast<BlockQ8*>(out)); return;
    case ActFormat::Q8K: quantizeRowQ8K(activeIsa(), x, cols, reinterpret_cast<BlockQ8K*>(out)); return;
    }
}

const MatrixKernel* matrixKernel(gguf::GgmlType type, Isa isa, bool exact) {
    if (exact) {
        return exactKernel(type, isa);
    }
    if (const MatrixKernel* k = block32Kernel(type, isa)) {
        return k;
    }
    if (const MatrixKernel* k = kquantKernel(type, isa)) {
        return k;
    }
    return exactKernel(type, isa);
}

}  // namespace lantern::cpu
