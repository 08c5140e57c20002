#include "translation/translator.h"

#include <algorithm>

namespace lantern::translation {

namespace {

constexpr std::string_view kSpace = " \t\r\n";

// Leading and trailing white space of a segment is layout (" (backup: %s)", "Name:  "), which models drop:
// the target gets the source's edges back, whatever the model did with them.
void keepEdgeSpace(guard::Restored& r, std::string_view source) {
    const size_t lead = std::min(source.size(), source.find_first_not_of(kSpace));
    if (lead == source.size())
        return;
    const size_t trail = source.size() - 1 - source.find_last_not_of(kSpace);
    const size_t b = std::min(r.text.size(), r.text.find_first_not_of(kSpace));
    const size_t e = b == r.text.size() ? b : r.text.find_last_not_of(kSpace) + 1;
    std::string text = std::string(source.substr(0, lead)) + r.text.substr(b, e - b) + std::string(source.substr(source.size() - trail));
    std::vector<Inline> inlines;
    for (Inline in : r.inlines) {
        if (in.begin < b || in.end > e)
            continue;  // an inline in white space the model added: dropped with it
        in.begin = in.begin - b + lead;
        in.end = in.end - b + lead;
        inlines.push_back(in);
    }
    r.text = std::move(text);
    r.inlines = std::move(inlines);
}

}  // namespace

Translator::Translator(GenerateFn generate, TranslateSettings settings)
    : m_generate(std::move(generate)), m_settings(std::move(settings)),
      m_profile(m_settings.profile ? m_settings.profile : findProfile("generic")) {}

Translator::Prepared Translator::prepare(const SegmentSource& source) const {
    Prepared p;
    std::vector<std::string> keep;
    for (const TermHit& hit : findTerms(source.text, m_settings.glossary)) {
        const GlossaryEntry& entry = m_settings.glossary[hit.entry];
        const std::string asWritten = source.text.substr(hit.begin, hit.end - hit.begin);
        if (entry.doNotTranslate) {
            keep.push_back(asWritten);
            p.request.keepTerms.push_back(asWritten);
        } else {
            p.terms.push_back(entry);
            p.request.terms.push_back(PromptTerm{asWritten, entry.target, entry.note});
        }
    }
    p.masked = guard::protect(source.text, source.inlines, source.placeholders, keep);
    p.source = source.text;
    TranslationRequest& r = p.request;
    r.sourceLanguage = m_settings.sourceLanguage;
    r.targetLanguage = m_settings.targetLanguage;
    r.text = p.masked.text;
    r.hasTokens = p.masked.hasTokens();
    r.style = m_settings.style;
    r.formality = m_settings.formality;
    r.context = source.context;
    r.pluralExample = source.pluralExample;
    return p;
}

std::vector<Check> Translator::check(const Prepared& prepared, std::string_view normalized) const {
    CheckInput in;
    in.source = &prepared.masked;
    in.output = normalized;
    in.sourceLanguage = m_settings.sourceLanguage;
    in.targetLanguage = m_settings.targetLanguage;
    in.terms = prepared.terms;
    return runChecks(in);
}

SegmentResult Translator::attempt(const Prepared& prepared, const TranslationRequest& request,
                                  const std::function<void(std::string_view)>& onPreview) {
    SegmentResult result;
    const Prompt prompt = m_profile->buildPrompt(request);
    result.templateId = prompt.templateId;
    std::string raw;
    auto onText = [&](std::string_view piece) {
        raw.append(piece);
        if (onPreview)
            onPreview(guard::preview(m_profile->cleanOutput(raw, request), prepared.masked));
    };
    Result<GenerateOutcome> outcome = m_generate(prompt, onText);
    if (!outcome) {
        result.error = outcome.error().detail.empty() ? "The model failed." : outcome.error().detail;
        return result;
    }
    result.cancelled = outcome->cancelled;
    result.generatedTokens = outcome->generatedTokens;
    result.modelMilliseconds = outcome->milliseconds;
    if (raw.empty())
        raw = outcome->text;  // a generator that did not stream
    const std::string cleaned = m_profile->cleanOutput(raw, request);
    result.masked = guard::normalizeTokens(cleaned, prepared.masked);
    if (result.cancelled)
        return result;
    result.checks = check(prepared, result.masked);
    result.accepted = allPassed(result.checks);
    guard::Restored restored = guard::restore(result.masked, prepared.masked);
    keepEdgeSpace(restored, prepared.source);
    result.target = std::move(restored.text);
    result.targetInlines = std::move(restored.inlines);
    return result;
}

SegmentResult Translator::translate(const SegmentSource& source,
                                    std::span<const std::pair<std::string, std::string>> previous,
                                    const std::function<void(std::string_view)>& onPreview) {
    Prepared prepared = prepare(source);
    prepared.request.previous.assign(previous.begin(), previous.end());
    SegmentResult result = attempt(prepared, prepared.request, onPreview);
    result.attempts = 1;
    if (result.accepted || result.cancelled || !result.error.empty() || !m_settings.retry)
        return result;
    TranslationRequest strict = prepared.request;
    strict.strict = true;
    strict.problems = problems(result.checks);
    SegmentResult second = attempt(prepared, strict, onPreview);
    second.attempts = 2;
    second.generatedTokens += result.generatedTokens;
    second.modelMilliseconds += result.modelMilliseconds;
    return second;
}

std::vector<SegmentResult> Translator::alternatives(const SegmentSource& source, int count) {
    const Prepared prepared = prepare(source);
    std::vector<SegmentResult> out;
    for (int i = 0; i < count; ++i) {
        TranslationRequest request = prepared.request;
        request.seed = 1000 + static_cast<uint64_t>(i) * 7919;
        SegmentResult r = attempt(prepared, request, {});
        r.attempts = 1;
        if (r.cancelled || !r.error.empty()) {
            if (!r.error.empty())
                out.push_back(std::move(r));
            break;
        }
        const bool seen = std::ranges::any_of(out, [&](const SegmentResult& o) { return o.target == r.target; });
        if (!seen)
            out.push_back(std::move(r));
    }
    std::ranges::stable_sort(out, [](const SegmentResult& a, const SegmentResult& b) { return a.accepted > b.accepted; });
    return out;
}

SegmentResult Translator::rewrite(const SegmentSource& source, std::string_view currentTarget, Rewrite how) {
    const Prepared prepared = prepare(source);
    TranslationRequest request = prepared.request;
    request.rewrite = how;
    request.current = guard::remask(currentTarget, prepared.masked);
    if (how == Rewrite::Alternative)
        request.seed = 4242;
    if (how == Rewrite::MoreFormal)
        request.formality = Formality::Formal;
    else if (how == Rewrite::LessFormal)
        request.formality = Formality::Informal;
    SegmentResult result = attempt(prepared, request, {});
    result.attempts = 1;
    return result;
}

std::vector<Check> Translator::evaluate(const SegmentSource& source, std::string_view target) const {
    const Prepared prepared = prepare(source);
    return check(prepared, guard::remask(target, prepared.masked));
}

guard::Restored Translator::placeInlines(const SegmentSource& source, std::string_view target) const {
    const Prepared prepared = prepare(source);
    return guard::restore(guard::remask(target, prepared.masked), prepared.masked);
}

}  // namespace lantern::translation
