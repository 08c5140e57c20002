// lantern-cli bench-translate: the translation pipeline's own cost per segment, without a model. A stand-in
// generator answers each prompt at once with the protected segment's words rewritten (ROT13) and its
// tokens kept, so planning, protecting, prompting, cleaning, the checks (CLD2 included), restoring,
// assembling, writing and validating are all measured; the model's time is what `translate` reports.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "app/cli/command.h"
#include "translation/formats/formats.h"
#include "translation/job.h"

namespace lantern::cli {

namespace {

using namespace lantern::translation;
using Clock = std::chrono::steady_clock;

double ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

std::string rot13Words(std::string_view text) {
    std::string out(text);
    bool inToken = false;
    for (char& c : out) {
        if (c == '<') inToken = true;
        else if (c == '>') inToken = false;
        else if (!inToken && c >= 'a' && c <= 'z') c = char('a' + (c - 'a' + 13) % 26);
        else if (!inToken && c >= 'A' && c <= 'Z') c = char('A' + (c - 'A' + 13) % 26);
    }
    return out;
}

// The generic profile's prompt carries the segment last; the stand-in needs only the protected text.
struct Capture : Profile {
    const Profile& inner;
    mutable std::string text;
    explicit Capture(const Profile& p) : inner(p) {}
    std::string_view id() const override { return inner.id(); }
    std::string_view displayName() const override { return inner.displayName(); }
    Prompt buildPrompt(const TranslationRequest& r) const override {
        text = r.text;
        return inner.buildPrompt(r);
    }
    std::string cleanOutput(std::string_view raw, const TranslationRequest& r) const override { return inner.cleanOutput(raw, r); }
};

int benchTranslate(std::span<char*> args) {
    if (args.empty()) {
        std::fputs("usage: lantern-cli bench-translate FILE [--to LANG] [--from LANG]\n", stderr);
        return 2;
    }
    std::string path, to = "de", from = "en";
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "--to" && i + 1 < args.size()) to = args[++i];
        else if (a == "--from" && i + 1 < args.size()) from = args[++i];
        else path = std::string(a);
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "lantern-cli: cannot read %s\n", path.c_str());
        return 1;
    }
    std::string bytes(std::istreambuf_iterator<char>(in), {});
    auto format = formats::detect(path, bytes);
    if (!format) {
        std::fprintf(stderr, "lantern-cli: %s\n", format.error().detail.c_str());
        return 1;
    }
    const auto t0 = Clock::now();
    auto doc = formats::open(bytes, *format);
    if (!doc) {
        std::fprintf(stderr, "lantern-cli: %s\n", doc.error().detail.c_str());
        return 1;
    }
    const auto t1 = Clock::now();
    PlanOptions po;
    po.which = PlanOptions::Which::All;
    po.targetLanguage = to;
    po.sourceLanguage = from;
    const std::vector<PlannedSegment> plan = planSegments(**doc, po);
    const auto t2 = Clock::now();
    Capture profile(*findProfile("generic"));
    TranslateSettings ts;
    ts.sourceLanguage = from;
    ts.targetLanguage = to;
    ts.profile = &profile;
    ts.retry = false;
    Translator translator(
        [&](const Prompt&, const std::function<void(std::string_view)>& onText) -> Result<GenerateOutcome> {
            GenerateOutcome o;
            o.text = rot13Words(profile.text);
            onText(o.text);
            return o;
        },
        ts);
    std::atomic<bool> cancel{false};
    const JobReport report = runJob(plan, translator, {}, cancel);
    const auto t3 = Clock::now();
    const auto units = assemble(**doc, plan, report.targets, {true, false});
    auto written = (*doc)->write(units, {to});
    const auto t4 = Clock::now();
    auto valid = written ? (*doc)->validate(*written) : Result<void>(std::unexpected(written.error()));
    const auto t5 = Clock::now();
    const double n = double(std::max<size_t>(1, plan.size()));
    std::printf("%s: %zu units, %zu segments\n", path.c_str(), (*doc)->units().size(), plan.size());
    std::printf("  parse      %8.2f ms\n  plan       %8.2f ms\n  segments   %8.2f ms  (%.3f ms per segment: protect, prompt, clean, checks, restore)\n"
                "  write      %8.2f ms\n  validate   %8.2f ms  (%s)\n  total      %.3f ms per segment\n",
                ms(t0, t1), ms(t1, t2), ms(t2, t3), ms(t2, t3) / n, ms(t3, t4), ms(t4, t5),
                valid ? "valid" : valid.error().detail.c_str(), ms(t0, t5) / n);
    return valid ? 0 : 1;
}

const Registrar kBenchTranslate{{"bench-translate", "the translation pipeline's own cost per segment (no model)", benchTranslate}};

}  // namespace

}  // namespace lantern::cli
