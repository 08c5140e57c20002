// Android string resources (res/values/strings.xml) through expat (xmlspans). A resource file holds one
// language: the translation of values/strings.xml is a values-xx/strings.xml of the same shape, so the
// writer replaces each string's text in the original bytes (the units have sources, never targets).
//
//   <string name>               one unit (translatable="false" kept as it is)
//   <plurals name><item quantity> one plural unit: "one" is the source, "other" the plural; written back
//                               with one <item> per CLDR category of the target language (plurals.h)
//   <string-array name><item>   one unit per item, "name[0]", "name[1]", ...
//
// The text is what aapt reads before its own unescaping: \' \" \n \@ \? \uXXXX stay as written and the
// guard protects them (placeholder::Escapes), as it does %1$s. A string wrapped in "..." is unwrapped and
// wrapped again. <xliff:g> is one code (its content is not translated); <b>, <i>, <u>, <a>, ... are
// paired inlines. CDATA stays CDATA. Android has no "needs review" mark in a resource file, and Lantern
// adds none (no comment, no tools: attribute): the files stay as Android Studio writes them, and the
// review happens in Lantern.
#include <algorithm>
#include <optional>
#include <unordered_set>

#include "base/strformat.h"
#include "translation/document.h"
#include "translation/formats/formats.h"
#include "translation/formats/splice.h"
#include "translation/formats/xmlspans.h"
#include "translation/plurals.h"

namespace lantern::translation::formats {

namespace {

using xmlspans::Element;
using xmlspans::Node;
using xmlspans::Tree;

constexpr std::string_view kWhat = "Android strings.xml";

// HTML that aapt keeps as styling spans: its content is text. Everything else (<xliff:g>, <annotation>
// is text too, but unknown elements are safest whole) is one code.
bool pairedInline(const Element& e) {
    static constexpr std::string_view kStyles[] = {"b",   "i",     "u",   "a",   "font", "big", "small", "strike",
                                                   "s",   "sup",   "sub", "tt",  "em",   "strong", "span",
                                                   "annotation"};
    return e.name.find(':') == std::string::npos && std::ranges::find(kStyles, e.name) != std::end(kStyles);
}

// A piece of text as aapt wants it: escapes already written (\X) are kept, a lone backslash doubled,
// quotes escaped (an apostrophe only outside a "..." string, where aapt would refuse it), and @ or ? at
// the start escaped (else it is a resource reference). `cdata`: no XML escaping, "]]>" split.
std::string escapeAndroid(std::string_view text, bool quoted, bool atStart, bool cdata) {
    std::string out;
    out.reserve(text.size() + 8);
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\') {
            const bool known = i + 1 < text.size() && std::string_view("'\"\\nt@?u").find(text[i + 1]) != std::string_view::npos;
            out += known ? std::string{c, text[++i]} : std::string("\\\\");
        } else if (c == '"' || (c == '\'' && !quoted)) {
            out += '\\';
            out += c;
        } else if ((c == '@' || c == '?') && atStart && i == 0 && !quoted) {
            out += '\\';
            out += c;
        } else {
            out += c;
        }
    }
    if (!cdata)
        return xmlspans::escapeText(out);
    for (size_t at = out.find("]]>"); at != std::string::npos; at = out.find("]]>", at + 15))
        out.replace(at, 3, "]]]]><![CDATA[>");
    return out;
}

// The first problem aapt would have with a string's text (its inlines' bytes skipped), or empty: an
// apostrophe or double quote that is not escaped (outside a "..." string), a backslash at the end.
std::string problemIn(std::string_view text, std::span<const Inline> inlines, bool quoted) {
    size_t next = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        while (next < inlines.size() && inlines[next].end <= i)
            ++next;
        if (next < inlines.size() && inlines[next].begin <= i) {
            i = inlines[next].end - 1;
            continue;
        }
        if (text[i] == '\\') {
            if (++i >= text.size())
                return "a backslash at the end (write \\\\)";
        } else if (text[i] == '\'' && !quoted) {
            return "an apostrophe without a backslash (write \\')";
        } else if (text[i] == '"') {
            return "a double quote without a backslash (write \\\")";
        }
    }
    return {};
}

// One <string>, array <item> or plural <item>: where its text is and how it is written.
struct Text {
    size_t element = 0;
    std::string lead, trail;  // raw bytes outside a "..." string (white space), kept
    bool quoted = false;
    bool cdata = false;       // the content is one CDATA section
};

struct Entry {
    Text text;                      // the string or item; for a plural, the item read as the source
    bool plural = false;
    size_t plurals = 0;             // <plurals>
    std::vector<size_t> items;      // its <item>s
};

