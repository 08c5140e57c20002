// lantern-cli devices: the Vulkan devices Lantern can use, what each offers, and which one it would pick.
#include <cstdio>
#include <string>

#include "app/cli/command.h"
#include "inference/vulkan/gpu.h"

namespace lantern::cli {

namespace {

double gib(uint64_t bytes) { return double(bytes) / double(1ull << 30); }

std::string features(const gpu::DeviceInfo& d) {
    std::string out;
    auto add = [&](bool on, const char* name) {
        if (on) {
            out += out.empty() ? name : std::string(", ") + name;
        }
    };
    add(d.fp16, "fp16");
    add(d.int8, "int8");
    add(d.storage16, "16-bit storage");
    add(d.storage8, "8-bit storage");
    add(d.subgroupArithmetic, "subgroup arithmetic");
    add(d.subgroupShuffle, "subgroup shuffle");
    add(d.subgroupSizeControl, "subgroup size control");
    add(d.memoryBudget, "memory budget");
    add(d.externalHostMemory, "external host memory");
    return out.empty() ? "none" : out;
}

void print(const gpu::DeviceInfo& d, bool chosen) {
    std::printf("%s[%u] %s (%s, Vulkan %u.%u)\n", chosen ? "* " : "  ", d.index, d.name.c_str(), d.type.c_str(),
                d.apiVersion >> 22, (d.apiVersion >> 12) & 0x3ff);
    std::printf("      driver      %s\n", d.driver.c_str());
    std::printf("      memory      %.1f GiB, %.1f GiB free%s%s\n", gib(d.deviceLocalBytes), gib(d.budgetBytes),
                d.memoryBudget ? "" : " (no budget extension: heap size)", d.unifiedMemory ? ", unified" : "");
    std::printf("      limits      binding range %llu MiB, allocation %llu MiB, shared memory %u KiB, "
                "workgroup %u\n",
                (unsigned long long)(d.maxStorageBufferRange >> 20), (unsigned long long)(d.maxAllocationSize >> 20),
                d.maxComputeSharedMemory >> 10, d.maxWorkgroupInvocations);
    std::printf("      subgroup    %u (range %u-%u)\n", d.subgroupSize, d.minSubgroupSize, d.maxSubgroupSize);
    std::printf("      features    %s\n", features(d).c_str());
}

int devices(std::span<char*>) {
    auto list = gpu::Context::enumerate();
    if (!list) {
        std::fprintf(stderr, "lantern-cli: %s\n", list.error().detail.c_str());
        return 1;
    }
    if (list->empty()) {
        std::printf("No Vulkan device found. Install your GPU's Vulkan driver (or mesa-vulkan-drivers to run on "
                    "the CPU).\n");
        return 1;
    }
    // The same choice the engine makes (LANTERN_DEVICE, else the best kind).
    auto chosen = gpu::Context::create();
    const int chosenIndex = chosen ? int((*chosen)->info().index) : -1;
    for (const gpu::DeviceInfo& d : *list) {
        print(d, int(d.index) == chosenIndex);
    }
    if (!chosen) {
        std::fprintf(stderr, "\nlantern-cli: %s\n", chosen.error().detail.c_str());
        return 1;
    }
    std::printf("\n* = the device Lantern uses. Set LANTERN_DEVICE to an index or part of a name to choose "
                "another.\n");
    return 0;
}

const Registrar kDevices{{"devices", "list Vulkan devices (* = the one Lantern uses; LANTERN_DEVICE overrides)", devices}};

}  // namespace

}  // namespace lantern::cli
