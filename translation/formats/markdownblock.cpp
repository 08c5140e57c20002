#include "translation/formats/markdownblock.h"

#include <md4c.h>

#include <algorithm>
#include <cctype>

#include "base/strformat.h"
#include "translation/formats/splice.h"
#include "translation/formats/textwrap.h"

namespace lantern::translation::formats::markdown {

namespace {

constexpr size_t npos = std::string_view::npos;

bool blank(char c) { return c == ' ' || c == '\t'; }
bool punct(char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0; }

// "[ \t]* \r? \n [ \t>]*" from p: a line break and the next line's container prefix (block quote markers,
// list indentation). At the start of a continuation line '>' is always a quote marker: as text it would
// open a block quote. The end, or npos when no line ends there.
size_t lineBreak(std::string_view s, size_t p) {
    while (p < s.size() && blank(s[p]))
        ++p;
    if (p < s.size() && s[p] == '\r')
        ++p;
    if (p >= s.size() || s[p] != '\n')
        return npos;
    ++p;
    while (p < s.size() && (blank(s[p]) || s[p] == '>'))
        ++p;
    return p;
}

// Spaces and at most one line break, as link destinations and titles allow around them.
size_t linkSpace(std::string_view s, size_t p) {
    while (p < s.size() && blank(s[p]))
        ++p;
    const size_t after = lineBreak(s, p);
    return after == npos ? p : after;
}

// "(destination "title")" from p at '(': its end, or npos. md4c has already decided that a link is there;
// this only finds its bytes, which md4c does not report.
size_t inlineLinkTail(std::string_view s, size_t p) {
    size_t q = linkSpace(s, p + 1);
    if (q < s.size() && s[q] == '<') {
        for (++q; q < s.size() && s[q] != '>' && s[q] != '\n'; ++q)
            if (s[q] == '\\')
                ++q;
        if (q >= s.size() || s[q] != '>')
            return npos;
        ++q;
    } else {
        int depth = 0;
        for (; q < s.size(); ++q) {
            const char c = s[q];
            if (c == '\\') {
                ++q;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || (c == ')' && depth == 0))
                break;
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
        }
    }
    q = linkSpace(s, q);
    if (q < s.size() && (s[q] == '"' || s[q] == '\'' || s[q] == '(')) {
        const char close = s[q] == '(' ? ')' : s[q];
        for (++q; q < s.size() && s[q] != close; ++q)
            if (s[q] == '\\')
                ++q;
        if (q >= s.size())
            return npos;
        q = linkSpace(s, q + 1);
    }
    if (q >= s.size() || s[q] != ')')
        return npos;
    return q + 1;
}

// The end of a link's or image's closing "](url "title")", "][label]", "][]" or "]" (a shortcut
// reference) from p at ']'. The longer forms only where they end before the next text md4c reported
// (`limit`): "[a][b]" with no definition of b is the shortcut link [a] followed by the text "[b]".
size_t linkClose(std::string_view s, size_t p, size_t limit) {
    if (p >= s.size() || s[p] != ']')
        return npos;
    const size_t shortcut = p + 1;
    if (shortcut < s.size() && s[shortcut] == '(') {
        const size_t q = inlineLinkTail(s, shortcut);
        if (q != npos && q <= limit)
            return q;
    } else if (shortcut < s.size() && s[shortcut] == '[') {
        size_t q = shortcut + 1;
        for (; q < s.size() && s[q] != ']'; ++q)
            if (s[q] == '\\')
                ++q;
        if (q < s.size() && q + 1 <= limit)
            return q + 1;
    }
    return shortcut;
}

// An emphasis delimiter of `n` equal characters out of `chars` at p (n = 0: a run of 1 or 2 '~').
size_t delimiter(std::string_view s, size_t p, std::string_view chars, size_t n) {
    if (p >= s.size() || chars.find(s[p]) == npos)
        return npos;
    if (n == 0) {
        size_t q = p;
        while (q < s.size() && q < p + 2 && s[q] == s[p])
            ++q;
        return q;
    }
    for (size_t k = 0; k < n; ++k)
        if (p + k >= s.size() || s[p + k] != s[p])
            return npos;
    return p + n;
}

// XML's five named entities and numeric ones become text; other named entities stay as they are written
// (an inline), since md4c has no public table to decode them with and their bytes are valid as written.
bool decodeEntity(std::string_view e, std::string& out) {
    static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}};
    for (const auto& [name, value] : kNamed)
        if (e == name) {
            out = value;
            return true;
        }
    if (e.size() < 4 || e[1] != '#' || e.back() != ';')
        return false;
    const bool hex = e[2] == 'x' || e[2] == 'X';
    uint32_t cp = 0;
    for (size_t i = hex ? 3 : 2; i + 1 < e.size(); ++i) {
        const int d = std::isdigit(static_cast<unsigned char>(e[i])) ? e[i] - '0'
                      : hex && std::isxdigit(static_cast<unsigned char>(e[i]))
                          ? std::tolower(static_cast<unsigned char>(e[i])) - 'a' + 10
                          : -1;
        if (d < 0)
            return false;
        cp = std::min<uint32_t>(cp * (hex ? 16 : 10) + uint32_t(d), 0x110000);
    }
    out.clear();
    appendUtf8(out, cp == 0 ? 0xFFFD : char32_t(cp));  // CommonMark: &#0; is U+FFFD
    return true;
}