class AndroidDocument final : public Document {
public:
    AndroidDocument(std::string bytes, Tree tree) : m_bytes(std::move(bytes)), m_tree(std::move(tree)) {}

    Result<void> read();

    const std::vector<Unit>& units() const override { return m_units; }
    size_t pluralForms(std::string_view targetLanguage) const override { return categories(targetLanguage).size(); }
    std::vector<uint64_t> pluralExamples(std::string_view targetLanguage) const override {
        std::vector<uint64_t> out;
        for (const auto& c : categories(targetLanguage))
            out.push_back(c.second);
        return out;
    }
    Result<std::string> write(std::span<const UnitTranslation> translations,
                              const WriteOptions& options) const override;
    Result<void> validate(std::string_view written) const override;

private:
    static std::vector<std::pair<std::string, uint64_t>> categories(std::string_view language) {
        return plurals::cldrCategories(language.empty() ? "en" : language);
    }
    std::string attribute(size_t element, std::string_view name) const {
        const xmlspans::Attribute* a = m_tree.elements[element].attribute(name);
        return a ? a->value : std::string();
    }
    std::string noteBefore(size_t element) const;
    Text readText(size_t element, std::string& source, std::vector<Inline>* inlines) const;
    Result<std::string> content(const Text& text, const Unit& u, const UnitTranslation& t, size_t form) const;
    Result<void> writeEntry(size_t index, const UnitTranslation& t, const WriteOptions& options,
                            std::vector<Replacement>& out) const;
    void add(Unit u, Entry e);

    std::string m_bytes;
    Tree m_tree;
    std::vector<Unit> m_units;
    std::vector<Entry> m_entries;  // parallel to m_units
};

Result<void> AndroidDocument::read() {
    const Element& root = m_tree.elements[0];
    if (root.name != "resources")
        return fail(Errc::FormatInvalid, format("{}, {}: the root element is <{}>, expected <resources>", kWhat,
                                                position(m_bytes, root.begin), root.name));
    for (const Node& n : root.content) {
        if (n.kind != Node::Kind::Element)
            continue;
        const Element& e = m_tree.elements[n.index];
        const std::string name = attribute(n.index, "name");
        const std::string product = attribute(n.index, "product");
        Unit u;
        u.id = product.empty() ? name : name + "#" + product;  // one string per product (phone, tablet)
        u.context = name;
        u.note = noteBefore(n.index);
        u.placeholders = placeholder::Printf | placeholder::Escapes | placeholder::Markup;
        u.translatable = attribute(n.index, "translatable") != "false";
        if (e.name == "string") {
            u.label = "string";
            Entry entry;
            entry.text = readText(n.index, u.source, &u.inlines);
            add(std::move(u), std::move(entry));
        } else if (e.name == "string-array") {
            const std::vector<size_t> items = m_tree.children(n.index, "item");
            for (size_t i = 0; i < items.size(); ++i) {
                Unit item = u;
                item.id = format("{}[{}]", u.id, i);
                item.label = "array item";
                Entry entry;
                entry.text = readText(items[i], item.source, &item.inlines);
                add(std::move(item), std::move(entry));
            }
        } else if (e.name == "plurals") {
            Entry entry;
            entry.plural = true;
            entry.plurals = n.index;
            entry.items = m_tree.children(n.index, "item");
            if (entry.items.empty())
                continue;
            std::optional<size_t> one, other;
            for (size_t item : entry.items) {
                const std::string quantity = attribute(item, "quantity");
                if (quantity == "one" && !one)
                    one = item;
                if (quantity == "other" && !other)
                    other = item;
            }
            const size_t singular = one.value_or(other.value_or(entry.items.front()));
            entry.text = readText(singular, u.source, &u.inlines);
            std::string plural;
            readText(other.value_or(entry.items.back()), plural, nullptr);
            u.sourcePlural = plural.empty() ? u.source : plural;
            u.label = "plural";
            add(std::move(u), std::move(entry));
        }
    }
    std::unordered_set<std::string> seen;
    for (size_t i = 0; i < m_units.size(); ++i)
        if (!seen.insert(m_units[i].id).second)
            return fail(Errc::FormatInvalid,
                        format("{}, {}: a second resource named \"{}\" (aapt refuses duplicates)", kWhat,
                               position(m_bytes, m_tree.elements[m_entries[i].text.element].begin), m_units[i].id));
    return {};
}

