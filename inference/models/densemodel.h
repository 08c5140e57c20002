#pragma once
// Decoder models (llama, qwen2, qwen3, gemma3, and qwen3moe with mixture-of-experts FFNs) on the GPU: weights uploaded once, the forward
// pass recorded as one command buffer per step. Differences between families are ModelConfig flags.
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "inference/backend/backend.h"
#include "inference/models/config.h"
#include "inference/models/expertcache.h"
#include "inference/models/memoryplan.h"
#include "inference/ops/ops.h"
#include "inference/vulkan/gpu.h"

namespace lantern::gguf {
class File;
}

namespace lantern::models {

// One layer's tensors. Matrices are [cols = input, rows = output] as in GGUF; vectors are f32.
struct LayerWeights {
    gpu::BufferRange attnNorm;       // [nEmbd]
    ops::Weight wq;                  // [nEmbd, nHead*headDim]
    ops::Weight wk;                  // [nEmbd, nHeadKv*headDim]
    ops::Weight wv;                  // [nEmbd, nHeadKv*headDimV]
    gpu::BufferRange bq, bk, bv;     // qwen2 biases [rows]
    gpu::BufferRange qNorm, kNorm;   // qwen3/gemma3 per-head norms [headDim]
    ops::Weight wo;                  // [nHead*headDimV, nEmbd]
    gpu::BufferRange postAttnNorm;   // gemma3 [nEmbd]
    gpu::BufferRange ffnNorm;        // [nEmbd]
    ops::Weight wGate;               // [nEmbd, nFf]
    ops::Weight wUp;                 // [nEmbd, nFf]
    ops::Weight wDown;               // [nFf, nEmbd]
    ops::Weight router;              // MoE: ffn_gate_inp [nEmbd, nExpert]
    ops::ExpertWeights gateExps;     // MoE: ffn_gate_exps [nEmbd, nFfExp, nExpert]
    ops::ExpertWeights upExps;       // MoE: ffn_up_exps [nEmbd, nFfExp, nExpert]
    ops::ExpertWeights downExps;     // MoE: ffn_down_exps [nFfExp, nEmbd, nExpert]
    ops::ExpertWeights gateUpExps;   // MoE, gate and up of one type: per expert its gate rows then its up rows
                                     // (2 * nFfExp rows; gateExps and upExps are then empty)
    gpu::BufferRange expProbsBias;   // DeepSeek-V3: exp_probs_b, selection-only router bias [nExpert]
    ops::Weight gateShexp, upShexp;  // DeepSeek: shared experts [nEmbd, nFfExp * nExpertShared]
    ops::Weight downShexp;           //   [nFfExp * nExpertShared, nEmbd]
    // Multi-head latent attention (deepseek2). Q: wq, or wqA -> qANorm -> wqB (low rank).
    ops::Weight wqA;                 // [nEmbd, qLoraRank]
    gpu::BufferRange qANorm;         // [qLoraRank]
    ops::Weight wqB;                 // [qLoraRank, nHead * headDimMla]
    ops::Weight wkvA;                // attn_kv_a_mqa [nEmbd, kvLoraRank + ropeDim]
    gpu::BufferRange kvANorm;        // [kvLoraRank]
    ops::ExpertWeights wkB;          // attn_k_b [headDimMla - ropeDim, kvLoraRank, nHead]: one matrix per head
    ops::ExpertWeights wvB;          // attn_v_b [kvLoraRank, headDimVMla, nHead]
    gpu::BufferRange postFfnNorm;    // gemma3 [nEmbd]
};

struct ModelWeights {
    ops::Weight tokenEmbd;           // [nEmbd, nVocab]
    std::vector<LayerWeights> layers;
    gpu::BufferRange outputNorm;     // [nEmbd]
    gpu::BufferRange ropeFreqs;      // [ropeDim / 2] rope frequency divisors (Llama 3.1+); empty = none
    ops::Weight output;              // [nEmbd, nVocab]; token_embd when tied
};

// A session's KV cache: per layer, K and V of [context][nHeadKv*headDim] f16. With latent attention (deepseek2)
// only K: [context][kvLoraRank + ropeDim], the compressed KV and the rope key; the values are its first
// kvLoraRank columns.
struct KvCache {
    uint32_t context = 0;
    uint64_t id = 0;  // unique per cache: a recorded decode step is re-submitted only for the cache it was made for
    std::vector<gpu::Buffer> k;
    std::vector<gpu::Buffer> v;
};

class DenseModel {
public:
    using Progress = std::function<void(float, std::string_view)>;
    // plan: where each tensor goes (memoryplan.h); nullptr = everything in device memory.
    // On the GPU of ctx (a Vulkan backend the model owns).
    static Result<std::unique_ptr<DenseModel>> load(gpu::Context& ctx, const gguf::File& file,
                                                    const ModelConfig& config, const Progress& progress,
                                                    const std::atomic<bool>* cancel,
                                                    const MemoryPlan* plan = nullptr);
    // On any backend (backend.h): `be` must outlive the model unless it is handed over as `owned`. The CPU
    // backend uses the weights in place from the mapped file, which must then outlive the model too.
    static Result<std::unique_ptr<DenseModel>> load(backend::Backend& be, const gguf::File& file,
                                                    const ModelConfig& config, const Progress& progress,
                                                    const std::atomic<bool>* cancel, const MemoryPlan* plan,
                                                    std::unique_ptr<backend::Backend> owned = nullptr);
    backend::Backend& backend() const { return m_be; }
    const ModelConfig& config() const { return m_config; }
    uint64_t deviceBytes() const { return m_deviceBytes; }
    uint64_t hostBytes() const { return m_hostBytes; }  // weights kept in host memory (expert offload)
    // With experts computed on the CPU: its backend (its name, threads); nullptr otherwise.
    const backend::Backend* cpuExpertBackend() const { return m_cpuExperts.get(); }
    // With expert offload: the device cache of the most used experts (hit rate, bytes moved).
    const ExpertCache& expertCache() const { return m_cache; }
    void resetExpertCacheStats() { m_cache.resetStats(); }

