#pragma once
// The engine's backend interface: what a model's forward pass is written against, once, at the level of
// inference/ops/ops.h. Two implementations:
// - VulkanBackend (vulkanbackend.h): forwards every op to ops:: (one shader dispatch each), unchanged.
// - CpuBackend (cpubackend.h): records each op as a plain struct over host pointers and runs the list on a
//   thread pool with the kernels of inference/cpu/, in the same order and with the same meaning.
// A Graph is one recording (a forward step); a decode step is recorded once and re-run (resubmitAndWait)
// with what changes between runs (token, position, attention step) read from buffers written before the run,
// on either backend.
//
// Buffers and views are gpu::Buffer / gpu::BufferRange on both: a CPU backend's buffers are host buffers
// (gpu::Buffer::host, or gpu::Buffer::wrap over a mapped model file's tensor), which no Vulkan device backs.
// Argument structs are ops::'s; their meaning is documented there.
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "inference/ops/ops.h"
#include "inference/vulkan/gpu.h"

namespace lantern::backend {

class CpuBackend;

class Graph {
public:
    virtual ~Graph() = default;

    virtual Result<void> matvec(const ops::Weight& w, gpu::BufferRange x, gpu::BufferRange y, bool accumulate,
                                std::string_view label) = 0;
    virtual Result<void> matvecGlu(const ops::Weight& gate, const ops::Weight& up, gpu::BufferRange x,
                                   gpu::BufferRange y, uint32_t act, std::string_view label) = 0;
    virtual Result<void> matmul(const ops::Weight& w, gpu::BufferRange x, gpu::BufferRange y, uint32_t nTokens,
                                bool accumulate, std::string_view label) = 0;
    virtual Result<void> getRows(const ops::Weight& table, const ops::GetRowsArgs& args, std::string_view label) = 0;
    virtual Result<void> rmsnorm(const ops::RmsNormArgs& args, std::string_view label) = 0;
    virtual Result<void> add(gpu::BufferRange a, gpu::BufferRange b, gpu::BufferRange out, uint32_t n, uint32_t nb,
                             std::string_view label) = 0;
    virtual Result<void> geglu(gpu::BufferRange gate, gpu::BufferRange up, gpu::BufferRange out, uint32_t n,
                               std::string_view label) = 0;
    virtual Result<void> swiglu(gpu::BufferRange gate, gpu::BufferRange up, gpu::BufferRange out, uint32_t n,
                                std::string_view label) = 0;
    virtual Result<void> copyRows(gpu::BufferRange src, gpu::BufferRange dst, uint32_t rows, uint32_t cols,
                                  uint32_t srcStride, uint32_t dstStride, std::string_view label) = 0;
    virtual Result<void> rope(const ops::RopeArgs& args, std::string_view label) = 0;
    virtual Result<void> kvStore(const ops::KvStoreArgs& args, std::string_view label) = 0;
    virtual Result<void> attention(const ops::AttentionArgs& args, std::string_view label) = 0;
    virtual Result<void> topK(const ops::TopKArgs& args, std::string_view label) = 0;
    virtual Result<void> moeRoute(const ops::MoeRouteArgs& args, std::string_view label) = 0;
    virtual Result<void> matvecExperts(const ops::ExpertMatvecArgs& args, std::string_view label) = 0;
    virtual Result<void> moeSort(gpu::BufferRange ids, gpu::BufferRange sorted, uint32_t nTokens, uint32_t used,
                                 uint32_t nExpert, std::string_view label) = 0;
    virtual Result<void> matmulExperts(const ops::ExpertMatmulArgs& args, std::string_view label) = 0;
    virtual Result<void> moeCombine(gpu::BufferRange y, gpu::BufferRange weights, gpu::BufferRange out,
                                    uint32_t nTokens, uint32_t width, uint32_t used, bool accumulate,
                                    std::string_view label) = 0;
    // A byte copy in order with the ops.
    virtual void copy(gpu::BufferRange src, gpu::BufferRange dst) = 0;
    // Ops recorded on the returned graph run on the CPU backend `cpu`, after everything recorded here so far and
    // before anything recorded here afterwards: the GPU's work is split around them (one wait for the GPU, then
    // the CPU's ops, then the next submission). What they read and write must be host memory the GPU also sees
    // (Memory::HostVisible buffers) or the CPU backend's own. On the CPU backend itself: this graph.
    // Used for mixture-of-experts layers whose experts the CPU computes from system memory.
    virtual Result<Graph*> hostStage(CpuBackend& cpu) = 0;

    // Runs the recording and waits (the first run ends recording).
    virtual Result<void> submitAndWait() = 0;
    // Runs it again after a successful submitAndWait, with the buffers' current contents.
    virtual Result<void> resubmitAndWait() = 0;
    virtual size_t dispatchCount() const = 0;
    // Per-op times of the last run when the graph was recorded with profiling, in order.
    virtual std::vector<gpu::Recorder::Timing> timings() const = 0;
    // The Vulkan recorder behind this graph (for Vulkan-only work such as the expert cache's fills); nullptr on
    // the CPU backend.
    virtual gpu::Recorder* vulkanRecorder() { return nullptr; }
};

class Backend {
public:
    virtual ~Backend() = default;
    // The device as the models see it: name, type, alignment and binding limits, memory. The CPU backend's has
    // type "cpu", no binding limit and the machine's memory.
    virtual const gpu::DeviceInfo& info() const = 0;
    virtual bool isCpu() const = 0;
    virtual Result<gpu::Buffer> createBuffer(uint64_t bytes, gpu::Memory memory = gpu::Memory::Device) = 0;
    virtual Result<std::unique_ptr<Graph>> record(bool profile = false) = 0;

    // Called at load for every weight the model will use, so that a missing kernel is a load error and the CPU
    // backend can repack what it runs faster repacked.
    virtual Result<void> prepareCommon() = 0;
    virtual Result<void> prepareMatrix(const ops::Weight& w) = 0;  // matvec and matmul
    virtual Result<void> prepareMatvecGlu(const ops::Weight& gate, const ops::Weight& up) = 0;
    virtual Result<void> prepareGetRows(const ops::Weight& table) = 0;
    virtual Result<void> prepareMoe(const ops::ExpertWeights& w) = 0;
    // Whether matvecGlu may run this gate and up (Vulkan: up's rows follow gate's in one binding).
    virtual bool gluFusable(const ops::Weight& gate, const ops::Weight& up) const = 0;
    // The Vulkan context behind this backend; nullptr on the CPU backend.
    virtual gpu::Context* vulkanContext() { return nullptr; }
};

}  // namespace lantern::backend