void AndroidDocument::add(Unit u, Entry e) {
    // Nothing to translate in an empty string or a reference to another resource (@string/other).
    if (u.source.find_first_not_of(" \t\r\n") == std::string::npos ||
        (!e.text.quoted && (u.source.starts_with('@') || u.source.starts_with('?'))))
        u.translatable = false;
    m_units.push_back(std::move(u));
    m_entries.push_back(std::move(e));
}

// The comments right before the element (only white space between), Android's notes for translators.
std::string AndroidDocument::noteBefore(size_t element) const {
    const Element& e = m_tree.elements[element];
    const std::vector<Node>& siblings = m_tree.elements[size_t(e.parent)].content;
    size_t at = 0;
    while (at < siblings.size() && !(siblings[at].kind == Node::Kind::Element && siblings[at].index == element))
        ++at;
    std::vector<std::string> notes;
    while (at-- > 0) {
        const Node& s = siblings[at];
        if (s.kind == Node::Kind::Text) {
            const std::string& t = m_tree.texts[s.index].text;
            if (t.find_first_not_of(" \t\r\n") != std::string::npos || std::ranges::count(t, '\n') > 1)
                break;  // text, or a blank line: the comment belongs to something else
            continue;
        }
        if (s.kind != Node::Kind::Other)
            break;
        const xmlspans::Other& o = m_tree.others[s.index];
        const std::string_view raw = std::string_view(m_bytes).substr(o.begin, o.end - o.begin);
        if (!raw.starts_with("<!--"))
            break;
        std::string_view body = raw.substr(4, raw.size() - 7);
        const size_t b = body.find_first_not_of(" \t\r\n");
        body = b == std::string_view::npos ? std::string_view() : body.substr(b, body.find_last_not_of(" \t\r\n") - b + 1);
        notes.insert(notes.begin(), std::string(body));
    }
    std::string out;
    for (const std::string& n : notes)
        out += (out.empty() ? "" : "\n") + n;
    return out;
}

// The element's content as a unit's source: text decoded from XML (Android escapes kept), styling tags
// and <xliff:g> as inlines, a surrounding "..." taken off.
Text AndroidDocument::readText(size_t element, std::string& source, std::vector<Inline>* inlines) const {
    Text t;
    t.element = element;
    const std::vector<xmlspans::Run> runs = xmlspans::runs(m_tree, m_bytes, element, pairedInline);
    std::vector<Inline> found;
    source.clear();
    for (const xmlspans::Run& r : runs) {
        if (r.markup)
            found.push_back(Inline{source.size(), source.size() + r.bytes.size(), r.kind, r.pair, -1});
        source += r.bytes;
    }
    t.cdata = runs.size() == 1 && runs.front().cdata;
    const size_t first = source.find_first_not_of(" \t\r\n");
    const size_t last = source.find_last_not_of(" \t\r\n");
    if (first != std::string::npos && last > first && source[first] == '"' && source[last] == '"' &&
        source[last - 1] != '\\' && (found.empty() || (found.front().begin > first && found.back().end <= last))) {
        const std::string_view inner = std::string_view(source).substr(first + 1, last - first - 1);
        std::vector<Inline> shifted = found;
        for (Inline& in : shifted) {
            in.begin -= first + 1;
            in.end -= first + 1;
        }
        if (problemIn(inner, shifted, true).empty()) {  // one "..." around the whole text, none inside
            t.quoted = true;
            t.lead = xmlspans::escapeText(source.substr(0, first));
            t.trail = xmlspans::escapeText(source.substr(last + 1));
            found = std::move(shifted);
            source = std::string(inner);
        }
    }
    if (inlines)
        *inlines = std::move(found);
    return t;
}

Result<std::string> AndroidDocument::content(const Text& text, const Unit& u, const UnitTranslation& t,
                                             size_t form) const {
    const std::span<const Inline> inlines =
        form < t.targetInlines.size() ? std::span<const Inline>(t.targetInlines[form]) : std::span<const Inline>();
    Result<std::vector<Piece>> parts = pieces(t.targets[form], inlines, u.inlines.size());
    if (!parts)
        return std::unexpected(parts.error());
    std::string out = text.lead + (text.quoted ? "\"" : "") + (text.cdata ? "<![CDATA[" : "");
    bool atStart = true;
    for (const Piece& p : *parts) {
        out += p.markup ? std::string(p.bytes) : escapeAndroid(p.bytes, text.quoted, atStart, text.cdata);
        atStart = false;
    }
    return out + (text.cdata ? "]]>" : "") + (text.quoted ? "\"" : "") + text.trail;
}

