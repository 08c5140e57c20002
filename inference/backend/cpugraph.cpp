#include "inference/backend/cpugraph.h"

#include <algorithm>
#include <cstring>

#include "base/strformat.h"
#include "inference/cpu/ops.h"

namespace lantern::backend::detail {

namespace {

using Next = std::atomic<uint64_t>;

Error noHost(std::string_view label, std::string_view what) {
    return {Errc::InvalidArgument, lantern::format("{}: {} is not in host memory (CPU backend)", label, what)};
}

float* floats(const gpu::BufferRange& r) { return reinterpret_cast<float*>(hostPointer(r)); }

// Rows per chunk a thread takes from a product's counter: big enough that the counter costs nothing, small
// enough that two threads finish together (decode: the 262,144-row output matrix is 1,024 chunks).
uint32_t chunkRows(uint32_t rows, uint32_t nTok, uint32_t rowBlock, unsigned nth) {
    uint32_t chunk = nTok == 1 ? 256 : 64;
    // At least 4 chunks per thread when the matrix is small.
    while (chunk > rowBlock && uint64_t(rows) < uint64_t(chunk) * nth * 4) {
        chunk /= 2;
    }
    chunk = std::max(chunk, rowBlock);
    return (chunk + rowBlock - 1) / rowBlock * rowBlock;
}

}  // namespace

CpuGraph::Op& CpuGraph::push(std::string_view label, Fn fn) {
    auto op = std::make_unique<Op>();
    op->label = std::string(label);
    op->run = std::move(fn);
    m_ops.push_back(std::move(op));
    return *m_ops.back();
}

void CpuGraph::need(Slot s, uint64_t bytes) { m_slotBytes[s] = std::max(m_slotBytes[s], bytes); }

void CpuGraph::wrote(const void* p, uint64_t bytes) {
    const auto* b = static_cast<const std::byte*>(p);
    for (Cached& c : m_cached) {
        if (!c.valid) {
            continue;
        }
        const auto* x = reinterpret_cast<const std::byte*>(c.x);
        const uint64_t span = (uint64_t(c.nTok - 1) * c.xStride + c.cols) * sizeof(float);
        if (b < x + span && x < b + bytes) {
            c.valid = false;
        }
    }
}

CpuGraph::ActRef CpuGraph::activations(cpu::ActFormat f, const float* x, uint32_t cols, uint64_t xStride,
                                       uint32_t nTok, std::string_view label) {
    if (f == cpu::ActFormat::F32) {
        return {kSlots, x, xStride * sizeof(float)};
    }
    const Slot slot = f == cpu::ActFormat::Q8 ? kActQ8 : kActQ8K;
    const uint64_t rowBytes = cpu::actRowBytes(f, cols);
    Cached& c = m_cached[slot];
    if (c.valid && c.x == x && c.cols == cols && c.nTok == nTok && c.xStride == xStride) {
        return {slot, x, rowBytes};
    }
    need(slot, rowBytes * nTok);
    push("quantize " + std::string(label), [this, f, x, cols, xStride, nTok, slot, rowBytes](unsigned ith, unsigned nth, Next&) {
        std::byte* out = scratch(slot);
        for (uint32_t t = ith; t < nTok; t += nth) {
            cpu::quantizeRow(f, x + t * xStride, cols, out + t * rowBytes);
        }
    });
    c = {x, cols, nTok, xStride, true};
    return {slot, x, rowBytes};
}

Result<void> CpuGraph::product(const ops::Weight& w, gpu::BufferRange xr, gpu::BufferRange yr, uint32_t nTok,
                               bool accumulate, std::string_view label) {
    const float* x = floats(xr);
    float* y = floats(yr);
    if (x == nullptr || y == nullptr) {
        return std::unexpected(noHost(label, "an activation"));
    }
    auto m = m_be.matrix(w);
    if (!m) {
        return std::unexpected(m.error());
    }
    const cpu::MatrixKernel* k = m->kernel;
    const ActRef act = activations(k->act, x, w.cols, w.cols, nTok, label);
    const uint32_t rows = w.rows, cols = w.cols;
    const std::byte* wd = m->data;
    const uint32_t chunk = chunkRows(rows, nTok, k->rowBlock, m_be.pool().size());
    const uint64_t chunks = (rows + chunk - 1) / chunk;
    push(label, [this, k, act, wd, rows, cols, y, nTok, accumulate, chunk, chunks](unsigned, unsigned,
                                                                                 std::atomic<uint64_t>& next) {
        cpu::MatArgs a;
        a.w = wd;
        a.rows = rows;
        a.cols = cols;
        a.x = actPointer(act);
        a.xStride = act.stride;
        a.y = y;
        a.yStride = rows;
        a.t0 = 0;
        a.t1 = nTok;
        a.accumulate = accumulate;
        for (uint64_t c; (c = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
            a.r0 = uint32_t(c * chunk);
            a.r1 = std::min<uint32_t>(rows, a.r0 + chunk);
            k->multiply(a);
        }
    });
    wrote(y, uint64_t(nTok) * rows * sizeof(float));
    return {};
}

Result<void> CpuGraph::matvec(const ops::Weight& w, gpu::BufferRange x, gpu::BufferRange y, bool accumulate,
                              std::string_view label) {
    return product(w, x, y, 1, accumulate, label);
}

Result<void> CpuGraph::matmul(const ops::Weight& w, gpu::BufferRange x, gpu::BufferRange y, uint32_t nTokens,
                              bool accumulate, std::string_view label) {
    return product(w, x, y, nTokens, accumulate, label);
}

// Gate and up products of the same rows in one op, each chunk's activation applied at once by the thread that
// computed it: one activation quantization and no barrier between the products and the GLU.
Result<void> CpuGraph::matvecGlu(const ops::Weight& gate, const ops::Weight& up, gpu::BufferRange xr,
                                 gpu::BufferRange yr, uint32_t act, std::string_view label) {
    const float* x = floats(xr);
    float* y = floats(yr);
    if (x == nullptr || y == nullptr) {
        return std::unexpected(noHost(label, "an activation"));
    }
    auto g = m_be.matrix(gate);
    auto u = m_be.matrix(up);
    if (!g || !u) {
        return std::unexpected(!g ? g.error() : u.error());
    }
    if (g->kernel != u->kernel || gate.rows != up.rows || gate.cols != up.cols) {
        return fail(Errc::InvalidArgument, lantern::format("{}: gate and up differ in type or shape", label));
    }
    const cpu::MatrixKernel* k = g->kernel;
    const ActRef a = activations(k->act, x, gate.cols, gate.cols, 1, label);
    const uint32_t rows = gate.rows, cols = gate.cols;
    need(kTmp, uint64_t(rows) * sizeof(float));
    const uint32_t chunk = chunkRows(rows, 1, k->rowBlock, m_be.pool().size());
    const uint64_t chunks = (rows + chunk - 1) / chunk;
    push(label, [this, k, a, gw = g->data, uw = u->data, rows, cols, y, act, chunk, chunks](unsigned, unsigned,
                                                                                          Next& next) {
        float* t = reinterpret_cast<float*>(scratch(kTmp));
        cpu::MatArgs m;
        m.rows = rows;
        m.cols = cols;
        m.x = actPointer(a);
        m.xStride = a.stride;
        m.yStride = rows;
        m.t0 = 0;
        m.t1 = 1;
        for (uint64_t c; (c = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
            m.r0 = uint32_t(c * chunk);
            m.r1 = std::min<uint32_t>(rows, m.r0 + chunk);
            m.w = gw;
            m.y = y;
            k->multiply(m);
            m.w = uw;
            m.y = t;
            k->multiply(m);
            if (act == 1) {
                cpu::geglu(y + m.r0, t + m.r0, y + m.r0, m.r1 - m.r0, 0, 1);
            } else {
                cpu::swiglu(y + m.r0, t + m.r0, y + m.r0, m.r1 - m.r0, 0, 1);
            }
        }
    });
    wrote(y, uint64_t(rows) * sizeof(float));
    return {};
}

Result<void> CpuGraph::getRows(const ops::Weight& table, const ops::GetRowsArgs& args, std::string_view label) {
    const std::byte* t = table.buffer ? table.buffer->hostData() : nullptr;
    const auto* ids = reinterpret_cast<const int32_t*>(hostPointer(args.ids));
    float* out = floats(args.out);
    if (t == nullptr || ids == nullptr || out == nullptr) {
        return std::unexpected(noHost(label, "the table, ids or output"));
    }
    t += table.offset;
    const uint64_t rowBytes = cpu::ggufRowBytes(table.type, table.cols);
    push(label, [=, type = table.type, rows = table.rows, cols = table.cols, n = args.nIds,
                s = args.scale](unsigned ith, unsigned nth, Next&) {
        cpu::getRows(type, t, rowBytes, rows, cols, ids, n, s, out, ith, nth);
    });
    wrote(out, uint64_t(args.nIds) * table.cols * sizeof(float));
    return {};
}

Result<void> CpuGraph::rmsnorm(const ops::RmsNormArgs& a, std::string_view label) {
    const float* x = floats(a.x);
    float* out = floats(a.out);
    const float* w = a.weight.buffer ? floats(a.weight) : nullptr;
    if (x == nullptr || out == nullptr || (a.weight.buffer && w == nullptr)) {
        return std::unexpected(noHost(label, "an operand"));
    }
    push(label, [=, rows = a.rows, cols = a.cols, eps = a.eps, stride = a.stride](unsigned ith, unsigned nth, Next&) {
        cpu::rmsnorm(x, w, out, rows, cols, eps, stride, ith, nth);
    });
    wrote(out, (uint64_t(a.rows - 1) * (a.stride ? a.stride : a.cols) + a.cols) * sizeof(float));
    return {};
}

Result<void> CpuGraph::add(gpu::BufferRange ar, gpu::BufferRange br, gpu::BufferRange outr, uint32_t n, uint32_t nb,
                           std::string_view label) {
    const float *a = floats(ar), *b = floats(br);
    float* out = floats(outr);
    if (a == nullptr || b == nullptr || out == nullptr) {
        return std::unexpected(noHost(label, "an operand"));
    }
    push(label, [=](unsigned ith, unsigned nth, Next&) { cpu::add(a, b, out, n, nb, ith, nth); });
    wrote(out, uint64_t(n) * sizeof(float));
    return {};
}

// out = act(gate) * up, act tanh-GELU (geglu) or SiLU (swiglu).
Result<void> CpuGraph::glu(bool gelu, gpu::BufferRange gr, gpu::BufferRange ur, gpu::BufferRange outr, uint32_t n,
                           std::string_view label) {
    const float *g = floats(gr), *u = floats(ur);
    float* out = floats(outr);
    if (g == nullptr || u == nullptr || out == nullptr) {
        return std::unexpected(noHost(label, "an operand"));
    }
    push(label, [=](unsigned ith, unsigned nth, Next&) {
        (gelu ? cpu::geglu : cpu::swiglu)(g, u, out, n, ith, nth);
    });
    wrote(out, uint64_t(n) * sizeof(float));
    return {};
}

Result<void> CpuGraph::geglu(gpu::BufferRange gate, gpu::BufferRange up, gpu::BufferRange out, uint32_t n,
                             std::string_view label) {
    return glu(true, gate, up, out, n, label);
}

Result<void> CpuGraph::swiglu(gpu::BufferRange gate, gpu::BufferRange up, gpu::BufferRange out, uint32_t n,
                              std::string_view label) {
    return glu(false, gate, up, out, n, label);
}

Result<void> CpuGraph::copyRows(gpu::BufferRange sr, gpu::BufferRange dr, uint32_t rows, uint32_t cols,
                                uint32_t srcStride, uint32_t dstStride, std::string_view label) {
    const float* s = floats(sr);
    float* d = floats(dr);
    if (s == nullptr || d == nullptr) {
        return std::unexpected(noHost(label, "an operand"));
    }
    push(label, [=](unsigned ith, unsigned nth, Next&) { cpu::copyRows(s, d, rows, cols, srcStride, dstStride, ith, nth); });
    wrote(d, (uint64_t(rows) * dstStride + cols) * sizeof(float));
    return {};
}

void CpuGraph::copy(gpu::BufferRange src, gpu::BufferRange dst) {
    const std::byte* s = hostPointer(src);
    std::byte* d = hostPointer(dst);
    const uint64_t bytes = src.size ? src.size : src.buffer->size() - src.offset;
    push("copy", [=](unsigned ith, unsigned, Next&) {
        if (ith == 0) {
            std::memcpy(d, s, bytes);
        }
    });
    wrote(d, bytes);
}

Result<Graph*> CpuGraph::hostStage(CpuBackend& cpu) {
    if (&cpu != &m_be) {
        return fail(Errc::InvalidArgument, "a CPU stage on another CPU backend");
    }
    return this;
}

Result<void> CpuGraph::rope(const ops::RopeArgs& a, std::string_view label) {
    float* x = floats(a.x);
    if (x == nullptr) {
        return std::unexpected(noHost(label, "x"));
    }
    cpu::RopeParams p;
    p.nTokens = a.nTokens;
    p.nHeads = a.nHeads;
    p.headDim = a.headDim;
    p.nRot = a.nRot ? a.nRot : a.headDim;
    p.pos0 = a.pos0;
    p.positions = a.positions.buffer ? reinterpret_cast<const int32_t*>(hostPointer(a.positions)) : nullptr;
    p.freqBase = a.freqBase;
    p.freqScale = a.freqScale;
    p.neox = a.neox;
    p.freqFactors = a.freqFactors.buffer ? floats(a.freqFactors) : nullptr;
    p.extFactor = a.yarn.extFactor;
    p.corrLow = a.yarn.corrLow;
    p.corrHigh = a.yarn.corrHigh;
    p.attnFactor = a.yarn.attnFactor;
    p.tokenStride = a.tokenStride;
    push(label, [=](unsigned ith, unsigned nth, Next&) { cpu::rope(x, p, ith, nth); });
    const uint64_t stride = a.tokenStride ? a.tokenStride : uint64_t(a.nHeads) * a.headDim;
    wrote(x, uint64_t(a.nTokens) * stride * sizeof(float));
    return {};
}

Result<void> CpuGraph::kvStore(const ops::KvStoreArgs& a, std::string_view label) {
    const float* src = floats(a.src);
    std::byte* cache = hostPointer(a.cache);
    const auto* step = reinterpret_cast<const ops::AttentionStep*>(a.step.buffer ? hostPointer(a.step) : nullptr);
    if (src == nullptr || cache == nullptr || (a.step.buffer && step == nullptr)) {
        return std::unexpected(noHost(label, "an operand"));
    }
    push(label, [=, n = a.nTokens, width = a.width, pos0 = a.pos0, f16 = a.f16](unsigned ith, unsigned nth, Next&) {
        cpu::kvStore(src, cache, n, width, step ? step->pos0 : pos0, f16, width, width, ith, nth);
    });
    return {};
}

Result<void> CpuGraph::attention(const ops::AttentionArgs& a, std::string_view label) {
    cpu::AttentionParams p;
    p.q = floats(a.q);
    p.k = hostPointer(a.k);
    p.v = hostPointer(a.v);
    p.out = floats(a.out);
    const auto* step = reinterpret_cast<const ops::AttentionStep*>(a.step.buffer ? hostPointer(a.step) : nullptr);
    if (p.q == nullptr || p.k == nullptr || p.v == nullptr || p.out == nullptr || (a.step.buffer && step == nullptr)) {
        return std::unexpected(noHost(label, "an operand"));
    }
    p.nTokens = a.nTokens;
    p.nHead = a.nHead;
    p.nHeadKv = a.nHeadKv;
    p.headDim = a.headDim;
    p.headDimV = a.headDimV ? a.headDimV : a.headDim;
    p.kStride = a.kStride;
    p.vStride = a.vStride;
    p.pos0 = a.pos0;
    p.window = a.window;
    p.scale = a.scale;
    p.softcap = a.softcap;
    p.kvF16 = a.kvF16;
    // Positions the cache holds: what the split decode may spread over the threads.
    const uint64_t kStride = a.kStride ? a.kStride : uint64_t(a.nHeadKv) * a.headDim;
    const uint64_t positions = (a.k.size ? a.k.size : a.k.buffer->size() - a.k.offset) / (kStride * (a.kvF16 ? 2 : 4));
    need(kAttention, cpu::attentionScratchFloats(uint32_t(positions), p.headDimV, m_be.pool().size()) * sizeof(float));
    push(label, [this, p, step](unsigned ith, unsigned nth, Next&) {
        cpu::AttentionParams q = p;
        if (step) {
            q.pos0 = step->pos0;
        }
        q.scratch = reinterpret_cast<float*>(scratch(kAttention));
        cpu::attention(q, ith, nth);
    });
    wrote(p.out, uint64_t(a.nTokens) * a.nHead * p.headDimV * sizeof(float));
    return {};
}

Result<void> CpuGraph::topK(const ops::TopKArgs& a, std::string_view label) {
    const float* v = floats(a.values);
    float* ov = floats(a.outValues);
    auto* oi = reinterpret_cast<uint32_t*>(hostPointer(a.outIndices));
    if (v == nullptr || ov == nullptr || oi == nullptr) {
        return std::unexpected(noHost(label, "an operand"));
    }
    push(label, [=, n = a.n, k = a.k](unsigned ith, unsigned, Next&) {
        if (ith == 0) {
            cpu::topK(v, n, k, ov, oi);
        }
    });
    return {};
}

Result<void> CpuGraph::moeRoute(const ops::MoeRouteArgs& a, std::string_view label) {
    cpu::MoeRouteParams p;
    p.logits = floats(a.logits);
    p.bias = a.bias.buffer ? floats(a.bias) : nullptr;
    p.ids = reinterpret_cast<uint32_t*>(hostPointer(a.ids));
    p.weights = floats(a.weights);
    if (p.logits == nullptr || p.ids == nullptr || p.weights == nullptr) {
        return std::unexpected(noHost(label, "an operand"));
    }
    p.nTokens = a.nTokens;
    p.nExpert = a.nExpert;
    p.used = a.used;
    p.sigmoid = a.sigmoid;
    p.normalize = a.normalize;
    p.scale = a.scale;
    p.nGroups = a.nGroups;
    p.groupsUsed = a.groupsUsed;
    push(label, [p](unsigned ith, unsigned nth, Next&) { cpu::moeRoute(p, ith, nth); });
    wrote(p.ids, uint64_t(a.nTokens) * a.used * 4);
    wrote(p.weights, uint64_t(a.nTokens) * a.used * 4);
    return {};
}

Result<void> CpuGraph::moeCombine(gpu::BufferRange yr, gpu::BufferRange wr, gpu::BufferRange outr, uint32_t nTokens,
                                  uint32_t width, uint32_t used, bool accumulate, std::string_view label) {
    const float *y = floats(yr), *w = floats(wr);
    float* out = floats(outr);
    if (y == nullptr || w == nullptr || out == nullptr) {
        return std::unexpected(noHost(label, "an operand"));
    }
    push(label, [=](unsigned ith, unsigned nth, Next&) {
        cpu::moeCombine(y, w, out, nTokens, width, used, accumulate, ith, nth);
    });
    wrote(out, uint64_t(nTokens) * width * sizeof(float));
    return {};
}

// The GPU's grouped prefill (moeSort + matmulExperts) has no CPU form: on the CPU, matvecExperts groups a
// batch's pairs by expert itself (cpuexperts.cpp), and the models pick it there (MoePrefill::Auto).
Result<void> CpuGraph::moeSort(gpu::BufferRange, gpu::BufferRange, uint32_t, uint32_t, uint32_t, std::string_view label) {
    return fail(Errc::InvalidArgument,
                lantern::format("{}: grouped mixture-of-experts prefill is a GPU path; the CPU groups in matvecExperts", label));
}

Result<void> CpuGraph::matmulExperts(const ops::ExpertMatmulArgs&, std::string_view label) {
    return fail(Errc::InvalidArgument,
                lantern::format("{}: grouped mixture-of-experts prefill is a GPU path; the CPU groups in matvecExperts", label));
}

}  // namespace lantern::backend::detail
