#pragma once
// The GPU operators of a transformer forward pass. Each function records one dispatch (a few for weight
// tensors bigger than one storage-buffer range) of the matching shader (shaders/<op>.comp) into a
// Recorder; nothing runs until the recorder is submitted. Pipelines are cached in the Context; call the
// prepare* functions at model load so that a missing variant is a load error, not a mid-generation one.
//
// Conventions shared by every op:
// - Activations are f32, row-major: a [n × d] activation is n rows of d floats.
// - A BufferRange argument binds where the data starts (its offset must be a multiple of the device's
//   minStorageBufferOffsetAlignment, 16 on lavapipe); ops never read before it.
// - `label` names the dispatch in profiles and errors: "<op> L<layer>", e.g. "attn_q L3".
// - Errors: InvalidArgument for inconsistent shapes or a missing buffer, ShaderMissing (from the
//   Context) when no shader variant exists for a weight type.
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "inference/gguf/types.h"
#include "inference/vulkan/gpu.h"

namespace lantern::ops {

// A GGUF weight matrix in device memory: `rows` rows of `cols` elements (GGUF ne[0] = cols, ne[1] =
// rows), rows stored one after another. The matrix may be larger than maxStorageBufferRange: ops bind
// it in row chunks. Keep buffers padded to a multiple of 4 bytes (the shaders read 32-bit words).
struct Weight {
    const gpu::Buffer* buffer = nullptr;
    uint64_t offset = 0;                        // byte offset of row 0 in buffer; multiple of 4
    gguf::GgmlType type = gguf::GgmlType::F32;
    uint32_t rows = 0;
    uint32_t cols = 0;                          // a multiple of the type's block size
};

// Variant-name suffix of a weight type ("q4k", "q8_0", "f16"); empty when no shader supports it.
std::string_view typeSuffix(gguf::GgmlType type);
// Bytes of one row of `cols` elements of `type` (cols must be a multiple of its block size).
uint64_t rowBytes(gguf::GgmlType type, uint32_t cols);

// ---- Matrix-vector product (decode) ---------------------------------------------------------------

// Creates the pipeline matvec(w, ...) will use.
Result<void> prepareMatvec(gpu::Context& ctx, const Weight& w);
// y = W x, or y += W x when accumulate (a fused residual add). x: w.cols floats; y: w.rows floats.
Result<void> matvec(gpu::Context& ctx, gpu::Recorder& rec, const Weight& w, gpu::BufferRange x,
                    gpu::BufferRange y, bool accumulate, std::string_view label);
// A dense gated FFN's two products and its activation in one dispatch: y[r] = act(gate_r . x) * (up_r . x) for
// the gate.rows rows, act 0 SiLU, 1 tanh-GELU. gate and up share type and shape, and up's rows follow gate's
// in the same buffer within one binding (the model loader places them so when it can; gluAdjacent says).
bool gluAdjacent(const gpu::Context& ctx, const Weight& gate, const Weight& up);
Result<void> prepareMatvecGlu(gpu::Context& ctx, const Weight& gate);
Result<void> matvecGlu(gpu::Context& ctx, gpu::Recorder& rec, const Weight& gate, const Weight& up,
                       gpu::BufferRange x, gpu::BufferRange y, uint32_t act, std::string_view label);

// ---- Mixture of experts ---------------------------------------------------------------------------
// A token's FFN runs `used` of nExpert experts, chosen on the GPU: moeRoute turns router logits into
// expert ids and weights, matvecExperts runs the chosen experts' matrices (reading the ids on the GPU),
// moeCombine sums the experts' outputs with the router weights into the residual stream.

// nExpert expert matrices of `matrix.rows` rows and `matrix.cols` columns each, stored one after another
// (a GGUF 3-D tensor [cols, rows, nExpert]); the whole stack must fit one storage-buffer binding.
struct ExpertWeights {
    Weight matrix;
    uint32_t nExpert = 0;
};
constexpr uint32_t kMaxExperts = 512;
constexpr uint32_t kMaxExpertsUsed = 16;
constexpr uint32_t kMaxExpertGroups = 32;

Result<void> prepareMoe(gpu::Context& ctx, const ExpertWeights& w);

struct MoeRouteArgs {
    gpu::BufferRange logits;   // [nTokens][nExpert] router outputs
    gpu::BufferRange bias;     // [nExpert] selection-only bias (DeepSeek-V3); optional
    gpu::BufferRange ids;      // out: [nTokens][used] uint32 expert ids, best first
    gpu::BufferRange weights;  // out: [nTokens][used] router weights
    uint32_t nTokens = 0, nExpert = 0, used = 0;
    bool sigmoid = false;      // gating: softmax over the experts (false) or a sigmoid per expert
    bool normalize = true;     // divide the chosen weights by their sum
    float scale = 1.0f;        // then multiply (DeepSeek-V3's routed scaling factor)
    // Group-limited routing (DeepSeek-V3): experts form nGroups equal groups; only the groupsUsed groups with
    // the largest sums of their two best selection scores take part. nGroups <= 1: no limit.
    uint32_t nGroups = 0, groupsUsed = 0;
};
Result<void> moeRoute(gpu::Context& ctx, gpu::Recorder& rec, const MoeRouteArgs& args, std::string_view label);

struct ExpertMatvecArgs {
    ExpertWeights experts;
    gpu::BufferRange x;        // the inputs: pair (t, j) reads x at t * xTokenStride + j * xSlotStride
    gpu::BufferRange ids;      // [nTokens][used] from moeRoute
    gpu::BufferRange y;        // out: [nTokens * used][yStride], or [nTokens][yStride] when summed
    uint32_t nTokens = 0, used = 0;
    uint32_t xTokenStride = 0; // floats (a multiple of 4)
    uint32_t xSlotStride = 0;  // floats (a multiple of 4); 0 = every slot reads its token's x
    uint32_t yStride = 0;      // floats between outputs (0 = experts.matrix.rows)
    // When given: y[t] (+)= sum_j routeWeights[t][j] * W_{ids[t][j]} x(t, j), one row set per token (the down
    // projection with moeCombine fused in); accumulate adds to y (the residual stream).
    gpu::BufferRange routeWeights;
    bool accumulate = false;
    // Gate and up fused: every expert matrix holds 2 * F rows (the gate's F, then the up projection's F) and
    // y gets act(gate x) * (up x), F floats per pair (act: SiLU, or tanh-GELU when gelu). Not with routeWeights.
    bool glu = false;
    bool gelu = false;
    // Offloaded experts with a device-memory cache: `stack` holds cached experts' matrices one after another
    // (one binding), table[e] is expert e's slot in it or 0xFFFFFFFF. Cached experts are read from the stack,
    // the others from `experts` (host memory); two dispatches, the second accumulating.
    struct Cache {
        gpu::BufferRange stack;
        gpu::BufferRange table;
    } cache;
};
Result<void> matvecExperts(gpu::Context& ctx, gpu::Recorder& rec, const ExpertMatvecArgs& args,
                           std::string_view label);

// Prefill: the pairs of a batch grouped by expert on the GPU, then one tiled matrix product per expert
// (each expert's weights read once per kExpertTileTokens pairs routed to it, not once per pair).
// moeSort writes the grouping of ids ([nTokens][used], from moeRoute) into `sorted`
// (moeSortedBytes(...) bytes); matmulExperts reads it.
constexpr uint32_t kExpertTileTokens = 16;
uint64_t moeSortedBytes(uint32_t nTokens, uint32_t used, uint32_t nExpert);
Result<void> moeSort(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange ids, gpu::BufferRange sorted,
                     uint32_t nTokens, uint32_t used, uint32_t nExpert, std::string_view label);
struct ExpertMatmulArgs {
    ExpertWeights experts;
    gpu::BufferRange x;        // pair (t, j) reads x at t * xTokenStride + j * xSlotStride
    gpu::BufferRange sorted;   // from moeSort over the same ids
    gpu::BufferRange y;        // out: [nTokens * used][yStride]
    uint32_t nTokens = 0, used = 0;
    uint32_t xTokenStride = 0; // floats
    uint32_t xSlotStride = 0;  // floats; 0 = every slot reads its token's x
    uint32_t yStride = 0;      // floats between pairs' outputs (0 = rows)
    // Rows [rowStart, rowStart + rows) of every expert's matrix (rows 0 = all): a fused gate/up stack is
    // multiplied as its gate half and its up half.
    uint32_t rowStart = 0, rows = 0;
};
Result<void> matmulExperts(gpu::Context& ctx, gpu::Recorder& rec, const ExpertMatmulArgs& args,
                           std::string_view label);

// out[t] (+)= sum_j weights[t][j] * y[t * used + j], rows of `width` floats.
Result<void> moeCombine(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange y, gpu::BufferRange weights,
                        gpu::BufferRange out, uint32_t nTokens, uint32_t width, uint32_t used, bool accumulate,
                        std::string_view label);

// ---- Matrix product (prefill) ---------------------------------------------------------------------

Result<void> prepareMatmul(gpu::Context& ctx, const Weight& w);
// Y = X W^T, or Y += X W^T when accumulate. x: nTokens rows of w.cols floats; y: nTokens rows of
// w.rows floats. Batches of at most kShortBatchTokens tokens (a chat turn's new message) run as matvec.comp's
// MULTI variant, each weight unit decoded once for up to 8 tokens; longer ones as matmul.comp's tiles.
inline constexpr uint32_t kShortBatchTokens = 16;
Result<void> matmul(gpu::Context& ctx, gpu::Recorder& rec, const Weight& w, gpu::BufferRange x,
                    gpu::BufferRange y, uint32_t nTokens, bool accumulate, std::string_view label);

// ---- Embedding lookup -----------------------------------------------------------------------------

Result<void> prepareGetRows(gpu::Context& ctx, const Weight& table);
struct GetRowsArgs {
    gpu::BufferRange ids;   // nIds int32 row indices into the table (token ids); ids >= table.rows are skipped
    gpu::BufferRange out;   // nIds rows of table.cols floats
    uint32_t nIds = 0;
    float scale = 1.0f;     // multiplies every value (Gemma scales embeddings by sqrt(n_embd))
};
// out[t] = dequantize(table[ids[t]]) * scale.
Result<void> getRows(gpu::Context& ctx, gpu::Recorder& rec, const Weight& table, const GetRowsArgs& args,
                     std::string_view label);

// ---- Norms and element-wise ops (f32) --------------------------------------------------------------

// Creates the pipelines of every op below (norms, element-wise, rope, softmax, KV store, attention).
Result<void> prepareCommon(gpu::Context& ctx);

struct RmsNormArgs {
    gpu::BufferRange x;       // rows x cols floats
    gpu::BufferRange weight;  // cols floats; no buffer = no weight multiply
    gpu::BufferRange out;     // rows x cols floats; may be the same range as x
    uint32_t rows = 0;
    uint32_t cols = 0;
    float eps = 1e-6f;
    uint32_t stride = 0;      // floats between rows of x and out (0 = cols); only the first cols are touched
};
// out[r] = x[r] / sqrt(mean(x[r]^2) + eps) * weight. For per-head norms (Gemma 3 / Qwen 3 q/k norm)
// pass rows = tokens * heads, cols = head_dim and a head_dim weight.
Result<void> rmsnorm(gpu::Context& ctx, gpu::Recorder& rec, const RmsNormArgs& args, std::string_view label);

// out[i] = a[i] + b[i % nb] for i < n (nb = n: plain sum; nb = row length: bias broadcast over rows).
// out may be the same range as a.
Result<void> add(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange a, gpu::BufferRange b,
                 gpu::BufferRange out, uint32_t n, uint32_t nb, std::string_view label);
// out[i] = a[i] * b[i % nb] for i < n.
Result<void> mul(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange a, gpu::BufferRange b,
                 gpu::BufferRange out, uint32_t n, uint32_t nb, std::string_view label);
// out[i] = a[i] * s for i < n.
Result<void> scale(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange a, gpu::BufferRange out,
                   uint32_t n, float s, std::string_view label);
// dst = src for the first `bytes` bytes (a multiple of 16): a plain copy kernel, the bandwidth roofline of
// `lantern-cli bench-ops`.
Result<void> copy(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange src, gpu::BufferRange dst, uint64_t bytes,
                  std::string_view label);
// dst[r * dstStride + c] = src[r * srcStride + c] for r < rows, c < cols (floats).
Result<void> copyRows(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange src, gpu::BufferRange dst,
                      uint32_t rows, uint32_t cols, uint32_t srcStride, uint32_t dstStride, std::string_view label);
// out[i] = gelu_tanh(gate[i]) * up[i] for i < n (Gemma's feed-forward). out may alias gate or up.
Result<void> geglu(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange gate, gpu::BufferRange up,
                   gpu::BufferRange out, uint32_t n, std::string_view label);
// out[i] = silu(gate[i]) * up[i] for i < n (Llama/Qwen feed-forward).
Result<void> swiglu(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange gate, gpu::BufferRange up,
                    gpu::BufferRange out, uint32_t n, std::string_view label);
// x[r] = softmax(x[r] * scale) in place, rows x cols.
Result<void> softmax(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange x, uint32_t rows, uint32_t cols,
                     float scale, std::string_view label);

// ---- Top-k (greedy decoding and top-k sampling on the device) ---------------------------------------

constexpr uint32_t kMaxTopK = 64;
struct TopKArgs {
    gpu::BufferRange values;      // n floats (logits)
    gpu::BufferRange scratch;     // topKScratchBytes(n, k) bytes
    gpu::BufferRange outValues;   // k floats, largest first
    gpu::BufferRange outIndices;  // k uint32 indices; 0xFFFFFFFF where n < k
    uint32_t n = 0;
    uint32_t k = 1;               // 1 <= k <= kMaxTopK; k = 1 is argmax
};
uint64_t topKScratchBytes(uint32_t n, uint32_t k);
// The k largest values and their indices, largest first; ties go to the lower index, NaN counts as -inf.
Result<void> topK(gpu::Context& ctx, gpu::Recorder& rec, const TopKArgs& args, std::string_view label);

// ---- Rotary position embedding ---------------------------------------------------------------------

// YaRN context extension (rope.scaling.type = yarn): which rotary pairs keep their trained angles (below
// corrLow), which are interpolated by freqScale (above corrHigh), a linear blend between; and the attention
// temperature. extFactor = 0 turns it off.
struct YarnRamp {
    float extFactor = 0.0f;   // 1 with YaRN
    float corrLow = 0.0f;     // first blended pair
    float corrHigh = 0.0f;    // last blended pair
    float attnFactor = 1.0f;  // extra scale of the rotated values (times 1 + 0.1 ln(1/freqScale) with YaRN)
};
// The ramp for a model trained at nCtxOrig tokens: pairs turning more than betaFast times over nCtxOrig keep
// their angles, fewer than betaSlow times are interpolated (the YaRN paper's alpha/beta; 32 and 1 usually).
YarnRamp yarnRamp(uint32_t nRot, uint32_t nCtxOrig, float freqBase, float betaFast = 32.0f, float betaSlow = 1.0f,
                  float extFactor = 1.0f);
// What the rotated pair is multiplied by.
float ropeMscale(float freqScale, const YarnRamp& yarn);

struct RopeArgs {
    gpu::BufferRange x;            // [nTokens][tokenStride] floats, heads of headDim at h*headDim; in place
    gpu::BufferRange positions;    // nTokens int32 positions; no buffer = positions pos0, pos0+1, ...
    gpu::BufferRange freqFactors;  // nRot/2 floats dividing each frequency (Llama 3 rope_freqs); optional
    uint32_t nTokens = 0;
    uint32_t nHeads = 0;
    uint32_t headDim = 0;
    uint32_t nRot = 0;             // rotated dimensions, even, <= headDim (0 = headDim)
    uint32_t tokenStride = 0;      // floats between tokens (0 = nHeads * headDim)
    uint32_t pos0 = 0;
    float freqBase = 10000.0f;     // rope.freq_base
    float freqScale = 1.0f;        // 1 / rope.scaling.factor for linear and YaRN scaling
    YarnRamp yarn;                 // YaRN's blend and temperature; off by default
    bool neox = false;             // pairs (i, i + nRot/2) (Gemma, Qwen) instead of (2i, 2i+1) (Llama)
};
Result<void> rope(gpu::Context& ctx, gpu::Recorder& rec, const RopeArgs& args, std::string_view label);

// ---- KV cache and attention ------------------------------------------------------------------------
// A layer's K and V caches are [context][nHeadKv * headDim] of f16 (or f32) elements.

struct KvStoreArgs {
    gpu::BufferRange src;     // nTokens rows of width floats (the new K or V)
    gpu::BufferRange cache;   // the layer's K or V cache
    uint32_t nTokens = 0;
    uint32_t width = 0;       // nHeadKv * headDim (even for f16)
    uint32_t pos0 = 0;        // cache row of the first token
    bool f16 = true;          // cache element type
    gpu::BufferRange step;    // when given, pos0 is read from it (an AttentionStep): a re-submittable decode step
};
// cache[pos0 + t] = src[t] for t < nTokens (converted to f16 for an f16 cache).
Result<void> kvStore(gpu::Context& ctx, gpu::Recorder& rec, const KvStoreArgs& args, std::string_view label);

struct AttentionArgs {
    gpu::BufferRange q;        // [nTokens][nHead * headDim] floats (after rope)
    gpu::BufferRange k;        // K cache, positions 0 .. pos0 + nTokens - 1 filled
    gpu::BufferRange v;        // V cache (may be the K cache: DeepSeek's values are the keys' first headDimV)
    gpu::BufferRange out;      // [nTokens][nHead * headDimV] floats
    gpu::BufferRange scratch;  // attentionScratchBytes(...) bytes for split decode; no buffer = no split
    uint32_t nTokens = 0;      // queries; query t is at position pos0 + t (causal)
    uint32_t nHead = 0;
    uint32_t nHeadKv = 0;      // divides nHead (grouped-query attention)
    uint32_t headDim = 0;      // key and query size: even, <= 576
    uint32_t headDimV = 0;     // value and output size, <= 512 (0 = headDim)
    uint32_t kStride = 0;      // cache elements between positions (0 = nHeadKv * headDim); even
    uint32_t vStride = 0;      // (0 = nHeadKv * headDimV); even
    uint32_t pos0 = 0;
    uint32_t window = 0;       // sliding window in positions (query sees the last `window`); 0 = none
    float scale = 1.0f;        // usually 1/sqrt(headDim), Gemma 3: query_pre_attn_scalar^-1/2
    float softcap = 0.0f;      // attention logit soft-capping (Gemma 2); 0 = none
    bool kvF16 = true;         // cache element type
    // A re-submittable decode step (one query, scratch given): pos0, the split and the grid are read from this
    // AttentionStep in device-visible memory, rewritten before each submission; pos0 and window above only
    // validate.
    gpu::BufferRange step;
};
// What a decode step's attention reads from AttentionArgs::step (48 bytes): the split, then the indirect
// dispatch arguments of the attention (byte 16) and of the merge of its splits (byte 32; no groups when the
// step does not split).
struct AttentionStep {
    uint32_t pos0 = 0, nSplit = 1, splitLen = 0, unused = 0;
    uint32_t groups[3] = {0, 0, 0};
    uint32_t unused2 = 0;
    uint32_t mergeGroups[3] = {0, 0, 0};
    uint32_t unused3 = 0;
};
static_assert(sizeof(AttentionStep) == 48);
// The split attention() uses for nTokens queries from pos0 (one query with scratch may split).
AttentionStep attentionStep(uint32_t pos0, uint32_t nTokens, uint32_t window, uint32_t nHead, bool canSplit);
// out = softmax(q k^T * scale, causal and windowed) v, per head. A single query (decode) over a long
// cache is split over positions into parallel workgroups when scratch is given, then merged.
Result<void> attention(gpu::Context& ctx, gpu::Recorder& rec, const AttentionArgs& args,
                       std::string_view label);
// Scratch bytes attention() needs for split decode with nHead heads of values of headDimV.
uint64_t attentionScratchBytes(uint32_t nHead, uint32_t headDimV);

}  // namespace lantern::ops
