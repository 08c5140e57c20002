#include "app/cli/loadmodel.h"

#include <cstdio>

#include "inference/backend/cpubackend.h"
#include "inference/backend/vulkanbackend.h"
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
    const Engine::BackendChoice choice = Engine::chooseBackend(o.device);
    models::MemoryPlan plan;
    if (choice.cpu) {
        m.backend = std::make_unique<backend::CpuBackend>(backend::CpuOptions{.threads = o.threads});
    } else {
        auto ctx = gpu::Context::create({.device = choice.vulkanDevice});
        if (!ctx) {
            std::fprintf(stderr, "lantern-cli: %s\n", ctx.error().detail.c_str());
            return std::nullopt;
        }
        m.ctx = std::move(*ctx);
        m.backend = std::make_unique<backend::VulkanBackend>(*m.ctx);
        const uint64_t budget =
            o.vramBudgetMiB ? o.vramBudgetMiB << 20 : Engine::defaultVramBudget(m.ctx->info().budgetBytes);
        plan = models::planMemory(*m.file, *config, context, budget, o.experts != "gpu");
        plan.cpuThreads = o.threads;
        if (!plan.fits) {
            std::fprintf(stderr, "lantern-cli: %s\n", models::memoryError(plan, o.model).detail.c_str());
            return std::nullopt;
        }
    }
    auto model = models::DenseModel::load(*m.backend, *m.file, *config, {}, nullptr, choice.cpu ? nullptr : &plan);
    if (!model) {
        std::fprintf(stderr, "lantern-cli: %s\n", model.error().detail.c_str());
        return std::nullopt;
    }
    m.model = std::move(*model);
    return m;
}

}  // namespace lantern::cli
