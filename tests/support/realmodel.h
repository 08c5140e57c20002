#pragma once
// A real GGUF model (from LANTERN_TEST_MODELS) loaded on the best Vulkan device or the CPU backend, for the model
// tests. Without any Vulkan device a Vulkan load skips the whole test (exit 77, saying why); a missing model file or a load
// error is a test failure with the engine's message.
#include <memory>
#include <optional>
#include <string>

#include <QtGlobal>

#include "inference/backend/cpubackend.h"
#include "inference/gguf/file.h"
#include "inference/models/config.h"
#include "inference/models/densemodel.h"
#include "inference/vulkan/gpu.h"
#include "tests/support/gpucontext.h"
#include "tests/support/testenv.h"

namespace lantern::test {

struct RealModel {
    std::unique_ptr<gpu::Context> ctx;
    std::unique_ptr<backend::Backend> cpu;  // when loaded on the CPU backend
    std::optional<gguf::File> file;
    std::unique_ptr<models::DenseModel> model;
};

// backendName: "vulkan" (the best Vulkan device), "cpu" (the CPU backend, 8-bit activations) or "cpu-exact".
inline RealModel loadRealModel(const char* fileName, const std::string& backendName = "vulkan") {
    RealModel m;
    if (backendName == "vulkan") {
        m.ctx = requireGpu();
    } else {
        m.cpu = std::make_unique<backend::CpuBackend>(backend::CpuOptions{.exact = backendName == "cpu-exact"});
    }
    auto file = gguf::File::open(requireModel(fileName));
    if (!file) {
        qFatal("%s", file.error().detail.c_str());
    }
    m.file = std::move(*file);
    auto config = models::readConfig(*m.file);
    if (!config) {
        qFatal("%s", config.error().detail.c_str());
    }
    auto model = m.cpu ? models::DenseModel::load(*m.cpu, *m.file, *config, {}, nullptr, nullptr)
                       : models::DenseModel::load(*m.ctx, *m.file, *config, {}, nullptr);
    if (!model) {
        qFatal("%s", model.error().detail.c_str());
    }
    m.model = std::move(*model);
    return m;
}

}  // namespace lantern::test
