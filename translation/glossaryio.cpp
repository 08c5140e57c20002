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

std::string xmlEscape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
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
    int depth = 0;

    static std::string attr(const XML_Char** atts, std::string_view name) {
        for (int i = 0; atts[i]; i += 2)
            if (std::string_view(atts[i]) == name)
                return atts[i + 1];
        return {};
    }
    void start(std::string_view el, const XML_Char** atts) {
        const std::string local = std::string(el.substr(el.rfind(':') == std::string_view::npos ? 0 : el.rfind(':') + 1));
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
        const std::string local = std::string(el.substr(el.rfind(':') == std::string_view::npos ? 0 : el.rfind(':') + 1));
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
    XML_Parser p = XML_ParserCreate("UTF-8");
    XML_SetUserData(p, &reader);
    XML_SetElementHandler(
        p, [](void* d, const XML_Char* el, const XML_Char** atts) { static_cast<TbxReader*>(d)->start(el, atts); },
        [](void* d, const XML_Char* el) { static_cast<TbxReader*>(d)->end(el); });
    XML_SetCharacterDataHandler(p, [](void* d, const XML_Char* s, int len) {
        auto* r = static_cast<TbxReader*>(d);
        if (r->inTerm || r->inNote || r->inStatus)
            r->text.append(s, size_t(len));
    });
    const bool ok = XML_Parse(p, bytes.data(), int(bytes.size()), XML_TRUE) == XML_STATUS_OK;
    const std::string why = ok ? "" : XML_ErrorString(XML_GetErrorCode(p));
    const unsigned long line = XML_GetCurrentLineNumber(p);
    XML_ParserFree(p);
    if (!ok)
        return fail(Errc::FormatInvalid, format("The TBX file is not well-formed XML at line {}: {}.", line, why));
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

}  // namespace lantern::translation
