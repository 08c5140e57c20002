#include "translation/guardscan.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace lantern::translation::guard::scan {

namespace {

bool isAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
// A byte of a word for boundary tests: ASCII letters and digits, and any byte of a multi-byte UTF-8
// character (letters of other scripts), so "Lantern" in "Lanterns" or "café" is not a whole word.
bool isWordByte(char c) { return isAlnum(c) || c == '_' || (static_cast<unsigned char>(c) & 0x80) != 0; }

bool startsWith(std::string_view s, size_t at, std::string_view what) { return s.substr(at, what.size()) == what; }

// One of the alternatives at s[at]; its length, or 0.
size_t matchAny(std::string_view s, size_t at, std::initializer_list<std::string_view> alternatives) {
    for (std::string_view a : alternatives)
        if (startsWith(s, at, a))
            return a.size();
    return 0;
}

size_t skipSpaces(std::string_view s, size_t at) {
    while (at < s.size() && s[at] == ' ')
        ++at;
    return at;
}

constexpr std::array kVoidElements{"area", "base", "br", "col", "embed", "hr", "img", "input",
                                   "link", "meta", "param", "source", "track", "wbr"};

}  // namespace

std::vector<TokenMatch> tokenMatches(std::string_view s) {
    std::vector<TokenMatch> out;
    for (size_t i = 0; i < s.size(); ++i) {
        const size_t open = matchAny(s, i, {"<", "\xEF\xBC\x9C", "&lt;", "\\<"});
        if (open == 0)
            continue;
        TokenMatch m;
        m.begin = i;
        size_t at = skipSpaces(s, i + open);
        if (size_t slash = matchAny(s, at, {"/", "\xEF\xBC\x8F", "\\/"}); slash) {
            m.leadingSlash = true;
            at = skipSpaces(s, at + slash);
        }
        if (at >= s.size() || (std::tolower(static_cast<unsigned char>(s[at])) != 'x' &&
                               std::tolower(static_cast<unsigned char>(s[at])) != 'g'))
            continue;
        m.letter = char(std::tolower(static_cast<unsigned char>(s[at])));
        at = skipSpaces(s, at + 1);
        size_t digits = 0;
        int number = 0;
        while (at < s.size() && isDigit(s[at]) && digits < 5) {
            number = number * 10 + (s[at] - '0');
            ++at;
            ++digits;
        }
        if (digits == 0 || digits > 4 || (at < s.size() && isDigit(s[at])))
            continue;
        at = skipSpaces(s, at);
        if (size_t slash = matchAny(s, at, {"/", "\xEF\xBC\x8F", "\\/"}); slash) {
            m.trailingSlash = true;
            at = skipSpaces(s, at + slash);
        }
        // An escaped bracket closes an escaped one only ("\<x1/\>", "&lt;x1/&gt;"): a source's own
        // backslash or "&lt;" right before a real token stays text.
        const bool escaped = s[i] == '\\' || s[i] == '&';
        const size_t close = escaped ? matchAny(s, at, {s[i] == '&' ? "&gt;" : "\\>"})
                                     : matchAny(s, at, {">", "\xEF\xBC\x9E"});
        if (close == 0)
            continue;
        m.end = at + close;
        m.number = number;
        out.push_back(m);
        i = m.end - 1;
    }
    return out;
}

std::vector<Found> tokenLookalikes(std::string_view s, size_t begin, size_t end) {
    std::vector<Found> out;
    for (const TokenMatch& m : tokenMatches(s.substr(0, end)))
        if (m.begin >= begin)
            out.push_back(Found{m.begin, m.end, Inline::Kind::Standalone, -1, "text like a token"});
    return out;
}

std::vector<Found> inlineCode(std::string_view s, size_t begin, size_t end) {
    std::vector<Found> out;
    for (size_t i = begin; i < end; ++i) {
        if (s[i] != '`')
            continue;
        size_t ticks = 1;
        while (i + ticks < end && s[i + ticks] == '`')
            ++ticks;
        const std::string fence(ticks, '`');
        const size_t close = s.substr(0, end).find(fence, i + ticks);
        if (close == std::string_view::npos || close - i > 300 ||
            s.substr(i, close - i).find('\n') != std::string_view::npos) {
            i += ticks - 1;
            continue;
        }
        out.push_back(Found{i, close + ticks, Inline::Kind::Standalone, -1, "code"});
        i = close + ticks - 1;
    }
    return out;
}

