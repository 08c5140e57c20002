#pragma once
// The model behind the measuring sub-commands (bench, fidelity): the GGUF file, the backend the engine would
// choose for --device (the CPU backend, or a Vulkan context on the chosen device) and the forward pass loaded
// within the memory plan, without tokenizer or chat template.
#include <memory>
#include <optional>

#include "app/cli/options.h"
#include "inference/backend/backend.h"
#include "inference/gguf/file.h"
#include "inference/models/densemodel.h"
#include "inference/vulkan/gpu.h"

namespace lantern::cli {

struct LoadedModel {
    std::optional<gguf::File> file;
    std::unique_ptr<gpu::Context> ctx;          // null on the CPU backend
    std::unique_ptr<backend::Backend> backend;
    std::unique_ptr<models::DenseModel> model;
};

// Prints the reason to stderr and returns nullopt when any step fails.
std::optional<LoadedModel> loadModel(const Options& o, uint32_t context);

}  // namespace lantern::cli
