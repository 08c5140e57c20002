#include "inference/engine.h"

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include "base/strformat.h"

#include "inference/backend/cpubackend.h"
#include "inference/backend/vulkanbackend.h"
#include "inference/gguf/file.h"
#include "inference/gguf/split.h"
#include "inference/models/config.h"
#include "inference/models/densemodel.h"
#include "inference/models/shapeplan.h"
#include "inference/sampling/sampler.h"
#include "inference/sampling/stopmatcher.h"
#include "inference/models/prompt.h"
#include "inference/text/tokenizer.h"
#include "inference/text/detokenizer.h"
#include "inference/vulkan/gpu.h"

namespace lantern {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// "Q4_K_M" etc. from general.file_type (llama_ftype numbering).
std::string fileTypeLabel(uint32_t ft) {
    static const std::pair<uint32_t, const char*> names[] = {
        {0, "F32"},     {1, "F16"},     {2, "Q4_0"},    {3, "Q4_1"},    {7, "Q8_0"},    {8, "Q5_0"},
        {9, "Q5_1"},    {10, "Q2_K"},   {11, "Q3_K_S"}, {12, "Q3_K_M"}, {13, "Q3_K_L"}, {14, "Q4_K_S"},
        {15, "Q4_K_M"}, {16, "Q5_K_S"}, {17, "Q5_K_M"}, {18, "Q6_K"},   {25, "IQ4_NL"}, {30, "IQ4_XS"},
        {32, "BF16"},
    };
    for (auto [id, name] : names) {
        if (id == ft) {
            return name;
        }
    }
    return "type " + std::to_string(ft);
}

ModelInfo describe(const gguf::File& file) {
    ModelInfo info;
    info.path = file.path();
    info.name = std::string(file.str("general.name").value_or(""));
    if (info.name.empty()) {
        // A split set is named by its prefix, not by "-00001-of-00003".
        const auto split = file.parts().size() > 1 ? gguf::parseSplitName(file.path()) : std::nullopt;
        info.name = (split ? split->prefix.filename() : file.path().stem()).string();
    }
    info.architecture = std::string(file.arch());
    info.fileBytes = file.fileBytes();
    if (auto ft = file.u32("general.file_type")) {
        info.quantization = fileTypeLabel(*ft);
    }
    std::map<uint32_t, uint64_t> matrixBytes;  // per type: what the matrices hold
    for (const gguf::TensorInfo& t : file.tensors()) {
        info.parameters += t.elements;
        if (t.nDims >= 2) {
            matrixBytes[uint32_t(t.type)] += t.bytes;
        }
    }
    if (info.quantization.empty() && !matrixBytes.empty()) {
        // No general.file_type (files some converters write): the type most of the matrices' bytes are in.
        const auto most = std::max_element(matrixBytes.begin(), matrixBytes.end(),
                                           [](const auto& a, const auto& b) { return a.second < b.second; });
        if (const auto traits = gguf::typeTraits(most->first)) {
            std::string label(traits->name);
            std::transform(label.begin(), label.end(), label.begin(),
                           [](unsigned char c) { return char(std::toupper(c)); });
            info.quantization = label;
        }
    }
    const std::string a = info.architecture;
    info.trainedContext = file.u32(a + ".context_length").value_or(0);
    info.layers = file.u32(a + ".block_count").value_or(0);
    info.embedding = file.u32(a + ".embedding_length").value_or(0);
    return info;
}

class GpuModel;

std::string_view trimmed(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) {
        return {};
    }
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// Tokens of a rendered prompt in which special tokens count only in the template's own text: each
// message's content is found in the rendering (in order) and encoded as plain text, so a user who types
// "<end_of_turn>" or "<|im_end|>" cannot end a turn or forge one.
// A raw prompt and a base model's transcript contain no special tokens at all: they are encoded as
// plain text in one piece (splitting at message boundaries would change how SentencePiece joins the
// space after "User:" with the first word); the caller adds the BOS token the vocabulary asks for.
std::vector<int32_t> encodePrompt(const text::Tokenizer& tok, std::string_view rendered,
                                  const std::vector<ChatMessage>& messages, bool plain) {
    if (plain) {
        return tok.encode(rendered, false, false);
    }
    std::vector<text::Tokenizer::Segment> segments;
    size_t from = 0;
    for (const ChatMessage& m : messages) {
        const std::string_view content = trimmed(m.content);
        if (content.empty()) {
            continue;
        }
        const size_t at = rendered.find(content, from);
        if (at == std::string_view::npos) {
            continue;  // the template rewrote this message; its text is encoded with the template's
        }
        segments.push_back({rendered.substr(from, at - from), true});
        segments.push_back({rendered.substr(at, content.size()), false});
        from = at + content.size();
    }
    segments.push_back({rendered.substr(from), true});
    return tok.encode(segments, false);
}

class GpuSession final : public Session {
public:
    GpuSession(GpuModel& model, models::KvCache kv) : m_model(model), m_kv(std::move(kv)) {}
    Result<GenerateStats> generate(std::span<const ChatMessage> messages, const GenerateOptions& options,
                                   const std::function<void(std::string_view)>& onText,
                                   const std::atomic<bool>& cancel) override;
    Result<uint32_t> countTokens(std::span<const ChatMessage> messages, const GenerateOptions& options) override;
    void reset() override { m_cached.clear(); }

private:
    // The prompt tokens, dropping the oldest turns (never the system prompt nor the last message) until
    // the prompt leaves room for an answer.
    Result<std::vector<int32_t>> fit(std::span<const ChatMessage> messages, const GenerateOptions& options,
                                     std::vector<size_t>& dropped);
    Result<std::string> render(const std::vector<ChatMessage>& messages, const GenerateOptions& options) const;
    bool plainPrompt(const GenerateOptions& options) const;
    GpuModel& m_model;
    models::KvCache m_kv;
    std::vector<int32_t> m_cached;  // tokens whose K/V are in the cache, in order
};

class GpuModel final : public Model {
public:
    GpuModel(gguf::File file, std::unique_ptr<gpu::Context> ctx, std::unique_ptr<backend::Backend> be)
        : m_file(std::move(file)), m_ctx(std::move(ctx)), m_backend(std::move(be)) {}
    const ModelInfo& info() const override { return m_info; }
    std::unique_ptr<Session> newSession() override {
        auto kv = m_dense->newKvCache(m_info.contextLength);
        if (!kv) {
            return nullptr;
        }
        return std::make_unique<GpuSession>(*this, std::move(*kv));
    }

