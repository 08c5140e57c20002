#include "translation/glossaryio.h"

#include <algorithm>
#include <cctype>
#include <expat.h>
#include <optional>

#include "base/strformat.h"
#include "base/text.h"
#include "translation/languages.h"

namespace lantern::translation {

namespace {

std::string lower(std::string_view s) { return asciiLower(s); }
std::string trim(std::string_view s) { return trimmed(s, " \t"); }

std::optional<bool> flag(std::string_view v) {
    const std::string s = lower(trim(v));
    if (s.empty() || s == "0" || s == "no" || s == "n" || s == "false")
        return false;
    if (s == "1" || s == "yes" || s == "y" || s == "true" || s == "x")
        return true;
    return std::nullopt;
}

// RFC 4180 records: fields in double quotes may hold commas, quotes (doubled) and line breaks.
Result<std::vector<std::pair<size_t, std::vector<std::string>>>> records(std::string_view s) {
    std::vector<std::pair<size_t, std::vector<std::string>>> out;
    if (s.starts_with("\xEF\xBB\xBF"))
        s.remove_prefix(3);
    size_t line = 1, i = 0;
    while (i < s.size()) {
        std::vector<std::string> fields;
        const size_t startLine = line;
        for (;;) {
            std::string field;
            if (i < s.size() && s[i] == '"') {
                ++i;
                for (;;) {
                    if (i >= s.size())
                        return fail(Errc::FormatInvalid, format("Line {} of the glossary: a quoted field is never closed.", startLine));
                    if (s[i] == '"') {
                        if (i + 1 < s.size() && s[i + 1] == '"') {
                            field += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    if (s[i] == '\n')
                        ++line;
                    field += s[i++];
                }
                while (i < s.size() && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
                    if (s[i] != ' ' && s[i] != '\t')
                        return fail(Errc::FormatInvalid, format("Line {} of the glossary: text after a closing quote.", line));
                    ++i;
                }
            } else {
                while (i < s.size() && s[i] != ',' && s[i] != '\n' && s[i] != '\r')
                    field += s[i++];
            }
            fields.push_back(std::move(field));
            if (i < s.size() && s[i] == ',') {
                ++i;
                continue;
            }
            break;
        }
        if (i < s.size() && s[i] == '\r')
            ++i;
        if (i < s.size() && s[i] == '\n') {
            ++i;
            ++line;
        }
        const bool blank = fields.size() == 1 && trim(fields[0]).empty();
        if (!blank)
            out.emplace_back(startLine, std::move(fields));
    }
    return out;
}

std::string quote(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos && (s.empty() || (s.front() != ' ' && s.back() != ' ')))
        return std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

// Text for an element or an attribute. A carriage return is written as a reference (XML would turn a raw
// one into a line feed); other C0 controls cannot appear in XML 1.0 at all and are dropped.
std::string xmlEscape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\r': out += "&#13;"; break;
        default:
            if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n')
                out += c;
        }
    }
    return out;
}

std::string localName(std::string_view el) {
    const size_t colon = el.rfind(':');
    return std::string(colon == std::string_view::npos ? el : el.substr(colon + 1));
}

bool sameBase(std::string_view fileLang, std::string_view wanted) {
    const std::string a = normalizeLanguage(fileLang), b = normalizeLanguage(wanted);
    if (a.empty() || b.empty())
        return false;
    return a == b || a == b.substr(0, b.find('-')) || a.substr(0, a.find('-')) == b.substr(0, b.find('-'));
}

struct TbxReader {
    std::string src, tgt;
    std::vector<GlossaryEntry> entries;
    // Current concept
    std::vector<std::string> sourceTerms, targetTerms;
    bool keep = false;
    std::string lang, text, note;
    bool inTerm = false, inNote = false, inStatus = false;

