#include "translation/glossary.h"

#include <algorithm>
#include <optional>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

namespace lantern::translation {

namespace {

// Text as code points, case-folded when asked, with each code point's byte offset in the UTF-8 input.
struct Folded {
    std::u32string text;
    std::vector<size_t> offsets;  // byte offset of text[i]; offsets.back() = input size
};

Folded fold(std::string_view utf8, bool caseSensitive) {
    Folded f;
    int32_t i = 0;
    const int32_t n = static_cast<int32_t>(utf8.size());
    while (i < n) {
        const int32_t at = i;
        UChar32 c = 0;
        U8_NEXT(reinterpret_cast<const uint8_t*>(utf8.data()), i, n, c);
        if (c < 0)
            c = 0xFFFD;
        f.text.push_back(static_cast<char32_t>(caseSensitive ? c : u_foldCase(c, U_FOLD_CASE_DEFAULT)));
        f.offsets.push_back(static_cast<size_t>(at));
    }
    f.offsets.push_back(utf8.size());
    return f;
}

bool isWordChar(char32_t c) { return u_isalnum(static_cast<UChar32>(c)) || c == U'_'; }

// Scripts written without spaces between words: a term there is found as a substring.
bool unspaced(char32_t c) {
    UErrorCode err = U_ZERO_ERROR;
    const UScriptCode s = uscript_getScript(static_cast<UChar32>(c), &err);
    return s == USCRIPT_HAN || s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA || s == USCRIPT_THAI ||
           s == USCRIPT_LAO || s == USCRIPT_KHMER || s == USCRIPT_MYANMAR || s == USCRIPT_TIBETAN;
}

bool anyUnspaced(const std::u32string& s) { return std::ranges::any_of(s, unspaced); }

// Finds needle in hay from `from`, as a whole word unless the needle is in an unspaced script. A match may
// run on into up to `slack` more word characters (an inflected ending). Returns [begin, end) in code points.
std::optional<std::pair<size_t, size_t>> findWord(const std::u32string& hay, const std::u32string& needle,
                                                  size_t from, size_t slack) {
    if (needle.empty())
        return std::nullopt;
    const bool substring = anyUnspaced(needle);
    for (size_t at = hay.find(needle, from); at != std::u32string::npos; at = hay.find(needle, at + 1)) {
        if (substring)
            return std::pair{at, at + needle.size()};
        if (at > 0 && isWordChar(hay[at - 1]) && isWordChar(needle.front()))
            continue;
        size_t end = at + needle.size();
        size_t extra = 0;
        while (end < hay.size() && isWordChar(hay[end]) && isWordChar(needle.back()) && extra <= slack) {
            ++end;
            ++extra;
        }
        if (extra > slack)
            continue;
        return std::pair{at, end};
    }
    return std::nullopt;
}

}  // namespace

std::vector<TermHit> findTerms(std::string_view source, std::span<const GlossaryEntry> entries) {
    std::vector<size_t> order(entries.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::ranges::stable_sort(order, [&](size_t a, size_t b) { return entries[a].source.size() > entries[b].source.size(); });
    const Folded folded = fold(source, false);
    const Folded exact = fold(source, true);
    std::vector<TermHit> hits;
    std::vector<std::pair<size_t, size_t>> taken;  // code point ranges already claimed by a longer term
    for (size_t index : order) {
        const GlossaryEntry& e = entries[index];
        const Folded term = fold(e.source, e.caseSensitive);
        const Folded& hay = e.caseSensitive ? exact : folded;
        const size_t slack = term.text.size() >= 4 && !anyUnspaced(term.text) ? 3 : 0;
        for (size_t from = 0;;) {
            auto m = findWord(hay.text, term.text, from, slack);
            if (!m)
                break;
            const bool overlaps = std::ranges::any_of(taken, [&](auto r) { return m->first < r.second && r.first < m->second; });
            if (!overlaps) {
                taken.push_back(*m);
                hits.push_back(TermHit{index, hay.offsets[m->first], hay.offsets[m->first + term.text.size()]});
                break;
            }
            from = m->first + 1;
        }
    }
    std::ranges::sort(hits, {}, &TermHit::begin);
    return hits;
}

bool containsTerm(std::string_view output, std::string_view term, bool caseSensitive) {
    const Folded hay = fold(output, caseSensitive);
    const Folded t = fold(term, caseSensitive);
    if (t.text.empty())
        return true;
    if (findWord(hay.text, t.text, 0, 0))
        return true;
    if (anyUnspaced(t.text))
        return false;
    // Inflection: the last word of the term may lose up to two letters and gain up to four.
    const size_t lastSpace = t.text.find_last_of(U' ');
    const size_t lastWordLength = t.text.size() - (lastSpace == std::u32string::npos ? 0 : lastSpace + 1);
    if (lastWordLength < 5)
        return false;
    const std::u32string stem = t.text.substr(0, t.text.size() - 2);
    return findWord(hay.text, stem, 0, 6).has_value();
}

}  // namespace lantern::translation
