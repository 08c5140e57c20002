// XLIFF 1.2 (<trans-unit>) and 2.x (<unit><segment>) through expat (xmlspans). Inline codes are the
// units' inlines, their bytes copied verbatim into targets; a <target> is replaced or inserted after its
// <source>, and its state (1.2: on the target; 2.x: on the segment) says it is machine output.
#include <algorithm>
#include <optional>
#include <unordered_set>

#include "base/strformat.h"
#include "translation/document.h"
#include "translation/formats/formats.h"
#include "translation/formats/splice.h"
#include "translation/formats/xmlspans.h"
#include "translation/tool.h"

namespace lantern::translation::formats {

namespace {

using xmlspans::Element;
using xmlspans::Node;
using xmlspans::Tree;

constexpr std::string_view kWhat = "XLIFF";

// Elements whose content is translatable text between two codes: 1.2 <g> and <mrk>, 2.x <pc> and <mrk>.
// Every other inline element (<x/>, <ph>, <bpt>, <ept>, <it>, <bx/>, <ex/>, <sc/>, <ec/>, <cp/>, <sm/>)
// is one code, its content native data the translation must not touch.
bool pairedInline(const Element& e) {
    const std::string_view n = e.localName();
    return n == "g" || n == "mrk" || n == "pc";
}

struct Segment {
    size_t source = 0;                 // <source>
    std::optional<size_t> target;      // <target>
    size_t insertAfter = 0;            // a missing <target> goes after this element (source or seg-source)
    size_t stateElement = 0;           // the element carrying state: 1.2 the target, 2.x the segment
    size_t unit = 0;                   // <trans-unit> (1.2: approved="yes|no") or <unit>
};

class XliffDocument final : public Document {
public:
    XliffDocument(std::string bytes, Tree tree) : m_bytes(std::move(bytes)), m_tree(std::move(tree)) {}

    Result<void> read();

    const std::vector<Unit>& units() const override { return m_units; }
    std::string sourceLanguage() const override { return m_sourceLanguage; }
    Result<std::string> write(std::span<const UnitTranslation> translations,
                              const WriteOptions& options) const override;
    Result<void> validate(std::string_view written) const override;

private:
    std::string attribute(size_t element, std::string_view name) const {
        const xmlspans::Attribute* a = m_tree.elements[element].attribute(name);
        return a ? a->value : std::string();
    }
    void walk(size_t from, const std::string& prefix, bool translatable);
    void addUnit(size_t element, const std::string& id, bool translatable);
    void addSegment(Unit u, Segment s);
    Result<std::string> targetContent(const Unit& u, const UnitTranslation& t) const;
    Result<void> writeSegment(size_t index, const UnitTranslation& t, std::vector<Replacement>& out) const;
    void setAttribute(size_t element, std::string_view name, std::string_view value, std::string_view after,
                      std::vector<Replacement>& out) const;
    std::string openTagWith(size_t element, std::string_view name, std::string_view value) const;

