// Subtitles: SubRip (.srt) and WebVTT (.vtt). A cue's text is its unit; a cue with several speakers (lines
// starting with a dash, or a WebVTT <v Name> voice on a line of its own) has a unit per speaker, the dash
// kept outside it. Cue numbers, identifiers, timing lines and their settings, the WEBVTT header, NOTE,
// STYLE and REGION blocks are never touched. The lines of a speaker are joined with a space (the
// subtitler broke them for the screen), and the translation is broken again into as many balanced lines
// (two when a one-line cue's translation is longer than a subtitle line). Tags (<i>, <b>, <font>, <c.x>,
// <v Name>, <ruby>, WebVTT timestamps) and SubRip's {\an8} position codes are inlines. WebVTT's character
// references are decoded for the model and the text is escaped again when written; SubRip has none.
#include <algorithm>
#include <cctype>

#include "base/strformat.h"
#include "translation/formats/formats.h"
#include "translation/formats/splice.h"
#include "translation/formats/textwrap.h"

namespace lantern::translation::formats {

namespace {

constexpr size_t npos = std::string_view::npos;
constexpr size_t kLineColumns = 42;  // the usual limit of a subtitle line (Netflix, BBC, EBU guidelines)

enum class Flavour { Srt, WebVtt };

struct Line {
    size_t begin = 0;
    size_t end = 0;   // before the line ending
    size_t next = 0;  // the next line's first byte
};

bool blankLine(std::string_view s, const Line& l) {
    return std::ranges::all_of(s.substr(l.begin, l.end - l.begin),
                               [](char c) { return c == ' ' || c == '\t'; });
}

std::vector<Line> splitLines(std::string_view s, size_t from) {
    std::vector<Line> lines;
    for (size_t at = from; at < s.size();) {
        const size_t nl = s.find('\n', at);
        Line l{at, nl == npos ? s.size() : nl, nl == npos ? s.size() : nl + 1};
        if (l.end > l.begin && s[l.end - 1] == '\r')
            --l.end;
        lines.push_back(l);
        at = l.next;
    }
    return lines;
}

// A speaker's lines in the file: the unit's text runs from `begin` (after a dash) to `end`.
struct Layout {
    size_t begin = 0;
    size_t end = 0;
    size_t lines = 1;
    size_t width = 0;  // the widest source line, in columns
};

// A character reference WebVTT defines (the named ones a subtitler writes, and numeric ones) at s[i]:
// its length and the text it stands for; 0 when none.
size_t reference(std::string_view s, size_t i, std::string& text) {
    static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
        {"&amp;", "&"},      {"&lt;", "<"},       {"&gt;", ">"},    {"&nbsp;", "\u00a0"},
        {"&lrm;", "\u200e"}, {"&rlm;", "\u200f"}, {"&quot;", "\""}, {"&apos;", "'"}};
    for (auto [name, value] : kNamed)
        if (s.substr(i).starts_with(name)) {
            text = value;
            return name.size();
        }
    if (!s.substr(i).starts_with("&#"))
        return 0;
    size_t j = i + 2;
    const bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
    j += hex ? 1 : 0;
    uint32_t value = 0;
    const size_t digits = j;
    while (j < s.size() &&
           (hex ? std::isxdigit(static_cast<unsigned char>(s[j]))
                : std::isdigit(static_cast<unsigned char>(s[j]))) &&
           j - digits < 7) {
        value = value * (hex ? 16 : 10) + uint32_t(std::isdigit(static_cast<unsigned char>(s[j]))
                                                       ? s[j] - '0'
                                                       : (std::tolower(s[j]) - 'a' + 10));
        ++j;
    }
    if (j == digits || j >= s.size() || s[j] != ';' || value == 0 || value > 0x10FFFF)
        return 0;
    text.clear();
    appendUtf8(text, char32_t(value));
    return j + 1 - i;
}

// The length of a tag or position code at s[i] inside a line, or 0 when the '<' or '{' is text.
size_t markupAt(std::string_view line, size_t i, Flavour flavour) {
    if (line[i] == '<' && i + 1 < line.size()) {
        const char c = line[i + 1];
        if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '/' ||
              std::isdigit(static_cast<unsigned char>(c))))
            return 0;
        const size_t close = line.find('>', i);
        return close == npos ? 0 : close + 1 - i;
    }
    if (flavour == Flavour::Srt && line[i] == '{' && i + 1 < line.size() && line[i + 1] == '\\') {
        const size_t close = line.find('}', i);
        return close == npos ? 0 : close + 1 - i;
    }
    return 0;
}

