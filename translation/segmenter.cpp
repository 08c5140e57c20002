#include "translation/segmenter.h"

#include <memory>
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

namespace lantern::translation {

namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// A UTF-8 no-break space or ideographic space at the edges is white space too.
size_t trimFront(std::string_view t, size_t b, size_t e) {
    while (b < e) {
        if (space(t[b])) ++b;
        else if (t.substr(b, 2) == "\xC2\xA0") b += 2;
        else if (t.substr(b, 3) == "\xE3\x80\x80") b += 3;
        else break;
    }
    return b;
}
size_t trimBack(std::string_view t, size_t b, size_t e) {
    while (e > b) {
        if (space(t[e - 1])) --e;
        else if (e - b >= 2 && t.substr(e - 2, 2) == "\xC2\xA0") e -= 2;
        else if (e - b >= 3 && t.substr(e - 3, 3) == "\xE3\x80\x80") e -= 3;
        else break;
    }
    return e;
}

// Whether a break at byte `at` would cut an inline or separate an Open from its Close.
bool forbidden(size_t at, std::span<const Inline> inlines) {
    for (const Inline& in : inlines) {
        if (at > in.begin && at < in.end)
            return true;
        if (in.kind == Inline::Kind::Open) {
            for (const Inline& close : inlines)
                if (close.kind == Inline::Kind::Close && close.pair == in.pair && at >= in.end && at <= close.begin)
                    return true;
        }
    }
    return false;
}

}  // namespace

std::vector<Sentence> splitSentences(std::string_view text, std::span<const Inline> inlines, std::string_view language) {
    std::vector<Sentence> out;
    const size_t first = trimFront(text, 0, text.size());
    if (first == text.size())
        return out;
    std::vector<size_t> breaks;  // candidate ends, bytes
    UErrorCode status = U_ZERO_ERROR;
    const std::string base = std::string(language.substr(0, language.find('-')));
    const std::string localeName = (base.empty() ? std::string("en") : base) + "@ss=standard";
    const icu::Locale locale(localeName.c_str());
    std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createSentenceInstance(locale, status));
    UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
    if (U_SUCCESS(status) && it) {
        it->setText(ut, status);
        for (int32_t b = it->next(); b != icu::BreakIterator::DONE; b = it->next())
            breaks.push_back(static_cast<size_t>(b));
    }
    utext_close(ut);
    if (breaks.empty() || breaks.back() != text.size())
        breaks.push_back(text.size());
    size_t start = 0;
    for (size_t b : breaks) {
        if (b < text.size() && forbidden(b, inlines))
            continue;
        const size_t s = trimFront(text, start, b);
        const size_t e = trimBack(text, s, b);
        if (e > s)
            out.push_back({s, e});
        start = b;
    }
    return out;
}

}  // namespace lantern::translation
