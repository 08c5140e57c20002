#include "translation/formats/htmlwalk.h"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>

#include "base/strformat.h"

namespace lantern::translation::formats::html {

namespace {

constexpr size_t npos = std::string_view::npos;

// Never translated, attributes included: code, scripts, preformatted text, embedded documents.
constexpr std::array kSkipped{GUMBO_TAG_SCRIPT,    GUMBO_TAG_STYLE,    GUMBO_TAG_PRE,  GUMBO_TAG_TEXTAREA,
                              GUMBO_TAG_TEMPLATE,  GUMBO_TAG_NOSCRIPT, GUMBO_TAG_SVG,  GUMBO_TAG_MATH,
                              GUMBO_TAG_IFRAME,    GUMBO_TAG_OBJECT,   GUMBO_TAG_CODE, GUMBO_TAG_XMP,
                              GUMBO_TAG_PLAINTEXT, GUMBO_TAG_LISTING};
// Inside a run, kept whole as one Standalone inline: line breaks, images, form controls, code, media.
constexpr std::array kStandalone{
    GUMBO_TAG_BR,    GUMBO_TAG_WBR,      GUMBO_TAG_IMG,   GUMBO_TAG_INPUT,  GUMBO_TAG_KBD,   GUMBO_TAG_SAMP,
    GUMBO_TAG_VAR,   GUMBO_TAG_AUDIO,    GUMBO_TAG_VIDEO, GUMBO_TAG_CANVAS, GUMBO_TAG_EMBED, GUMBO_TAG_MAP,
    GUMBO_TAG_METER, GUMBO_TAG_PROGRESS, GUMBO_TAG_AREA,  GUMBO_TAG_SOURCE, GUMBO_TAG_TRACK};
// Phrasing elements whose tags are an Open/Close pair around translated text.
constexpr std::array kInline{
    GUMBO_TAG_A,     GUMBO_TAG_ABBR, GUMBO_TAG_ACRONYM, GUMBO_TAG_B,      GUMBO_TAG_BDI,    GUMBO_TAG_BDO,
    GUMBO_TAG_BIG,   GUMBO_TAG_CITE, GUMBO_TAG_DATA,    GUMBO_TAG_DEL,    GUMBO_TAG_DFN,    GUMBO_TAG_EM,
    GUMBO_TAG_FONT,  GUMBO_TAG_I,    GUMBO_TAG_INS,     GUMBO_TAG_MARK,   GUMBO_TAG_NOBR,   GUMBO_TAG_Q,
    GUMBO_TAG_RB,    GUMBO_TAG_RP,   GUMBO_TAG_RT,      GUMBO_TAG_RTC,    GUMBO_TAG_RUBY,   GUMBO_TAG_S,
    GUMBO_TAG_SMALL, GUMBO_TAG_SPAN, GUMBO_TAG_STRIKE,  GUMBO_TAG_STRONG, GUMBO_TAG_SUB,    GUMBO_TAG_SUP,
    GUMBO_TAG_TIME,  GUMBO_TAG_TT,   GUMBO_TAG_U,       GUMBO_TAG_OUTPUT, GUMBO_TAG_UNKNOWN};

template <size_t N>
bool among(const std::array<GumboTag, N>& set, GumboTag t) {
    return std::ranges::find(set, t) != set.end();
}

constexpr unsigned kRepaired = GUMBO_INSERTION_RECONSTRUCTED_FORMATTING_ELEMENT |
                               GUMBO_INSERTION_ADOPTION_AGENCY_CLONED |
                               GUMBO_INSERTION_ADOPTION_AGENCY_MOVED | GUMBO_INSERTION_FOSTER_PARENTED;

bool space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

const char* attribute(const GumboElement& e, const char* name) {
    const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
    return a ? a->value : nullptr;
}

// translate="no" or class="... notranslate ..." (Google's and the HTML standard's opt-outs).
bool optedOut(const GumboElement& e) {
    if (const char* t = attribute(e, "translate"); t && std::string_view(t) == "no")
        return true;
    const char* c = attribute(e, "class");
    if (!c)
        return false;
    const std::string_view classes(c);
    for (size_t at = classes.find("notranslate"); at != npos; at = classes.find("notranslate", at + 1)) {
        const size_t end = at + 11;
        if ((at == 0 || space(classes[at - 1])) && (end == classes.size() || space(classes[end])))
            return true;
    }
    return false;
}

std::string collapse(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (space(c)) {
            if (out.empty() || out.back() != ' ')
                out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

struct Kind {
    const char* prefix;
    const char* label;
    bool prose;
};

Kind runKind(GumboTag t) {
    switch (t) {
        case GUMBO_TAG_P:
            return {"p", "paragraph", true};
        case GUMBO_TAG_H1:
            return {"h", "heading 1", false};
        case GUMBO_TAG_H2:
            return {"h", "heading 2", false};
        case GUMBO_TAG_H3:
            return {"h", "heading 3", false};
        case GUMBO_TAG_H4:
            return {"h", "heading 4", false};
        case GUMBO_TAG_H5:
            return {"h", "heading 5", false};
        case GUMBO_TAG_H6:
            return {"h", "heading 6", false};
        case GUMBO_TAG_LI:
            return {"li", "list item", true};
        case GUMBO_TAG_TD:
            return {"td", "table cell", false};
        case GUMBO_TAG_TH:
            return {"th", "table header", false};
        case GUMBO_TAG_DT:
            return {"dt", "term", false};
        case GUMBO_TAG_DD:
            return {"dd", "definition", true};
        case GUMBO_TAG_CAPTION:
            return {"caption", "table caption", false};
        case GUMBO_TAG_FIGCAPTION:
            return {"caption", "caption", true};
        case GUMBO_TAG_BLOCKQUOTE:
            return {"q", "quote", true};
        case GUMBO_TAG_TITLE:
            return {"title", "title", false};
        case GUMBO_TAG_BUTTON:
            return {"button", "button", false};
        case GUMBO_TAG_LABEL:
            return {"label", "label", false};
        case GUMBO_TAG_OPTION:
            return {"option", "option", false};
        case GUMBO_TAG_SUMMARY:
            return {"summary", "summary", false};
        case GUMBO_TAG_LEGEND:
            return {"legend", "legend", false};
        default:
            return {"text", "text", true};
    }
}

}  // namespace

namespace {

struct Part {
    bool text = false;
    bool dropped = false;  // white space at either end of a run: outside the unit
    size_t begin = 0;      // bytes in the file
    size_t end = 0;
    std::string decoded;  // text: what a person reads
    Inline::Kind kind = Inline::Kind::Standalone;
    int pair = -1;
};

class Walker {
public:
    Walker(std::string_view s, Parsed& out) : m_s(s), m_out(out) {}
    void document(GumboNode* root);

private:
    struct Run {
        std::vector<Part> parts;
        std::vector<GumboNode*> withAttributes;  // elements of the run whose attributes may be units
        size_t pos = npos;
        int pairs = 0;
        bool rcdata = false;  // <title>: a '<' in its text is text
    };

    size_t offset(const char* p) const { return size_t(p - m_s.data()); }
    bool inlineContent(GumboNode* n);
    void container(GumboNode* n);
    void attributes(GumboNode* n);
    void flush(std::vector<GumboNode*>& nodes, GumboNode* container, bool rcdata = false);
    bool add(GumboNode* n, Run& run);
    bool gap(Run& run, size_t at);
    size_t nodeEnd(GumboNode* n);
    void finish(Run& run, GumboNode* container);

    std::string_view m_s;
    Parsed& m_out;
    std::unordered_map<const GumboNode*, bool> m_inline;
    std::unordered_set<size_t>
        m_attributeValues;  // values already units (gumbo's repaired clones share them)
};

bool Walker::inlineContent(GumboNode* n) {
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE)
        return true;
    if (auto it = m_inline.find(n); it != m_inline.end())
        return it->second;
    const GumboElement& e = n->v.element;
    bool result = false;
    if (e.tag == GUMBO_TAG_PRE || e.tag == GUMBO_TAG_XMP || e.tag == GUMBO_TAG_LISTING ||
        e.tag == GUMBO_TAG_PLAINTEXT)
        result = false;  // block-level and never translated: container() skips them
    else if (among(kSkipped, e.tag) || among(kStandalone, e.tag))
        result = true;
    else if (optedOut(e))
        result = among(kInline, e.tag);  // an opted-out span is one Standalone; an opted-out block is skipped
    else if (among(kInline, e.tag)) {
        // An inline element around blocks (<a><div>...</div></a>) is a container: its blocks are units.
        result = true;
        for (unsigned i = 0; i < e.children.length && result; ++i)
            result = inlineContent(static_cast<GumboNode*>(e.children.data[i]));
    }
    m_inline[n] = result;
    return result;
}

size_t Walker::nodeEnd(GumboNode* n) {
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE)
        return offset(n->v.text.original_text.data) + n->v.text.original_text.length;
    const GumboElement& e = n->v.element;
    if (e.original_end_tag.length > 0)
        return offset(e.original_end_tag.data) + e.original_end_tag.length;
    size_t end = e.original_tag.length > 0 ? offset(e.original_tag.data) + e.original_tag.length : 0;
    for (unsigned i = 0; i < e.children.length; ++i)
        end = std::max(end, nodeEnd(static_cast<GumboNode*>(e.children.data[i])));
    return end;
}

bool Walker::gap(Run& run, size_t at) {
    if (run.pos == npos) {
        run.pos = at;
        return true;
    }
    if (at < run.pos)
        return false;    // gumbo moved a node before one that precedes it in the file
    if (at > run.pos) {  // bytes no node holds (a stray end tag gumbo ignored): kept verbatim
        const std::string_view bytes = m_s.substr(run.pos, at - run.pos);
        Part p;
        p.begin = run.pos;
        p.end = at;
        if (std::ranges::all_of(bytes, space)) {
            p.text = true;
            p.decoded = " ";
        }
        run.parts.push_back(std::move(p));
        run.pos = at;
    }
    return true;
}

bool Walker::add(GumboNode* n, Run& run) {
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA ||
        n->type == GUMBO_NODE_COMMENT) {
        const GumboStringPiece raw = n->v.text.original_text;
        const size_t b = offset(raw.data);
        if (!gap(run, b))
            return false;
        const std::string_view bytes(raw.data, raw.length);
        // gumbo leaves tags it ignores inside a text node's original text: its bytes are not all text.
        if (n->type == GUMBO_NODE_TEXT && !run.rcdata) {
            for (size_t at = bytes.find('<'); at != npos; at = bytes.find('<', at + 1))
                if (at + 1 < bytes.size() &&
                    (std::isalpha(static_cast<unsigned char>(bytes[at + 1])) || bytes[at + 1] == '/' ||
                     bytes[at + 1] == '!' || bytes[at + 1] == '?'))
                    return false;
        }
        Part p;
        p.text = n->type != GUMBO_NODE_COMMENT;
        p.begin = b;
        p.end = b + raw.length;
        if (p.text)
            p.decoded = n->v.text.text;
        run.parts.push_back(std::move(p));
        run.pos = b + raw.length;
        return true;
    }
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE)
        return false;
    if (n->parse_flags & kRepaired)
        return false;
    const GumboElement& e = n->v.element;
    const size_t start = e.original_tag.length > 0 ? offset(e.original_tag.data) : npos;
    if (among(kSkipped, e.tag) || among(kStandalone, e.tag) || optedOut(e)) {
        if (start == npos || !gap(run, start))
            return false;
        const size_t end = nodeEnd(n);
        run.parts.push_back(Part{false, false, start, end, {}, Inline::Kind::Standalone, -1});
        run.pos = end;
        if ((e.tag == GUMBO_TAG_IMG || e.tag == GUMBO_TAG_INPUT || e.tag == GUMBO_TAG_AREA) && !optedOut(e))
            run.withAttributes.push_back(n);
        return true;
    }
    size_t open = npos;   // index of the start tag's part
    if (start != npos) {  // an element gumbo implied has no start tag: only its content is there
        if (!gap(run, start))
            return false;
        open = run.parts.size();
        run.parts.push_back(
            Part{false, false, start, start + e.original_tag.length, {}, Inline::Kind::Open, ++run.pairs});
        run.pos = start + e.original_tag.length;
        run.withAttributes.push_back(n);
    }
    for (unsigned i = 0; i < e.children.length; ++i)
        if (!add(static_cast<GumboNode*>(e.children.data[i]), run))
            return false;
    if (e.original_end_tag.length > 0) {
        const size_t b = offset(e.original_end_tag.data);
        if (!gap(run, b))
            return false;
        const bool paired = open != npos;
        run.parts.push_back(Part{false,
                                 false,
                                 b,
                                 b + e.original_end_tag.length,
                                 {},
                                 paired ? Inline::Kind::Close : Inline::Kind::Standalone,
                                 paired ? run.parts[open].pair : -1});
        run.pos = b + e.original_end_tag.length;
    } else if (open != npos) {  // not closed in the file: the start tag alone
        run.parts[open].kind = Inline::Kind::Standalone;
        run.parts[open].pair = -1;
    }
    return true;
}

}  // namespace