// "<i>" -> "i", "</font>" -> "font", "<c.yellow>" -> "c", "<v Bob>" -> "v"; empty for a timestamp or a code.
std::string tagName(std::string_view tag) {
    size_t at = tag.starts_with("</") ? 2 : 1;
    std::string name;
    while (at < tag.size() && std::isalpha(static_cast<unsigned char>(tag[at])))
        name += char(std::tolower(static_cast<unsigned char>(tag[at++])));
    return name;
}

// A line that starts a new speaker: "- Hi", "-Hi" (not "--" or "-5"), or a WebVTT voice "<v Bob>".
size_t dashLength(std::string_view line) {
    if (line.size() < 2 || line[0] != '-')
        return 0;
    if (line[1] == ' ' || line[1] == '\t') {
        size_t n = 1;
        while (n < line.size() && (line[n] == ' ' || line[n] == '\t'))
            ++n;
        return n;
    }
    return std::isalpha(static_cast<unsigned char>(line[1])) || (line[1] & 0x80) ? 1 : 0;
}

bool voiceLine(std::string_view line, Flavour flavour) {
    return flavour == Flavour::WebVtt && line.starts_with("<v");
}

// A broken line must not read back as a new speaker, an empty line or a timing.
bool safeLineStart(std::string_view rest) {
    return !rest.empty() && rest[0] != '-' && !rest.starts_with("<v");
}

class SubtitleDocument final : public Document {
public:
    SubtitleDocument(std::string bytes, Flavour flavour) : m_bytes(std::move(bytes)), m_flavour(flavour) {}

    Result<void> parse();
    const std::vector<Unit>& units() const override { return m_units; }
    Result<std::string> write(std::span<const UnitTranslation> translations,
                              const WriteOptions& options) const override;
    Result<void> validate(std::string_view written) const override;

private:
    void speaker(std::span<const Line> lines, const std::string& cue, size_t number, size_t count);
    Result<std::string> render(const UnitTranslation& t, const Layout& layout,
                               std::string_view newline) const;
    const char* what() const { return m_flavour == Flavour::Srt ? "SubRip" : "WebVTT"; }

    std::string m_bytes;
    Flavour m_flavour;
    std::vector<Unit> m_units;
    std::vector<Layout> m_layouts;
    std::vector<std::string> m_timings;  // every cue's timing line, for validate()
};

void SubtitleDocument::speaker(std::span<const Line> lines, const std::string& cue, size_t number,
                               size_t count) {
    const std::string_view s = m_bytes;
    Unit u;
    Layout layout;
    layout.lines = lines.size();
    std::vector<std::pair<std::string, size_t>> open;  // tag name, inline index
    for (const Line& l : lines) {
        const std::string_view line = s.substr(l.begin, l.end - l.begin);
        const size_t from = &l == &lines.front() ? dashLength(line) : 0;
        if (&l == &lines.front())
            layout.begin = l.begin + from;
        layout.end = l.end;
        layout.width = std::max(layout.width, displayWidth(line));
        if (!u.source.empty())
            u.source += ' ';
        for (size_t i = from; i < line.size();) {
            if (const size_t n = markupAt(line, i, m_flavour); n > 0) {
                const std::string_view tag = line.substr(i, n);
                Inline in;
                in.begin = u.source.size();
                u.source.append(tag);
                in.end = u.source.size();
                const std::string name = tagName(tag);
                if (!name.empty() && tag.starts_with("</")) {
                    auto it = std::find_if(open.rbegin(), open.rend(),
                                           [&](const auto& o) { return o.first == name; });
                    if (it != open.rend()) {
                        in.kind = Inline::Kind::Close;
                        in.pair = u.inlines[it->second].pair;
                        open.erase(std::next(it).base());
                    }
                } else if (!name.empty() && tag[1] != '/') {
                    in.kind = Inline::Kind::Open;
                    in.pair = int(u.inlines.size()) + 1;
                    open.emplace_back(name, u.inlines.size());
                }
                u.inlines.push_back(in);
                i += n;
                continue;
            }
            std::string text;
            if (m_flavour == Flavour::WebVtt && line[i] == '&')
                if (const size_t n = reference(line, i, text); n > 0) {
                    u.source += text;
                    i += n;
                    continue;
                }
            u.source += line[i++];
        }
    }
    for (auto& [name, index] : open) {  // never closed (a <v> voice needs no end tag): a tag of its own
        u.inlines[index].kind = Inline::Kind::Standalone;
        u.inlines[index].pair = -1;
    }
    if (u.source.find_first_not_of(' ') == npos)
        return;
    u.id = count > 1 ? format("{}.{}", cue, number) : cue;
    u.label = count > 1 ? format("cue {}, speaker {}", cue, number) : format("cue {}", cue);
    u.prose = true;
    u.placeholders = placeholder::Common;
    m_units.push_back(std::move(u));
    m_layouts.push_back(layout);
}

