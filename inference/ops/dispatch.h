#pragma once
// Helpers shared by the op implementations (not part of the public ops API).
#include <cstdint>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "inference/ops/ops.h"

namespace lantern::ops::detail {

// The cached pipeline of one shader variant.
Result<const gpu::Pipeline*> pipeline(gpu::Context& ctx, std::string_view shader, uint32_t bindings,
                                      uint32_t pushBytes, std::vector<uint32_t> specialization = {});

// One piece of a weight matrix that fits one storage-buffer binding.
struct WeightChunk {
    gpu::BufferRange range;  // aligned start, at most maxStorageBufferRange bytes
    uint32_t firstRow = 0;   // first row of the matrix in this chunk
    uint32_t rows = 0;
    uint32_t byteOffset = 0; // where firstRow starts inside range (a multiple of 4)
};
// Splits w by rows into bindable chunks; InvalidArgument, its message starting with label, for an unusable Weight.
Result<std::vector<WeightChunk>> chunkRows(const gpu::Context& ctx, const Weight& w, std::string_view label);

// Grid that gives every one of `groups` workgroups a distinct id (X*Y may exceed groups: shaders
// compute id = y * numGroupsX + x and return when id >= groups).
struct Grid {
    uint32_t x = 1;
    uint32_t y = 1;
};
Grid gridFor(uint32_t groups);

// Concatenates values into a message (g++ 12 has no std::format).
template <class... Args>
std::string cat(const Args&... args) {
    std::ostringstream s;
    (s << ... << args);
    return s.str();
}

// Push constants as the dynamic byte span Recorder::dispatch takes. (Recorder's templated overload
// would re-select itself for a fixed-extent span, so ops pass bytes explicitly.)
template <class Push>
std::span<const std::byte> bytesOf(const Push& push) {
    return std::as_bytes(std::span<const Push>(&push, 1));
}

inline uint32_t ceilDiv(uint64_t a, uint64_t b) { return static_cast<uint32_t>((a + b - 1) / b); }

// "matvec" + "_" + suffix + "_f32"; InvalidArgument when the type has no shaders.
Result<std::string> variantName(std::string_view op, gguf::GgmlType type, std::string_view tail);

// Matvec kernels (matvec.comp, plain and expert variants): rows per workgroup (spec constant 1, <= 16:
// several rows share each loaded x value and one barrier) and invocations per workgroup: one per 32-element
// unit (or element) of a row, rounded up to whole subgroups, at most 128. A 640-column Gemma row has 20
// units: 24 invocations on lavapipe (8-wide subgroups) leave 4 idle where a power of two would leave 12.
constexpr uint32_t kMatvecRowsPerGroup = 8;
// unitPairs false: the MULTI variant (short prefill batches), which takes units one at a time.
uint32_t matvecWorkgroupSize(const gpu::Context& ctx, const Weight& w, bool unitPairs = true);

// Pipelines of rope.cpp and attention.cpp, created by prepareCommon.
Result<void> prepareRope(gpu::Context& ctx);
Result<void> prepareAttention(gpu::Context& ctx);

}  // namespace lantern::ops::detail
