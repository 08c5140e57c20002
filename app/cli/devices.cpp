// lantern-cli devices: the Vulkan devices Lantern can use, and which one it would pick.
#include <cstdio>

#include "app/cli/command.h"
#include "inference/vulkan/gpu.h"

namespace lantern::cli {

namespace {

int devices(std::span<char*>) {
    auto list = gpu::Context::enumerate();
    if (!list) {
        std::fprintf(stderr, "lantern-cli: %s\n", list.error().detail.c_str());
        return 1;
    }
    if (list->empty()) {
        std::printf("No Vulkan device found. Install your GPU's Vulkan driver (or mesa-vulkan-drivers for the CPU).\n");
        return 1;
    }
    auto chosen = gpu::Context::create();
    const std::string chosenName = chosen ? (*chosen)->info().name : std::string();
    for (const gpu::DeviceInfo& d : *list) {
        const double gib = double(d.deviceLocalBytes) / double(1ull << 30);
        std::printf("%s[%u] %s (%s)\n", d.name == chosenName ? "* " : "  ", d.index, d.name.c_str(), d.type.c_str());
        std::printf("      driver %s\n", d.driver.c_str());
        std::printf("      memory %.1f GiB, %.1f GiB free%s; max binding %llu MiB, max allocation %llu MiB\n", gib,
                    double(d.budgetBytes) / double(1ull << 30), d.unifiedMemory ? " (unified)" : "",
                    (unsigned long long)(d.maxStorageBufferRange >> 20), (unsigned long long)(d.maxAllocationSize >> 20));
        std::printf("      subgroup %u%s%s%s; fp16 %s, int8 %s, 16-bit storage %s, 8-bit storage %s\n", d.subgroupSize,
                    d.subgroupArithmetic ? ", arithmetic" : "", d.subgroupShuffle ? ", shuffle" : "",
                    d.subgroupSizeControl ? ", size control" : "", d.fp16 ? "yes" : "no", d.int8 ? "yes" : "no",
                    d.storage16 ? "yes" : "no", d.storage8 ? "yes" : "no");
    }
    if (!chosen) {
        std::printf("\n%s\n", chosen.error().detail.c_str());
    }
    return 0;
}

const Registrar kDevices{{"devices", "list Vulkan devices (* = the one Lantern uses; LANTERN_DEVICE overrides)", devices}};

}  // namespace

}  // namespace lantern::cli
