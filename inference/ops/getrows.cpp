#include "inference/ops/dispatch.h"

namespace lantern::ops {
namespace {

// Mirrors the push constants of shaders/getrows.comp.
struct GetRowsPush {
    uint32_t nIds;
    uint32_t cols;
    uint32_t rowBytes;
    uint32_t wOffset;
    uint32_t rowBegin;
    uint32_t rowCount;
    float scale;
};
static_assert(sizeof(GetRowsPush) == 28);

constexpr uint32_t kWorkgroup = 64;

Result<const gpu::Pipeline*> getRowsPipeline(gpu::Context& ctx, const Weight& table) {
    auto name = detail::variantName("getrows", table.type, {});
    if (!name) {
        return std::unexpected(name.error());
    }
    return detail::pipeline(ctx, *name, 3, sizeof(GetRowsPush), {kWorkgroup});
}

}  // namespace

Result<void> prepareGetRows(gpu::Context& ctx, const Weight& table) {
    auto p = getRowsPipeline(ctx, table);
    if (!p) {
        return std::unexpected(p.error());
    }
    return {};
}

Result<void> getRows(gpu::Context& ctx, gpu::Recorder& rec, const Weight& table, const GetRowsArgs& args,
                     std::string_view label) {
    if (args.ids.buffer == nullptr || args.out.buffer == nullptr || args.nIds == 0) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": getRows needs ids, out and at least one id"));
    }
    auto pipe = getRowsPipeline(ctx, table);
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    auto chunks = detail::chunkRows(ctx, table, label);
    if (!chunks) {
        return std::unexpected(chunks.error());
    }
    // Every chunk's dispatch visits all ids and writes those in its rows: the chunks write disjoint
    // tokens of out, which the recorder still orders (same range written), at the cost of a barrier.
    const detail::Grid g = detail::gridFor(args.nIds);
    for (const detail::WeightChunk& c : *chunks) {
        const GetRowsPush push{args.nIds, table.cols, static_cast<uint32_t>(rowBytes(table.type, table.cols)),
                               c.byteOffset, c.firstRow, c.rows, args.scale};
        rec.dispatch(**pipe, {{c.range, false}, {args.ids, false}, {args.out, true}}, detail::bytesOf(push), g.x,
                     g.y, 1, label);
    }
    return {};
}

}  // namespace lantern::ops