enum class Role : uint8_t { Text, Standalone, Open, Close };

struct Part {
    Role role = Role::Text;
    size_t begin = 0;  // bytes in the file
    size_t end = 0;
    std::string text;  // Text: what a person reads (an escape's character, an entity's value, a space)
    int pair = -1;
    bool html = false;  // raw inline HTML, paired afterwards
};

// Where the block's bytes start: the first text md4c located, less what the span openers before it
// take (their delimiters sit right before it), less a backslash that escapes it. npos when unknown.
size_t blockStart(std::string_view s, std::span<const Event> ev, size_t first) {
    size_t p = ev[first].offset;
    if (ev[first].type == MD_TEXT_NORMAL && ev[first].size == 1 && punct(s[p]) && p > 0 && s[p - 1] == '\\')
        --p;
    auto before = [&](size_t k) { return p >= k ? s.substr(p - k, k) : std::string_view(); };
    for (size_t i = first; i-- > 0;) {
        const Event& e = ev[i];
        if (e.kind == Event::Kind::Text && e.type == MD_TEXT_NULLCHAR && before(1) == std::string_view("\0", 1)) {
            --p;
            continue;
        }
        if (e.kind != Event::Kind::Enter)
            return npos;
        switch (e.type) {
        case MD_SPAN_EM:
        case MD_SPAN_U:
            if (before(1) != "*" && before(1) != "_")
                return npos;
            --p;
            break;
        case MD_SPAN_STRONG:
            if (before(2) != "**" && before(2) != "__")
                return npos;
            p -= 2;
            break;
        case MD_SPAN_DEL:
            for (int k = 0; k < 2 && before(1) == "~"; ++k)
                --p;
            break;
        case MD_SPAN_A:
            if (before(1) == "[" || before(1) == "<")
                --p;  // a link, or an autolink <...>; a bare URL has no opener
            break;
        case MD_SPAN_IMG:
            if (before(2) != "![")
                return npos;
            p -= 2;
            break;
        case MD_SPAN_CODE:
            while (p > 0 && (blank(s[p - 1]) || s[p - 1] == '\n' || s[p - 1] == '\r' || s[p - 1] == '>'))
                --p;
            if (before(1) != "`")
                return npos;
            while (before(1) == "`")
                --p;
            break;
        default:
            return npos;
        }
    }
    return p;
}

}  // namespace

namespace {

// The forward pass: each event's bytes from the position where the previous one ended.
class Locator {
public:
    Locator(std::string_view s, std::span<const Event> ev) : m_s(s), m_ev(ev) {}