    Result<KvCache> newKvCache(uint32_t context);
    // Runs tokens at positions pos0.. through the model, filling the cache; writes the logits of the
    // last token to logits (nVocab floats). Splits long inputs into batches of maxBatch().
    Result<void> forward(KvCache& kv, std::span<const int32_t> tokens, uint32_t pos0, std::span<float> logits);
    uint32_t maxBatch() const { return m_maxBatch; }
    // Like forward, but returns only the most likely next token (ties: the lower id), found on the GPU: greedy
    // decoding reads back 4 bytes per token instead of the whole vocabulary's logits.
    Result<int32_t> forwardGreedy(KvCache& kv, std::span<const int32_t> tokens, uint32_t pos0);
    // Like forward, but writes the logits of EVERY token: logits holds tokens.size() rows of nVocab floats.
    // For teacher-forced comparisons with a reference engine (tests, scripts); runs in batches of
    // kAllLogitsBatch tokens so the logits buffer stays small (16 x 262,144 floats for Gemma 3).
    static constexpr uint32_t kAllLogitsBatch = 16;
    Result<void> forwardAll(KvCache& kv, std::span<const int32_t> tokens, uint32_t pos0, std::span<float> logits);
    // Dispatches of the last forward call (for reports).
    size_t lastDispatchCount() const { return m_lastDispatches; }
    // With profiling on, every step records GPU timestamps around each dispatch.
    void setProfiling(bool on) { m_profile = on; }
    // Decode steps are recorded once per cache and re-submitted (on by default); off records every step anew.
    size_t recordings() const { return m_recordings; }  // command buffers recorded so far
    void setStepReuse(bool on) {
        m_reuseSteps = on;
        m_graph.reset();
    }
    // How a mixture of experts runs a batch of several tokens: per (token, expert) pair with matrix-vector
    // products, or grouped by expert on the GPU with one tiled matrix product per expert. Auto groups on GPUs
    // when the experts get enough tokens each (kGroupedPairsPerExpert on average). Not on CPU Vulkan devices:
    // on lavapipe the pairs were faster at every batch measured (Qwen3-30B-A3B layer shapes, 128 tokens in
    // batches of 64: 14.8 against 5.4 tok/s; 256 in one batch, 16 pairs per expert: 16.4 against 12.1), the
    // CPU's caches serving an expert's repeated reads while the tiles' shared-memory work costs full price.
    enum class MoePrefill { Auto, Grouped, Pairs };
    void setMoePrefill(MoePrefill m) { m_moePrefill = m; }
    static constexpr uint32_t kGroupedPairsPerExpert = 4;
    const std::vector<gpu::Recorder::Timing>& lastTimings() const { return m_timings; }

private:
    DenseModel(backend::Backend& be, ModelConfig config) : m_be(be), m_config(std::move(config)) {}
    Result<void> loadWeights(const gguf::File& file, const Progress& progress, const std::atomic<bool>* cancel,
                             const MemoryPlan* plan);
    Result<void> allocateScratch();
    Result<void> setUpExpertCache(const MemoryPlan& plan);
    // Empty input, context overflow or a token outside the vocabulary: an error before anything runs.
    Result<void> checkInput(const KvCache& kv, std::span<const int32_t> tokens, uint32_t pos0) const;
    enum class Logits { None, Last, LastArgmax, All };
    Result<void> step(KvCache& kv, std::span<const int32_t> tokens, uint32_t pos0, Logits logits);
    gpu::BufferRange stepParams(bool local) const;
    ops::AttentionArgs attentionArgs(const KvCache& kv, uint32_t il, uint32_t n, uint32_t pos0, bool local) const;
    Result<void> writeStepParams(uint32_t pos0);
    void recordLatentAttention(backend::Graph& rec, KvCache& kv, uint32_t il, uint32_t n, uint32_t pos0,
                               const std::function<void(Result<void>)>& run);
    // The mixture-of-experts feed-forward block of layer il (moeffn.cpp): reads h, adds to x.
    void recordMoeFfn(backend::Graph& rec, uint32_t il, uint32_t n, const std::function<void(Result<void>)>& run);
    // y = W x for n tokens (matvec for one, matmul for more).
    Result<void> project(backend::Graph& rec, const ops::Weight& w, gpu::BufferRange x, gpu::BufferRange y,
                         uint32_t n, bool accumulate, std::string_view label);