    gguf::File m_file;                      // mapped for the model's life: the CPU backend reads weights in place
    std::unique_ptr<gpu::Context> m_ctx;    // the Vulkan device; null on the CPU backend
    std::unique_ptr<backend::Backend> m_backend;
    std::unique_ptr<models::DenseModel> m_dense;
    std::optional<text::Tokenizer> m_tokenizer;
    std::optional<models::PromptFormat> m_prompt;
    ModelInfo m_info;
};

Result<std::vector<int32_t>> GpuSession::fit(std::span<const ChatMessage> messages, const GenerateOptions& options,
                                             std::vector<size_t>& dropped) {
    std::vector<size_t> keep(messages.size());
    for (size_t i = 0; i < keep.size(); ++i) {
        keep[i] = i;
    }
    const uint32_t context = m_kv.context;
    const uint32_t reserve = std::min<uint32_t>(context / 4, options.maxTokens > 0 ? uint32_t(options.maxTokens) : 256);
    for (;;) {
        std::vector<ChatMessage> kept;
        for (size_t i : keep) {
            kept.push_back(messages[i]);
        }
        auto rendered = render(kept, options);
        if (!rendered) {
            return std::unexpected(rendered.error());
        }
        std::vector<int32_t> tokens = encodePrompt(*m_model.m_tokenizer, *rendered, kept, plainPrompt(options));
        const text::Vocab& vocab = m_model.m_tokenizer->vocab();
        if (vocab.addBos && vocab.bos >= 0 && (tokens.empty() || tokens.front() != vocab.bos)) {
            tokens.insert(tokens.begin(), vocab.bos);
        }
        if (tokens.size() + reserve <= context) {
            return tokens;
        }
        // Drop the oldest message that is neither a system prompt nor the last one.
        auto victim = std::find_if(keep.begin(), keep.end(), [&](size_t i) {
            return messages[i].role != "system" && i + 1 != messages.size();
        });
        if (victim == keep.end()) {
            return fail(Errc::ContextOverflow,
                        lantern::format("The message is too long: it needs {} tokens, but the context holds {} "
                                    "(with {} kept free for the answer). Shorten it or raise the context size.",
                                    tokens.size(), context, reserve));
        }
        dropped.push_back(*victim);
        victim = keep.erase(victim);
        // Drop whole exchanges: a conversation must not continue with an orphaned answer (templates such
        // as Gemma's require user/assistant alternation).
        while (victim != keep.end() && messages[*victim].role == "assistant" && *victim + 1 != messages.size()) {
            dropped.push_back(*victim);
            victim = keep.erase(victim);
        }
    }
}

Result<std::string> GpuSession::render(const std::vector<ChatMessage>& messages, const GenerateOptions& options) const {
    if (options.rawPrompt) {
        std::string text;
        for (const ChatMessage& m : messages) {
            text += m.content;
        }
        return text;
    }
    return m_model.m_prompt->render(messages, options.addGenerationPrompt, options.enableThinking);
}

bool GpuSession::plainPrompt(const GenerateOptions& options) const {
    return options.rawPrompt || m_model.m_prompt->isTranscript();
}

Result<uint32_t> GpuSession::countTokens(std::span<const ChatMessage> messages, const GenerateOptions& options) {
    auto rendered = render({messages.begin(), messages.end()}, options);
    if (!rendered) {
        return std::unexpected(rendered.error());
    }
    const std::vector<ChatMessage> all(messages.begin(), messages.end());
    return uint32_t(encodePrompt(*m_model.m_tokenizer, *rendered, all, plainPrompt(options)).size());
}

Result<GenerateStats> GpuSession::generate(std::span<const ChatMessage> messages, const GenerateOptions& options,
                                           const std::function<void(std::string_view)>& onText,
                                           const std::atomic<bool>& cancel) {
    GenerateStats stats;
    const auto start = Clock::now();
    auto prompt = fit(messages, options, stats.droppedMessages);
    if (!prompt) {
        return std::unexpected(prompt.error());
    }
    std::vector<int32_t>& tokens = *prompt;
    stats.promptTokens = uint32_t(tokens.size());
    // Reuse the longest cached prefix; at least one token must run to produce logits.
    size_t common = 0;
    while (common < tokens.size() && common < m_cached.size() && tokens[common] == m_cached[common]) {
        ++common;
    }
    common = std::min(common, tokens.size() - 1);
    stats.reusedTokens = uint32_t(common);
    m_cached.resize(common);

    models::DenseModel& dense = *m_model.m_dense;
    std::vector<float> logits(dense.config().nVocab);
    // Greedy without penalties needs only the most likely token: found on the GPU, 4 bytes read back.
    const SamplingParams& sampling = options.sampling;
    const bool argmaxOnly = sampling.temperature <= 0.f && sampling.repeatPenalty == 1.f &&
                            sampling.presencePenalty == 0.f && sampling.frequencyPenalty == 0.f;
    int32_t greedyNext = -1;
    const auto run = [&](std::span<const int32_t> input, uint32_t pos) -> Result<void> {
        if (!argmaxOnly) {
            return dense.forward(m_kv, input, pos, logits);
        }
        auto next = dense.forwardGreedy(m_kv, input, pos);
        if (!next) {
            return std::unexpected(next.error());
        }
        greedyNext = *next;
        return {};
    };
    const auto prefillStart = Clock::now();
    if (auto r = run(std::span(tokens).subspan(common), uint32_t(common)); !r) {
        m_cached.clear();
        return std::unexpected(r.error());
    }
    m_cached = tokens;
    const double prefillMs = msSince(prefillStart);
    stats.prefillTokensPerSecond = double(tokens.size() - common) / std::max(prefillMs, 1e-3) * 1000.0;

    sampling::Params sp;
    sp.temperature = options.sampling.temperature;
    sp.topK = options.sampling.topK;
    sp.topP = options.sampling.topP;
    sp.minP = options.sampling.minP;
    sp.repeatPenalty = options.sampling.repeatPenalty;
    sp.presencePenalty = options.sampling.presencePenalty;
    sp.frequencyPenalty = options.sampling.frequencyPenalty;
    sp.penaltyLastN = options.sampling.penaltyLastN;
    sp.seed = options.sampling.seed;
    sampling::Sampler sampler(sp);
    for (int32_t t : tokens) {
        sampler.accept(t);
    }
    std::vector<std::string> stopStrings = options.stop;
    if (!options.rawPrompt) {  // the prompt format's own turn markers (a base model's transcript)
        const auto& own = m_model.m_prompt->stopStrings();
        stopStrings.insert(stopStrings.end(), own.begin(), own.end());
    }
    sampling::StopMatcher stops(stopStrings);
    text::Detokenizer detok(*m_model.m_tokenizer);
    const text::Tokenizer& tok = *m_model.m_tokenizer;
    // A chat reply starts at its first visible character: a transcript's answer comes as " Paris." after
    // "Assistant:", and templates may open the turn with a newline. A raw continuation keeps every byte.
    bool leading = !options.rawPrompt;
    auto emit = [&](std::string_view text) {
        if (leading) {
            text.remove_prefix(std::min(text.find_first_not_of(" \t\r\n"), text.size()));
            leading = text.empty();
        }
        if (!text.empty()) {
            onText(text);
        }
    };
    const auto decodeStart = Clock::now();
    stats.stopReason = "max-tokens";
    for (;;) {
        if (cancel.load()) {
            stats.stopReason = "cancelled";
            break;
        }
        const int32_t next = argmaxOnly ? greedyNext : sampler.sample(logits);
        if (tok.vocab().isEndOfGeneration(next)) {
            stats.stopReason = "eos";
            break;
        }
        sampler.accept(next);
        ++stats.generatedTokens;
        if (stats.generatedTokens == 1) {
            stats.timeToFirstTokenMs = msSince(start);
        }
        const auto step = stops.feed(detok.feed(next));
        emit(step.text);
        if (step.stopped) {
            stats.stopReason = "stop-string";
            m_cached.push_back(next);  // its K/V are computed below only if we continue; keep cache exact
            m_cached.pop_back();
            break;
        }
        if (options.maxTokens >= 0 && stats.generatedTokens >= uint32_t(options.maxTokens)) {
            break;
        }
        if (m_cached.size() + 1 >= m_kv.context) {
            stats.stopReason = "context";
            break;
        }
        const int32_t one[] = {next};
        if (auto r = run(one, uint32_t(m_cached.size())); !r) {
            m_cached.clear();
            return std::unexpected(r.error());
        }
        m_cached.push_back(next);
    }
    if (!stops.stopped()) {
        emit(stops.feed(detok.flush()).text + stops.flush());
    }
    const double decodeMs = msSince(decodeStart);
    if (stats.generatedTokens > 1) {
        stats.decodeTokensPerSecond = double(stats.generatedTokens - 1) / std::max(decodeMs, 1e-3) * 1000.0;
    }
    return stats;
}

}  // namespace