    std::expected<std::vector<Part>, std::string> run(size_t start, Block& block);

private:
    bool text(size_t i);
    bool lineEvent(const Event& e, Block& block);
    bool enter(size_t i);
    bool leave(size_t i);
    size_t nextTextOffset(size_t i) const;
    void add(Role role, size_t begin, size_t end, std::string text = {}, int pair = -1) {
        m_parts.push_back(Part{role, begin, end, std::move(text), pair, false});
        m_pos = end;
    }

    std::string_view m_s;
    std::span<const Event> m_ev;
    std::vector<Part> m_parts;
    std::string m_error;
    size_t m_pos = 0;
    int m_pairs = 0;
    std::vector<int> m_open;       // pairs of the span openers not yet closed
    std::vector<int> m_linkKinds;  // per open link: 0 "[...](...)", 1 "<autolink>", 2 bare URL
    size_t m_wholeStart = 0;       // a code span or autolink: its first byte
    size_t m_wholeEnd = 0;         // ... and the end of its last text so far
    size_t m_codeRun = 0;          // backticks of the open code span
    bool m_inCode = false;
    int m_inAutolink = 0;
    bool m_lastHtml = false;       // the previous text was raw HTML (a tag md4c split at a line end)
};

size_t Locator::nextTextOffset(size_t i) const {
    for (size_t k = i + 1; k < m_ev.size(); ++k)
        if (m_ev[k].kind == Event::Kind::Text && m_ev[k].inBuffer)
            return m_ev[k].offset;
    return m_s.size();
}

bool Locator::text(size_t i) {
    const Event& e = m_ev[i];
    const size_t end = e.offset + e.size;
    if (m_inCode || m_inAutolink > 0) {
        m_wholeEnd = std::max(m_wholeEnd, end);
        return true;
    }
    if (e.offset < m_pos) {
        m_error = format("md4c's text at byte {} lies before the markup located up to byte {}", e.offset, m_pos);
        return false;
    }
    const bool html = e.type == MD_TEXT_HTML;
    if (e.offset > m_pos) {
        if (e.offset == m_pos + 1 && m_s[m_pos] == '\\' && e.type == MD_TEXT_NORMAL && e.size == 1 &&
            punct(m_s[e.offset])) {
            add(Role::Text, m_pos, end, std::string(1, m_s[e.offset]));  // a backslash escape
            m_lastHtml = false;
            return true;
        }
        if (html && m_lastHtml) {  // the rest of a tag that spans lines
            m_parts.back().end = end;
            m_pos = end;
            return true;
        }
        add(Role::Standalone, m_pos, e.offset);  // bytes md4c skipped: kept verbatim
    }
    m_lastHtml = html;
    const std::string_view bytes = m_s.substr(e.offset, e.size);
    std::string decoded;
    if (html) {
        add(Role::Standalone, e.offset, end);
        m_parts.back().html = true;
    } else if (e.type == MD_TEXT_ENTITY && decodeEntity(bytes, decoded)) {
        add(Role::Text, e.offset, end, std::move(decoded));
    } else if (e.type == MD_TEXT_NORMAL) {
        add(Role::Text, e.offset, end, std::string(bytes));
    } else {
        add(Role::Standalone, e.offset, end);
    }
    return true;
}

bool Locator::lineEvent(const Event& e, Block& block) {
    if (m_inCode || m_inAutolink > 0 || e.type == MD_TEXT_HTML)
        return true;  // a line end inside a code span or a tag: part of that inline's bytes
    m_lastHtml = false;
    if (e.type == MD_TEXT_NULLCHAR) {
        if (m_pos >= m_s.size() || m_s[m_pos] != '\0')
            return (m_error = format("no NUL byte at byte {}", m_pos)), false;
        add(Role::Standalone, m_pos, m_pos + 1);
        return true;
    }
    if (e.type != MD_TEXT_SOFTBR && e.type != MD_TEXT_BR)
        return true;
    size_t p = m_pos;
    if (e.type == MD_TEXT_BR) {  // "  \n" or "\\\n"
        while (p < m_s.size() && blank(m_s[p]))
            ++p;
        if (p < m_s.size() && m_s[p] == '\\')
            ++p;
    }
    const size_t q = lineBreak(m_s, p);
    if (q == npos)
        return (m_error = format("no line end at byte {} for md4c's line break", m_pos)), false;
    if (e.type == MD_TEXT_BR) {
        add(Role::Standalone, m_pos, q);
        return true;
    }
    if (!block.softBreaks) {
        block.softBreaks = true;
        const size_t nl = m_s.find_first_of("\r\n", m_pos);
        block.continuation = std::string(m_s.substr(nl, q - nl));
    }
    add(Role::Text, m_pos, q, " ");
    return true;
}

bool Locator::enter(size_t i) {
    const int type = m_ev[i].type;
    size_t end = npos;
    m_lastHtml = false;
    switch (type) {
    case MD_SPAN_EM: end = delimiter(m_s, m_pos, "*_", 1); break;
    case MD_SPAN_U: end = delimiter(m_s, m_pos, "_", 1); break;
    case MD_SPAN_STRONG: end = delimiter(m_s, m_pos, "*_", 2); break;
    case MD_SPAN_DEL: end = delimiter(m_s, m_pos, "~", 0); break;
    case MD_SPAN_IMG: end = m_s.substr(m_pos).starts_with("![") ? m_pos + 2 : npos; break;
    case MD_SPAN_A: {
        const char c = m_pos < m_s.size() ? m_s[m_pos] : '\0';
        if (c == '[') {
            end = m_pos + 1;
            m_linkKinds.push_back(0);
            break;
        }
        // An autolink is one inline, its text included: a URL is not translated.
        m_linkKinds.push_back(c == '<' ? 1 : 2);
        m_wholeStart = m_pos;
        m_wholeEnd = m_pos + (c == '<' ? 1 : 0);
        ++m_inAutolink;
        return true;
    }
    case MD_SPAN_CODE: {
        size_t q = m_pos;
        while (q < m_s.size() && m_s[q] == '`')
            ++q;
        if (q == m_pos)
            break;
        m_codeRun = q - m_pos;
        m_wholeStart = m_pos;
        m_wholeEnd = q;
        m_inCode = true;
        return true;
    }
    default: break;
    }
    if (end == npos)
        return (m_error = format("no opening markup for span {} at byte {}", type, m_pos)), false;
    add(Role::Open, m_pos, end, {}, ++m_pairs);
    m_open.push_back(m_pairs);
    return true;
}

bool Locator::leave(size_t i) {
    const int type = m_ev[i].type;
    size_t end = npos;
    m_lastHtml = false;
    switch (type) {
    case MD_SPAN_EM: end = delimiter(m_s, m_pos, "*_", 1); break;
    case MD_SPAN_U: end = delimiter(m_s, m_pos, "_", 1); break;
    case MD_SPAN_STRONG: end = delimiter(m_s, m_pos, "*_", 2); break;
    case MD_SPAN_DEL: end = delimiter(m_s, m_pos, "~", 0); break;
    case MD_SPAN_IMG: end = linkClose(m_s, m_pos, nextTextOffset(i)); break;
    case MD_SPAN_A: {
        const int kind = m_linkKinds.empty() ? 0 : m_linkKinds.back();
        if (!m_linkKinds.empty())
            m_linkKinds.pop_back();
        if (kind == 0) {
            end = linkClose(m_s, m_pos, nextTextOffset(i));
            break;
        }
        --m_inAutolink;
        size_t q = m_wholeEnd;
        if (kind == 1 && (q >= m_s.size() || m_s[q++] != '>'))
            return (m_error = format("no '>' closing the autolink at byte {}", m_wholeStart)), false;
        m_pos = m_wholeStart;
        add(Role::Standalone, m_wholeStart, q);
        return true;
    }
    case MD_SPAN_CODE: {
        size_t q = m_wholeEnd;
        while (q < m_s.size() && (blank(m_s[q]) || m_s[q] == '\r' || m_s[q] == '\n' || m_s[q] == '>'))
            ++q;
        size_t run = 0;
        while (q + run < m_s.size() && m_s[q + run] == '`')
            ++run;
        m_inCode = false;
        if (run != m_codeRun)
            return (m_error = format("no closing backticks for the code span at byte {}", m_wholeStart)), false;
        m_pos = m_wholeStart;
        add(Role::Standalone, m_wholeStart, q + run);  // a code span: never translated
        return true;
    }
    default: break;
    }
    if (end == npos || m_open.empty())
        return (m_error = format("no closing markup for span {} at byte {}", type, m_pos)), false;
    add(Role::Close, m_pos, end, {}, m_open.back());
    m_open.pop_back();
    return true;
}

std::expected<std::vector<Part>, std::string> Locator::run(size_t start, Block& block) {
    m_pos = start;
    for (size_t i = 0; i < m_ev.size(); ++i) {
        const Event& e = m_ev[i];
        bool ok = true;
        if (e.kind == Event::Kind::Text)
            ok = e.inBuffer ? text(i) : lineEvent(e, block);
        else if (e.kind == Event::Kind::Enter)
            ok = enter(i);
        else
            ok = leave(i);
        if (!ok)
            return std::unexpected(m_error);
    }
    if (m_inCode || m_inAutolink > 0 || !m_open.empty())
        return std::unexpected(std::string("a span is not closed at the end of the block"));
    return std::move(m_parts);
}

// Raw inline HTML tags become Open/Close pairs where a start tag and its end tag nest with the rest
// of the markup; others (void elements, unmatched tags, comments) stay Standalone.
void pairHtml(std::string_view s, std::vector<Part>& parts, int& pairs) {
    struct Opened {
        size_t part;
        std::string name;  // empty: a Markdown span
    };
    std::vector<Opened> stack;
    auto tagName = [&](const Part& p, bool& closing) {
        std::string_view t = s.substr(p.begin, p.end - p.begin);
        closing = t.starts_with("</");
        size_t i = closing ? 2 : 1;
        size_t j = i;
        while (j < t.size() && (std::isalnum(static_cast<unsigned char>(t[j])) || t[j] == '-'))
            ++j;
        std::string name(t.substr(i, j - i));
        std::ranges::transform(name, name.begin(), [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
        static constexpr std::string_view kVoid[] = {"br", "img", "hr", "input", "wbr", "meta", "link", "area",
                                                     "base", "col", "embed", "source", "track", "param"};
        if (t.ends_with("/>") || std::ranges::find(kVoid, name) != std::end(kVoid))
            name.clear();
        return name;
    };
    for (size_t i = 0; i < parts.size(); ++i) {
        Part& p = parts[i];
        if (p.role == Role::Open) {
            stack.push_back({i, {}});
        } else if (p.role == Role::Close) {
            while (!stack.empty() && !stack.back().name.empty())
                stack.pop_back();  // HTML left open inside a Markdown span stays Standalone
            if (!stack.empty())
                stack.pop_back();
        } else if (p.html) {
            bool closing = false;
            const std::string name = tagName(p, closing);
            if (name.empty())
                continue;
            if (!closing) {
                stack.push_back({i, name});
            } else if (!stack.empty() && stack.back().name == name) {
                parts[stack.back().part].role = Role::Open;
                parts[stack.back().part].pair = ++pairs;
                p.role = Role::Close;
                p.pair = pairs;
                stack.pop_back();
            }
        }
    }
}

void measure(std::string_view s, Block& block) {
    size_t lineStart = block.begin;
    while (lineStart > 0 && s[lineStart - 1] != '\n')
        --lineStart;
    block.firstColumn = displayWidth(s.substr(lineStart, block.begin - lineStart));
    for (size_t at = lineStart; at < block.end;) {
        size_t nl = s.find('\n', at);
        if (nl == npos)
            nl = s.size();
        size_t e = nl;
        while (e > at && (blank(s[e - 1]) || s[e - 1] == '\r'))
            --e;
        block.width = std::max(block.width, displayWidth(s.substr(at, e - at)));
        at = nl + 1;
    }
}

// A wrapped line must start with a letter: nothing a line can start with in Markdown's block syntax
// ("-", "+", "#", ">", "1.", "=", "|", "`", four spaces) is one.
bool letterStart(std::string_view rest) {
    return !rest.empty() && (std::isalpha(static_cast<unsigned char>(rest[0])) || (rest[0] & 0x80));
}

// Text escaped so Markdown reads it as the same text: a backslash before every character that could
// open or close a span, a link, a code span, inline HTML, an entity or a table cell, and at the start of a
// line before what would start a block (a heading, list item, quote, setext underline).
std::string escapeText(std::string_view t, bool lineStart, bool heading) {
    std::string out;
    for (size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        const bool first = lineStart && i == 0;
        const char next = i + 1 < t.size() ? t[i + 1] : '\0';
        if (std::string_view("\\`*_[]<~|").find(c) != npos ||
            (c == '&' && (std::isalnum(static_cast<unsigned char>(next)) || next == '#')) ||
            (c == '#' && (heading || first)) || (first && std::string_view("-+=>").find(c) != npos)) {
            out += '\\';
            out += c;
        } else if (first && std::isdigit(static_cast<unsigned char>(c))) {
            size_t j = i;
            while (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j])))
                ++j;
            out.append(t.substr(i, j - i));
            if (j < t.size() && (t[j] == '.' || t[j] == ')')) {
                out += '\\';
                out += t[j++];
            }
            i = j - 1;
        } else {
            out += c;
        }
    }
    return out;
}

