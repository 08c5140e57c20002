#pragma once
// Shared by the Vulkan runtime tests: a context on whatever device exists (lavapipe in CI), or an honest
// skip of the whole executable when the machine has no Vulkan device at all.
#include <QtTest>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "inference/vulkan/gpu.h"
#include "tests/support/testenv.h"

namespace lantern::test {

inline std::unique_ptr<gpu::Context> requireGpu(const gpu::ContextOptions& options = {}) {
    auto devices = gpu::Context::enumerate();
    if (!devices || devices->empty()) {
        const std::string why = "no Vulkan device: " + (devices ? std::string("none listed") : devices.error().detail);
        skipAll(why.c_str());
    }
    auto ctx = gpu::Context::create(options);
    if (!ctx) {
        qFatal("Vulkan context: %s", ctx.error().detail.c_str());
    }
    return std::move(*ctx);
}

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
