#pragma once
// llama.cpp's split GGUF sets (tools/gguf-split), the convention File::open follows: a model too large for
// one file (or one download) is written as prefix-00001-of-00003.gguf, prefix-00002-of-00003.gguf, ... Every
// part is a complete GGUF file with split.no (u16, 0-based), split.count (u16) and split.tensors.count (i32,
// the tensors of the whole set); the first part also holds all of the model's metadata, and each part holds
// its own tensors with offsets from its own data section.
#include <cstdint>
#include <filesystem>
#include <optional>

namespace lantern::gguf {

inline constexpr const char* kSplitNo = "split.no";
inline constexpr const char* kSplitCount = "split.count";
inline constexpr const char* kSplitTensorsCount = "split.tensors.count";

// What a part's file name says: "<prefix>-<no + 1>-of-<count>.gguf" with five-digit numbers.
struct SplitName {
    std::filesystem::path prefix;  // the path up to "-00001-of-00003.gguf"
    uint32_t no = 0;               // 0-based, as split.no
    uint32_t count = 0;
};

// The name's parts when it is named like a part of a split set; nullopt otherwise.
std::optional<SplitName> parseSplitName(const std::filesystem::path& path);

// The file of part `no` (0-based) of `count` (llama.cpp's llama_split_path: "%s-%05d-of-%05d.gguf").
std::filesystem::path splitPath(const std::filesystem::path& prefix, uint32_t no, uint32_t count);

}  // namespace lantern::gguf
