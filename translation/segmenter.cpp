// Sentence splitting for long prose units. ICU's sentence rules over the UTF-8 bytes (utext_openUTF8), so
// the offsets are byte offsets into the unit and no UTF-16 copy is needed.
//
// Abbreviations: ICU's own filter ("<lang>@ss=standard") matches its list (CLDR's suppressions, e.g. de
// "z.", "Dr.", "r.", "am.") against the end of the word, not the whole word: in ICU 72 "Er kam. Sie ging."
// and "Das ist hier. Und das." stay one sentence because "kam." ends in "am." and "hier." in "r.". So the
// list is read from the same ICU data (brkitr/<lang>.res "exceptions/SentenceBreak") and a break is
// suppressed only when the whole word before it (or the last two words, "z. B.", "D. h.") is on it. A few
// English abbreviations CLDR lacks ("Dr.", "e.g.") are added.
//
// Inlines: ICU reads a copy of the text with each inline's bytes blanked to spaces (same length, so the
// offsets hold): "stop.</i> Then" reads as "stop.     Then", a code span "`make. Then`" has no sentence
// end inside, and a footnote mark "[1]" glued to a full stop does not hide the break. A break between an
// Open and its Close is dropped, which merges the two sentences: markup stays within one segment.
#include "translation/segmenter.h"

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/udata.h>
#include <unicode/ures.h>
#include <unicode/utext.h>

