// Word documents (.docx): a zip (libzip) whose WordprocessingML parts (expat, xmlspans) hold the text:
// word/document.xml, its headers, footers, footnotes and endnotes. A unit per paragraph (<w:p>). Word cuts
// a paragraph's text into runs (<w:r>) wherever formatting, revision ids or spell checking changed; runs
// formatted like most of the paragraph's text are plain text in the unit, the others Open/Close inlines
// around their text (bold, italics, a colour), so the model sees "Read the <g1>online guide</g1>" and not
// a code between every run. Hyperlinks are Open/Close too; tabs, breaks, fields, pictures, bookmarks,
// tracked changes and anything else Word puts in a paragraph are standalone inlines kept byte for byte.
// The writer rebuilds the paragraph's runs from the translation (each with its run properties), keeps
// its properties (<w:pPr>) and every other byte of the part, and replaces only the parts it changed.
#include <algorithm>
#include <map>

#include "base/strformat.h"
#include "translation/formats/formats.h"
#include "translation/formats/splice.h"
#include "translation/formats/xmlspans.h"
#include "translation/formats/ziparchive.h"

namespace lantern::translation::formats {

namespace {

using xmlspans::Element;
using xmlspans::Node;
using xmlspans::Tree;

constexpr std::string_view kWhat = "DOCX";

// A piece of a paragraph: text with its run properties, or a code.
struct Item {
    enum class Kind : uint8_t { Text, Code, LinkOpen, LinkClose };
    Kind kind = Kind::Text;
    std::string bytes;  // Text: decoded text; otherwise the XML written for it
    std::string rPr;    // Text and run-level codes: the run's <w:rPr>…</w:rPr> bytes (may be empty)
};

// What the writer needs of each inline of a unit (by its index in Unit::inlines).
struct Code {
    enum class Kind : uint8_t { Format, Xml } kind = Kind::Xml;
    std::string bytes;  // Xml: written as it is; Format: the run properties of the text it encloses
};

struct Paragraph {
    std::string part;  // "word/document.xml"
    size_t begin = 0;  // the content replaced: after <w:pPr> (or the start tag) up to </w:p>
    size_t end = 0;
    std::string baseRPr;      // properties of the unit's plain text
    std::vector<Code> codes;  // per inline
};

std::string_view raw(std::string_view xml, const Element& e) {
    return xml.substr(e.begin, e.end - e.begin);
}

class Reader {
public:
    Reader(std::string_view xml, const Tree& tree) : m_xml(xml), m_tree(tree) {}
    std::vector<Item> items(size_t paragraph, size_t& contentBegin) {
        const Element& p = m_tree.elements[paragraph];
        contentBegin = p.startEnd;
        for (const Node& n : p.content) {
            if (n.kind != Node::Kind::Element)
                continue;
            const Element& c = m_tree.elements[n.index];
            if (c.name == "w:pPr")
                contentBegin = c.end;
        }
        children(paragraph);
        return std::move(m_items);
    }

private:
    void code(std::string bytes, std::string rPr = {}) {
        m_items.push_back(Item{Item::Kind::Code, std::move(bytes), std::move(rPr)});
    }
    void children(size_t element) {
        for (const Node& n : m_tree.elements[element].content) {
            if (n.kind == Node::Kind::Text) {
                const xmlspans::Text& t = m_tree.texts[n.index];
                if (t.text.find_first_not_of(" \t\r\n") != std::string::npos)
                    code(std::string(m_xml.substr(t.begin, t.end - t.begin)));  // stray text: not Word's
                continue;
            }
            if (n.kind == Node::Kind::Other)
                continue;  // comments and processing instructions inside a paragraph: dropped
            const Element& c = m_tree.elements[n.index];
            if (c.name == "w:pPr" || c.name == "w:proofErr")
                continue;  // properties stay before the content; spelling marks are stale after translation
            if (c.name == "w:r") {
                run(n.index);
            } else if (c.name == "w:hyperlink" && !c.selfClosing) {
                m_items.push_back(
                    Item{Item::Kind::LinkOpen, std::string(m_xml.substr(c.begin, c.startEnd - c.begin)), {}});
                children(n.index);
                m_items.push_back(Item{
                    Item::Kind::LinkClose, std::string(m_xml.substr(c.endBegin, c.end - c.endBegin)), {}});
            } else {
                code(std::string(
                    raw(m_xml, c)));  // bookmarks, fields, tracked changes, content controls, math
            }
        }
    }
    void run(size_t element) {
        const Element& r = m_tree.elements[element];
        std::string rPr;
        for (const Node& n : r.content)
            if (n.kind == Node::Kind::Element && m_tree.elements[n.index].name == "w:rPr")
                rPr = std::string(raw(m_xml, m_tree.elements[n.index]));
        for (const Node& n : r.content) {
            if (n.kind != Node::Kind::Element)
                continue;
            const Element& c = m_tree.elements[n.index];
            if (c.name == "w:rPr" || c.name == "w:lastRenderedPageBreak" || c.name == "w:softHyphen")
                continue;
            if (c.name == "w:t") {
                text(m_tree.textOf(n.index), rPr);
            } else if (c.name == "w:noBreakHyphen") {
                text("\u2011", rPr);
            } else {  // a tab, a break, a field character, a picture, a footnote reference: in a run of its
                      // own
                code(format("<w:r>{}{}</w:r>", rPr, raw(m_xml, c)), rPr);
            }
        }
    }
    void text(std::string t, const std::string& rPr) {
        if (t.empty())
            return;
        if (!m_items.empty() && m_items.back().kind == Item::Kind::Text && m_items.back().rPr == rPr)
            m_items.back().bytes += t;  // runs cut by revision ids or spell checking: one text
        else
            m_items.push_back(Item{Item::Kind::Text, std::move(t), rPr});
    }

