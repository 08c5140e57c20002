// Mixture-of-experts ops: routing (shaders/moe_route.comp), expert matvecs (shaders/matvec.comp built with
// EXPERTS) and the weighted combination (shaders/moe_combine.comp).
#include <algorithm>

#include "inference/ops/dispatch.h"

namespace lantern::ops {
namespace {

uint64_t rangeBytes(const gpu::BufferRange& r) { return r.size ? r.size : r.buffer->size() - r.offset; }

struct RoutePush {
    uint32_t nTokens, nExpert, used, gating, hasBias, normalize;
    float scale;
    uint32_t nGroups, groupsUsed;
};
static_assert(sizeof(RoutePush) == 36);

// Mirrors the push constants of shaders/matvec.comp with EXPERTS.
struct ExpertPush {
    uint32_t rows, cols, rowBytes, wOffset, yOffset, accumulate;
    uint32_t slots, xTokenStride, xSlotStride, expertLo, expertHi, yStride, tableMode;
    uint32_t act;  // GLU variant: 0 SiLU, 1 tanh-GELU
};
static_assert(sizeof(ExpertPush) == 56);

// Groups of consecutive experts that each fit one storage-buffer binding (the whole stack when it fits).
struct ExpertGroup {
    gpu::BufferRange range;
    uint32_t byteOffset;  // of expert `lo` inside range
    uint32_t lo, hi;
};
Result<std::vector<ExpertGroup>> expertGroups(const gpu::Context& ctx, const ExpertWeights& w) {
    const uint64_t align = std::max<uint64_t>(ctx.info().minStorageBufferOffsetAlignment, 4);
    const uint64_t expertBytes = rowBytes(w.matrix.type, w.matrix.cols) * w.matrix.rows;
    const uint64_t usable = ctx.info().maxStorageBufferRange - align;  // slack for rounding the start down
    const uint64_t perGroup = std::min<uint64_t>(usable / std::max<uint64_t>(expertBytes, 1), w.nExpert);
    if (perGroup == 0) {
        return fail(Errc::ModelUnsupported,
                    detail::cat("one expert matrix of ", expertBytes >> 20, " MiB is larger than this device can bind (",
                                ctx.info().maxStorageBufferRange >> 20, " MiB)"));
    }
    std::vector<ExpertGroup> groups;
    for (uint32_t lo = 0; lo < w.nExpert; lo += uint32_t(perGroup)) {
        const uint32_t hi = std::min<uint32_t>(w.nExpert, lo + uint32_t(perGroup));
        const uint64_t start = w.matrix.offset + lo * expertBytes;
        const uint64_t base = start / align * align;
        const uint64_t bytes = (start - base) + (hi - lo) * expertBytes;
        groups.push_back({gpu::BufferRange(*w.matrix.buffer, base, (bytes + 3) / 4 * 4), uint32_t(start - base), lo, hi});
    }
    return groups;
}

// Mirrors the push constants of shaders/matmul.comp with EXPERTS and of shaders/moe_sort.comp.
struct ExpertMatmulPush {
    uint32_t rows, cols, rowBytes, wOffset, expertBytes, rowStart, expertLo, expertHi;
    uint32_t used, xTokenStride, xSlotStride, yStride, pairsOffset;
};
static_assert(sizeof(ExpertMatmulPush) == 52);
struct SortPush {
    uint32_t nPairs, nExpert, tileTokens, pairsOffset;
};
// The most tiles a batch can need: every expert's last tile may be partly empty.
uint32_t maxTiles(uint32_t nPairs, uint32_t nExpert) {
    return detail::ceilDiv(nPairs, kExpertTileTokens) + std::min(nPairs, nExpert);
}
constexpr uint32_t kMatmulTileRows = 128;  // matmul.comp with EXPERTS: 128 rows x 16 pairs per workgroup

Result<const gpu::Pipeline*> expertMatmulPipeline(gpu::Context& ctx, const Weight& w) {
    auto name = detail::variantName("matmul_experts", w.type, "f32");
    if (!name) {
        return std::unexpected(name.error());
    }
    return detail::pipeline(ctx, *name, 4, sizeof(ExpertMatmulPush));
}

struct CombinePush {
    uint32_t nTokens, width, used, accumulate;
};

constexpr uint32_t kRowsPerGroup = detail::kMatvecRowsPerGroup;
// The GLU variant computes this many output rows per workgroup, each from a gate and an up row: the same
// number of weight rows in flight as the others (more spilled registers on lavapipe and ran 1.7x slower).
constexpr uint32_t kGluRowsPerGroup = kRowsPerGroup / 2;

enum class ExpertKind { Plain, Summed, Glu };

Result<const gpu::Pipeline*> expertPipeline(gpu::Context& ctx, const Weight& w, ExpertKind kind) {
    const bool summed = kind == ExpertKind::Summed;
    auto name = detail::variantName(summed ? "matvec_expertsum" : kind == ExpertKind::Glu ? "matvec_expertglu" : "matvec_experts",
                                    w.type, "f32");
    if (!name) {
        return std::unexpected(name.error());
    }
    return detail::pipeline(ctx, *name, summed ? 6 : 5, sizeof(ExpertPush),
                            {detail::matvecWorkgroupSize(ctx, w), kind == ExpertKind::Glu ? kGluRowsPerGroup : kRowsPerGroup});
}

}  // namespace

Result<void> prepareMoe(gpu::Context& ctx, const ExpertWeights& w) {
    for (auto p : {expertPipeline(ctx, w.matrix, ExpertKind::Plain), expertPipeline(ctx, w.matrix, ExpertKind::Summed),
                   expertPipeline(ctx, w.matrix, ExpertKind::Glu), detail::pipeline(ctx, "moe_route_f32", 4, sizeof(RoutePush)),
                   detail::pipeline(ctx, "moe_combine_f32", 3, sizeof(CombinePush), {}),
                   expertMatmulPipeline(ctx, w.matrix), detail::pipeline(ctx, "moe_sort", 2, sizeof(SortPush))}) {
        if (!p) {
            return std::unexpected(p.error());
        }
    }
    if (auto groups = expertGroups(ctx, w); !groups) {
        return std::unexpected(groups.error());
    }
    return {};
}

Result<void> moeRoute(gpu::Context& ctx, gpu::Recorder& rec, const MoeRouteArgs& a, std::string_view label) {
    if (a.logits.buffer == nullptr || a.ids.buffer == nullptr || a.weights.buffer == nullptr || a.nTokens == 0 ||
        a.nExpert == 0 || a.nExpert > kMaxExperts || a.used == 0 || a.used > kMaxExpertsUsed || a.used > a.nExpert) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": moeRoute needs logits, ids and weights, 1 <= used <= ",
                                                       kMaxExpertsUsed, " and <= nExpert <= ", kMaxExperts));
    }
    const bool grouped = a.nGroups > 1;
    if (grouped && (a.nGroups > kMaxExpertGroups || a.nExpert % a.nGroups != 0 || a.groupsUsed == 0 ||
                    a.groupsUsed > a.nGroups || a.groupsUsed * (a.nExpert / a.nGroups) < a.used)) {
        return fail(Errc::InvalidArgument,
                    detail::cat(label, ": group-limited routing needs up to ", kMaxExpertGroups,
                                " groups dividing the experts and enough experts in the groups used (", a.nExpert,
                                " experts, ", a.nGroups, " groups, ", a.groupsUsed, " used, ", a.used, " experts used)"));
    }
    auto pipe = detail::pipeline(ctx, "moe_route_f32", 4, sizeof(RoutePush));
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const RoutePush push{a.nTokens, a.nExpert, a.used, a.sigmoid ? 1u : 0u, a.bias.buffer ? 1u : 0u,
                         a.normalize ? 1u : 0u, a.scale, grouped ? a.nGroups : 0u, grouped ? a.groupsUsed : 0u};
    // Without a bias, the logits stand in for binding 1 (never read).
    const gpu::BufferRange bias = a.bias.buffer ? a.bias : a.logits;
    rec.dispatch(**pipe, {{a.logits, false}, {bias, false}, {a.ids, true}, {a.weights, true}}, detail::bytesOf(push),
                 detail::ceilDiv(a.nTokens, 64), 1, 1, label);
    return {};
}

