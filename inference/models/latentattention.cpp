// DeepSeek's multi-head latent attention of one layer, recorded by DenseModel::step.
#include "inference/models/densemodel.h"

namespace lantern::models {

// DeepSeek's multi-head latent attention in the absorbed form (as llama.cpp runs it): the cache keeps, per
// position, the compressed KV (kvLoraRank, normalised) and the rope key shared by all heads; a query head's
// no-rope part goes through attn_k_b into the compressed space, so attention is one KV head with keys of
// kvLoraRank + ropeDim and values of kvLoraRank (the same cache rows); attn_v_b then takes each head's result
// back to its value size before attn_output. h holds the normalised input; the output is added to x.
void DenseModel::recordLatentAttention(backend::Graph& rec, KvCache& kv, uint32_t il, uint32_t n, uint32_t pos0,
                                       const std::function<void(Result<void>)>& run) {
    using gpu::BufferRange;
    const ModelConfig& c = m_config;
    const LayerWeights& l = m_w.layers[il];
    const std::string L = " L" + std::to_string(il);
    const uint32_t HQ = c.headDimMla, R = c.ropeDim, NOPE = HQ - R, KVR = c.kvLoraRank, KW = c.headDim;
    const BufferRange h(m_h), q(m_q), kvc(m_k), qmla(m_qmla), att(m_att), heads(m_headIds);
    const auto from = [](const gpu::Buffer& b, uint64_t floats) {
        return BufferRange(b, floats * 4, b.size() - floats * 4);
    };
    if (c.qLoraRank > 0) {
        run(project(rec, l.wqA, h, BufferRange(m_qa), n, false, "attn_q_a" + L));
        run(rec.rmsnorm({BufferRange(m_qa), l.qANorm, BufferRange(m_qa), n, c.qLoraRank, c.normEps},
                         "attn_q_a_norm" + L));
        run(project(rec, l.wqB, BufferRange(m_qa), q, n, false, "attn_q_b" + L));
    } else {
        run(project(rec, l.wq, h, q, n, false, "attn_q" + L));
    }
    run(project(rec, l.wkvA, h, kvc, n, false, "attn_kv_a_mqa" + L));

    ops::RopeArgs rope;
    rope.nTokens = n;
    rope.nRot = R;
    rope.pos0 = pos0;
    rope.positions = m_dynamic ? BufferRange(m_positions) : BufferRange();
    rope.freqBase = c.ropeBase;
    rope.freqScale = c.ropeFreqScale;
    if (c.ropeYarn) {
        rope.yarn = ops::yarnRamp(R, c.yarnOrigContext, c.ropeBase, c.yarnBetaFast, c.yarnBetaSlow);
    }
    rope.yarn.attnFactor = c.ropeAttnFactor;
    rope.neox = c.ropeNeox;
    rope.x = from(m_q, NOPE);  // each head's rope part follows its no-rope part
    rope.nHeads = c.nHead;
    rope.headDim = HQ;
    rope.tokenStride = c.nHead * HQ;
    run(rec.rope(rope, "rope_q" + L));
    rope.x = from(m_k, KVR);  // the shared rope key follows the compressed KV
    rope.nHeads = 1;
    rope.headDim = KW;
    rope.tokenStride = KW;
    run(rec.rope(rope, "rope_k" + L));
    ops::RmsNormArgs norm{kvc, l.kvANorm, kvc, n, KVR, c.normEps};
    norm.stride = KW;
    run(rec.rmsnorm(norm, "attn_kv_a_norm" + L));
    run(rec.kvStore({kvc, BufferRange(kv.k[il]), n, KW, pos0, true, stepParams(false)}, "kv_store" + L));

    // The attention query: per head, attn_k_b of the no-rope part, then the rope part.
    ops::ExpertMatvecArgs absorb{l.wkB, q, heads, qmla, n, c.nHead, c.nHead * HQ, HQ};
    absorb.yStride = KW;
    run(rec.matvecExperts(absorb, "attn_k_b" + L));
    run(rec.copyRows(from(m_q, NOPE), from(m_qmla, KVR), n * c.nHead, R, HQ, KW, "q_rope_part" + L));

    ops::AttentionArgs a = attentionArgs(kv, il, n, pos0, false);
    a.q = qmla;
    a.v = BufferRange(kv.k[il]);  // the values are the keys' first kvLoraRank columns
    a.nHeadKv = 1;
    a.headDim = KW;
    a.headDimV = KVR;
    a.vStride = KW;
    run(rec.attention(a, "attention" + L));
    // Back from the compressed space, per head, then the output projection with the residual fused.
    run(rec.matvecExperts({l.wvB, att, heads, BufferRange(m_vout), n, c.nHead, c.nHead * KVR, KVR},
                           "attn_v_b" + L));
    run(project(rec, l.wo, BufferRange(m_vout), BufferRange(m_x), n, true, "attn_output" + L));
}

}  // namespace lantern::models