std::vector<Found> urls(std::string_view s, size_t begin, size_t end) {
    std::vector<Found> out;
    auto stop = [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) || c == '<' || c == '>' || c == '"' || c == '\'' ||
               c == '`';
    };
    for (size_t i = begin; i < end; ++i) {
        const bool boundary = i == begin || !isWordByte(s[i - 1]);
        if (!boundary)
            continue;
        const size_t scheme = matchAny(s, i, {"https://", "http://", "ftp://", "mailto:", "www."});
        if (scheme == 0)
            continue;
        size_t e = i + scheme;
        while (e < end && !stop(s[e]))
            ++e;
        // Trailing punctuation belongs to the sentence, a closing parenthesis only if the URL opened one.
        while (e > i + scheme) {
            const char c = s[e - 1];
            const std::string_view url = s.substr(i, e - i);
            if (c == ')' && std::ranges::count(url, '(') >= std::ranges::count(url, ')'))
                break;
            if (std::string_view(".,;:!?)]}").find(c) == std::string_view::npos)
                break;
            --e;
        }
        if (e > i + scheme) {
            out.push_back(Found{i, e, Inline::Kind::Standalone, -1, "link address"});
            i = e - 1;
        }
    }
    // E-mail addresses: word@domain.tld
    for (size_t at = s.substr(0, end).find('@', begin); at != std::string_view::npos && at < end;
         at = s.substr(0, end).find('@', at + 1)) {
        size_t b = at;
        while (b > begin && (isAlnum(s[b - 1]) || std::string_view("._%+-").find(s[b - 1]) != std::string_view::npos))
            --b;
        size_t e = at + 1;
        while (e < end && (isAlnum(s[e]) || s[e] == '.' || s[e] == '-'))
            ++e;
        while (e > at + 1 && s[e - 1] == '.')
            --e;
        const std::string_view domain = s.substr(at + 1, e - at - 1);
        if (b == at || domain.find('.') == std::string_view::npos)
            continue;
        const bool inside = std::ranges::any_of(out, [&](const Found& f) { return f.begin <= b && b < f.end; });
        if (!inside)
            out.push_back(Found{b, e, Inline::Kind::Standalone, -1, "e-mail address"});
    }
    std::ranges::sort(out, {}, &Found::begin);
    return out;
}

