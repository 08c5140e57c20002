#pragma once
// Options shared by the model-running sub-commands (run, chat, bench).
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "inference/engine.h"

namespace lantern::cli {

struct Options {
    std::string model;
    std::string prompt;
    std::string system;
    std::string device;          // --device: cpu, vulkan, a Vulkan device index or name part (LoadOptions::device)
    uint32_t threads = 0;        // --threads: CPU backend threads (0 = the physical cores)
    std::string experts;         // --experts cpu|gpu: who computes offloaded experts (LoadOptions::expertCompute)
    uint32_t context = 0;
    uint64_t vramBudgetMiB = 0;  // --vram-budget: device memory the model may use (0 = what the device has free)
    bool raw = false;
    bool stats = false;
    bool verbose = true;
    GenerateOptions generate;
    // bench
    uint32_t promptTokens = 512;
    uint32_t genTokens = 128;
    uint32_t repetitions = 3;
    bool json = false;
    bool profile = false;
    bool recordEveryStep = false;  // bench: record every decode step anew instead of re-submitting one
    std::string moePrefill = "auto";  // bench: auto, grouped (tokens grouped by expert) or pairs
};

// Parses args; prints usage and returns nullopt on a bad option.
std::optional<Options> parseOptions(std::span<char*> args, const char* usage);

}  // namespace lantern::cli