namespace {

void Walker::finish(Run& run, GumboNode* container) {
    // White space collapses as a browser shows it; at either end of the run it is outside the unit.
    bool lastSpace = true;
    for (Part& p : run.parts) {
        if (!p.text) {
            lastSpace = false;
            continue;
        }
        p.decoded = collapse(p.decoded);
        if (lastSpace && p.decoded.starts_with(' '))
            p.decoded.erase(0, 1);
        if (!p.decoded.empty())
            lastSpace = p.decoded.ends_with(' ');
    }
    for (Part& p : run.parts) {
        if (!p.text)
            break;
        const size_t n = std::min(p.decoded.find_first_not_of(' '), p.decoded.size());
        p.decoded.erase(0, n);
        while (p.begin < p.end && space(m_s[p.begin]))
            ++p.begin;
        p.dropped = p.decoded.empty();
        if (!p.dropped)
            break;
    }
    for (size_t i = run.parts.size(); i-- > 0;) {
        Part& p = run.parts[i];
        if (!p.text)
            break;
        if (p.dropped)
            continue;
        while (p.decoded.ends_with(' '))
            p.decoded.pop_back();
        while (p.end > p.begin && space(m_s[p.end - 1]))
            --p.end;
        p.dropped = p.decoded.empty();
        if (!p.dropped)
            break;
    }
    const GumboTag tag = container->type == GUMBO_NODE_ELEMENT ? container->v.element.tag : GUMBO_TAG_BODY;
    const Kind kind = runKind(tag);
    Unit u;
    Layout layout;
    layout.begin = npos;
    for (const Part& p : run.parts) {
        if (p.dropped)
            continue;
        layout.begin = std::min(layout.begin, p.begin);
        layout.end = std::max(layout.end, p.end);
        if (p.text) {
            u.source += p.decoded;
            continue;
        }
        Inline in;
        in.begin = u.source.size();
        u.source.append(m_s.substr(p.begin, p.end - p.begin));
        in.end = u.source.size();
        in.kind = p.kind;
        in.pair = p.pair;
        u.inlines.push_back(in);
        layout.inlineBytes.push_back({p.begin, p.end});
    }
    u.id = format("{}{}", kind.prefix, m_out.units.size() + 1);
    u.label = kind.label;
    u.context = gumbo_normalized_tagname(tag);
    u.prose = kind.prose;
    u.placeholders = placeholder::Common;
    m_out.units.push_back(std::move(u));
    m_out.layouts.push_back(std::move(layout));
}

void Walker::flush(std::vector<GumboNode*>& nodes, GumboNode* container, bool rcdata) {
    if (nodes.empty())
        return;
    Run run;
    run.rcdata = rcdata;
    bool placed = true;
    for (GumboNode* n : nodes)
        if (!(placed = add(n, run)))
            break;
    const bool words = std::ranges::any_of(
        run.parts, [](const Part& p) { return p.text && p.decoded.find_first_not_of(" \t\n\r\f") != npos; });
    if (placed && words)
        finish(run, container);
    else if (!placed)
        ++m_out.kept;  // its bytes stay as they are; attributes are still found below
    for (GumboNode* n : run.withAttributes)
        attributes(n);
    nodes.clear();
}

struct AttributeKind {
    const char* prefix;
    const char* label;
};

// Which attribute values people read: alternative text, tooltips, placeholders, accessible names, the
// text of buttons made of <input>, <track> and <option> labels, and the page description search engines
// and link previews show.
bool readable(const GumboElement& e, const GumboAttribute& a, AttributeKind& kind) {
    const std::string_view name = a.name;
    const GumboTag t = e.tag;
    if (name == "alt" && (t == GUMBO_TAG_IMG || t == GUMBO_TAG_AREA || t == GUMBO_TAG_INPUT))
        kind = {"alt", "alt text"};
    else if (name == "title")
        kind = {"title", "title attribute"};
    else if (name == "placeholder" && (t == GUMBO_TAG_INPUT || t == GUMBO_TAG_TEXTAREA))
        kind = {"placeholder", "placeholder"};
    else if (name == "aria-label" || name == "aria-description")
        kind = {"aria", "aria-label"};
    else if (name == "label" && (t == GUMBO_TAG_TRACK || t == GUMBO_TAG_OPTION || t == GUMBO_TAG_OPTGROUP))
        kind = {"label", "label attribute"};
    else if (name == "value" && t == GUMBO_TAG_INPUT) {
        const char* type = attribute(e, "type");
        const std::string_view ty = type ? type : "";
        if (ty != "submit" && ty != "button" && ty != "reset")
            return false;
        kind = {"value", "button text"};
    } else if (name == "content" && t == GUMBO_TAG_META) {
        const char* n = attribute(e, "name");
        const char* p = attribute(e, "property");
        const std::string_view key = n ? n : p ? p : "";
        if (key != "description" && key != "og:title" && key != "og:description" && key != "twitter:title" &&
            key != "twitter:description")
            return false;
        kind = {"meta", "page description"};
    } else {
        return false;
    }
    return true;
}

void Walker::attributes(GumboNode* n) {
    if (n->type != GUMBO_NODE_ELEMENT || (n->parse_flags & kRepaired))
        return;
    const GumboElement& e = n->v.element;
    for (unsigned i = 0; i < e.attributes.length; ++i) {
        const auto& a = *static_cast<const GumboAttribute*>(e.attributes.data[i]);
        AttributeKind kind{};
        if (!readable(e, a, kind) || a.original_value.length == 0)
            continue;
        std::string value = collapse(a.value);
        if (value.starts_with(' '))
            value.erase(0, 1);
        if (value.ends_with(' '))
            value.pop_back();
        const size_t b = offset(a.original_value.data);
        if (value.empty() || !m_attributeValues.insert(b).second)
            continue;
        Unit u;
        u.id = format("{}{}", kind.prefix, m_out.units.size() + 1);
        u.label = kind.label;
        u.context = format("{} {}", gumbo_normalized_tagname(e.tag), a.name);
        u.source = std::move(value);
        u.placeholders = placeholder::Common;
        Layout layout;
        layout.attribute = true;
        layout.begin = b;
        layout.end = b + a.original_value.length;
        const char q = a.original_value.data[0];
        layout.quote = q == '\'' || q == '"' ? q : '"';
        m_out.units.push_back(std::move(u));
        m_out.layouts.push_back(std::move(layout));
    }
}

void Walker::container(GumboNode* n) {
    if (n->type != GUMBO_NODE_ELEMENT)
        return;
    const GumboElement& e = n->v.element;
    if (among(kSkipped, e.tag) || e.tag == GUMBO_TAG_PRE || optedOut(e))
        return;
    if (e.tag == GUMBO_TAG_HEAD) {  // of the head, people read the title and the description
        for (unsigned i = 0; i < e.children.length; ++i) {
            auto* c = static_cast<GumboNode*>(e.children.data[i]);
            if (c->type != GUMBO_NODE_ELEMENT)
                continue;
            if (c->v.element.tag == GUMBO_TAG_TITLE) {
                std::vector<GumboNode*> title;
                for (unsigned k = 0; k < c->v.element.children.length; ++k)
                    title.push_back(static_cast<GumboNode*>(c->v.element.children.data[k]));
                flush(title, c, true);
            } else if (c->v.element.tag == GUMBO_TAG_META) {
                attributes(c);
            }
        }
        return;
    }
    attributes(n);
    std::vector<GumboNode*> run;
    for (unsigned i = 0; i < e.children.length; ++i) {
        auto* c = static_cast<GumboNode*>(e.children.data[i]);
        if (inlineContent(c)) {
            run.push_back(c);
            continue;
        }
        flush(run, n);
        container(c);
    }
    flush(run, n);
}

void Walker::document(GumboNode* root) {
    if (root->type != GUMBO_NODE_ELEMENT)
        return;
    const GumboElement& html = root->v.element;
    if (html.original_tag.length > 5 && !(root->parse_flags & GUMBO_INSERTION_BY_PARSER)) {
        m_out.htmlNameEnd = offset(html.original_tag.data) + 5;  // after "<html"
        for (const char* name : {"lang", "dir"}) {
            const GumboAttribute* a = gumbo_get_attribute(&html.attributes, name);
            if (!a || a->original_value.length == 0)
                continue;
            const size_t b = offset(a->original_value.data);
            (std::string_view(name) == "lang" ? m_out.lang : m_out.dir) = {b, b + a->original_value.length};
        }
    }
    container(root);
}

}  // namespace

Result<Parsed> parse(std::string_view bytes) {
    const size_t from = bytes.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = -1;
    GumboOutput* output = gumbo_parse_with_options(&options, bytes.data() + from, bytes.size() - from);
    if (!output)
        return fail(Errc::FormatInvalid, "gumbo could not parse the HTML (out of memory?)");
    Parsed parsed;
    parsed.errors = output->errors.length;
    Walker(bytes, parsed).document(output->root);
    gumbo_destroy_output(&options, output);
    return parsed;
}

}  // namespace lantern::translation::formats::html