Result<void> SubtitleDocument::parse() {
    const std::string_view s = m_bytes;
    const size_t start = s.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    const std::vector<Line> lines = splitLines(s, start);
    auto text = [&](const Line& l) { return s.substr(l.begin, l.end - l.begin); };
    size_t i = 0;
    if (m_flavour == Flavour::WebVtt) {
        const std::string_view first = lines.empty() ? std::string_view() : text(lines[0]);
        if (!first.starts_with("WEBVTT") || (first.size() > 6 && first[6] != ' ' && first[6] != '\t'))
            return fail(Errc::FormatInvalid, "a WebVTT file starts with the line \"WEBVTT\" (line 1)");
        while (i < lines.size() && !blankLine(s, lines[i]))  // the header: kept as it is
            ++i;
    }
    size_t cues = 0;
    while (i < lines.size()) {
        if (blankLine(s, lines[i])) {
            ++i;
            continue;
        }
        size_t end = i;
        while (end < lines.size() && !blankLine(s, lines[end]))
            ++end;
        const std::span<const Line> block(lines.begin() + ptrdiff_t(i), lines.begin() + ptrdiff_t(end));
        auto timing = std::ranges::find_if(block, [&](const Line& l) { return text(l).find("-->") != npos; });
        const std::string_view head = text(block.front());
        const bool kept = m_flavour == Flavour::WebVtt &&
                          (head == "NOTE" || head.starts_with("NOTE ") || head.starts_with("NOTE\t") ||
                           head == "STYLE" || head == "REGION" || timing == block.end());
        if (kept) {  // comments, style sheets, regions and blocks a player ignores
            i = end;
            continue;
        }
        if (timing == block.end() || (m_flavour == Flavour::Srt && timing - block.begin() > 1))
            return fail(
                Errc::FormatInvalid,
                format(
                    "{}: a subtitle without a timing line (\"00:00:01,000 --> 00:00:04,000\") or with more "
                    "than a cue number before it",
                    position(s, block.front().begin)));
        ++cues;
        const std::string cue =
            timing != block.begin() ? std::string(text(block.front())) : format("{}", cues);
        m_timings.emplace_back(text(*timing));
        const std::span<const Line> body(std::next(timing), block.end());
        std::vector<size_t> starts;  // the first line of each speaker
        for (size_t k = 0; k < body.size(); ++k)
            if (k == 0 || dashLength(text(body[k])) > 0 || voiceLine(text(body[k]), m_flavour))
                starts.push_back(k);
        for (size_t g = 0; g < starts.size(); ++g) {
            const size_t to = g + 1 < starts.size() ? starts[g + 1] : body.size();
            speaker(body.subspan(starts[g], to - starts[g]), cue, g + 1, starts.size());
        }
        i = end;
    }
    return {};
}

