#include "translation/job.h"

#include <algorithm>
#include <array>
#include <chrono>

#include "translation/segmenter.h"

namespace lantern::translation {

namespace {

std::string contextOf(const Unit& unit) {
    std::string out;
    auto add = [&](std::string_view what, const std::string& value) {
        if (value.empty())
            return;
        if (!out.empty())
            out += '\n';
        out.append(what).append(value);
    };
    add("This is a ", unit.label);
    add("Context: ", unit.context);
    add("Note for translators: ", unit.note);
    return out;
}

bool written(SegmentStatus s, bool writeFlagged) {
    return s == SegmentStatus::Translated || s == SegmentStatus::Edited || s == SegmentStatus::Locked ||
           s == SegmentStatus::Memory || (writeFlagged && s == SegmentStatus::Flagged);
}

constexpr std::array<std::string_view, 6> kStatusNames{"pending", "translated", "flagged", "edited", "locked", "memory"};

}  // namespace

std::string_view statusName(SegmentStatus status) { return kStatusNames[static_cast<size_t>(status)]; }

bool statusFromName(std::string_view name, SegmentStatus& out) {
    for (size_t i = 0; i < kStatusNames.size(); ++i)
        if (kStatusNames[i] == name) {
            out = static_cast<SegmentStatus>(i);
            return true;
        }
    return false;
}

std::vector<PlannedSegment> planSegments(const Document& document, const PlanOptions& options) {
    std::vector<PlannedSegment> plan;
    const std::vector<Unit>& units = document.units();
    for (size_t u = 0; u < units.size(); ++u) {
        const Unit& unit = units[u];
        if (!unit.translatable || unit.source.find_first_not_of(" \t\r\n") == std::string::npos)
            continue;
        if (options.which == PlanOptions::Which::Untranslated && unit.state != UnitState::Untranslated)
            continue;
        if (options.which == PlanOptions::Which::NotFinal && unit.state == UnitState::Final)
            continue;
        const std::string context = contextOf(unit);
        if (!unit.sourcePlural.empty()) {
            const size_t forms = std::max<size_t>(1, document.pluralForms(options.targetLanguage));
            const std::vector<uint64_t> examples = document.pluralExamples(options.targetLanguage);
            for (size_t f = 0; f < forms; ++f) {
                PlannedSegment s;
                s.unit = u;
                s.form = f;
                const uint64_t n = f < examples.size() ? examples[f] : (f == 0 ? 1 : 5);
                const bool singular = forms > 1 && n == 1;
                s.source.text = singular ? unit.source : unit.sourcePlural;
                if (singular)
                    s.source.inlines = unit.inlines;
                s.source.placeholders = unit.placeholders;
                s.source.context = context;
                s.source.pluralExample = n;
                s.end = s.source.text.size();
                plan.push_back(std::move(s));
            }
            continue;
        }
        std::vector<Sentence> sentences;
        if (unit.prose && options.splitSentences)
            sentences = splitSentences(unit.source, unit.inlines, options.sourceLanguage);
        if (sentences.size() <= 1) {
            PlannedSegment s;
            s.unit = u;
            s.prose = unit.prose;
            s.source.text = unit.source;
            s.source.inlines = unit.inlines;
            s.source.placeholders = unit.placeholders;
            s.source.context = context;
            s.end = unit.source.size();
            plan.push_back(std::move(s));
            continue;
        }
        for (size_t k = 0; k < sentences.size(); ++k) {
            const Sentence& sentence = sentences[k];
            PlannedSegment s;
            s.unit = u;
            s.part = k;
            s.prose = true;
            s.begin = sentence.begin;
            s.end = sentence.end;
            s.source.text = unit.source.substr(sentence.begin, sentence.end - sentence.begin);
            for (const Inline& in : unit.inlines) {
                if (in.begin >= sentence.begin && in.end <= sentence.end) {
                    Inline shifted = in;
                    shifted.begin -= sentence.begin;
                    shifted.end -= sentence.begin;
                    s.source.inlines.push_back(shifted);
                }
            }
            s.source.placeholders = unit.placeholders;
            s.source.context = context;
            plan.push_back(std::move(s));
        }
    }
    return plan;
}

std::vector<UnitTranslation> assemble(const Document& document, std::span<const PlannedSegment> plan,
                                      std::span<const SegmentTarget> targets, const AssembleOptions& options) {
    std::vector<UnitTranslation> out;
    const std::vector<Unit>& units = document.units();
    size_t i = 0;
    while (i < plan.size()) {
        const size_t unit = plan[i].unit;
        size_t j = i;
        bool complete = true, flagged = false;
        while (j < plan.size() && plan[j].unit == unit) {
            const SegmentStatus st = j < targets.size() ? targets[j].status : SegmentStatus::Pending;
            complete = complete && written(st, options.writeFlagged);
            flagged = flagged || st == SegmentStatus::Flagged;
            ++j;
        }
        if (complete) {
            UnitTranslation t;
            t.unit = unit;
            t.final = options.final && !flagged;
            const std::string& text = units[unit].source;
            for (size_t k = i; k < j;) {
                const size_t form = plan[k].form;
                std::string target;
                std::vector<Inline> inlines;
                size_t at = 0;  // where the source's bytes continue (sentence gaps)
                const bool whole = plan[k].begin == 0 && plan[k].end == plan[k].source.text.size() &&
                                   (k + 1 == j || plan[k + 1].form != form);
                for (; k < j && plan[k].form == form; ++k) {
                    if (!whole)
                        target.append(text, at, plan[k].begin - at);
                    for (Inline in : targets[k].targetInlines) {
                        in.begin += target.size();
                        in.end += target.size();
                        inlines.push_back(in);
                    }
                    target += targets[k].target;
                    at = plan[k].end;
                }
                if (!whole && at < text.size())
                    target.append(text, at);
                t.targets.push_back(std::move(target));
                t.targetInlines.push_back(std::move(inlines));
            }
            out.push_back(std::move(t));
        }
        i = j;
    }
    return out;
}

JobReport runJob(std::span<const PlannedSegment> plan, Translator& translator, const JobHooks& hooks,
                 const std::atomic<bool>& cancel) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    JobReport report;
    report.targets.resize(plan.size());
    report.results.resize(plan.size());
    std::vector<std::pair<std::string, std::string>> recent;  // prose context: (source, target)
    for (size_t i = 0; i < plan.size(); ++i) {
        if (cancel.load()) {
            report.cancelled = true;
            break;
        }
        const PlannedSegment& seg = plan[i];
        if (i > 0 && plan[i - 1].unit != seg.unit && !seg.prose)
            recent.clear();
        if (hooks.known) {
            if (std::optional<SegmentTarget> known = hooks.known(i, seg)) {
                report.targets[i] = std::move(*known);
                ++report.reused;
                if (seg.prose && report.targets[i].status != SegmentStatus::Flagged)
                    recent.emplace_back(seg.source.text, report.targets[i].target);
                if (hooks.finished)
                    hooks.finished(i, seg, report.targets[i], nullptr);
                continue;
            }
        }
        std::vector<std::pair<std::string, std::string>> context;
        if (seg.prose) {
            const size_t from = recent.size() > 2 ? recent.size() - 2 : 0;
            context.assign(recent.begin() + static_cast<std::ptrdiff_t>(from), recent.end());
        }
        if (hooks.memory)
            for (auto& pair : hooks.memory(seg))
                context.push_back(std::move(pair));
        std::function<void(std::string_view)> onPreview;
        if (hooks.preview)
            onPreview = [&](std::string_view text) { hooks.preview(i, text); };
        SegmentResult result = translator.translate(seg.source, context, onPreview);
        report.generatedTokens += result.generatedTokens;
        report.modelMilliseconds += result.modelMilliseconds;
        if (!result.error.empty()) {
            report.error = result.error;
            break;
        }
        if (result.cancelled) {
            report.cancelled = true;
            break;
        }
        SegmentTarget& target = report.targets[i];
        target.status = result.accepted ? SegmentStatus::Translated : SegmentStatus::Flagged;
        target.target = result.target;
        target.targetInlines = result.targetInlines;
        target.checks = result.checks;
        (result.accepted ? report.translated : report.flagged) += 1;
        if (seg.prose && result.accepted)
            recent.emplace_back(seg.source.text, result.target);
        report.results[i] = std::move(result);
        if (hooks.finished)
            hooks.finished(i, seg, target, &report.results[i]);
    }
    report.totalMilliseconds = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    return report;
}

}  // namespace lantern::translation