struct Chunk {
    std::string bytes;
    bool markup = false;
    Inline::Kind kind = Inline::Kind::Standalone;
};

// Spaces just inside an opener or a closer move outside it: "** word**" is not emphasis in Markdown
// ("*" before a space does not open), so a translation's "<g1> word</g1>" must become " **word**".
std::vector<Chunk> spacesOutside(std::vector<Chunk> in) {
    for (size_t i = 0; i + 1 < in.size(); ++i) {
        if (!in[i].markup || in[i].kind != Inline::Kind::Open || in[i + 1].markup)
            continue;
        std::string& t = in[i + 1].bytes;
        const size_t n = std::min(t.find_first_not_of(' '), t.size());
        if (n == 0)
            continue;
        if (i > 0 && !in[i - 1].markup)
            in[i - 1].bytes.append(in[i - 1].bytes.ends_with(' ') ? 0 : n, ' ');
        else
            in.insert(in.begin() + std::ptrdiff_t(i), Chunk{std::string(n, ' '), false, {}}), ++i;
        in[i + 1].bytes.erase(0, n);
    }
    for (size_t i = in.size(); i-- > 1;) {
        if (!in[i].markup || in[i].kind != Inline::Kind::Close || in[i - 1].markup)
            continue;
        std::string& t = in[i - 1].bytes;
        const size_t keep = t.find_last_not_of(' ') == npos ? 0 : t.find_last_not_of(' ') + 1;
        const size_t n = t.size() - keep;
        if (n == 0)
            continue;
        t.resize(keep);
        if (i + 1 < in.size() && !in[i + 1].markup)
            in[i + 1].bytes.insert(0, std::string(in[i + 1].bytes.starts_with(' ') ? 0 : n, ' '));
        else
            in.insert(in.begin() + std::ptrdiff_t(i + 1), Chunk{std::string(n, ' '), false, {}});
    }
    return in;
}

}  // namespace

