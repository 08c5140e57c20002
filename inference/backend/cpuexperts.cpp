// The CPU backend's mixture-of-experts products. A batch's (token, expert) pairs are grouped by expert when
// the op runs (the router wrote the ids just before), each expert's activation rows gathered next to each
// other, so an expert's weights are read once for all the tokens routed to it (a matrix product per expert),
// then the outputs are scattered back, or summed with the router weights into the residual stream.
#include <algorithm>
#include <cstring>

#include "base/strformat.h"
#include "inference/backend/cpugraph.h"
#include "inference/cpu/ops.h"

namespace lantern::backend::detail {

Result<void> CpuGraph::matvecExperts(const ops::ExpertMatvecArgs& a, std::string_view label) {
    const auto* x = reinterpret_cast<const float*>(hostPointer(a.x));
    const auto* ids = reinterpret_cast<const uint32_t*>(hostPointer(a.ids));
    auto* y = reinterpret_cast<float*>(hostPointer(a.y));
    const auto* rw = a.routeWeights.buffer ? reinterpret_cast<const float*>(hostPointer(a.routeWeights)) : nullptr;
    if (x == nullptr || ids == nullptr || y == nullptr || (a.routeWeights.buffer && rw == nullptr)) {
        return fail(Errc::InvalidArgument, lantern::format("{}: an operand is not in host memory (CPU backend)", label));
    }
    if (a.glu || a.cache.stack.buffer) {
        return fail(Errc::InvalidArgument, lantern::format("{}: fused gate/up experts and the expert cache are GPU paths", label));
    }
    const uint32_t used = a.used, nTok = a.nTokens, pairs = nTok * used;
    if (a.xSlotStride != 0 && a.xTokenStride != used * a.xSlotStride) {
        return fail(Errc::InvalidArgument, lantern::format("{}: expert inputs must be [tokens][slots] rows", label));
    }
    auto m = m_be.matrix(a.experts.matrix, a.experts.nExpert);
    if (!m) {
        return std::unexpected(m.error());
    }
    const cpu::MatrixKernel* k = m->kernel;
    const uint32_t rows = a.experts.matrix.rows, cols = a.experts.matrix.cols, nExpert = a.experts.nExpert;
    const uint64_t yStride = a.yStride ? a.yStride : rows;
    // Every pair's input row, quantized once: per token (slots share it) or per pair.
    const bool perPair = a.xSlotStride != 0;
    const ActRef act = activations(k->act, x, cols, perPair ? a.xSlotStride : a.xTokenStride, perPair ? pairs : nTok,
                                   label);
    const uint64_t rowBytes = k->act == cpu::ActFormat::F32 ? uint64_t(cols) * 4 : cpu::actRowBytes(k->act, cols);
    need(kGather, uint64_t(pairs) * rowBytes);
    need(kExpOut, uint64_t(pairs) * rows * sizeof(float));
    // The grouping: [0] groups, [1 .. nExpert + 1] group starts by expert, then the sorted pair indices, then the
    // experts of the non-empty groups.
    need(kIndex, (2 + nExpert + 1 + 2 * pairs + nExpert) * sizeof(uint32_t));
    const uint32_t chunk = std::max<uint32_t>(k->rowBlock, std::min<uint32_t>(64, (rows + k->rowBlock - 1) / k->rowBlock * k->rowBlock));
    const uint32_t chunks = (rows + chunk - 1) / chunk;
    const std::byte* wd = m->data;
    const uint64_t wStride = m->stride;
    const bool accumulate = a.accumulate;
    push(label, [=, this](unsigned ith, unsigned nth, std::atomic<uint64_t>& next) {
        auto* idx = reinterpret_cast<uint32_t*>(scratch(kIndex));
        uint32_t* start = idx + 1;                     // nExpert + 1
        uint32_t* order = start + nExpert + 1;         // pairs, sorted by expert
        uint32_t* groups = order + pairs;              // experts with pairs
        uint32_t* where = groups + nExpert;            // pair p's place in the sorted order
        std::byte* gathered = scratch(kGather);
        auto* out = reinterpret_cast<float*>(scratch(kExpOut));
        const std::byte* xq = actPointer(act);
        if (ith == 0) {
            std::fill(start, start + nExpert + 1, 0u);
            for (uint32_t p = 0; p < pairs; ++p) {
                ++start[std::min(ids[p], nExpert - 1) + 1];
            }
            for (uint32_t e = 0; e < nExpert; ++e) {
                start[e + 1] += start[e];
            }
            uint32_t n = 0;
            for (uint32_t e = 0; e < nExpert; ++e) {
                if (start[e + 1] > start[e]) {
                    groups[n++] = e;
                }
            }
            idx[0] = n;
            // Counting sort, stable: pairs of one expert keep token order.
            std::vector<uint32_t> fill(start, start + nExpert);
            for (uint32_t p = 0; p < pairs; ++p) {
                const uint32_t s = fill[std::min(ids[p], nExpert - 1)]++;
                order[s] = p;
                where[p] = s;
                const uint32_t row = perPair ? p : p / used;
                std::memcpy(gathered + uint64_t(s) * rowBytes, xq + uint64_t(row) * act.stride, rowBytes);
            }
        }
        m_be.pool().barrier();
        const uint64_t items = uint64_t(idx[0]) * chunks;
        for (uint64_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < items;) {
            const uint32_t e = groups[i / chunks];
            const uint32_t c = uint32_t(i % chunks);
            cpu::MatArgs ma;
            ma.w = wd + e * wStride;
            ma.rows = rows;
            ma.cols = cols;
            ma.x = gathered + uint64_t(start[e]) * rowBytes;
            ma.xStride = rowBytes;
            ma.y = out + uint64_t(start[e]) * rows;
            ma.yStride = rows;
            ma.r0 = c * chunk;
            ma.r1 = std::min(rows, ma.r0 + chunk);
            ma.t0 = 0;
            ma.t1 = start[e + 1] - start[e];
            k->multiply(ma);
        }
        m_be.pool().barrier();
        // Back to the pairs' order, a token (all its slots) per thread at a time.
        for (uint32_t t = ith; t < nTok; t += nth) {
            if (rw != nullptr) {
                float* dst = y + uint64_t(t) * yStride;
                if (!accumulate) {
                    std::fill(dst, dst + rows, 0.f);
                }
                for (uint32_t j = 0; j < used; ++j) {
                    const uint32_t p = t * used + j;
                    const float* src = out + uint64_t(where[p]) * rows;
                    const float w = rw[p];
                    for (uint32_t r = 0; r < rows; ++r) {
                        dst[r] += w * src[r];
                    }
                }
            } else {
                for (uint32_t j = 0; j < used; ++j) {
                    const uint32_t p = t * used + j;
                    std::memcpy(y + uint64_t(p) * yStride, out + uint64_t(where[p]) * rows, rows * sizeof(float));
                }
            }
        }
    });
    wrote(y, (rw ? uint64_t(nTok) : uint64_t(pairs)) * yStride * sizeof(float));
    return {};
}

}  // namespace lantern::backend::detail