namespace lantern::translation {

namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Byte length of a white-space character at t[i] (ASCII, no-break, narrow no-break, thin, ideographic), or 0.
size_t spaceAt(std::string_view t, size_t i) {
    if (space(t[i])) return 1;
    const std::string_view r = t.substr(i, 3);
    if (r.starts_with("\xC2\xA0")) return 2;
    if (r == "\xE2\x80\xAF" || r == "\xE2\x80\x89" || r == "\xE3\x80\x80") return 3;
    return 0;
}
// The same, for the character that ends at t[e - 1].
size_t spaceBefore(std::string_view t, size_t b, size_t e) {
    if (e > b && space(t[e - 1])) return 1;
    if (e - b >= 2 && t.substr(e - 2, 2) == "\xC2\xA0") return 2;
    if (e - b >= 3 && spaceAt(t, e - 3) == 3) return 3;
    return 0;
}

size_t trimFront(std::string_view t, size_t b, size_t e) {
    while (b < e) {
        const size_t n = spaceAt(t, b);
        if (n == 0) break;
        b += n;
    }
    return b;
}
size_t trimBack(std::string_view t, size_t b, size_t e) {
    while (e > b) {
        const size_t n = spaceBefore(t, b, e);
        if (n == 0) break;
        e -= n;
    }
    return e;
}

std::string utf8(const UChar* s, int32_t n) {
    std::string out;
    icu::UnicodeString(false, s, n).toUTF8String(out);
    return out;
}

// ICU's abbreviation list for a language: "pt-BR" tries pt_BR then pt. No fallback to the process's
// default locale (ures_open would give Dutch the English list).
std::set<std::string> readAbbreviations(std::string_view language) {
    std::set<std::string> out;
    std::string name(language);
    for (char& c : name)
        if (c == '-') c = '_';
    while (!name.empty()) {
        UErrorCode status = U_ZERO_ERROR;
        UResourceBundle* bundle = ures_openDirect(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "brkitr", name.c_str(), &status);
        UResourceBundle* exceptions = ures_getByKey(bundle, "exceptions", nullptr, &status);
        UResourceBundle* list = ures_getByKey(exceptions, "SentenceBreak", nullptr, &status);
        while (U_SUCCESS(status) && ures_hasNext(list)) {
            int32_t n = 0;
            const UChar* s = ures_getNextString(list, &n, nullptr, &status);
            if (U_SUCCESS(status)) out.insert(utf8(s, n));
        }
        ures_close(list);
        ures_close(exceptions);
        ures_close(bundle);
        if (!out.empty()) break;
        const size_t cut = name.rfind('_');
        name.erase(cut == std::string::npos ? 0 : cut);
    }
    if (language.substr(0, 2) == "en")  // in common use, missing from CLDR's English list
        for (const char* a : {"Dr.", "Drs.", "Jr.", "Sr.", "St.", "e.g.", "i.e.", "cf.", "approx.", "ca.", "Inc."})
            out.insert(a);
    return out;
}

const std::set<std::string>& abbreviations(const std::string& language) {
    static std::mutex mutex;
    static std::map<std::string, std::set<std::string>> cache;
    const std::lock_guard lock(mutex);
    auto it = cache.find(language);
    if (it == cache.end())
        it = cache.emplace(language, readAbbreviations(language)).first;
    return it->second;  // entries of a std::map stay where they are
}

// The word ending at byte e (no white space inside), without opening brackets or quotes before it.
std::string_view wordBefore(std::string_view t, size_t from, size_t e) {
    size_t b = e;
    while (b > from && spaceBefore(t, from, b) == 0)
        --b;
    std::string_view w = t.substr(b, e - b);
    while (!w.empty() && (w[0] == '(' || w[0] == '[' || w[0] == '"' || w[0] == '\''))
        w.remove_prefix(1);
    for (std::string_view quote : {"\xE2\x80\x9C", "\xE2\x80\x9E", "\xE2\x80\x98", "\xC2\xAB"})  // “ „ ‘ «
        if (w.starts_with(quote)) w.remove_prefix(quote.size());
    return w;
}
// The word starting at byte b.
std::string_view wordAfter(std::string_view t, size_t b) {
    size_t e = b;
    while (e < t.size() && spaceAt(t, e) == 0)
        ++e;
    return t.substr(b, e - b);
}

// Whether ICU's break at `at` follows an abbreviation: the word before it is one ("Dr."), or with the
// word before that ("z. B."), or with the word after it starts one ("z." of "z. B.").
bool afterAbbreviation(std::string_view t, size_t at, const std::set<std::string>& list) {
    if (list.empty()) return false;
    const size_t end = trimBack(t, 0, at);
    const std::string_view last = wordBefore(t, 0, end);
    if (last.empty() || last.back() != '.') return false;
    if (list.count(std::string(last))) return true;
    const size_t lastBegin = static_cast<size_t>(last.data() - t.data());
    const size_t gapBegin = trimBack(t, 0, lastBegin);
    if (gapBegin < lastBegin) {
        const std::string_view before = wordBefore(t, 0, gapBegin);
        if (!before.empty() && list.count(std::string(before) + " " + std::string(last))) return true;
    }
    const std::string_view next = wordAfter(t, trimFront(t, end, t.size()));
    return !next.empty() && list.count(std::string(last) + " " + std::string(next));
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
    std::string masked(text);
    for (const Inline& in : inlines)
        for (size_t i = in.begin; i < in.end && i < masked.size(); ++i)
            masked[i] = ' ';
    std::vector<size_t> breaks;  // candidate ends, bytes
    UErrorCode status = U_ZERO_ERROR;
    const std::string code = language.empty() ? std::string("en") : std::string(language);
    const std::string base = code.substr(0, code.find('-'));
    std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createSentenceInstance(icu::Locale(base.c_str()), status));
    UText* ut = utext_openUTF8(nullptr, masked.data(), static_cast<int64_t>(masked.size()), &status);
    if (U_SUCCESS(status) && it) {
        it->setText(ut, status);
        for (int32_t b = it->next(); U_SUCCESS(status) && b != icu::BreakIterator::DONE; b = it->next())
            breaks.push_back(static_cast<size_t>(b));
    }
    utext_close(ut);
    if (breaks.empty() || breaks.back() != text.size())
        breaks.push_back(text.size());
    const std::set<std::string>& list = abbreviations(code);
    size_t start = 0;
    for (size_t b : breaks) {
        // ICU breaks after the blanked bytes, so an opening tag that starts the next sentence ("One. <b>Two")
        // would end this one: the break goes back before it.
        for (bool moved = true; moved && b < text.size();) {
            moved = false;
            const size_t e = trimBack(text, start, b);
            for (const Inline& in : inlines)
                if (in.kind == Inline::Kind::Open && in.end == e && in.begin > start && in.begin < e) {
                    b = in.begin;
                    moved = true;
                }
        }
        if (b <= start || (b < text.size() && (forbidden(b, inlines) || afterAbbreviation(masked, b, list))))
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
