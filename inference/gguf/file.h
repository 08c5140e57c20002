#pragma once
// A GGUF model file (v2 and v3), memory-mapped read-only and fully validated at open: every count, string
// length, tensor shape and data range is checked against the file before anything else uses it, so a
// corrupt or truncated file gives an Error naming what is wrong, never a crash.
// A model split by llama.cpp's gguf-split (name-00001-of-00003.gguf, ...) opens as one File: the first part holds
// the metadata, every part its own tensors (split.cpp).
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "inference/gguf/types.h"

namespace lantern::gguf {

// Metadata value types of the GGUF format.
enum class ValueType : uint32_t {
    U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, Bool = 7, String = 8, Array = 9,
    U64 = 10, I64 = 11, F64 = 12,
};

struct TensorInfo {
    std::string name;
    GgmlType type = GgmlType::F32;
    uint32_t nDims = 0;
    std::array<uint64_t, 4> ne{1, 1, 1, 1};  // ne[0] varies fastest; unused dimensions are 1
    uint64_t elements = 0;
    uint64_t rowBytes = 0;                  // bytes of one row of ne[0] elements
    uint64_t rows = 0;                      // elements / ne[0]
    uint64_t offset = 0;                    // absolute offset of the data in its part's file
    uint64_t bytes = 0;
    uint32_t part = 0;                      // the part of a split set holding the data (File::parts()); else 0
    std::span<const std::byte> data;        // in the mapping of that part
};

// One file of a model: the whole model, or one part of a split set.
struct FilePart {
    std::filesystem::path path;
    uint64_t bytes = 0;
};

// A metadata array: elements are read on demand from the mapped file.
class ArrayView {
public:
    ValueType elementType() const { return m_type; }
    size_t size() const { return m_count; }
    // Elements of the matching type; other types give "" / 0.
    std::string_view str(size_t i) const;
    float f32(size_t i) const;
    int32_t i32(size_t i) const;
    uint32_t u32(size_t i) const;

private:
    friend class File;
    ValueType m_type = ValueType::U8;
    size_t m_count = 0;
    const std::byte* m_data = nullptr;        // first element (fixed-size types)
    const std::vector<uint64_t>* m_strings = nullptr;  // offsets of string elements (String arrays)
    const std::byte* m_base = nullptr;        // file start (for string offsets)
};

class File {
public:
    // Opens a model. A part of a split set (any part: split.count > 1) opens the whole set, every part found
    // beside it by the names gguf-split gives them and validated as a file of its own; the set must be complete
    // and consistent (split.cpp).
    static Result<File> open(const std::filesystem::path& path);
    // Parses bytes owned by the caller (tests, fuzzing) as one file (a split part's own tensors only); name is
    // used in messages.
    static Result<File> fromMemory(std::span<const std::byte> bytes, std::string name);

    File(File&&) noexcept;
    File& operator=(File&&) noexcept;
    ~File();

    uint32_t version() const { return m_version; }
    const std::filesystem::path& path() const { return m_path; }  // of the first part of a split set
    uint64_t fileBytes() const;                                    // all parts together
    std::span<const std::byte> bytes() const { return m_bytes; }  // the first part's (the metadata's)
    const std::vector<FilePart>& parts() const { return m_parts; }  // one entry for a single file
    uint32_t alignment() const { return m_alignment; }

    std::string_view arch() const { return str("general.architecture").value_or(""); }
    std::vector<std::string_view> keys() const;
    std::optional<ValueType> typeOf(std::string_view key) const;
    std::optional<uint64_t> uint(std::string_view key) const;  // any non-negative integer
    std::optional<int64_t> sint(std::string_view key) const;   // any integer
    std::optional<uint32_t> u32(std::string_view key) const;   // any integer that fits
    std::optional<float> f32(std::string_view key) const;      // f32 or f64
    std::optional<bool> boolean(std::string_view key) const;
    std::optional<std::string_view> str(std::string_view key) const;
    std::optional<ArrayView> array(std::string_view key) const;
    Result<uint32_t> requireU32(std::string_view key) const;
    Result<float> requireF32(std::string_view key) const;
    Result<std::string_view> requireStr(std::string_view key) const;
    // A short printable form of a value ("u32 18", "array[262144] of string: \"<pad>\", ...").
    std::string describe(std::string_view key) const;

    const std::vector<TensorInfo>& tensors() const { return m_tensors; }
    const TensorInfo* tensor(std::string_view name) const;

private:
    struct Value {
        ValueType type = ValueType::U8;
        uint64_t offset = 0;   // of the value's payload in the file
        // Arrays: element type, count, string offsets.
        ValueType elementType = ValueType::U8;
        uint64_t count = 0;
        std::vector<uint64_t> strings;
    };
    struct Mapping;
    File() = default;
    // One file, mapped and parsed, whatever its split keys say.
    static Result<File> openPart(const std::filesystem::path& path);
    Result<void> parse();
    // Takes over a later part of this split set: its mapping, its tensors (as part parts().size()). Names are
    // checked for duplicates, across parts too, once every part is in (indexTensors).
    void adoptPart(File&& part);
    Result<void> indexTensors();
    const Value* find(std::string_view key) const;

    std::filesystem::path m_path;
    std::vector<std::unique_ptr<Mapping>> m_mappings;  // every part's, when opened from a path
    std::vector<FilePart> m_parts;
    std::span<const std::byte> m_bytes;
    uint32_t m_version = 0;
    uint32_t m_alignment = 32;
    std::vector<std::pair<std::string, Value>> m_kv;  // file order
    std::unordered_map<std::string_view, size_t> m_kvIndex;
    std::vector<TensorInfo> m_tensors;
    std::unordered_map<std::string_view, size_t> m_tensorIndex;
};

}  // namespace lantern::gguf
