// gettext PO/POT catalogues. A line format, read by hand (the house rule allows it): every entry keeps the
// byte range of its msgstr lines and flag lines, so the writer replaces those and nothing else.
#include "translation/formats/po.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <unordered_set>

#include "base/strformat.h"
#include "translation/document.h"
#include "translation/formats/formats.h"
#include "translation/formats/splice.h"
#include "translation/plurals.h"
#include "translation/tool.h"

namespace lantern::translation::formats {

namespace po {

Result<std::string> unescape(std::string_view q, size_t line, size_t column) {
    std::string out;
    out.reserve(q.size());
    for (size_t i = 0; i < q.size(); ++i) {
        if (q[i] != '\\') {
            out += q[i];
            continue;
        }
        const size_t backslash = i;
        auto bad = [&](std::string_view why) {
            return fail(Errc::FormatInvalid, format("line {}, column {}: {}", line, column + backslash, why));
        };
        if (++i >= q.size())
            return bad("a backslash at the end of the string (expected an escape such as \\n or \\\")");
        const char c = q[i];
        switch (c) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'v': out += '\v'; break;
        case '\\': case '"': case '\'': case '?': out += c; break;
        case 'x': {
            unsigned value = 0;
            size_t digits = 0;
            while (i + 1 < q.size() && std::isxdigit(static_cast<unsigned char>(q[i + 1])) && digits < 2) {
                const char h = char(std::tolower(static_cast<unsigned char>(q[++i])));
                value = value * 16 + unsigned(h <= '9' ? h - '0' : h - 'a' + 10);
                ++digits;
            }
            if (digits == 0)
                return bad("\\x without hexadecimal digits");
            out += char(value);
            break;
        }
        default:
            if (c >= '0' && c <= '7') {
                unsigned value = unsigned(c - '0');
                for (int k = 0; k < 2 && i + 1 < q.size() && q[i + 1] >= '0' && q[i + 1] <= '7'; ++k)
                    value = value * 8 + unsigned(q[++i] - '0');
                out += char(value & 0xFF);
                break;
            }
            return bad(format("unknown escape \\{} (expected \\n, \\t, \\\", \\\\ or another C escape)", c));
        }
    }
    return out;
}

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (char c : text) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\v': out += "\\v"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
                out += format("\\{}{}{}", (c >> 6) & 7, (c >> 3) & 7, c & 7);
            else
                out += c;
        }
    }
    return out;
}

namespace {
// The header's lines as [begin, end) ranges without their '\n'.
std::vector<std::pair<size_t, size_t>> headerLines(std::string_view header) {
    std::vector<std::pair<size_t, size_t>> lines;
    size_t i = 0;
    while (i < header.size()) {
        const size_t nl = std::min(header.find('\n', i), header.size());
        lines.emplace_back(i, nl);
        i = nl + 1;
    }
    return lines;
}
bool fieldIs(std::string_view line, std::string_view field) {
    if (line.size() <= field.size() || line[field.size()] != ':')
        return false;
    for (size_t i = 0; i < field.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(line[i])) != std::tolower(static_cast<unsigned char>(field[i])))
            return false;
    return true;
}
}  // namespace

std::string headerField(std::string_view header, std::string_view field) {
    for (auto [b, e] : headerLines(header)) {
        const std::string_view line = header.substr(b, e - b);
        if (fieldIs(line, field)) {
            std::string_view v = line.substr(field.size() + 1);
            while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front())))
                v.remove_prefix(1);
            while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back())))
                v.remove_suffix(1);
            return std::string(v);
        }
    }
    return {};
}

std::string setHeaderField(std::string_view header, std::string_view field, std::string_view value,
                           std::string_view after) {
    const std::string line = format("{}: {}", field, value);
    std::optional<size_t> insertAt;
    for (auto [b, e] : headerLines(header)) {
        const std::string_view current = header.substr(b, e - b);
        if (fieldIs(current, field))
            return std::string(header.substr(0, b)) + line + std::string(header.substr(e));
        if (!after.empty() && fieldIs(current, after))
            insertAt = std::min(e + 1, header.size());
    }
    std::string out(header);
    if (!insertAt) {
        if (!out.empty() && out.back() != '\n')
            out += '\n';
        return out + line + "\n";
    }
    out.insert(*insertAt, line + "\n");
    return out;
}

