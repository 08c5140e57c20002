#pragma once
// The CPU backend's recording (internal to inference/backend/): a list of ops, each a function every thread
// of the pool runs with its (ith, nth), a barrier after each. Host pointers are resolved when an op is
// recorded; what a re-run changes (token ids, positions, the attention step, router choices) is read through
// them when the op runs, exactly as the GPU reads its buffers. Activations are quantized once per source: a
// matrix product whose input was already quantized to the same format, and not written since, reuses it (the
// q, k and v projections share one quantization of the normed input).
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "inference/backend/cpubackend.h"

namespace lantern::backend::detail {

class CpuGraph final : public Graph {
public:
    CpuGraph(CpuBackend& be, bool profile) : m_be(be), m_profile(profile) {}

    Result<void> matvec(const ops::Weight& w, gpu::BufferRange x, gpu::BufferRange y, bool accumulate,
                        std::string_view label) override;
    Result<void> matvecGlu(const ops::Weight& gate, const ops::Weight& up, gpu::BufferRange x, gpu::BufferRange y,
                           uint32_t act, std::string_view label) override;
    Result<void> matmul(const ops::Weight& w, gpu::BufferRange x, gpu::BufferRange y, uint32_t nTokens,
                        bool accumulate, std::string_view label) override;
    Result<void> getRows(const ops::Weight& table, const ops::GetRowsArgs& args, std::string_view label) override;
    Result<void> rmsnorm(const ops::RmsNormArgs& args, std::string_view label) override;
    Result<void> add(gpu::BufferRange a, gpu::BufferRange b, gpu::BufferRange out, uint32_t n, uint32_t nb,
                     std::string_view label) override;
    Result<void> geglu(gpu::BufferRange gate, gpu::BufferRange up, gpu::BufferRange out, uint32_t n,
                       std::string_view label) override;
    Result<void> swiglu(gpu::BufferRange gate, gpu::BufferRange up, gpu::BufferRange out, uint32_t n,
                        std::string_view label) override;
    Result<void> copyRows(gpu::BufferRange src, gpu::BufferRange dst, uint32_t rows, uint32_t cols,
                          uint32_t srcStride, uint32_t dstStride, std::string_view label) override;
    Result<void> rope(const ops::RopeArgs& args, std::string_view label) override;
    Result<void> kvStore(const ops::KvStoreArgs& args, std::string_view label) override;
    Result<void> attention(const ops::AttentionArgs& args, std::string_view label) override;
    Result<void> topK(const ops::TopKArgs& args, std::string_view label) override;
    Result<void> moeRoute(const ops::MoeRouteArgs& args, std::string_view label) override;
    Result<void> matvecExperts(const ops::ExpertMatvecArgs& args, std::string_view label) override;
    Result<void> moeSort(gpu::BufferRange ids, gpu::BufferRange sorted, uint32_t nTokens, uint32_t used,
                         uint32_t nExpert, std::string_view label) override;
    Result<void> matmulExperts(const ops::ExpertMatmulArgs& args, std::string_view label) override;
    Result<void> moeCombine(gpu::BufferRange y, gpu::BufferRange weights, gpu::BufferRange out, uint32_t nTokens,
                            uint32_t width, uint32_t used, bool accumulate, std::string_view label) override;
    void copy(gpu::BufferRange src, gpu::BufferRange dst) override;
    Result<Graph*> hostStage(CpuBackend& cpu) override;

    Result<void> submitAndWait() override;
    Result<void> resubmitAndWait() override;
    size_t dispatchCount() const override { return m_ops.size(); }
    std::vector<gpu::Recorder::Timing> timings() const override;

private:
    // Every thread runs it with its index, the thread count and the op's chunk counter (for ops that take chunks).
    using Fn = std::function<void(unsigned ith, unsigned nth, std::atomic<uint64_t>& next)>;
    struct Op {
        std::string label;
        Fn run;
        std::atomic<uint64_t> next{0};  // the op's chunk counter, reset before every run
    };
    // Graph-owned memory, sized while recording and allocated before the first run; ops reach it through
    // scratch(slot) at run time, so a slot may grow while later ops are recorded.
    enum Slot : uint32_t { kActQ8, kActQ8K, kActF32, kTmp, kAttention, kGather, kExpOut, kIndex, kSlots };

    Op& push(std::string_view label, Fn fn);
    void need(Slot s, uint64_t bytes);
    std::byte* scratch(Slot s) const { return m_scratch[s].get(); }
    // Anything recorded after this that reads [p, p + bytes) sees new contents: forget quantized copies of it.
    void wrote(const void* p, uint64_t bytes);
    // Records (or reuses) the quantization of nTok rows of cols floats at x (xStride floats apart) into the
    // format of kernel k; returns where the kernel reads them (and sets *stride to the bytes between rows).
    // F32 formats read x in place.
    struct ActRef {
        Slot slot = kSlots;           // kSlots: x itself
        const float* x = nullptr;
        uint64_t stride = 0;          // bytes between token rows
    };
    ActRef activations(cpu::ActFormat f, const float* x, uint32_t cols, uint64_t xStride, uint32_t nTok,
                       std::string_view label);
    const std::byte* actPointer(const ActRef& a) const {
        return a.slot == kSlots ? reinterpret_cast<const std::byte*>(a.x) : scratch(a.slot);
    }
    // y (+)= W x for nTok tokens: the common path of matvec and matmul.
    Result<void> product(const ops::Weight& w, gpu::BufferRange x, gpu::BufferRange y, uint32_t nTok,
                         bool accumulate, std::string_view label);
    Result<void> run();
    Result<void> glu(bool gelu, gpu::BufferRange gate, gpu::BufferRange up, gpu::BufferRange out, uint32_t n,
                     std::string_view label);

    CpuBackend& m_be;
    bool m_profile = false;
    std::vector<std::unique_ptr<Op>> m_ops;
    uint64_t m_slotBytes[kSlots] = {};
    std::unique_ptr<std::byte[]> m_scratch[kSlots];
    uint64_t m_allocated[kSlots] = {};
    struct Cached {
        const float* x = nullptr;
        uint32_t cols = 0, nTok = 0;
        uint64_t xStride = 0;
        bool valid = false;
    } m_cached[3];  // per ActFormat slot (Q8, Q8K, F32)
    bool m_ran = false;
    std::vector<double> m_times;  // microseconds per op of the last profiled run
};

}  // namespace lantern::backend::detail
