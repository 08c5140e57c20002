#pragma once
// GGUF v3 writer for tests and benchmarks: metadata of any type (including arrays), tensors in any weight
// type the engine runs (quantized with the CPU reference's quantizers, inference/reference/weights.h), and
// synthetic dense models with random weights in the shape of a chosen architecture, so tests need no
// downloads. The format facts (header, metadata value types, tensor infos, alignment) are GGUF's.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/error.h"
#include "inference/gguf/file.h"
#include "inference/gguf/types.h"

namespace lantern::test {

class GgufWriter {
public:
    using Array = std::variant<std::vector<std::string>, std::vector<float>, std::vector<int32_t>,
                               std::vector<uint32_t>>;
    using Value = std::variant<uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t, float, bool, std::string,
                               uint64_t, int64_t, double, Array>;

    // Keys keep the order they were first set in; setting a key again replaces its value.
    void set(const std::string& key, Value value);
    void erase(const std::string& key);
    // Every key and tensor of a file (a split set's, all parts), to write again, e.g. as a split set. Arrays of
    // other element types than the Array alternatives are refused.
    static Result<GgufWriter> copyOf(const gguf::File& file);
    // A tensor of shape ne (ne[0] varies fastest, as in GGUF) from floats, stored as `type`.
    void addTensor(const std::string& name, std::vector<uint64_t> ne, gguf::GgmlType type, std::span<const float> values);
    // A tensor from bytes already in `type`'s layout (no checks: tests of the reader write broken ones).
    void addRawTensor(const std::string& name, std::vector<uint64_t> ne, gguf::GgmlType type,
                      std::vector<std::byte> bytes);

    std::vector<std::byte> bytes() const;
    Result<void> write(const std::filesystem::path& path) const;

    // This model as a split set of `parts` files, the way llama.cpp's gguf-split (tools/gguf-split) writes one:
    // tensors in order, as even a count per part as whole tensors allow; all metadata in the first part; split.no
    // (u16, 0-based), split.count (u16) and split.tensors.count (i32, the whole set's) in every part. The parts
    // are writers of their own, so tests can break one before writing it.
    std::vector<GgufWriter> splitParts(uint32_t parts) const;
    // gguf-split's file name for part `no` (0-based) of `count`: "<prefix>-%05d-of-%05d.gguf" with no + 1.
    static std::filesystem::path splitPath(const std::filesystem::path& prefix, uint32_t no, uint32_t count);
    // Writes splitParts(parts) as splitPath(prefix, i, parts); the paths, the first part's first.
    Result<std::vector<std::filesystem::path>> writeSplit(const std::filesystem::path& prefix, uint32_t parts) const;

private:
    struct Tensor {
        std::string name;
        std::vector<uint64_t> ne;
        gguf::GgmlType type;
        std::vector<std::byte> data;
    };
    std::vector<std::pair<std::string, Value>> m_kv;
    std::vector<Tensor> m_tensors;
};

// A small dense model with random weights (Gaussian, fixed seed) in the shape of `arch`: llama, qwen2 (QKV
// bias, tied output), qwen3 (Q/K norms) or gemma3 (extra norms, GeGLU, tied output). Matrices are stored as
// `type`, norms and biases as F32; the vocabulary is SentencePiece-style (<unk>, <s>, </s>, 256 byte tokens,
// then random words). The same seed gives the same float weights whatever `type` is.
struct SyntheticModel {
    std::string arch = "llama";
    gguf::GgmlType type = gguf::GgmlType::F32;
    uint32_t nEmbd = 256, nFf = 512, nHead = 4, nHeadKv = 2, nLayer = 2, nVocab = 512, context = 256;
    uint64_t seed = 1;
};
GgufWriter syntheticModel(const SyntheticModel& spec);

}  // namespace lantern::test
