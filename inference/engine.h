#pragma once
// The engine facade: everything the app and the CLI need, nothing about Vulkan or GGUF internals.
//   auto model = Engine::load(path, options);      // reads, validates, uploads, builds pipelines
//   auto session = (*model)->newSession();         // owns a KV cache
//   session->generate(messages, options, onText, cancel);
// A session keeps its KV cache between calls and reuses the longest matching token prefix, so turn N
// of a conversation does not recompute turns 1..N-1. All calls on one Model/Session come from one
// thread (the inference thread); the cancel flag may be set from any thread.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace lantern {

struct LoadOptions {
    // Where the model runs: "cpu" = the CPU backend; "vulkan" = the best Vulkan device whatever its kind (a CPU
    // driver such as lavapipe included); an index or name substring = that Vulkan device; empty = LANTERN_DEVICE,
    // else the best Vulkan device when it is a real GPU and the CPU backend when there is none (a CPU Vulkan
    // driver counts as none: the CPU backend is many times faster than one).
    std::string device;
    uint32_t threads = 0;          // CPU backend threads; 0 = the physical cores
    // Who computes the experts a mixture of experts keeps in system memory when it does not fit the GPU: "cpu"
    // (the CPU backend, from system memory, while the GPU runs attention and the rest; the default) or "gpu"
    // (the GPU reads them over the bus, with a device cache of the most used ones).
    std::string expertCompute;
    uint32_t contextLength = 0;    // 0 = the model's, capped to what memory allows (and 8192 by default)
    // Called during load with progress 0..1 and a short stage name ("reading", "uploading", "pipelines").
    std::function<void(float progress, std::string_view stage)> progress;
    const std::atomic<bool>* cancel = nullptr;  // load returns Errc::Cancelled when set
    // Device memory the model may use; 0 = what the device reports free, less a margin. A mixture of experts
    // larger than this keeps expert tensors in host memory; anything else that does not fit is refused.
    uint64_t vramBudgetBytes = 0;
};

struct ModelInfo {
    std::filesystem::path path;
    std::string name;              // general.name, else the file name
    std::string architecture;      // general.architecture ("gemma3", "qwen2", ...)
    std::string quantization;      // "Q4_K_M"-style label from general.file_type, else the dominant type
    uint64_t parameters = 0;       // total weights
    uint64_t fileBytes = 0;
    uint32_t trainedContext = 0;   // <arch>.context_length
    uint32_t contextLength = 0;    // the context this load uses
    uint32_t layers = 0;
    uint32_t embedding = 0;
    std::string deviceName;        // after load: the Vulkan device in use, or the CPU ("AMD EPYC ... (avx512-vnni, 2 threads)")
    bool cpuBackend = false;       // after load: the model runs on the CPU backend
    uint64_t deviceBytesUsed = 0;  // after load: weights + KV cache + scratch on the device
    uint64_t deviceBytesFree = 0;  // after load: what the device reports free
    uint64_t hostWeightBytes = 0;  // after load: expert weights kept in host memory (0 = all on the GPU)
    std::string memoryPlan;        // after load: one line, "all 713.8 MiB of weights on the GPU, ..."
    bool basePrompt = false;       // after load: no chat template and not instruction-tuned, so the chat is
                                   // a plain "User:/Assistant:" transcript (a base model: expect short,
                                   // less reliable answers)
};

// Where a model would go before it is loaded (the same plan Engine::load follows): for the model library.
struct MemoryPlanInfo {
    bool fits = false;
    bool offloaded = false;        // a mixture of experts keeps expert weights in host memory
    std::string text;              // the plan in one line, or why it does not fit (what to do)
    std::string deviceName;
    bool cpuBackend = false;       // the plan is for the CPU backend (weights in memory, read from the file)
    uint32_t contextLength = 0;    // the context the plan is for
    uint64_t deviceBytes = 0;      // GPU memory the plan uses
};

// A model's shape as its authors publish it (config.json), for planning before its file exists (the model
// library's catalogue): Engine::planShapes lays out the tensors an architecture has at the file's size and plans
// them exactly as a loaded file's. Counts that are 0 take the architecture's default (kvHeads = heads,
// headDim = embd / heads).
struct ModelShape {
    std::string architecture;      // GGUF general.architecture: "qwen3", "qwen3moe", "llama", "gemma3", ...
    uint32_t layers = 0;
    uint32_t embd = 0;
    uint32_t ff = 0;               // dense FFN width (0 for an MoE without dense layers)
    uint32_t heads = 0;
    uint32_t kvHeads = 0;
    uint32_t headDim = 0;          // deepseek2: a query head, qk_nope + qk_rope_head_dim (value: minus ropeDim)
    uint32_t vocab = 0;
    uint32_t contextLength = 0;    // trained context
    uint32_t experts = 0;          // mixture of experts: expert count, used per token, FFN width of one expert
    uint32_t expertsUsed = 0;
    uint32_t expertFf = 0;
    uint32_t sharedExperts = 0;
    uint32_t denseLayers = 0;      // leading layers with a dense FFN in an MoE (DeepSeek: first_k_dense_replace)
    uint32_t kvLoraRank = 0;       // DeepSeek-V2 MLA: the compressed KV width and the RoPE part of a head
    uint32_t ropeDim = 0;
    uint32_t qLoraRank = 0;        // DeepSeek MLA: the low-rank query width (q_lora_rank; 0 = a plain attn_q)
    bool tiedEmbeddings = false;   // no output matrix: logits from token_embd (tie_word_embeddings; gemma3 always)
    uint64_t fileBytes = 0;        // the quantized file's size (all parts of a split set)
};

