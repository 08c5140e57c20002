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
// Two timestamps per dispatch: a forward pass of a large model stays below 4096 dispatches.
constexpr uint32_t kMaxQueries = 8192;

}  // namespace

struct Recorder::Impl {
    Context::Impl* ctx = nullptr;
    std::unique_ptr<RecorderSlot> slot;  // back to the context when done, for the next record()
    vk::raii::CommandBuffer& cmd;
    size_t poolIndex = 0;                // pool in slot->pools that sets come from
    uint32_t setsInPool = 0;
    std::vector<Span> written;  // written since the last barrier
    std::vector<Span> read;     // read since the last barrier
    bool anyWrite = false;
    std::vector<std::string> labels;
    std::vector<Timing> timings;
    size_t dispatches = 0;
    size_t copies = 0;
    size_t sets = 0;
    size_t barriers = 0;
    bool timed = false;
    bool submitted = false;
    bool inFlight = false;       // submitted and not known to be finished (device lost mid-wait)
    std::optional<Error> error;  // first error while recording, reported by submitAndWait

    explicit Impl(Context::Impl& c, std::unique_ptr<RecorderSlot> s) : ctx(&c), slot(std::move(s)), cmd(slot->cmd) {}
    ~Impl() {
        if (slot && !inFlight) {
            ctx->spareSlots.push_back(std::move(slot));
        }
    }

    Span span(const BufferRange& r) const {
        const uint64_t size = r.size ? r.size : r.buffer->size() - r.offset;
        return {*r.buffer->impl()->buffer, r.offset, r.offset + size};
    }

