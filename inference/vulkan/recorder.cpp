// Records a sequence of dispatches into one command buffer with only the barriers the data flow needs.
#include <algorithm>

#include "inference/vulkan/vkimpl.h"

namespace lantern::gpu {

namespace {

// A byte interval of one buffer touched by a recorded command.
struct Span {
    VkBuffer buffer;
    uint64_t begin;
    uint64_t end;
    bool overlaps(const Span& o) const { return buffer == o.buffer && begin < o.end && o.begin < end; }
};

constexpr uint32_t kSetsPerPool = 256;
constexpr uint32_t kMaxBindings = 8;

}  // namespace

struct Recorder::Impl {
    Context::Impl* ctx = nullptr;
    vk::raii::CommandBuffer cmd{nullptr};
    std::vector<vk::raii::DescriptorPool> pools;
    uint32_t setsInPool = kSetsPerPool;  // forces a pool on first use
    vk::raii::QueryPool queries{nullptr};
    uint32_t queryCapacity = 0;
    vk::raii::Fence fence{nullptr};
    std::vector<Span> written;  // written since the last barrier
    std::vector<Span> read;     // read since the last barrier
    std::vector<std::string> labels;
    std::vector<Timing> timings;
    size_t dispatches = 0;
    size_t barriers = 0;
    bool ended = false;
    std::optional<Error> error;  // first error while recording, reported by submitAndWait

    Span span(const BufferRange& r) const {
        const uint64_t size = r.size ? r.size : r.buffer->size() - r.offset;
        return {*r.buffer->impl()->buffer, r.offset, r.offset + size};
    }

    // Inserts a barrier when a command touching these spans must wait for earlier ones.
    void order(std::span<const Span> reads, std::span<const Span> writes) {
        bool hazard = false;
        for (const Span& s : reads) {
            hazard |= std::any_of(written.begin(), written.end(), [&](const Span& w) { return w.overlaps(s); });
        }
        for (const Span& s : writes) {
            hazard |= std::any_of(written.begin(), written.end(), [&](const Span& w) { return w.overlaps(s); });
            hazard |= std::any_of(read.begin(), read.end(), [&](const Span& r) { return r.overlaps(s); });
        }
        if (hazard) {
            // Orders earlier shader/transfer writes (and reads, for write-after-read) before the next
            // command's reads and writes of the same bytes.
            vk::MemoryBarrier barrier{vk::AccessFlagBits::eShaderWrite | vk::AccessFlagBits::eTransferWrite,
                                      vk::AccessFlagBits::eShaderRead | vk::AccessFlagBits::eShaderWrite |
                                          vk::AccessFlagBits::eTransferRead | vk::AccessFlagBits::eTransferWrite};
            const auto stages = vk::PipelineStageFlagBits::eComputeShader | vk::PipelineStageFlagBits::eTransfer;
            cmd.pipelineBarrier(stages, stages, {}, barrier, {}, {});
            ++barriers;
            written.clear();
            read.clear();
        }
        written.insert(written.end(), writes.begin(), writes.end());
        read.insert(read.end(), reads.begin(), reads.end());
    }