    std::string m_bytes;
    Tree m_tree;
    bool m_two = false;  // XLIFF 2.x
    std::string m_sourceLanguage;
    std::vector<size_t> m_files;
    std::vector<Unit> m_units;
    std::vector<Segment> m_segments;  // parallel to m_units
};

Result<void> XliffDocument::read() {
    const Element& root = m_tree.elements[0];
    if (root.localName() != "xliff")
        return fail(Errc::FormatInvalid, format("{}, {}: the root element is <{}>, expected <xliff>", kWhat,
                                                position(m_bytes, root.begin), root.name));
    const std::string version = attribute(0, "version");
    const std::string ns = attribute(0, "xmlns");
    m_two = version.starts_with("2") || ns.find("xliff:document:2") != std::string::npos;
    if (!m_two && !version.empty() && !version.starts_with("1"))
        return fail(Errc::FormatUnsupported, format("{}: version {} (Lantern reads XLIFF 1.x and 2.x)", kWhat, version));
    m_files = m_tree.children(0, "file");
    m_sourceLanguage = m_two ? attribute(0, "srcLang") : m_files.empty() ? "" : attribute(m_files[0], "source-language");
    for (size_t file : m_files) {
        // Ids are unique within a <file>; with several files the file's name keeps them apart.
        const std::string name = attribute(file, m_two ? "id" : "original");
        const std::string prefix = m_files.size() > 1 ? name + "\x04" : std::string();
        const bool translatable = attribute(file, "translate") != "no";
        const std::optional<size_t> body = m_two ? std::optional<size_t>(file) : m_tree.child(file, "body");
        if (body)
            walk(*body, prefix, translatable);
    }
    std::unordered_set<std::string> seen;
    for (size_t i = 0; i < m_units.size(); ++i)
        if (!seen.insert(m_units[i].id).second)
            return fail(Errc::FormatInvalid, format("{}, {}: a second unit with id \"{}\"", kWhat,
                                                    position(m_bytes, m_tree.elements[m_segments[i].source].begin),
                                                    m_units[i].id));
    return {};
}

// Groups nest; translate="no" holds for everything inside. Units in document order (depth first, an
// explicit stack: a hostile file may nest groups deeper than the call stack allows).
void XliffDocument::walk(size_t from, const std::string& prefix, bool translatable) {
    const std::string_view unitName = m_two ? "unit" : "trans-unit";
    std::vector<std::pair<size_t, bool>> stack{{from, translatable}};
    while (!stack.empty()) {
        const auto [element, yes] = stack.back();
        stack.pop_back();
        if (m_tree.elements[element].localName() == unitName) {
            addUnit(element, prefix + attribute(element, "id"), yes);
            continue;
        }
        const std::vector<Node>& content = m_tree.elements[element].content;
        for (auto it = content.rbegin(); it != content.rend(); ++it) {  // reversed: the first child pops first
            if (it->kind != Node::Kind::Element)
                continue;
            const std::string_view name = m_tree.elements[it->index].localName();
            if (name == "group" || name == unitName)
                stack.emplace_back(it->index, yes && attribute(it->index, "translate") != "no");
        }
    }
}

void XliffDocument::addUnit(size_t element, const std::string& id, bool translatable) {
    Unit u;
    // po2xliff keeps a PO header as a trans-unit of its own: metadata, not text (the PO reader skips it too).
    u.translatable = translatable && attribute(element, "restype") != "x-gettext-domain-header";
    u.placeholders = placeholder::Printf | placeholder::Braces | placeholder::Urls;
    u.context = attribute(element, m_two ? "name" : "resname");
    const std::optional<size_t> notes = m_two ? m_tree.child(element, "notes") : std::optional<size_t>(element);
    if (notes)
        for (size_t note : m_tree.children(*notes, "note")) {
            if (!u.note.empty()) u.note += '\n';
            u.note += m_tree.textOf(note);
        }
    if (!m_two) {
        Segment s;
        const std::optional<size_t> source = m_tree.child(element, "source");
        if (!source)
            return;  // a trans-unit without source has nothing to translate (the schema requires one)
        s.source = *source;
        s.target = m_tree.child(element, "target");
        s.insertAfter = m_tree.child(element, "seg-source").value_or(*source);
        s.stateElement = s.target.value_or(0);
        s.unit = element;
        u.id = id;
        u.label = "trans-unit";
        addSegment(std::move(u), s);
        return;
    }
    const std::vector<size_t> segments = m_tree.children(element, "segment");
    for (size_t i = 0; i < segments.size(); ++i) {
        Segment s;
        const std::optional<size_t> source = m_tree.child(segments[i], "source");
        if (!source)
            continue;
        s.source = *source;
        s.target = m_tree.child(segments[i], "target");
        s.insertAfter = *source;
        s.stateElement = segments[i];
        s.unit = element;
        Unit segment = u;
        const std::string segmentId = attribute(segments[i], "id");
        segment.id = segments.size() == 1 ? id : id + "#" + (segmentId.empty() ? std::to_string(i + 1) : segmentId);
        segment.label = "segment";
        addSegment(std::move(segment), s);
    }
}

void XliffDocument::addSegment(Unit u, Segment s) {
    auto flatten = [&](size_t element, std::vector<Inline>* inlines) {
        std::string text;
        for (const xmlspans::Run& r : xmlspans::runs(m_tree, m_bytes, element, pairedInline)) {
            if (r.markup && inlines)
                inlines->push_back(Inline{text.size(), text.size() + r.bytes.size(), r.kind, r.pair, -1});
            text += r.bytes;
        }
        return text;
    };
    u.source = flatten(s.source, &u.inlines);
    if (s.target) {
        const std::string target = flatten(*s.target, nullptr);
        if (!target.empty())
            u.targets.push_back(target);
    }
    // 1.2: approved="yes" on the trans-unit is final whatever the state says (translate-toolkit reads it
    // so); approved="no" or a needs-* state is a draft; a target with neither is taken as translated.
    // 2.x: the segment's state, "initial" by default, is a draft until translated/reviewed/final.
    const std::string approved = m_two ? std::string() : attribute(s.unit, "approved");
    const std::string state = s.target || m_two ? attribute(s.stateElement, "state") : std::string();
    if (u.targets.empty())
        u.state = UnitState::Untranslated;
    else if (m_two)
        u.state = state == "translated" || state == "reviewed" || state == "final" ? UnitState::Final
                                                                                    : UnitState::NeedsReview;
    else if (approved == "yes")
        u.state = UnitState::Final;
    else
        u.state = approved != "no" && (state.empty() || state == "translated" || state == "signed-off" ||
                                       state == "final")
                      ? UnitState::Final
                      : UnitState::NeedsReview;
    m_units.push_back(std::move(u));
    m_segments.push_back(s);
}

Result<std::string> XliffDocument::write(std::span<const UnitTranslation> translations,
                                         const WriteOptions& options) const {
    Result<std::vector<int>> index = translationIndex(translations, m_units.size());
    if (!index)
        return std::unexpected(index.error());
    std::vector<Replacement> edits;
    for (size_t u = 0; u < m_units.size(); ++u) {
        if ((*index)[u] < 0)
            continue;
        if (!m_units[u].translatable)
            return fail(Errc::InvalidArgument, format("unit {} (\"{}\") has translate=\"no\"", u, m_units[u].id));
        if (Result<void> r = writeSegment(u, translations[size_t((*index)[u])], edits); !r)
            return std::unexpected(r.error());
    }
    if (!options.targetLanguage.empty()) {
        if (m_two)
            setAttribute(0, "trgLang", options.targetLanguage, "srcLang", edits);
        else
            for (size_t file : m_files)
                setAttribute(file, "target-language", options.targetLanguage, "source-language", edits);
    }
    return splice(m_bytes, std::move(edits));
}

// A target's bytes: the text escaped, the source's inline codes as they were written.
Result<std::string> XliffDocument::targetContent(const Unit& u, const UnitTranslation& t) const {
    Result<std::vector<Piece>> parts = pieces(t.targets.front(), firstTargetInlines(t), u.inlines.size());
    if (!parts)
        return std::unexpected(parts.error());
    std::string out;
    for (const Piece& p : *parts)
        out += p.markup ? std::string(p.bytes) : xmlspans::escapeText(p.bytes);
    return out;
}

// Machine output is a draft: 1.2 state="needs-review-translation" with approved="no" on the trans-unit,
// 2.x state="initial" on the segment (2.0 has initial|translated|reviewed|final, and reviewing is a
// person's step). A final translation is 1.2 state="translated" approved="yes", 2.x "translated".
Result<void> XliffDocument::writeSegment(size_t index, const UnitTranslation& t, std::vector<Replacement>& out) const {
    const Unit& u = m_units[index];
    const Segment& s = m_segments[index];
    if (!u.sourcePlural.empty() || t.targets.size() != 1)
        return fail(Errc::InvalidArgument, format("unit {} (\"{}\"): an XLIFF segment takes one target, not {}",
                                                  index, u.id, t.targets.size()));
    Result<std::string> content = targetContent(u, t);
    if (!content)
        return std::unexpected(content.error());
    const std::string state = m_two ? (t.final ? "translated" : "initial")
                                    : (t.final ? "translated" : "needs-review-translation");
    if (m_two)
        setAttribute(s.stateElement, "state", state, "id", out);
    else
        setAttribute(s.unit, "approved", t.final ? "yes" : "no", "id", out);
    if (!s.target) {
        const Element& after = m_tree.elements[s.insertAfter];
        const std::optional<std::string_view> indent = xmlspans::indentBefore(m_bytes, after.begin);
        const std::string lead = indent ? std::string(lineEnding(m_bytes)) + std::string(*indent) : std::string();
        const std::string attrs = m_two ? "" : format(" state=\"{}\"", state);
        out.push_back(Replacement{after.end, after.end, lead + "<target" + attrs + ">" + *content + "</target>"});
        return {};
    }
    const Element& target = m_tree.elements[*s.target];
    if (target.selfClosing) {
        // <target/>: the tag opens again (its attributes as they were, 1.2's state set) and closes.
        const std::string open = m_two ? std::string(std::string_view(m_bytes).substr(
                                             target.begin, target.startEnd - target.begin))
                                       : openTagWith(*s.target, "state", state);
        std::string opened = open.substr(0, open.size() - 2);
        while (!opened.empty() && (opened.back() == ' ' || opened.back() == '\n' || opened.back() == '\t' ||
                                   opened.back() == '\r'))
            opened.pop_back();
        out.push_back(Replacement{target.begin, target.end, opened + ">" + *content + "</target>"});
        return {};
    }
    if (!m_two)
        setAttribute(*s.target, "state", state, "", out);
    out.push_back(Replacement{target.startEnd, target.endBegin, *content});
    return {};
}

// name="value" on an element: the value replaced, or the attribute added after `after` (or the name).
void XliffDocument::setAttribute(size_t element, std::string_view name, std::string_view value,
                                 std::string_view after, std::vector<Replacement>& out) const {
    const Element& e = m_tree.elements[element];
    if (const xmlspans::Attribute* a = e.attribute(name)) {
        if (a->value != value)
            out.push_back(Replacement{a->valueBegin, a->valueEnd, xmlspans::escapeAttribute(value)});
        return;
    }
    const xmlspans::Attribute* anchor = after.empty() ? nullptr : e.attribute(after);
    const size_t at = anchor ? anchor->end : e.begin + 1 + e.name.size();
    out.push_back(Replacement{at, at, format(" {}=\"{}\"", name, xmlspans::escapeAttribute(value))});
}

// The element's start tag with name="value" set, for a tag that is rewritten whole (<target/>).
std::string XliffDocument::openTagWith(size_t element, std::string_view name, std::string_view value) const {
    const Element& e = m_tree.elements[element];
    std::vector<Replacement> edits;
    setAttribute(element, name, value, "", edits);
    std::string tag(std::string_view(m_bytes).substr(e.begin, e.startEnd - e.begin));
    for (const Replacement& r : edits)
        tag.replace(r.begin - e.begin, r.end - r.begin, r.bytes);
    return tag;
}

Result<void> XliffDocument::validate(std::string_view written) const {
    Result<std::unique_ptr<Document>> again = openXliff(std::string(written));
    if (!again)
        return fail(Errc::ValidationFailed, "the written XLIFF does not parse again: " + again.error().detail);
    const std::vector<Unit>& units = (*again)->units();
    if (units.size() != m_units.size())
        return fail(Errc::ValidationFailed,
                    format("the written XLIFF has {} units, the original {}", units.size(), m_units.size()));
    for (size_t i = 0; i < units.size(); ++i)
        if (units[i].id != m_units[i].id || units[i].source != m_units[i].source)
            return fail(Errc::ValidationFailed, format("unit {} (\"{}\") of the written XLIFF is not the original's",
                                                       i, m_units[i].id));
    // XLIFF 2 requires trgLang once a target exists (1.2's target-language is optional).
    if (m_two && static_cast<const XliffDocument&>(**again).attribute(0, "trgLang").empty())
        for (const Unit& u : units)
            if (!u.targets.empty())
                return fail(Errc::ValidationFailed, format("the written XLIFF 2 file has targets (unit \"{}\") but no "
                                                           "trgLang on <xliff>: give the target language", u.id));
    // xmllint (libxml2), where installed, is a second opinion on well-formedness; the XLIFF schemas are
    // not shipped with it, so validity stays the re-parse's.
    const std::optional<std::filesystem::path> xmllint = tool::find("xmllint");
    if (!xmllint)
        return {};
    const std::vector<std::string> args{"--noout", "--nonet", "-"};
    Result<tool::Output> run = tool::run(*xmllint, args, written);
    if (!run)
        return std::unexpected(run.error());
    if (run->exitCode != 0)
        return fail(Errc::ValidationFailed, "xmllint rejects the written XLIFF: " + run->err);
    return {};
}

}  // namespace

Result<std::unique_ptr<Document>> openXliff(std::string bytes) {
    Result<Tree> tree = xmlspans::parse(bytes, kWhat);
    if (!tree)
        return std::unexpected(tree.error());
    auto doc = std::make_unique<XliffDocument>(std::move(bytes), std::move(*tree));
    if (Result<void> r = doc->read(); !r)
        return std::unexpected(r.error());
    return doc;
}

}  // namespace lantern::translation::formats
