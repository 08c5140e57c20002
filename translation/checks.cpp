#include "translation/checks.h"

#include <algorithm>
#include <array>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "base/strformat.h"
#include "base/text.h"
#include "translation/languages.h"

namespace lantern::translation {

namespace {

std::u32string decode(std::string_view utf8) {
    std::u32string out;
    int32_t i = 0;
    const auto n = static_cast<int32_t>(utf8.size());
    while (i < n) {
        UChar32 c = 0;
        U8_NEXT(reinterpret_cast<const uint8_t*>(utf8.data()), i, n, c);
        out.push_back(static_cast<char32_t>(c < 0 ? 0xFFFD : c));
    }
    return out;
}

std::string encode(std::u32string_view text) {
    std::string out;
    for (char32_t c : text) {
        uint8_t buf[4];
        int32_t len = 0;
        UBool error = false;
        U8_APPEND(buf, len, 4, static_cast<UChar32>(c), error);
        if (error)
            continue;
        out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
    }
    return out;
}

bool wide(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2FFFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
           (c >= 0xFF66 && c <= 0xFF9F) || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) ||
           (c >= 0x3130 && c <= 0x318F);
}

std::string baseOf(std::string_view code) {
    const std::string n = normalizeLanguage(code);
    return n.substr(0, n.find('-'));
}

// Languages close enough that CLD2 confuses them on short text: a detection of one for the other is no failure.
bool closeLanguages(const std::string& a, const std::string& b) {
    static constexpr std::array<std::array<std::string_view, 4>, 6> groups{{
        {"nb", "nn", "da", "no"}, {"hr", "sr", "bs", "sh"}, {"ms", "id", "", ""},
        {"cs", "sk", "", ""},     {"gl", "pt", "es", ""},   {"ca", "es", "", ""},
    }};
    for (const auto& g : groups) {
        const bool hasA = std::ranges::find(g, a) != g.end();
        const bool hasB = std::ranges::find(g, b) != g.end();
        if (hasA && hasB)
            return true;
    }
    return false;
}

size_t letterCount(std::string_view text) {
    size_t n = 0;
    for (char32_t c : decode(text))
        n += u_isalpha(static_cast<UChar32>(c)) ? 1 : 0;
    return n;
}

size_t wordCount(std::string_view text) {
    size_t words = 0;
    bool in = false;
    for (char32_t c : decode(text)) {
        const bool letter = u_isalpha(static_cast<UChar32>(c));
        if (letter && !in)
            ++words;
        in = letter;
    }
    return words;
}

std::string lower(std::string_view text) {
    std::u32string s = decode(text);
    for (char32_t& c : s)
        c = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
    return encode(s);
}

// Lead-ins that mean the model talked about the translation instead of giving it.
bool startsWithChatter(std::string_view output) {
    static constexpr std::array<std::string_view, 22> leads{
        "here is", "here's", "here are", "sure,", "sure!", "sure.", "certainly", "of course", "translation:",
        "the translation", "translated text", "i'm sorry", "i am sorry", "i cannot", "i can't", "as an ai",
        "以下是", "翻译：", "翻译:", "好的", "übersetzung:", "voici"};
    const std::string head = lower(output.substr(0, 80));
    return std::ranges::any_of(leads, [&](std::string_view lead) { return head.starts_with(lead); });
}

Check passed(std::string id) { return Check{std::move(id), true, {}}; }
Check failed(std::string id, std::string detail) { return Check{std::move(id), false, std::move(detail)}; }

Check checkLanguage(const CheckInput& in, const std::string& text) {
    if (in.targetLanguage.empty())
        return passed("language");
    const Language* target = findLanguage(in.targetLanguage);
    const std::string name = englishName(in.targetLanguage);
    if (target) {
        const ScriptProfile profile = scriptProfile(text);
        if (profile.letters >= 2 && !fitsLanguage(profile, *target))
            return failed("language", format("The answer is not written in {}'s script.", name));
    }
    if (letterCount(text) < 40)
        return passed("language");
    const Detection d = detectLanguage(text, in.targetLanguage);
    if (!d.reliable || d.code.empty() || d.confidence < 70)
        return passed("language");
    const std::string got = baseOf(d.code), want = baseOf(in.targetLanguage);
    if (got == want || closeLanguages(got, want))
        return passed("language");
    return failed("language", format("The answer is in {}, not in {}.", englishName(d.code), name));
}

}  // namespace

