#pragma once
// A real GGUF model (from LANTERN_TEST_MODELS) loaded on the best Vulkan device, for the model tests.
// Without any Vulkan device the whole test is skipped (exit 77, saying why); a missing model file or a load
// error is a test failure with the engine's message.
#include <memory>
#include <optional>
#include <string>

#include <QtGlobal>

#include "inference/gguf/file.h"
#include "inference/models/config.h"
#include "inference/models/densemodel.h"
#include "inference/vulkan/gpu.h"
#include "tests/support/gpucontext.h"
#include "tests/support/testenv.h"

namespace lantern::test {

struct RealModel {
    std::unique_ptr<gpu::Context> ctx;
    std::optional<gguf::File> file;
    std::unique_ptr<models::DenseModel> model;
};

inline RealModel loadRealModel(const char* fileName) {
    RealModel m;
    m.ctx = requireGpu();
    auto file = gguf::File::open(requireModel(fileName));
    if (!file) {
        qFatal("%s", file.error().detail.c_str());
    }
    m.file = std::move(*file);
    auto config = models::readConfig(*m.file);
    if (!config) {
        qFatal("%s", config.error().detail.c_str());
    }
    auto model = models::DenseModel::load(*m.ctx, *m.file, *config, {}, nullptr);
    if (!model) {
        qFatal("%s", model.error().detail.c_str());
    }
    m.model = std::move(*model);
    return m;
}

}  // namespace lantern::test
