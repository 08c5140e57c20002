#pragma once
// CPU reference for GGUF weight types: dequantization and quantization of every type the engine runs
// (F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL, IQ4_XS), block by
// block from the GGUF block layouts, for clarity and not speed. The shaders are tested against
// dequantize(); quantize() makes valid blocks for synthetic models (tests/support/ggufwriter.h).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "inference/gguf/types.h"

namespace lantern::reference {

// The types below, in the order above.
std::span<const gguf::GgmlType> weightTypes();

// n elements (a whole number of blocks) of `type` stored in `data` to floats.
std::vector<float> dequantize(gguf::GgmlType type, std::span<const std::byte> data, uint64_t n);

// x (a whole number of blocks) as `type`. The quantizers are simple rather than optimal: per block (or
// sub-block) they pick the scale that maps the largest magnitude onto the code range and round to the
// nearest code, so dequantize(quantize(x)) is close to x with the type's usual error.
std::vector<std::byte> quantize(gguf::GgmlType type, std::span<const float> x);

// Bytes of n elements of `type` (n a whole number of blocks).
uint64_t byteSize(gguf::GgmlType type, uint64_t n);

}  // namespace lantern::reference