Result<ModelInfo> Engine::inspect(const std::filesystem::path& path) {
    auto file = gguf::File::open(path);
    if (!file) {
        return std::unexpected(file.error());
    }
    ModelInfo info = describe(*file);
    if (auto config = models::readConfig(*file); !config) {
        return std::unexpected(config.error());
    }
    return info;
}

namespace {
uint64_t vramBudget(const gpu::DeviceInfo& device, uint64_t requested) {
    return requested > 0 ? requested : Engine::defaultVramBudget(device.budgetBytes);
}

// The context a load uses: the one asked for, capped by the model's; by default the model's up to 8192.
uint32_t contextFor(const models::ModelConfig& config, uint32_t requested) {
    const uint32_t trained = config.trainedContext ? config.trainedContext : 4096;
    return requested ? std::min(requested, trained) : std::min<uint32_t>(trained, 8192);
}
}  // namespace

uint64_t Engine::defaultVramBudget(uint64_t deviceFreeBytes) {
    const uint64_t margin = std::max<uint64_t>(deviceFreeBytes / 10, uint64_t(256) << 20);
    return deviceFreeBytes > margin ? deviceFreeBytes - margin : 0;
}

Engine::BackendChoice Engine::chooseBackend(const std::string& device) {
    std::string want = device;
    if (want.empty()) {
        if (const char* env = std::getenv("LANTERN_DEVICE"); env != nullptr) {
            want = env;
        }
    }
    std::string lower = want;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
    if (lower == "cpu") {
        return {true, {}, {}};
    }
    if (lower == "vulkan" || lower == "gpu") {
        return {false, "", {}};
    }
    if (!want.empty()) {
        return {false, want, {}};
    }
    const auto best = gpu::Context::pick("");
    if (!best) {
        return {true, {}, "no Vulkan device: " + best.error().detail};
    }
    if (best->type == "cpu") {
        return {true, {}, "the only Vulkan device is a CPU driver (" + best->name + ")"};
    }
    return {false, "", {}};
}

