// Qt Linguist .ts catalogues (expat through xmlspans): one unit per <message>, the <translation> element's
// content replaced in the original bytes, type="unfinished" kept for machine output.
#include <algorithm>
#include <optional>
#include <unordered_set>

#include "base/strformat.h"
#include "translation/document.h"
#include "translation/formats/formats.h"
#include "translation/formats/splice.h"
#include "translation/formats/xmlspans.h"
#include "translation/plurals.h"
#include "translation/tool.h"

namespace lantern::translation::formats {

namespace {

using xmlspans::Element;
using xmlspans::Node;
using xmlspans::Tree;

constexpr std::string_view kWhat = "Qt .ts";

// Where a message's parts are.
struct Message {
    size_t element = 0;                 // <message>
    std::optional<size_t> translation;  // <translation>
    size_t insertAfter = 0;             // the element a missing <translation> follows
    bool numerus = false;
};

void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

// The text of a <source>, <translation> or <numerusform>: character data, and the control characters Qt
// writes as <byte value="x1b"/> (XML 1.0 cannot hold them).
std::string textOf(const Tree& tree, size_t element) {
    std::string out;
    for (const Node& n : tree.elements[element].content) {
        if (n.kind == Node::Kind::Text) {
            out += tree.texts[n.index].text;
        } else if (n.kind == Node::Kind::Element && tree.elements[n.index].name == "byte") {
            const xmlspans::Attribute* v = tree.elements[n.index].attribute("value");
            if (!v || v->value.empty())
                continue;
            const bool hex = v->value[0] == 'x';
            const uint32_t cp = uint32_t(std::strtoul(v->value.c_str() + (hex ? 1 : 0), nullptr, hex ? 16 : 10));
            if (cp > 0 && cp <= 0x10FFFF)
                appendUtf8(out, cp);
        }
    }
    return out;
}

// Text as Qt's own writer escapes it (& < > " '), control characters as <byte>.
std::string escapeTs(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r')
                out += std::string("<byte value=\"x") + "0123456789abcdef"[(c >> 4) & 15] + "0123456789abcdef"[c & 15] +
                       "\"/>";
            else
                out += c;
        }
    }
    return out;
}

// "pt-BR" -> "pt_BR", "zh-Hans" -> "zh_CN", "zh-Hant-HK" -> "zh_HK": the locale names Qt writes.
std::string qtLanguage(std::string_view bcp47) {
    std::string out(bcp47);
    std::ranges::replace(out, '-', '_');
    for (auto [script, region] : {std::pair{"zh_Hans", "zh_CN"}, {"zh_Hant", "zh_TW"}})
        if (out.starts_with(script))
            out = out.size() > 8 ? "zh" + out.substr(7) : std::string(region);
    return out;
}

class TsDocument final : public Document {
public:
    TsDocument(std::string bytes, Tree tree) : m_bytes(std::move(bytes)), m_tree(std::move(tree)) {}

    Result<void> read();

    const std::vector<Unit>& units() const override { return m_units; }
    std::string sourceLanguage() const override { return attribute(0, "sourcelanguage"); }
    size_t pluralForms(std::string_view targetLanguage) const override { return rule(targetLanguage).forms; }
    std::vector<uint64_t> pluralExamples(std::string_view targetLanguage) const override {
        return rule(targetLanguage).examples;
    }
    Result<std::string> write(std::span<const UnitTranslation> translations,
                              const WriteOptions& options) const override;
    Result<void> validate(std::string_view written) const override;

private:
    std::string attribute(size_t element, std::string_view name) const {
        const xmlspans::Attribute* a = m_tree.elements[element].attribute(name);
        return a ? a->value : std::string();
    }
    // The target language's numerus forms; without one, the language the file names.
    plurals::Rule rule(std::string_view targetLanguage) const {
        return plurals::qtNumerusRule(targetLanguage.empty() ? attribute(0, "language") : targetLanguage);
    }
    void readMessage(size_t context, const std::string& contextName, size_t message);
    Result<void> writeMessage(const Message& m, const UnitTranslation& t, size_t forms,
                              std::vector<Replacement>& out) const;
    std::string content(const Message& m, const UnitTranslation& t, std::string_view outerIndent) const;
    void writeType(const Element& translation, bool final, std::vector<Replacement>& out) const;
    void writeLanguage(std::string_view language, std::vector<Replacement>& out) const;

