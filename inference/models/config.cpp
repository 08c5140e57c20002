#include "inference/models/config.h"

#include <cmath>
#include "base/strformat.h"

#include "inference/gguf/file.h"

namespace lantern::models {

std::string supportedArchitectures() { return "llama, qwen2, qwen3, qwen3moe, gemma3, deepseek2"; }

namespace {

struct ArchFlags {
    const char* name;
    Arch arch;
    bool ropeNeox, qkvBias, qkNorm, postNorms, embedScale;
    Activation activation;
};

// Facts about each family's graph (see the model's reference implementation in transformers/llama.cpp).
constexpr ArchFlags kArchs[] = {
    {"llama", Arch::Llama, false, false, false, false, false, Activation::Silu},
    {"qwen2", Arch::Qwen2, true, true, false, false, false, Activation::Silu},
    {"qwen3", Arch::Qwen3, true, false, true, false, false, Activation::Silu},
    {"gemma3", Arch::Gemma3, true, false, true, true, true, Activation::GeluTanh},
    {"qwen3moe", Arch::Qwen3Moe, true, false, true, false, false, Activation::Silu},
    {"deepseek2", Arch::DeepSeek2, false, false, false, false, false, Activation::Silu},
};

}  // namespace

Result<ModelConfig> readConfig(const gguf::File& file) {
    const std::string arch(file.arch());
    const ArchFlags* flags = nullptr;
    for (const ArchFlags& f : kArchs) {
        if (arch == f.name) {
            flags = &f;
        }
    }
    if (!flags) {
        return fail(Errc::ModelUnsupported,
                    lantern::format("{}: architecture '{}' is not supported; Lantern runs {}.", file.path().filename().string(),
                                arch.empty() ? "(none)" : arch, supportedArchitectures()));
    }
    ModelConfig c;
    c.arch = flags->arch;
    c.archName = arch;
    c.ropeNeox = flags->ropeNeox;
    c.qkvBias = flags->qkvBias;
    c.qkNorm = flags->qkNorm;
    c.postNorms = flags->postNorms;
    c.embedScale = flags->embedScale;
    c.activation = flags->activation;

    const auto key = [&](const char* k) { return arch + "." + k; };
    auto need = [&](const char* k, uint32_t& out) -> Result<void> {
        auto v = file.requireU32(key(k));
        if (!v) {
            return std::unexpected(v.error());
        }
        out = *v;
        return {};
    };
    if (c.arch == Arch::Qwen3Moe || c.arch == Arch::DeepSeek2) {
        for (auto [k, out] : {std::pair{"expert_count", &c.nExpert}, std::pair{"expert_used_count", &c.nExpertUsed},
                              std::pair{"expert_feed_forward_length", &c.nFfExp}}) {
            if (auto r = need(k, *out); !r) {
                return std::unexpected(r.error());
            }
        }
        // Qwen3-MoE renormalises the chosen experts' softmax weights (norm_topk_prob).
        c.expertWeightsNorm = file.boolean(key("expert_weights_norm")).value_or(true);
        c.expertWeightsScale = file.f32(key("expert_weights_scale")).value_or(1.f);
        if (c.expertWeightsScale == 0.f) {
            c.expertWeightsScale = 1.f;  // llama.cpp's reading of 0: no scaling
        }
        c.nFf = file.u32(key("feed_forward_length")).value_or(c.nFfExp);  // dense layers only
        // DeepSeek: gating 1 = softmax (V2, and files without the key), 2 = sigmoid (V3, R1, Kimi K2).
        const uint32_t gating = file.u32(key("expert_gating_func")).value_or(1);
        if (gating != 1 && gating != 2) {
            return fail(Errc::ModelUnsupported,
                        lantern::format("{}: expert gating function {} is not supported (Lantern knows 1 = softmax "
                                        "and 2 = sigmoid).",
                                        file.path().filename().string(), gating));
        }
        c.expertSigmoid = gating == 2;
        c.expertGroups = file.u32(key("expert_group_count")).value_or(0);
        c.expertGroupsUsed = file.u32(key("expert_group_used_count")).value_or(0);
        c.nExpertShared = file.u32(key("expert_shared_count")).value_or(0);
        c.nLeadingDense = file.u32(key("leading_dense_block_count")).value_or(0);
        if (c.arch == Arch::DeepSeek2) {
            c.expertWeightsNorm = file.boolean(key("expert_weights_norm")).value_or(false);
        }
        if (c.expertGroups > 1 && (c.expertGroups > 32 || c.nExpert % c.expertGroups != 0 || c.expertGroupsUsed == 0 ||
                                   c.expertGroupsUsed > c.expertGroups ||
                                   c.expertGroupsUsed * (c.nExpert / c.expertGroups) < c.nExpertUsed)) {
            return fail(Errc::ModelUnsupported,
                        lantern::format("{}: {} experts in {} groups with {} groups used are outside what Lantern runs "
                                        "(up to 32 groups that divide the experts and hold the experts used).",
                                        file.path().filename().string(), c.nExpert, c.expertGroups,
                                        c.expertGroupsUsed));
        }
        if (c.nExpert > 512 || c.nExpertUsed == 0 || c.nExpertUsed > 16 || c.nExpertUsed > c.nExpert ||
            c.nFfExp == 0) {
            return fail(Errc::ModelUnsupported,
                        lantern::format("{}: {} experts with {} used per token are outside what Lantern runs "
                                        "(up to 512 experts, 1 to 16 used).",
                                        file.path().filename().string(), c.nExpert, c.nExpertUsed));
        }
    }
    for (auto [k, out] : {std::pair{"block_count", &c.nLayers}, std::pair{"embedding_length", &c.nEmbd},
                          std::pair{"feed_forward_length", &c.nFf}, std::pair{"attention.head_count", &c.nHead}}) {
        if (*out != 0) {
            continue;  // already known (an MoE file's feed_forward_length is optional)
        }
        if (auto r = need(k, *out); !r) {
            return std::unexpected(r.error());
        }
    }
    c.nHeadKv = file.u32(key("attention.head_count_kv")).value_or(c.nHead);
    c.headDim = file.u32(key("attention.key_length")).value_or(c.nHead ? c.nEmbd / c.nHead : 0);
    c.headDimV = file.u32(key("attention.value_length")).value_or(c.headDim);
    c.trainedContext = file.u32(key("context_length")).value_or(4096);
    c.normEps = file.f32(key("attention.layer_norm_rms_epsilon")).value_or(1e-5f);
    c.ropeBase = file.f32(key("rope.freq_base")).value_or(10000.f);
    c.ropeDim = file.u32(key("rope.dimension_count")).value_or(c.headDim);
    const std::string scaling(file.str(key("rope.scaling.type")).value_or(""));
    if (scaling == "linear" || scaling == "yarn") {
        const float factor = file.f32(key("rope.scaling.factor")).value_or(1.f);
        c.ropeFreqScale = factor > 0.f ? 1.f / factor : 1.f;
    }
    if (scaling == "yarn") {
        c.ropeYarn = true;
        c.yarnOrigContext = file.u32(key("rope.scaling.original_context_length")).value_or(c.trainedContext);
        c.yarnBetaFast = file.f32(key("rope.scaling.yarn_beta_fast")).value_or(32.f);
        c.yarnBetaSlow = file.f32(key("rope.scaling.yarn_beta_slow")).value_or(1.f);
    } else if (!scaling.empty() && scaling != "none" && scaling != "linear") {
        return fail(Errc::ModelUnsupported,
                    lantern::format("{}: rope scaling \"{}\" is not supported (Lantern knows linear and yarn).",
                                    file.path().filename().string(), scaling));
    }
    if (c.arch == Arch::DeepSeek2) {
        // Absorbed multi-head latent attention. Files from before llama.cpp split attn_kv_b into attn_k_b and
        // attn_v_b have no key_length_mla.
        c.mla = true;
        c.qLoraRank = file.u32(key("attention.q_lora_rank")).value_or(0);
        c.kvLoraRank = file.u32(key("attention.kv_lora_rank")).value_or(0);
        c.headDimMla = file.u32(key("attention.key_length_mla")).value_or(0);
        c.headDimVMla = file.u32(key("attention.value_length_mla")).value_or(0);
        if (c.headDimMla == 0 || c.headDimVMla == 0 || c.kvLoraRank == 0) {
            return fail(Errc::ModelUnsupported,
                        lantern::format("{}: this DeepSeek file has the older attention layout (attn_kv_b, no "
                                        "key_length_mla); convert it again with a current llama.cpp.",
                                        file.path().filename().string()));
        }
        if (c.nHeadKv != 1 || c.headDim != c.kvLoraRank + c.ropeDim || c.headDimV != c.kvLoraRank ||
            c.headDimMla <= c.ropeDim || c.headDimMla % 4 != 0 || c.ropeDim % 4 != 0 || c.kvLoraRank % 4 != 0) {
            return fail(Errc::ModelInvalid,
                        lantern::format("{}: inconsistent latent attention (KV heads {}, key size {}, value size {}, "
                                        "KV rank {}, rope dims {}, query head {}).",
                                        file.path().filename().string(), c.nHeadKv, c.headDim, c.headDimV,
                                        c.kvLoraRank, c.ropeDim, c.headDimMla));
        }
        // YaRN's attention temperature: DeepSeek keeps the rotated values unscaled and multiplies the scores by
        // mscale^2 instead, mscale = 1 + 0.1 * mscale_all_dim * ln(factor) (the file stores 0.1 * mscale_all_dim
        // as yarn_log_multiplier). Without the multiplier the rope keeps YaRN's factor and the scores get it too.
        float mscale = 1.f;
        if (c.ropeYarn && c.ropeFreqScale < 1.f) {
            const float lnFactor = std::log(1.f / c.ropeFreqScale);
            const float logMul = file.f32(key("rope.scaling.yarn_log_multiplier")).value_or(0.f) / 0.1f;
            if (logMul != 0.f) {
                c.ropeAttnFactor = 1.f / (1.f + 0.1f * lnFactor);
                mscale = 1.f + 0.1f * logMul * lnFactor;
            } else {
                mscale = 1.f + 0.1f * lnFactor;
            }
        }
        c.attnScale = mscale * mscale / std::sqrt(float(c.headDimMla));
    }
    if (c.arch == Arch::Gemma3) {
        c.slidingWindow = file.u32(key("attention.sliding_window")).value_or(0);
        c.slidingPattern = 6;
        c.ropeBaseLocal = 10000.f;
    }
    if (auto tokens = file.array("tokenizer.ggml.tokens")) {
        c.nVocab = uint32_t(tokens->size());
    }
    if (!c.mla) {
        c.attnScale = 1.f / std::sqrt(float(c.headDim));
    }

    const bool sane = c.nLayers > 0 && c.nEmbd > 0 && c.nHead > 0 && c.nHeadKv > 0 && c.nHead % c.nHeadKv == 0 &&
                      c.headDim > 0 && c.headDim % 2 == 0 && c.ropeDim <= c.headDim && c.nFf > 0;
    if (!sane) {
        return fail(Errc::ModelInvalid,
                    lantern::format("{}: inconsistent hyper-parameters (layers {}, embedding {}, heads {}/{}, head size {}, "
                                "rope dims {}, ffn {}).",
                                file.path().filename().string(), c.nLayers, c.nEmbd, c.nHead, c.nHeadKv, c.headDim,
                                c.ropeDim, c.nFf));
    }
    return c;
}

}  // namespace lantern::models