    // Inserts a barrier when a command touching these spans must wait for earlier ones.
    void order(std::span<const Span> reads, std::span<const Span> writes) {
        auto overlapsAny = [](const std::vector<Span>& set, const Span& s) {
            return std::any_of(set.begin(), set.end(), [&](const Span& x) { return x.overlaps(s); });
        };
        bool hazard = false;
        for (const Span& s : reads) {
            hazard = hazard || overlapsAny(written, s);  // read after write
        }
        for (const Span& s : writes) {
            hazard = hazard || overlapsAny(written, s) || overlapsAny(read, s);  // write after write / read
        }
        if (hazard) {
            // Orders the earlier dispatches' and copies' writes before this command reads or overwrites
            // the same bytes, and earlier reads before this command overwrites what they read.
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
        anyWrite = anyWrite || !writes.empty();
    }

    void dispatch(const Pipeline& pipeline, std::initializer_list<Binding> bindings,
                  std::span<const std::byte> pushConstants, const BufferRange* indirect, uint32_t groupsX,
                  uint32_t groupsY, uint32_t groupsZ, std::string_view label);

    // Submits the recorded command buffer and waits for its fence (throws vk::SystemError, e.g. device lost).
    Result<void> runAndWait() {
        vk::CommandBuffer raw = *cmd;
        inFlight = true;
        ctx->queue.submit(vk::SubmitInfo{{}, {}, raw}, *slot->fence);
        if (ctx->device.waitForFences(*slot->fence, VK_TRUE, UINT64_MAX) != vk::Result::eSuccess) {
            return fail(Errc::VulkanError, "waiting for the GPU failed");
        }
        inFlight = false;
        return {};
    }

    vk::DescriptorSet allocateSet(const Pipeline& p) {
        if (setsInPool >= kSetsPerPool) {
            ++poolIndex;
            setsInPool = 0;
        }
        if (poolIndex == slot->pools.size()) {
            vk::DescriptorPoolSize size{vk::DescriptorType::eStorageBuffer, kSetsPerPool * kMaxBindings};
            slot->pools.emplace_back(ctx->device, vk::DescriptorPoolCreateInfo{{}, kSetsPerPool, size});
        }
        ++setsInPool;
        ++sets;
        vk::DescriptorSetLayout layout = *p.setLayout;
        vk::DescriptorSet set;
        vk::DescriptorSetAllocateInfo info{*slot->pools[poolIndex], layout};
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
size_t Recorder::copyCount() const { return m_impl->copies; }
size_t Recorder::descriptorSetCount() const { return m_impl->sets; }
std::vector<Recorder::Timing> Recorder::timings() const { return m_impl->timings; }

namespace {

// A slot from an earlier recording (reset: command buffer, descriptor pools), else a new one.
std::unique_ptr<RecorderSlot> takeSlot(Context::Impl& m) {
    if (!m.spareSlots.empty()) {
        auto slot = std::move(m.spareSlots.back());
        m.spareSlots.pop_back();
        slot->cmd.reset();
        m.device.resetFences(*slot->fence);
        for (auto& pool : slot->pools) {
            pool.reset();
        }
        return slot;
    }
    auto slot = std::make_unique<RecorderSlot>();
    vk::raii::CommandBuffers cmds(m.device, {*m.commandPool, vk::CommandBufferLevel::ePrimary, 1});
    slot->cmd = std::move(cmds.front());
    slot->fence = vk::raii::Fence(m.device, vk::FenceCreateInfo{});
    return slot;
}

}  // namespace

Result<Recorder> Context::record(bool profile) {
    Impl& m = *m_impl;
    try {
        auto r = std::make_unique<Recorder::Impl>(m, takeSlot(m));
        RecorderSlot& slot = *r->slot;
        r->cmd.begin(vk::CommandBufferBeginInfo{});  // not one-time: resubmitAndWait runs it again
        if (profile && m.timestamps) {
            if (!*slot.queries) {
                slot.queryCapacity = kMaxQueries;
                slot.queries = vk::raii::QueryPool(m.device, {{}, vk::QueryType::eTimestamp, slot.queryCapacity});
            }
            r->cmd.resetQueryPool(*slot.queries, 0, slot.queryCapacity);
            r->timed = true;
        }
        return Recorder(std::move(r));
    } catch (const vk::SystemError& e) {
        return std::unexpected(toError(e, "starting a command buffer"));
    }
}

namespace {

// Checks one binding and resolves size 0 (to the end, clamped to the largest range a shader may see).
Result<vk::DescriptorBufferInfo> resolve(const BufferRange& r, const DeviceInfo& info, std::string_view label) {
    const uint64_t align = std::max<uint32_t>(info.minStorageBufferOffsetAlignment, 1);
    if (!r.buffer || !r.buffer->valid()) {
        return fail(Errc::InvalidArgument, std::string(label) + ": a binding has no buffer");
    }
    if (r.offset % align != 0 || r.offset >= r.buffer->size()) {
        return fail(Errc::InvalidArgument, std::string(label) + ": binding offset " + std::to_string(r.offset) +
                                               " is not a multiple of " + std::to_string(align) +
                                               " or lies outside its buffer of " + std::to_string(r.buffer->size()) +
                                               " bytes");
    }
    uint64_t size = r.size ? r.size : std::min(r.buffer->size() - r.offset, info.maxStorageBufferRange);
    if (size > info.maxStorageBufferRange || size > r.buffer->size() - r.offset) {
        return fail(Errc::InvalidArgument, std::string(label) + ": a binding of " + std::to_string(size) +
                                               " bytes at " + std::to_string(r.offset) +
                                               " ends past its buffer or exceeds maxStorageBufferRange (" +
                                               std::to_string(info.maxStorageBufferRange) + ")");
    }
    return vk::DescriptorBufferInfo{*r.buffer->impl()->buffer, r.offset, size};
}

}  // namespace

void Recorder::dispatch(const Pipeline& pipeline, std::initializer_list<Binding> bindings,
                        std::span<const std::byte> pushConstants, uint32_t groupsX, uint32_t groupsY,
                        uint32_t groupsZ, std::string_view label) {
    m_impl->dispatch(pipeline, bindings, pushConstants, nullptr, groupsX, groupsY, groupsZ, label);
}

void Recorder::dispatchIndirect(const Pipeline& pipeline, std::initializer_list<Binding> bindings,
                                std::span<const std::byte> pushConstants, BufferRange groups, std::string_view label) {
    if (groups.buffer == nullptr || groups.offset % 4 != 0 || groups.offset + 12 > groups.buffer->size()) {
        if (!m_impl->error) {
            m_impl->error = Error{Errc::InvalidArgument, std::string(label) + ": an indirect dispatch needs 12 bytes "
                                                                             "of group counts at a 4-byte offset"};
        }
        return;
    }
    m_impl->dispatch(pipeline, bindings, pushConstants, &groups, 0, 0, 0, label);
}

void Recorder::Impl::dispatch(const Pipeline& pipeline, std::initializer_list<Binding> bindings,
                              std::span<const std::byte> pushConstants, const BufferRange* indirect,
                              uint32_t groupsX, uint32_t groupsY, uint32_t groupsZ, std::string_view label) {
    Impl& m = *this;
    if (m.error || m.submitted) {
        return;
    }
    const std::string name = label.empty() ? pipeline.name : std::string(label);
    if (bindings.size() != pipeline.bindings || pushConstants.size() != pipeline.pushConstantBytes) {
        m.error = Error{Errc::InvalidArgument, name + ": " + pipeline.name + " takes " +
                                                   std::to_string(pipeline.bindings) + " bindings and " +
                                                   std::to_string(pipeline.pushConstantBytes) + " push-constant bytes, " +
                                                   "got " + std::to_string(bindings.size()) + " and " +
                                                   std::to_string(pushConstants.size())};
        return;
    }
    try {
        std::vector<Span> reads, writes;
        std::vector<vk::DescriptorBufferInfo> infos;
        for (const Binding& b : bindings) {
            auto info = resolve(b.range, m.ctx->info, name);
            if (!info) {
                m.error = info.error();
                return;
            }
            infos.push_back(*info);
            (b.written ? writes : reads).push_back({info->buffer, info->offset, info->offset + info->range});
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
        const RecorderSlot& slot = *m.slot;
        const bool timed = m.timed && 2 * m.labels.size() + 2 <= slot.queryCapacity;
        if (timed) {
            m.cmd.writeTimestamp(vk::PipelineStageFlagBits::eTopOfPipe, *slot.queries, uint32_t(2 * m.labels.size()));
        }
        if (indirect) {
            m.cmd.dispatchIndirect(*indirect->buffer->impl()->buffer, indirect->offset);
        } else {
            m.cmd.dispatch(groupsX, groupsY, groupsZ);
        }
        if (timed) {
            m.cmd.writeTimestamp(vk::PipelineStageFlagBits::eBottomOfPipe, *slot.queries,
                                 uint32_t(2 * m.labels.size() + 1));
            m.labels.push_back(name);
        }
        ++m.dispatches;
    } catch (const vk::SystemError& e) {
        m.error = toError(e, "recording " + name);
    }
}

void Recorder::copy(BufferRange src, BufferRange dst) {
    Impl& m = *m_impl;
    if (m.error || m.submitted) {
        return;
    }
    if (!src.buffer || !dst.buffer || !src.buffer->valid() || !dst.buffer->valid()) {
        m.error = Error{Errc::InvalidArgument, "copy: a buffer is missing"};
        return;
    }
    const uint64_t size = src.size ? src.size : src.buffer->size() - src.offset;
    if (src.offset > src.buffer->size() || size > src.buffer->size() - src.offset ||
        dst.offset > dst.buffer->size() || size > dst.buffer->size() - dst.offset) {
        m.error = Error{Errc::InvalidArgument, "copy of " + std::to_string(size) + " bytes from offset " +
                                                   std::to_string(src.offset) + " to offset " +
                                                   std::to_string(dst.offset) + " is out of bounds"};
        return;
    }
    const Span s = m.span(BufferRange(*src.buffer, src.offset, size));
    const Span d = m.span(BufferRange(*dst.buffer, dst.offset, size));
    try {
        m.order(std::span<const Span>(&s, 1), std::span<const Span>(&d, 1));
        m.cmd.copyBuffer(*src.buffer->impl()->buffer, *dst.buffer->impl()->buffer,
                         vk::BufferCopy{src.offset, dst.offset, size});
        ++m.copies;
    } catch (const vk::SystemError& e) {
        m.error = toError(e, "recording a copy");
    }
}

namespace {

// GPU time of each timed dispatch, from the pairs of timestamps around it.
std::vector<Recorder::Timing> readTimings(Context::Impl& ctx, const RecorderSlot& slot,
                                          const std::vector<std::string>& labels) {
    std::vector<Recorder::Timing> out;
    std::vector<uint64_t> ticks(2 * labels.size());
    const vk::Result r = (*ctx.device).getQueryPoolResults(
        *slot.queries, 0, uint32_t(ticks.size()), ticks.size() * sizeof(uint64_t), ticks.data(), sizeof(uint64_t),
        vk::QueryResultFlagBits::e64 | vk::QueryResultFlagBits::eWait, *ctx.device.getDispatcher());
    if (r != vk::Result::eSuccess) {
        return out;
    }
    for (size_t i = 0; i < labels.size(); ++i) {
        const uint64_t dt = ticks[2 * i + 1] >= ticks[2 * i] ? ticks[2 * i + 1] - ticks[2 * i] : 0;
        out.push_back({labels[i], double(dt) * double(ctx.timestampPeriodNs) / 1000.0});
    }
    return out;
}

}  // namespace

Result<void> Recorder::submitAndWait() {
    Impl& m = *m_impl;
    if (m.error) {
        return std::unexpected(*m.error);
    }
    if (m.submitted) {
        return fail(Errc::InvalidArgument, "a recorder can be submitted once; call Context::record() again");
    }
    m.submitted = true;
    try {
        if (m.anyWrite) {
            // Makes everything the GPU wrote visible to the CPU, which reads mapped buffers after the fence.
            vk::MemoryBarrier toHost{vk::AccessFlagBits::eShaderWrite | vk::AccessFlagBits::eTransferWrite,
                                     vk::AccessFlagBits::eHostRead};
            m.cmd.pipelineBarrier(vk::PipelineStageFlagBits::eComputeShader | vk::PipelineStageFlagBits::eTransfer,
                                  vk::PipelineStageFlagBits::eHost, {}, toHost, {}, {});
        }
        m.cmd.end();
        if (auto r = m.runAndWait(); !r) {
            return r;
        }
        if (m.timed && !m.labels.empty()) {
            m.timings = readTimings(*m.ctx, *m.slot, m.labels);
        }
        return {};
    } catch (const vk::SystemError& e) {
        return std::unexpected(toError(e, "running on the GPU"));
    }
}

Result<void> Recorder::resubmitAndWait() {
    Impl& m = *m_impl;
    if (!m.submitted || m.inFlight || m.error || m.timed) {
        return fail(Errc::InvalidArgument, "only a recording without timestamps that ran to completion can run again");
    }
    try {
        m.ctx->device.resetFences(*m.slot->fence);
        return m.runAndWait();
    } catch (const vk::SystemError& e) {
        return std::unexpected(toError(e, "running on the GPU"));
    }
}

}  // namespace lantern::gpu