std::string gettextLanguage(std::string_view bcp47) {
    std::string out;
    std::string_view rest = bcp47;
    const size_t cut = rest.find_first_of("-_");
    out = std::string(rest.substr(0, cut));
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    std::string modifier;
    while (cut != std::string_view::npos && !rest.empty()) {
        const size_t at = rest.find_first_of("-_");
        if (at == std::string_view::npos)
            break;
        rest.remove_prefix(at + 1);
        const std::string_view part = rest.substr(0, rest.find_first_of("-_"));
        if (part.size() == 4) {  // a script
            if (out == "zh")
                out += (part == "Hant" || part == "hant") ? "_TW" : "_CN";
            else if (part == "Latn" || part == "latn")
                modifier = "@latin";
            else if (part == "Cyrl" || part == "cyrl")
                modifier = "@cyrillic";
        } else if (part.size() == 2 || part.size() == 3) {
            if (out.find('_') == std::string::npos) {
                std::string region(part);
                std::ranges::transform(region, region.begin(), [](unsigned char c) { return char(std::toupper(c)); });
                out += "_" + region;
            }
        }
    }
    return out + modifier;
}

}  // namespace po

namespace {

// One PO entry and where its parts are in the file.
struct Entry {
    size_t line = 0;           // 1-based line of msgid (for messages)
    size_t start = 0;          // first byte of the entry (its first comment or keyword line)
    size_t keywordStart = std::string_view::npos;  // its first #| or keyword line: where a new "#," goes
    std::vector<std::pair<size_t, size_t>> flagLines;  // "#," lines [begin, end) without the line ending
    std::vector<std::string> flags;
    std::string extracted;     // "#." lines
    std::string references;    // "#:" lines
    bool hasContext = false;
    std::string context, id, idPlural;
    bool plural = false;
    std::vector<std::string> strs;  // msgstr, or msgstr[0..]
    size_t strBegin = 0, strEnd = 0;  // the msgstr lines, without the last line ending
    bool obsolete = false;
    int field = 0;  // parser state: 0 none, 1 msgctxt, 2 msgid, 3 msgid_plural, 4 msgstr
};

struct Line {
    size_t begin = 0;  // first byte
    size_t end = 0;    // before "\n" / "\r\n"
    size_t next = 0;   // first byte of the next line
};

std::vector<Line> splitLines(std::string_view bytes, size_t from) {
    std::vector<Line> lines;
    size_t i = from;
    while (i < bytes.size()) {
        const size_t nl = bytes.find('\n', i);
        const size_t stop = nl == std::string_view::npos ? bytes.size() : nl;
        size_t end = stop;
        if (end > i && bytes[end - 1] == '\r')
            --end;
        lines.push_back(Line{i, end, nl == std::string_view::npos ? bytes.size() : nl + 1});
        i = lines.back().next;
    }
    return lines;
}

uint32_t placeholdersOf(const std::vector<std::string>& flags) {
    struct Map {
        std::string_view flag;
        uint32_t kinds;
    };
    // gettext's format flags (manual "Special Comments preceding Keywords"), by the syntax each uses.
    static constexpr std::array kMap{
        Map{"c-format", placeholder::Printf},           Map{"objc-format", placeholder::Printf},
        Map{"python-format", placeholder::Printf},      Map{"php-format", placeholder::Printf},
        Map{"gcc-internal-format", placeholder::Printf}, Map{"gfc-internal-format", placeholder::Printf},
        Map{"awk-format", placeholder::Printf},         Map{"object-pascal-format", placeholder::Printf},
        Map{"tcl-format", placeholder::Printf},         Map{"perl-format", placeholder::Printf},
        Map{"lua-format", placeholder::Printf},         Map{"javascript-format", placeholder::Printf},
        Map{"go-format", placeholder::Printf},          Map{"elisp-format", placeholder::Printf},
        Map{"librep-format", placeholder::Printf},      Map{"qt-format", placeholder::Qt},
        Map{"qt-plural-format", placeholder::Qt},       Map{"kde-format", placeholder::Qt},
        Map{"kde-kuit-format", placeholder::Qt | placeholder::Markup}, Map{"ycp-format", placeholder::Qt},
        Map{"boost-format", placeholder::Printf},       Map{"python-brace-format", placeholder::Braces},
        Map{"perl-brace-format", placeholder::Braces},  Map{"java-format", placeholder::Braces},
        Map{"java-printf-format", placeholder::Printf}, Map{"csharp-format", placeholder::Braces},
        Map{"rust-format", placeholder::Braces},        Map{"sh-format", placeholder::Braces},
        Map{"ruby-format", placeholder::Printf | placeholder::Braces},
    };
    uint32_t kinds = 0;
    for (const std::string& f : flags)
        for (const Map& m : kMap)
            if (f == m.flag)
                kinds |= m.kinds;
    return kinds;
}

std::vector<std::string> parseFlags(std::string_view text) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < text.size()) {
        const size_t comma = std::min(text.find(',', i), text.size());
        std::string_view f = text.substr(i, comma - i);
        while (!f.empty() && std::isspace(static_cast<unsigned char>(f.front())))
            f.remove_prefix(1);
        while (!f.empty() && std::isspace(static_cast<unsigned char>(f.back())))
            f.remove_suffix(1);
        if (!f.empty())
            out.emplace_back(f);
        i = comma + 1;
    }
    return out;
}

