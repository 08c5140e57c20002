#include "inference/backend/vulkanbackend.h"

#include <optional>

#include "inference/backend/cpubackend.h"

namespace lantern::backend {

namespace {

// The recorder the op goes to, or the error that prevented starting one.
#define LANTERN_REC()                        \
    auto rec = current();                    \
    if (!rec) {                              \
        return std::unexpected(rec.error()); \
    }

// One recording, in segments: GPU command buffers, and between them the CPU stages (hostStage) that split them.
class VulkanGraph final : public Graph {
public:
    VulkanGraph(gpu::Context& ctx, gpu::Recorder rec, bool profile) : m_ctx(ctx), m_profile(profile) {
        m_segments.push_back({std::move(rec), nullptr});
    }

    Result<void> matvec(const ops::Weight& w, gpu::BufferRange x, gpu::BufferRange y, bool accumulate,
                        std::string_view label) override {
        LANTERN_REC();
        return ops::matvec(m_ctx, **rec, w, x, y, accumulate, label);
    }
    Result<void> matvecGlu(const ops::Weight& gate, const ops::Weight& up, gpu::BufferRange x, gpu::BufferRange y,
                           uint32_t act, std::string_view label) override {
        LANTERN_REC();
        return ops::matvecGlu(m_ctx, **rec, gate, up, x, y, act, label);
    }
    Result<void> matmul(const ops::Weight& w, gpu::BufferRange x, gpu::BufferRange y, uint32_t nTokens,
                        bool accumulate, std::string_view label) override {
        LANTERN_REC();
        return ops::matmul(m_ctx, **rec, w, x, y, nTokens, accumulate, label);
    }
    Result<void> getRows(const ops::Weight& table, const ops::GetRowsArgs& args, std::string_view label) override {
        LANTERN_REC();
        return ops::getRows(m_ctx, **rec, table, args, label);
    }
    Result<void> rmsnorm(const ops::RmsNormArgs& args, std::string_view label) override {
        LANTERN_REC();
        return ops::rmsnorm(m_ctx, **rec, args, label);
    }
    Result<void> add(gpu::BufferRange a, gpu::BufferRange b, gpu::BufferRange out, uint32_t n, uint32_t nb,
                     std::string_view label) override {
        LANTERN_REC();
        return ops::add(m_ctx, **rec, a, b, out, n, nb, label);
    }
    Result<void> geglu(gpu::BufferRange gate, gpu::BufferRange up, gpu::BufferRange out, uint32_t n,
                       std::string_view label) override {
        LANTERN_REC();
        return ops::geglu(m_ctx, **rec, gate, up, out, n, label);
    }
    Result<void> swiglu(gpu::BufferRange gate, gpu::BufferRange up, gpu::BufferRange out, uint32_t n,
                        std::string_view label) override {
        LANTERN_REC();
        return ops::swiglu(m_ctx, **rec, gate, up, out, n, label);
    }
    Result<void> copyRows(gpu::BufferRange src, gpu::BufferRange dst, uint32_t rows, uint32_t cols,
                          uint32_t srcStride, uint32_t dstStride, std::string_view label) override {
        LANTERN_REC();
        return ops::copyRows(m_ctx, **rec, src, dst, rows, cols, srcStride, dstStride, label);
    }
    Result<void> rope(const ops::RopeArgs& args, std::string_view label) override {
        LANTERN_REC();
        return ops::rope(m_ctx, **rec, args, label);
    }
    Result<void> kvStore(const ops::KvStoreArgs& args, std::string_view label) override {
        LANTERN_REC();
        return ops::kvStore(m_ctx, **rec, args, label);
    }
    Result<void> attention(const ops::AttentionArgs& args, std::string_view label) override {
        LANTERN_REC();
        return ops::attention(m_ctx, **rec, args, label);
    }
    Result<void> topK(const ops::TopKArgs& args, std::string_view label) override {
        LANTERN_REC();
        return ops::topK(m_ctx, **rec, args, label);
    }
    Result<void> moeRoute(const ops::MoeRouteArgs& args, std::string_view label) override {
        LANTERN_REC();
        return ops::moeRoute(m_ctx, **rec, args, label);
    }
    Result<void> matvecExperts(const ops::ExpertMatvecArgs& args, std::string_view label) override {
        LANTERN_REC();
        return ops::matvecExperts(m_ctx, **rec, args, label);
    }
    Result<void> moeSort(gpu::BufferRange ids, gpu::BufferRange sorted, uint32_t nTokens, uint32_t used,
                         uint32_t nExpert, std::string_view label) override {
        LANTERN_REC();
        return ops::moeSort(m_ctx, **rec, ids, sorted, nTokens, used, nExpert, label);
    }
    Result<void> matmulExperts(const ops::ExpertMatmulArgs& args, std::string_view label) override {
        LANTERN_REC();
        return ops::matmulExperts(m_ctx, **rec, args, label);
    }
    Result<void> moeCombine(gpu::BufferRange y, gpu::BufferRange weights, gpu::BufferRange out, uint32_t nTokens,
                            uint32_t width, uint32_t used, bool accumulate, std::string_view label) override {
        LANTERN_REC();
        return ops::moeCombine(m_ctx, **rec, y, weights, out, nTokens, width, used, accumulate, label);
    }
    void copy(gpu::BufferRange src, gpu::BufferRange dst) override {
        auto rec = current();
        if (!rec) {
            m_error = rec.error();
            return;
        }
        (*rec)->copy(src, dst);
    }
    Result<Graph*> hostStage(CpuBackend& cpu) override {
        auto graph = cpu.record(m_profile);
        if (!graph) {
            return std::unexpected(graph.error());
        }
        m_segments.push_back({std::nullopt, std::move(*graph)});
        return m_segments.back().cpu.get();
    }
    Result<void> submitAndWait() override { return runAll(false); }
    Result<void> resubmitAndWait() override { return runAll(true); }
    size_t dispatchCount() const override {
        size_t n = 0;
        for (const Segment& s : m_segments) {
            n += s.gpu ? s.gpu->dispatchCount() : s.cpu->dispatchCount();
        }
        return n;
    }
    std::vector<gpu::Recorder::Timing> timings() const override {
        std::vector<gpu::Recorder::Timing> out;
        for (const Segment& s : m_segments) {
            auto t = s.gpu ? s.gpu->timings() : s.cpu->timings();
            out.insert(out.end(), t.begin(), t.end());
        }
        return out;
    }
    gpu::Recorder* vulkanRecorder() override { return &*m_segments.front().gpu; }

private:
    struct Segment {
        std::optional<gpu::Recorder> gpu;
        std::unique_ptr<Graph> cpu;
    };
    // The recorder ops go to: the last segment's, or a new one after a CPU stage.
    Result<gpu::Recorder*> current() {
        if (!m_segments.back().gpu) {
            auto rec = m_ctx.record(m_profile);
            if (!rec) {
                return std::unexpected(rec.error());
            }
            m_segments.push_back({std::move(*rec), nullptr});
        }
        return &*m_segments.back().gpu;
    }
    Result<void> runAll(bool again) {
        if (m_error) {
            return std::unexpected(*m_error);
        }
        for (Segment& s : m_segments) {
            Result<void> r = s.gpu ? (again ? s.gpu->resubmitAndWait() : s.gpu->submitAndWait())
                                   : (again ? s.cpu->resubmitAndWait() : s.cpu->submitAndWait());
            if (!r) {
                return r;
            }
        }
        return {};
    }

    gpu::Context& m_ctx;
    bool m_profile = false;
    std::vector<Segment> m_segments;
    std::optional<Error> m_error;
};

#undef LANTERN_REC

}  // namespace

Result<std::unique_ptr<Graph>> VulkanBackend::record(bool profile) {
    auto rec = m_ctx.record(profile);
    if (!rec) {
        return std::unexpected(rec.error());
    }
    return std::make_unique<VulkanGraph>(m_ctx, std::move(*rec), profile);
}

Result<void> VulkanBackend::prepareMatrix(const ops::Weight& w) {
    if (auto r = ops::prepareMatvec(m_ctx, w); !r) {
        return r;
    }
    return ops::prepareMatmul(m_ctx, w);
}

}  // namespace lantern::backend
