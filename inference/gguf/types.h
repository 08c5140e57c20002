#pragma once
// Tensor element types of GGUF files (the ggml_type numbering) and their block layouts.
#include <cstdint>
#include <optional>
#include <string_view>

namespace lantern::gguf {

enum class GgmlType : uint32_t {
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
    Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
    IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21, IQ2_S = 22, IQ4_XS = 23,
    I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30,
};

struct TypeTraits {
    std::string_view name;   // as llama.cpp prints it: "q4_K", "f16"
    uint32_t blockElems = 0; // elements per block (1 for plain types)
    uint32_t blockBytes = 0; // bytes per block
    bool supported = false;  // Lantern can dequantize and run it
};

// Traits of a known type; std::nullopt for a number that is no ggml type.
std::optional<TypeTraits> typeTraits(uint32_t type);
inline std::optional<TypeTraits> typeTraits(GgmlType t) { return typeTraits(static_cast<uint32_t>(t)); }

}  // namespace lantern::gguf
