#include "translation/eval/tokenizers.h"

#include <unicode/uchar.h>

#include <array>
#include <utility>

#include "translation/eval/pytext.h"

namespace lantern::translation::eval {

namespace {

bool isAsciiDigit(char32_t c) {
    return c >= U'0' && c <= U'9';
}

// One re.sub of a fixed-length pattern: at each position either the pattern matches (and the scan goes on
// after the match) or one character is copied. For patterns that can match in one way only, which all of
// sacrebleu's are, this is exactly the leftmost, non-overlapping order of Python's re.sub.
template <class Match2, class Emit2>
std::u32string substitutePairs(std::u32string_view in, Match2 matches, Emit2 emit) {
    std::u32string out;
    out.reserve(in.size() + in.size() / 4);
    size_t i = 0;
    while (i < in.size()) {
        if (i + 1 < in.size() && matches(in[i], in[i + 1])) {
            emit(out, in[i], in[i + 1]);
            i += 2;
        } else {
            out.push_back(in[i++]);
        }
    }
    return out;
}

// Python's str.replace: every non-overlapping occurrence, left to right.
void replaceAll(std::u32string& s, std::u32string_view from, std::u32string_view to) {
    size_t at = 0;
    while ((at = s.find(from, at)) != std::u32string::npos) {
        s.replace(at, from.size(), to);
        at += to.size();
    }
}

// mteval's "language-dependent part": the ASCII punctuation and symbols that become words of their own,
// [\{-\~\[-\` -\&\(-\+\:-\@\/]: all of ASCII's punctuation except the apostrophe, comma, hyphen and period,
// which the later rules treat by context (and space, which changes nothing once words are re-joined).
bool isSplitSymbol(char32_t c) {
    return (c >= 0x7B && c <= 0x7E) || (c >= 0x5B && c <= 0x60) || (c >= 0x20 && c <= 0x26) ||
           (c >= 0x28 && c <= 0x2B) || (c >= 0x3A && c <= 0x40) || c == 0x2F;
}

bool isPeriodOrComma(char32_t c) {
    return c == U'.' || c == U',';
}

bool isPunctuation(char32_t c) {
    switch (u_charType(UChar32(c))) {
        case U_CONNECTOR_PUNCTUATION:
        case U_DASH_PUNCTUATION:
        case U_START_PUNCTUATION:
        case U_END_PUNCTUATION:
        case U_INITIAL_PUNCTUATION:
        case U_FINAL_PUNCTUATION:
        case U_OTHER_PUNCTUATION:
            return true;
        default:
            return false;
    }
}

bool isSymbol(char32_t c) {
    switch (u_charType(UChar32(c))) {
        case U_MATH_SYMBOL:
        case U_CURRENCY_SYMBOL:
        case U_MODIFIER_SYMBOL:
        case U_OTHER_SYMBOL:
            return true;
        default:
            return false;
    }
}

bool isNumber(char32_t c) {
    switch (u_charType(UChar32(c))) {
        case U_DECIMAL_DIGIT_NUMBER:
        case U_LETTER_NUMBER:
        case U_OTHER_NUMBER:
            return true;
        default:
            return false;
    }
}

std::u32string tokenize13a(std::u32string_view line) {
    std::u32string s(line);
    replaceAll(s, U"<skipped>", U"");
    replaceAll(s, U"-\n", U"");
    replaceAll(s, U"\n", U" ");
    if (s.find(U'&') != std::u32string::npos) {
        replaceAll(s, U"&quot;", U"\"");
        replaceAll(s, U"&amp;", U"&");
        replaceAll(s, U"&lt;", U"<");
        replaceAll(s, U"&gt;", U">");
    }
    // The padding makes a period at either end of the line a word of its own (mteval does the same).
    return tokenizeRegexp(U" " + s + U" ");
}

std::u32string tokenizeZh(std::u32string_view line) {
    std::u32string spaced;
    for (const char32_t c : stripSpace(line)) {
        if (isZhChineseChar(c)) {
            spaced.push_back(U' ');
            spaced.push_back(c);
            spaced.push_back(U' ');
        } else {
            spaced.push_back(c);
        }
    }
    return tokenizeRegexp(spaced);
}

std::u32string tokenizeIntl(std::u32string_view line) {
    // (\P{N})(\p{P}) -> '\1 \2 ', (\p{P})(\P{N}) -> ' \1 \2', (\p{S}) -> ' \1 ': punctuation is cut off
    // unless it sits between digits (1,000 and 3.5 stay whole); symbols always are.
    std::u32string s = substitutePairs(
        line, [](char32_t a, char32_t b) { return !isNumber(a) && isPunctuation(b); },
        [](std::u32string& out, char32_t a, char32_t b) {
            out += {a, U' ', b, U' '};
        });
    s = substitutePairs(
        s, [](char32_t a, char32_t b) { return isPunctuation(a) && !isNumber(b); },
        [](std::u32string& out, char32_t a, char32_t b) {
            out += {U' ', a, U' ', b};
        });
    std::u32string out;
    out.reserve(s.size());
    for (const char32_t c : s) {
        if (isSymbol(c)) {
            out += {U' ', c, U' '};
        } else {
            out.push_back(c);
        }
    }
    return joinWords(out);
}

std::u32string tokenizeChar(std::u32string_view line) {
    std::u32string out;
    out.reserve(line.size() * 2);
    for (const char32_t c : line) {
        if (!out.empty()) {
            out.push_back(U' ');
        }
        out.push_back(c);
    }
    return out;
}

}  // namespace

std::string_view tokenizerName(Tokenizer t) {
    switch (t) {
        case Tokenizer::None:
            return "none";
        case Tokenizer::T13a:
            return "13a";
        case Tokenizer::Zh:
            return "zh";
        case Tokenizer::Intl:
            return "intl";
        case Tokenizer::Char:
            return "char";
    }
    return "13a";
}

std::optional<Tokenizer> tokenizerFromName(std::string_view name) {
    for (const Tokenizer t :
         {Tokenizer::None, Tokenizer::T13a, Tokenizer::Zh, Tokenizer::Intl, Tokenizer::Char}) {
        if (tokenizerName(t) == name) {
            return t;
        }
    }
    return std::nullopt;
}

std::u32string tokenizeRegexp(std::u32string_view line) {
    std::u32string s;
    s.reserve(line.size() * 2);
    for (const char32_t c : line) {
        if (isSplitSymbol(c)) {
            s += {U' ', c, U' '};
        } else {
            s.push_back(c);
        }
    }
    // A period or comma is cut off unless it sits between digits: "3.5" and "1,000" stay one word.
    s = substitutePairs(
        s, [](char32_t a, char32_t b) { return !isAsciiDigit(a) && isPeriodOrComma(b); },
        [](std::u32string& out, char32_t a, char32_t b) {
            out += {a, U' ', b, U' '};
        });
    s = substitutePairs(
        s, [](char32_t a, char32_t b) { return isPeriodOrComma(a) && !isAsciiDigit(b); },
        [](std::u32string& out, char32_t a, char32_t b) {
            out += {U' ', a, U' ', b};
        });
    s = substitutePairs(
        s, [](char32_t a, char32_t b) { return isAsciiDigit(a) && b == U'-'; },
        [](std::u32string& out, char32_t a, char32_t b) {
            out += {a, U' ', b, U' '};
        });
    return joinWords(s);
}

bool isZhChineseChar(char32_t c) {
    // sacrebleu's _UCODE_RANGES compares one-character strings with these bounds. Two of its bounds were
    // meant as U+20000..U+2A6D6 and U+2F800..U+2FA1D but are written '\u20000' and '\u2f800', which Python
    // reads as two characters ('\u2000' + '0'); as strings they admit U+2001..U+2A6D and U+2F81..U+2FA1
    // instead (general punctuation such as '—' and '…', currency, arrows...), and not the supplementary
    // ideographs. Scores only match sacrebleu's if this is kept as it behaves, not as it was meant.
    static constexpr std::array<std::pair<char32_t, char32_t>, 22> kRanges{{
        {0x3400, 0x4DB5}, {0x4E00, 0x9FA5}, {0x9FA6, 0x9FBB}, {0xF900, 0xFA2D}, {0xFA30, 0xFA6A},
        {0xFA70, 0xFAD9}, {0x2001, 0x2A6D}, {0x2F81, 0x2FA1}, {0xFF00, 0xFFEF}, {0x2E80, 0x2EFF},
        {0x3000, 0x303F}, {0x31C0, 0x31EF}, {0x2F00, 0x2FDF}, {0x2FF0, 0x2FFF}, {0x3100, 0x312F},
        {0x31A0, 0x31BF}, {0xFE10, 0xFE1F}, {0xFE30, 0xFE4F}, {0x2600, 0x26FF}, {0x2700, 0x27BF},
        {0x3200, 0x32FF}, {0x3300, 0x33FF},
    }};
    for (const auto& [low, high] : kRanges) {
        if (c >= low && c <= high) {
            return true;
        }
    }
    return false;
}

std::u32string tokenize(Tokenizer t, std::u32string_view line) {
    switch (t) {
        case Tokenizer::None:
            return std::u32string(line);
        case Tokenizer::T13a:
            return tokenize13a(line);
        case Tokenizer::Zh:
            return tokenizeZh(line);
        case Tokenizer::Intl:
            return tokenizeIntl(line);
        case Tokenizer::Char:
            return tokenizeChar(line);
    }
    return std::u32string(line);
}

}  // namespace lantern::translation::eval