Result<void> matvecExperts(gpu::Context& ctx, gpu::Recorder& rec, const ExpertMatvecArgs& a, std::string_view label) {
    const Weight& w = a.experts.matrix;
    if (w.buffer == nullptr || a.x.buffer == nullptr || a.ids.buffer == nullptr || a.y.buffer == nullptr ||
        a.nTokens == 0 || a.used == 0 || a.xTokenStride % 4 != 0 || a.xSlotStride % 4 != 0 || w.offset % 4 != 0 ||
        (a.yStride != 0 && a.yStride < (a.glu ? w.rows / 2 : w.rows)) || (a.glu && (w.rows % 2 != 0 || a.routeWeights.buffer))) {
        return fail(Errc::InvalidArgument,
                    detail::cat(label, ": matvecExperts needs weights, x, ids and y, x strides that are multiples of 4 "
                                       "and a y stride of at least the rows"));
    }
    const bool summed = a.routeWeights.buffer != nullptr;
    auto pipe = expertPipeline(ctx, w, summed ? ExpertKind::Summed : a.glu ? ExpertKind::Glu : ExpertKind::Plain);
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const uint32_t rb = static_cast<uint32_t>(rowBytes(w.type, w.cols));
    auto groups = expertGroups(ctx, a.experts);
    if (!groups) {
        return std::unexpected(Error{groups.error().code, detail::cat(label, ": ", groups.error().detail)});
    }
    const uint32_t outRows = a.glu ? w.rows / 2 : w.rows;  // GLU: gate rows then up rows per expert
    const detail::Grid g = detail::gridFor(detail::ceilDiv(outRows, a.glu ? kGluRowsPerGroup : kRowsPerGroup));
    const bool cached = a.cache.table.buffer != nullptr && a.cache.stack.buffer != nullptr;
    // Without a cache the ids stand in for the table binding (never read).
    const gpu::BufferRange table = cached ? a.cache.table : a.ids;
    bool accumulate = a.accumulate;
    const auto dispatch = [&](gpu::BufferRange weights, uint32_t byteOffset, uint32_t lo, uint32_t hi, uint32_t mode) {
        const ExpertPush push{outRows,       w.cols, rb, byteOffset, 0,    accumulate ? 1u : 0u, a.used, a.xTokenStride,
                              a.xSlotStride, lo,     hi, a.yStride ? a.yStride : outRows, mode, a.gelu ? 1u : 0u};
        if (summed) {
            rec.dispatch(**pipe,
                         {{weights, false}, {a.x, false}, {a.y, true}, {a.ids, false}, {a.routeWeights, false},
                          {table, false}},
                         detail::bytesOf(push), g.x, g.y, a.nTokens, label);
            accumulate = true;  // later dispatches add to what the first wrote
        } else {
            rec.dispatch(**pipe, {{weights, false}, {a.x, false}, {a.y, true}, {a.ids, false}, {table, false}},
                         detail::bytesOf(push), g.x, g.y, a.nTokens * a.used, label);
        }
    };
    for (const ExpertGroup& eg : *groups) {
        dispatch(eg.range, eg.byteOffset, eg.lo, eg.hi, cached ? 2u : 0u);  // (uncached) experts in the stack
    }
    if (cached) {
        dispatch(a.cache.stack, 0, 0, 0, 1u);  // experts in the device cache
    }
    return {};
}

