// Device buffers: sub-allocated by the Allocator; written and read directly where the CPU can map them
// (unified memory, Memory::HostVisible), through the staging ring elsewhere.
#include <algorithm>
#include <cstring>

#include "inference/vulkan/vkimpl.h"

namespace lantern::gpu {

namespace {

// Each half of the staging ring. Big enough that per-copy overhead vanishes, small next to VRAM.
constexpr uint64_t kStagingHalf = 16ull << 20;

Error rangeError(const char* what, uint64_t bytes, uint64_t offset, uint64_t size) {
    return {Errc::InvalidArgument, std::string(what) + " of " + std::to_string(bytes) + " bytes at offset " +
                                       std::to_string(offset) + " does not fit the buffer of " +
                                       std::to_string(size) + " bytes"};
}

}  // namespace

Buffer::Impl::~Impl() {
    // The buffer goes before its bytes return to the free list, where another buffer may take them.
    buffer = vk::raii::Buffer(nullptr);
    if (ctx && ctx->allocator) {
        ctx->allocator->release(alloc);
    }
}

Buffer::Buffer() = default;
Buffer::~Buffer() = default;
Buffer::Buffer(Buffer&&) noexcept = default;
Buffer& Buffer::operator=(Buffer&&) noexcept = default;
uint64_t Buffer::size() const { return m_impl ? m_impl->size : 0; }
bool Buffer::valid() const { return m_impl != nullptr; }
std::byte* Buffer::hostData() const { return m_impl ? m_impl->mapped : nullptr; }
bool Buffer::isHost() const { return m_impl && m_impl->ctx == nullptr; }

Result<Buffer> Buffer::host(uint64_t bytes) {
    if (bytes == 0) {
        return fail(Errc::InvalidArgument, "a buffer of 0 bytes was requested");
    }
    auto impl = std::make_unique<Impl>();
    // 64-byte aligned (a cache line, an AVX-512 vector) and padded to it: kernels may read a vector past the end.
    const uint64_t padded = (bytes + 63) / 64 * 64 + 64;
    impl->owned.reset(new (std::nothrow) std::byte[padded]());
    if (!impl->owned) {
        return fail(Errc::OutOfHostMemory, "could not allocate " + std::to_string(bytes) + " bytes of memory");
    }
    const uintptr_t base = reinterpret_cast<uintptr_t>(impl->owned.get());
    impl->mapped = impl->owned.get() + ((64 - base % 64) % 64);
    impl->size = bytes;
    Buffer b;
    b.m_impl = std::move(impl);
    return b;
}

Buffer Buffer::wrap(std::span<const std::byte> bytes) {
    auto impl = std::make_unique<Impl>();
    impl->mapped = const_cast<std::byte*>(bytes.data());  // never written: readOnly
    impl->size = bytes.size();
    impl->readOnly = true;
    Buffer b;
    b.m_impl = std::move(impl);
    return b;
}

Result<Buffer> Context::createBuffer(uint64_t bytes, Memory memory) {
    Impl& m = *m_impl;
    if (bytes == 0) {
        return fail(Errc::InvalidArgument, "a buffer of 0 bytes was requested");
    }
    if (m.info.maxAllocationSize && bytes > m.info.maxAllocationSize) {
        return fail(Errc::OutOfDeviceMemory,
                    "A buffer of " + std::to_string(bytes) + " bytes was requested; this GPU allocates at most " +
                        std::to_string(m.info.maxAllocationSize) + " bytes at once (" +
                        std::to_string(m.freeDeviceBytes()) + " bytes free).");
    }
    try {
        auto impl = std::make_unique<Buffer::Impl>();
        impl->ctx = &m;
        impl->size = bytes;
        // Padded to 16 bytes: shaders read whole vec4/uint words at the tail.
        const uint64_t padded = (bytes + 15) & ~uint64_t(15);
        impl->buffer = vk::raii::Buffer(
            m.device, {{}, padded,
                       vk::BufferUsageFlagBits::eStorageBuffer | vk::BufferUsageFlagBits::eTransferSrc |
                           vk::BufferUsageFlagBits::eTransferDst});
        const auto req = impl->buffer.getMemoryRequirements();
        using P = vk::MemoryPropertyFlagBits;
        std::optional<uint32_t> type;
        if (memory == Memory::HostVisible) {
            // Read back by the CPU (logits): cached memory makes those reads fast.
            type = m.memoryType(req.memoryTypeBits, P::eHostVisible | P::eHostCoherent | P::eHostCached);
            if (!type) {
                type = m.memoryType(req.memoryTypeBits, P::eHostVisible | P::eHostCoherent);
            }
        } else if (m.info.unifiedMemory) {
            type = m.memoryType(req.memoryTypeBits, P::eDeviceLocal | P::eHostVisible | P::eHostCoherent);
        }
        if (!type) {
            type = m.memoryType(req.memoryTypeBits, P::eDeviceLocal);
        }
        if (!type) {
            type = m.memoryType(req.memoryTypeBits, {});
        }
        if (!type) {
            return fail(Errc::VulkanError, "no memory type fits a storage buffer");
        }
        auto alloc = m.allocator->allocate(req, *type, bytes);
        if (!alloc) {
            return std::unexpected(alloc.error());
        }
        impl->alloc = std::move(*alloc);
        impl->buffer.bindMemory(impl->alloc.memory(), impl->alloc.offset);
        const bool coherent = bool(m.memory.memoryTypes[*type].propertyFlags & P::eHostCoherent);
        if (coherent && (memory == Memory::HostVisible || !m.forceStaging)) {
            impl->mapped = impl->alloc.mapped;
        }
        Buffer b;
        b.m_impl = std::move(impl);
        return b;
    } catch (const vk::SystemError& e) {
        return std::unexpected(toError(e, "allocating " + std::to_string(bytes) + " bytes"));
    }
}

Result<StagingRing*> Context::Impl::stagingRing() {
    if (staging) {
        return staging.get();
    }
    auto s = std::make_unique<StagingRing>();
    s->half = kStagingHalf;
    s->buffer = vk::raii::Buffer(device, {{}, 2 * s->half,
                                          vk::BufferUsageFlagBits::eTransferSrc | vk::BufferUsageFlagBits::eTransferDst});
    const auto req = s->buffer.getMemoryRequirements();
    using P = vk::MemoryPropertyFlagBits;
    // Cached: downloads read it with the CPU; uploads only write, where cached costs nothing.
    auto type = memoryType(req.memoryTypeBits, P::eHostVisible | P::eHostCoherent | P::eHostCached);
    if (!type) {
        type = memoryType(req.memoryTypeBits, P::eHostVisible | P::eHostCoherent);
    }
    if (!type) {
        return fail(Errc::VulkanError, "the GPU offers no host-visible memory for staging copies");
    }
    auto alloc = allocator->allocate(req, *type, 2 * s->half);
    if (!alloc) {
        return std::unexpected(alloc.error());
    }
    s->alloc = std::move(*alloc);
    s->buffer.bindMemory(s->alloc.memory(), s->alloc.offset);
    s->cmds = vk::raii::CommandBuffers(device, {*commandPool, vk::CommandBufferLevel::ePrimary, 2});
    for (auto& f : s->fences) {
        f = vk::raii::Fence(device, vk::FenceCreateInfo{});
    }
    staging = std::move(s);
    return staging.get();
}

namespace {

// Waits for the copy in flight on half h (if any).
Result<void> settle(Context::Impl& m, StagingRing& s, int h) {
    if (!s.pending[h]) {
        return {};
    }
    s.pending[h] = false;
    if (m.device.waitForFences(*s.fences[h], VK_TRUE, UINT64_MAX) != vk::Result::eSuccess) {
        return fail(Errc::VulkanError, "waiting for a staging copy failed");
    }
    m.device.resetFences(*s.fences[h]);
    return {};
}

void submitCopy(Context::Impl& m, StagingRing& s, int h, vk::Buffer src, vk::Buffer dst, vk::BufferCopy region) {
    vk::raii::CommandBuffer& cmd = s.cmds[h];
    cmd.reset();
    cmd.begin({vk::CommandBufferUsageFlagBits::eOneTimeSubmit});
    cmd.copyBuffer(src, dst, region);
    // Makes a read-back copy's bytes visible to the CPU reading the staging memory after the fence.
    vk::MemoryBarrier toHost{vk::AccessFlagBits::eTransferWrite, vk::AccessFlagBits::eHostRead};
    cmd.pipelineBarrier(vk::PipelineStageFlagBits::eTransfer, vk::PipelineStageFlagBits::eHost, {}, toHost, {}, {});
    cmd.end();
    vk::CommandBuffer raw = *cmd;
    m.queue.submit(vk::SubmitInfo{{}, {}, raw}, *s.fences[h]);
    s.pending[h] = true;
}

}  // namespace

Result<void> Buffer::upload(std::span<const std::byte> data, uint64_t offset) {
    if (!m_impl || offset > m_impl->size || data.size() > m_impl->size - offset) {
        return std::unexpected(rangeError("upload", data.size(), offset, size()));
    }
    if (m_impl->readOnly) {
        return fail(Errc::InvalidArgument, "upload to a read-only buffer (a mapped model file)");
    }
    if (m_impl->mapped) {
        std::memcpy(m_impl->mapped + offset, data.data(), data.size());
        return {};
    }
    Context::Impl& m = *m_impl->ctx;
    try {
        auto ring = m.stagingRing();
        if (!ring) {
            return std::unexpected(ring.error());
        }
        StagingRing& s = **ring;
        // The CPU fills one half while the GPU copies the other.
        int h = 0;
        for (uint64_t done = 0; done < data.size(); done += s.half, h ^= 1) {
            const uint64_t n = std::min<uint64_t>(s.half, data.size() - done);
            if (auto r = settle(m, s, h); !r) {
                return r;
            }
            std::memcpy(s.alloc.mapped + h * s.half, data.data() + done, n);
            submitCopy(m, s, h, *s.buffer, *m_impl->buffer, vk::BufferCopy{h * s.half, offset + done, n});
        }
        for (int i = 0; i < 2; ++i) {
            if (auto r = settle(m, s, i); !r) {
                return r;
            }
        }
        return {};
    } catch (const vk::SystemError& e) {
        return std::unexpected(toError(e, "uploading to the GPU"));
    }
}

Result<void> Buffer::download(std::span<std::byte> out, uint64_t offset) const {
    if (!m_impl || offset > m_impl->size || out.size() > m_impl->size - offset) {
        return std::unexpected(rangeError("download", out.size(), offset, size()));
    }
    if (m_impl->mapped) {
        std::memcpy(out.data(), m_impl->mapped + offset, out.size());
        return {};
    }
    Context::Impl& m = *m_impl->ctx;
    try {
        auto ring = m.stagingRing();
        if (!ring) {
            return std::unexpected(ring.error());
        }
        StagingRing& s = **ring;
        const uint64_t chunks = (out.size() + s.half - 1) / s.half;
        auto issue = [&](uint64_t c) {
            const uint64_t n = std::min<uint64_t>(s.half, out.size() - c * s.half);
            submitCopy(m, s, int(c & 1), *m_impl->buffer, *s.buffer,
                       vk::BufferCopy{offset + c * s.half, (c & 1) * s.half, n});
        };
        // The GPU copies chunk c+1 while the CPU drains chunk c.
        if (chunks > 0) {
            issue(0);
        }
        for (uint64_t c = 0; c < chunks; ++c) {
            if (c + 1 < chunks) {
                issue(c + 1);
            }
            if (auto r = settle(m, s, int(c & 1)); !r) {
                return r;
            }
            const uint64_t n = std::min<uint64_t>(s.half, out.size() - c * s.half);
            std::memcpy(out.data() + c * s.half, s.alloc.mapped + (c & 1) * s.half, n);
        }
        return {};
    } catch (const vk::SystemError& e) {
        return std::unexpected(toError(e, "reading back from the GPU"));
    }
}

}  // namespace lantern::gpu