    static std::string attr(const XML_Char** atts, std::string_view name) {
        for (int i = 0; atts[i]; i += 2)
            if (std::string_view(atts[i]) == name)
                return atts[i + 1];
        return {};
    }
    void start(std::string_view el, const XML_Char** atts) {
        const std::string local = localName(el);
        if (local == "termEntry" || local == "conceptEntry") {
            sourceTerms.clear();
            targetTerms.clear();
            keep = false;
            note.clear();
        } else if (local == "langSet" || local == "langSec") {
            lang = attr(atts, "xml:lang");
            if (lang.empty())
                lang = attr(atts, "lang");
        } else if (local == "term") {
            inTerm = true;
            text.clear();
        } else if (local == "termNote" || local == "descrip" || local == "note") {
            const std::string type = attr(atts, "type");
            inStatus = type == "administrativeStatus" || type == "usageNote";
            inNote = !inStatus;
            text.clear();
        }
    }
    void end(std::string_view el) {
        const std::string local = localName(el);
        if (local == "term") {
            inTerm = false;
            if (sameBase(lang, src))
                sourceTerms.push_back(trim(text));
            else if (sameBase(lang, tgt))
                targetTerms.push_back(trim(text));
        } else if ((local == "termNote" || local == "descrip" || local == "note") && (inNote || inStatus)) {
            const std::string t = lower(trim(text));
            if (inStatus && (t.find("do not translate") != std::string::npos || t.find("donottranslate") != std::string::npos ||
                             t.find("untranslatable") != std::string::npos))
                keep = true;
            else if (inNote && note.empty())
                note = trim(text);
            inNote = inStatus = false;
        } else if (local == "termEntry" || local == "conceptEntry") {
            for (const std::string& s : sourceTerms) {
                if (s.empty())
                    continue;
                if (!targetTerms.empty() && !targetTerms.front().empty())
                    entries.push_back({s, targetTerms.front(), false, false, note});
                else if (keep)
                    entries.push_back({s, {}, true, true, note});
            }
        }
    }
};


// TMX: a <tu> holds one <tuv> per language, each with one <seg>. Inside <seg>, the codes (<bpt>, <ept>,
// <ph>, <it>, <ut>) carry the original format's native markup, which is not text: it is skipped, with
// any <sub> inside it. <hi> only marks a span, its text is kept.
struct TmxReader {
    std::string root;
    std::vector<std::pair<std::string, std::string>> variants;  // (language, text) of the current <tu>
    std::vector<std::vector<std::pair<std::string, std::string>>> units;
    std::string lang, text;
    bool inSeg = false;
    int inCode = 0;

