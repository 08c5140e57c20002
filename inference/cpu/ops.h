#pragma once
// The CPU backend's f32 operators other than the matrix products (matmul.h): the same operations, with the
// same meaning and layouts, as inference/ops/ops.h records on the GPU, over host pointers. Each takes the
// thread's (ith, nth) inside a ThreadPool::run and does its share (disjoint rows, heads or elements); the
// caller puts a barrier between ops. Activations are f32, row-major; KV caches f16 (or f32).
#include <cstddef>
#include <cstdint>

#include "inference/gguf/types.h"

namespace lantern::cpu {

// Half-precision conversions (F16C where the ISA has it).
void toF16(const float* x, uint16_t* out, uint64_t n);
void fromF16(const uint16_t* x, float* out, uint64_t n);
float f16ToF32(uint16_t h);
uint16_t f32ToF16(float f);

// One row of `cols` elements of a GGUF `type` (any type of reference::weightTypes()) to floats.
void dequantizeRow(gguf::GgmlType type, const std::byte* row, uint32_t cols, float* out);

// out[t] = dequantize(table row ids[t]) * scale; ids >= tableRows are skipped (left as they are).
void getRows(gguf::GgmlType type, const std::byte* table, uint64_t rowBytes, uint32_t tableRows, uint32_t cols,
             const int32_t* ids, uint32_t nIds, float scale, float* out, unsigned ith, unsigned nth);

// out[r] = x[r] / sqrt(mean(x[r]^2) + eps) * w (w null: no multiply); stride floats between rows (0 = cols);
// out may be x.
void rmsnorm(const float* x, const float* w, float* out, uint32_t rows, uint32_t cols, float eps, uint32_t stride,
             unsigned ith, unsigned nth);

// Element-wise over n floats: out[i] = a[i] + b[i % nb], a[i] * b[i % nb], a[i] * s; out may alias a.
void add(const float* a, const float* b, float* out, uint64_t n, uint64_t nb, unsigned ith, unsigned nth);
void mul(const float* a, const float* b, float* out, uint64_t n, uint64_t nb, unsigned ith, unsigned nth);
void scale(const float* a, float* out, uint64_t n, float s, unsigned ith, unsigned nth);
// out[i] = act(gate[i]) * up[i]: SiLU (swiglu) or tanh-GELU (geglu); out may alias gate or up.
void swiglu(const float* gate, const float* up, float* out, uint64_t n, unsigned ith, unsigned nth);
void geglu(const float* gate, const float* up, float* out, uint64_t n, unsigned ith, unsigned nth);
// dst[r * dstStride + c] = src[r * srcStride + c] (floats).
void copyRows(const float* src, float* dst, uint32_t rows, uint32_t cols, uint32_t srcStride, uint32_t dstStride,
              unsigned ith, unsigned nth);
// x[r] = softmax(x[r] * scale), rows x cols, in place.
void softmax(float* x, uint32_t rows, uint32_t cols, float scale, unsigned ith, unsigned nth);

// Rotary position embedding in place over x = [nTokens][nHeads][headDim]: token t at position
// positions[t] when positions is given, else pos0 + t. Same parameters and meaning as ops::RopeArgs.
struct RopeParams {
    uint32_t nTokens = 0, nHeads = 0, headDim = 0, nRot = 0;
    uint32_t pos0 = 0;
    const int32_t* positions = nullptr;
    float freqBase = 10000.f, freqScale = 1.f;
    bool neox = false;
    const float* freqFactors = nullptr;  // nRot / 2 divisors, or null
    float extFactor = 0.f, corrLow = 0.f, corrHigh = 0.f, attnFactor = 1.f;  // YaRN (ops::YarnRamp)
    uint32_t tokenStride = 0;            // floats between tokens (0 = nHeads * headDim)
};
void rope(float* x, const RopeParams& p, unsigned ith, unsigned nth);

// cache[(pos0 + t) * cacheStride .. + width] = src[t] (to f16 when f16) for t < nTokens.
void kvStore(const float* src, void* cache, uint32_t nTokens, uint32_t width, uint32_t pos0, bool f16,
             uint32_t srcStride, uint32_t cacheStride, unsigned ith, unsigned nth);

// Causal attention, same meaning as ops::AttentionArgs: out = softmax(q k^T * scale (soft-capped), causal,
// windowed) v per head; query t at position pos0 + t; GQA heads share KV heads in groups.
struct AttentionParams {
    const float* q = nullptr;  // [nTokens][nHead * headDim]
    const void* k = nullptr;   // cache rows of kStride elements (f16 or f32)
    const void* v = nullptr;
    float* out = nullptr;      // [nTokens][nHead * headDimV]
    uint32_t nTokens = 0, nHead = 0, nHeadKv = 0, headDim = 0, headDimV = 0;
    uint32_t kStride = 0, vStride = 0;  // elements between positions (0 = nHeadKv * headDim(V))
    uint32_t pos0 = 0, window = 0;
    float scale = 1.f, softcap = 0.f;
    bool kvF16 = true;
    float* scratch = nullptr;  // attentionScratchFloats(...) floats, one slice per thread
};
uint64_t attentionScratchFloats(uint32_t maxPositions, uint32_t headDimV, unsigned threads);
void attention(const AttentionParams& p, unsigned ith, unsigned nth);

// The k largest of n values, largest first, ties to the lower index, NaN ranked as the lowest finite value
// (ops::topK); outIndices 0xFFFFFFFF where n < k. Single-threaded callers pass (0, 1).
void topK(const float* values, uint32_t n, uint32_t k, float* outValues, uint32_t* outIndices);

// Mixture of experts, as ops::moeRoute and ops::moeCombine.
struct MoeRouteParams {
    const float* logits = nullptr;  // [nTokens][nExpert]
    const float* bias = nullptr;    // [nExpert] selection-only, or null
    uint32_t* ids = nullptr;        // out [nTokens][used]
    float* weights = nullptr;       // out [nTokens][used]
    uint32_t nTokens = 0, nExpert = 0, used = 0;
    bool sigmoid = false, normalize = true;
    float scale = 1.f;
    uint32_t nGroups = 0, groupsUsed = 0;
};
void moeRoute(const MoeRouteParams& p, unsigned ith, unsigned nth);
// out[t] (+)= sum_j weights[t][j] * y[(t * used + j) * width ..], rows of width floats.
void moeCombine(const float* y, const float* weights, float* out, uint32_t nTokens, uint32_t width, uint32_t used,
                bool accumulate, unsigned ith, unsigned nth);

}  // namespace lantern::cpu
