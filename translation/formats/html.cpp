// HTML through gumbo (htmlwalk.h reads it). The writer replaces the byte ranges of translated units and
// of the <html> tag's lang and dir attributes; everything else (doctype, comments, scripts, styles, <pre>,
// white space between tags, attribute order and quoting) keeps its bytes. Text is escaped (&, <, >; and
// the quote in attribute values); a run's tags are copied from the file, with the translations of the
// attributes inside them (an <img alt> in a paragraph) applied there.
#include <algorithm>

#include "base/strformat.h"
#include "translation/formats/formats.h"
#include "translation/formats/htmlwalk.h"
#include "translation/formats/splice.h"

namespace lantern::translation::formats {

namespace {

constexpr size_t npos = std::string_view::npos;

std::string escapeText(std::string_view s, char quote = '\0') {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                if (quote != '\0' && c == quote)
                    out += quote == '"' ? "&quot;" : "&#39;";
                else
                    out += c;
        }
    }
    return out;
}

// Scripts written right to left: the page gets dir="rtl".
bool rightToLeft(std::string_view language) {
    const std::string_view base = language.substr(0, language.find_first_of("-_"));
    static constexpr std::string_view kRtl[] = {"ar", "he", "fa", "ur",  "yi", "ps",
                                                "sd", "ug", "dv", "ckb", "iw"};
    return std::ranges::find(kRtl, base) != std::end(kRtl);
}

class HtmlDocument final : public Document {
public:
    HtmlDocument(std::string bytes, html::Parsed parsed)
        : m_bytes(std::move(bytes)), m_parsed(std::move(parsed)) {}
    const std::vector<Unit>& units() const override { return m_parsed.units; }
    Result<std::string> write(std::span<const UnitTranslation> translations,
                              const WriteOptions& options) const override;
    Result<void> validate(std::string_view written) const override;

private:
    Result<std::string> runBytes(size_t unit, const UnitTranslation& t,
                                 std::span<const Replacement> nested) const;
    void language(const WriteOptions& options, std::vector<Replacement>& edits) const;

    std::string m_bytes;
    html::Parsed m_parsed;
};

// A run's translation: text escaped, each inline's bytes from the file with the attribute translations
// that lie inside them.
Result<std::string> HtmlDocument::runBytes(size_t unit, const UnitTranslation& t,
                                           std::span<const Replacement> nested) const {
    const html::Layout& layout = m_parsed.layouts[unit];
    auto cut = pieces(t.targets.front(), firstTargetInlines(t), layout.inlineBytes.size());
    if (!cut)
        return std::unexpected(cut.error());
    std::string out;
    for (const Piece& p : *cut) {
        if (!p.markup) {
            out += escapeText(p.bytes);
            continue;
        }
        const ByteRange r = layout.inlineBytes[size_t(p.origin)];
        std::vector<Replacement> inside;
        for (const Replacement& e : nested)
            if (e.begin >= r.begin && e.end <= r.end)
                inside.push_back(Replacement{e.begin - r.begin, e.end - r.begin, e.bytes});
        auto bytes = splice(std::string_view(m_bytes).substr(r.begin, r.end - r.begin), std::move(inside));
        if (!bytes)
            return std::unexpected(bytes.error());
        out += *bytes;
    }
    return out;
}

void HtmlDocument::language(const WriteOptions& options, std::vector<Replacement>& edits) const {
    if (options.targetLanguage.empty() || m_parsed.htmlNameEnd == npos)
        return;  // no <html> tag in the file: nothing is added around the document
    const std::string lang = format("\"{}\"", escapeText(options.targetLanguage, '"'));
    if (m_parsed.lang.begin != npos)
        edits.push_back(Replacement{m_parsed.lang.begin, m_parsed.lang.end, lang});
    else
        edits.push_back(Replacement{m_parsed.htmlNameEnd, m_parsed.htmlNameEnd, " lang=" + lang});
    const bool rtl = rightToLeft(options.targetLanguage);
    if (m_parsed.dir.begin != npos)
        edits.push_back(Replacement{m_parsed.dir.begin, m_parsed.dir.end, rtl ? "\"rtl\"" : "\"ltr\""});
    else if (rtl)
        edits.push_back(Replacement{m_parsed.htmlNameEnd, m_parsed.htmlNameEnd, " dir=\"rtl\""});
}

Result<std::string> HtmlDocument::write(std::span<const UnitTranslation> translations,
                                        const WriteOptions& options) const {
    auto index = translationIndex(translations, m_parsed.units.size());
    if (!index)
        return std::unexpected(index.error());
    auto translated = [&](size_t u) {
        return (*index)[u] >= 0 && translations[size_t((*index)[u])].targets.front().find_first_not_of(
                                       " \t\r\n") != std::string::npos;
    };
    std::vector<Replacement> attributes;
    for (size_t u = 0; u < m_parsed.units.size(); ++u) {
        const html::Layout& l = m_parsed.layouts[u];
        if (!l.attribute || !translated(u))
            continue;
        // In a value every byte is text: an inline the guard found (a URL, a {name}) is escaped too.
        const std::string& target = translations[size_t((*index)[u])].targets.front();
        attributes.push_back(
            Replacement{l.begin, l.end, format("{}{}{}", l.quote, escapeText(target, l.quote), l.quote)});
    }
    std::vector<Replacement> edits;
    std::vector<ByteRange> runs;
    for (size_t u = 0; u < m_parsed.units.size(); ++u) {
        const html::Layout& l = m_parsed.layouts[u];
        if (l.attribute || !translated(u))
            continue;
        auto bytes = runBytes(u, translations[size_t((*index)[u])], attributes);
        if (!bytes)
            return fail(bytes.error().code, format("unit {} ({}): {}", m_parsed.units[u].id,
                                                   m_parsed.units[u].label, bytes.error().detail));
        edits.push_back(Replacement{l.begin, l.end, std::move(*bytes)});
        runs.push_back({l.begin, l.end});
    }
    // An attribute inside a translated run went in with the run's tags; the others are edits of their own.
    for (Replacement& a : attributes)
        if (std::ranges::none_of(runs,
                                 [&](const ByteRange& r) { return a.begin >= r.begin && a.end <= r.end; }))
            edits.push_back(std::move(a));
    language(options, edits);
    return splice(m_bytes, std::move(edits));
}

Result<void> HtmlDocument::validate(std::string_view written) const {
    if (auto ok = checkUtf8(written, false); !ok)
        return fail(Errc::ValidationFailed, ok.error().detail);
    auto again = html::parse(written);
    if (!again)
        return fail(Errc::ValidationFailed, again.error().detail);
    if (auto same = sameUnits(again->units, m_parsed.units, "the written HTML", "units"); !same)
        return same;
    if (again->errors > m_parsed.errors)
        return fail(Errc::ValidationFailed, format("the written HTML has {} parse errors, the source {}",
                                                   again->errors, m_parsed.errors));
    return {};
}

}  // namespace

Result<std::unique_ptr<Document>> openHtml(std::string bytes) {
    if (auto ok = checkUtf8(bytes, false); !ok)
        return std::unexpected(ok.error());
    auto parsed = html::parse(bytes);
    if (!parsed)
        return std::unexpected(parsed.error());
    return std::unique_ptr<Document>(std::make_unique<HtmlDocument>(std::move(bytes), std::move(*parsed)));
}

}  // namespace lantern::translation::formats
