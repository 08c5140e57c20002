// Instance and device choice, device facts, the pipeline cache on disk.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "inference/vulkan/vkimpl.h"

namespace lantern::gpu {

Error toError(const vk::SystemError& e, std::string_view what) {
    const auto code = static_cast<vk::Result>(e.code().value());
    std::string detail = std::string(what) + ": " + e.what();
    switch (code) {
    case vk::Result::eErrorDeviceLost:
        return {Errc::DeviceLost, "The GPU stopped responding (device lost) during " + std::string(what) +
                                      ". Restart the model; if it keeps happening, update the graphics driver."};
    case vk::Result::eErrorOutOfDeviceMemory:
        return {Errc::OutOfDeviceMemory, "The GPU ran out of memory during " + std::string(what) + "."};
    case vk::Result::eErrorOutOfHostMemory:
        return {Errc::OutOfHostMemory, "The computer ran out of memory during " + std::string(what) + "."};
    default:
        return {Errc::VulkanError, detail};
    }
}

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

const char* typeName(vk::PhysicalDeviceType t) {
    switch (t) {
    case vk::PhysicalDeviceType::eDiscreteGpu: return "discrete";
    case vk::PhysicalDeviceType::eIntegratedGpu: return "integrated";
    case vk::PhysicalDeviceType::eVirtualGpu: return "virtual";
    case vk::PhysicalDeviceType::eCpu: return "cpu";
    default: return "other";
    }
}

bool hasExtension(const vk::raii::PhysicalDevice& pd, const char* name) {
    for (const auto& e : pd.enumerateDeviceExtensionProperties()) {
        if (std::string_view(e.extensionName.data()) == name) {
            return true;
        }
    }
    return false;
}

DeviceInfo describe(const vk::raii::PhysicalDevice& pd, uint32_t index) {
    DeviceInfo d;
    d.index = index;
    const auto props = pd.getProperties2<vk::PhysicalDeviceProperties2, vk::PhysicalDeviceSubgroupProperties,
                                         vk::PhysicalDeviceDriverProperties>();
    const auto& p = props.get<vk::PhysicalDeviceProperties2>().properties;
    const auto& sg = props.get<vk::PhysicalDeviceSubgroupProperties>();
    const auto& drv = props.get<vk::PhysicalDeviceDriverProperties>();
    d.name = p.deviceName.data();
    d.type = typeName(p.deviceType);
    d.driver = std::string(drv.driverName.data()) + " " + drv.driverInfo.data();
    d.subgroupSize = sg.subgroupSize;
    d.subgroupArithmetic = bool(sg.supportedOperations & vk::SubgroupFeatureFlagBits::eArithmetic);
    d.subgroupShuffle = bool(sg.supportedOperations & vk::SubgroupFeatureFlagBits::eShuffle);
    d.maxStorageBufferRange = p.limits.maxStorageBufferRange;
    d.maxComputeSharedMemory = p.limits.maxComputeSharedMemorySize;
    d.maxWorkgroupInvocations = p.limits.maxComputeWorkGroupInvocations;
    d.minStorageBufferOffsetAlignment = uint32_t(p.limits.minStorageBufferOffsetAlignment);
    const auto p11 = pd.getProperties2<vk::PhysicalDeviceProperties2, vk::PhysicalDeviceMaintenance3Properties>();
    d.maxAllocationSize = p11.get<vk::PhysicalDeviceMaintenance3Properties>().maxMemoryAllocationSize;

    const auto feats = pd.getFeatures2<vk::PhysicalDeviceFeatures2, vk::PhysicalDeviceVulkan11Features,
                                       vk::PhysicalDeviceVulkan12Features>();
    const auto& f11 = feats.get<vk::PhysicalDeviceVulkan11Features>();
    const auto& f12 = feats.get<vk::PhysicalDeviceVulkan12Features>();
    d.storage16 = f11.storageBuffer16BitAccess;
    d.storage8 = f12.storageBuffer8BitAccess;
    d.fp16 = f12.shaderFloat16;
    d.int8 = f12.shaderInt8;
    d.subgroupSizeControl = p.apiVersion >= VK_API_VERSION_1_3 || hasExtension(pd, VK_EXT_SUBGROUP_SIZE_CONTROL_EXTENSION_NAME);
    d.memoryBudget = hasExtension(pd, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    d.externalHostMemory = hasExtension(pd, VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME);

    const auto mem = pd.getMemoryProperties();
    uint32_t largestHeap = 0;
    for (uint32_t h = 0; h < mem.memoryHeapCount; ++h) {
        if ((mem.memoryHeaps[h].flags & vk::MemoryHeapFlagBits::eDeviceLocal) &&
            mem.memoryHeaps[h].size > d.deviceLocalBytes) {
            d.deviceLocalBytes = mem.memoryHeaps[h].size;
            largestHeap = h;
        }
    }
    d.budgetBytes = d.deviceLocalBytes;
    if (d.memoryBudget) {
        const auto mb = pd.getMemoryProperties2<vk::PhysicalDeviceMemoryProperties2,
                                                vk::PhysicalDeviceMemoryBudgetPropertiesEXT>();
        const auto& b = mb.get<vk::PhysicalDeviceMemoryBudgetPropertiesEXT>();
        const uint64_t budget = b.heapBudget[largestHeap];
        const uint64_t used = b.heapUsage[largestHeap];
        d.budgetBytes = budget > used ? budget - used : 0;
    }
    // Unified memory: some device-local type is also host-visible and the device is not discrete.
    if (p.deviceType != vk::PhysicalDeviceType::eDiscreteGpu) {
        for (uint32_t t = 0; t < mem.memoryTypeCount; ++t) {
            const auto f = mem.memoryTypes[t].propertyFlags;
            if ((f & vk::MemoryPropertyFlagBits::eDeviceLocal) && (f & vk::MemoryPropertyFlagBits::eHostVisible)) {
                d.unifiedMemory = true;
            }
        }
    }
    return d;
}

vk::raii::Instance makeInstance(vk::raii::Context& context, bool validation) {
    vk::ApplicationInfo app{"Lantern", 1, "Lantern", 1, VK_API_VERSION_1_2};
    std::vector<const char*> layers;
    if (validation) {
        for (const auto& l : context.enumerateInstanceLayerProperties()) {
            if (std::string_view(l.layerName.data()) == "VK_LAYER_KHRONOS_validation") {
                layers.push_back("VK_LAYER_KHRONOS_validation");
            }
        }
    }
    vk::InstanceCreateInfo info{{}, &app, layers, {}};
    return vk::raii::Instance(context, info);
}

std::string cacheDir() {
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) {
        return std::string(x) + "/lantern";
    }
    if (const char* h = std::getenv("HOME"); h && *h) {
        return std::string(h) + "/.cache/lantern";
    }
    return {};
}

// Picks the device the options ask for, else the best kind.
Result<uint32_t> choose(const std::vector<DeviceInfo>& devices, std::string want) {
    if (want.empty()) {
        if (const char* env = std::getenv("LANTERN_DEVICE"); env) {
            want = env;
        }
    }
    if (devices.empty()) {
        return fail(Errc::NoDevice, "No Vulkan device was found. Install a Vulkan driver for your GPU "
                                    "(or Mesa's lavapipe to run on the CPU).");
    }
    if (!want.empty()) {
        const bool numeric = std::all_of(want.begin(), want.end(), [](unsigned char c) { return std::isdigit(c); });
        for (const DeviceInfo& d : devices) {
            if (numeric ? std::to_string(d.index) == want : lower(d.name).find(lower(want)) != std::string::npos) {
                return d.index;
            }
        }
        std::ostringstream s;
        s << "No Vulkan device matches '" << want << "'. Devices:";
        for (const DeviceInfo& d : devices) {
            s << " [" << d.index << "] " << d.name << " (" << d.type << ");";
        }
        return fail(Errc::NoDevice, s.str());
    }
    // Rank by kind, then by device-local memory.
    const DeviceInfo* best = &devices.front();
    for (const DeviceInfo& d : devices) {
        auto rank = [](const DeviceInfo& x) {
            static const char* order[] = {"discrete", "integrated", "virtual", "cpu", "other"};
            return int(std::find(std::begin(order), std::end(order), x.type) - std::begin(order));
        };
        if (rank(d) < rank(*best) || (rank(d) == rank(*best) && d.deviceLocalBytes > best->deviceLocalBytes)) {
            best = &d;
        }
    }
    return best->index;
}

}  // namespace