std::expected<Block, std::string> locate(std::string_view text, std::span<const Event> events) {
    size_t first = 0;
    while (first < events.size() && !(events[first].kind == Event::Kind::Text && events[first].inBuffer))
        ++first;
    if (first == events.size())
        return std::unexpected(std::string("the block has no text"));
    const size_t start = blockStart(text, events, first);
    if (start == npos)
        return std::unexpected(format("the markup before byte {} is not where md4c's spans say", events[first].offset));
    Block block;
    Locator locator(text, events);
    auto parts = locator.run(start, block);
    if (!parts)
        return std::unexpected(parts.error());
    int pairs = 0;
    for (const Part& p : *parts)
        pairs = std::max(pairs, p.pair);
    pairHtml(text, *parts, pairs);
    block.begin = start;
    block.end = parts->empty() ? start : parts->back().end;
    bool words = false;
    for (const Part& p : *parts) {
        if (p.role == Role::Text) {
            block.source += p.text;
            words = words || p.text.find_first_not_of(" \t") != npos;
            continue;
        }
        Inline in;
        in.begin = block.source.size();
        block.source.append(text.substr(p.begin, p.end - p.begin));
        in.end = block.source.size();
        in.kind = p.role == Role::Open ? Inline::Kind::Open : p.role == Role::Close ? Inline::Kind::Close
                                                                                    : Inline::Kind::Standalone;
        in.pair = p.role == Role::Standalone ? -1 : p.pair;
        block.inlines.push_back(in);
    }
    if (!words)
        return std::unexpected(std::string("the block has no text outside its markup"));
    measure(text, block);
    return block;
}

