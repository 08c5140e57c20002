#include "app/cli/loadmodel.h"

#include <cstdio>

#include "inference/engine.h"
#include "inference/models/config.h"
#include "inference/models/memoryplan.h"

namespace lantern::cli {

std::optional<LoadedModel> loadModel(const Options& o, uint32_t context) {
    LoadedModel m;
    auto file = gguf::File::open(o.model);
    if (!file) {
        std::fprintf(stderr, "lantern-cli: %s\n", file.error().detail.c_str());
        return std::nullopt;
    }
    m.file = std::move(*file);
    auto config = models::readConfig(*m.file);
    if (!config) {
        std::fprintf(stderr, "lantern-cli: %s\n", config.error().detail.c_str());
        return std::nullopt;
    }
    auto ctx = gpu::Context::create({.device = o.device});
    if (!ctx) {
        std::fprintf(stderr, "lantern-cli: %s\n", ctx.error().detail.c_str());
        return std::nullopt;
    }
    m.ctx = std::move(*ctx);
    const uint64_t budget = o.vramBudgetMiB ? o.vramBudgetMiB << 20 : Engine::defaultVramBudget(m.ctx->info().budgetBytes);
    const models::MemoryPlan plan = models::planMemory(*m.file, *config, context, budget);
    if (!plan.fits) {
        std::fprintf(stderr, "lantern-cli: %s\n", models::memoryError(plan, o.model).detail.c_str());
        return std::nullopt;
    }
    auto model = models::DenseModel::load(*m.ctx, *m.file, *config, {}, nullptr, &plan);
    if (!model) {
        std::fprintf(stderr, "lantern-cli: %s\n", model.error().detail.c_str());
        return std::nullopt;
    }
    m.model = std::move(*model);
    return m;
}

}  // namespace lantern::cli