struct ChatMessage {
    std::string role;              // "system", "user", "assistant"
    std::string content;
};

struct SamplingParams {
    float temperature = 0.8f;      // 0 = greedy
    int32_t topK = 40;             // 0 = off
    float topP = 0.95f;            // 1 = off
    float minP = 0.05f;            // 0 = off
    float repeatPenalty = 1.0f;    // 1 = off
    float presencePenalty = 0.0f;
    float frequencyPenalty = 0.0f;
    int32_t penaltyLastN = 64;
    uint64_t seed = 0;             // 0 = random
};

struct GenerateOptions {
    SamplingParams sampling;
    int32_t maxTokens = -1;        // -1 = until end of turn or context
    std::vector<std::string> stop; // extra stop strings (end-of-turn tokens always stop)
    bool enableThinking = true;    // for templates with a thinking switch (Qwen3)
    bool addGenerationPrompt = true;
    bool rawPrompt = false;        // no chat template: the messages' contents are the prompt text itself
};

struct GenerateStats {
    uint32_t promptTokens = 0;     // tokens of the whole templated conversation
    uint32_t reusedTokens = 0;     // of those, served from the KV cache
    uint32_t generatedTokens = 0;
    double timeToFirstTokenMs = 0;
    double prefillTokensPerSecond = 0;
    double decodeTokensPerSecond = 0;
    std::string stopReason;        // "eos", "stop-string", "max-tokens", "context", "cancelled"
    // Context overflow policy: the system prompt is kept, the oldest turns are dropped. These are the
    // indices (into the messages passed in) that did not fit and were left out.
    std::vector<size_t> droppedMessages;
};

class Session {
public:
    virtual ~Session() = default;
    // Renders the chat template over messages, generates the assistant's reply and streams it through
    // onText in UTF-8-complete pieces. Returns when done, on a stop condition, or when cancel is set
    // (then stopReason = "cancelled" and what was generated so far has been streamed).
    virtual Result<GenerateStats> generate(std::span<const ChatMessage> messages, const GenerateOptions& options,
                                           const std::function<void(std::string_view piece)>& onText,
                                           const std::atomic<bool>& cancel) = 0;
    // Tokens the templated conversation would take (for the composer's context gauge).
    virtual Result<uint32_t> countTokens(std::span<const ChatMessage> messages, const GenerateOptions& options) = 0;
    // Forgets the KV cache.
    virtual void reset() = 0;
};

class Model {
public:
    virtual ~Model() = default;
    virtual const ModelInfo& info() const = 0;
    virtual std::unique_ptr<Session> newSession() = 0;
};

class Engine {
public:
    // Reads the file's metadata only (no device): for the model library and `lantern-cli info`.
    static Result<ModelInfo> inspect(const std::filesystem::path& path);
    // The memory plan load(path, options) would follow, for each file (device memory from the device options
    // choose, read once): what goes on the GPU, what stays in host memory, whether it fits. No device is opened.
    // The device memory a model may use by default: what the device reports free, less a margin for the desktop
    // and other programs (a tenth, at least 256 MiB). load, plan and `lantern-cli info` all use it.
    static uint64_t defaultVramBudget(uint64_t deviceFreeBytes);
    // Whether `device` (LoadOptions::device) means the CPU backend on this machine, and the Vulkan device it
    // means otherwise; `why` says why the CPU backend was chosen when it was not asked for by name.
    struct BackendChoice {
        bool cpu = false;
        std::string vulkanDevice;  // for gpu::Context::create
        std::string why;
    };
    static BackendChoice chooseBackend(const std::string& device);
    static std::vector<Result<MemoryPlanInfo>> plan(std::span<const std::filesystem::path> paths,
                                                    const LoadOptions& options = {});
    // The plan for models not downloaded yet, from their shapes (one device query for all of them): the same
    // budget, context choice and offload rules as plan(). A shape the engine cannot lay out (an architecture it
    // does not know, a zero count) gives an error for that entry.
    static std::vector<Result<MemoryPlanInfo>> planShapes(std::span<const ModelShape> shapes,
                                                          const LoadOptions& options = {});
    static Result<std::unique_ptr<Model>> load(const std::filesystem::path& path, const LoadOptions& options = {});
};

}  // namespace lantern