bool realRule(std::string_view pluralForms) {
    return !pluralForms.empty() && pluralForms.find("INTEGER") == std::string_view::npos &&
           pluralForms.find("EXPRESSION") == std::string_view::npos;
}

// The line reader: entries in order, or the first syntax error with its line.
class Reader {
public:
    explicit Reader(std::string_view bytes) : m_bytes(bytes) {}
    Result<std::vector<Entry>> read();

private:
    Result<void> line(const Line& l);
    Result<void> keyword(std::string_view text, size_t column, size_t lineNo, const Line& l, bool obsolete);
    Result<void> closeEntry();
    std::unexpected<Error> error(size_t lineNo, std::string_view what) const {
        return fail(Errc::FormatInvalid, format("line {}: {}", lineNo, what));
    }

    std::string_view m_bytes;
    std::vector<Entry> m_entries;
    std::optional<Entry> m_entry;
    std::string* m_target = nullptr;  // the string continuation lines extend
    size_t m_lineNo = 0;
};

Result<std::vector<Entry>> Reader::read() {
    const size_t from = m_bytes.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    for (const Line& l : splitLines(m_bytes, from)) {
        ++m_lineNo;
        if (Result<void> r = line(l); !r)
            return std::unexpected(r.error());
    }
    if (Result<void> r = closeEntry(); !r)
        return std::unexpected(r.error());
    return std::move(m_entries);
}

Result<void> Reader::closeEntry() {
    if (!m_entry)
        return {};
    if (m_entry->field == 0) {  // comments only, at the end of the file
        m_entry.reset();
        return {};
    }
    if (m_entry->field < 4)
        return error(m_entry->line, "an entry without msgstr (expected msgstr after msgid)");
    if (m_entry->plural && m_entry->strs.empty())
        return error(m_entry->line, "a plural entry without msgstr[0]");
    m_entries.push_back(std::move(*m_entry));
    m_entry.reset();
    m_target = nullptr;
    return {};
}

Result<void> Reader::line(const Line& l) {
    std::string_view text = m_bytes.substr(l.begin, l.end - l.begin);
    size_t column = 1;
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
        ++column;
    }
    if (text.empty()) {
        // A blank line ends an entry that has its msgstr; inside one it is only space.
        return m_entry && m_entry->field == 4 ? closeEntry() : Result<void>{};
    }
    bool obsolete = false;
    if (text.starts_with("#~")) {
        obsolete = true;
        text.remove_prefix(2);
        column += 2;
        while (!text.empty() && text.front() == ' ') {
            text.remove_prefix(1);
            ++column;
        }
        if (text.empty() || text.starts_with("|"))
            return {};  // "#~|": the previous msgid of an obsolete entry
    }
    if (!obsolete && text.front() == '#') {
        if (m_entry && m_entry->field == 4)
            if (Result<void> r = closeEntry(); !r)
                return r;
        if (m_entry && m_entry->field != 0)
            return error(m_lineNo, "a comment inside an entry (expected msgstr)");
        if (!m_entry) {
            m_entry = Entry{};
            m_entry->start = l.begin;
        }
        const std::string_view rest = text.size() > 2 ? text.substr(2) : std::string_view();
        if (text.starts_with("#,")) {
            m_entry->flagLines.emplace_back(l.begin, l.end);
            for (std::string& f : parseFlags(text.substr(2)))
                m_entry->flags.push_back(std::move(f));
        } else if (text.starts_with("#.")) {
            m_entry->extracted += (m_entry->extracted.empty() ? "" : "\n") + std::string(rest);
        } else if (text.starts_with("#:")) {
            m_entry->references += (m_entry->references.empty() ? "" : " ") + std::string(rest);
        } else if (text.starts_with("#|") && m_entry->keywordStart == std::string_view::npos) {
            m_entry->keywordStart = l.begin;
        }
        return {};
    }
    return keyword(text, column, m_lineNo, l, obsolete);
}