namespace {

// The plan of the CPU backend: every weight in memory, mapped from the file; it fits when the weights, the KV
// cache and the activations fit the machine's memory.
models::MemoryPlan cpuPlan(std::span<const gguf::TensorInfo> tensors, const models::ModelConfig& config,
                           uint32_t context, const gpu::DeviceInfo& cpu) {
    models::MemoryPlan plan = models::planMemory(tensors, config, context, UINT64_MAX);
    plan.cpu = true;
    plan.budgetBytes = cpu.deviceLocalBytes;
    plan.fits = plan.deviceBytes() <= cpu.deviceLocalBytes;
    return plan;
}

// The plan on a GPU: what does not fit stays in system memory, its experts computed by the CPU unless the
// options ask the GPU to read them over the bus.
models::MemoryPlan gpuPlan(std::span<const gguf::TensorInfo> tensors, const models::ModelConfig& config,
                           uint32_t context, uint64_t budget, const LoadOptions& options) {
    models::MemoryPlan plan = models::planMemory(tensors, config, context, budget, options.expertCompute != "gpu");
    plan.cpuThreads = options.threads;
    return plan;
}

// The device that plan() and planShapes() plan for, asked once for all their models.
struct PlanDevice {
    Engine::BackendChoice choice;
    Result<gpu::DeviceInfo> device;
};

PlanDevice planDevice(const LoadOptions& options) {
    PlanDevice d{Engine::chooseBackend(options.device), Result<gpu::DeviceInfo>{}};
    if (d.choice.cpu) {
        d.device = backend::CpuBackend(backend::CpuOptions{.threads = options.threads}).info();
    } else {
        d.device = gpu::Context::pick(d.choice.vulkanDevice);
    }
    return d;
}

// One model's plan for the model library, from its tensors (a file's or a shape's): what load() would do.
MemoryPlanInfo planInfo(std::span<const gguf::TensorInfo> tensors, const models::ModelConfig& config,
                        const gpu::DeviceInfo& device, bool cpu, const LoadOptions& options, const std::string& name) {
    MemoryPlanInfo info;
    info.deviceName = device.name;
    info.cpuBackend = cpu;
    info.contextLength = contextFor(config, options.contextLength);
    const models::MemoryPlan plan =
        cpu ? cpuPlan(tensors, config, info.contextLength, device)
            : gpuPlan(tensors, config, info.contextLength, vramBudget(device, options.vramBudgetBytes), options);
    info.fits = plan.fits;
    info.offloaded = plan.offloadedBytes > 0;
    info.deviceBytes = plan.deviceBytes();
    info.text = plan.fits ? plan.summary() : models::memoryError(plan, name).detail;
    return info;
}

}  // namespace

