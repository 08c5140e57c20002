#version 450
// Mixture-of-experts routing, one invocation per token: from the router's logits over nExpert experts,
// the `used` experts a token runs and their weights.
//   gating 0 (softmax; Qwen3-MoE, DeepSeek-V2):  p_e = softmax(logits)_e
//   gating 1 (sigmoid; DeepSeek-V3, Kimi K2):    p_e = sigmoid(logits_e)
// Selection takes the `used` largest p_e (+ bias_e when hasBias: DeepSeek-V3's selection-only bias; ties go
// to the lower expert index). With nGroups > 1 (DeepSeek-V3's group-limited routing) the experts form nGroups
// equal groups, a group scores the sum of its two largest selection keys, and only the groupsUsed best groups
// (ties: lower group) take part in the selection. The weights are the chosen p_e (without the bias), divided by their sum when
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
    uint nGroups;     // <= 32; 0 or 1 = no group limit
    uint groupsUsed;
} p;

float prob(uint base, uint e, float m, float denom) {
    const float l = logits[base + e];
    return p.gating == 0u ? exp(l - m) / denom : 1.0 / (1.0 + exp(-l));
}

float key(uint base, uint e, float m, float denom) {
    return prob(base, e, m, denom) + (p.hasBias != 0u ? bias[e] : 0.0);
}

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
    uint taken[16];  // 512 bits: experts already chosen (or in a group left out)
    for (uint w = 0u; w < 16u; ++w) {
        taken[w] = 0u;
    }
    if (p.nGroups > 1u) {
        const uint per = p.nExpert / p.nGroups;
        float score[32];
        for (uint g = 0u; g < p.nGroups; ++g) {
            float a = -3.402823466e38, b = -3.402823466e38;  // the group's two largest keys
            for (uint e = g * per; e < (g + 1u) * per; ++e) {
                const float k = key(base, e, m, denom);
                if (k > a) {
                    b = a;
                    a = k;
                } else if (k > b) {
                    b = k;
                }
            }
            score[g] = per > 1u ? a + b : a;
        }
        uint keep = 0u;
        for (uint j = 0u; j < p.groupsUsed; ++j) {
            uint best = 0xFFFFFFFFu;
            for (uint g = 0u; g < p.nGroups; ++g) {
                if ((keep & (1u << g)) == 0u && (best == 0xFFFFFFFFu || score[g] > score[best])) {
                    best = g;
                }
            }
            keep |= 1u << best;
        }
        for (uint e = 0u; e < p.nExpert; ++e) {
            if ((keep & (1u << (e / per))) == 0u) {
                taken[e / 32u] |= 1u << (e % 32u);
            }
        }
    }
    uint chosen[16];
    float chosenProb[16];
    float sum = 0.0;
    for (uint j = 0u; j < p.used; ++j) {
        uint best = 0xFFFFFFFFu;
        float bestKey = 0.0, bestProb = 0.0;
        for (uint e = 0u; e < p.nExpert; ++e) {
            if ((taken[e / 32u] & (1u << (e % 32u))) != 0u) {
                continue;
            }
            const float pe = prob(base, e, m, denom);
            const float k = pe + (p.hasBias != 0u ? bias[e] : 0.0);
            if (best == 0xFFFFFFFFu || k > bestKey) {
                best = e;
                bestKey = k;
                bestProb = pe;
            }
        }
        taken[best / 32u] |= 1u << (best % 32u);
        chosen[j] = best;
        chosenProb[j] = bestProb;
        sum += bestProb;
    }
    const float norm = p.normalize != 0u && sum > 0.0 ? 1.0 / sum : 1.0;
    for (uint j = 0u; j < p.used; ++j) {
        ids[t * p.used + j] = chosen[j];
        weights[t * p.used + j] = chosenProb[j] * norm * p.scale;
    }
}
