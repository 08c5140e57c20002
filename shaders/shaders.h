#pragma once
// The table of SPIR-V modules compiled from shaders/*.comp at build time (see cmake/LanternShaders.cmake).
#include <cstdint>
#include <span>
#include <string_view>

namespace lantern::shaders {

struct Shader {
    std::string_view name;          // variant name, e.g. "matvec_q4k_f32"
    std::span<const uint32_t> spirv;  // validated SPIR-V words
};

std::span<const Shader> all();
// nullptr when no variant of that name was built.
const Shader* find(std::string_view name);

}  // namespace lantern::shaders
