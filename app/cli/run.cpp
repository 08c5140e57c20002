// lantern-cli run: one prompt, the answer streamed to stdout. lantern-cli chat: an interactive chat.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "app/cli/command.h"
#include "app/cli/options.h"
#include "inference/engine.h"

namespace lantern::cli {

namespace {

std::atomic<bool> g_cancel{false};

void onInterrupt(int) { g_cancel.store(true); }

const char* kRunUsage =
    "usage: lantern-cli run -m FILE -p TEXT [options]\n"
    "  -m, --model FILE     GGUF model\n"
    "  -p, --prompt TEXT    the user's message (or the raw text with --raw)\n"
    "  -s, --system TEXT    system prompt\n"
    "  -n, --max-tokens N   stop after N tokens (default 256)\n"
    "  --raw                no chat template: continue the prompt text as is\n"
    "  --greedy             always the most likely token (temperature 0)\n"
    "  --temp X --top-k N --top-p X --min-p X --repeat-penalty X --seed N\n"
    "  -c, --context N      context length\n"
    "  --device NAME        cpu, vulkan, or a Vulkan device (index or name part); default: a real GPU, else the CPU\n"
    "  -t, --threads N      CPU backend threads (default: the physical cores)\n"
    "  --vram-budget MIB    GPU memory the model may use (default: what is free); a mixture of experts\n"
    "                       larger than that keeps its experts in host memory\n"
    "  --stats              print timings to stderr\n";

Result<std::unique_ptr<Model>> loadModel(const Options& o) {
    LoadOptions lo;
    lo.device = o.device;
    lo.threads = o.threads;
    lo.expertCompute = o.experts;
    lo.contextLength = o.context;
    lo.vramBudgetBytes = o.vramBudgetMiB << 20;
    if (o.verbose) {
        lo.progress = [](float p, std::string_view stage) {
            std::fprintf(stderr, "\rloading: %-10.*s %3d%%", int(stage.size()), stage.data(), int(p * 100));
            if (p >= 1.f) {
                std::fprintf(stderr, "\n");
            }
        };
    }
    return Engine::load(o.model, lo);
}

void printStats(const GenerateStats& s, const ModelInfo& info) {
    std::fprintf(stderr,
                 "\n[%s on %s] prompt %u tokens (%u reused), %.1f tok/s prefill; %u tokens generated, %.2f tok/s; "
                 "first token after %.0f ms; stop: %s\n",
                 info.name.c_str(), info.deviceName.c_str(), s.promptTokens, s.reusedTokens, s.prefillTokensPerSecond,
                 s.generatedTokens, s.decodeTokensPerSecond, s.timeToFirstTokenMs, s.stopReason.c_str());
}

int run(std::span<char*> args) {
    auto parsed = parseOptions(args, kRunUsage);
    if (!parsed) {
        return 2;
    }
    const Options& o = *parsed;
    if (o.model.empty() || o.prompt.empty()) {
        std::fputs(kRunUsage, stderr);
        return 2;
    }
    auto model = loadModel(o);
    if (!model) {
        std::fprintf(stderr, "lantern-cli: %s\n", model.error().detail.c_str());
        return 1;
    }
    auto session = (*model)->newSession();
    if (!session) {
        std::fprintf(stderr, "lantern-cli: not enough GPU memory for the context cache\n");
        return 1;
    }
    std::vector<ChatMessage> messages;
    if (!o.system.empty()) {
        messages.push_back({"system", o.system});
    }
    messages.push_back({"user", o.prompt});
    std::signal(SIGINT, onInterrupt);
    if (o.raw) {
        std::fputs(o.prompt.c_str(), stdout);
    }
    auto stats = session->generate(messages, o.generate, [](std::string_view piece) {
        std::fwrite(piece.data(), 1, piece.size(), stdout);
        std::fflush(stdout);
    }, g_cancel);
    std::fputc('\n', stdout);
    if (!stats) {
        std::fprintf(stderr, "lantern-cli: %s\n", stats.error().detail.c_str());
        return 1;
    }
    if (o.stats) {
        printStats(*stats, (*model)->info());
    }
    return 0;
}

int chat(std::span<char*> args) {
    auto parsed = parseOptions(args, kRunUsage);
    if (!parsed) {
        return 2;
    }
    const Options& o = *parsed;
    if (o.model.empty()) {
        std::fputs("usage: lantern-cli chat -m FILE [-s SYSTEM] [options]\n", stderr);
        return 2;
    }
    auto model = loadModel(o);
    if (!model) {
        std::fprintf(stderr, "lantern-cli: %s\n", model.error().detail.c_str());
        return 1;
    }
    auto session = (*model)->newSession();
    if (!session) {
        std::fprintf(stderr, "lantern-cli: not enough GPU memory for the context cache\n");
        return 1;
    }
    std::signal(SIGINT, onInterrupt);
    std::vector<ChatMessage> messages;
    if (!o.system.empty()) {
        messages.push_back({"system", o.system});
    }
    std::fprintf(stderr, "%s on %s. Empty line or Ctrl-D ends; Ctrl-C stops an answer.\n",
                 (*model)->info().name.c_str(), (*model)->info().deviceName.c_str());
    std::string line;
    while (std::fputs("\n> ", stdout), std::fflush(stdout), std::getline(std::cin, line) && !line.empty()) {
        messages.push_back({"user", line});
        std::string answer;
        g_cancel.store(false);
        auto stats = session->generate(messages, o.generate, [&](std::string_view piece) {
            answer += piece;
            std::fwrite(piece.data(), 1, piece.size(), stdout);
            std::fflush(stdout);
        }, g_cancel);
        std::fputc('\n', stdout);
        if (!stats) {
            std::fprintf(stderr, "lantern-cli: %s\n", stats.error().detail.c_str());
            messages.pop_back();
            continue;
        }
        messages.push_back({"assistant", answer});
        if (o.stats) {
            printStats(*stats, (*model)->info());
        }
    }
    return 0;
}

const Registrar kRun{{"run", "run one prompt and stream the answer", run}};
const Registrar kChat{{"chat", "chat with a model in the terminal", chat}};

}  // namespace

}  // namespace lantern::cli