std::optional<uint32_t> Context::Impl::memoryType(uint32_t bits, vk::MemoryPropertyFlags want) const {
    for (uint32_t t = 0; t < memory.memoryTypeCount; ++t) {
        if ((bits & (1u << t)) && (memory.memoryTypes[t].propertyFlags & want) == want) {
            return t;
        }
    }
    return std::nullopt;
}

Result<void> Context::Impl::runOnce(const std::function<void(vk::raii::CommandBuffer&)>& record) {
    try {
        vk::raii::CommandBuffers cmds(device, {*commandPool, vk::CommandBufferLevel::ePrimary, 1});
        vk::raii::CommandBuffer& cmd = cmds.front();
        cmd.begin({vk::CommandBufferUsageFlagBits::eOneTimeSubmit});
        record(cmd);
        cmd.end();
        vk::raii::Fence fence(device, vk::FenceCreateInfo{});
        vk::CommandBuffer raw = *cmd;
        queue.submit(vk::SubmitInfo{{}, {}, raw}, *fence);
        if (device.waitForFences(*fence, VK_TRUE, UINT64_MAX) != vk::Result::eSuccess) {
            return fail(Errc::VulkanError, "waiting for a copy to finish failed");
        }
        return {};
    } catch (const vk::SystemError& e) {
        return std::unexpected(toError(e, "a buffer copy"));
    }
}

