#include "inference/engine.h"

// Placeholder until the model runtime lands in inference/models/ (in progress this session); every call
// reports honestly that loading is not available yet.
namespace lantern {

Result<ModelInfo> Engine::inspect(const std::filesystem::path& path) {
    return fail(Errc::ModelUnsupported, "Lantern cannot read " + path.string() + " yet: the model runtime is not built.");
}

Result<std::unique_ptr<Model>> Engine::load(const std::filesystem::path& path, const LoadOptions&) {
    return fail(Errc::ModelUnsupported, "Lantern cannot load " + path.string() + " yet: the model runtime is not built.");
}

}  // namespace lantern
