#include "translation/formats/textwrap.h"

#include <algorithm>
#include <limits>

namespace lantern::translation::formats {

char32_t decodeUtf8(std::string_view s, size_t i, size_t& length) {
    const auto c = static_cast<unsigned char>(s[i]);
    length = 1;
    if (c < 0x80)
        return c;
    const size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size())
        return 0xFFFD;
    char32_t cp = c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
        const auto d = static_cast<unsigned char>(s[i + k]);
        if ((d & 0xC0) != 0x80)
            return 0xFFFD;
        cp = (cp << 6) | (d & 0x3F);
    }
    length = n;
    return cp;
}

void appendUtf8(std::string& out, char32_t c) {
    if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
        c = 0xFFFD;
    if (c < 0x80) {
        out += char(c);
    } else if (c < 0x800) {
        out += char(0xC0 | (c >> 6));
        out += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += char(0xE0 | (c >> 12));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    } else {
        out += char(0xF0 | (c >> 18));
        out += char(0x80 | ((c >> 12) & 0x3F));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    }
}

bool isWide(char32_t c) {
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
           (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

namespace {
// Japanese/Chinese line-breaking rules (kinsoku shori), the common core: no line starts with closing
// punctuation or a small kana mark, none ends with opening punctuation.
bool noBreakBefore(char32_t c) {
    static constexpr std::u32string_view kClosing = U"、。，．・：；？！）」』】〕〉》”’ー々ゝゞヽヾぁぃぅぇぉっゃゅょァィゥェォッャュョ";
    return kClosing.find(c) != std::u32string_view::npos;
}
bool noBreakAfter(char32_t c) {
    static constexpr std::u32string_view kOpening = U"（「『【〔〈《“‘";
    return kOpening.find(c) != std::u32string_view::npos;
}

bool inside(std::span<const ByteRange> ranges, size_t at) {
    for (const ByteRange& r : ranges)
        if (at >= r.begin && at < r.end)
            return true;
    return false;
}

// prefix[i]: columns of text[0, i) (set at code point starts; bytes inside a code point repeat the value).
std::vector<size_t> prefixWidths(std::string_view text, std::span<const ByteRange> hidden) {
    std::vector<size_t> prefix(text.size() + 1, 0);
    size_t col = 0;
    for (size_t i = 0; i < text.size();) {
        size_t n = 1;
        const char32_t c = decodeUtf8(text, i, n);
        for (size_t k = 0; k < n; ++k)
            prefix[i + k] = col;
        if (!inside(hidden, i))
            col += isWide(c) ? 2 : 1;
        i += n;
    }
    prefix[text.size()] = col;
    return prefix;
}
}  // namespace

size_t displayWidth(std::string_view text) { return prefixWidths(text, {}).back(); }

std::vector<Break> breakOpportunities(std::string_view text, std::span<const ByteRange> keep,
                                      bool (*breakBefore)(std::string_view rest)) {
    std::vector<Break> out;
    char32_t previous = 0;
    for (size_t i = 0; i < text.size();) {
        if (inside(keep, i)) {
            previous = 0;
            ++i;
            continue;
        }
        if (text[i] == ' ') {
            size_t j = i;
            while (j < text.size() && text[j] == ' ' && !inside(keep, j))
                ++j;
            // Spaces at either end of the text are not a break: a line would be empty.
            if (i > 0 && j < text.size() && (!breakBefore || breakBefore(text.substr(j))))
                out.push_back(Break{i, j});
            previous = ' ';
            i = j;
            continue;
        }
        size_t n = 1;
        const char32_t c = decodeUtf8(text, i, n);
        if (isWide(c) && isWide(previous) && !noBreakBefore(c) && !noBreakAfter(previous) &&
            (!breakBefore || breakBefore(text.substr(i))))
            out.push_back(Break{i, i});
        previous = c;
        i += n;
    }
    return out;
}

std::vector<Break> fillToWidth(std::string_view text, std::span<const Break> opportunities, size_t width,
                               size_t firstColumn, size_t nextColumn) {
    const std::vector<size_t> prefix = prefixWidths(text, {});
    std::vector<Break> out;
    size_t lineStart = 0;  // byte where the current line's text starts
    size_t startColumn = firstColumn;
    auto columnAt = [&](size_t at) {
        const size_t nl = text.substr(0, at).rfind('\n');
        if (nl != std::string_view::npos && nl >= lineStart)
            return prefix[at] - prefix[nl + 1];  // the markup's own newline: its prefix is in the text
        return startColumn + prefix[at] - prefix[lineStart];
    };
    const Break* fitting = nullptr;  // the last opportunity on the current line that keeps it within width
    auto breakAt = [&](const Break& b) {
        out.push_back(b);
        lineStart = b.end;
        startColumn = nextColumn;
        fitting = nullptr;
    };
    for (const Break& b : opportunities) {
        if (columnAt(b.begin) <= width) {
            fitting = &b;
            continue;
        }
        if (!fitting) {  // one word longer than the width: it gets a line of its own
            breakAt(b);
            continue;
        }
        breakAt(*fitting);
        if (columnAt(b.begin) <= width)
            fitting = &b;
        else
            breakAt(b);
    }
    if (fitting && columnAt(text.size()) > width)
        out.push_back(*fitting);
    return out;
}

std::vector<Break> balanceLines(std::string_view text, std::span<const Break> opportunities, size_t lines,
                                std::span<const ByteRange> hidden) {
    const size_t k = opportunities.size();
    if (lines <= 1 || k == 0)
        return {};
    const size_t breaks = std::min(lines - 1, k);
    const std::vector<size_t> prefix = prefixWidths(text, hidden);
    // Line from the end of break a (or the text start, a = k) to the start of break b (or the text end).
    auto lineWidth = [&](size_t from, size_t to) { return prefix[to] - prefix[from]; };
    struct Cost {
        size_t widest = std::numeric_limits<size_t>::max();
        size_t squares = std::numeric_limits<size_t>::max();
        size_t previous = 0;
        bool operator<(const Cost& o) const { return widest != o.widest ? widest < o.widest : squares < o.squares; }
    };
    // best[j][i]: the first j+1 lines, line j ending at opportunity i.
    std::vector<std::vector<Cost>> best(breaks, std::vector<Cost>(k));
    for (size_t i = 0; i < k; ++i) {
        const size_t w = lineWidth(0, opportunities[i].begin);
        best[0][i] = Cost{w, w * w, k};
    }
    for (size_t j = 1; j < breaks; ++j)
        for (size_t i = j; i < k; ++i)
            for (size_t p = j - 1; p < i; ++p) {
                const Cost& before = best[j - 1][p];
                const size_t w = lineWidth(opportunities[p].end, opportunities[i].begin);
                const Cost c{std::max(before.widest, w), before.squares + w * w, p};
                if (c < best[j][i])
                    best[j][i] = c;
            }
    Cost chosen;
    size_t last = k;
    for (size_t i = breaks - 1; i < k; ++i) {
        const Cost& c = best[breaks - 1][i];
        const size_t w = lineWidth(opportunities[i].end, text.size());
        const Cost total{std::max(c.widest, w), c.squares + w * w, i};
        if (total < chosen) {
            chosen = total;
            last = i;
        }
    }
    std::vector<Break> out(breaks);
    for (size_t j = breaks; j-- > 0;) {
        out[j] = opportunities[last];
        last = best[j][last].previous;
    }
    return out;
}

std::string applyBreaks(std::string_view text, std::span<const Break> breaks, std::string_view newline) {
    std::string out;
    size_t at = 0;
    for (const Break& b : breaks) {
        out.append(text.substr(at, b.begin - at));
        out.append(newline);
        at = b.end;
    }
    out.append(text.substr(at));
    return out;
}

}  // namespace lantern::translation::formats
