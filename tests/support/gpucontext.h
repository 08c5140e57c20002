#pragma once
// A Vulkan context on whatever device exists (lavapipe in CI), or an honest skip of the whole test
// executable when the machine has no Vulkan device at all.
#include <QtGlobal>
#include <memory>
#include <string>

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

}  // namespace lantern::test
