#include "inference/models/shapeplan.h"

#include <algorithm>
#include <string_view>

#include "base/strformat.h"

namespace lantern::models {

namespace {

// The flags that change which tensors a family has (config.cpp's table holds the same facts for files).
struct ShapeArch {
    const char* name;
    Arch arch;
    bool qkvBias, qkNorm, postNorms, tied;
};

constexpr ShapeArch kShapeArchs[] = {
    {"llama", Arch::Llama, false, false, false, false},
    {"qwen2", Arch::Qwen2, true, false, false, false},
    {"qwen3", Arch::Qwen3, false, true, false, false},
    {"gemma3", Arch::Gemma3, false, true, true, true},
    {"qwen3moe", Arch::Qwen3Moe, false, true, false, false},
    {"deepseek2", Arch::DeepSeek2, false, false, false, false},
};

// DeepSeek-V2 and V3 (and V2-Lite) share their latent attention sizes: config.json's kv_lora_rank,
// qk_rope_head_dim and qk_nope_head_dim + qk_rope_head_dim.
constexpr uint32_t kDeepSeekKvLoraRank = 512, kDeepSeekRopeDim = 64, kDeepSeekQueryHead = 192;

// The tensor list as it is built: each tensor's elements, and whether llama.cpp stores it as f32 whatever the
// quantization (vectors and the MoE router: its quantize tool leaves them alone).
class Layout {
public:
    void add(std::string name, std::initializer_list<uint64_t> ne, bool f32 = false) {
        gguf::TensorInfo t;
        t.name = std::move(name);
        t.nDims = uint32_t(ne.size());
        t.elements = 1;
        uint32_t d = 0;
        for (uint64_t n : ne) {
            t.ne[d++] = n;
            t.elements *= n;
        }
        f32 = f32 || ne.size() == 1;
        if (f32) {
            t.bytes = 4 * t.elements;
            m_f32Bytes += t.bytes;
        } else {
            m_quantElements += t.elements;
        }
        m_f32.push_back(f32);
        m_tensors.push_back(std::move(t));
    }

    // Spreads `bytes` over the quantized tensors by their elements; false when f32 tensors alone exceed it.
    bool scaleTo(uint64_t bytes) {
        if (bytes < m_f32Bytes || m_quantElements == 0) {
            return false;
        }
        const double perElement = double(bytes - m_f32Bytes) / double(m_quantElements);
        uint64_t given = m_f32Bytes;
        size_t last = 0;
        for (size_t i = 0; i < m_tensors.size(); ++i) {
            if (!m_f32[i]) {
                m_tensors[i].bytes = uint64_t(perElement * double(m_tensors[i].elements));
                given += m_tensors[i].bytes;
                last = i;
            }
        }
        m_tensors[last].bytes += bytes - given;  // the rounding, so the total is exact
        return true;
    }

