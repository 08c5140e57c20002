// Plain text: a unit per paragraph (lines separated by blank lines), and per list item where a paragraph's
// lines start with bullets or numbers ("- ", "* ", "1. "), since joining those would lose the list.
// Lines without a letter or digit ("=====", "* * *") are rules between paragraphs, kept and not
// translated. A person wrapped the lines of a paragraph, so the source joins them with a space; the writer wraps
// the translation again at the source paragraph's width, its continuation lines indented as the
// source's second line was. A one-line paragraph stays one line. Everything between units (indentation,
// bullets, blank lines, trailing spaces, the line endings) is kept byte for byte.
#include <algorithm>
#include <cctype>

#include "base/strformat.h"
#include "translation/formats/formats.h"
#include "translation/formats/splice.h"
#include "translation/formats/textwrap.h"

namespace lantern::translation::formats {

namespace {

struct Line {
    size_t begin = 0;    // first byte of the line
    size_t content = 0;  // first byte after its indentation
    size_t end = 0;      // after its last non-blank byte
    size_t next = 0;     // first byte of the next line
};

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// Length of a list marker with its following spaces at the start of `s` ("- ", "12. ", "• "), or 0.
size_t listMarker(std::string_view s) {
    size_t n = 0;
    if (s.starts_with("- ") || s.starts_with("* ") || s.starts_with("+ ")) {
        n = 1;
    } else if (s.starts_with("\u2022 ") || s.starts_with("\u2013 ")) {  // bullet, en dash
        n = 3;
    } else {
        while (n < s.size() && n < 3 && std::isdigit(static_cast<unsigned char>(s[n])))
            ++n;
        if (n == 0 || n >= s.size() || (s[n] != '.' && s[n] != ')') || n + 1 >= s.size() || s[n + 1] != ' ')
            return 0;
        ++n;
    }
    while (n < s.size() && s[n] == ' ')
        ++n;
    return n;
}

bool wordByte(char c) { return std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80); }
bool hasWords(std::string_view s) { return std::ranges::any_of(s, wordByte); }

// A wrapped line must start with a word and not like a list item: else it would read back as a rule or
// an item of its own.
bool safeLineStart(std::string_view rest) { return !rest.empty() && wordByte(rest[0]) && listMarker(rest) == 0; }

struct Paragraph {
    size_t begin = 0;        // the unit's bytes in the file
    size_t end = 0;
    size_t width = 0;        // widest source line in columns; 0 for a one-line paragraph (written as one line)
    size_t firstColumn = 0;  // column where the unit starts (after indentation and bullet)
    size_t nextColumn = 0;   // column where the further lines start (after their indentation)
    std::string continuation;  // line ending and indentation before each further line
};

class PlainTextDocument final : public Document {
public:
    explicit PlainTextDocument(std::string bytes) : m_bytes(std::move(bytes)) {}

    void parse();
    const std::vector<Unit>& units() const override { return m_units; }
    Result<std::string> write(std::span<const UnitTranslation> translations, const WriteOptions& options) const override;
    Result<void> validate(std::string_view written) const override;

private:
    void addItem(std::span<const Line> lines, size_t markerLength);

