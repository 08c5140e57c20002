#include "inference/ops/dispatch.h"

#include <algorithm>
#include <utility>

namespace lantern::ops {

using gguf::GgmlType;

std::string_view typeSuffix(GgmlType type) {
    switch (type) {
    case GgmlType::F32: return "f32";
    case GgmlType::F16: return "f16";
    case GgmlType::BF16: return "bf16";
    case GgmlType::Q4_0: return "q4_0";
    case GgmlType::Q4_1: return "q4_1";
    case GgmlType::Q5_0: return "q5_0";
    case GgmlType::Q5_1: return "q5_1";
    case GgmlType::Q8_0: return "q8_0";
    case GgmlType::Q2_K: return "q2k";
    case GgmlType::Q3_K: return "q3k";
    case GgmlType::Q4_K: return "q4k";
    case GgmlType::Q5_K: return "q5k";
    case GgmlType::Q6_K: return "q6k";
    case GgmlType::IQ4_NL: return "iq4nl";
    case GgmlType::IQ4_XS: return "iq4xs";
    default: return {};
    }
}

uint64_t rowBytes(GgmlType type, uint32_t cols) {
    const auto traits = gguf::typeTraits(type);
    if (!traits || traits->blockElems == 0) {
        return 0;
    }
    return uint64_t{cols} / traits->blockElems * traits->blockBytes;
}

namespace detail {

Result<const gpu::Pipeline*> pipeline(gpu::Context& ctx, std::string_view shader, uint32_t bindings,
                                      uint32_t pushBytes, std::vector<uint32_t> specialization) {
    return ctx.pipeline(gpu::PipelineDesc{shader, bindings, pushBytes, std::move(specialization)});
}

Result<std::string> variantName(std::string_view op, GgmlType type, std::string_view tail) {
    const std::string_view suffix = typeSuffix(type);
    if (suffix.empty()) {
        const auto traits = gguf::typeTraits(type);
        return fail(Errc::ShaderMissing, cat(op, ": no shader for weight type ",
                                             traits ? traits->name : std::string_view("unknown")));
    }
    std::string name = cat(op, "_", suffix);
    if (!tail.empty()) {
        name += '_';
        name += tail;
    }
    return name;
}

Result<std::vector<WeightChunk>> chunkRows(const gpu::Context& ctx, const Weight& w, std::string_view label) {
    const auto traits = gguf::typeTraits(w.type);
    if (w.buffer == nullptr || !traits || w.rows == 0 || w.cols == 0 || w.offset % 4 != 0 ||
        w.cols % traits->blockElems != 0) {
        return fail(Errc::InvalidArgument,
                    cat(label, ": weight ", w.rows, "x", w.cols, " of type ", traits ? traits->name : "?", " at offset ",
                        w.offset, ": needs a buffer, a 4-byte aligned offset and cols divisible by the block size"));
    }
    const uint64_t bytesPerRow = rowBytes(w.type, w.cols);
    const uint64_t end = w.offset + bytesPerRow * w.rows;
    if (end > w.buffer->size()) {
        return fail(Errc::InvalidArgument, cat(label, ": weight ", w.rows, "x", w.cols, " ", traits->name, " ends at byte ", end,
                                               " beyond its buffer of ", w.buffer->size()));
    }
    const uint64_t align = std::max<uint64_t>(ctx.info().minStorageBufferOffsetAlignment, 4);
    const uint64_t maxRange = std::min<uint64_t>(ctx.info().maxStorageBufferRange, UINT32_MAX);
    // Slack for the start rounded down to the alignment and the end rounded up to a word.
    const uint64_t usable = maxRange - align - 4;
    const uint64_t rowsPerChunk = usable / bytesPerRow;
    if (rowsPerChunk == 0) {
        return fail(Errc::InvalidArgument, cat(label, ": one row of ", bytesPerRow, " bytes exceeds the storage range"));
    }
    std::vector<WeightChunk> chunks;
    for (uint64_t r = 0; r < w.rows; r += rowsPerChunk) {
        const uint64_t n = std::min<uint64_t>(rowsPerChunk, w.rows - r);
        const uint64_t start = w.offset + r * bytesPerRow;
        const uint64_t base = start / align * align;
        const uint64_t size = std::min<uint64_t>((start - base + n * bytesPerRow + 3) / 4 * 4, w.buffer->size() - base);
        chunks.push_back({gpu::BufferRange(*w.buffer, base, size), static_cast<uint32_t>(r),
                          static_cast<uint32_t>(n), static_cast<uint32_t>(start - base)});
    }
    return chunks;
}

Grid gridFor(uint32_t groups) {
    constexpr uint32_t kMaxX = 65535;  // the guaranteed minimum of maxComputeWorkGroupCount
    if (groups <= kMaxX) {
        return {std::max(groups, 1u), 1};
    }
    return {kMaxX, ceilDiv(groups, kMaxX)};
}

}  // namespace detail
}  // namespace lantern::ops
