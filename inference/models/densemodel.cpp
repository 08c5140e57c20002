#include "inference/models/densemodel.h"

#include <cmath>
#include <cstring>
#include <tuple>

#include "base/strformat.h"
#include "inference/gguf/file.h"
#include "inference/backend/cpubackend.h"
#include "inference/backend/vulkanbackend.h"
#include "inference/models/tensorloader.h"

namespace lantern::models {

Result<std::unique_ptr<DenseModel>> DenseModel::load(gpu::Context& ctx, const gguf::File& file,
                                                     const ModelConfig& config, const Progress& progress,
                                                     const std::atomic<bool>* cancel, const MemoryPlan* plan) {
    auto be = std::make_unique<backend::VulkanBackend>(ctx);
    backend::Backend& ref = *be;
    return load(ref, file, config, progress, cancel, plan, std::move(be));
}

Result<std::unique_ptr<DenseModel>> DenseModel::load(backend::Backend& be, const gguf::File& file,
                                                     const ModelConfig& config, const Progress& progress,
                                                     const std::atomic<bool>* cancel, const MemoryPlan* plan,
                                                     std::unique_ptr<backend::Backend> owned) {
    if (config.headDimV != config.headDim && !config.mla) {
        return fail(Errc::ModelUnsupported, "attention with different key and value head sizes needs the MLA path");
    }
    std::unique_ptr<DenseModel> m(new DenseModel(be, config));
    m->m_ownedBackend = std::move(owned);
    if (be.isCpu()) {
        m->m_maxBatch = kCpuMaxBatch;
    }
    if (plan != nullptr && plan->cpuExperts && !plan->hostTensors.empty() && !be.isCpu()) {
        m->m_cpuExperts = std::make_unique<backend::CpuBackend>(backend::CpuOptions{.threads = plan->cpuThreads});
    }
    if (auto r = m->loadWeights(file, progress, cancel, plan); !r) {
        return std::unexpected(r.error());
    }
    if (progress) {
        progress(0.95f, be.isCpu() ? "preparing" : "pipelines");
    }
    // Every pipeline (or CPU kernel) this model needs, now: a missing variant is a load error, not a mid-answer one.
    auto prepare = [&](const ops::Weight& w) -> Result<void> { return be.prepareMatrix(w); };
    if (auto r = be.prepareCommon(); !r) {
        return std::unexpected(r.error());
    }
    if (auto r = be.prepareGetRows(m->m_w.tokenEmbd); !r) {
        return std::unexpected(r.error());
    }
    for (const LayerWeights& l : m->m_w.layers) {
        for (const ops::Weight* w : {&l.wq, &l.wk, &l.wv, &l.wo, &l.wGate, &l.wUp, &l.wDown, &l.router, &l.wqA, &l.wqB,
                                     &l.wkvA, &l.gateShexp, &l.upShexp, &l.downShexp}) {
            if (w->buffer == nullptr) {
                continue;  // dense FFN weights of an MoE layer, or the router of a dense one
            }
            if (auto r = prepare(*w); !r) {
                return std::unexpected(r.error());
            }
        }
        if (be.gluFusable(l.wGate, l.wUp)) {
            if (auto r = be.prepareMatvecGlu(l.wGate, l.wUp); !r) {
                return std::unexpected(r.error());
            }
        }
        for (const ops::ExpertWeights* e : {&l.gateUpExps, &l.gateExps, &l.upExps, &l.downExps, &l.wkB, &l.wvB}) {
            if (e->matrix.buffer == nullptr) {
                continue;
            }
            // Experts left in system memory for the CPU are the CPU backend's.
            backend::Backend& eb = m->m_cpuExperts && e->matrix.buffer->isHost() ? *m->m_cpuExperts : be;
            if (auto r = eb.prepareMoe(*e); !r) {
                return std::unexpected(r.error());
            }
        }
    }
    if (auto r = prepare(m->m_w.output); !r) {
        return std::unexpected(r.error());
    }
    if (plan != nullptr) {
        if (auto r = m->setUpExpertCache(*plan); !r) {
            return std::unexpected(r.error());
        }
    }
    if (auto r = m->allocateScratch(); !r) {
        return std::unexpected(r.error());
    }
    if (progress) {
        progress(1.f, "ready");
    }
    return m;
}

Result<void> DenseModel::loadWeights(const gguf::File& file, const Progress& progress,
                                     const std::atomic<bool>* cancel, const MemoryPlan* plan) {
    const ModelConfig& c = m_config;
    TensorLoader load(m_be, file, m_tensors, m_deviceBytes, m_hostBytes, plan);
    const uint64_t qd = uint64_t(c.nHead) * c.headDim, kd = uint64_t(c.nHeadKv) * c.headDim;
    const uint64_t vd = uint64_t(c.nHeadKv) * c.headDimV;
    uint32_t vocab = c.nVocab;
    if (const gguf::TensorInfo* t = file.tensor("token_embd.weight"); t && t->nDims == 2) {
        vocab = uint32_t(t->ne[1]);
    }
    m_config.nVocab = vocab;
// Assigns a loaded tensor or returns the loader's error.
#define LANTERN_TRY(target, expr)                   \
    do {                                            \
        auto loaded = (expr);                       \
        if (!loaded) {                              \
            return std::unexpected(loaded.error()); \
        }                                           \
        target = *loaded;                           \
    } while (0)
// Gate and up experts: fused when they share a type, else apart.
#define LANTERN_TRY_EXPERTS_GATE_UP()                                                                           \
    do {                                                                                                        \
        LANTERN_TRY(l.gateUpExps, load.gateUpExperts(p + "ffn_gate_exps.weight", p + "ffn_up_exps.weight", c.nEmbd, \
                                                     c.nFfExp, c.nExpert));                                     \
        if (l.gateUpExps.matrix.buffer == nullptr) {                                                            \
            LANTERN_TRY(l.gateExps, load.experts(p + "ffn_gate_exps.weight", c.nEmbd, c.nFfExp, c.nExpert));    \
            LANTERN_TRY(l.upExps, load.experts(p + "ffn_up_exps.weight", c.nEmbd, c.nFfExp, c.nExpert));        \
        }                                                                                                       \
    } while (0)
    LANTERN_TRY(m_w.tokenEmbd, load.matrix("token_embd.weight", c.nEmbd, vocab));
    m_w.layers.resize(c.nLayers);
    for (uint32_t il = 0; il < c.nLayers; ++il) {
        if (cancel && cancel->load()) {
            return fail(Errc::Cancelled, "loading was cancelled");
        }
        if (progress) {
            progress(0.9f * float(il) / float(c.nLayers), "uploading");
        }
        LayerWeights& l = m_w.layers[il];
        const std::string p = "blk." + std::to_string(il) + ".";
        LANTERN_TRY(l.attnNorm, load.vector(p + "attn_norm.weight", c.nEmbd));
        if (c.mla) {
            const uint64_t qm = uint64_t(c.nHead) * c.headDimMla;
            if (c.qLoraRank > 0) {
                LANTERN_TRY(l.wqA, load.matrix(p + "attn_q_a.weight", c.nEmbd, c.qLoraRank));
                LANTERN_TRY(l.qANorm, load.vector(p + "attn_q_a_norm.weight", c.qLoraRank));
                LANTERN_TRY(l.wqB, load.matrix(p + "attn_q_b.weight", c.qLoraRank, qm));
            } else {
                LANTERN_TRY(l.wq, load.matrix(p + "attn_q.weight", c.nEmbd, qm));
            }
            LANTERN_TRY(l.wkvA, load.matrix(p + "attn_kv_a_mqa.weight", c.nEmbd, c.kvLoraRank + c.ropeDim));
            LANTERN_TRY(l.kvANorm, load.vector(p + "attn_kv_a_norm.weight", c.kvLoraRank));
            LANTERN_TRY(l.wkB, load.experts(p + "attn_k_b.weight", c.headDimMla - c.ropeDim, c.kvLoraRank, c.nHead));
            LANTERN_TRY(l.wvB, load.experts(p + "attn_v_b.weight", c.kvLoraRank, c.headDimVMla, c.nHead));
            LANTERN_TRY(l.wo, load.matrix(p + "attn_output.weight", uint64_t(c.nHead) * c.headDimVMla, c.nEmbd));
            LANTERN_TRY(l.ffnNorm, load.vector(p + "ffn_norm.weight", c.nEmbd));
            if (c.isMoeLayer(il)) {
                LANTERN_TRY(l.router, load.matrix(p + "ffn_gate_inp.weight", c.nEmbd, c.nExpert));
                LANTERN_TRY(l.expProbsBias, load.vector(p + "exp_probs_b.bias", c.nExpert, true));
                LANTERN_TRY_EXPERTS_GATE_UP();
                LANTERN_TRY(l.downExps, load.experts(p + "ffn_down_exps.weight", c.nFfExp, c.nEmbd, c.nExpert));
                if (c.nExpertShared > 0) {
                    const uint64_t fs = uint64_t(c.nFfExp) * c.nExpertShared;
                    LANTERN_TRY(l.gateShexp, load.matrix(p + "ffn_gate_shexp.weight", c.nEmbd, fs));
                    LANTERN_TRY(l.upShexp, load.matrix(p + "ffn_up_shexp.weight", c.nEmbd, fs));
                    LANTERN_TRY(l.downShexp, load.matrix(p + "ffn_down_shexp.weight", fs, c.nEmbd));
                }
            } else {
                LANTERN_TRY(std::tie(l.wGate, l.wUp),
                            load.gateUp(p + "ffn_gate.weight", p + "ffn_up.weight", c.nEmbd, c.nFf));
                LANTERN_TRY(l.wDown, load.matrix(p + "ffn_down.weight", c.nFf, c.nEmbd));
            }
            continue;
        }
        LANTERN_TRY(l.wq, load.matrix(p + "attn_q.weight", c.nEmbd, qd));
        LANTERN_TRY(l.wk, load.matrix(p + "attn_k.weight", c.nEmbd, kd));
        LANTERN_TRY(l.wv, load.matrix(p + "attn_v.weight", c.nEmbd, vd));
        if (c.qkvBias) {
            LANTERN_TRY(l.bq, load.vector(p + "attn_q.bias", qd));
            LANTERN_TRY(l.bk, load.vector(p + "attn_k.bias", kd));
            LANTERN_TRY(l.bv, load.vector(p + "attn_v.bias", vd));
        }
        if (c.qkNorm) {
            LANTERN_TRY(l.qNorm, load.vector(p + "attn_q_norm.weight", c.headDim));
            LANTERN_TRY(l.kNorm, load.vector(p + "attn_k_norm.weight", c.headDim));
        }
        LANTERN_TRY(l.wo, load.matrix(p + "attn_output.weight", uint64_t(c.nHead) * c.headDimV, c.nEmbd));
        if (c.postNorms) {
            LANTERN_TRY(l.postAttnNorm, load.vector(p + "post_attention_norm.weight", c.nEmbd));
            LANTERN_TRY(l.postFfnNorm, load.vector(p + "post_ffw_norm.weight", c.nEmbd));
        }
        LANTERN_TRY(l.ffnNorm, load.vector(p + "ffn_norm.weight", c.nEmbd));
        if (c.isMoe()) {
            LANTERN_TRY(l.router, load.matrix(p + "ffn_gate_inp.weight", c.nEmbd, c.nExpert));
            LANTERN_TRY_EXPERTS_GATE_UP();
            LANTERN_TRY(l.downExps, load.experts(p + "ffn_down_exps.weight", c.nFfExp, c.nEmbd, c.nExpert));
        } else {
            LANTERN_TRY(std::tie(l.wGate, l.wUp), load.gateUp(p + "ffn_gate.weight", p + "ffn_up.weight", c.nEmbd, c.nFf));
            LANTERN_TRY(l.wDown, load.matrix(p + "ffn_down.weight", c.nFf, c.nEmbd));
        }
    }
    LANTERN_TRY(m_w.outputNorm, load.vector("output_norm.weight", c.nEmbd));
    // Llama 3.1+ (and DeepSeek-R1-Distill-Llama): per-dimension divisors of the rope frequencies, the file's
    // form of the llama3 rope scaling.
    LANTERN_TRY(m_w.ropeFreqs, load.vector("rope_freqs.weight", c.ropeDim / 2, true));
    if (load.has("output.weight")) {
        LANTERN_TRY(m_w.output, load.matrix("output.weight", c.nEmbd, vocab));
    } else {
        m_w.output = m_w.tokenEmbd;  // tied embeddings
        m_config.tiedOutput = true;
    }
#undef LANTERN_TRY_EXPERTS_GATE_UP
#undef LANTERN_TRY
    return {};
}

// Layers whose expert tensors the plan left in host memory get a device cache of their most used experts, as
// many per layer as plan.cacheBytes holds (and one binding can).
Result<void> DenseModel::setUpExpertCache(const MemoryPlan& plan) {
    const ModelConfig& c = m_config;
    if (m_cpuExperts) {
        return {};  // the CPU computes the offloaded experts where they are: nothing to cache on the GPU
    }
    uint64_t perExpert = 0, largest = 0;
    for (uint32_t il = 0; il < c.nLayers; ++il) {
        const LayerWeights& l = m_w.layers[il];
        std::vector<const ops::ExpertWeights*> host;
        const auto offloaded = [&](const char* name) {
            return plan.hostTensors.contains("blk." + std::to_string(il) + "." + name + ".weight");
        };
        for (auto [w, isHost] :
             {std::pair{&l.gateUpExps, offloaded("ffn_gate_exps") || offloaded("ffn_up_exps")},
              std::pair{&l.gateExps, offloaded("ffn_gate_exps")}, std::pair{&l.upExps, offloaded("ffn_up_exps")},
              std::pair{&l.downExps, offloaded("ffn_down_exps")}}) {
            if (w->matrix.buffer && isHost) {
                host.push_back(w);
                const uint64_t bytes = ops::rowBytes(w->matrix.type, w->matrix.cols) * w->matrix.rows;
                perExpert += bytes;
                largest = std::max(largest, bytes);
            }
        }
        if (!host.empty()) {
            m_cache.addLayer(il, std::move(host));
        }
    }
    if (!m_cache.active()) {
        return {};
    }
    gpu::Context* ctx = m_be.vulkanContext();
    if (ctx == nullptr) {
        return fail(Errc::Internal, "an expert cache needs a GPU");
    }
    uint64_t slots = plan.cacheBytes / perExpert;
    slots = std::min<uint64_t>(slots, (m_be.info().maxStorageBufferRange - 4) / largest);
    if (auto r = m_cache.allocate(*ctx, c.nExpert, uint32_t(std::min<uint64_t>(slots, c.nExpert))); !r) {
        return r;
    }
    m_deviceBytes += m_cache.deviceBytes();
    return {};
}

Result<void> DenseModel::allocateScratch() {
    const ModelConfig& c = m_config;
    const uint64_t b = m_maxBatch, f = sizeof(float);
    const uint64_t qd = uint64_t(c.nHead) * c.headDim, kd = uint64_t(c.nHeadKv) * c.headDim;
    struct Want {
        gpu::Buffer* buf;
        uint64_t bytes;
        gpu::Memory mem;
    };
    const uint64_t routed = b * c.nExpertUsed;  // (token, expert) pairs of a batch
    const uint64_t align = std::max<uint64_t>(m_be.info().minStorageBufferOffsetAlignment, 16);
    m_stepStride = (sizeof(ops::AttentionStep) + align - 1) / align * align;
    const bool moe = c.isMoe();
    // Widest dense FFN: the dense layers' (none in an all-MoE model) or the shared experts'.
    const uint64_t ffWidth = std::max<uint64_t>(c.nLeadingDense > 0 || !moe ? c.nFf : 0,
                                                uint64_t(c.nFfExp) * c.nExpertShared);
    const uint64_t heads = b * c.nHead;
    const Want wants[] = {
        {&m_qa, c.mla ? b * std::max(c.qLoraRank, 1u) * f : 16, gpu::Memory::Device},
        {&m_qmla, c.mla ? heads * c.headDim * f : 16, gpu::Memory::Device},
        {&m_vout, c.mla ? heads * c.headDimVMla * f : 16, gpu::Memory::Device},
        {&m_headIds, c.mla ? heads * 4 : 16, gpu::Memory::HostVisible},
        {&m_router, moe ? b * c.nExpert * f : 16, gpu::Memory::Device},
        // Every layer keeps its routing: the expert cache reads it back after the step.
        {&m_expIds, moe ? c.nLayers * routed * 4 : 16,
         m_cache.active() || m_cpuExperts ? gpu::Memory::HostVisible : gpu::Memory::Device},
        {&m_hHost, m_cpuExperts ? b * c.nEmbd * f : 16, gpu::Memory::HostVisible},
        {&m_ffnHost, m_cpuExperts ? b * c.nEmbd * f : 16, gpu::Memory::HostVisible},
        {&m_expWeights, moe ? routed * f : 16, m_cpuExperts ? gpu::Memory::HostVisible : gpu::Memory::Device},
        {&m_expGate, moe ? routed * c.nFfExp * f : 16, gpu::Memory::Device},
        {&m_expUp, moe ? routed * c.nFfExp * f : 16, gpu::Memory::Device},
        {&m_expSorted, moe ? ops::moeSortedBytes(m_maxBatch, c.nExpertUsed, c.nExpert) : 16, gpu::Memory::Device},
        {&m_expDown, moe ? routed * c.nEmbd * f : 16, gpu::Memory::Device},
        {&m_ids, b * 4, gpu::Memory::HostVisible},
        {&m_positions, 16, gpu::Memory::HostVisible},
        {&m_step, 2 * m_stepStride, gpu::Memory::HostVisible},
        {&m_x, b * c.nEmbd * f, gpu::Memory::Device},
        {&m_h, b * c.nEmbd * f, gpu::Memory::Device},
        {&m_q, b * std::max(qd, uint64_t(c.nHead) * c.headDimMla) * f, gpu::Memory::Device},
        {&m_k, b * kd * f, gpu::Memory::Device},
        {&m_v, b * kd * f, gpu::Memory::Device},
        {&m_att, b * uint64_t(c.nHead) * c.headDimV * f, gpu::Memory::Device},
        {&m_gate, std::max<uint64_t>(b * ffWidth * f, 16), gpu::Memory::Device},
        {&m_up, std::max<uint64_t>(b * ffWidth * f, 16), gpu::Memory::Device},
        {&m_tmp, b * c.nEmbd * f, gpu::Memory::Device},
        {&m_scratch, ops::attentionScratchBytes(c.nHead, c.headDimV), gpu::Memory::Device},
        {&m_logits, uint64_t(c.nVocab) * f, gpu::Memory::HostVisible},
        {&m_topScratch, ops::topKScratchBytes(c.nVocab, 1), gpu::Memory::Device},
        {&m_topValue, 16, gpu::Memory::Device},
        {&m_topIndex, 16, gpu::Memory::HostVisible},
    };
    for (const Want& w : wants) {
        auto buf = m_be.createBuffer(w.bytes, w.mem);
        if (!buf) {
            return std::unexpected(buf.error());
        }
        *w.buf = std::move(*buf);
        m_deviceBytes += w.bytes;
    }
    if (m_cpuExperts) {
        for (gpu::Buffer* buf : {&m_cpuGate, &m_cpuUp}) {
            auto host = m_cpuExperts->createBuffer(routed * c.nFfExp * f, gpu::Memory::Device);
            if (!host) {
                return std::unexpected(host.error());
            }
            *buf = std::move(*host);
        }
    }
    if (c.mla) {
        std::vector<uint32_t> ids(b * c.nHead);
        for (size_t i = 0; i < ids.size(); ++i) {
            ids[i] = uint32_t(i % c.nHead);
        }
        return m_headIds.upload(std::as_bytes(std::span(ids)));
    }
    return {};
}

Result<KvCache> DenseModel::newKvCache(uint32_t context) {
    static std::atomic<uint64_t> nextId{1};
    KvCache kv;
    kv.context = context;
    kv.id = nextId++;
    const uint64_t rowBytes = uint64_t(m_config.nHeadKv) * m_config.headDim * 2;  // f16
    for (uint32_t il = 0; il < m_config.nLayers; ++il) {
        for (auto* list : {&kv.k, &kv.v}) {
            if (list == &kv.v && m_config.mla) {
                list->emplace_back();  // the values live in the K cache
                continue;
            }
            auto buf = m_be.createBuffer(rowBytes * context);
            if (!buf) {
                return std::unexpected(buf.error());
            }
            list->push_back(std::move(*buf));
        }
    }
    return kv;
}

Result<void> DenseModel::project(backend::Graph& rec, const ops::Weight& w, gpu::BufferRange x, gpu::BufferRange y,
                                 uint32_t n, bool accumulate, std::string_view label) {
    if (n == 1) {
        return rec.matvec(w, x, y, accumulate, label);
    }
    return rec.matmul(w, x, y, n, accumulate, label);
}

Result<void> DenseModel::checkInput(const KvCache& kv, std::span<const int32_t> tokens, uint32_t pos0) const {
    if (tokens.empty()) {
        return fail(Errc::InvalidArgument, "no tokens to run");
    }
    if (pos0 + tokens.size() > kv.context) {
        return fail(Errc::ContextOverflow, lantern::format("{} tokens at position {} do not fit the context of {}",
                                                       tokens.size(), pos0, kv.context));
    }
    for (int32_t t : tokens) {
        if (t < 0 || uint32_t(t) >= m_config.nVocab) {
            return fail(Errc::InvalidArgument, lantern::format("token id {} is outside the vocabulary", t));
        }
    }
    return {};
}

Result<void> DenseModel::forward(KvCache& kv, std::span<const int32_t> tokens, uint32_t pos0, std::span<float> logits) {
    if (auto ok = checkInput(kv, tokens, pos0); !ok) {
        return ok;
    }
    for (size_t done = 0; done < tokens.size(); done += m_maxBatch) {
        const size_t n = std::min<size_t>(m_maxBatch, tokens.size() - done);
        const bool last = done + n == tokens.size();
        if (auto r = step(kv, tokens.subspan(done, n), pos0 + uint32_t(done), last ? Logits::Last : Logits::None); !r) {
            return r;
        }
    }
    if (logits.size() < m_config.nVocab) {
        return fail(Errc::InvalidArgument, "logits buffer too small");
    }
    return m_logits.download(std::as_writable_bytes(logits.first(m_config.nVocab)));
}

Result<int32_t> DenseModel::forwardGreedy(KvCache& kv, std::span<const int32_t> tokens, uint32_t pos0) {
    if (auto ok = checkInput(kv, tokens, pos0); !ok) {
        return std::unexpected(ok.error());
    }
    for (size_t done = 0; done < tokens.size(); done += m_maxBatch) {
        const size_t n = std::min<size_t>(m_maxBatch, tokens.size() - done);
        const bool last = done + n == tokens.size();
        if (auto r = step(kv, tokens.subspan(done, n), pos0 + uint32_t(done), last ? Logits::LastArgmax : Logits::None);
            !r) {
            return std::unexpected(r.error());
        }
    }
    uint32_t index = 0;
    if (auto r = m_topIndex.download(std::as_writable_bytes(std::span(&index, 1))); !r) {
        return std::unexpected(r.error());
    }
    if (index >= m_config.nVocab) {
        return fail(Errc::Internal, "the argmax of the logits is outside the vocabulary (NaN logits?)");
    }
    return int32_t(index);
}

Result<void> DenseModel::forwardAll(KvCache& kv, std::span<const int32_t> tokens, uint32_t pos0,
                                    std::span<float> logits) {
    const uint64_t V = m_config.nVocab;
    if (auto ok = checkInput(kv, tokens, pos0); !ok) {
        return ok;
    }
    if (logits.size() < tokens.size() * V) {
        return fail(Errc::InvalidArgument, "forwardAll needs a logits buffer of tokens x vocabulary");
    }
    const uint32_t batch = std::min(kAllLogitsBatch, m_maxBatch);
    if (!m_allLogits.valid()) {
        auto buf = m_be.createBuffer(uint64_t(batch) * V * sizeof(float), gpu::Memory::HostVisible);
        if (!buf) {
            return std::unexpected(buf.error());
        }
        m_allLogits = std::move(*buf);
    }
    for (size_t done = 0; done < tokens.size(); done += batch) {
        const size_t n = std::min<size_t>(batch, tokens.size() - done);
        if (auto r = step(kv, tokens.subspan(done, n), pos0 + uint32_t(done), Logits::All); !r) {
            return r;
        }
        auto out = logits.subspan(done * V, n * V);
        if (auto r = m_allLogits.download(std::as_writable_bytes(out)); !r) {
            return r;
        }
    }
    return {};
}

// What every layer's attention shares: the layer's K cache, the output, split scratch, positions, the window of
// sliding-window layers, the scale and the step parameters; callers add q, v and the head shapes.
ops::AttentionArgs DenseModel::attentionArgs(const KvCache& kv, uint32_t il, uint32_t n, uint32_t pos0, bool local) const {
    ops::AttentionArgs a;
    a.k = gpu::BufferRange(kv.k[il]);
    a.out = gpu::BufferRange(m_att);
    a.scratch = gpu::BufferRange(m_scratch);
    a.nTokens = n;
    a.nHead = m_config.nHead;
    a.pos0 = pos0;
    a.window = local ? m_config.slidingWindow : 0;
    a.scale = m_config.attnScale;
    a.kvF16 = true;
    a.step = stepParams(local);
    return a;
}

// The step parameters a re-submittable decode step reads: [global layers' AttentionStep][sliding-window
// layers'], each at a binding-aligned offset; empty when the step being recorded is not re-submittable.
gpu::BufferRange DenseModel::stepParams(bool local) const {
    if (!m_dynamic) {
        return {};
    }
    return gpu::BufferRange(m_step, local ? m_stepStride : 0, sizeof(ops::AttentionStep));
}

Result<void> DenseModel::writeStepParams(uint32_t pos0) {
    const ops::AttentionStep global = ops::attentionStep(pos0, 1, 0, m_config.nHead, true);
    const ops::AttentionStep local = ops::attentionStep(pos0, 1, m_config.slidingWindow, m_config.nHead, true);
    if (auto r = m_step.upload(std::as_bytes(std::span(&global, 1)), 0); !r) {
        return r;
    }
    if (auto r = m_step.upload(std::as_bytes(std::span(&local, 1)), m_stepStride); !r) {
        return r;
    }
    const int32_t pos = int32_t(pos0);
    return m_positions.upload(std::as_bytes(std::span(&pos, 1)));
}

// One batch through every layer, read top to bottom like the reference model. Gemma 3 differs by its
// flags: scaled embeddings, Q/K norms, post-attention and post-FFN norms, GeGLU, sliding-window layers
// with their own RoPE base.
Result<void> DenseModel::step(KvCache& kv, std::span<const int32_t> tokens, uint32_t pos0, Logits wantLogits) {
    const ModelConfig& c = m_config;
    const uint32_t n = uint32_t(tokens.size());
    const uint32_t E = c.nEmbd, QD = c.nHead * c.headDim, KD = c.nHeadKv * c.headDim;
    if (auto r = m_ids.upload(std::as_bytes(tokens)); !r) {
        return r;
    }
    // A decode step is recorded once and re-submitted at every later position: the token, its position and
    // the attention's split and grid live in buffers written here. Not with profiling (timestamps) or an
    // expert cache (its fills change between steps).
    m_dynamic = m_reuseSteps && n == 1 && !m_profile && !m_cache.active() &&
                (wantLogits == Logits::Last || wantLogits == Logits::LastArgmax);
    if (m_dynamic) {
        if (auto r = writeStepParams(pos0); !r) {
            return r;
        }
        if (m_graph && m_graphKv == kv.id && m_graphLogits == int(wantLogits)) {
            auto r = m_graph->resubmitAndWait();
            if (!r) {
                m_graph.reset();
            }
            m_lastDispatches = m_graph ? m_graph->dispatchCount() : 0;
            return r;
        }
        m_graph.reset();  // recorded for another cache or output: record anew
    }
    auto recorded = m_be.record(m_profile);
    if (!recorded) {
        return std::unexpected(recorded.error());
    }
    std::unique_ptr<backend::Graph> rec = std::move(*recorded);
    ++m_recordings;
    if (m_cache.active()) {
        m_cache.recordFills(*rec->vulkanRecorder());  // experts chosen after the last step, into the device cache
    }  // experts chosen after the last step, into the device cache
    Result<void> ok;
    // Records one op; the first failure stops recording and is returned.
    auto run = [&](Result<void> r) {
        if (ok && !r) {
            ok = std::move(r);
        }
    };
    using gpu::BufferRange;
    const BufferRange x(m_x), h(m_h), q(m_q), k(m_k), v(m_v), att(m_att), gate(m_gate), up(m_up), tmp(m_tmp);

    run(rec->getRows(m_w.tokenEmbd,
                     {BufferRange(m_ids), x, n, c.embedScale ? std::sqrt(float(E)) : 1.f}, "token_embd"));
    for (uint32_t il = 0; il < c.nLayers && ok; ++il) {
        const LayerWeights& l = m_w.layers[il];
        const std::string L = " L" + std::to_string(il);
        const bool local = c.isLocalLayer(il);

        // Attention block.
        run(rec->rmsnorm({x, l.attnNorm, h, n, E, c.normEps}, "attn_norm" + L));
        if (c.mla) {
            recordLatentAttention(*rec, kv, il, n, pos0, run);
        } else {
        run(project(*rec, l.wq, h, q, n, false, "attn_q" + L));
        run(project(*rec, l.wk, h, k, n, false, "attn_k" + L));
        run(project(*rec, l.wv, h, v, n, false, "attn_v" + L));
        if (c.qkvBias) {
            run(rec->add(q, l.bq, q, n * QD, QD, "attn_q_bias" + L));
            run(rec->add(k, l.bk, k, n * KD, KD, "attn_k_bias" + L));
            run(rec->add(v, l.bv, v, n * KD, KD, "attn_v_bias" + L));
        }
        if (c.qkNorm) {
            run(rec->rmsnorm({q, l.qNorm, q, n * c.nHead, c.headDim, c.normEps}, "attn_q_norm" + L));
            run(rec->rmsnorm({k, l.kNorm, k, n * c.nHeadKv, c.headDim, c.normEps}, "attn_k_norm" + L));
        }
        ops::RopeArgs rope;
        rope.nTokens = n;
        rope.headDim = c.headDim;
        rope.nRot = c.ropeDim;
        rope.pos0 = pos0;
        rope.positions = m_dynamic ? BufferRange(m_positions) : BufferRange();
        rope.freqBase = local ? c.ropeBaseLocal : c.ropeBase;
        rope.freqScale = local ? 1.f : c.ropeFreqScale;
        if (c.ropeYarn && !local) {
            rope.yarn = ops::yarnRamp(c.ropeDim, c.yarnOrigContext, c.ropeBase, c.yarnBetaFast, c.yarnBetaSlow);
        }
        rope.neox = c.ropeNeox;
        rope.freqFactors = m_w.ropeFreqs;
        rope.x = q;
        rope.nHeads = c.nHead;
        run(rec->rope(rope, "rope_q" + L));
        rope.x = k;
        rope.nHeads = c.nHeadKv;
        run(rec->rope(rope, "rope_k" + L));
        run(rec->kvStore({k, BufferRange(kv.k[il]), n, KD, pos0, true, stepParams(local)}, "k_store" + L));
        run(rec->kvStore({v, BufferRange(kv.v[il]), n, KD, pos0, true, stepParams(local)}, "v_store" + L));
        ops::AttentionArgs a = attentionArgs(kv, il, n, pos0, local);
        a.q = q;
        a.v = BufferRange(kv.v[il]);
        a.nHeadKv = c.nHeadKv;
        a.headDim = c.headDim;
        run(rec->attention(a, "attention" + L));
        if (c.postNorms) {
            run(project(*rec, l.wo, att, tmp, n, false, "attn_output" + L));
            run(rec->rmsnorm({tmp, l.postAttnNorm, tmp, n, E, c.normEps}, "post_attention_norm" + L));
            run(rec->add(x, tmp, x, n * E, n * E, "attn_residual" + L));
        } else {
            run(project(*rec, l.wo, att, x, n, true, "attn_output" + L));  // residual fused
        }
        }  // standard attention

        // Feed-forward block.
        run(rec->rmsnorm({x, l.ffnNorm, h, n, E, c.normEps}, "ffn_norm" + L));
        if (c.isMoeLayer(il)) {
            recordMoeFfn(*rec, il, n, run);
            continue;
        }
        const bool gelu = c.activation == Activation::GeluTanh;
        if (n == 1 && m_be.gluFusable(l.wGate, l.wUp)) {
            run(rec->matvecGlu(l.wGate, l.wUp, h, gate, gelu ? 1 : 0, "ffn_gate_up" + L));
        } else {
            run(project(*rec, l.wGate, h, gate, n, false, "ffn_gate" + L));
            run(project(*rec, l.wUp, h, up, n, false, "ffn_up" + L));
            if (gelu) {
                run(rec->geglu(gate, up, gate, n * c.nFf, "ffn_geglu" + L));
            } else {
                run(rec->swiglu(gate, up, gate, n * c.nFf, "ffn_swiglu" + L));
            }
        }
        if (c.postNorms) {
            run(project(*rec, l.wDown, gate, tmp, n, false, "ffn_down" + L));
            run(rec->rmsnorm({tmp, l.postFfnNorm, tmp, n, E, c.normEps}, "post_ffw_norm" + L));
            run(rec->add(x, tmp, x, n * E, n * E, "ffn_residual" + L));
        } else {
            run(project(*rec, l.wDown, gate, x, n, true, "ffn_down" + L));
        }
    }
    if (wantLogits == Logits::All && ok) {
        run(rec->rmsnorm({x, m_w.outputNorm, h, n, E, c.normEps}, "output_norm"));
        run(project(*rec, m_w.output, h, BufferRange(m_allLogits), n, false, "output"));
    }
    if ((wantLogits == Logits::Last || wantLogits == Logits::LastArgmax) && ok) {
        // Only the last token's logits are needed: copy its row out, normalise, project.
        rec->copy(BufferRange(m_x, uint64_t(n - 1) * E * 4, uint64_t(E) * 4), BufferRange(m_tmp, 0, uint64_t(E) * 4));
        run(rec->rmsnorm({BufferRange(m_tmp), m_w.outputNorm, h, 1, E, c.normEps}, "output_norm"));
        run(rec->matvec(m_w.output, h, BufferRange(m_logits), false, "output"));
        if (wantLogits == Logits::LastArgmax) {
            ops::TopKArgs top;
            top.values = BufferRange(m_logits);
            top.scratch = BufferRange(m_topScratch);
            top.outValues = BufferRange(m_topValue);
            top.outIndices = BufferRange(m_topIndex);
            top.n = c.nVocab;
            top.k = 1;
            run(rec->topK(top, "argmax"));
        }
    }
    if (!ok) {
        return ok;
    }
    m_lastDispatches = rec->dispatchCount();
    auto submitted = rec->submitAndWait();
    if (m_profile) {
        m_timings = rec->timings();
    }
    if (submitted && m_dynamic) {
        m_graph = std::move(rec);
        m_graphKv = kv.id;
        m_graphLogits = int(wantLogits);
    }
    if (!submitted || !m_cache.active()) {
        return submitted;
    }
    // The step's routing, layer by layer, to the expert cache: hits, bytes moved, what to cache next.
    const uint64_t idBytes = uint64_t(m_maxBatch) * c.nExpertUsed * 4;
    std::vector<uint32_t> ids(size_t(n) * c.nExpertUsed);
    for (uint32_t il = 0; il < c.nLayers; ++il) {
        if (!c.isMoeLayer(il)) {
            continue;
        }
        if (auto r = m_expIds.download(std::as_writable_bytes(std::span(ids)), il * idBytes); !r) {
            return r;
        }
        m_cache.observe(il, ids);
    }
    return m_cache.endStep(n);
}

}  // namespace lantern::models