    void start(std::string_view el, const XML_Char** atts) {
        const std::string local = localName(el);
        if (root.empty())
            root = local;
        if (local == "tu") {
            variants.clear();
        } else if (local == "tuv") {
            lang = TbxReader::attr(atts, "xml:lang");
            if (lang.empty())
                lang = TbxReader::attr(atts, "lang");
        } else if (local == "seg") {
            inSeg = true;
            text.clear();
        } else if (inSeg && (local == "bpt" || local == "ept" || local == "ph" || local == "it" || local == "ut")) {
            ++inCode;
        }
    }
    void end(std::string_view el) {
        const std::string local = localName(el);
        if (local == "seg") {
            inSeg = false;
            variants.emplace_back(lang, std::move(text));
            text.clear();
        } else if (inSeg && (local == "bpt" || local == "ept" || local == "ph" || local == "it" || local == "ut")) {
            --inCode;
        } else if (local == "tu") {
            units.push_back(std::move(variants));
            variants.clear();
        }
    }
};

// The index of the variant in `lang`: an exact (normalized) language first, else the same base language;
// `skip` is the one already taken for the other side (en-US -> en-GB share their base).
std::optional<size_t> pickVariant(const std::vector<std::pair<std::string, std::string>>& variants, std::string_view lang,
                                  std::optional<size_t> skip) {
    const std::string wanted = normalizeLanguage(lang);
    for (size_t i = 0; i < variants.size(); ++i)
        if (i != skip && !wanted.empty() && normalizeLanguage(variants[i].first) == wanted)
            return i;
    for (size_t i = 0; i < variants.size(); ++i)
        if (i != skip && sameBase(variants[i].first, lang))
            return i;
    return std::nullopt;
}

// Runs expat over bytes with reader's start/end handlers; `collect` says whether character data is wanted.
template <class Reader, class Collect>
Result<void> parseXml(std::string_view bytes, Reader& reader, Collect collect, const char* what) {
    XML_Parser p = XML_ParserCreate("UTF-8");
    struct Ctx {
        Reader* reader;
        Collect* collect;
    } ctx{&reader, &collect};
    XML_SetUserData(p, &ctx);
    XML_SetElementHandler(
        p, [](void* d, const XML_Char* el, const XML_Char** atts) { static_cast<Ctx*>(d)->reader->start(el, atts); },
        [](void* d, const XML_Char* el) { static_cast<Ctx*>(d)->reader->end(el); });
    XML_SetCharacterDataHandler(p, [](void* d, const XML_Char* s, int len) {
        auto* c = static_cast<Ctx*>(d);
        if ((*c->collect)(*c->reader))
            c->reader->text.append(s, size_t(len));
    });
    const bool ok = XML_Parse(p, bytes.data(), int(bytes.size()), XML_TRUE) == XML_STATUS_OK;
    const std::string why = ok ? "" : XML_ErrorString(XML_GetErrorCode(p));
    const unsigned long line = XML_GetCurrentLineNumber(p);
    XML_ParserFree(p);
    if (!ok)
        return fail(Errc::FormatInvalid, format("The {} file is not well-formed XML at line {}: {}.", what, line, why));
    return {};
}

}  // namespace

Result<std::vector<GlossaryEntry>> parseGlossaryCsv(std::string_view bytes) {
    auto rows = records(bytes);
    if (!rows)
        return std::unexpected(rows.error());
    std::vector<GlossaryEntry> out;
    if (rows->empty())
        return out;
    int cSource = 0, cTarget = 1, cDnt = 2, cCase = 3, cNote = 4;
    size_t first = 0;
    const std::vector<std::string>& head = rows->front().second;
    if (std::ranges::any_of(head, [](const std::string& h) { return lower(trim(h)) == "source"; })) {
        cSource = cTarget = cDnt = cCase = cNote = -1;
        for (size_t i = 0; i < head.size(); ++i) {
            const std::string h = lower(trim(head[i]));
            if (h == "source" || h == "term") cSource = int(i);
            else if (h == "target" || h == "translation") cTarget = int(i);
            else if (h == "dnt" || h == "do_not_translate" || h == "keep") cDnt = int(i);
            else if (h == "case_sensitive" || h == "case") cCase = int(i);
            else if (h == "note" || h == "comment") cNote = int(i);
        }
        first = 1;
    }
    for (size_t r = first; r < rows->size(); ++r) {
        const auto& [line, f] = (*rows)[r];
        auto get = [&](int c) { return c >= 0 && size_t(c) < f.size() ? trim(f[size_t(c)]) : std::string(); };
        GlossaryEntry e;
        e.source = get(cSource);
        e.target = get(cTarget);
        e.note = get(cNote);
        const auto dnt = flag(get(cDnt)), cs = flag(get(cCase));
        if (!dnt || !cs)
            return fail(Errc::FormatInvalid, format("Line {} of the glossary: a flag column says something other than 1/0, yes/no or true/false.", line));
        e.doNotTranslate = *dnt;
        e.caseSensitive = *cs;
        if (e.source.empty())
            return fail(Errc::FormatInvalid, format("Line {} of the glossary has no source term.", line));
        if (e.target.empty() && !e.doNotTranslate)
            return fail(Errc::FormatInvalid, format("Line {} of the glossary: \"{}\" has no translation (mark it dnt=1 to keep it as is).", line, e.source));
        out.push_back(std::move(e));
    }
    return out;
}