    uint64_t f32Bytes() const { return m_f32Bytes; }
    std::vector<gguf::TensorInfo> take() { return std::move(m_tensors); }
    std::vector<ShapeTensor> layout() const {
        std::vector<ShapeTensor> out;
        for (size_t i = 0; i < m_tensors.size(); ++i) {
            out.push_back({m_tensors[i], m_f32[i]});
        }
        return out;
    }

private:
    std::vector<gguf::TensorInfo> m_tensors;
    std::vector<bool> m_f32;
    uint64_t m_f32Bytes = 0;
    uint64_t m_quantElements = 0;
};

void addAttention(Layout& out, const ModelConfig& c, const std::string& p) {
    const uint64_t e = c.nEmbd, h = c.nHead;
    if (c.mla) {
        const uint64_t qm = h * c.headDimMla;
        if (c.qLoraRank > 0) {
            out.add(p + "attn_q_a.weight", {e, c.qLoraRank});
            out.add(p + "attn_q_a_norm.weight", {c.qLoraRank});
            out.add(p + "attn_q_b.weight", {c.qLoraRank, qm});
        } else {
            out.add(p + "attn_q.weight", {e, qm});
        }
        out.add(p + "attn_kv_a_mqa.weight", {e, uint64_t(c.kvLoraRank) + c.ropeDim});
        out.add(p + "attn_kv_a_norm.weight", {c.kvLoraRank});
        out.add(p + "attn_k_b.weight", {uint64_t(c.headDimMla) - c.ropeDim, c.kvLoraRank, h});
        out.add(p + "attn_v_b.weight", {c.kvLoraRank, c.headDimVMla, h});
        out.add(p + "attn_output.weight", {h * c.headDimVMla, e});
        return;
    }
    const uint64_t qd = h * c.headDim, kd = uint64_t(c.nHeadKv) * c.headDim,
                   vd = uint64_t(c.nHeadKv) * c.headDimV;
    out.add(p + "attn_q.weight", {e, qd});
    out.add(p + "attn_k.weight", {e, kd});
    out.add(p + "attn_v.weight", {e, vd});
    if (c.qkvBias) {
        out.add(p + "attn_q.bias", {qd});
        out.add(p + "attn_k.bias", {kd});
        out.add(p + "attn_v.bias", {vd});
    }
    if (c.qkNorm) {
        out.add(p + "attn_q_norm.weight", {c.headDim});
        out.add(p + "attn_k_norm.weight", {c.headDim});
    }
    out.add(p + "attn_output.weight", {h * c.headDimV, e});
    if (c.postNorms) {
        out.add(p + "post_attention_norm.weight", {e});
        out.add(p + "post_ffw_norm.weight", {e});
    }
}

void addFfn(Layout& out, const ModelConfig& c, const std::string& p, uint32_t il) {
    const uint64_t e = c.nEmbd;
    if (!c.isMoeLayer(il)) {
        out.add(p + "ffn_gate.weight", {e, c.nFf});
        out.add(p + "ffn_up.weight", {e, c.nFf});
        out.add(p + "ffn_down.weight", {c.nFf, e});
        return;
    }
    out.add(p + "ffn_gate_inp.weight", {e, c.nExpert}, true);
    out.add(p + "ffn_gate_exps.weight", {e, c.nFfExp, c.nExpert});
    out.add(p + "ffn_up_exps.weight", {e, c.nFfExp, c.nExpert});
    out.add(p + "ffn_down_exps.weight", {c.nFfExp, e, c.nExpert});
    if (c.mla && c.nExpertShared > 0) {  // Qwen3-MoE has no shared experts; DeepSeek's run as one wide FFN
        const uint64_t fs = uint64_t(c.nFfExp) * c.nExpertShared;
        out.add(p + "ffn_gate_shexp.weight", {e, fs});
        out.add(p + "ffn_up_shexp.weight", {e, fs});
        out.add(p + "ffn_down_shexp.weight", {fs, e});
    }
}

Error shapeError(const ModelShape& s, std::string_view what) {
    return Error{
        Errc::ModelInvalid,
        lantern::format("The {} model's shape is incomplete or inconsistent ({}: layers {}, embedding {}, "
                        "heads {}/{}, vocabulary {}, FFN {}, experts {} of {} with FFN {}, file {} bytes).",
                        s.architecture, what, s.layers, s.embd, s.heads, s.kvHeads, s.vocab, s.ff,
                        s.expertsUsed, s.experts, s.expertFf, s.fileBytes)};
}

}  // namespace

Result<ModelConfig> shapeConfig(const ModelShape& s) {
    const ShapeArch* a = nullptr;
    for (const ShapeArch& candidate : kShapeArchs) {
        if (s.architecture == candidate.name) {
            a = &candidate;
        }
    }
    if (!a) {
        return fail(
            Errc::ModelUnsupported,
            lantern::format("Lantern cannot run {} models yet; it runs {}.",
                            s.architecture.empty() ? "(unnamed)" : s.architecture, supportedArchitectures()));
    }
    ModelConfig c;
    c.arch = a->arch;
    c.archName = a->name;
    c.qkvBias = a->qkvBias;
    c.qkNorm = a->qkNorm;
    c.postNorms = a->postNorms;
    c.tiedOutput = a->tied || s.tiedEmbeddings;
    c.nLayers = s.layers;
    c.nEmbd = s.embd;
    c.nHead = s.heads;
    c.nVocab = s.vocab;
    c.trainedContext = s.contextLength ? s.contextLength : 4096;  // readConfig's default
    if (s.layers == 0 || s.embd == 0 || s.heads == 0 || s.vocab == 0 || s.fileBytes == 0) {
        return std::unexpected(shapeError(s, "a count is zero"));
    }
    const bool moe = c.arch == Arch::Qwen3Moe || c.arch == Arch::DeepSeek2;
    if (moe) {
        c.nExpert = s.experts;
        c.nExpertUsed = s.expertsUsed;
        c.nFfExp = s.expertFf;
        c.nExpertShared = s.sharedExperts;
        c.nLeadingDense = std::min(s.denseLayers, s.layers);
        c.nFf = s.ff ? s.ff : s.expertFf;  // dense layers only, as in readConfig
        if (c.nExpert == 0 || c.nExpertUsed == 0 || c.nExpertUsed > c.nExpert || c.nFfExp == 0) {
            return std::unexpected(shapeError(s, "a mixture of experts needs its expert counts"));
        }
    } else {
        c.nFf = s.ff;
    }
    if (c.nFf == 0) {
        return std::unexpected(shapeError(s, "the FFN width is zero"));
    }
    if (c.arch == Arch::DeepSeek2) {
        // Absorbed latent attention, as readConfig sets it up: one KV head of the compressed KV and the rope
        // key.
        c.mla = true;
        c.qLoraRank = s.qLoraRank;
        c.kvLoraRank = s.kvLoraRank ? s.kvLoraRank : kDeepSeekKvLoraRank;
        c.ropeDim = s.ropeDim ? s.ropeDim : kDeepSeekRopeDim;
        c.headDimMla = s.headDim ? s.headDim : kDeepSeekQueryHead;
        if (c.headDimMla <= c.ropeDim) {
            return std::unexpected(shapeError(s, "a query head is not wider than its rope part"));
        }
        c.headDimVMla = c.headDimMla - c.ropeDim;
        c.nHeadKv = 1;
        c.headDim = c.kvLoraRank + c.ropeDim;
        c.headDimV = c.kvLoraRank;
        return c;
    }
    c.nHeadKv = s.kvHeads ? s.kvHeads : s.heads;
    c.headDim = s.headDim ? s.headDim : s.embd / s.heads;
    c.headDimV = c.headDim;
    c.ropeDim = s.ropeDim ? s.ropeDim : c.headDim;
    if (c.nHead % c.nHeadKv != 0 || c.headDim == 0) {
        return std::unexpected(shapeError(s, "the heads do not divide evenly"));
    }
    return c;
}

uint64_t metadataBytesEstimate(const ModelConfig& c) {
    // Per token its text (an 8-byte length and a few bytes) and type, and a score (SentencePiece: about 23
    // bytes a token in all) or a BPE merge (about 40); plus the keys and the chat template. Next to a real
    // model's tensors it is a fraction of a percent either way.
    return uint64_t(c.nVocab) * 32 + (4u << 10);
}

namespace {

Layout layoutOf(const ModelConfig& c) {
    Layout out;
    const uint64_t e = c.nEmbd;
    out.add("token_embd.weight", {e, c.nVocab});
    for (uint32_t il = 0; il < c.nLayers; ++il) {
        const std::string p = "blk." + std::to_string(il) + ".";
        out.add(p + "attn_norm.weight", {e});
        addAttention(out, c, p);
        out.add(p + "ffn_norm.weight", {e});
        addFfn(out, c, p, il);
    }
    out.add("output_norm.weight", {e});
    if (!c.tiedOutput) {
        out.add("output.weight", {e, c.nVocab});
    }
    return out;
}

}  // namespace

Result<std::vector<gguf::TensorInfo>> shapeTensors(const ModelConfig& c, uint64_t fileBytes) {
    Layout out = layoutOf(c);
    const uint64_t metadata = metadataBytesEstimate(c);
    if (fileBytes <= metadata || !out.scaleTo(fileBytes - metadata)) {
        return fail(
            Errc::ModelInvalid,
            lantern::format("A {} file of {} bytes is too small for its shape: its f32 tensors alone take {} "
                            "bytes.",
                            c.archName, fileBytes, out.f32Bytes()));
    }
    return out.take();
}

std::vector<ShapeTensor> shapeLayout(const ModelConfig& c) {
    return layoutOf(c).layout();
}

}  // namespace lantern::models
