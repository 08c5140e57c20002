// lantern-cli bench: prefill and decode speed of a model on the chosen device, llama-bench style:
// -p N prompt tokens in one prefill, then -n N tokens decoded one by one, repeated -r times.
// Prints mean and spread, time to first token, the device, and GPU dispatches per decoded token.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <numeric>
#include <random>

#include "app/cli/command.h"
#include "app/cli/loadmodel.h"
#include "app/cli/options.h"
#include "inference/gguf/file.h"
#include "inference/models/config.h"
#include "inference/models/densemodel.h"
#include "inference/models/memoryplan.h"
#include "inference/ops/ops.h"
#include "inference/vulkan/gpu.h"

namespace lantern::cli {

namespace {

const char* kBenchUsage =
    "usage: lantern-cli bench -m FILE [-p PROMPT_TOKENS] [-n GEN_TOKENS] [-r REPETITIONS] [--device cpu|vulkan|NAME] [-t THREADS] [--experts cpu|gpu] [--vram-budget MIB] [--profile] [--record-every-step] [--moe-prefill auto|grouped|pairs] [--json]\n";

struct Stat {
    double mean = 0, spread = 0;  // spread = sample standard deviation
};

Stat stat(const std::vector<double>& v) {
    Stat s;
    if (v.empty()) {
        return s;
    }
    s.mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
    double sq = 0;
    for (double x : v) {
        sq += (x - s.mean) * (x - s.mean);
    }
    s.spread = v.size() > 1 ? std::sqrt(sq / double(v.size() - 1)) : 0.0;
    return s;
}

int bench(std::span<char*> args) {
    auto parsed = parseOptions(args, kBenchUsage);
    if (!parsed || parsed->model.empty()) {
        if (parsed) {
            std::fputs(kBenchUsage, stderr);
        }
        return 2;
    }
    const Options& o = *parsed;
    const uint32_t p = o.promptTokens, n = o.genTokens ? o.genTokens : 128, reps = std::max(1u, o.repetitions);
    auto loaded = loadModel(o, p + n + 1);
    if (!loaded) {
        return 1;
    }
    const std::unique_ptr<models::DenseModel>* model = &loaded->model;
    const std::optional<gguf::File>& file = loaded->file;
    const models::ModelConfig* config = &(*model)->config();
    (*model)->setStepReuse(!o.recordEveryStep);
    (*model)->setMoePrefill(o.moePrefill == "grouped"  ? models::DenseModel::MoePrefill::Grouped
                            : o.moePrefill == "pairs" ? models::DenseModel::MoePrefill::Pairs
                                                      : models::DenseModel::MoePrefill::Auto);
    auto kv = (*model)->newKvCache(p + n + 1);
    if (!kv) {
        std::fprintf(stderr, "lantern-cli: %s\n", kv.error().detail.c_str());
        return 1;
    }
    const uint32_t vocab = (*model)->config().nVocab;
    std::vector<float> logits(vocab);
    std::mt19937 rng(42);
    std::vector<int32_t> prompt(p);
    for (int32_t& t : prompt) {
        t = int32_t(rng() % vocab);
    }
    using Clock = std::chrono::steady_clock;
    auto seconds = [](Clock::time_point a) { return std::chrono::duration<double>(Clock::now() - a).count(); };
    // One warm-up step compiles every pipeline in the driver (lavapipe compiles at first dispatch): as many tokens
    // as take the prompt's kernels (short batches and longer ones run different products, see ops::matmul).
    const uint32_t warm = p > ops::kShortBatchTokens ? ops::kShortBatchTokens + 1 : std::min<uint32_t>(p, 2);
    if (auto r = (*model)->forward(*kv, std::span(prompt).first(warm), 0, logits); !r) {
        std::fprintf(stderr, "lantern-cli: %s\n", r.error().detail.c_str());
        return 1;
    }
    std::vector<double> prefill, decode, ttft;
    size_t dispatches = 0;
    for (uint32_t rep = 0; rep < reps; ++rep) {
        if (p > 0) {
            const auto t0 = Clock::now();
            if (auto r = (*model)->forward(*kv, prompt, 0, logits); !r) {
                std::fprintf(stderr, "lantern-cli: %s\n", r.error().detail.c_str());
                return 1;
            }
            const double s = seconds(t0);
            prefill.push_back(p / s);
            ttft.push_back(s * 1000.0);
        }
        if (n > 0) {
            (*model)->resetExpertCacheStats();  // the report covers the last decode run
            const auto t0 = Clock::now();
            int32_t token = int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
            for (uint32_t i = 0; i < n; ++i) {
                const int32_t one[] = {token};
                if (auto r = (*model)->forward(*kv, one, p + i, logits); !r) {
                    std::fprintf(stderr, "lantern-cli: %s\n", r.error().detail.c_str());
                    return 1;
                }
                token = int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
            }
            decode.push_back(n / seconds(t0));
            dispatches = (*model)->lastDispatchCount();
        }
    }
    if (o.profile) {
        // The prompt once more and one more decode step with timestamps: where their GPU time goes, by op.
        (*model)->setProfiling(true);
        auto profile = [&](std::span<const int32_t> tokens, uint32_t pos, const char* what) {
            if (auto r = (*model)->forward(*kv, tokens, pos, logits); !r) {
                std::fprintf(stderr, "lantern-cli: %s\n", r.error().detail.c_str());
                return false;
            }
            std::map<std::string, std::pair<double, int>> byOp;
            double total = 0;
            for (const auto& t : (*model)->lastTimings()) {
                const std::string op = t.label.substr(0, t.label.find(" L"));
                byOp[op].first += t.microseconds;
                byOp[op].second += 1;
                total += t.microseconds;
            }
            std::vector<std::pair<std::string, std::pair<double, int>>> rows(byOp.begin(), byOp.end());
            std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.second.first > b.second.first; });
            std::printf("%s profile (GPU time %.2f ms):\n", what, total / 1000.0);
            for (const auto& [op, v] : rows) {
                std::printf("  %-22s %8.2f ms %5.1f%%  (%d dispatches)\n", op.c_str(), v.first / 1000.0,
                            100.0 * v.first / total, v.second);
            }
            return true;
        };
        const int32_t one[] = {0};
        if ((p > 0 && !profile(prompt, 0, "prefill")) || !profile(one, p + n - 1, "decode step")) {
            return 1;
        }
    }
    const Stat pf = stat(prefill), dc = stat(decode), tt = stat(ttft);
    // Weight bytes a decoded token reads: every matrix once (the embedding table only for one row, unless it is
    // also the output matrix), the experts a token uses.
    double tokenBytes = 0;
    for (const gguf::TensorInfo& t : file->tensors()) {
        if (t.name == "token_embd.weight" && !config->tiedOutput) {
            continue;
        }
        const bool expert = t.name.ends_with("_exps.weight");
        tokenBytes += expert ? double(t.bytes) * config->nExpertUsed / std::max(config->nExpert, 1u) : double(t.bytes);
    }
    const double decodeGbps = dc.mean * tokenBytes / 1e9;
    std::string device = loaded->backend->info().name;
    if (const backend::Backend* cpu = (*model)->cpuExpertBackend()) {
        device += " + experts on " + cpu->info().name;
    }
    if (o.json) {
        std::printf("{\"engine\": \"lantern\", \"model\": \"%s\", \"device\": \"%s\", \"prompt_tokens\": %u, "
                    "\"gen_tokens\": %u, \"repetitions\": %u, \"prefill_tps\": %.3f, \"prefill_tps_sd\": %.3f, "
                    "\"decode_tps\": %.3f, \"decode_tps_sd\": %.3f, \"ttft_ms\": %.1f, \"dispatches_per_token\": %zu, "
                    "\"decode_gbps\": %.3f, \"bytes_per_token\": %.0f}\n",
                    file->path().filename().string().c_str(), device.c_str(), p, n, reps, pf.mean, pf.spread, dc.mean,
                    dc.spread, tt.mean, dispatches, decodeGbps, tokenBytes);
    } else {
        std::printf("model    %s (%s)\ndevice   %s\n", file->path().filename().string().c_str(), config->archName.c_str(),
                    device.c_str());
        std::printf("prefill  %u tokens: %.2f ± %.2f tok/s (time to first token %.0f ms)\n", p, pf.mean, pf.spread,
                    tt.mean);
        std::printf("decode   %u tokens: %.2f ± %.2f tok/s (%zu %s per token; %.1f MB of weights per token: %.2f GB/s)\n",
                    n, dc.mean, dc.spread, dispatches, loaded->backend->isCpu() ? "CPU ops" : "GPU dispatches",
                    tokenBytes / 1e6, decodeGbps);
        if ((*model)->cpuExpertBackend() != nullptr) {
            std::printf("experts  %.1f MiB in system memory, computed on the CPU\n",
                        double((*model)->hostBytes()) / double(1 << 20));
        }
        const models::ExpertCache& cache = (*model)->expertCache();
        if (cache.active() && cache.stats().tokens > 0) {
            const models::ExpertCache::Stats& s = cache.stats();
            std::printf("experts  %.1f MiB offloaded to host memory; device cache of %u experts per offloaded layer: "
                        "hit rate %.1f%% while decoding, %.2f MiB per token read from host memory, %.2f MiB per token "
                        "copied into the cache\n",
                        double((*model)->hostBytes()) / double(1 << 20), cache.slotCount(), 100.0 * s.hitRate(),
                        double(s.hostBytes) / double(1 << 20) / double(s.tokens),
                        double(s.fillBytes) / double(1 << 20) / double(s.tokens));
        }
    }
    return 0;
}

const Registrar kBench{{"bench", "measure prefill and decode speed", bench}};

}  // namespace

}  // namespace lantern::cli
