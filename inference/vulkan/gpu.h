#pragma once
// The Vulkan runtime's public surface (contract between inference/vulkan and inference/ops).
// Implementation: context.cpp, buffer.cpp, pipeline.cpp, recorder.cpp in this folder, with vk::raii.
// Everything that can fail returns Result<T>; device loss and out-of-memory are Errors, never aborts.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace lantern::gpu {

struct DeviceInfo {
    uint32_t index = 0;              // position in the physical-device list (what LANTERN_DEVICE takes)
    std::string name;                // "llvmpipe (LLVM 15.0.6, 256 bits)"
    std::string type;                // "discrete", "integrated", "virtual", "cpu", "other"
    std::string driver;              // driver name and info
    uint64_t deviceLocalBytes = 0;   // size of the largest device-local heap
    uint64_t budgetBytes = 0;        // free device memory (VK_EXT_memory_budget), else deviceLocalBytes
    bool unifiedMemory = false;      // device-local memory is host-visible (UMA, lavapipe): no staging
    uint32_t subgroupSize = 0;
    uint64_t maxStorageBufferRange = 0;
    uint64_t maxAllocationSize = 0;
    uint32_t maxComputeSharedMemory = 0;
    uint32_t maxWorkgroupInvocations = 0;
    uint32_t minStorageBufferOffsetAlignment = 0;
    bool fp16 = false;               // shaderFloat16
    bool int8 = false;               // shaderInt8
    bool storage16 = false;          // storageBuffer16BitAccess
    bool storage8 = false;           // storageBuffer8BitAccess
    bool subgroupArithmetic = false;
    bool subgroupShuffle = false;
    bool subgroupSizeControl = false;
    bool memoryBudget = false;
    bool externalHostMemory = false;
    uint32_t minSubgroupSize = 0;    // with subgroup size control, the range a pipeline may ask for
    uint32_t maxSubgroupSize = 0;
    uint32_t apiVersion = 0;         // VK_MAKE_API_VERSION of the device
};

// What the runtime holds on the device, for tests, the CLI and out-of-memory messages.
struct MemoryStats {
    uint64_t blockCount = 0;       // large blocks that buffers are sub-allocated from
    uint64_t blockBytes = 0;       // their total size
    uint64_t dedicatedCount = 0;   // buffers too large for a block, each with its own allocation
    uint64_t dedicatedBytes = 0;
    uint64_t usedBytes = 0;        // bytes held by live buffers (incl. alignment padding)
    uint64_t freeDeviceBytes = 0;  // device-local bytes still free (budget when known)
};

struct ContextOptions {
    // Index or case-insensitive name substring; empty = LANTERN_DEVICE from the environment, else the
    // best device (discrete > integrated > virtual > cpu).
    std::string device;
    bool validation = false;         // enable VK_LAYER_KHRONOS_validation when installed
    std::string pipelineCachePath;   // empty = <XDG cache>/lantern/pipelines-<deviceUUID>.bin
    // Treat the device as discrete: Memory::Device buffers are never mapped, uploads and downloads go
    // through the staging ring. Lets unified-memory machines (lavapipe) test the discrete-GPU path.
    bool forceStaging = false;
};

class Context;

// A device buffer. Sub-allocated from large blocks. Host-visible when the device is UMA or when asked.
class Buffer {
public:
    Buffer();
    ~Buffer();
    Buffer(Buffer&&) noexcept;
    Buffer& operator=(Buffer&&) noexcept;
    uint64_t size() const;
    bool valid() const;
    // Copies host data in (through the staging ring when the memory is not host-visible).
    Result<void> upload(std::span<const std::byte> data, uint64_t offset = 0);
    // Copies device data out; waits for the device.
    Result<void> download(std::span<std::byte> out, uint64_t offset = 0) const;
    // A buffer in plain host memory with no device behind it (the CPU backend): `bytes` zeroed bytes, 64-byte
    // aligned. OutOfHostMemory when the allocation fails.
    static Result<Buffer> host(uint64_t bytes);
    // Host bytes used in place (a tensor of a mapped model file): read-only (upload fails), and they must
    // outlive the buffer.
    static Buffer wrap(std::span<const std::byte> bytes);
    // The bytes when the CPU can address them directly (host buffers, mapped device memory); else nullptr.
    std::byte* hostData() const;
    bool isHost() const;  // a host buffer (host() or wrap()): no device behind it
    struct Impl;
    Impl* impl() const { return m_impl.get(); }
private:
    friend class Context;
    std::unique_ptr<Impl> m_impl;
};

// A slice of a buffer bound to one shader binding. offset is aligned to minStorageBufferOffsetAlignment,
// size <= maxStorageBufferRange (split bigger tensors into several ranges).
struct BufferRange {
    const Buffer* buffer = nullptr;
    uint64_t offset = 0;
    uint64_t size = 0;   // 0 = to the end of the buffer (still clamped to maxStorageBufferRange)
    BufferRange() = default;
    BufferRange(const Buffer& b, uint64_t off = 0, uint64_t sz = 0) : buffer(&b), offset(off), size(sz) {}
};

