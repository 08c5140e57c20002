#pragma once
// Shared by the Vulkan runtime tests: a context on whatever device exists (lavapipe in CI), or an honest
// skip of the whole executable when the machine has no Vulkan device at all.
#include <QtTest>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "inference/vulkan/gpu.h"
#include "tests/support/gpucontext.h"
#include "tests/support/testenv.h"

namespace lantern::test {

template <class T>
std::span<const std::byte> bytesOf(const std::vector<T>& v) {
    return std::as_bytes(std::span(v));
}
template <class T>
std::span<std::byte> writableBytesOf(std::vector<T>& v) {
    return std::as_writable_bytes(std::span(v));
}

// Push constants of shaders/add.comp (add_f32).
struct AddPush {
    uint32_t n;
};
static_assert(sizeof(AddPush) == 4);

// Push constants of shaders/test_pattern.comp.
struct PatternPush {
    uint32_t n;
    uint32_t base;
};
static_assert(sizeof(PatternPush) == 8);

// What test_pattern writes at word x, computed independently on the host.
inline uint32_t patternWord(uint32_t x) { return (x * 2654435761u) ^ 0x9e3779b9u; }

}  // namespace lantern::test