Result<void> Reader::keyword(std::string_view text, size_t column, size_t lineNo, const Line& l, bool obsolete) {
    if (text.front() == '"') {
        if (!m_target)
            return error(lineNo, "a string outside an entry (expected msgid, msgstr or a comment first)");
    } else {
        const size_t space = text.find_first_of(" \t\"");
        const std::string_view word = text.substr(0, space);
        int field = 0;
        int index = -1;
        if (word == "msgctxt") {
            field = 1;
        } else if (word == "msgid") {
            field = 2;
        } else if (word == "msgid_plural") {
            field = 3;
        } else if (word == "msgstr") {
            field = 4;
        } else if (word.starts_with("msgstr[") && word.ends_with("]")) {
            field = 4;
            index = 0;
            for (char c : word.substr(7, word.size() - 8)) {
                if (!std::isdigit(static_cast<unsigned char>(c)) || index > 1000)
                    return error(lineNo, format("\"{}\" is not a plural msgstr (expected msgstr[N])", word));
                index = index * 10 + (c - '0');
            }
        } else {
            return error(lineNo, format("\"{}\": expected a comment, msgctxt, msgid, msgid_plural, msgstr or a "
                                        "quoted string",
                                        text.substr(0, 24)));
        }
        // A new msgctxt/msgid after a finished entry starts the next one.
        if (m_entry && m_entry->field == 4 && field < 4)
            if (Result<void> r = closeEntry(); !r)
                return r;
        if (!m_entry) {
            m_entry = Entry{};
            m_entry->start = l.begin;
        }
        Entry& e = *m_entry;
        if (e.field != 0 && e.obsolete != obsolete)
            return error(lineNo, "an entry mixes obsolete (#~) and active lines");
        e.obsolete = obsolete;
        if (e.keywordStart == std::string_view::npos && e.field == 0)
            e.keywordStart = l.begin;
        if (field <= 2 && e.field >= 2)
            return error(e.line, format("an entry without msgstr (expected msgstr before the {} on line {})", word,
                                        lineNo));
        const bool order = (field == 1 && e.field == 0) || (field == 2 && e.field <= 1) ||
                           (field == 3 && e.field == 2) || (field == 4 && e.field >= 2);
        if (!order)
            return error(lineNo, format("{} out of order (expected msgctxt, msgid, msgid_plural, msgstr)", word));
        if (field == 4) {
            const bool plural = e.field == 3 || (e.field == 4 && e.plural);
            if (plural != (index >= 0))
                return error(lineNo, plural ? "msgstr after msgid_plural (expected msgstr[0], msgstr[1], ...)"
                                            : "msgstr[N] without msgid_plural");
            if (index >= 0 && size_t(index) != e.strs.size())
                return error(lineNo, format("msgstr[{}] where msgstr[{}] was expected", index, e.strs.size()));
            if (index < 0 && e.field == 4)
                return error(lineNo, "a second msgstr in one entry");
            if (e.field != 4)
                e.strBegin = l.begin;
            e.plural = plural;
            e.strs.emplace_back();
            m_target = &e.strs.back();
        } else {
            if (field == 2)
                e.line = lineNo;
            e.hasContext = e.hasContext || field == 1;
            m_target = field == 1 ? &e.context : field == 2 ? &e.id : &e.idPlural;
        }
        e.field = field;
        column += space == std::string_view::npos ? text.size() : space;
        text.remove_prefix(space == std::string_view::npos ? text.size() : space);
        while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
            text.remove_prefix(1);
            ++column;
        }
    }
    // The string: from its opening quote to the first unescaped quote; only blanks may follow.
    size_t close = 1;
    while (!text.empty() && text.front() == '"' && close < text.size() && text[close] != '"')
        close += text[close] == '\\' ? 2 : 1;
    if (text.empty() || text.front() != '"' || close >= text.size())
        return fail(Errc::FormatInvalid,
                    format("line {}, column {}: expected a string in double quotes{}", lineNo, column,
                           text.empty() || text.front() != '"' ? "" : " (it is not closed)"));
    for (size_t i = close + 1; i < text.size(); ++i)
        if (text[i] != ' ' && text[i] != '\t')
            return fail(Errc::FormatInvalid, format("line {}, column {}: unexpected text after the string", lineNo,
                                                    column + i));
    text = text.substr(0, close + 1);
    Result<std::string> s = po::unescape(text.substr(1, text.size() - 2), lineNo, column + 1);
    if (!s)
        return std::unexpected(s.error());
    m_target->append(*s);
    if (m_entry->field == 4)
        m_entry->strEnd = l.end;
    return {};
}