std::vector<Result<MemoryPlanInfo>> Engine::plan(std::span<const std::filesystem::path> paths,
                                                 const LoadOptions& options) {
    std::vector<Result<MemoryPlanInfo>> out;
    const PlanDevice d = planDevice(options);
    for (const std::filesystem::path& path : paths) {
        if (!d.device) {
            out.push_back(std::unexpected(d.device.error()));
            continue;
        }
        auto file = gguf::File::open(path);
        if (!file) {
            out.push_back(std::unexpected(file.error()));
            continue;
        }
        auto config = models::readConfig(*file);
        if (!config) {
            out.push_back(std::unexpected(config.error()));
            continue;
        }
        out.push_back(planInfo(file->tensors(), *config, *d.device, d.choice.cpu, options, path.filename().string()));
    }
    return out;
}

std::vector<Result<MemoryPlanInfo>> Engine::planShapes(std::span<const ModelShape> shapes, const LoadOptions& options) {
    std::vector<Result<MemoryPlanInfo>> out;
    const PlanDevice d = planDevice(options);
    for (const ModelShape& shape : shapes) {
        if (!d.device) {
            out.push_back(std::unexpected(d.device.error()));
            continue;
        }
        auto config = models::shapeConfig(shape);
        if (!config) {
            out.push_back(std::unexpected(config.error()));
            continue;
        }
        auto tensors = models::shapeTensors(*config, shape.fileBytes);
        if (!tensors) {
            out.push_back(std::unexpected(tensors.error()));
            continue;
        }
        out.push_back(planInfo(*tensors, *config, *d.device, d.choice.cpu, options, "This model"));
    }
    return out;
}