Context::Context() : m_impl(std::make_unique<Impl>()) {}

Context::~Context() {
    if (m_impl && *m_impl->device) {
        m_impl->device.waitIdle();
        savePipelineCache();
        m_impl->pipelines.clear();
    }
}

const DeviceInfo& Context::info() const { return m_impl->info; }

Result<std::vector<DeviceInfo>> Context::enumerate() {
    try {
        vk::raii::Context context;
        vk::raii::Instance instance = makeInstance(context, false);
        std::vector<DeviceInfo> out;
        uint32_t i = 0;
        for (const auto& pd : instance.enumeratePhysicalDevices()) {
            out.push_back(describe(pd, i++));
        }
        return out;
    } catch (const vk::SystemError& e) {
        if (static_cast<vk::Result>(e.code().value()) == vk::Result::eErrorIncompatibleDriver) {
            return std::vector<DeviceInfo>{};
        }
        return std::unexpected(toError(e, "listing Vulkan devices"));
    } catch (const std::exception& e) {
        return fail(Errc::NoDevice, std::string("Vulkan is not available: ") + e.what());
    }
}

Result<std::unique_ptr<Context>> Context::create(const ContextOptions& options) {
    std::unique_ptr<Context> ctx(new Context());
    Impl& m = *ctx->m_impl;
    try {
        m.instance = makeInstance(m.context, options.validation);
        auto physicals = m.instance.enumeratePhysicalDevices();
        std::vector<DeviceInfo> infos;
        for (uint32_t i = 0; i < physicals.size(); ++i) {
            infos.push_back(describe(physicals[i], i));
        }
        auto chosen = choose(infos, options.device);
        if (!chosen) {
            return std::unexpected(chosen.error());
        }
        m.physical = std::move(physicals[*chosen]);
        m.info = infos[*chosen];
        m.memory = m.physical.getMemoryProperties();
        const auto props = m.physical.getProperties();
        m.timestampPeriodNs = props.limits.timestampPeriod;

        const auto families = m.physical.getQueueFamilyProperties();
        std::optional<uint32_t> family;
        for (uint32_t i = 0; i < families.size(); ++i) {
            if (families[i].queueFlags & vk::QueueFlagBits::eCompute) {
                // Prefer a compute queue without graphics (async compute) when there is one.
                if (!family || !(families[i].queueFlags & vk::QueueFlagBits::eGraphics)) {
                    family = i;
                }
            }
        }
        if (!family) {
            return fail(Errc::NoDevice, m.info.name + " has no compute queue.");
        }
        m.queueFamily = *family;
        m.timestamps = families[*family].timestampValidBits > 0;

        // Features used when present; shaders fall back to 32-bit words otherwise.
        vk::StructureChain<vk::PhysicalDeviceFeatures2, vk::PhysicalDeviceVulkan11Features,
                           vk::PhysicalDeviceVulkan12Features>
            features;
        auto& f11 = features.get<vk::PhysicalDeviceVulkan11Features>();
        auto& f12 = features.get<vk::PhysicalDeviceVulkan12Features>();
        f11.storageBuffer16BitAccess = m.info.storage16;
        f12.storageBuffer8BitAccess = m.info.storage8;
        f12.shaderFloat16 = m.info.fp16;
        f12.shaderInt8 = m.info.int8;
        std::vector<const char*> extensions;
        if (m.info.memoryBudget) {
            extensions.push_back(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
        }
        const float priority = 1.f;
        vk::DeviceQueueCreateInfo queueInfo{{}, m.queueFamily, 1, &priority};
        vk::DeviceCreateInfo deviceInfo{{}, queueInfo, {}, extensions, nullptr, &features.get<vk::PhysicalDeviceFeatures2>()};
        m.device = vk::raii::Device(m.physical, deviceInfo);
        m.queue = m.device.getQueue(m.queueFamily, 0);

        // Pipeline cache from disk: the driver validates the header and ignores a foreign cache.
        const auto uuid = m.physical.getProperties().pipelineCacheUUID;
        std::ostringstream name;
        name << "pipelines-";
        for (uint8_t b : uuid) {
            name << std::hex << (b >> 4) << (b & 15);
        }
        name << ".bin";
        const std::string dir = options.pipelineCachePath.empty() ? cacheDir() : std::string();
        m.pipelineCachePath = options.pipelineCachePath.empty() ? (dir.empty() ? "" : dir + "/" + name.str())
                                                                : options.pipelineCachePath;
        std::vector<char> cacheData;
        if (!m.pipelineCachePath.empty()) {
            std::ifstream in(m.pipelineCachePath, std::ios::binary);
            cacheData.assign(std::istreambuf_iterator<char>(in), {});
        }
        m.pipelineCache = vk::raii::PipelineCache(m.device, {{}, cacheData.size(), cacheData.data()});
        m.commandPool = vk::raii::CommandPool(
            m.device, {vk::CommandPoolCreateFlagBits::eResetCommandBuffer, m.queueFamily});
    } catch (const vk::SystemError& e) {
        return std::unexpected(toError(e, "opening the Vulkan device"));
    }
    return ctx;
}

void Context::savePipelineCache() {
    Impl& m = *m_impl;
    if (m.pipelineCachePath.empty() || !*m.pipelineCache) {
        return;
    }
    try {
        const auto data = m.pipelineCache.getData();
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(m.pipelineCachePath).parent_path(), ec);
        const std::string tmp = m.pipelineCachePath + ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
            if (!out) {
                return;  // a cache we cannot write only costs start-up time
            }
        }
        std::filesystem::rename(tmp, m.pipelineCachePath, ec);
    } catch (const vk::SystemError&) {
    }
}

}  // namespace lantern::gpu