Result<std::string> render(const Block& block, std::string_view target, std::span<const Inline> targetInlines,
                           size_t unitInlines, const Shape& shape) {
    auto cut = pieces(target, targetInlines, unitInlines);
    if (!cut)
        return std::unexpected(cut.error());
    std::vector<Chunk> chunks;
    for (const Piece& p : *cut) {
        Chunk c{std::string(p.bytes), p.markup, p.kind};
        if (!c.markup)  // a block is one paragraph of text: line breaks in a translation are spaces
            std::ranges::replace_if(c.bytes, [](char x) { return x == '\n' || x == '\r' || x == '\t'; }, ' ');
        chunks.push_back(std::move(c));
    }
    chunks = spacesOutside(std::move(chunks));
    // No leading or trailing spaces: at the start of a line four of them would make a code block.
    if (!chunks.empty() && !chunks.front().markup)
        chunks.front().bytes.erase(0, std::min(chunks.front().bytes.find_first_not_of(' '), chunks.front().bytes.size()));
    if (!chunks.empty() && !chunks.back().markup) {
        std::string& t = chunks.back().bytes;
        t.resize(t.find_last_not_of(' ') == npos ? 0 : t.find_last_not_of(' ') + 1);
    }
    std::string out;
    std::vector<ByteRange> markup;
    bool lineStart = true;
    for (const Chunk& c : chunks) {
        if (c.markup) {
            markup.push_back({out.size(), out.size() + c.bytes.size()});
            out += c.bytes;
            // A hard break's bytes end with the next line's prefix: what follows starts a line.
            const size_t nl = c.bytes.rfind('\n');
            lineStart = nl != npos && c.bytes.find_first_not_of(" \t>", nl + 1) == npos;
            continue;
        }
        std::string_view t = c.bytes;
        if (lineStart)
            t.remove_prefix(std::min(t.find_first_not_of(' '), t.size()));
        out += escapeText(t, lineStart, shape.heading);
        lineStart = lineStart && t.empty();
    }
    if (shape.wrap && block.softBreaks && !shape.tableCell && !shape.heading) {
        const std::vector<Break> can = breakOpportunities(out, markup, &letterStart);
        std::string_view prefix = block.continuation;
        prefix.remove_prefix(std::min(prefix.find('\n') + 1, prefix.size()));
        const size_t next = displayWidth(prefix);
        out = applyBreaks(out, fillToWidth(out, can, block.width, block.firstColumn, next), block.continuation);
    }
    return out;
}

}  // namespace lantern::translation::formats::markdown
