#pragma once
// CPU reference of every engine op, in plain scalar C++ with double accumulation, written for clarity: the
// independent answer the shader tests compare against (tests/inference/ops/). Layouts match inference/ops/ops.h.
#include <cstdint>
#include <span>
#include <vector>

#include "inference/gguf/types.h"

namespace lantern::reference {

// y[r] = sum_c W[r][c] x[c] for a rows x cols weight of `type` (dequantized first).
std::vector<float> matvec(gguf::GgmlType type, std::span<const std::byte> w, uint32_t rows, uint32_t cols,
                          std::span<const float> x);

// Each of `rows` rows of x divided by its root mean square (+ eps), times w when w is not empty.
std::vector<float> rmsnorm(std::span<const float> x, std::span<const float> w, uint32_t rows, uint32_t cols,
                           float eps);

// Row-wise softmax of x * scale.
std::vector<float> softmax(std::span<const float> x, uint32_t rows, uint32_t cols, float scale);

double silu(double x);      // x * sigmoid(x)
double geluTanh(double x);  // GELU, tanh approximation
// Gated activations: act(g[i]) * u[i].
std::vector<float> swiglu(std::span<const float> g, std::span<const float> u);
std::vector<float> geglu(std::span<const float> g, std::span<const float> u);

struct Rope {
    uint32_t nRot = 0;                 // rotated dimensions (even, <= headDim)
    bool neox = false;                 // pairs (i, i + nRot/2) instead of (2i, 2i+1)
    float freqBase = 10000.0f;
    float freqScale = 1.0f;            // linear or YaRN interpolation
    std::span<const float> freqFactors;  // divisors per pair (Llama 3 rope_freqs); may be empty
    // YaRN: pairs up to corrLow keep their trained angle, from corrHigh on are interpolated, linear between;
    // the rotated values are multiplied by 1 + 0.1 ln(1/freqScale). Off when extFactor is 0.
    float extFactor = 0.0f;
    float corrLow = 0.0f;
    float corrHigh = 0.0f;
};
// Rotates x = [positions.size()][nHeads][headDim] in place; token t is at positions[t].
void rope(std::span<float> x, std::span<const int32_t> positions, uint32_t nHeads, uint32_t headDim, const Rope& r);

// Causal attention of nTokens queries (at positions pos0, pos0+1, ...) over keys/values 0..pos, GQA heads
// sharing a KV head in groups, optional sliding window (keys within the last `window` positions) and
// soft-capping of the scores (cap * tanh(s / cap)). q = [nTokens][nHead][headDim], k and v =
// [positions][nHeadKv][headDim] (v: [positions][nHeadKv][headDimV]); returns [nTokens][nHead][headDimV].
struct Attention {
    uint32_t nTokens = 0, pos0 = 0, nHead = 0, nHeadKv = 0, headDim = 0;
    uint32_t headDimV = 0;  // 0: headDim
    uint32_t window = 0;  // 0: no window
    float scale = 1.0f;
    float softcap = 0.0f; // 0: none
};
std::vector<float> attention(const Attention& a, std::span<const float> q, std::span<const float> k,
                             std::span<const float> v);

// Mixture-of-experts routing of nTokens tokens from router logits [nTokens][nExpert]: per token the `used`
// experts with the largest p_e (+ bias_e when bias is given; ties to the lower index), where p = softmax of
// the logits or, with sigmoid, 1 / (1 + e^-logit) per expert; weights are the chosen p_e (no bias), divided
// by their sum when normalize, times scale. ids and weights are [nTokens][used], best first.
// nGroups > 1 (DeepSeek-V3): the experts form nGroups equal groups, each scored by the sum of its two largest
// selection keys; only the groupsUsed best groups (ties: lower group) are chosen from.
struct MoeRoute {
    std::vector<uint32_t> ids;
    std::vector<float> weights;
};
MoeRoute moeRoute(std::span<const float> logits, uint32_t nTokens, uint32_t nExpert, uint32_t used, bool sigmoid,
                  std::span<const float> bias, bool normalize, float scale, uint32_t nGroups = 0,
                  uint32_t groupsUsed = 0);

// Indices of the k largest values, largest first; ties by lower index; NaN ranks as the lowest finite
// float (below every number, above -infinity).
std::vector<uint32_t> topK(std::span<const float> v, uint32_t k);

}  // namespace lantern::reference
