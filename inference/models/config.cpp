#include "inference/models/config.h"

#include <cmath>
#include "inference/core/strformat.h"

#include "inference/gguf/file.h"

namespace lantern::models {

std::string supportedArchitectures() { return "llama, qwen2, qwen3, qwen3moe, gemma3"; }

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
    if (c.arch == Arch::Qwen3Moe) {
        for (auto [k, out] : {std::pair{"expert_count", &c.nExpert}, std::pair{"expert_used_count", &c.nExpertUsed},
                              std::pair{"expert_feed_forward_length", &c.nFfExp}}) {
            if (auto r = need(k, *out); !r) {
                return std::unexpected(r.error());
            }
        }
        // Qwen3-MoE renormalises the chosen experts' softmax weights (norm_topk_prob).
        c.expertWeightsNorm = file.boolean(key("expert_weights_norm")).value_or(true);
        c.expertWeightsScale = file.f32(key("expert_weights_scale")).value_or(1.f);
        c.nFf = file.u32(key("feed_forward_length")).value_or(c.nFfExp);  // unused by the expert FFNs
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
    if (c.arch == Arch::Gemma3) {
        c.slidingWindow = file.u32(key("attention.sliding_window")).value_or(0);
        c.slidingPattern = 6;
        c.ropeBaseLocal = 10000.f;
    }
    if (auto tokens = file.array("tokenizer.ggml.tokens")) {
        c.nVocab = uint32_t(tokens->size());
    }
    c.attnScale = 1.f / std::sqrt(float(c.headDim));

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
