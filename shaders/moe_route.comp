#version 450
// Mixture-of-experts routing, one invocation per token: from the router's logits over nExpert experts,
// the `used` experts a token runs and their weights.
//   gating 0 (softmax; Qwen3-MoE, DeepSeek-V2):  p_e = softmax(logits)_e
//   gating 1 (sigmoid; DeepSeek-V3, Kimi K2):    p_e = sigmoid(logits_e)
// Selection takes the `used` largest p_e (+ bias_e when hasBias: DeepSeek-V3's selection-only bias; ties go
// to the lower expert index). The weights are the chosen p_e (without the bias), divided by their sum when
// normalize, times scale. Writes ids[token * used + j] and weights[token * used + j], best first.
layout(local_size_x = 64) in;

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };  // [nTokens][nExpert]
layout(std430, binding = 1) readonly buffer Bias { float bias[]; };      // [nExpert] when hasBias
layout(std430, binding = 2) writeonly buffer Ids { uint ids[]; };        // [nTokens][used]
layout(std430, binding = 3) writeonly buffer Weights { float weights[]; };  // [nTokens][used]

layout(push_constant) uniform Params {
    uint nTokens;
    uint nExpert;   // <= 512
    uint used;      // <= 16
    uint gating;    // 0 softmax, 1 sigmoid
    uint hasBias;
    uint normalize;
    float scale;
} p;

void main() {
    const uint t = gl_GlobalInvocationID.x;
    if (t >= p.nTokens) {
        return;
    }
    const uint base = t * p.nExpert;
    float m = -3.402823466e38;
    for (uint e = 0u; e < p.nExpert; ++e) {
        m = max(m, logits[base + e]);
    }
    float denom = 0.0;
    if (p.gating == 0u) {
        for (uint e = 0u; e < p.nExpert; ++e) {
            denom += exp(logits[base + e] - m);
        }
    }
    uint taken[16];  // 512 bits: experts already chosen
    for (uint w = 0u; w < 16u; ++w) {
        taken[w] = 0u;
    }
    uint chosen[16];
    float prob[16];
    float sum = 0.0;
    for (uint j = 0u; j < p.used; ++j) {
        uint best = 0xFFFFFFFFu;
        float bestKey = 0.0, bestProb = 0.0;
        for (uint e = 0u; e < p.nExpert; ++e) {
            if ((taken[e / 32u] & (1u << (e % 32u))) != 0u) {
                continue;
            }
            const float l = logits[base + e];
            const float pe = p.gating == 0u ? exp(l - m) / denom : 1.0 / (1.0 + exp(-l));
            const float key = pe + (p.hasBias != 0u ? bias[e] : 0.0);
            if (best == 0xFFFFFFFFu || key > bestKey) {
                best = e;
                bestKey = key;
                bestProb = pe;
            }
        }
        taken[best / 32u] |= 1u << (best % 32u);
        chosen[j] = best;
        prob[j] = bestProb;
        sum += bestProb;
    }
    const float norm = p.normalize != 0u && sum > 0.0 ? 1.0 / sum : 1.0;
    for (uint j = 0u; j < p.used; ++j) {
        ids[t * p.used + j] = chosen[j];
        weights[t * p.used + j] = prob[j] * norm * p.scale;
    }
}
