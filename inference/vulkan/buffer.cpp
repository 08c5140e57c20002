// Device buffers: host-visible and persistently mapped on unified-memory devices (no staging), device-local
// with staging copies elsewhere.
#include <algorithm>
#include <cstring>

#include "inference/vulkan/vkimpl.h"

namespace lantern::gpu {

Buffer::Impl::~Impl() {
    if (mapped && *memory) {
        memory.unmapMemory();
    }
}

Buffer::Buffer() = default;
Buffer::~Buffer() = default;
Buffer::Buffer(Buffer&&) noexcept = default;
Buffer& Buffer::operator=(Buffer&&) noexcept = default;
uint64_t Buffer::size() const { return m_impl ? m_impl->size : 0; }
bool Buffer::valid() const { return m_impl != nullptr; }

Result<Buffer> Context::createBuffer(uint64_t bytes, Memory memory) {
    Impl& m = *m_impl;
    if (bytes == 0) {
        return fail(Errc::InvalidArgument, "a buffer of 0 bytes was requested");
    }
    if (m.info.maxAllocationSize && bytes > m.info.maxAllocationSize) {
        return fail(Errc::OutOfDeviceMemory,
                    "a buffer of " + std::to_string(bytes) + " bytes exceeds the device's largest allocation (" +
                        std::to_string(m.info.maxAllocationSize) + " bytes)");
    }
    try {
        auto impl = std::make_unique<Buffer::Impl>();
        impl->ctx = &m;
        impl->size = bytes;
        // Sizes rounded up to 4 bytes: shaders read whole 32-bit words.
        const uint64_t padded = (bytes + 15) & ~uint64_t(15);
        impl->buffer = vk::raii::Buffer(
            m.device, {{}, padded,
                       vk::BufferUsageFlagBits::eStorageBuffer | vk::BufferUsageFlagBits::eTransferSrc |
                           vk::BufferUsageFlagBits::eTransferDst});
        const auto req = impl->buffer.getMemoryRequirements();
        using P = vk::MemoryPropertyFlagBits;
        std::optional<uint32_t> type;
        if (memory == Memory::HostVisible) {
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
        impl->memory = vk::raii::DeviceMemory(m.device, vk::MemoryAllocateInfo{req.size, *type});
        impl->buffer.bindMemory(*impl->memory, 0);
        if (m.memory.memoryTypes[*type].propertyFlags & P::eHostVisible) {
            impl->mapped = static_cast<std::byte*>(impl->memory.mapMemory(0, VK_WHOLE_SIZE));
        }
        Buffer b;
        b.m_impl = std::move(impl);
        return b;
    } catch (const vk::SystemError& e) {
        Error err = toError(e, "allocating " + std::to_string(bytes) + " bytes");
        if (err.code == Errc::OutOfDeviceMemory) {
            err.detail = "The GPU has no room for " + std::to_string(bytes >> 20) + " MiB more (about " +
                         std::to_string(m.info.budgetBytes >> 20) + " MiB were free at start).";
        }
        return std::unexpected(err);
    }
}

Result<void> Buffer::upload(std::span<const std::byte> data, uint64_t offset) {
    if (!m_impl || offset + data.size() > m_impl->size) {
        return fail(Errc::InvalidArgument, "upload of " + std::to_string(data.size()) + " bytes at offset " +
                                               std::to_string(offset) + " does not fit the buffer");
    }
    if (m_impl->mapped) {
        std::memcpy(m_impl->mapped + offset, data.data(), data.size());
        return {};
    }
    Context::Impl& m = *m_impl->ctx;
    // Staging through a host-visible buffer in slices of at most 64 MiB.
    const uint64_t slice = std::min<uint64_t>(data.size(), 64ull << 20);
    try {
        vk::raii::Buffer sb(m.device, {{}, slice, vk::BufferUsageFlagBits::eTransferSrc});
        const auto req = sb.getMemoryRequirements();
        using P = vk::MemoryPropertyFlagBits;
        auto type = m.memoryType(req.memoryTypeBits, P::eHostVisible | P::eHostCoherent);
        if (!type) {
            return fail(Errc::VulkanError, "no host-visible memory for staging");
        }
        vk::raii::DeviceMemory sm(m.device, vk::MemoryAllocateInfo{req.size, *type});
        sb.bindMemory(*sm, 0);
        auto* p = static_cast<std::byte*>(sm.mapMemory(0, VK_WHOLE_SIZE));
        for (uint64_t done = 0; done < data.size(); done += slice) {
            const uint64_t n = std::min<uint64_t>(slice, data.size() - done);
            std::memcpy(p, data.data() + done, n);
            auto r = m.runOnce([&](vk::raii::CommandBuffer& cmd) {
                cmd.copyBuffer(*sb, *m_impl->buffer, vk::BufferCopy{0, offset + done, n});
            });
            if (!r) {
                return r;
            }
        }
        sm.unmapMemory();
        return {};
    } catch (const vk::SystemError& e) {
        return std::unexpected(toError(e, "uploading to the GPU"));
    }
}

Result<void> Buffer::download(std::span<std::byte> out, uint64_t offset) const {
    if (!m_impl || offset + out.size() > m_impl->size) {
        return fail(Errc::InvalidArgument, "download of " + std::to_string(out.size()) + " bytes at offset " +
                                               std::to_string(offset) + " does not fit the buffer");
    }
    if (m_impl->mapped) {
        std::memcpy(out.data(), m_impl->mapped + offset, out.size());
        return {};
    }
    Context::Impl& m = *m_impl->ctx;
    try {
        vk::raii::Buffer sb(m.device, {{}, out.size(), vk::BufferUsageFlagBits::eTransferDst});
        const auto req = sb.getMemoryRequirements();
        using P = vk::MemoryPropertyFlagBits;
        auto type = m.memoryType(req.memoryTypeBits, P::eHostVisible | P::eHostCoherent | P::eHostCached);
        if (!type) {
            type = m.memoryType(req.memoryTypeBits, P::eHostVisible | P::eHostCoherent);
        }
        if (!type) {
            return fail(Errc::VulkanError, "no host-visible memory for read-back");
        }
        vk::raii::DeviceMemory sm(m.device, vk::MemoryAllocateInfo{req.size, *type});
        sb.bindMemory(*sm, 0);
        auto r = m.runOnce([&](vk::raii::CommandBuffer& cmd) {
            cmd.copyBuffer(*m_impl->buffer, *sb, vk::BufferCopy{offset, 0, out.size()});
        });
        if (!r) {
            return r;
        }
        std::memcpy(out.data(), sm.mapMemory(0, VK_WHOLE_SIZE), out.size());
        sm.unmapMemory();
        return {};
    } catch (const vk::SystemError& e) {
        return std::unexpected(toError(e, "reading back from the GPU"));
    }
}

}  // namespace lantern::gpu
