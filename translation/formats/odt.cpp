// OpenDocument text (.odt): a zip (libzip) whose content.xml (expat, xmlspans) holds the text. A unit per
// paragraph and heading (<text:p>, <text:h>); <text:span> and <text:a> are Open/Close inlines around
// their text; spaces (<text:s/>), tabs, line breaks, notes, frames, fields, bookmarks and annotations are
// standalone inlines, their bytes kept. A footnote's or endnote's paragraphs are units of their own,
// written inside the note's bytes wherever the paragraph's translation put the note. Text is read as ODF
// displays it (runs of white space are one space) and escaped again when written. Only content.xml changes;
// every other entry of the archive (styles, pictures, the stored mimetype first) is copied as it was.
#include <algorithm>
#include <optional>
#include <utility>

#include "base/strformat.h"
#include "translation/formats/formats.h"
#include "translation/formats/splice.h"
#include "translation/formats/textwrap.h"
#include "translation/formats/xmlspans.h"
#include "translation/formats/ziparchive.h"

namespace lantern::translation::formats {

namespace {

using xmlspans::Element;
using xmlspans::Tree;

constexpr std::string_view kWhat = "ODT";

bool space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool paragraph(const Element& e) {
    return e.name == "text:p" || e.name == "text:h";
}

struct Place {
    size_t begin = 0;  // the paragraph's content in content.xml
    size_t end = 0;
    std::vector<std::pair<size_t, ByteRange>> notes;  // inline index -> its <text:note> in content.xml
};

class OdtDocument final : public Document {
public:
    OdtDocument(std::string bytes, std::string content, Tree tree)
        : m_bytes(std::move(bytes)), m_content(std::move(content)), m_tree(std::move(tree)) {
        read();
    }
    const std::vector<Unit>& units() const override { return m_units; }
    Result<std::string> write(std::span<const UnitTranslation> translations,
                              const WriteOptions& options) const override;
    Result<void> validate(std::string_view written) const override;

private:
    void read();
    void addParagraph(size_t element);
    int nearestParagraph(size_t element) const;
    std::string label(size_t element) const;