    vk::DescriptorSet allocateSet(const Pipeline& p) {
        if (setsInPool >= kSetsPerPool) {
            vk::DescriptorPoolSize size{vk::DescriptorType::eStorageBuffer, kSetsPerPool * kMaxBindings};
            pools.emplace_back(ctx->device, vk::DescriptorPoolCreateInfo{{}, kSetsPerPool, size});
            setsInPool = 0;
        }
        ++setsInPool;
        vk::DescriptorSetLayout layout = *p.setLayout;
        vk::DescriptorSet set;
        vk::DescriptorSetAllocateInfo info{*pools.back(), layout};
        const vk::Result r = (*ctx->device).allocateDescriptorSets(&info, &set, *ctx->device.getDispatcher());
        if (r != vk::Result::eSuccess) {
            throw vk::SystemError(vk::make_error_code(r), "vkAllocateDescriptorSets");
        }
        return set;
    }
};

Recorder::Recorder(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Recorder::~Recorder() = default;
Recorder::Recorder(Recorder&&) noexcept = default;
Recorder& Recorder::operator=(Recorder&&) noexcept = default;
size_t Recorder::dispatchCount() const { return m_impl->dispatches; }
size_t Recorder::barrierCount() const { return m_impl->barriers; }
std::vector<Recorder::Timing> Recorder::timings() const { return m_impl->timings; }

Result<Recorder> Context::record(bool profile) {
    Impl& m = *m_impl;
    try {
        auto r = std::make_unique<Recorder::Impl>();
        r->ctx = &m;
        vk::raii::CommandBuffers cmds(m.device, {*m.commandPool, vk::CommandBufferLevel::ePrimary, 1});
        r->cmd = std::move(cmds.front());
        r->fence = vk::raii::Fence(m.device, vk::FenceCreateInfo{});
        r->cmd.begin({vk::CommandBufferUsageFlagBits::eOneTimeSubmit});
        if (profile && m.timestamps) {
            r->queryCapacity = 4096;
            r->queries = vk::raii::QueryPool(m.device, {{}, vk::QueryType::eTimestamp, r->queryCapacity});
            r->cmd.resetQueryPool(*r->queries, 0, r->queryCapacity);
        }
        return Recorder(std::move(r));
    } catch (const vk::SystemError& e) {
        return std::unexpected(toError(e, "starting a command buffer"));
    }
}

void Recorder::dispatch(const Pipeline& pipeline, std::initializer_list<Binding> bindings,
                        std::span<const std::byte> pushConstants, uint32_t groupsX, uint32_t groupsY,
                        uint32_t groupsZ, std::string_view label) {
    Impl& m = *m_impl;
    if (m.error || m.ended) {
        return;
    }
    try {
        const uint64_t maxRange = m.ctx->info.maxStorageBufferRange;
        const uint64_t align = std::max<uint32_t>(m.ctx->info.minStorageBufferOffsetAlignment, 1);
        if (bindings.size() != pipeline.bindings || pushConstants.size() != pipeline.pushConstantBytes) {
            m.error = Error{Errc::InvalidArgument, std::string(label) + ": " + pipeline.name + " takes " +
                                                       std::to_string(pipeline.bindings) + " bindings and " +
                                                       std::to_string(pipeline.pushConstantBytes) + " push bytes"};
            return;
        }
        std::vector<Span> reads, writes;
        std::vector<vk::DescriptorBufferInfo> infos;
        for (const Binding& b : bindings) {
            const BufferRange& r = b.range;
            if (!r.buffer || !r.buffer->valid() || r.offset % align != 0 || r.offset >= r.buffer->size()) {
                m.error = Error{Errc::InvalidArgument, std::string(label) + ": a binding is missing, misaligned (offset " +
                                                           std::to_string(r.offset) + ") or out of its buffer"};
                return;
            }
            uint64_t size = r.size ? r.size : r.buffer->size() - r.offset;
            size = std::min(size, maxRange);
            if (r.offset + size > r.buffer->size()) {
                m.error = Error{Errc::InvalidArgument, std::string(label) + ": a binding ends past its buffer"};
                return;
            }
            infos.push_back({*r.buffer->impl()->buffer, r.offset, size});
            const Span s{*r.buffer->impl()->buffer, r.offset, r.offset + size};
            (b.written ? writes : reads).push_back(s);
        }
        m.order(reads, writes);
        const vk::DescriptorSet set = m.allocateSet(pipeline);
        std::vector<vk::WriteDescriptorSet> w;
        for (uint32_t i = 0; i < infos.size(); ++i) {
            w.push_back({set, i, 0, 1, vk::DescriptorType::eStorageBuffer, nullptr, &infos[i]});
        }
        m.ctx->device.updateDescriptorSets(w, {});
        m.cmd.bindPipeline(vk::PipelineBindPoint::eCompute, *pipeline.pipeline);
        m.cmd.bindDescriptorSets(vk::PipelineBindPoint::eCompute, *pipeline.layout, 0, set, {});
        if (!pushConstants.empty()) {
            m.cmd.pushConstants<std::byte>(*pipeline.layout, vk::ShaderStageFlagBits::eCompute, 0, pushConstants);
        }
        const bool timed = *m.queries && 2 * m.labels.size() + 2 <= m.queryCapacity;
        if (timed) {
            m.cmd.writeTimestamp(vk::PipelineStageFlagBits::eTopOfPipe, *m.queries, uint32_t(2 * m.labels.size()));
        }
        m.cmd.dispatch(groupsX, groupsY, groupsZ);
        if (timed) {
            m.cmd.writeTimestamp(vk::PipelineStageFlagBits::eBottomOfPipe, *m.queries,
                                 uint32_t(2 * m.labels.size() + 1));
            m.labels.emplace_back(label.empty() ? pipeline.name : std::string(label));
        }
        ++m.dispatches;
    } catch (const vk::SystemError& e) {
        m.error = toError(e, "recording " + std::string(label));
    }
}

void Recorder::copy(BufferRange src, BufferRange dst) {
    Impl& m = *m_impl;
    if (m.error || m.ended) {
        return;
    }
    const uint64_t size = src.size ? src.size : src.buffer->size() - src.offset;
    if (src.offset + size > src.buffer->size() || dst.offset + size > dst.buffer->size()) {
        m.error = Error{Errc::InvalidArgument, "copy of " + std::to_string(size) + " bytes out of bounds"};
        return;
    }
    const Span s = m.span(BufferRange(*src.buffer, src.offset, size));
    const Span d = m.span(BufferRange(*dst.buffer, dst.offset, size));
    m.order(std::span<const Span>(&s, 1), std::span<const Span>(&d, 1));
    m.cmd.copyBuffer(*src.buffer->impl()->buffer, *dst.buffer->impl()->buffer,
                     vk::BufferCopy{src.offset, dst.offset, size});
}

Result<void> Recorder::submitAndWait() {
    Impl& m = *m_impl;
    if (m.error) {
        return std::unexpected(*m.error);
    }
    if (m.ended) {
        return fail(Errc::InvalidArgument, "a recorder can be submitted once");
    }
    try {
        m.cmd.end();
        m.ended = true;
        vk::CommandBuffer raw = *m.cmd;
        m.ctx->queue.submit(vk::SubmitInfo{{}, {}, raw}, *m.fence);
        if (m.ctx->device.waitForFences(*m.fence, VK_TRUE, UINT64_MAX) != vk::Result::eSuccess) {
            return fail(Errc::VulkanError, "waiting for the GPU failed");
        }
        if (*m.queries && !m.labels.empty()) {
            std::vector<uint64_t> ticks(2 * m.labels.size());
            const vk::Result r = (*m.ctx->device).getQueryPoolResults(
                *m.queries, 0, uint32_t(ticks.size()), ticks.size() * sizeof(uint64_t), ticks.data(),
                sizeof(uint64_t), vk::QueryResultFlagBits::e64 | vk::QueryResultFlagBits::eWait,
                *m.ctx->device.getDispatcher());
            if (r == vk::Result::eSuccess) {
                for (size_t i = 0; i < m.labels.size(); ++i) {
                    const double ns = double(ticks[2 * i + 1] - ticks[2 * i]) * double(m.ctx->timestampPeriodNs);
                    m.timings.push_back({m.labels[i], ns / 1000.0});
                }
            }
        }
        return {};
    } catch (const vk::SystemError& e) {
        return std::unexpected(toError(e, "running on the GPU"));
    }
}

}  // namespace lantern::gpu
