// lantern-cli info FILE [-c CONTEXT]: what a GGUF file holds and what running it needs.
#include <cstdio>
#include <map>

#include "app/cli/command.h"
#include "app/cli/options.h"
#include "base/platform.h"
#include "inference/engine.h"
#include "inference/gguf/file.h"
#include "inference/models/config.h"
#include "inference/models/memoryplan.h"
#include "inference/vulkan/gpu.h"

namespace lantern::cli {

namespace {

double gib(uint64_t b) { return double(b) / double(1ull << 30); }

int info(std::span<char*> args) {
    if (args.empty()) {
        std::fputs("usage: lantern-cli info FILE [-c CONTEXT] [--vram-budget MIB]\n", stderr);
        return 2;
    }
    const char* path = args[0];
    auto parsed = parseOptions(args.subspan(1), "usage: lantern-cli info FILE [-c CONTEXT] [--vram-budget MIB]\n");
    if (!parsed) {
        return 2;
    }
    auto file = gguf::File::open(path);
    if (!file) {
        std::fprintf(stderr, "lantern-cli: %s\n", file.error().detail.c_str());
        return 1;
    }
    std::printf("file          %s (%.2f GiB, GGUF v%u)\n", path, gib(file->fileBytes()), file->version());
    std::printf("architecture  %s\n", std::string(file->arch()).c_str());
    std::printf("name          %s\n\nmetadata (%zu keys):\n", std::string(file->str("general.name").value_or("")).c_str(),
                file->keys().size());
    for (std::string_view k : file->keys()) {
        std::printf("  %-44.*s %s\n", int(k.size()), k.data(), file->describe(k).c_str());
    }
    std::map<std::string, std::pair<uint64_t, uint64_t>> types;  // name -> (tensors, bytes)
    uint64_t params = 0, weightBytes = 0;
    for (const gguf::TensorInfo& t : file->tensors()) {
        const auto traits = gguf::typeTraits(t.type);
        auto& e = types[traits ? std::string(traits->name) : "?"];
        ++e.first;
        e.second += t.bytes;
        params += t.elements;
        weightBytes += t.bytes;
    }
    std::printf("\ntensors       %zu, %.1f M parameters, %.2f GiB\n", file->tensors().size(), double(params) / 1e6,
                gib(weightBytes));
    for (const auto& [name, e] : types) {
        std::printf("  %-8s %5llu tensors %10.1f MiB\n", name.c_str(), (unsigned long long)e.first,
                    double(e.second) / double(1 << 20));
    }
    auto config = models::readConfig(*file);
    if (!config) {
        std::printf("\nLantern cannot run this file: %s\n", config.error().detail.c_str());
        return 0;
    }
    const uint32_t context = parsed->context ? parsed->context : std::min<uint32_t>(config->trainedContext, 8192);
    const uint64_t kv = context * config->kvBytesPerToken();
    std::printf("\nmemory plan at a context of %u tokens:\n  weights   %8.1f MiB\n  KV cache  %8.1f MiB (f16)\n"
                "  total     %8.1f MiB of GPU memory\n",
                context, double(weightBytes) / double(1 << 20), double(kv) / double(1 << 20),
                double(weightBytes + kv) / double(1 << 20));
    if (config->isMoe()) {
        // Expert tensors (ffn_*_exps) are read only for the experts a token is routed to.
        uint64_t expertBytes = 0;
        for (const gguf::TensorInfo& t : file->tensors()) {
            if (t.name.ends_with("_exps.weight")) {
                expertBytes += t.bytes;
            }
        }
        const uint64_t perToken = weightBytes - expertBytes + expertBytes / config->nExpert * config->nExpertUsed;
        std::printf("\nmixture of experts: %u experts, %u per token; expert tensors %.1f MiB, weights read per "
                    "decoded token about %.1f MiB\n",
                    config->nExpert, config->nExpertUsed, double(expertBytes) / double(1 << 20),
                    double(perToken) / double(1 << 20));
        std::printf("  routing: %s%s", config->expertSigmoid ? "sigmoid" : "softmax",
                    config->expertWeightsNorm ? ", renormalised" : "");
        if (config->expertWeightsScale != 1.f) {
            std::printf(", scaled by %g", double(config->expertWeightsScale));
        }
        if (config->expertGroups > 1) {
            std::printf(", best %u of %u expert groups", config->expertGroupsUsed, config->expertGroups);
        }
        if (config->nExpertShared > 0) {
            std::printf("; %u shared expert%s", config->nExpertShared, config->nExpertShared == 1 ? "" : "s");
        }
        if (config->nLeadingDense > 0) {
            std::printf("; first %u layer%s dense", config->nLeadingDense, config->nLeadingDense == 1 ? "" : "s");
        }
        std::printf("\n");
    }
    if (config->mla) {
        std::printf("\nlatent attention: KV compressed to %u + a rope key of %u per position (%.1f KiB per token over "
                    "all layers); ",
                    config->kvLoraRank, config->ropeDim, double(config->kvBytesPerToken()) / 1024.0);
        if (config->qLoraRank > 0) {
            std::printf("low-rank queries (%u)\n", config->qLoraRank);
        } else {
            std::printf("full-rank queries\n");
        }
    }
    // The placement the engine would choose on the device it would use (or within --vram-budget): the same
    // budget as a load and the app's model library.
    uint64_t budget = parsed->vramBudgetMiB << 20;
    std::string where = "--vram-budget";
    if (budget == 0 && Engine::chooseBackend(parsed->device).cpu) {
        // No GPU (or --device cpu): the CPU backend's plan, in system memory.
        LoadOptions lo;
        lo.device = parsed->device;
        lo.threads = parsed->threads;
        lo.contextLength = context;
        const std::filesystem::path paths[] = {platform::pathFromUtf8(path)};
        auto plans = Engine::plan(paths, lo);
        if (!plans.empty() && plans[0]) {
            std::printf("\nplacement on the CPU backend (%s): %s\n", plans[0]->deviceName.c_str(), plans[0]->text.c_str());
        }
        return 0;
    }
    if (budget == 0) {
        if (auto d = gpu::Context::pick(parsed->device)) {
            budget = Engine::defaultVramBudget(d->budgetBytes);
            where = d->name + ", its free memory less a margin";
        }
    }
    if (budget > 0) {
        const models::MemoryPlan plan = models::planMemory(*file, *config, context, budget, parsed->experts != "gpu");
        std::printf("\nplacement within %.1f MiB (%s): %s\n", double(budget) / double(1 << 20), where.c_str(),
                    plan.fits ? plan.summary().c_str() : models::memoryError(plan, path).detail.c_str());
        for (const std::string& t : plan.hostTensors) {
            std::printf("  in host memory: %s\n", t.c_str());
        }
    }
    return 0;
}

const Registrar kInfo{{"info", "show what a GGUF file holds and the memory it needs", info}};

}  // namespace

}  // namespace lantern::cli
