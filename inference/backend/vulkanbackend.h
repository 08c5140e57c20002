#pragma once
// The Vulkan backend: every Graph op records the matching ops:: dispatch into one gpu::Recorder.
#include "inference/backend/backend.h"

namespace lantern::backend {

class VulkanBackend final : public Backend {
public:
    explicit VulkanBackend(gpu::Context& ctx) : m_ctx(ctx) {}
    const gpu::DeviceInfo& info() const override { return m_ctx.info(); }
    bool isCpu() const override { return false; }
    Result<gpu::Buffer> createBuffer(uint64_t bytes, gpu::Memory memory) override {
        return m_ctx.createBuffer(bytes, memory);
    }
    Result<std::unique_ptr<Graph>> record(bool profile) override;
    Result<void> prepareCommon() override { return ops::prepareCommon(m_ctx); }
    Result<void> prepareMatrix(const ops::Weight& w) override;
    Result<void> prepareMatvecGlu(const ops::Weight& gate, const ops::Weight&) override {
        return ops::prepareMatvecGlu(m_ctx, gate);
    }
    Result<void> prepareGetRows(const ops::Weight& table) override { return ops::prepareGetRows(m_ctx, table); }
    Result<void> prepareMoe(const ops::ExpertWeights& w) override { return ops::prepareMoe(m_ctx, w); }
    bool gluFusable(const ops::Weight& gate, const ops::Weight& up) const override {
        return ops::gluAdjacent(m_ctx, gate, up);
    }
    gpu::Context* vulkanContext() override { return &m_ctx; }

private:
    gpu::Context& m_ctx;
};

}  // namespace lantern::backend