    std::string m_bytes;    // the .odt file
    std::string m_content;  // its content.xml
    Tree m_tree;
    std::vector<Unit> m_units;
    std::vector<Place> m_places;
};

std::string OdtDocument::label(size_t element) const {
    const Element& e = m_tree.elements[element];
    if (e.name == "text:h") {
        const xmlspans::Attribute* level = e.attribute("text:outline-level");
        return level ? format("heading {}", level->value) : std::string("heading");
    }
    for (int p = e.parent; p >= 0; p = m_tree.elements[size_t(p)].parent) {
        const std::string& n = m_tree.elements[size_t(p)].name;
        if (n == "text:note") {
            const xmlspans::Attribute* c = m_tree.elements[size_t(p)].attribute("text:note-class");
            return c && c->value == "endnote" ? "endnote" : "footnote";
        }
        if (n == "table:table-cell")
            return "table cell";
        if (n == "text:list-item")
            return "list item";
    }
    return "paragraph";
}

void OdtDocument::addParagraph(size_t element) {
    const Element& e = m_tree.elements[element];
    const auto runs = xmlspans::runs(m_tree, m_content, element, [](const Element& child) {
        return child.name == "text:span" || child.name == "text:a";
    });
    Unit u;
    bool lastSpace = true;  // white space at the start of a paragraph is not shown
    for (const xmlspans::Run& r : runs) {
        if (r.markup) {
            Inline in;
            in.begin = u.source.size();
            u.source += r.bytes;
            in.end = u.source.size();
            in.kind = r.kind;
            in.pair = r.pair;
            u.inlines.push_back(in);
            lastSpace = r.kind == Inline::Kind::Standalone && r.bytes.starts_with("<text:s");
            continue;
        }
        for (char c : r.bytes) {
            if (space(c)) {
                if (!lastSpace)
                    u.source += ' ';
                lastSpace = true;
            } else {
                u.source += c;
                lastSpace = false;
            }
        }
    }
    if (!u.source.empty() && u.source.back() == ' ' &&
        (u.inlines.empty() || u.inlines.back().end < u.source.size()))
        u.source.pop_back();
    const bool words = [&] {
        size_t at = 0;
        for (const Inline& in : u.inlines) {
            if (u.source.substr(at, in.begin - at).find_first_not_of(' ') != std::string::npos)
                return true;
            at = in.end;
        }
        return u.source.substr(at).find_first_not_of(' ') != std::string::npos;
    }();
    if (!words)
        return;
    u.id = format("{}{}", e.name == "text:h" ? "h" : "p", m_units.size() + 1);
    u.label = label(element);
    u.prose = true;
    u.placeholders = placeholder::Common;
    // The notes among the inlines, in order, are the paragraph's own <text:note> elements, in order: their
    // paragraphs are units of their own, written inside this paragraph's note bytes.
    Place place{e.startEnd, e.endBegin, {}};
    std::vector<size_t> notes;
    for (size_t k = element + 1; k < m_tree.elements.size() && m_tree.elements[k].begin < e.end; ++k)
        if (m_tree.elements[k].name == "text:note" && nearestParagraph(k) == int(element))
            notes.push_back(k);
    size_t next = 0;
    for (size_t k = 0; k < u.inlines.size() && next < notes.size(); ++k)
        if (std::string_view(u.source).substr(u.inlines[k].begin).starts_with("<text:note")) {
            const Element& n = m_tree.elements[notes[next++]];
            place.notes.emplace_back(k, ByteRange{n.begin, n.end});
        }
    m_units.push_back(std::move(u));
    m_places.push_back(std::move(place));
}

int OdtDocument::nearestParagraph(size_t element) const {
    for (int p = m_tree.elements[element].parent; p >= 0; p = m_tree.elements[size_t(p)].parent)
        if (paragraph(m_tree.elements[size_t(p)]))
            return p;
    return -1;
}

void OdtDocument::read() {
    for (size_t i = 0; i < m_tree.elements.size(); ++i) {
        const Element& e = m_tree.elements[i];
        if (!paragraph(e) || e.selfClosing)
            continue;
        // A paragraph inside another is part of that paragraph's standalone inline (a frame's caption) and
        // stays as it is, unless it is in a note's body: a footnote is translated on its own. Annotations
        // (comments) are never translated.
        bool nested = false;
        bool inNote = false;
        for (int p = e.parent; p >= 0 && !nested; p = m_tree.elements[size_t(p)].parent) {
            const Element& a = m_tree.elements[size_t(p)];
            if (a.name == "text:note-body")
                inNote = true;
            else if (paragraph(a))
                nested = !std::exchange(inNote, false);
            else if (a.name == "office:annotation")
                nested = true;
        }
        if (!nested)
            addParagraph(i);
    }
}

Result<std::string> OdtDocument::write(std::span<const UnitTranslation> translations,
                                       const WriteOptions& /*options: the language lives in styles*/) const {
    auto index = translationIndex(translations, m_units.size());
    if (!index)
        return std::unexpected(index.error());
    // From the last unit to the first, so that a footnote's paragraphs are written before the paragraph
    // whose note holds them.
    std::vector<std::optional<Replacement>> done(m_units.size());
    std::vector<bool> inside(m_units.size(), false);
    for (size_t u = m_units.size(); u-- > 0;) {
        if ((*index)[u] < 0)
            continue;
        const UnitTranslation& t = translations[size_t((*index)[u])];
        if (t.targets.front().find_first_not_of(" \t\r\n") == std::string::npos)
            continue;  // an empty translation keeps the source's paragraph
        auto cut = pieces(t.targets.front(), firstTargetInlines(t), m_units[u].inlines.size());
        if (!cut)
            return fail(cut.error().code,
                        format("{} ({}): {}", m_units[u].id, m_units[u].label, cut.error().detail));
        std::string out;
        for (const Piece& p : *cut) {
            if (p.markup) {
                const auto note = std::ranges::find(m_places[u].notes, size_t(p.origin),
                                                    &std::pair<size_t, ByteRange>::first);
                if (note == m_places[u].notes.end()) {
                    out += p.bytes;
                    continue;
                }
                const ByteRange r = note->second;
                std::vector<Replacement> nested;
                for (size_t v = u + 1; v < m_units.size(); ++v)
                    if (done[v] && done[v]->begin >= r.begin && done[v]->end <= r.end) {
                        nested.push_back(
                            Replacement{done[v]->begin - r.begin, done[v]->end - r.begin, done[v]->bytes});
                        inside[v] = true;
                    }
                auto bytes =
                    splice(std::string_view(m_content).substr(r.begin, r.end - r.begin), std::move(nested));
                if (!bytes)
                    return std::unexpected(bytes.error());
                out += *bytes;
                continue;
            }
            std::string text(p.bytes);
            for (char& c : text)
                if (c == '\n' || c == '\r' || c == '\t')
                    c = ' ';
            out += xmlspans::escapeText(text);
        }
        done[u] = Replacement{m_places[u].begin, m_places[u].end, std::move(out)};
    }
    std::vector<Replacement> edits;
    for (size_t u = 0; u < m_units.size(); ++u)
        if (done[u] && !inside[u])
            edits.push_back(std::move(*done[u]));
    if (edits.empty())
        return m_bytes;  // nothing translated: the file as it was, byte for byte
    auto content = splice(m_content, std::move(edits));
    if (!content)
        return std::unexpected(content.error());
    return zip::replace(m_bytes, {{"content.xml", std::move(*content)}}, kWhat);
}

Result<void> OdtDocument::validate(std::string_view written) const {
    auto again = openOdt(std::string(written));
    if (!again)
        return fail(Errc::ValidationFailed,
                    format("the written ODT does not read back: {}", again.error().detail));
    return sameUnits((*again)->units(), m_units, "the written ODT", "paragraphs with text");
}

}  // namespace

Result<std::unique_ptr<Document>> openOdt(std::string bytes) {
    auto mimetype = zip::read(bytes, "mimetype", kWhat);
    if (!mimetype)
        return std::unexpected(mimetype.error());
    if (!mimetype->starts_with("application/vnd.oasis.opendocument.text"))
        return fail(
            Errc::FormatUnsupported,
            format("this OpenDocument file is {}, not a text document (.odt): Lantern translates text "
                   "documents only",
                   *mimetype));
    auto content = zip::read(bytes, "content.xml", kWhat);
    if (!content)
        return std::unexpected(content.error());
    auto tree = xmlspans::parse(*content, "ODT content.xml");
    if (!tree)
        return std::unexpected(tree.error());
    return std::unique_ptr<Document>(
        std::make_unique<OdtDocument>(std::move(bytes), std::move(*content), std::move(*tree)));
}

}  // namespace lantern::translation::formats
