#pragma once
// ModelConfig: everything the forward pass needs to know about a dense decoder model, read from GGUF
// metadata (never from the file name). Architecture differences are flags, not separate code paths.
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"

namespace lantern::gguf {
class File;
}

namespace lantern::models {

enum class Arch { Llama, Qwen2, Qwen3, Gemma3, Qwen3Moe, DeepSeek2 };

enum class Activation { Silu, GeluTanh };

struct ModelConfig {
    Arch arch = Arch::Llama;
    std::string archName;      // general.architecture
    uint32_t nLayers = 0;      // <arch>.block_count
    uint32_t nEmbd = 0;        // <arch>.embedding_length
    uint32_t nFf = 0;          // <arch>.feed_forward_length
    uint32_t nHead = 0;        // <arch>.attention.head_count
    uint32_t nHeadKv = 0;      // <arch>.attention.head_count_kv (default nHead)
    uint32_t headDim = 0;      // <arch>.attention.key_length (default nEmbd / nHead)
    uint32_t headDimV = 0;     // <arch>.attention.value_length (default headDim)
    uint32_t nVocab = 0;       // length of tokenizer.ggml.tokens (or token_embd rows)
    uint32_t trainedContext = 0;  // <arch>.context_length
    float normEps = 1e-5f;     // <arch>.attention.layer_norm_rms_epsilon
    float ropeBase = 10000.f;  // <arch>.rope.freq_base
    float ropeBaseLocal = 10000.f;  // Gemma 3 sliding-window layers use their own base (10 000)
    float ropeFreqScale = 1.f; // 1 / <arch>.rope.scaling.factor when rope.scaling.type = linear or yarn
    // rope.scaling.type = yarn: the context the model was trained at before extension and YaRN's ramp
    // bounds (rope.scaling.original_context_length, rope.scaling.yarn_beta_fast/_slow; 32 and 1 by default).
    bool ropeYarn = false;
    uint32_t yarnOrigContext = 0;
    float yarnBetaFast = 32.f;
    float yarnBetaSlow = 1.f;
    uint32_t ropeDim = 0;      // <arch>.rope.dimension_count (default headDim)
    bool ropeNeox = false;     // rotate halves (qwen2/qwen3/gemma3) instead of adjacent pairs (llama)
    bool qkvBias = false;      // qwen2: attn_{q,k,v}.bias
    bool qkNorm = false;       // qwen3/gemma3: per-head RMSNorm on Q and K (attn_{q,k}_norm)
    bool postNorms = false;    // gemma3: post_attention_norm and post_ffw_norm
    bool embedScale = false;   // gemma3: embeddings multiplied by sqrt(nEmbd)
    Activation activation = Activation::Silu;  // gated FFN: silu (SwiGLU) or tanh-gelu (GeGLU)
    float attnScale = 0.f;     // multiplies QK^T; 1/sqrt(headDim) unless the architecture says otherwise
    uint32_t slidingWindow = 0;   // <arch>.attention.sliding_window (0 = none)
    uint32_t slidingPattern = 0;  // every slidingPattern-th layer is global (gemma3: 6), others windowed
    bool tiedOutput = false;   // no output.weight: logits use token_embd (set when loading tensors)
    // Mixture of experts (qwen3moe): every FFN runs nExpertUsed of nExpert experts of nFfExp rows each.
    uint32_t nExpert = 0;      // <arch>.expert_count (0 = dense FFNs)
    uint32_t nExpertUsed = 0;  // <arch>.expert_used_count
    uint32_t nFfExp = 0;       // <arch>.expert_feed_forward_length
    bool expertWeightsNorm = true;  // renormalise the chosen experts' weights (<arch>.expert_weights_norm)
    float expertWeightsScale = 1.f; // <arch>.expert_weights_scale
    bool expertSigmoid = false;     // <arch>.expert_gating_func = 2: sigmoid per expert instead of a softmax
    uint32_t expertGroups = 0;      // <arch>.expert_group_count: group-limited routing (DeepSeek-V3) when > 1
    uint32_t expertGroupsUsed = 0;  // <arch>.expert_group_used_count
    uint32_t nExpertShared = 0;     // <arch>.expert_shared_count: experts every token runs (nFfExp rows each)
    uint32_t nLeadingDense = 0;     // <arch>.leading_dense_block_count: the first layers have dense FFNs (nFf)
    bool isMoe() const { return nExpert > 0; }
    bool isMoeLayer(uint32_t il) const { return nExpert > 0 && il >= nLeadingDense; }

    // Multi-head latent attention (deepseek2), in the absorbed form llama.cpp converts to. headDim is then the
    // key size of the attention itself (kvLoraRank + ropeDim: the compressed KV plus the rope key shared by all
    // heads, one KV head), headDimV its value size (kvLoraRank).
    bool mla = false;
    uint32_t qLoraRank = 0;         // <arch>.attention.q_lora_rank: low-rank Q (V2/V3); 0 = plain attn_q (V2-Lite)
    uint32_t kvLoraRank = 0;        // <arch>.attention.kv_lora_rank
    uint32_t headDimMla = 0;        // <arch>.attention.key_length_mla: a query head, no-rope part + ropeDim
    uint32_t headDimVMla = 0;       // <arch>.attention.value_length_mla: a head's value after attn_v_b
    // Multiplies the rotated values of the rope (on top of YaRN's own 1 + 0.1 ln(factor)): DeepSeek moves YaRN's
    // temperature from the rope into the attention scale.
    float ropeAttnFactor = 1.f;

    // f16 KV-cache bytes per position over all layers (latent attention caches keys only; values are inside).
    uint64_t kvBytesPerToken() const {
        const uint64_t width = mla ? uint64_t(headDim) : uint64_t(nHeadKv) * (headDim + headDimV);
        return uint64_t(nLayers) * width * 2;
    }

    // Sliding-window layer? (gemma3: layers il with (il + 1) % 6 != 0)
    bool isLocalLayer(uint32_t il) const {
        return slidingWindow > 0 && slidingPattern > 0 && (il + 1) % slidingPattern != 0;
    }
};

// Architectures Lantern can run, for error messages ("qwen2, qwen3, llama, gemma3").
std::string supportedArchitectures();

Result<ModelConfig> readConfig(const gguf::File& file);

}  // namespace lantern::models
