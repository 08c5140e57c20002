#include "app/cli/options.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace lantern::cli {

std::optional<Options> parseOptions(std::span<char*> args, const char* usage) {
    Options o;
    o.generate.maxTokens = 256;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string_view a = args[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= args.size()) {
                std::fprintf(stderr, "lantern-cli: %.*s needs a value\n%s", int(a.size()), a.data(), usage);
                return nullptr;
            }
            return args[++i];
        };
        const char* v = nullptr;
        auto num = [&](auto& out) {
            if (!(v = value())) {
                return false;
            }
            char* end = nullptr;
            const double d = std::strtod(v, &end);
            if (end == v || *end) {
                std::fprintf(stderr, "lantern-cli: %.*s wants a number, not '%s'\n", int(a.size()), a.data(), v);
                return false;
            }
            out = static_cast<std::remove_reference_t<decltype(out)>>(d);
            return true;
        };
        bool ok = true;
        if (a == "-m" || a == "--model") {
            ok = (v = value()) && (o.model = v, true);
        } else if (a == "-p" || a == "--prompt") {
            if ((v = value())) {
                o.prompt = v;
            }
            ok = v != nullptr;
            // bench: -p N is a token count
            if (ok && std::strtol(v, nullptr, 10) > 0 && std::string_view(v).find_first_not_of("0123456789") == std::string_view::npos) {
                o.promptTokens = uint32_t(std::strtoul(v, nullptr, 10));
            }
        } else if (a == "-s" || a == "--system") {
            ok = (v = value()) && (o.system = v, true);
        } else if (a == "--device") {
            ok = (v = value()) && (o.device = v, true);
        } else if (a == "--threads" || a == "-t") {
            ok = num(o.threads);
        } else if (a == "--experts") {
            ok = (v = value()) && (std::string_view(v) == "cpu" || std::string_view(v) == "gpu") && (o.experts = v, true);
        } else if (a == "-n" || a == "--max-tokens") {
            ok = num(o.generate.maxTokens);
            o.genTokens = uint32_t(o.generate.maxTokens);
        } else if (a == "-c" || a == "--context") {
            ok = num(o.context);
        } else if (a == "--vram-budget") {
            ok = num(o.vramBudgetMiB);
        } else if (a == "-r" || a == "--repetitions") {
            ok = num(o.repetitions);
        } else if (a == "--temp") {
            ok = num(o.generate.sampling.temperature);
        } else if (a == "--top-k") {
            ok = num(o.generate.sampling.topK);
        } else if (a == "--top-p") {
            ok = num(o.generate.sampling.topP);
        } else if (a == "--min-p") {
            ok = num(o.generate.sampling.minP);
        } else if (a == "--repeat-penalty") {
            ok = num(o.generate.sampling.repeatPenalty);
        } else if (a == "--seed") {
            ok = num(o.generate.sampling.seed);
        } else if (a == "--greedy") {
            o.generate.sampling.temperature = 0.f;
        } else if (a == "--raw") {
            o.raw = true;
            o.generate.rawPrompt = true;
        } else if (a == "--stats") {
            o.stats = true;
        } else if (a == "--quiet") {
            o.verbose = false;
        } else if (a == "--profile") {
            o.profile = true;
        } else if (a == "--record-every-step") {
            o.recordEveryStep = true;
        } else if (a == "--moe-prefill") {
            ok = (v = value()) && (std::string_view(v) == "auto" || std::string_view(v) == "grouped" ||
                                   std::string_view(v) == "pairs");
            if (ok) {
                o.moePrefill = v;
            }
        } else if (a == "--json") {
            o.json = true;
        } else {
            std::fprintf(stderr, "lantern-cli: unknown option '%.*s'\n%s", int(a.size()), a.data(), usage);
            ok = false;
        }
        if (!ok) {
            return std::nullopt;
        }
    }
    return o;
}

}  // namespace lantern::cli