    std::string m_bytes;
    Tree m_tree;
    std::vector<Unit> m_units;
    std::vector<Message> m_messages;  // parallel to m_units
};

Result<void> TsDocument::read() {
    const Element& root = m_tree.elements[0];
    if (root.name != "TS")
        return fail(Errc::FormatInvalid, format("{}, {}: the root element is <{}>, expected <TS>", kWhat,
                                                position(m_bytes, root.begin), root.name));
    for (size_t context : m_tree.children(0, "context")) {
        const std::optional<size_t> name = m_tree.child(context, "name");
        const std::string contextName = name ? m_tree.textOf(*name) : std::string();
        for (size_t message : m_tree.children(context, "message"))
            readMessage(context, contextName, message);
    }
    std::unordered_set<std::string> seen;
    for (size_t i = 0; i < m_units.size(); ++i)
        if (!seen.insert(m_units[i].id).second && m_units[i].translatable)
            return fail(Errc::FormatInvalid,
                        format("{}, {}: a second message \"{}\" in context \"{}\" with the same comment", kWhat,
                               position(m_bytes, m_tree.elements[m_messages[i].element].begin),
                               m_units[i].source.substr(0, 60), m_units[i].context));
    return {};
}

void TsDocument::readMessage(size_t context, const std::string& contextName, size_t message) {
    (void)context;
    Message m;
    m.element = message;
    m.insertAfter = message;
    Unit u;
    u.context = contextName;
    u.label = "message";
    u.placeholders = placeholder::Qt | placeholder::Markup | placeholder::Accelerators;
    m.numerus = attribute(message, "numerus") == "yes";
    std::string comment;
    std::vector<std::string> notes;
    for (const Node& n : m_tree.elements[message].content) {
        if (n.kind != Node::Kind::Element)
            continue;
        const std::string& name = m_tree.elements[n.index].name;
        if (name == "source")
            u.source = textOf(m_tree, n.index);
        else if (name == "comment")
            comment = m_tree.textOf(n.index);
        if (name == "comment" || name == "extracomment" || name == "translatorcomment") {
            const std::string text = m_tree.textOf(n.index);
            if (!text.empty())
                notes.push_back(text);
        }
        if (name == "source" || name == "oldsource" || name == "comment" || name == "oldcomment" ||
            name == "extracomment" || name == "translatorcomment")
            m.insertAfter = n.index;
        if (name == "translation")
            m.translation = n.index;
    }
    for (const std::string& note : notes)
        u.note += (u.note.empty() ? "" : "\n") + note;
    const std::string id = attribute(message, "id");
    u.id = !id.empty() ? id : contextName + "\x04" + u.source + (comment.empty() ? "" : "\x04" + comment);
    if (m.numerus)
        u.sourcePlural = u.source;
    std::string type;
    bool variants = false;
    if (m.translation) {
        type = attribute(*m.translation, "type");
        variants = attribute(*m.translation, "variants") == "yes";
        if (m.numerus) {
            for (size_t form : m_tree.children(*m.translation, "numerusform"))
                u.targets.push_back(textOf(m_tree, form));
        } else {
            u.targets.push_back(textOf(m_tree, *m.translation));
        }
    }
    const bool empty = std::ranges::all_of(u.targets, [](const std::string& s) { return s.empty(); });
    if (empty)
        u.targets.clear();
    u.state = empty ? UnitState::Untranslated : type == "unfinished" ? UnitState::NeedsReview : UnitState::Final;
    // Vanished and obsolete messages are gone from the sources; length variants are a layout of their own
    // that a plain translation would flatten.
    u.translatable = type != "vanished" && type != "obsolete" && !variants;
    if (variants)
        u.label = "message with length variants";
    m_units.push_back(std::move(u));
    m_messages.push_back(m);
}