Result<std::unique_ptr<Model>> Engine::load(const std::filesystem::path& path, const LoadOptions& options) {
    auto progress = [&](float p, std::string_view stage) {
        if (options.progress) {
            options.progress(p, stage);
        }
    };
    progress(0.f, "reading");
    auto file = gguf::File::open(path);
    if (!file) {
        return std::unexpected(file.error());
    }
    auto config = models::readConfig(*file);
    if (!config) {
        return std::unexpected(config.error());
    }
    auto vocab = text::loadVocab(*file);
    if (!vocab) {
        return std::unexpected(vocab.error());
    }
    auto tokenizer = text::Tokenizer::create(std::make_shared<const text::Vocab>(std::move(*vocab)));
    if (!tokenizer) {
        return std::unexpected(tokenizer.error());
    }
    auto prompt = models::PromptFormat::fromFile(*file, tokenizer->vocab());
    if (!prompt) {
        return std::unexpected(prompt.error());
    }
    const BackendChoice choice = chooseBackend(options.device);
    std::unique_ptr<gpu::Context> ctx;
    std::unique_ptr<backend::Backend> be;
    if (choice.cpu) {
        be = std::make_unique<backend::CpuBackend>(backend::CpuOptions{.threads = options.threads});
    } else {
        auto created = gpu::Context::create({.device = choice.vulkanDevice});
        if (!created) {
            return std::unexpected(created.error());
        }
        ctx = std::move(*created);
        be = std::make_unique<backend::VulkanBackend>(*ctx);
    }
    auto model = std::make_unique<GpuModel>(std::move(*file), std::move(ctx), std::move(be));
    model->m_info = describe(model->m_file);
    model->m_tokenizer = std::move(*tokenizer);
    model->m_prompt = std::move(*prompt);
    model->m_info.basePrompt = model->m_prompt->isTranscript();
    model->m_info.contextLength = contextFor(*config, options.contextLength);
    const gpu::DeviceInfo& device = model->m_backend->info();
    const models::MemoryPlan plan =
        choice.cpu ? cpuPlan(model->m_file.tensors(), *config, model->m_info.contextLength, device)
                   : gpuPlan(model->m_file.tensors(), *config, model->m_info.contextLength,
                             vramBudget(device, options.vramBudgetBytes), options);
    if (!plan.fits) {
        return std::unexpected(models::memoryError(plan, path.filename().string()));
    }
    auto dense = models::DenseModel::load(*model->m_backend, model->m_file, *config, progress, options.cancel,
                                          choice.cpu ? nullptr : &plan);
    if (!dense) {
        return std::unexpected(dense.error());
    }
    model->m_dense = std::move(*dense);
    model->m_info.hostWeightBytes = model->m_dense->hostBytes();
    model->m_info.memoryPlan = plan.summary();
    model->m_info.deviceName = device.name;
    model->m_info.cpuBackend = choice.cpu;
    model->m_info.deviceBytesUsed =
        model->m_dense->deviceBytes() + model->m_info.contextLength * config->kvBytesPerToken();
    model->m_info.deviceBytesFree = device.budgetBytes;
    return std::unique_ptr<Model>(std::move(model));
}

}  // namespace lantern