std::vector<Found> markup(std::string_view s, size_t begin, size_t end) {
    std::vector<Found> out;
    std::vector<std::pair<std::string, size_t>> open;  // tag name, index in out
    int nextPair = 0;
    for (size_t i = begin; i < end; ++i) {
        if (s[i] == '&') {
            size_t e = i + 1;
            if (e < end && s[e] == '#') {
                ++e;
                const bool hex = e < end && (s[e] == 'x' || s[e] == 'X');
                e += hex;
                const size_t digits = e;
                while (e < end && (hex ? isHex(s[e]) : isDigit(s[e])) && e - digits < 7)
                    ++e;
                if (e == digits)
                    continue;
            } else {
                const size_t name = e;
                while (e < end && isAlnum(s[e]) && e - name < 32)
                    ++e;
                if (e == name || !std::isalpha(static_cast<unsigned char>(s[name])))
                    continue;
            }
            if (e < end && s[e] == ';') {
                out.push_back(Found{i, e + 1, Inline::Kind::Standalone, -1, "character reference"});
                i = e;
            }
            continue;
        }
        if (s[i] != '<')
            continue;
        if (startsWith(s, i, "<!--")) {
            const size_t close = s.substr(0, end).find("-->", i + 4);
            if (close != std::string_view::npos) {
                out.push_back(Found{i, close + 3, Inline::Kind::Standalone, -1, "comment"});
                i = close + 2;
            }
            continue;
        }
        const bool closing = i + 1 < end && s[i + 1] == '/';
        size_t n = i + 1 + closing;
        if (n >= end || !std::isalpha(static_cast<unsigned char>(s[n])))
            continue;
        size_t e = n;
        while (e < end && (isAlnum(s[e]) || s[e] == ':' || s[e] == '-' || s[e] == '_'))
            ++e;
        std::string name(s.substr(n, e - n));
        std::ranges::transform(name, name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        size_t gt = e;
        char quote = 0;
        while (gt < end && gt - i < 1000) {
            const char c = s[gt];
            if (quote) {
                if (c == quote)
                    quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>' || c == '<') {
                break;
            }
            ++gt;
        }
        if (gt >= end || s[gt] != '>')
            continue;
        const bool selfClosing = s[gt - 1] == '/' || std::ranges::find(kVoidElements, name) != kVoidElements.end();
        Found f{i, gt + 1, Inline::Kind::Standalone, -1, "tag <" + name + ">"};
        if (closing) {
            auto it = std::find_if(open.rbegin(), open.rend(), [&](const auto& o) { return o.first == name; });
            if (it != open.rend()) {
                f.kind = Inline::Kind::Close;
                f.pair = out[it->second].pair;
                open.erase(std::next(it).base(), open.end());
            }
        } else if (!selfClosing) {
            f.kind = Inline::Kind::Open;
            f.pair = nextPair++;
            open.emplace_back(name, out.size());
        }
        out.push_back(f);
        i = gt;
    }
    // Opens never closed within this text are fixed codes.
    for (const auto& o : open) {
        out[o.second].kind = Inline::Kind::Standalone;
        out[o.second].pair = -1;
    }
    return out;
}

std::vector<Found> braces(std::string_view s, size_t begin, size_t end) {
    std::vector<Found> out;
    for (size_t i = begin; i < end; ++i) {
        if (startsWith(s, i, "{{")) {
            const size_t close = s.substr(0, end).find("}}", i + 2);
            if (close != std::string_view::npos && close - i < 120 &&
                s.substr(i, close - i).find('\n') == std::string_view::npos) {
                const size_t e = close + 2 + (close + 2 < end && s[close + 2] == '}');  // {{{raw}}}
                out.push_back(Found{i, e, Inline::Kind::Standalone, -1, "placeholder"});
                i = e - 1;
            }
            continue;
        }
        const bool dollar = s[i] == '$' && i + 1 < end && s[i + 1] == '{';
        if (s[i] != '{' && !dollar)
            continue;
        const size_t open = i + dollar;
        const size_t close = s.substr(0, end).find('}', open + 1);
        if (close == std::string_view::npos || close - open > 64)
            continue;
        const std::string_view body = s.substr(open + 1, close - open - 1);
        // A name, index or path, optionally with a format spec after ':' ',' '!'; no spaces before it, no
        // nested braces. "{# items}" (ICU message text) and "{ a b }" are prose, not placeholders.
        const size_t spec = body.find_first_of(":,!");
        const std::string_view head = body.substr(0, spec);
        const bool nameOk = std::ranges::all_of(head, [](char c) {
            return isAlnum(c) || c == '_' || c == '.' || c == '-' || c == '$' || c == '[' || c == ']';
        });
        if (!nameOk || body.find_first_of("{}\n") != std::string_view::npos ||
            (head.empty() && spec != std::string_view::npos))
            continue;
        out.push_back(Found{i, close + 1, Inline::Kind::Standalone, -1, "placeholder"});
        i = close;
    }
    return out;
}

std::vector<Found> printf(std::string_view s, size_t begin, size_t end) {
    std::vector<Found> out;
    for (size_t i = begin; i < end; ++i) {
        if (s[i] != '%')
            continue;
        size_t e = i + 1;
        if (e < end && s[e] == '%') {
            out.push_back(Found{i, e + 1, Inline::Kind::Standalone, -1, "percent sign"});
            i = e;
            continue;
        }
        if (e < end && s[e] == '(') {  // Python's %(name)s
            const size_t close = s.substr(0, end).find(')', e);
            if (close == std::string_view::npos || close - e > 40)
                continue;
            e = close + 1;
        } else {
            size_t d = e;
            while (d < end && isDigit(s[d]))
                ++d;
            if (d > e && d < end && s[d] == '$')
                e = d + 1;  // %1$s
        }
        while (e < end && std::string_view("-+ #0'").find(s[e]) != std::string_view::npos)
            ++e;
        while (e < end && (isDigit(s[e]) || s[e] == '*'))
            ++e;
        if (e < end && s[e] == '.') {
            ++e;
            while (e < end && (isDigit(s[e]) || s[e] == '*'))
                ++e;
        }
        if (e < end && s[e] == '<') {  // gettext's %<PRIu64>
            const size_t close = s.substr(0, end).find('>', e);
            if (close != std::string_view::npos && startsWith(s, e + 1, "PRI") && close - e < 16) {
                out.push_back(Found{i, close + 1, Inline::Kind::Standalone, -1, "placeholder"});
                i = close;
            }
            continue;
        }
        if (const size_t len = matchAny(s, e, {"hh", "ll", "I64", "I32", "h", "l", "L", "q", "j", "z", "Z", "t"}))
            e += len;
        if (e < end && std::string_view("diouxXeEfFgGaAcspn@").find(s[e]) != std::string_view::npos) {
            // "% o" in "50% off" is a valid directive to printf, but not a placeholder a person meant: a
            // space flag followed straight by a letter conversion is left as text.
            if (s.substr(i, e - i) == "% " && std::isalpha(static_cast<unsigned char>(s[e])))
                continue;
            out.push_back(Found{i, e + 1, Inline::Kind::Standalone, -1, "placeholder"});
            i = e;
        }
    }
    return out;
}

std::vector<Found> qt(std::string_view s, size_t begin, size_t end, bool accelerators) {
    std::vector<Found> out;
    for (size_t i = begin; i < end; ++i) {
        if (accelerators && startsWith(s, i, "&&")) {
            out.push_back(Found{i, i + 2, Inline::Kind::Standalone, -1, "ampersand"});
            ++i;
            continue;
        }
        if (s[i] != '%')
            continue;
        size_t e = i + 1;
        if (e < end && s[e] == 'L')
            ++e;
        if (e < end && s[e] == 'n') {
            out.push_back(Found{i, e + 1, Inline::Kind::Standalone, -1, "number"});
            i = e;
            continue;
        }
        const size_t d = e;
        while (e < end && isDigit(s[e]) && e - d < 2)
            ++e;
        if (e > d && s[d] != '0') {
            out.push_back(Found{i, e, Inline::Kind::Standalone, -1, "placeholder"});
            i = e - 1;
        }
    }
    return out;
}

std::vector<Found> escapes(std::string_view s, size_t begin, size_t end) {
    std::vector<Found> out;
    for (size_t i = begin; i + 1 < end; ++i) {
        if (s[i] != '\\')
            continue;
        size_t e = 0;
        if (std::string_view("ntr'\"\\@?").find(s[i + 1]) != std::string_view::npos)
            e = i + 2;
        else if (s[i + 1] == 'u' && i + 6 <= end && std::all_of(s.begin() + i + 2, s.begin() + i + 6, isHex))
            e = i + 6;
        if (e) {
            out.push_back(Found{i, e, Inline::Kind::Standalone, -1, "escape"});
            i = e - 1;
        }
    }
    return out;
}

std::vector<Found> terms(std::string_view s, size_t begin, size_t end, std::span<const std::string> keep) {
    std::vector<Found> out;
    std::vector<std::string> sorted(keep.begin(), keep.end());
    std::ranges::sort(sorted, [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (size_t i = begin; i < end; ++i) {
        for (const std::string& term : sorted) {
            if (term.empty() || i + term.size() > end || !startsWith(s, i, term))
                continue;
            const bool left = i == 0 || !isWordByte(s[i - 1]) || !isWordByte(term.front());
            const bool right = i + term.size() >= s.size() || !isWordByte(s[i + term.size()]) ||
                               !isWordByte(term.back());
            if (!left || !right)
                continue;
            out.push_back(Found{i, i + term.size(), Inline::Kind::Standalone, -1, "term"});
            i += term.size() - 1;
            break;
        }
    }
    return out;
}

void insertAccelerator(std::string& text, std::vector<Inline>& inlines, char32_t letter) {
    auto inside = [&](size_t at) {
        return std::ranges::any_of(inlines, [&](const Inline& in) { return in.begin <= at && at < in.end; });
    };
    std::optional<size_t> at;
    // The same letter at the start of a word (as a translator would pick), else the first letter.
    for (size_t i = 0; i < text.size() && !at; ++i)
        if (!inside(i) && letter < 128 && (i == 0 || !isWordByte(text[i - 1])) &&
            std::tolower(static_cast<unsigned char>(text[i])) == std::tolower(static_cast<int>(letter)))
            at = i;
    for (size_t i = 0; i < text.size() && !at; ++i)
        if (!inside(i) && (isAlnum(text[i]) || (static_cast<unsigned char>(text[i]) >= 0xC0)))
            at = i;
    if (!at)
        return;
    text.insert(*at, 1, '&');
    for (Inline& in : inlines) {
        if (in.begin >= *at)
            ++in.begin;
        if (in.end > *at)
            ++in.end;
    }
}

}  // namespace lantern::translation::guard::scan
