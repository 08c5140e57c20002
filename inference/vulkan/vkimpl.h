#pragma once
// Internal to inference/vulkan: the Impl structs behind gpu.h. Only the runtime's .cpp files include it.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <vulkan/vulkan_raii.hpp>

#include "inference/vulkan/gpu.h"

namespace lantern::gpu {

// Maps a Vulkan exception to an Error the caller can show.
Error toError(const vk::SystemError& e, std::string_view what);

class Pipeline {
public:
    std::string name;
    uint32_t bindings = 0;
    uint32_t pushConstantBytes = 0;
    vk::raii::DescriptorSetLayout setLayout{nullptr};
    vk::raii::PipelineLayout layout{nullptr};
    vk::raii::Pipeline pipeline{nullptr};
};

// One large VkDeviceMemory that many buffers live in, with a first-fit free list.
struct MemoryBlock {
    vk::raii::DeviceMemory memory{nullptr};
    uint32_t type = 0;
    uint64_t size = 0;
    uint64_t used = 0;
    std::byte* mapped = nullptr;         // whole block mapped once when host-visible
    std::map<uint64_t, uint64_t> free;   // offset -> length of each free hole, never adjacent
};

// Where one buffer's bytes live: a piece of a block, or memory of its own.
struct Allocation {
    MemoryBlock* block = nullptr;        // null: dedicated
    vk::raii::DeviceMemory dedicated{nullptr};
    uint64_t offset = 0;
    uint64_t size = 0;
    std::byte* mapped = nullptr;         // host address of offset, when host-visible
    vk::DeviceMemory memory() const { return block ? *block->memory : *dedicated; }
};

// Sub-allocates buffers from blocks of blockSize bytes; bigger buffers get a dedicated allocation so a
// block is never wasted on one tensor.
class Allocator {
public:
    Allocator(const vk::raii::Device& device, const vk::PhysicalDeviceMemoryProperties& props, uint64_t blockSize);
    // requestBytes only for the error message. Throws vk::SystemError from Vulkan calls other than OOM.
    Result<Allocation> allocate(const vk::MemoryRequirements& req, uint32_t type, uint64_t requestBytes);
    void release(Allocation& a);
    MemoryStats stats() const;
    uint64_t blockSize() const { return m_blockSize; }
    std::function<uint64_t()> freeDeviceBytes;  // set by the context (budget query)

private:
    std::optional<Allocation> fromBlock(MemoryBlock& b, uint64_t size, uint64_t align);
    std::byte* mapIfHostVisible(const vk::raii::DeviceMemory& m, uint32_t type);
    const vk::raii::Device& m_device;
    vk::PhysicalDeviceMemoryProperties m_props;
    uint64_t m_blockSize;
    std::vector<std::unique_ptr<MemoryBlock>> m_blocks;
    uint64_t m_dedicatedCount = 0;
    uint64_t m_dedicatedBytes = 0;
    uint64_t m_used = 0;
};

// A host-visible buffer split in two halves: one half is filled (or drained) by the CPU while the
// GPU copies the other, for uploads and downloads of device memory the CPU cannot map.
struct StagingRing {
    vk::raii::Buffer buffer{nullptr};
    Allocation alloc;
    uint64_t half = 0;
    vk::raii::CommandBuffers cmds{nullptr};
    vk::raii::Fence fences[2] = {vk::raii::Fence{nullptr}, vk::raii::Fence{nullptr}};
    bool pending[2] = {false, false};
};

// Command buffer, fence and pools of one recording, handed back to the context for the next record().
struct RecorderSlot {
    vk::raii::CommandBuffer cmd{nullptr};
    vk::raii::Fence fence{nullptr};
    std::vector<vk::raii::DescriptorPool> pools;  // grows to what one recording needs, then reused
    vk::raii::QueryPool queries{nullptr};
    uint32_t queryCapacity = 0;
};

// Members in creation order: vk::raii destroys them in reverse.
struct Context::Impl {
    vk::raii::Context context;
    vk::raii::Instance instance{nullptr};
    vk::raii::PhysicalDevice physical{nullptr};
    vk::raii::Device device{nullptr};
    vk::raii::Queue queue{nullptr};
    vk::raii::PipelineCache pipelineCache{nullptr};
    vk::raii::CommandPool commandPool{nullptr};
    std::unique_ptr<Allocator> allocator;
    std::unique_ptr<StagingRing> staging;                // created on the first staged transfer
    std::map<std::string, std::unique_ptr<Pipeline>> pipelines;  // key: name + specialization
    std::vector<std::unique_ptr<RecorderSlot>> spareSlots;

    uint32_t queueFamily = 0;
    float timestampPeriodNs = 1.f;
    bool timestamps = false;
    bool forceStaging = false;
    DeviceInfo info;
    uint32_t deviceLocalHeap = 0;
    vk::PhysicalDeviceMemoryProperties memory;
    std::string pipelineCachePath;
    uint64_t pipelineCacheLoaded = 0;

    // Memory type index for the requirement bits and wanted properties (first that matches best).
    std::optional<uint32_t> memoryType(uint32_t bits, vk::MemoryPropertyFlags want) const;
    uint64_t freeDeviceBytes() const;
    Result<StagingRing*> stagingRing();
};

struct Buffer::Impl {
    Context::Impl* ctx = nullptr;
    vk::raii::Buffer buffer{nullptr};
    Allocation alloc;
    uint64_t size = 0;
    std::byte* mapped = nullptr;  // host address when the CPU may write it directly (UMA, HostVisible)
    // Host buffers (no device, ctx null): the bytes they own (Buffer::host), or none when they wrap bytes
    // in place (Buffer::wrap, read-only).
    std::unique_ptr<std::byte[]> owned;
    bool readOnly = false;
    ~Impl();
};

}  // namespace lantern::gpu
