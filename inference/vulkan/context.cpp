// Instance and device choice, device facts, the pipeline cache on disk.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "base/platform.h"
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

// The Vulkan version both the loader and the device speak, capped at 1.3 (what we know how to use).
uint32_t usableApi(uint32_t deviceApi) {
    uint32_t loader = VK_API_VERSION_1_0;
    if (auto f = vk::raii::Context().getDispatcher()->vkEnumerateInstanceVersion) {
        f(&loader);
    }
    return std::min({deviceApi, loader, uint32_t(VK_API_VERSION_1_3)});
}

void describeFeatures(const vk::raii::PhysicalDevice& pd, DeviceInfo& d) {
    const auto feats = pd.getFeatures2<vk::PhysicalDeviceFeatures2, vk::PhysicalDeviceVulkan11Features,
                                       vk::PhysicalDeviceVulkan12Features>();
    const auto& f11 = feats.get<vk::PhysicalDeviceVulkan11Features>();
    const auto& f12 = feats.get<vk::PhysicalDeviceVulkan12Features>();
    d.storage16 = f11.storageBuffer16BitAccess;
    d.storage8 = f12.storageBuffer8BitAccess;
    d.fp16 = f12.shaderFloat16;
    d.int8 = f12.shaderInt8;
    d.memoryBudget = hasExtension(pd, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    d.externalHostMemory = hasExtension(pd, VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME);
    const bool core13 = usableApi(d.apiVersion) >= VK_API_VERSION_1_3;
    if (core13 || hasExtension(pd, VK_EXT_SUBGROUP_SIZE_CONTROL_EXTENSION_NAME)) {
        const auto sc = pd.getFeatures2<vk::PhysicalDeviceFeatures2, vk::PhysicalDeviceSubgroupSizeControlFeatures>();
        d.subgroupSizeControl = sc.get<vk::PhysicalDeviceSubgroupSizeControlFeatures>().subgroupSizeControl;
        const auto sp = pd.getProperties2<vk::PhysicalDeviceProperties2, vk::PhysicalDeviceSubgroupSizeControlProperties>();
        const auto& p = sp.get<vk::PhysicalDeviceSubgroupSizeControlProperties>();
        d.minSubgroupSize = p.minSubgroupSize;
        d.maxSubgroupSize = p.maxSubgroupSize;
    }
    if (!d.subgroupSizeControl) {
        d.minSubgroupSize = d.maxSubgroupSize = d.subgroupSize;
    }
}

// Index of the largest device-local heap.
uint32_t deviceLocalHeap(const vk::PhysicalDeviceMemoryProperties& mem) {
    uint32_t best = 0;
    for (uint32_t h = 0; h < mem.memoryHeapCount; ++h) {
        if ((mem.memoryHeaps[h].flags & vk::MemoryHeapFlagBits::eDeviceLocal) &&
            mem.memoryHeaps[h].size > mem.memoryHeaps[best].size) {
            best = h;
        }
    }
    return best;
}

// Free bytes of a heap: budget minus usage when VK_EXT_memory_budget is there, else the heap size.
uint64_t heapFree(const vk::raii::PhysicalDevice& pd, uint32_t heap, bool budget) {
    if (!budget) {
        return pd.getMemoryProperties().memoryHeaps[heap].size;
    }
    const auto mb = pd.getMemoryProperties2<vk::PhysicalDeviceMemoryProperties2,
                                            vk::PhysicalDeviceMemoryBudgetPropertiesEXT>();
    const auto& b = mb.get<vk::PhysicalDeviceMemoryBudgetPropertiesEXT>();
    return b.heapBudget[heap] > b.heapUsage[heap] ? b.heapBudget[heap] - b.heapUsage[heap] : 0;
}

DeviceInfo describe(const vk::raii::PhysicalDevice& pd, uint32_t index) {
    DeviceInfo d;
    d.index = index;
    const auto props = pd.getProperties2<vk::PhysicalDeviceProperties2, vk::PhysicalDeviceSubgroupProperties,
                                         vk::PhysicalDeviceDriverProperties, vk::PhysicalDeviceMaintenance3Properties>();
    const auto& p = props.get<vk::PhysicalDeviceProperties2>().properties;
    const auto& sg = props.get<vk::PhysicalDeviceSubgroupProperties>();
    const auto& drv = props.get<vk::PhysicalDeviceDriverProperties>();
    d.name = p.deviceName.data();
    d.type = typeName(p.deviceType);
    d.driver = std::string(drv.driverName.data()) + " " + drv.driverInfo.data();
    d.apiVersion = p.apiVersion;
    d.subgroupSize = sg.subgroupSize;
    d.subgroupArithmetic = bool(sg.supportedOperations & vk::SubgroupFeatureFlagBits::eArithmetic);
    d.subgroupShuffle = bool(sg.supportedOperations & vk::SubgroupFeatureFlagBits::eShuffle);
    d.maxStorageBufferRange = p.limits.maxStorageBufferRange;
    d.maxComputeSharedMemory = p.limits.maxComputeSharedMemorySize;
    d.maxWorkgroupInvocations = p.limits.maxComputeWorkGroupInvocations;
    d.minStorageBufferOffsetAlignment = uint32_t(p.limits.minStorageBufferOffsetAlignment);
    d.maxAllocationSize = props.get<vk::PhysicalDeviceMaintenance3Properties>().maxMemoryAllocationSize;
    describeFeatures(pd, d);

    const auto mem = pd.getMemoryProperties();
    const uint32_t heap = deviceLocalHeap(mem);
    d.deviceLocalBytes = mem.memoryHeaps[heap].size;
    d.budgetBytes = heapFree(pd, heap, d.memoryBudget);
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
    vk::ApplicationInfo app{"Lantern", 1, "Lantern", 1, std::max(usableApi(VK_API_VERSION_1_3), uint32_t(VK_API_VERSION_1_2))};
    std::vector<const char*> layers;
    if (validation) {
        for (const auto& l : context.enumerateInstanceLayerProperties()) {
            if (std::string_view(l.layerName.data()) == "VK_LAYER_KHRONOS_validation") {
                layers.push_back("VK_LAYER_KHRONOS_validation");
            }
        }
    }
    const InstanceSetup setup = instanceSetup(Context::instanceExtensionsOffered());
    std::vector<const char*> extensions;
    for (const std::string& e : setup.extensions) {
        extensions.push_back(e.c_str());
    }
    const auto flags = setup.enumeratePortability ? vk::InstanceCreateFlagBits::eEnumeratePortabilityKHR
                                                  : vk::InstanceCreateFlags{};
    vk::InstanceCreateInfo info{flags, &app, layers, extensions};
    return vk::raii::Instance(context, info);
}

std::string cacheDir() {
    const std::filesystem::path base = platform::userCacheDir();
    return base.empty() ? std::string() : platform::utf8(base / "lantern");
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

uint64_t Context::Impl::freeDeviceBytes() const {
    try {
        if (info.memoryBudget) {
            return heapFree(physical, deviceLocalHeap, true);
        }
        // Without a budget the best guess is the heap minus what we hold ourselves.
        const MemoryStats s = allocator ? allocator->stats() : MemoryStats{};
        const uint64_t ours = s.blockBytes + s.dedicatedBytes;
        const uint64_t heap = memory.memoryHeaps[deviceLocalHeap].size;
        return heap > ours ? heap - ours : 0;
    } catch (const vk::SystemError&) {
        return 0;
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

InstanceSetup instanceSetup(const std::vector<std::string>& offered) {
    InstanceSetup setup;
    // A loader from 1.3.216 on lists portability drivers (MoltenVK on macOS) only to an instance that
    // enables this extension and sets the flag; older loaders and other systems do not offer it.
    if (std::ranges::find(offered, VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME) != offered.end()) {
        setup.extensions.emplace_back(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME);
        setup.enumeratePortability = true;
    }
    return setup;
}

std::vector<std::string> Context::instanceExtensionsOffered() {
    std::vector<std::string> names;
    try {
        vk::raii::Context context;
        for (const auto& e : context.enumerateInstanceExtensionProperties()) {
            names.emplace_back(e.extensionName.data());
        }
    } catch (const std::exception&) {
        // No loader or no driver: nothing is offered, and creating the instance reports why.
    }
    return names;
}

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

Result<DeviceInfo> Context::pick(const std::string& device) {
    auto devices = enumerate();
    if (!devices) {
        return std::unexpected(devices.error());
    }
    auto chosen = choose(*devices, device);
    if (!chosen) {
        return std::unexpected(chosen.error());
    }
    return (*devices)[*chosen];
}

namespace {

// The queue family for compute; a compute-only family (async compute) when there is one.
std::optional<uint32_t> computeFamily(const std::vector<vk::QueueFamilyProperties>& families) {
    std::optional<uint32_t> family;
    for (uint32_t i = 0; i < families.size(); ++i) {
        if ((families[i].queueFlags & vk::QueueFlagBits::eCompute) &&
            (!family || !(families[i].queueFlags & vk::QueueFlagBits::eGraphics))) {
            family = i;
        }
    }
    return family;
}

// One compute queue; every optional feature the shaders can use, enabled when the device has it.
vk::raii::Device makeDevice(const vk::raii::PhysicalDevice& pd, const DeviceInfo& info, uint32_t family) {
    vk::StructureChain<vk::PhysicalDeviceFeatures2, vk::PhysicalDeviceVulkan11Features,
                       vk::PhysicalDeviceVulkan12Features, vk::PhysicalDeviceSubgroupSizeControlFeatures>
        features;
    auto& f11 = features.get<vk::PhysicalDeviceVulkan11Features>();
    auto& f12 = features.get<vk::PhysicalDeviceVulkan12Features>();
    f11.storageBuffer16BitAccess = info.storage16;
    f12.storageBuffer8BitAccess = info.storage8;
    f12.shaderFloat16 = info.fp16;
    f12.shaderInt8 = info.int8;
    features.get<vk::PhysicalDeviceSubgroupSizeControlFeatures>().subgroupSizeControl = info.subgroupSizeControl;
    std::vector<const char*> extensions;
    if (info.memoryBudget) {
        extensions.push_back(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    }
    if (info.externalHostMemory) {
        extensions.push_back(VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME);
    }
    if (!info.subgroupSizeControl) {
        features.unlink<vk::PhysicalDeviceSubgroupSizeControlFeatures>();
    } else if (usableApi(info.apiVersion) < VK_API_VERSION_1_3) {
        extensions.push_back(VK_EXT_SUBGROUP_SIZE_CONTROL_EXTENSION_NAME);
    }
    const float priority = 1.f;
    vk::DeviceQueueCreateInfo queueInfo{{}, family, 1, &priority};
    // A portability driver (MoltenVK) must be told the device is used knowing its limits (Vulkan spec,
    // VK_KHR_portability_subset): enabling the extension is mandatory wherever it is offered.
    if (hasExtension(pd, "VK_KHR_portability_subset")) {
        extensions.push_back("VK_KHR_portability_subset");
    }
    vk::DeviceCreateInfo deviceInfo{{}, queueInfo, {}, extensions, nullptr, &features.get<vk::PhysicalDeviceFeatures2>()};
    return vk::raii::Device(pd, deviceInfo);
}

// Reads the on-disk cache when its header (Vulkan's VkPipelineCacheHeaderVersionOne) names this very
// device; the driver checks it again, this only lets us report whether a cache was used.
std::vector<char> readPipelineCache(const std::string& path, const vk::PhysicalDeviceProperties& props) {
    std::vector<char> data;
    if (path.empty()) {
        return data;
    }
    std::ifstream in(platform::pathFromUtf8(path), std::ios::binary);
    data.assign(std::istreambuf_iterator<char>(in), {});
    if (data.size() < 32) {
        return {};
    }
    uint32_t words[4];
    std::memcpy(words, data.data(), sizeof(words));
    const bool ours = words[0] >= 32 && words[1] == uint32_t(vk::PipelineCacheHeaderVersion::eOne) &&
                      words[2] == props.vendorID && words[3] == props.deviceID &&
                      std::memcmp(data.data() + 16, props.pipelineCacheUUID.data(), VK_UUID_SIZE) == 0;
    return ours ? data : std::vector<char>{};
}

std::string defaultCachePath(const vk::PhysicalDeviceProperties& props) {
    const std::string dir = cacheDir();
    if (dir.empty()) {
        return {};
    }
    std::ostringstream name;
    name << dir << "/pipelines-";
    for (uint8_t b : props.pipelineCacheUUID) {
        name << std::hex << (b >> 4) << (b & 15);
    }
    name << ".bin";
    return name.str();
}

// Blocks of 64 MiB: few allocations for a model, little waste for small ones; never above the limit.
uint64_t blockSizeFor(const DeviceInfo& info) {
    uint64_t size = 64ull << 20;
    if (info.maxAllocationSize) {
        size = std::min(size, info.maxAllocationSize);
    }
    return std::min(size, std::max<uint64_t>(info.deviceLocalBytes / 8, 1ull << 20));
}

}  // namespace

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
        m.forceStaging = options.forceStaging;
        if (m.forceStaging) {
            m.info.unifiedMemory = false;
        }
        m.memory = m.physical.getMemoryProperties();
        m.deviceLocalHeap = deviceLocalHeap(m.memory);
        const auto props = m.physical.getProperties();
        m.timestampPeriodNs = props.limits.timestampPeriod;

        const auto families = m.physical.getQueueFamilyProperties();
        const auto family = computeFamily(families);
        if (!family) {
            return fail(Errc::NoDevice, m.info.name + " has no compute queue.");
        }
        m.queueFamily = *family;
        m.timestamps = families[*family].timestampValidBits > 0 && props.limits.timestampPeriod > 0;
        m.device = makeDevice(m.physical, m.info, m.queueFamily);
        m.queue = m.device.getQueue(m.queueFamily, 0);

        m.pipelineCachePath = options.pipelineCachePath.empty() ? defaultCachePath(props) : options.pipelineCachePath;
        const std::vector<char> cacheData = readPipelineCache(m.pipelineCachePath, props);
        m.pipelineCacheLoaded = cacheData.size();
        m.pipelineCache = vk::raii::PipelineCache(m.device, {{}, cacheData.size(), cacheData.data()});
        m.commandPool = vk::raii::CommandPool(
            m.device, {vk::CommandPoolCreateFlagBits::eResetCommandBuffer, m.queueFamily});
        m.allocator = std::make_unique<Allocator>(m.device, m.memory, blockSizeFor(m.info));
        m.allocator->freeDeviceBytes = [&m] { return m.freeDeviceBytes(); };
    } catch (const vk::SystemError& e) {
        return std::unexpected(toError(e, "opening the Vulkan device"));
    }
    return ctx;
}

const std::string& Context::pipelineCachePath() const { return m_impl->pipelineCachePath; }
uint64_t Context::pipelineCacheBytesLoaded() const { return m_impl->pipelineCacheLoaded; }
MemoryStats Context::memoryStats() const {
    MemoryStats s = m_impl->allocator->stats();
    s.freeDeviceBytes = m_impl->freeDeviceBytes();
    return s;
}

void Context::savePipelineCache() {
    Impl& m = *m_impl;
    if (m.pipelineCachePath.empty() || !*m.pipelineCache) {
        return;
    }
    try {
        const auto data = m.pipelineCache.getData();
        std::error_code ec;
        std::filesystem::create_directories(platform::pathFromUtf8(m.pipelineCachePath).parent_path(), ec);
        // Written aside and renamed: a crash mid-write never leaves a torn cache for the next start. The aside
        // file's name is this writer's own: the app and lantern-cli (or two test processes) saving at the same
        // moment into one shared name could interleave their bytes and rename a torn file into place.
        const std::string tmp = m.pipelineCachePath + "." + std::to_string(std::random_device{}()) + ".tmp";
        {
            std::ofstream out(platform::pathFromUtf8(tmp), std::ios::binary | std::ios::trunc);
            out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
            if (!out) {
                out.close();
                std::filesystem::remove(platform::pathFromUtf8(tmp), ec);
                return;  // a cache we cannot write only costs start-up time
            }
        }
        std::filesystem::rename(platform::pathFromUtf8(tmp), platform::pathFromUtf8(m.pipelineCachePath), ec);
        if (ec) {
            std::filesystem::remove(platform::pathFromUtf8(tmp), ec);
        }
    } catch (const vk::SystemError&) {
    }
}

}  // namespace lantern::gpu