    backend::Backend& m_be;
    std::unique_ptr<backend::Backend> m_ownedBackend;  // when load() was given a Context, or handed a backend
    // Experts on the CPU (MemoryPlan::cpuExperts): the CPU backend computing the offloaded experts, their inputs
    // and outputs in host-visible memory both sides read ([maxBatch][nEmbd]), and the CPU's gate/up activations.
    std::unique_ptr<backend::Backend> m_cpuExperts;
    gpu::Buffer m_hHost, m_ffnHost, m_cpuGate, m_cpuUp;
    ModelConfig m_config;
    std::deque<gpu::Buffer> m_tensors;  // every uploaded tensor (deque: Weights point into it)
    ModelWeights m_w;
    uint64_t m_deviceBytes = 0;
    uint64_t m_hostBytes = 0;
    // Tokens per forward step. The CPU runs a whole 512-token prompt as one batch (llama-bench's pp512): its matrix
    // products then read each weight block once for the batch; GPUs get 64 (scratch in device memory).
    uint32_t m_maxBatch = 64;
    static constexpr uint32_t kCpuMaxBatch = 512;
    size_t m_lastDispatches = 0;
    bool m_profile = false;
    std::vector<gpu::Recorder::Timing> m_timings;
    // Activations, [maxBatch][width] f32.
    gpu::Buffer m_ids, m_x, m_h, m_q, m_k, m_v, m_att, m_gate, m_up, m_tmp, m_scratch, m_logits;
    // Mixture of experts: router logits [maxBatch][nExpert], chosen ids and weights [maxBatch][used],
    // expert gate/up [maxBatch * used][nFfExp] (the down projection sums straight into the residual stream).
    gpu::Buffer m_router, m_expIds, m_expWeights, m_expGate, m_expUp;
    // Grouped prefill: the batch's pairs grouped by expert (ops::moeSort) and the experts' down projections
    // per pair [maxBatch * used][nEmbd] before the weighted sum.
    gpu::Buffer m_expSorted, m_expDown;
    MoePrefill m_moePrefill = MoePrefill::Auto;
    // Latent attention: low-rank Q [maxBatch][qLoraRank], the attention query [maxBatch][nHead][headDim], the
    // heads' values after attn_v_b [maxBatch][nHead][headDimVMla], and head ids 0..nHead-1 per token (the
    // per-head matrices run as "experts" chosen by these ids).
    gpu::Buffer m_qa, m_qmla, m_vout, m_headIds;
    ExpertCache m_cache;
    // Re-submitted decode steps: the recording, the cache and output it was made for, and what each run
    // rewrites: the position (rope) and the attention step parameters (ops::AttentionStep, global then local).
    std::unique_ptr<backend::Graph> m_graph;
    uint64_t m_graphKv = 0;
    int m_graphLogits = -1;
    bool m_reuseSteps = true;
    size_t m_recordings = 0;
    bool m_dynamic = false;  // the step being recorded reads its position from m_positions / m_step
    gpu::Buffer m_positions, m_step;
    uint64_t m_stepStride = 0;
    gpu::Buffer m_allLogits;
    gpu::Buffer m_topScratch, m_topValue, m_topIndex;  // argmax of the last logits (forwardGreedy)  // kAllLogitsBatch rows of nVocab, created by the first forwardAll
};

}  // namespace lantern::models
