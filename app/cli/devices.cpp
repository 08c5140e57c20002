// lantern-cli devices: the Vulkan devices Lantern can use, what each offers, and which one it would pick.
#include <cstdio>
#include <string>

#include "app/cli/command.h"
#include "inference/backend/cpubackend.h"
#include "inference/engine.h"
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
    // The same choice the engine makes: LANTERN_DEVICE, else a real GPU, else the CPU backend.
    const Engine::BackendChoice choice = Engine::chooseBackend("");
    auto list = gpu::Context::enumerate();
    int chosenIndex = -1;
    if (list && !list->empty() && !choice.cpu) {
        auto chosen = gpu::Context::pick(choice.vulkanDevice);
        if (!chosen) {
            std::fprintf(stderr, "lantern-cli: %s\n", chosen.error().detail.c_str());
            return 1;
        }
        chosenIndex = int(chosen->index);
    }
    if (list) {
        for (const gpu::DeviceInfo& d : *list) {
            print(d, int(d.index) == chosenIndex);
        }
    }
    if (!list || list->empty()) {
        std::printf("No Vulkan device found (%s).\n", list ? "none listed" : list.error().detail.c_str());
    }
    const backend::CpuBackend cpu;
    std::printf("%s cpu: %s\n      the CPU backend (--device cpu)%s%s\n", choice.cpu ? "*" : " ", cpu.info().name.c_str(),
                choice.why.empty() ? "" : "; chosen because ", choice.why.c_str());
    std::printf("\n* = where Lantern runs models. Set LANTERN_DEVICE (or --device) to cpu, vulkan, or a Vulkan device's "
                "index or part of its name to choose another.\n");
    return 0;
}

const Registrar kDevices{{"devices", "list Vulkan devices and the CPU backend (* = the one Lantern uses; LANTERN_DEVICE overrides)", devices}};

}  // namespace

}  // namespace lantern::cli
