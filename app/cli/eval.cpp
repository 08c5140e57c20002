// lantern-cli eval --hyp H.txt --ref R.txt [--ref R2.txt] [--metric bleu|chrf|chrf++] [--json]: translation
// quality of line-aligned files, with sacrebleu's figures and signatures (translation/eval/metrics.h).
// The plain output is sacrebleu's `-f text` output, --json its default JSON, so either can stand beside a
// sacrebleu run on the same files.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "app/cli/command.h"
#include "translation/eval/metrics.h"

namespace lantern::cli {

namespace {

namespace eval = translation::eval;

const char* kUsage =
    "usage: lantern-cli eval --hyp H.txt --ref R.txt [--ref R2.txt ...] [options]\n"
    "  One segment per line, UTF-8; every --ref file is another reference translation of the same lines.\n"
    "  --metric M        bleu, chrf or chrf++; repeat or separate with commas (default: bleu,chrf)\n"
    "  --tokenize T      BLEU's tokenizer: 13a (default), intl, zh, char or none\n"
    "  --smooth S        BLEU's smoothing: exp (default), floor, add-k or none\n"
    "  --lowercase       compare case-insensitively\n"
    "  --sentence-level  one score per line (one metric)\n"
    "  --width N         decimals printed (default 1)\n"
    "  --json            JSON instead of text (sacrebleu's format)\n";

enum class Metric { Bleu, Chrf, ChrfPlusPlus };

struct EvalOptions {
    std::string hyp;
    std::vector<std::string> refs;
    std::vector<Metric> metrics;
    eval::BleuOptions bleu;
    eval::ChrfOptions chrf;
    bool sentenceLevel = false;
    bool json = false;
    int width = 1;
};

std::optional<Metric> metricFromName(std::string_view name) {
    if (name == "bleu") {
        return Metric::Bleu;
    }
    if (name == "chrf") {
        return Metric::Chrf;
    }
    if (name == "chrf++") {
        return Metric::ChrfPlusPlus;
    }
    return std::nullopt;
}

std::optional<eval::Smoothing> smoothingFromName(std::string_view name) {
    if (name == "exp") {
        return eval::Smoothing::Exp;
    }
    if (name == "floor") {
        return eval::Smoothing::Floor;
    }
    if (name == "add-k") {
        return eval::Smoothing::AddK;
    }
    if (name == "none") {
        return eval::Smoothing::None;
    }
    return std::nullopt;
}

bool addMetrics(std::string_view list, std::vector<Metric>& out) {
    while (!list.empty()) {
        const size_t comma = list.find(',');
        const auto metric = metricFromName(list.substr(0, comma));
        if (!metric) {
            return false;
        }
        out.push_back(*metric);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    return true;
}

// Prints what is wrong and the usage; nullopt on a bad command line.
std::optional<EvalOptions> parse(std::span<char*> args) {
    EvalOptions o;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string_view a = args[i];
        const bool flag = a == "--lowercase" || a == "--sentence-level" || a == "--json";
        const bool valued = a == "--hyp" || a == "--ref" || a == "--metric" || a == "--tokenize" ||
                            a == "--smooth" || a == "--width";
        if (!flag && !valued) {
            std::fprintf(stderr, "lantern-cli: unknown option '%s'\n%s", args[i], kUsage);
            return std::nullopt;
        }
        if (!flag && i + 1 >= args.size()) {
            std::fprintf(stderr, "lantern-cli: %s needs a value\n%s", args[i], kUsage);
            return std::nullopt;
        }
        const std::string_view v = flag ? std::string_view{} : std::string_view(args[++i]);
        bool ok = true;
        if (a == "--hyp") {
            o.hyp = v;
        } else if (a == "--ref") {
            o.refs.emplace_back(v);
        } else if (a == "--metric") {
            ok = addMetrics(v, o.metrics);
        } else if (a == "--tokenize") {
            const auto t = eval::tokenizerFromName(v);
            ok = t.has_value();
            o.bleu.tokenizer = t.value_or(eval::Tokenizer::T13a);
        } else if (a == "--smooth") {
            const auto s = smoothingFromName(v);
            ok = s.has_value();
            o.bleu.smoothing = s.value_or(eval::Smoothing::Exp);
        } else if (a == "--width") {
            char* end = nullptr;
            const long w = std::strtol(args[i], &end, 10);
            ok = *end == '\0' && end != args[i] && w >= 0 && w <= 10;
            o.width = int(w);
        } else if (a == "--lowercase") {
            o.bleu.lowercase = o.chrf.lowercase = true;
        } else if (a == "--sentence-level") {
            o.sentenceLevel = true;
        } else if (a == "--json") {
            o.json = true;
        }
        if (!ok) {
            std::fprintf(stderr, "lantern-cli: %s does not take '%.*s'\n%s", args[i - 1], int(v.size()),
                         v.data(), kUsage);
            return std::nullopt;
        }
    }
    if (o.metrics.empty()) {
        o.metrics = {Metric::Bleu, Metric::Chrf};
    }
    if (o.hyp.empty() || o.refs.empty()) {
        std::fprintf(stderr, "lantern-cli: eval needs --hyp and at least one --ref\n%s", kUsage);
        return std::nullopt;
    }
    if (o.sentenceLevel && o.metrics.size() > 1) {
        std::fprintf(stderr, "lantern-cli: --sentence-level scores with one metric at a time\n%s", kUsage);
        return std::nullopt;
    }
    if (o.sentenceLevel) {
        o.bleu.effectiveOrder = true;  // as sacrebleu's -sl: a segment often has no 4-grams
    }
    return o;
}

// The file's segments, or nullopt after saying what went wrong.
std::optional<std::vector<std::string>> readSegments(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "lantern-cli: cannot read %s: %s\n", path.c_str(), std::strerror(errno));
        return std::nullopt;
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    auto lines = eval::splitLines(bytes.str());
    if (!lines) {
        std::fprintf(stderr, "lantern-cli: %s: %s\n", path.c_str(), lines.error().detail.c_str());
        return std::nullopt;
    }
    return std::move(*lines);
}

// Corpus score or one segment's (`segment` set), as a printable report.
Result<eval::MetricReport> score(Metric m, const EvalOptions& o, std::span<const std::string> hyps,
                                 eval::ReferenceStreams refs, std::optional<size_t> segment) {
    std::vector<std::string> segmentRefs;
    if (segment) {
        for (const std::vector<std::string>& stream : refs) {
            segmentRefs.push_back(stream[*segment]);
        }
    }
    if (m == Metric::Bleu) {
        auto s = segment ? eval::sentenceBleu(hyps[*segment], segmentRefs, o.bleu)
                         : eval::corpusBleu(hyps, refs, o.bleu);
        if (!s)  // libstdc++ 12's std::expected has no transform()
            return std::unexpected(s.error());
        return eval::describe(*s, o.bleu, refs.size());
    }
    eval::ChrfOptions chrf = o.chrf;
    chrf.wordOrder = m == Metric::ChrfPlusPlus ? 2 : 0;
    auto s =
        segment ? eval::sentenceChrf(hyps[*segment], segmentRefs, chrf) : eval::corpusChrf(hyps, refs, chrf);
    if (!s)
        return std::unexpected(s.error());
    return eval::describe(*s, chrf, refs.size());
}

int evaluate(std::span<char*> args) {
    const auto o = parse(args);
    if (!o) {
        return 2;
    }
    const auto hyps = readSegments(o->hyp);
    if (!hyps) {
        return 1;
    }
    if (hyps->empty()) {
        std::fprintf(stderr, "lantern-cli: %s has no lines to score\n", o->hyp.c_str());
        return 1;
    }
    std::vector<std::vector<std::string>> refs;
    for (const std::string& path : o->refs) {
        auto lines = readSegments(path);
        if (!lines) {
            return 1;
        }
        if (lines->size() != hyps->size()) {
            std::fprintf(stderr,
                         "lantern-cli: %s has %zu lines but %s has %zu; the files must be line-aligned "
                         "(one segment per line)\n",
                         o->hyp.c_str(), hyps->size(), path.c_str(), lines->size());
            return 1;
        }
        refs.push_back(std::move(*lines));
    }
    std::vector<eval::MetricReport> reports;
    const size_t rounds = o->sentenceLevel ? hyps->size() : 1;
    for (size_t i = 0; i < rounds; ++i) {
        for (const Metric m : o->metrics) {
            auto report =
                score(m, *o, *hyps, refs, o->sentenceLevel ? std::optional<size_t>(i) : std::nullopt);
            if (!report) {
                std::fprintf(stderr, "lantern-cli: %s\n", report.error().detail.c_str());
                return 1;
            }
            reports.push_back(std::move(*report));
        }
    }
    std::string out;
    if (o->json) {
        out = eval::formatJson(reports, o->width);
    } else if (o->sentenceLevel) {
        for (const eval::MetricReport& r : reports) {
            out += eval::formatText(r, o->width);  // sacrebleu -sl: one line each, not aligned
        }
    } else {
        out = eval::formatText(reports, o->width);
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

const Registrar kEval{
    {"eval", "score translations against references: BLEU, chrF, chrF++ (sacrebleu's figures)", evaluate}};

}  // namespace

}  // namespace lantern::cli