// A msgstr (or msgstr[i]) as gettext writes it: one line, or, when the text has a line break before its
// end, an empty first string and one line per "\n".
std::string msgstrLines(std::string_view keyword, std::string_view text, std::string_view eol) {
    const size_t inner = text.find('\n');
    if (inner == std::string_view::npos || inner + 1 == text.size())
        return format("{} \"{}\"", keyword, po::escape(text));
    std::string out = format("{} \"\"", keyword);
    size_t i = 0;
    while (i < text.size()) {
        const size_t nl = text.find('\n', i);
        const size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
        out += format("{}\"{}\"", eol, po::escape(text.substr(i, end - i)));
        i = end;
    }
    return out;
}

std::string plainId(const Entry& e) { return e.hasContext ? e.context + "\x04" + e.id : e.id; }

class PoDocument final : public Document {
public:
    PoDocument(std::string bytes, std::vector<Entry> entries, std::vector<Unit> units, int header)
        : m_bytes(std::move(bytes)), m_entries(std::move(entries)), m_units(std::move(units)), m_header(header) {
        if (m_header >= 0) {
            const std::string forms = po::headerField(m_entries[size_t(m_header)].strs.front(), "Plural-Forms");
            if (realRule(forms))
                if (Result<plurals::Rule> rule = plurals::parsePluralForms(forms))
                    m_rule = std::move(*rule);
        }
    }

    const std::vector<Unit>& units() const override { return m_units; }

    size_t pluralForms(std::string_view targetLanguage) const override {
        return m_rule ? m_rule->forms : plurals::gettextRule(targetLanguage).forms;
    }
    std::vector<uint64_t> pluralExamples(std::string_view targetLanguage) const override {
        return m_rule ? m_rule->examples : plurals::gettextRule(targetLanguage).examples;
    }

    Result<std::string> write(std::span<const UnitTranslation> translations,
                              const WriteOptions& options) const override;
    Result<void> validate(std::string_view written) const override;

private:
    Result<void> writeEntry(const Entry& e, const UnitTranslation& t, size_t forms, std::string_view eol,
                            std::vector<Replacement>& out) const;
    void writeFlags(const Entry& e, bool fuzzy, std::string_view eol, std::vector<Replacement>& out) const;
    void writeHeader(const WriteOptions& options, bool translated, std::string_view eol,
                     std::vector<Replacement>& out) const;

    std::string m_bytes;
    std::vector<Entry> m_entries;  // parallel to m_units
    std::vector<Unit> m_units;
    int m_header = -1;  // the entry with msgid "" and no msgctxt
    std::optional<plurals::Rule> m_rule;  // the header's Plural-Forms, when it is a real rule
};

Result<std::string> PoDocument::write(std::span<const UnitTranslation> translations,
                                      const WriteOptions& options) const {
    Result<std::vector<int>> index = translationIndex(translations, m_units.size());
    if (!index)
        return std::unexpected(index.error());
    const std::string_view eol = lineEnding(m_bytes);
    std::vector<Replacement> edits;
    bool translated = false;
    for (size_t u = 0; u < m_units.size(); ++u) {
        if ((*index)[u] < 0)
            continue;
        if (!m_units[u].translatable)
            return fail(Errc::InvalidArgument, format("unit {} (line {}) is the header or an obsolete entry, which "
                                                      "are not translated",
                                                      u, m_entries[u].line));
        // The rule the written header will carry decides the count (pluralForms reads the file's own).
        const size_t forms = m_entries[u].plural ? pluralForms(options.targetLanguage) : 1;
        if (Result<void> r = writeEntry(m_entries[u], translations[size_t((*index)[u])], forms, eol, edits); !r)
            return std::unexpected(r.error());
        translated = true;
    }
    writeHeader(options, translated, eol, edits);
    return splice(m_bytes, std::move(edits));
}