Result<std::string> TsDocument::write(std::span<const UnitTranslation> translations,
                                      const WriteOptions& options) const {
    Result<std::vector<int>> index = translationIndex(translations, m_units.size());
    if (!index)
        return std::unexpected(index.error());
    const size_t forms = pluralForms(options.targetLanguage);
    std::vector<Replacement> edits;
    for (size_t u = 0; u < m_units.size(); ++u) {
        if ((*index)[u] < 0)
            continue;
        if (!m_units[u].translatable)
            return fail(Errc::InvalidArgument,
                        format("unit {} ({}) is vanished or obsolete and is not translated", u,
                               position(m_bytes, m_tree.elements[m_messages[u].element].begin)));
        if (Result<void> r = writeMessage(m_messages[u], translations[size_t((*index)[u])], forms, edits); !r)
            return std::unexpected(r.error());
    }
    if (!options.targetLanguage.empty())
        writeLanguage(qtLanguage(options.targetLanguage), edits);
    return splice(m_bytes, std::move(edits));
}

Result<void> TsDocument::writeMessage(const Message& m, const UnitTranslation& t, size_t forms,
                                      std::vector<Replacement>& out) const {
    if (m.numerus && t.targets.size() != forms)
        return fail(Errc::InvalidArgument,
                    format("{}, {}: the target language has {} numerus forms, the translation {}", kWhat,
                           position(m_bytes, m_tree.elements[m.element].begin), forms, t.targets.size()));
    if (!m.translation) {
        // lupdate always writes a <translation>; a hand-made file may not: it goes after the comments.
        const Element& after = m_tree.elements[m.insertAfter];
        const std::optional<std::string_view> indent = xmlspans::indentBefore(m_bytes, after.begin);
        const std::string lead = indent ? "\n" + std::string(*indent) : std::string();
        out.push_back(Replacement{after.end, after.end,
                                  lead + (t.final ? "<translation>" : "<translation type=\"unfinished\">") +
                                      content(m, t, indent.value_or("")) + "</translation>"});
        return {};
    }
    const Element& tr = m_tree.elements[*m.translation];
    const std::string text = content(m, t, xmlspans::indentBefore(m_bytes, tr.begin).value_or(""));
    if (tr.selfClosing) {
        // <translation type="unfinished"/>: the tag opens again (its attributes as they were) and closes.
        std::string tag(std::string_view(m_bytes).substr(tr.begin, tr.startEnd - tr.begin));
        size_t slash = tag.size() - 2;
        while (slash > 0 && (tag[slash - 1] == ' ' || tag[slash - 1] == '\t' || tag[slash - 1] == '\n'))
            --slash;
        std::vector<Replacement> inTag;
        writeType(tr, t.final, inTag);
        std::string opened = tag.substr(0, slash);
        std::ranges::sort(inTag, [](const Replacement& a, const Replacement& b) { return a.begin > b.begin; });
        for (const Replacement& r : inTag)
            opened.replace(r.begin - tr.begin, r.end - r.begin, r.bytes);
        out.push_back(Replacement{tr.begin, tr.end, opened + ">" + text + "</translation>"});
        return {};
    }
    writeType(tr, t.final, out);
    out.push_back(Replacement{tr.startEnd, tr.endBegin, text});
    return {};
}

// The new content of a <translation>: the text, or one <numerusform> per form on lines of their own.
std::string TsDocument::content(const Message& m, const UnitTranslation& t, std::string_view outerIndent) const {
    if (!m.numerus)
        return escapeTs(t.targets.front());
    std::string inner = std::string(outerIndent) + "    ";
    if (m.translation) {
        const std::vector<size_t> existing = m_tree.children(*m.translation, "numerusform");
        if (!existing.empty())
            inner = xmlspans::indentBefore(m_bytes, m_tree.elements[existing.front()].begin).value_or(inner);
    }
    std::string out;
    for (const std::string& form : t.targets)
        out += "\n" + inner + "<numerusform>" + escapeTs(form) + "</numerusform>";
    return out + "\n" + std::string(outerIndent);
}