    std::string_view m_xml;
    const Tree& m_tree;
    std::vector<Item> m_items;
};

struct Part {
    std::string name;
    std::string xml;
    Tree tree;
};

class DocxDocument final : public Document {
public:
    DocxDocument(std::string bytes, std::vector<Part> parts)
        : m_bytes(std::move(bytes)), m_parts(std::move(parts)) {
        for (const Part& p : m_parts)
            read(p);
    }
    const std::vector<Unit>& units() const override { return m_units; }
    Result<std::string> write(std::span<const UnitTranslation> translations,
                              const WriteOptions& options) const override;
    Result<void> validate(std::string_view written) const override;

private:
    void read(const Part& part);
    void addParagraph(const Part& part, size_t element, const std::string& label);
    Result<std::string> render(size_t unit, const UnitTranslation& t) const;

    std::string m_bytes;
    std::vector<Part> m_parts;
    std::vector<Unit> m_units;
    std::vector<Paragraph> m_paragraphs;
};

std::string partLabel(std::string_view name) {
    if (name.find("header") != std::string_view::npos)
        return "header";
    if (name.find("footer") != std::string_view::npos)
        return "footer";
    if (name.find("footnotes") != std::string_view::npos)
        return "footnote";
    if (name.find("endnotes") != std::string_view::npos)
        return "endnote";
    return "paragraph";
}

void DocxDocument::read(const Part& part) {
    for (size_t i = 0; i < part.tree.elements.size(); ++i) {
        const Element& e = part.tree.elements[i];
        if (e.name != "w:p" || e.selfClosing)
            continue;
        // A paragraph inside another (a text box in a drawing) is part of that paragraph's code.
        bool nested = false;
        bool cell = false;
        for (int p = e.parent; p >= 0 && !nested; p = part.tree.elements[size_t(p)].parent) {
            nested = part.tree.elements[size_t(p)].name == "w:p";
            cell = cell || part.tree.elements[size_t(p)].name == "w:tc";
        }
        if (nested)
            continue;
        std::string label = partLabel(part.name);
        if (label == "paragraph") {
            std::string style;
            if (auto pPr = part.tree.child(i, "pPr"))
                if (auto s = part.tree.child(*pPr, "pStyle"))
                    if (const auto* v = part.tree.elements[*s].attribute("w:val"))
                        style = v->value;
            if (style.starts_with("Heading") || style == "Title" || style == "Subtitle")
                label = "heading";
            else if (cell)
                label = "table cell";
            else if (style.starts_with("List"))
                label = "list item";
        }
        addParagraph(part, i, label);
    }
}

void DocxDocument::addParagraph(const Part& part, size_t element, const std::string& label) {
    Paragraph p;
    p.part = part.name;
    p.end = part.tree.elements[element].endBegin;
    const std::vector<Item> items = Reader(part.xml, part.tree).items(element, p.begin);
    // The plain text's properties: those of most of the paragraph's characters.
    std::map<std::string, size_t> weight;
    for (const Item& it : items)
        if (it.kind == Item::Kind::Text)
            weight[it.rPr] += it.bytes.size();
    if (weight.empty())
        return;  // no text: nothing to translate (an empty line, a picture)
    p.baseRPr = std::ranges::max_element(weight, {}, [](const auto& w) { return w.second; })->first;
    Unit u;
    auto addInline = [&](Inline::Kind kind, int pair, std::string_view shown, Code code) {
        u.inlines.push_back(Inline{u.source.size(), u.source.size() + shown.size(), kind, pair, -1});
        u.source += shown;
        p.codes.push_back(std::move(code));
    };
    int pairs = 0;
    std::vector<int> links;
    for (const Item& it : items) {
        switch (it.kind) {
            case Item::Kind::Text:
                if (it.rPr == p.baseRPr) {
                    u.source += it.bytes;
                } else {
                    const int pair = ++pairs;
                    addInline(Inline::Kind::Open, pair, "<w:r>", Code{Code::Kind::Format, it.rPr});
                    u.source += it.bytes;
                    addInline(Inline::Kind::Close, pair, "</w:r>", Code{Code::Kind::Format, it.rPr});
                }
                break;
            case Item::Kind::Code:
                addInline(Inline::Kind::Standalone, -1, it.bytes, Code{Code::Kind::Xml, it.bytes});
                break;
            case Item::Kind::LinkOpen:
                links.push_back(++pairs);
                addInline(Inline::Kind::Open, links.back(), it.bytes, Code{Code::Kind::Xml, it.bytes});
                break;
            case Item::Kind::LinkClose:
                addInline(Inline::Kind::Close, links.empty() ? -1 : links.back(), it.bytes,
                          Code{Code::Kind::Xml, it.bytes});
                if (!links.empty())
                    links.pop_back();
                break;
        }
    }
    u.id = format("{}#{}", part.name.substr(part.name.rfind('/') + 1), m_units.size() + 1);
    u.label = label;
    u.context = part.name;
    u.prose = true;
    u.placeholders = placeholder::Common;
    m_units.push_back(std::move(u));
    m_paragraphs.push_back(std::move(p));
}

// The paragraph's new content: its codes as they were, the text in runs with the properties of the
// formatting inline around it (the paragraph's plain properties outside any).
Result<std::string> DocxDocument::render(size_t unit, const UnitTranslation& t) const {
    const Paragraph& p = m_paragraphs[unit];
    auto cut = pieces(t.targets.front(), firstTargetInlines(t), p.codes.size());
    if (!cut)
        return std::unexpected(cut.error());
    std::string out;
    std::vector<const std::string*> formats{&p.baseRPr};
    for (const Piece& piece : *cut) {
        if (piece.markup) {
            const Code& c = p.codes[size_t(piece.origin)];
            if (c.kind == Code::Kind::Xml)
                out += c.bytes;
            else if (piece.kind == Inline::Kind::Open)
                formats.push_back(&c.bytes);
            else if (formats.size() > 1)
                formats.pop_back();
            continue;
        }
        std::string text(piece.bytes);
        std::ranges::replace(text, '\n', ' ');
        std::ranges::replace(text, '\r', ' ');
        out += format("<w:r>{}<w:t xml:space=\"preserve\">{}</w:t></w:r>", *formats.back(),
                      xmlspans::escapeText(text));
    }
    return out;
}

Result<std::string> DocxDocument::write(
    std::span<const UnitTranslation> translations,
    const WriteOptions& /*options: the language lives in the styles*/) const {
    auto index = translationIndex(translations, m_units.size());
    if (!index)
        return std::unexpected(index.error());
    std::map<std::string, std::vector<Replacement>> edits;
    for (size_t u = 0; u < m_units.size(); ++u) {
        if ((*index)[u] < 0)
            continue;
        const UnitTranslation& t = translations[size_t((*index)[u])];
        if (t.targets.front().find_first_not_of(" \t\r\n") == std::string::npos)
            continue;  // an empty translation keeps the source's paragraph
        auto content = render(u, t);
        if (!content)
            return fail(content.error().code,
                        format("{} ({}): {}", m_units[u].id, m_units[u].label, content.error().detail));
        edits[m_paragraphs[u].part].push_back(
            Replacement{m_paragraphs[u].begin, m_paragraphs[u].end, std::move(*content)});
    }
    if (edits.empty())
        return m_bytes;  // nothing translated: the file as it was, byte for byte
    std::map<std::string, std::string> parts;
    for (auto& [name, list] : edits) {
        const auto part = std::ranges::find(m_parts, name, &Part::name);
        auto xml = splice(part->xml, std::move(list));
        if (!xml)
            return std::unexpected(xml.error());
        parts[name] = std::move(*xml);
    }
    return zip::replace(m_bytes, parts, kWhat);
}

Result<void> DocxDocument::validate(std::string_view written) const {
    auto again = openDocx(std::string(written));
    if (!again)
        return fail(Errc::ValidationFailed,
                    format("the written DOCX does not read back: {}", again.error().detail));
    return sameUnits((*again)->units(), m_units, "the written DOCX", "paragraphs with text");
}

// The parts with text: the main document first, then headers, footers, footnotes and endnotes by name.
bool textPart(std::string_view name) {
    if (!name.starts_with("word/") || !name.ends_with(".xml") ||
        name.substr(5).find('/') != std::string_view::npos)
        return false;
    const std::string_view base = name.substr(5);
    return base.starts_with("header") || base.starts_with("footer") || base == "footnotes.xml" ||
           base == "endnotes.xml";
}

}  // namespace

Result<std::unique_ptr<Document>> openDocx(std::string bytes) {
    auto archive = zip::list(bytes, kWhat);
    if (!archive)
        return std::unexpected(archive.error());
    std::vector<std::string> names{"word/document.xml"};
    std::vector<std::string> others;
    std::ranges::copy_if(archive->names, std::back_inserter(others), textPart);
    std::ranges::sort(others);
    names.insert(names.end(), others.begin(), others.end());
    std::vector<Part> parts;
    for (const std::string& name : names) {
        auto xml = zip::read(bytes, name, kWhat);
        if (!xml)
            return std::unexpected(xml.error());
        auto tree = xmlspans::parse(*xml, format("DOCX {}", name));
        if (!tree)
            return std::unexpected(tree.error());
        parts.push_back(Part{name, std::move(*xml), std::move(*tree)});
    }
    return std::unique_ptr<Document>(std::make_unique<DocxDocument>(std::move(bytes), std::move(parts)));
}

}  // namespace lantern::translation::formats
