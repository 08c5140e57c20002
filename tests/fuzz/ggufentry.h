#pragma once
// The GGUF reader's fuzzing entry point, shared by the libFuzzer target (ggufFuzzer.cpp, clang) and the
// replay test (ggufreplaytest.cpp, any compiler): parse the bytes and, when they parse, read every key,
// array element and tensor the way the engine would. Returns whether the bytes parsed.
#include <cstddef>
#include <cstdint>

namespace lantern::fuzz {

bool runGguf(const uint8_t* data, size_t size);

}  // namespace lantern::fuzz