// A compute pipeline built from one embedded SPIR-V variant (shaders::find(name)).
struct PipelineDesc {
    std::string_view shader;                 // variant name, e.g. "matvec_q4k_f32"
    uint32_t bindings = 0;                   // number of storage-buffer bindings 0..bindings-1
    uint32_t pushConstantBytes = 0;          // size of the push-constant struct (<= 128)
    std::vector<uint32_t> specialization;    // values for constant_id 0,1,2,... (e.g. local_size_x)
};
class Pipeline;

// Records a sequence of dispatches into one command buffer and submits it.
// Barriers: the recorder tracks which buffer ranges each dispatch reads (all but the bindings marked
// written) and writes, and inserts a compute->compute memory barrier only before a dispatch that reads
// or writes something an earlier, unbarriered dispatch wrote.
struct Binding {
    BufferRange range;
    bool written = false;    // true when the shader writes this binding
};
class Recorder {
public:
    ~Recorder();
    Recorder(Recorder&&) noexcept;
    Recorder& operator=(Recorder&&) noexcept;
    // label: "<op> L<layer>" for profiles and errors.
    void dispatch(const Pipeline& pipeline, std::initializer_list<Binding> bindings,
                  std::span<const std::byte> pushConstants, uint32_t groupsX, uint32_t groupsY = 1,
                  uint32_t groupsZ = 1, std::string_view label = {});
    template <class Push>
    void dispatch(const Pipeline& pipeline, std::initializer_list<Binding> bindings, const Push& push,
                  uint32_t gx, uint32_t gy = 1, uint32_t gz = 1, std::string_view label = {}) {
        dispatch(pipeline, bindings, std::span<const std::byte>(std::as_bytes(std::span<const Push, 1>(&push, 1))), gx, gy,
                 gz, label);
    }
    // A dispatch whose group counts (3 uint32) are read from `groups` when the command runs: a re-submitted
    // recording can change its grid (the attention's KV splits grow with the context). groups must be in
    // host-visible memory written before the submission, or written by an earlier command.
    void dispatchIndirect(const Pipeline& pipeline, std::initializer_list<Binding> bindings,
                          std::span<const std::byte> pushConstants, BufferRange groups, std::string_view label = {});
    // Buffer-to-buffer copy recorded in order with the dispatches (barriered like a dispatch).
    void copy(BufferRange src, BufferRange dst);
    // Ends recording, submits, waits. DeviceLost / OutOfDeviceMemory come back as Errors.
    Result<void> submitAndWait();
    // Runs the recording again (after submitAndWait succeeded): what changes between runs must live in buffers
    // (token ids, positions, step parameters, indirect grids), written before the call. Same errors.
    Result<void> resubmitAndWait();
    // Per-dispatch GPU times of the last submission (when profiling was requested), in order.
    struct Timing { std::string label; double microseconds; };
    std::vector<Timing> timings() const;
    size_t dispatchCount() const;
    // Barriers inserted so far (only where a later command touches what an earlier one wrote).
    size_t barrierCount() const;
    size_t copyCount() const;
    // Descriptor sets allocated for this recording (one per dispatch).
    size_t descriptorSetCount() const;
    struct Impl;
private:
    friend class Context;
    explicit Recorder(std::unique_ptr<Impl>);
    std::unique_ptr<Impl> m_impl;
};

enum class Memory { Device, HostVisible };

// The instance extensions and flags Lantern asks for, given what the loader offers: the portability
// enumeration (so MoltenVK is listed on macOS) whenever it is there.
struct InstanceSetup {
    std::vector<std::string> extensions;
    bool enumeratePortability = false;  // VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR
};
InstanceSetup instanceSetup(const std::vector<std::string>& offered);

class Context {
public:
    // The instance extensions the Vulkan loader offers (empty without a loader).
    static std::vector<std::string> instanceExtensionsOffered();
    static Result<std::vector<DeviceInfo>> enumerate();
    // The device create({.device = device}) would choose (LANTERN_DEVICE, then the best kind), without opening it.
    static Result<DeviceInfo> pick(const std::string& device);
    static Result<std::unique_ptr<Context>> create(const ContextOptions& options = {});
    ~Context();
    const DeviceInfo& info() const;
    Result<Buffer> createBuffer(uint64_t bytes, Memory memory = Memory::Device);
    // Created once per (shader, specialization) and cached; ShaderMissing when the variant is not built.
    Result<const Pipeline*> pipeline(const PipelineDesc& desc);
    // profile = record timestamp queries around every dispatch.
    Result<Recorder> record(bool profile = false);
    // Writes the pipeline cache to disk (also done in the destructor).
    void savePipelineCache();
    const std::string& pipelineCachePath() const;
    // Bytes of the on-disk pipeline cache handed to the driver at start (0: none, or not for this device).
    uint64_t pipelineCacheBytesLoaded() const;
    MemoryStats memoryStats() const;
    struct Impl;
    Impl& impl() const { return *m_impl; }
private:
    Context();
    std::unique_ptr<Impl> m_impl;
};

}  // namespace lantern::gpu
