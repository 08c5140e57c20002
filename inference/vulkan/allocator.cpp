// Device memory: large blocks with a first-fit free list, dedicated allocations for big buffers.
// Few VkDeviceMemory objects matter because drivers limit their count (maxMemoryAllocationCount, often
// 4096) and each costs a kernel call; a model has hundreds of tensors.
#include <algorithm>

#include "inference/vulkan/vkimpl.h"

namespace lantern::gpu {

namespace {

uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

std::string mib(uint64_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB"; }

bool outOfMemory(const vk::SystemError& e) {
    const auto r = static_cast<vk::Result>(e.code().value());
    return r == vk::Result::eErrorOutOfDeviceMemory || r == vk::Result::eErrorOutOfHostMemory;
}

}  // namespace

Allocator::Allocator(const vk::raii::Device& device, const vk::PhysicalDeviceMemoryProperties& props,
                     uint64_t blockSize)
    : m_device(device), m_props(props), m_blockSize(blockSize) {}

std::byte* Allocator::mapIfHostVisible(const vk::raii::DeviceMemory& m, uint32_t type) {
    if (!(m_props.memoryTypes[type].propertyFlags & vk::MemoryPropertyFlagBits::eHostVisible)) {
        return nullptr;
    }
    return static_cast<std::byte*>(m.mapMemory(0, VK_WHOLE_SIZE));
}

std::optional<Allocation> Allocator::fromBlock(MemoryBlock& b, uint64_t size, uint64_t align) {
    for (auto it = b.free.begin(); it != b.free.end(); ++it) {
        const uint64_t holeBegin = it->first, holeEnd = it->first + it->second;
        const uint64_t begin = alignUp(holeBegin, align);
        if (begin + size > holeEnd) {
            continue;
        }
        b.free.erase(it);
        if (begin > holeBegin) {
            b.free.emplace(holeBegin, begin - holeBegin);
        }
        if (begin + size < holeEnd) {
            b.free.emplace(begin + size, holeEnd - begin - size);
        }
        b.used += size;
        m_used += size;
        Allocation a;
        a.block = &b;
        a.offset = begin;
        a.size = size;
        a.mapped = b.mapped ? b.mapped + begin : nullptr;
        return a;
    }
    return std::nullopt;
}

Result<Allocation> Allocator::allocate(const vk::MemoryRequirements& req, uint32_t type, uint64_t requestBytes) {
    const uint64_t align = std::max<uint64_t>(req.alignment, 16);
    const uint64_t size = alignUp(req.size, 16);
    try {
        // Half a block or more: a dedicated allocation, so blocks stay shared by small buffers.
        if (size <= m_blockSize / 2) {
            for (auto& b : m_blocks) {
                if (b->type == type && b->size - b->used >= size) {
                    if (auto a = fromBlock(*b, size, align)) {
                        return std::move(*a);
                    }
                }
            }
            try {
                auto b = std::make_unique<MemoryBlock>();
                b->memory = vk::raii::DeviceMemory(m_device, vk::MemoryAllocateInfo{m_blockSize, type});
                b->type = type;
                b->size = m_blockSize;
                b->mapped = mapIfHostVisible(b->memory, type);
                b->free.emplace(0, m_blockSize);
                m_blocks.push_back(std::move(b));
                return std::move(*fromBlock(*m_blocks.back(), size, align));
            } catch (const vk::SystemError& e) {
                if (!outOfMemory(e)) {
                    throw;
                }
                // No room for a whole block: the buffer alone may still fit.
            }
        }
        Allocation a;
        a.dedicated = vk::raii::DeviceMemory(m_device, vk::MemoryAllocateInfo{size, type});
        a.size = size;
        a.mapped = mapIfHostVisible(a.dedicated, type);
        ++m_dedicatedCount;
        m_dedicatedBytes += size;
        m_used += size;
        return a;
    } catch (const vk::SystemError& e) {
        if (!outOfMemory(e)) {
            throw;
        }
        const uint64_t freeBytes = freeDeviceBytes ? freeDeviceBytes() : 0;
        return fail(Errc::OutOfDeviceMemory,
                    "The GPU has no room for a buffer of " + mib(requestBytes) + " (" + std::to_string(requestBytes) +
                        " bytes requested, about " + mib(freeBytes) + " free). Close other programs that use " +
                        "the GPU, or choose a smaller model or a shorter context.");
    }
}

void Allocator::release(Allocation& a) {
    if (!a.block) {
        if (*a.dedicated) {
            --m_dedicatedCount;
            m_dedicatedBytes -= a.size;
            m_used -= a.size;
            a.dedicated = vk::raii::DeviceMemory(nullptr);
        }
        return;
    }
    MemoryBlock& b = *a.block;
    uint64_t begin = a.offset, end = a.offset + a.size;
    // Merge with the holes on either side so the list never holds adjacent holes.
    auto next = b.free.lower_bound(begin);
    if (next != b.free.end() && next->first == end) {
        end += next->second;
        next = b.free.erase(next);
    }
    if (next != b.free.begin()) {
        auto prev = std::prev(next);
        if (prev->first + prev->second == begin) {
            begin = prev->first;
            b.free.erase(prev);
        }
    }
    b.free.emplace(begin, end - begin);
    b.used -= a.size;
    m_used -= a.size;
    a.block = nullptr;
    if (b.used == 0) {
        // An empty block goes back to the driver: a model unloaded should free its memory.
        std::erase_if(m_blocks, [&](const auto& p) { return p.get() == &b; });
    }
}

MemoryStats Allocator::stats() const {
    MemoryStats s;
    s.blockCount = m_blocks.size();
    for (const auto& b : m_blocks) {
        s.blockBytes += b->size;
    }
    s.dedicatedCount = m_dedicatedCount;
    s.dedicatedBytes = m_dedicatedBytes;
    s.usedBytes = m_used;
    return s;
}

}  // namespace lantern::gpu