Result<std::string> AndroidDocument::write(std::span<const UnitTranslation> translations,
                                           const WriteOptions& options) const {
    Result<std::vector<int>> index = translationIndex(translations, m_units.size());
    if (!index)
        return std::unexpected(index.error());
    std::vector<Replacement> edits;
    for (size_t u = 0; u < m_units.size(); ++u) {
        if ((*index)[u] < 0)
            continue;
        if (!m_units[u].translatable)
            return fail(Errc::InvalidArgument, format("unit {} (\"{}\") is not translatable (translatable=\"false\", "
                                                      "empty or a resource reference)", u, m_units[u].id));
        if (Result<void> r = writeEntry(u, translations[size_t((*index)[u])], options, edits); !r)
            return std::unexpected(r.error());
    }
    // tools:locale names the file's language for lint; set it where the file has one.
    const xmlspans::Attribute* locale = m_tree.elements[0].attribute("tools:locale");
    if (locale && !options.targetLanguage.empty() && locale->value != options.targetLanguage)
        edits.push_back(Replacement{locale->valueBegin, locale->valueEnd, xmlspans::escapeAttribute(options.targetLanguage)});
    return splice(m_bytes, std::move(edits));
}

Result<void> AndroidDocument::writeEntry(size_t index, const UnitTranslation& t, const WriteOptions& options,
                                         std::vector<Replacement>& out) const {
    const Unit& u = m_units[index];
    const Entry& e = m_entries[index];
    if (!e.plural) {
        if (t.targets.size() != 1)
            return fail(Errc::InvalidArgument, format("unit {} (\"{}\") takes one target, not {}", index, u.id,
                                                      t.targets.size()));
        Result<std::string> text = content(e.text, u, t, 0);
        if (!text)
            return std::unexpected(text.error());
        const Element& element = m_tree.elements[e.text.element];
        out.push_back(Replacement{element.startEnd, element.endBegin, std::move(*text)});
        return {};
    }
    // The items again, one per category of the target language, in CLDR order, laid out as the first was.
    const auto cats = categories(options.targetLanguage);
    if (t.targets.size() != cats.size())
        return fail(Errc::InvalidArgument,
                    format("unit {} (\"{}\"): the target language has {} plural categories, the translation {} forms",
                           index, u.id, cats.size(), t.targets.size()));
    const Element& first = m_tree.elements[e.items.front()];
    const Element& last = m_tree.elements[e.items.back()];
    const std::optional<std::string_view> indent = xmlspans::indentBefore(m_bytes, first.begin);
    const std::string between = indent ? std::string(lineEnding(m_bytes)) + std::string(*indent) : std::string();
    std::string items;
    for (size_t f = 0; f < cats.size(); ++f) {
        Result<std::string> text = content(e.text, u, t, f);
        if (!text)
            return std::unexpected(text.error());
        items += (f ? between : "") + format("<item quantity=\"{}\">", cats[f].first) + *text + "</item>";
    }
    out.push_back(Replacement{first.begin, last.end, std::move(items)});
    return {};
}

Result<void> AndroidDocument::validate(std::string_view written) const {
    Result<std::unique_ptr<Document>> again = openAndroidXml(std::string(written));
    if (!again)
        return fail(Errc::ValidationFailed, "the written strings.xml does not parse again: " + again.error().detail);
    const std::vector<Unit>& units = (*again)->units();
    if (units.size() != m_units.size())
        return fail(Errc::ValidationFailed,
                    format("the written strings.xml has {} strings, the original {}", units.size(), m_units.size()));
    const auto& entries = static_cast<const AndroidDocument&>(**again).m_entries;
    for (size_t i = 0; i < units.size(); ++i) {
        if (units[i].id != m_units[i].id || units[i].translatable != m_units[i].translatable ||
            units[i].sourcePlural.empty() != m_units[i].sourcePlural.empty())
            return fail(Errc::ValidationFailed,
                        format("string {} (\"{}\") of the written file is not the original's", i, m_units[i].id));
        if (units[i].source == m_units[i].source)
            continue;  // untouched: whatever the original had is the author's
        if (const std::string p = problemIn(units[i].source, units[i].inlines, entries[i].text.quoted); !p.empty())
            return fail(Errc::ValidationFailed,
                        format("the translation of \"{}\" has {}; aapt would not read it as written", units[i].id, p));
    }
    return {};
}

}  // namespace

Result<std::unique_ptr<Document>> openAndroidXml(std::string bytes) {
    Result<Tree> tree = xmlspans::parse(bytes, kWhat);
    if (!tree)
        return std::unexpected(tree.error());
    auto doc = std::make_unique<AndroidDocument>(std::move(bytes), std::move(*tree));
    if (Result<void> r = doc->read(); !r)
        return std::unexpected(r.error());
    return doc;
}

}  // namespace lantern::translation::formats
