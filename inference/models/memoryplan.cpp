#include "inference/models/memoryplan.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "base/strformat.h"

namespace lantern::models {
namespace {

std::string oneDecimal(double v, const char* unit) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, unit);
    return buf;
}
std::string mib(uint64_t bytes) { return oneDecimal(double(bytes) / double(1 << 20), "MiB"); }
// Binary units, as the plan's summary (mib) and the library's sizes (GiB) use: one sentence never mixes the two.
std::string gb(uint64_t bytes) {
    return bytes >= (1ull << 30) ? oneDecimal(double(bytes) / double(1ull << 30), "GiB") : mib(bytes);
}

bool isExpertTensor(const std::string& name) { return name.ends_with("_exps.weight"); }

}  // namespace

MemoryPlan planMemory(const gguf::File& file, const ModelConfig& c, uint32_t context, uint64_t budgetBytes,
                      bool cpuExperts) {
    return planMemory(file.tensors(), c, context, budgetBytes, cpuExperts);
}

MemoryPlan planMemory(std::span<const gguf::TensorInfo> tensors, const ModelConfig& c, uint32_t context,
                      uint64_t budgetBytes, bool cpuExperts) {
    MemoryPlan plan;
    plan.cpuExperts = cpuExperts;
    plan.budgetBytes = budgetBytes;
    std::vector<const gguf::TensorInfo*> experts;
    for (const gguf::TensorInfo& t : tensors) {
        plan.weightBytes += t.bytes;
        if (c.isMoe() && isExpertTensor(t.name)) {
            experts.push_back(&t);
        }
    }
    plan.kvBytes = context * c.kvBytesPerToken();
    // Activations of a 64-token batch, the logits and the attention scratch: a generous estimate.
    const uint64_t width = std::max<uint64_t>({c.nEmbd, uint64_t(c.nHead) * c.headDim, c.nFf,
                                               uint64_t(c.nExpertUsed) * c.nFfExp,
                                               uint64_t(c.nExpertShared) * c.nFfExp});
    plan.scratchBytes = 64 * width * 4 * 8 + uint64_t(c.nVocab) * 4 * 2 + (16u << 20);
    if (plan.deviceBytes() <= budgetBytes) {
        return plan;
    }
    // Offload expert tensors, the biggest first, until the rest fits.
    std::sort(experts.begin(), experts.end(), [](auto* a, auto* b) {
        return a->bytes != b->bytes ? a->bytes > b->bytes : a->name < b->name;
    });
    for (const gguf::TensorInfo* t : experts) {
        if (plan.deviceBytes() <= budgetBytes) {
            break;
        }
        plan.hostTensors.insert(t->name);
        plan.offloadedBytes += t->bytes;
        plan.expertBytesPerToken += t->bytes / c.nExpert * c.nExpertUsed;
    }
    if (cpuExperts) {
        // The CPU computes a layer's experts whole (gate, up and down from system memory): a layer with any
        // expert tensor offloaded leaves all of them there.
        std::set<std::string> layers;
        for (const std::string& name : plan.hostTensors) {
            layers.insert(name.substr(0, name.find('.', 4) + 1));  // "blk.N."
        }
        for (const gguf::TensorInfo* t : experts) {
            if (!plan.hostTensors.contains(t->name) && layers.contains(t->name.substr(0, t->name.find('.', 4) + 1))) {
                plan.hostTensors.insert(t->name);
                plan.offloadedBytes += t->bytes;
                plan.expertBytesPerToken += t->bytes / c.nExpert * c.nExpertUsed;
            }
        }
        plan.cpuExperts = plan.offloadedBytes > 0;
    }
    plan.fits = plan.deviceBytes() <= budgetBytes;
    if (plan.fits && plan.offloadedBytes > 0 && !plan.cpuExperts) {
        // What is left of the budget caches the most used experts (ExpertCache); a tenth stays free.
        plan.cacheBytes = (budgetBytes - plan.deviceBytes()) / 10 * 9;
    }
    return plan;
}

std::string MemoryPlan::summary() const {
    if (cpu) {
        return lantern::format("all {} of weights in memory for the CPU, read in place from the file; {} for the "
                               "KV cache and activations",
                               mib(weightBytes), mib(kvBytes + scratchBytes));
    }
    if (offloadedBytes == 0) {
        return lantern::format("all {} of weights on the GPU, {} in all", mib(weightBytes), mib(deviceBytes()));
    }
    if (cpuExperts) {
        return lantern::format("{} of expert weights in system memory, computed on the CPU (about {} read per "
                               "token); attention, router and the rest ({}) on the GPU",
                               mib(offloadedBytes), mib(expertBytesPerToken), mib(deviceBytes()));
    }
    return lantern::format("{} of expert weights in host memory (about {} read per token), {} on the GPU, {} "
                           "cache for the most used experts",
                           mib(offloadedBytes), mib(expertBytesPerToken), mib(deviceBytes()), mib(cacheBytes));
}

Error memoryError(const MemoryPlan& plan, const std::string& fileName) {
    const std::string hint = plan.offloadedBytes > 0
                                 ? "Even with its experts in host memory it does not fit. Try a smaller quantization or a "
                                   "shorter context."
                                 : "Try a smaller quantization or a shorter context.";
    if (plan.cpu) {
        return Error{Errc::OutOfHostMemory,
                     lantern::format("{} needs {} of memory; {} are available. Try a smaller quantization or a "
                                     "shorter context.",
                                     fileName, gb(plan.weightBytes + plan.kvBytes + plan.scratchBytes),
                                     gb(plan.budgetBytes))};
    }
    return Error{Errc::OutOfDeviceMemory,
                 lantern::format("{} needs {} of GPU memory; {} are free. {}", fileName,
                                 gb(plan.weightBytes - plan.offloadedBytes + plan.kvBytes + plan.scratchBytes),
                                 gb(plan.budgetBytes), hint)};
}

}  // namespace lantern::models
