#include "inference/backend/vulkanbackend.h"

namespace lantern::backend {

namespace {

class VulkanGraph final : public Graph {
public:
    VulkanGraph(gpu::Context& ctx, gpu::Recorder rec) : m_ctx(ctx), m_rec(std::move(rec)) {}

    Result<void> matvec(const ops::Weight& w, gpu::BufferRange x, gpu::BufferRange y, bool accumulate,
                        std::string_view label) override {
        return ops::matvec(m_ctx, m_rec, w, x, y, accumulate, label);
    }
    Result<void> matvecGlu(const ops::Weight& gate, const ops::Weight& up, gpu::BufferRange x, gpu::BufferRange y,
                           uint32_t act, std::string_view label) override {
        return ops::matvecGlu(m_ctx, m_rec, gate, up, x, y, act, label);
    }
    Result<void> matmul(const ops::Weight& w, gpu::BufferRange x, gpu::BufferRange y, uint32_t nTokens,
                        bool accumulate, std::string_view label) override {
        return ops::matmul(m_ctx, m_rec, w, x, y, nTokens, accumulate, label);
    }
    Result<void> getRows(const ops::Weight& table, const ops::GetRowsArgs& args, std::string_view label) override {
        return ops::getRows(m_ctx, m_rec, table, args, label);
    }
    Result<void> rmsnorm(const ops::RmsNormArgs& args, std::string_view label) override {
        return ops::rmsnorm(m_ctx, m_rec, args, label);
    }
    Result<void> add(gpu::BufferRange a, gpu::BufferRange b, gpu::BufferRange out, uint32_t n, uint32_t nb,
                     std::string_view label) override {
        return ops::add(m_ctx, m_rec, a, b, out, n, nb, label);
    }
    Result<void> geglu(gpu::BufferRange gate, gpu::BufferRange up, gpu::BufferRange out, uint32_t n,
                       std::string_view label) override {
        return ops::geglu(m_ctx, m_rec, gate, up, out, n, label);
    }
    Result<void> swiglu(gpu::BufferRange gate, gpu::BufferRange up, gpu::BufferRange out, uint32_t n,
                        std::string_view label) override {
        return ops::swiglu(m_ctx, m_rec, gate, up, out, n, label);
    }
    Result<void> copyRows(gpu::BufferRange src, gpu::BufferRange dst, uint32_t rows, uint32_t cols,
                          uint32_t srcStride, uint32_t dstStride, std::string_view label) override {
        return ops::copyRows(m_ctx, m_rec, src, dst, rows, cols, srcStride, dstStride, label);
    }
    Result<void> rope(const ops::RopeArgs& args, std::string_view label) override {
        return ops::rope(m_ctx, m_rec, args, label);
    }
    Result<void> kvStore(const ops::KvStoreArgs& args, std::string_view label) override {
        return ops::kvStore(m_ctx, m_rec, args, label);
    }
    Result<void> attention(const ops::AttentionArgs& args, std::string_view label) override {
        return ops::attention(m_ctx, m_rec, args, label);
    }
    Result<void> topK(const ops::TopKArgs& args, std::string_view label) override {
        return ops::topK(m_ctx, m_rec, args, label);
    }
    Result<void> moeRoute(const ops::MoeRouteArgs& args, std::string_view label) override {
        return ops::moeRoute(m_ctx, m_rec, args, label);
    }
    Result<void> matvecExperts(const ops::ExpertMatvecArgs& args, std::string_view label) override {
        return ops::matvecExperts(m_ctx, m_rec, args, label);
    }
    Result<void> moeSort(gpu::BufferRange ids, gpu::BufferRange sorted, uint32_t nTokens, uint32_t used,
                         uint32_t nExpert, std::string_view label) override {
        return ops::moeSort(m_ctx, m_rec, ids, sorted, nTokens, used, nExpert, label);
    }
    Result<void> matmulExperts(const ops::ExpertMatmulArgs& args, std::string_view label) override {
        return ops::matmulExperts(m_ctx, m_rec, args, label);
    }
    Result<void> moeCombine(gpu::BufferRange y, gpu::BufferRange weights, gpu::BufferRange out, uint32_t nTokens,
                            uint32_t width, uint32_t used, bool accumulate, std::string_view label) override {
        return ops::moeCombine(m_ctx, m_rec, y, weights, out, nTokens, width, used, accumulate, label);
    }
    void copy(gpu::BufferRange src, gpu::BufferRange dst) override { m_rec.copy(src, dst); }
    Result<void> submitAndWait() override { return m_rec.submitAndWait(); }
    Result<void> resubmitAndWait() override { return m_rec.resubmitAndWait(); }
    size_t dispatchCount() const override { return m_rec.dispatchCount(); }
    std::vector<gpu::Recorder::Timing> timings() const override { return m_rec.timings(); }
    gpu::Recorder* vulkanRecorder() override { return &m_rec; }

private:
    gpu::Context& m_ctx;
    gpu::Recorder m_rec;
};

}  // namespace

Result<std::unique_ptr<Graph>> VulkanBackend::record(bool profile) {
    auto rec = m_ctx.record(profile);
    if (!rec) {
        return std::unexpected(rec.error());
    }
    return std::make_unique<VulkanGraph>(m_ctx, std::move(*rec));
}

Result<void> VulkanBackend::prepareMatrix(const ops::Weight& w) {
    if (auto r = ops::prepareMatvec(m_ctx, w); !r) {
        return r;
    }
    return ops::prepareMatmul(m_ctx, w);
}

}  // namespace lantern::backend
