#pragma once
// A device-memory cache of the most used experts of a mixture of experts whose expert tensors the memory plan
// left in host memory. Per offloaded layer: `slots` experts' matrices of every offloaded tensor (gate, up,
// down) in device memory, and a table expert -> slot the expert shaders read (ops::ExpertMatvecArgs::Cache):
// a cached expert is read from device memory, the others over the bus from host memory.
//
// The routing happens on the GPU and the CPU never waits for it mid-token. After each step the model hands
// the step's routing (read back with the step's results) to observe(); the cache counts hits and the bytes
// read from host memory, keeps a decaying use count per expert, and swaps in experts used more than the least
// used cached one. The copies run at the start of the next step, before its expert matvecs.
#include <cstdint>
#include <span>
#include <vector>

#include "base/error.h"
#include "inference/ops/ops.h"
#include "inference/vulkan/gpu.h"

namespace lantern::models {

class ExpertCache {
public:
    struct Stats {
        uint64_t tokens = 0;     // tokens run through the model
        uint64_t lookups = 0;    // (token, layer, expert) routings of offloaded layers
        uint64_t hits = 0;       // ... whose expert was in the device cache
        uint64_t hostBytes = 0;  // expert weights read over the bus from host memory
        uint64_t fillBytes = 0;  // expert weights copied into the cache
        double hitRate() const { return lookups ? double(hits) / double(lookups) : 0.0; }
    };
    static constexpr uint32_t kNone = 0xFFFFFFFFu;

    ExpertCache() = default;
    // layer: a layer whose expert tensors (some of gate/up/down) are in host memory; slots: experts the cache
    // holds per layer (0: statistics only).
    void addLayer(uint32_t layer, std::vector<const ops::ExpertWeights*> hostTensors);
    Result<void> allocate(gpu::Context& ctx, uint32_t nExpert, uint32_t slots);

    bool active() const { return !m_layers.empty(); }
    uint32_t slotCount() const { return m_slots; }
    uint64_t deviceBytes() const { return m_deviceBytes; }
    // The cache arguments for tensor w of layer il (empty when w is resident or there are no slots).
    ops::ExpertMatvecArgs::Cache view(uint32_t il, const ops::ExpertWeights& w) const;
    // Copies the experts chosen after the last step into their slots; record before the step's expert matvecs.
    void recordFills(gpu::Recorder& rec);
    // The experts a step's tokens were routed to in layer il: [nTokens][used] ids. Ignored for resident layers.
    void observe(uint32_t il, std::span<const uint32_t> ids);
    // Ends a step of nTokens tokens: decays the use counts and picks the experts to swap in.
    Result<void> endStep(uint32_t nTokens);
    const Stats& stats() const { return m_stats; }
    void resetStats() { m_stats = {}; }
    // Which expert is in each slot of layer il (kNone: empty), for tests.
    std::vector<uint32_t> residents(uint32_t il) const;

private:
    struct Tensor {
        const ops::ExpertWeights* host = nullptr;
        gpu::Buffer stack;         // slots x one expert's matrix
        uint64_t expertBytes = 0;
    };
    struct Layer {
        uint32_t layer = 0;
        std::vector<Tensor> tensors;
        gpu::Buffer table;               // [nExpert] slot or kNone (host-visible; written between steps)
        std::vector<uint32_t> slotOf;    // CPU copy of table
        std::vector<uint32_t> expertIn;  // [slots] expert or kNone
        std::vector<double> uses;        // decaying use count per expert
        std::vector<uint32_t> pendingSlots;  // slots to fill at the next recordFills
        uint64_t bytesPerExpert = 0;     // one expert of every offloaded tensor
    };
    Layer* find(uint32_t il);
    const Layer* find(uint32_t il) const;

    std::vector<Layer> m_layers;
    uint32_t m_slots = 0;
    uint64_t m_deviceBytes = 0;
    Stats m_stats;
};

}  // namespace lantern::models
