#pragma once
// Where a model's tensors live, decided before anything is uploaded: everything in device memory when it
// fits the budget; otherwise, for a mixture of experts, the expert tensors (ffn_*_exps, most of such a
// model and only a few experts of them read per token) stay in host memory the GPU reads over the bus,
// while attention, norms, the router, dense layers and the KV cache stay on the device. A dense model
// that does not fit, or an MoE whose non-expert part does not, is refused with the numbers.
#include <cstdint>
#include <set>
#include <span>
#include <string>

#include "base/error.h"
#include "inference/gguf/file.h"
#include "inference/models/config.h"

namespace lantern::models {

struct MemoryPlan {
    uint64_t budgetBytes = 0;     // device memory the plan may use
    uint64_t weightBytes = 0;     // all weights
    uint64_t kvBytes = 0;         // KV cache at the planned context
    uint64_t scratchBytes = 0;    // activations (estimate)
    uint64_t offloadedBytes = 0;  // weights kept in host memory
    uint64_t expertBytesPerToken = 0;  // host weights a decoded token reads (the routed experts' share)
    uint64_t cacheBytes = 0;      // device memory left for a cache of the most used offloaded experts
    std::set<std::string> hostTensors;  // names of the tensors kept in host memory
    bool fits = true;
    bool cpu = false;             // for the CPU backend: "device memory" is system memory, weights read in place
    // Offloaded experts computed by the CPU backend from system memory (read in place from the mapped file), the
    // rest on the GPU; else the GPU reads them over the bus. cpuThreads: the CPU backend's threads (0 = cores).
    bool cpuExperts = false;
    uint32_t cpuThreads = 0;

    uint64_t deviceBytes() const { return weightBytes - offloadedBytes + kvBytes + scratchBytes; }
    // One line for people: "all 713.8 MiB of weights on the GPU" or "441.0 MiB of expert weights in host
    // memory (about 38.0 MiB read per token), 290.1 MiB on the GPU, 12.0 MiB cache for the most used experts".
    std::string summary() const;
};

// The plan for a model of these tensors (only their names and bytes are read: a loaded file's, or the ones
// shapeplan.h lays out for a model not downloaded yet) at `context` tokens within budgetBytes of device memory.
// cpuExperts: offloaded experts will be computed by the CPU backend, which takes a layer's experts whole
// (MemoryPlan::cpuExperts is then set when any are offloaded; no device cache).
MemoryPlan planMemory(std::span<const gguf::TensorInfo> tensors, const ModelConfig& config, uint32_t context,
                      uint64_t budgetBytes, bool cpuExperts = false);
// The plan for every tensor of `file` (all parts of a split set).
MemoryPlan planMemory(const gguf::File& file, const ModelConfig& config, uint32_t context, uint64_t budgetBytes,
                      bool cpuExperts = false);

// The plan as an error a person can act on, when it does not fit.
Error memoryError(const MemoryPlan& plan, const std::string& fileName);

}  // namespace lantern::models