Result<void> PoDocument::writeEntry(const Entry& e, const UnitTranslation& t, size_t forms, std::string_view eol,
                                    std::vector<Replacement>& out) const {
    std::string lines;
    if (!e.plural) {
        lines = msgstrLines("msgstr", t.targets.front(), eol);
    } else {
        if (t.targets.size() != forms)
            return fail(Errc::InvalidArgument,
                        format("line {} (msgid \"{}\"): the catalogue's plural rule has {} forms, the translation "
                               "has {}",
                               e.line, e.id.substr(0, 40), forms, t.targets.size()));
        for (size_t i = 0; i < forms; ++i)
            lines += (i ? std::string(eol) : std::string()) +
                     msgstrLines(format("msgstr[{}]", i), t.targets[i], eol);
    }
    out.push_back(Replacement{e.strBegin, e.strEnd, std::move(lines)});
    writeFlags(e, !t.final, eol, out);
    return {};
}

// Adds or removes the fuzzy flag, touching only the "#," lines.
void PoDocument::writeFlags(const Entry& e, bool fuzzy, std::string_view eol, std::vector<Replacement>& out) const {
    const bool has = std::ranges::find(e.flags, "fuzzy") != e.flags.end();
    if (fuzzy == has)
        return;
    if (fuzzy) {
        if (e.flagLines.empty()) {
            out.push_back(Replacement{e.keywordStart, e.keywordStart, "#, fuzzy" + std::string(eol)});
        } else {
            const auto [b, end] = e.flagLines.front();
            std::vector<std::string> flags = parseFlags(std::string_view(m_bytes).substr(b + 2, end - b - 2));
            flags.insert(flags.begin(), "fuzzy");  // gettext puts fuzzy first
            std::string line = "#,";
            for (size_t i = 0; i < flags.size(); ++i)
                line += (i ? ", " : " ") + flags[i];
            out.push_back(Replacement{b, end, std::move(line)});
        }
        return;
    }
    for (const auto& [b, end] : e.flagLines) {
        std::vector<std::string> flags = parseFlags(std::string_view(m_bytes).substr(b + 2, end - b - 2));
        if (std::erase(flags, "fuzzy") == 0)
            continue;
        if (flags.empty()) {  // the whole line goes, with its line ending
            size_t next = end;
            while (next < m_bytes.size() && (m_bytes[next] == '\r' || m_bytes[next] == '\n') && next - end < 2) {
                const bool lf = m_bytes[next] == '\n';
                ++next;
                if (lf)
                    break;
            }
            out.push_back(Replacement{b, next, {}});
            continue;
        }
        std::string line = "#,";
        for (size_t i = 0; i < flags.size(); ++i)
            line += (i ? ", " : " ") + flags[i];
        out.push_back(Replacement{b, end, std::move(line)});
    }
}

// The header names the target language, its plural rule where the file had only the template's
// placeholder, and UTF-8 where a template says CHARSET. Rewritten (one line per field, as gettext writes
// it) only when one of those changes.
void PoDocument::writeHeader(const WriteOptions& options, bool translated, std::string_view eol,
                             std::vector<Replacement>& out) const {
    if (m_header < 0 || (options.targetLanguage.empty() && !translated))
        return;
    const Entry& h = m_entries[size_t(m_header)];
    const std::string& original = h.strs.front();
    std::string header = original;
    const std::string contentType = po::headerField(header, "Content-Type");
    if (contentType.find("charset=CHARSET") != std::string::npos) {
        std::string fixed = contentType;
        fixed.replace(fixed.find("charset=CHARSET"), 15, "charset=UTF-8");
        header = po::setHeaderField(header, "Content-Type", fixed, "MIME-Version");
    }
    if (!options.targetLanguage.empty()) {
        header = po::setHeaderField(header, "Language", po::gettextLanguage(options.targetLanguage),
                                    "Language-Team");
        if (!m_rule) {
            const plurals::Rule rule = plurals::gettextRule(options.targetLanguage);
            header = po::setHeaderField(header, "Plural-Forms",
                                        format("nplurals={}; plural={};", rule.forms, rule.expression),
                                        "Content-Transfer-Encoding");
        }
    }
    if (header != original)
        out.push_back(Replacement{h.strBegin, h.strEnd, msgstrLines("msgstr", header, eol)});
}