std::string writeGlossaryCsv(std::span<const GlossaryEntry> entries) {
    std::string out = "source,target,dnt,case_sensitive,note\r\n";
    for (const GlossaryEntry& e : entries)
        out += quote(e.source) + "," + quote(e.target) + "," + (e.doNotTranslate ? "1" : "0") + "," +
               (e.caseSensitive ? "1" : "0") + "," + quote(e.note) + "\r\n";
    return out;
}

Result<std::vector<GlossaryEntry>> parseTbx(std::string_view bytes, std::string_view sourceLanguage,
                                            std::string_view targetLanguage) {
    TbxReader reader;
    reader.src = std::string(sourceLanguage);
    reader.tgt = std::string(targetLanguage);
    if (auto r = parseXml(bytes, reader, [](const TbxReader& t) { return t.inTerm || t.inNote || t.inStatus; }, "TBX"); !r)
        return std::unexpected(r.error());
    return reader.entries;
}

std::string writeTbx(std::span<const GlossaryEntry> entries, std::string_view sourceLanguage,
                     std::string_view targetLanguage) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<martif type=\"TBX\" xml:lang=\"" +
                      xmlEscape(sourceLanguage) + "\">\n<text>\n<body>\n";
    int n = 0;
    for (const GlossaryEntry& e : entries) {
        out += "<termEntry id=\"t" + std::to_string(++n) + "\">\n";
        if (!e.note.empty())
            out += "  <descrip type=\"definition\">" + xmlEscape(e.note) + "</descrip>\n";
        out += "  <langSet xml:lang=\"" + xmlEscape(sourceLanguage) + "\"><tig><term>" + xmlEscape(e.source) + "</term>";
        if (e.doNotTranslate)
            out += "<termNote type=\"administrativeStatus\">do not translate</termNote>";
        out += "</tig></langSet>\n";
        if (!e.doNotTranslate)
            out += "  <langSet xml:lang=\"" + xmlEscape(targetLanguage) + "\"><tig><term>" + xmlEscape(e.target) +
                   "</term></tig></langSet>\n";
        out += "</termEntry>\n";
    }
    return out + "</body>\n</text>\n</martif>\n";
}

Result<std::vector<MemoryPair>> parseTmx(std::string_view bytes, std::string_view sourceLanguage,
                                         std::string_view targetLanguage) {
    TmxReader reader;
    if (auto r = parseXml(bytes, reader, [](const TmxReader& t) { return t.inSeg && t.inCode == 0; }, "TMX"); !r)
        return std::unexpected(r.error());
    if (reader.root != "tmx")
        return fail(Errc::FormatUnsupported,
                    format("This is not a TMX translation memory: its root element is <{}>, not <tmx>.", reader.root));
    std::vector<MemoryPair> out;
    for (const auto& variants : reader.units) {
        const auto s = pickVariant(variants, sourceLanguage, std::nullopt);
        if (!s)
            continue;
        const auto t = pickVariant(variants, targetLanguage, s);
        if (!t || variants[*s].second.empty() || variants[*t].second.empty())
            continue;
        out.push_back({variants[*s].second, variants[*t].second});
    }
    return out;
}

std::string writeTmx(std::span<const MemoryPair> pairs, std::string_view sourceLanguage,
                     std::string_view targetLanguage) {
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n"
                      "<header creationtool=\"Lantern\" creationtoolversion=\"1\" segtype=\"sentence\""
                      " o-tmf=\"Lantern\" adminlang=\"en\" srclang=\"" +
                      xmlEscape(sourceLanguage) + "\" datatype=\"plaintext\"/>\n<body>\n";
    for (const MemoryPair& p : pairs)
        out += "<tu>\n  <tuv xml:lang=\"" + xmlEscape(sourceLanguage) + "\"><seg>" + xmlEscape(p.source) +
               "</seg></tuv>\n  <tuv xml:lang=\"" + xmlEscape(targetLanguage) + "\"><seg>" + xmlEscape(p.target) +
               "</seg></tuv>\n</tu>\n";
    return out + "</body>\n</tmx>\n";
}

}  // namespace lantern::translation