uint64_t moeSortedBytes(uint32_t nTokens, uint32_t used, uint32_t nExpert) {
    const uint32_t pairs = nTokens * used;
    return 4 * (1 + 3 * uint64_t(maxTiles(pairs, nExpert)) + pairs);
}

Result<void> moeSort(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange ids, gpu::BufferRange sorted,
                     uint32_t nTokens, uint32_t used, uint32_t nExpert, std::string_view label) {
    if (ids.buffer == nullptr || sorted.buffer == nullptr || nTokens == 0 || used == 0 || nExpert == 0 ||
        nExpert > kMaxExperts || rangeBytes(sorted) < moeSortedBytes(nTokens, used, nExpert)) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": moeSort needs ids, a sorted buffer of ",
                                                       moeSortedBytes(nTokens, used, nExpert), " bytes and <= ",
                                                       kMaxExperts, " experts"));
    }
    auto pipe = detail::pipeline(ctx, "moe_sort", 2, sizeof(SortPush));
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const uint32_t pairs = nTokens * used;
    const SortPush push{pairs, nExpert, kExpertTileTokens, 1 + 3 * maxTiles(pairs, nExpert)};
    rec.dispatch(**pipe, {{ids, false}, {sorted, true}}, detail::bytesOf(push), 1, 1, 1, label);
    return {};
}