Result<void> PoDocument::validate(std::string_view written) const {
    Result<std::unique_ptr<Document>> again = openPo(std::string(written));
    if (!again)
        return fail(Errc::ValidationFailed, "the written catalogue does not parse again: " + again.error().detail);
    const std::vector<Unit>& units = (*again)->units();
    if (units.size() != m_units.size())
        return fail(Errc::ValidationFailed, format("the written catalogue has {} entries, the original {}",
                                                   units.size(), m_units.size()));
    for (size_t i = 0; i < units.size(); ++i)
        if (units[i].id != m_units[i].id || units[i].sourcePlural != m_units[i].sourcePlural)
            return fail(Errc::ValidationFailed,
                        format("entry {} of the written catalogue (line {}) is not the original's", i,
                               m_entries[i].line));
    const std::optional<std::filesystem::path> msgfmt = tool::find("msgfmt");
    if (!msgfmt)
        return {};  // gettext is not installed: the re-parse is the check
    const std::vector<std::string> args{"--check", "-o", "/dev/null", "-"};
    Result<tool::Output> run = tool::run(*msgfmt, args, written);
    if (!run)
        return std::unexpected(run.error());
    if (run->exitCode != 0)
        return fail(Errc::ValidationFailed, format("msgfmt --check rejects the written catalogue: {}", run->err));
    return {};
}

}  // namespace

Result<std::unique_ptr<Document>> openPo(std::string bytes) {
    if (Result<void> utf8 = checkUtf8(bytes, false); !utf8)
        return std::unexpected(utf8.error());
    Result<std::vector<Entry>> entries = Reader(bytes).read();
    if (!entries)
        return std::unexpected(entries.error());
    std::vector<Unit> units;
    units.reserve(entries->size());
    std::unordered_set<std::string> seen;
    int header = -1;
    for (const Entry& e : *entries) {
        Unit u;
        const bool isHeader = !e.obsolete && !e.hasContext && e.id.empty() && header < 0;
        u.id = e.obsolete ? "#~" + plainId(e) : plainId(e);
        if (!e.obsolete && !seen.insert(u.id).second)
            return fail(Errc::FormatInvalid, format("line {}: a second entry for msgid \"{}\"{} (msgfmt refuses "
                                                    "duplicates)",
                                                    e.line, e.id.substr(0, 60),
                                                    e.hasContext ? format(" in context \"{}\"", e.context) : ""));
        if (isHeader) {
            header = int(units.size());
            const std::string type = po::headerField(e.strs.front(), "Content-Type");
            const size_t cs = type.find("charset=");
            std::string charset = cs == std::string::npos ? "" : type.substr(cs + 8);
            std::ranges::transform(charset, charset.begin(), [](unsigned char c) { return char(std::toupper(c)); });
            if (!charset.empty() && charset != "UTF-8" && charset != "UTF8" && charset != "CHARSET" &&
                charset != "ASCII" && charset != "US-ASCII")
                return fail(Errc::FormatUnsupported,
                            format("line {}: the header says charset={}; Lantern reads and writes PO files in "
                                   "UTF-8 only (convert it first: msgconv --to-code=UTF-8)",
                                   e.line, type.substr(cs + 8)));
        }
        u.context = e.context;
        u.note = e.extracted;
        if (!e.references.empty())
            u.note += (u.note.empty() ? "" : "\n") + e.references;
        u.source = e.id;
        u.sourcePlural = e.plural ? e.idPlural : std::string();
        u.placeholders = placeholdersOf(e.flags);
        const bool empty = std::ranges::all_of(e.strs, [](const std::string& s) { return s.empty(); });
        if (!empty)
            u.targets = e.strs;
        const bool fuzzy = std::ranges::find(e.flags, "fuzzy") != e.flags.end();
        const bool partial = std::ranges::any_of(e.strs, [](const std::string& s) { return s.empty(); });
        u.state = empty ? UnitState::Untranslated : (fuzzy || partial) ? UnitState::NeedsReview : UnitState::Final;
        u.translatable = !isHeader && !e.obsolete;
        u.label = isHeader ? "header" : e.obsolete ? "obsolete message" : e.plural ? "plural message" : "message";
        units.push_back(std::move(u));
    }
    return std::make_unique<PoDocument>(std::move(bytes), std::move(*entries), std::move(units), header);
}

}  // namespace lantern::translation::formats