double weightedLength(std::string_view text) {
    double n = 0;
    for (char32_t c : decode(text)) {
        if (u_isUWhiteSpace(static_cast<UChar32>(c)))
            continue;
        n += wide(c) ? 2.5 : 1.0;
    }
    return n;
}

std::string runawayRepetition(std::string_view output, std::string_view source) {
    const std::u32string s = decode(output);
    const size_t n = s.size();
    for (size_t i = 0; i < n; ++i) {
        for (size_t len = 1; len <= 64 && i + len * 4 <= n; ++len) {
            size_t reps = 1;
            while (i + (reps + 1) * len <= n &&
                   std::u32string_view(s).substr(i + reps * len, len) == std::u32string_view(s).substr(i, len))
                ++reps;
            const size_t need = len <= 3 ? 6 : 4;
            if (reps < need || reps * len < 16)
                continue;
            const std::u32string_view run = std::u32string_view(s).substr(i, len);
            if (std::ranges::all_of(run, [](char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)) || c == U'-' || c == U'=' || c == U'.' || c == U'*' || c == U'_'; }))
                continue;  // rules, dot leaders, spacing: layout, not a loop
            std::u32string repeated;
            for (size_t k = 0; k < need; ++k)
                repeated += run;
            if (decode(source).find(repeated) != std::u32string::npos)
                continue;
            return encode(run);
        }
    }
    return {};
}

std::vector<Check> runChecks(const CheckInput& in) {
    std::vector<Check> checks;
    const std::string output = trimmed(in.output);
    const std::string sourceText = in.source ? trimmed(in.source->text) : std::string();
    const std::string plainOut = trimmed(guard::stripTokens(output));
    const std::string plainSource = trimmed(guard::stripTokens(sourceText));

    if (output.empty() && !sourceText.empty()) {
        checks.push_back(failed("empty", "The answer was empty."));
        return checks;
    }
    checks.push_back(passed("empty"));

    if (in.source) {
        const guard::TokenReport report = guard::inspect(output, *in.source);
        checks.push_back(report.ok() ? passed("tokens") : failed("tokens", report.describe()));
    }

    std::vector<std::string> missingTerms;
    for (const GlossaryEntry& term : in.terms) {
        if (term.doNotTranslate || term.target.empty())
            continue;
        if (!containsTerm(plainOut, term.target, term.caseSensitive))
            missingTerms.push_back(format("\"{}\" must be translated as \"{}\"", term.source, term.target));
    }
    if (missingTerms.empty()) {
        checks.push_back(passed("glossary"));
    } else {
        std::string detail = "Glossary: ";
        for (size_t i = 0; i < missingTerms.size(); ++i)
            detail += (i ? "; " : "") + missingTerms[i];
        checks.push_back(failed("glossary", detail + "."));
    }

    checks.push_back(checkLanguage(in, plainOut));

    const double srcLen = weightedLength(plainSource), outLen = weightedLength(plainOut);
    if (srcLen > 0 && (outLen > srcLen * 3.0 + 20 || (srcLen >= 20 && outLen < srcLen * 0.25)))
        checks.push_back(failed("length", format("The answer is {} characters long for a source of {}.",
                                                 static_cast<long>(outLen), static_cast<long>(srcLen))));
    else
        checks.push_back(passed("length"));

    if (const std::string run = runawayRepetition(plainOut, plainSource); !run.empty())
        checks.push_back(failed("repetition", format("The answer repeats \"{}\" over and over.", run)));
    else
        checks.push_back(passed("repetition"));

    const bool sameLanguage = !in.sourceLanguage.empty() && baseOf(in.sourceLanguage) == baseOf(in.targetLanguage);
    if (!sameLanguage && wordCount(plainSource) >= 3 && letterCount(plainSource) >= 12 &&
        lower(plainOut) == lower(plainSource))
        checks.push_back(failed("untranslated", "The answer is the source text, untranslated."));
    else
        checks.push_back(passed("untranslated"));

    if (startsWithChatter(plainOut) && !startsWithChatter(plainSource))
        checks.push_back(failed("chatter", "The answer talks about the translation instead of giving only the translation."));
    else
        checks.push_back(passed("chatter"));
    return checks;
}

bool allPassed(std::span<const Check> checks) {
    return std::ranges::all_of(checks, [](const Check& c) { return c.passed; });
}

std::vector<std::string> problems(std::span<const Check> checks) {
    std::vector<std::string> out;
    for (const Check& c : checks)
        if (!c.passed)
            out.push_back(c.detail);
    return out;
}

}  // namespace lantern::translation