Result<void> matmulExperts(gpu::Context& ctx, gpu::Recorder& rec, const ExpertMatmulArgs& a, std::string_view label) {
    const Weight& w = a.experts.matrix;
    const uint32_t rows = a.rows ? a.rows : w.rows;
    const uint32_t pairs = a.nTokens * a.used;
    if (w.buffer == nullptr || a.x.buffer == nullptr || a.sorted.buffer == nullptr || a.y.buffer == nullptr ||
        pairs == 0 || w.offset % 4 != 0 || a.rowStart + rows > w.rows || (a.yStride != 0 && a.yStride < rows) ||
        rangeBytes(a.sorted) < moeSortedBytes(a.nTokens, a.used, a.experts.nExpert)) {
        return fail(Errc::InvalidArgument,
                    detail::cat(label, ": matmulExperts needs weights, x, the sorted pairs and y, rows inside the "
                                       "expert matrix and a y stride of at least the rows"));
    }
    auto pipe = expertMatmulPipeline(ctx, w);
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    auto groups = expertGroups(ctx, a.experts);
    if (!groups) {
        return std::unexpected(Error{groups.error().code, detail::cat(label, ": ", groups.error().detail)});
    }
    const uint32_t rb = static_cast<uint32_t>(rowBytes(w.type, w.cols));
    const uint32_t tiles = maxTiles(pairs, a.experts.nExpert);
    const uint32_t rowGroups = detail::ceilDiv(rows, kMatmulTileRows);
    if (tiles > 65535 || rowGroups > 65535) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": too many pairs or rows for one matmul"));
    }
    for (const ExpertGroup& eg : *groups) {
        // Tiles of experts outside this group return at once (the grid is the most tiles there can be:
        // the CPU does not know the routing).
        const ExpertMatmulPush push{rows,  w.cols, rb, eg.byteOffset, uint32_t(uint64_t(rb) * w.rows), a.rowStart,
                                    eg.lo, eg.hi,  a.used, a.xTokenStride, a.xSlotStride, a.yStride ? a.yStride : rows,
                                    1 + 3 * tiles};
        rec.dispatch(**pipe, {{eg.range, false}, {a.x, false}, {a.y, true}, {a.sorted, false}}, detail::bytesOf(push),
                     rowGroups, tiles, 1, label);
    }
    return {};
}

Result<void> moeCombine(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange y, gpu::BufferRange weights,
                        gpu::BufferRange out, uint32_t nTokens, uint32_t width, uint32_t used, bool accumulate,
                        std::string_view label) {
    if (y.buffer == nullptr || weights.buffer == nullptr || out.buffer == nullptr || nTokens * width == 0 || used == 0) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": moeCombine needs y, weights and out"));
    }
    auto pipe = detail::pipeline(ctx, "moe_combine_f32", 3, sizeof(CombinePush), {});
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const CombinePush push{nTokens, width, used, accumulate ? 1u : 0u};
    const detail::Grid g = detail::gridFor(detail::ceilDiv(uint64_t(nTokens) * width, 128));
    rec.dispatch(**pipe, {{y, false}, {weights, false}, {out, true}}, detail::bytesOf(push), g.x, g.y, 1, label);
    return {};
}

}  // namespace lantern::ops
