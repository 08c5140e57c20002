#pragma once
// Internal to inference/vulkan: the Impl structs behind gpu.h. Only the runtime's .cpp files include it.
#include <functional>
#include <map>
#include <optional>
#include <memory>
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

// Members in creation order: vk::raii destroys them in reverse.
struct Context::Impl {
    vk::raii::Context context;
    vk::raii::Instance instance{nullptr};
    vk::raii::PhysicalDevice physical{nullptr};
    vk::raii::Device device{nullptr};
    vk::raii::Queue queue{nullptr};
    vk::raii::PipelineCache pipelineCache{nullptr};
    vk::raii::CommandPool commandPool{nullptr};
    uint32_t queueFamily = 0;
    float timestampPeriodNs = 1.f;
    bool timestamps = false;
    DeviceInfo info;
    vk::PhysicalDeviceMemoryProperties memory;
    std::string pipelineCachePath;
    std::map<std::string, std::unique_ptr<Pipeline>> pipelines;  // key: name + specialization

    // Memory type index for the requirement bits and wanted properties (first that matches best).
    std::optional<uint32_t> memoryType(uint32_t bits, vk::MemoryPropertyFlags want) const;
    // Runs a one-off command buffer and waits (staging copies).
    Result<void> runOnce(const std::function<void(vk::raii::CommandBuffer&)>& record);
};

struct Buffer::Impl {
    Context::Impl* ctx = nullptr;
    vk::raii::Buffer buffer{nullptr};
    vk::raii::DeviceMemory memory{nullptr};
    uint64_t size = 0;
    std::byte* mapped = nullptr;  // persistently mapped when host-visible
    ~Impl();
};

}  // namespace lantern::gpu