// type="unfinished" stays for machine output (and is added where the old translation was finished); a
// final translation loses it.
void TsDocument::writeType(const Element& tr, bool final, std::vector<Replacement>& out) const {
    const xmlspans::Attribute* type = tr.attribute("type");
    if (final && type && type->value == "unfinished") {
        size_t from = type->begin;
        while (from > tr.begin && std::string_view(" \t\r\n").find(m_bytes[from - 1]) != std::string_view::npos)
            --from;
        out.push_back(Replacement{from, type->end, {}});
    } else if (!final && !type) {
        const size_t at = tr.begin + 1 + tr.name.size();
        out.push_back(Replacement{at, at, " type=\"unfinished\""});
    } else if (!final && type && type->value != "unfinished") {
        out.push_back(Replacement{type->valueBegin, type->valueEnd, "unfinished"});
    }
}

void TsDocument::writeLanguage(std::string_view language, std::vector<Replacement>& out) const {
    const Element& root = m_tree.elements[0];
    if (const xmlspans::Attribute* a = root.attribute("language")) {
        if (a->value != language)
            out.push_back(Replacement{a->valueBegin, a->valueEnd, xmlspans::escapeAttribute(language)});
        return;
    }
    const xmlspans::Attribute* version = root.attribute("version");
    const size_t at = version ? version->end : root.begin + 3;
    out.push_back(Replacement{at, at, format(" language=\"{}\"", xmlspans::escapeAttribute(language))});
}

Result<void> TsDocument::validate(std::string_view written) const {
    Result<std::unique_ptr<Document>> again = openQtTs(std::string(written));
    if (!again)
        return fail(Errc::ValidationFailed, "the written catalogue does not parse again: " + again.error().detail);
    const std::vector<Unit>& units = (*again)->units();
    if (units.size() != m_units.size())
        return fail(Errc::ValidationFailed,
                    format("the written catalogue has {} messages, the original {}", units.size(), m_units.size()));
    for (size_t i = 0; i < units.size(); ++i)
        if (units[i].id != m_units[i].id || units[i].source != m_units[i].source)
            return fail(Errc::ValidationFailed,
                        format("message {} of the written catalogue is not the original's ({})", i,
                               position(m_bytes, m_tree.elements[m_messages[i].element].begin)));
    const std::vector<std::string> qtDirs{"/usr/lib/qt6/bin", "/usr/lib/qt5/bin", "/usr/lib64/qt6/bin",
                                          "/usr/lib/x86_64-linux-gnu/qt6/bin", "/usr/local/opt/qt/bin"};
    const std::optional<std::filesystem::path> lrelease = tool::find("lrelease", qtDirs);
    if (!lrelease)
        return {};  // Qt's tools are not installed: the re-parse is the check
    Result<tool::TempFile> file = tool::TempFile::create("catalogue.ts", written);
    if (!file)
        return std::unexpected(file.error());
    const std::vector<std::string> args{file->path().string(), "-qm", (file->folder() / "catalogue.qm").string()};
    Result<tool::Output> run = tool::run(*lrelease, args);
    if (!run)
        return std::unexpected(run.error());
    // lrelease drops or pads numerus forms that do not match the language, and says so on stdout.
    const bool formsChanged = run->out.find("plural forms") != std::string::npos;
    const bool complained = run->err.find("rror") != std::string::npos;  // "Error:", "error:" (exit 0 regardless)
    if (run->exitCode != 0 || formsChanged || complained)
        return fail(Errc::ValidationFailed,
                    format("lrelease rejects the written catalogue: {}{}", run->err, formsChanged ? run->out : ""));
    return {};
}

}  // namespace

Result<std::unique_ptr<Document>> openQtTs(std::string bytes) {
    Result<Tree> tree = xmlspans::parse(bytes, kWhat);
    if (!tree)
        return std::unexpected(tree.error());
    auto doc = std::make_unique<TsDocument>(std::move(bytes), std::move(*tree));
    if (Result<void> r = doc->read(); !r)
        return std::unexpected(r.error());
    return doc;
}

}  // namespace lantern::translation::formats