    std::string m_bytes;
    std::vector<Unit> m_units;
    std::vector<Paragraph> m_paragraphs;  // one per unit
};

std::vector<Line> splitLines(std::string_view s, size_t from) {
    std::vector<Line> lines;
    for (size_t at = from; at < s.size();) {
        Line l;
        l.begin = at;
        const size_t nl = s.find('\n', at);
        l.next = nl == std::string_view::npos ? s.size() : nl + 1;
        l.content = at;
        while (l.content < l.next && (s[l.content] == ' ' || s[l.content] == '\t'))
            ++l.content;
        l.end = nl == std::string_view::npos ? s.size() : nl;
        while (l.end > l.content && blank(s[l.end - 1]))
            --l.end;
        lines.push_back(l);
        at = l.next;
    }
    return lines;
}

void PlainTextDocument::addItem(std::span<const Line> lines, size_t markerLength) {
    const std::string_view s = m_bytes;
    Paragraph p;
    p.begin = lines.front().content + markerLength;
    p.end = lines.back().end;
    std::string source;
    for (const Line& l : lines) {
        const size_t from = &l == &lines.front() ? p.begin : l.content;
        if (!source.empty())
            source += ' ';
        source.append(s.substr(from, l.end - from));
    }
    if (lines.size() > 1) {
        for (const Line& l : lines)
            p.width = std::max(p.width, displayWidth(s.substr(l.begin, l.end - l.begin)));
        p.firstColumn = displayWidth(s.substr(lines.front().begin, p.begin - lines.front().begin));
        const Line& second = lines[1];
        p.nextColumn = displayWidth(s.substr(second.begin, second.content - second.begin));
        p.continuation = std::string(lineEnding(s.substr(lines.front().begin))) +
                         std::string(s.substr(second.begin, second.content - second.begin));
    }
    Unit u;
    u.id = format("p{}", m_units.size() + 1);
    u.label = markerLength > 0 ? "list item" : "paragraph";
    u.source = std::move(source);
    u.prose = true;
    u.placeholders = placeholder::Common;
    m_units.push_back(std::move(u));
    m_paragraphs.push_back(std::move(p));
}

void PlainTextDocument::parse() {
    const std::string_view s = m_bytes;
    const size_t start = s.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    const std::vector<Line> lines = splitLines(s, start);
    size_t i = 0;
    while (i < lines.size()) {
        if (lines[i].content == lines[i].end) {  // a blank line
            ++i;
            continue;
        }
        auto text = [&](const Line& l) { return s.substr(l.content, l.end - l.content); };
        if (!hasWords(text(lines[i]))) {  // a rule line
            ++i;
            continue;
        }
        size_t blockEnd = i;
        while (blockEnd < lines.size() && lines[blockEnd].content != lines[blockEnd].end &&
               hasWords(text(lines[blockEnd])))
            ++blockEnd;
        // A paragraph splits into items at lines that start with a list marker.
        size_t item = i;
        for (size_t k = i + 1; k <= blockEnd; ++k) {
            if (k < blockEnd && listMarker(text(lines[k])) == 0)
                continue;
            addItem(std::span(lines).subspan(item, k - item), listMarker(text(lines[item])));
            item = k;
        }
        i = blockEnd;
    }
}

Result<std::string> PlainTextDocument::write(std::span<const UnitTranslation> translations,
                                             const WriteOptions& /*options: plain text names no language*/) const {
    auto index = translationIndex(translations, m_units.size());
    if (!index)
        return std::unexpected(index.error());
    std::vector<Replacement> edits;
    for (size_t u = 0; u < m_units.size(); ++u) {
        if ((*index)[u] < 0)
            continue;
        const UnitTranslation& t = translations[size_t((*index)[u])];
        // Plain text has no markup: every target byte is written as it is, inlines included. Line breaks
        // in a translation become spaces, since a blank line would split the paragraph in two.
        std::string text = t.targets.front();
        std::ranges::replace(text, '\n', ' ');
        std::ranges::replace(text, '\r', ' ');
        const size_t first = text.find_first_not_of(" \t");
        if (first == std::string::npos)
            continue;  // an empty translation keeps the source paragraph
        text = text.substr(first, text.find_last_not_of(" \t") + 1 - first);
        const Paragraph& p = m_paragraphs[u];
        if (p.width > 0) {
            const std::vector<Break> can = breakOpportunities(text, {}, &safeLineStart);
            text = applyBreaks(text, fillToWidth(text, can, p.width, p.firstColumn, p.nextColumn), p.continuation);
        }
        edits.push_back(Replacement{p.begin, p.end, std::move(text)});
    }
    return splice(m_bytes, std::move(edits));
}

Result<void> PlainTextDocument::validate(std::string_view written) const {
    auto doc = openPlainText(std::string(written));
    if (!doc)
        return fail(Errc::ValidationFailed, format("the written text does not read back: {}", doc.error().detail));
    if ((*doc)->units().size() != m_units.size())
        return fail(Errc::ValidationFailed,
                    format("the written text has {} paragraphs and list items, the source {}",
                           (*doc)->units().size(), m_units.size()));
    return {};
}

}  // namespace

Result<std::unique_ptr<Document>> openPlainText(std::string bytes) {
    if (auto ok = checkUtf8(bytes, false); !ok)
        return std::unexpected(ok.error());
    auto doc = std::make_unique<PlainTextDocument>(std::move(bytes));
    doc->parse();
    return std::unique_ptr<Document>(std::move(doc));
}

}  // namespace lantern::translation::formats