Result<std::string> SubtitleDocument::render(const UnitTranslation& t, const Layout& layout,
                                             std::string_view newline) const {
    const Unit& u = m_units[t.unit];
    auto cut = pieces(t.targets.front(), firstTargetInlines(t), u.inlines.size());
    if (!cut)
        return std::unexpected(cut.error());
    std::string out;
    std::vector<ByteRange> markup;
    for (const Piece& p : *cut) {
        if (p.markup) {
            markup.push_back({out.size(), out.size() + p.bytes.size()});
            out += p.bytes;
            continue;
        }
        for (size_t i = 0; i < p.bytes.size(); ++i) {
            const char c = p.bytes[i];
            if (c == '\n' || c == '\r' || c == '\t') {  // a blank line would end the cue
                if (!out.ends_with(' '))
                    out += ' ';
            } else if (m_flavour == Flavour::WebVtt && (c == '&' || c == '<' || c == '>')) {
                out += c == '&' ? "&amp;" : c == '<' ? "&lt;" : "&gt;";
            } else if (m_flavour == Flavour::Srt && p.bytes.substr(i).starts_with("-->")) {
                out += "->";  // would read as a timing line
                i += 2;
            } else {
                out += c;
            }
        }
    }
    while (out.ends_with(' '))
        out.pop_back();
    const size_t first = out.find_first_not_of(' ');
    if (first == std::string::npos)
        return std::string();
    out.erase(0, first);
    for (ByteRange& r : markup) {
        r.begin = r.begin >= first ? r.begin - first : 0;
        r.end = std::min(r.end >= first ? r.end - first : 0, out.size());
    }
    std::erase_if(markup, [](const ByteRange& r) { return r.end <= r.begin; });
    size_t visible = displayWidth(out);
    for (const ByteRange& r : markup)
        visible -= std::min(visible, displayWidth(std::string_view(out).substr(r.begin, r.end - r.begin)));
    size_t lines = layout.lines;
    if (lines == 1 && visible > std::max(kLineColumns, layout.width))
        lines = 2;
    const std::vector<Break> can = breakOpportunities(out, markup, &safeLineStart);
    return applyBreaks(out, balanceLines(out, can, lines, markup), newline);
}

Result<std::string> SubtitleDocument::write(
    std::span<const UnitTranslation> translations,
    const WriteOptions& /*options: subtitles name no language*/) const {
    auto index = translationIndex(translations, m_units.size());
    if (!index)
        return std::unexpected(index.error());
    const std::string_view newline = lineEnding(m_bytes);
    std::vector<Replacement> edits;
    for (size_t u = 0; u < m_units.size(); ++u) {
        if ((*index)[u] < 0)
            continue;
        auto text = render(translations[size_t((*index)[u])], m_layouts[u], newline);
        if (!text)
            return fail(text.error().code,
                        format("{} ({}): {}", m_units[u].id, m_units[u].label, text.error().detail));
        if (text->empty())
            continue;  // an empty translation keeps the source's text
        edits.push_back(Replacement{m_layouts[u].begin, m_layouts[u].end, std::move(*text)});
    }
    return splice(m_bytes, std::move(edits));
}

Result<void> SubtitleDocument::validate(std::string_view written) const {
    SubtitleDocument again{std::string(written), m_flavour};
    if (auto ok = checkUtf8(written, false); !ok)
        return fail(Errc::ValidationFailed, ok.error().detail);
    if (auto ok = again.parse(); !ok)
        return fail(Errc::ValidationFailed,
                    format("the written {} does not read back: {}", what(), ok.error().detail));
    if (again.m_timings != m_timings)
        return fail(Errc::ValidationFailed,
                    format("the written {} has {} cues or other timings than the source's {}", what(),
                           again.m_timings.size(), m_timings.size()));
    return sameUnits(again.m_units, m_units, format("the written {}", what()), "cue texts");
}

Result<std::unique_ptr<Document>> openSubtitles(std::string bytes, Flavour flavour) {
    if (auto ok = checkUtf8(bytes, false); !ok)
        return std::unexpected(ok.error());
    auto doc = std::make_unique<SubtitleDocument>(std::move(bytes), flavour);
    if (auto ok = doc->parse(); !ok)
        return std::unexpected(ok.error());
    return std::unique_ptr<Document>(std::move(doc));
}

}  // namespace

Result<std::unique_ptr<Document>> openSrt(std::string bytes) {
    return openSubtitles(std::move(bytes), Flavour::Srt);
}
Result<std::unique_ptr<Document>> openWebVtt(std::string bytes) {
    return openSubtitles(std::move(bytes), Flavour::WebVtt);
}

}  // namespace lantern::translation::formats
