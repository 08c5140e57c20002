#pragma once
// An XML document as expat reads it, with the byte range of every tag, attribute value, text run and
// CDATA section, so that writers can splice new text into the original bytes (formats/splice.h) instead
// of serializing a tree. Shared by the XML catalogues (Qt .ts, XLIFF, Android strings.xml).
//
//   auto tree = xmlspans::parse(bytes);                       // FormatInvalid: "line 3, column 7: ..."
//   const Element& root = tree->elements[0];
//   for (const Node& child : root.content) ...                 // elements, text and other markup in order
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "translation/document.h"

namespace lantern::translation::xmlspans {

struct Attribute {
    std::string name;       // as written, prefix included ("xml:lang")
    std::string value;      // decoded (entities resolved, whitespace normalised as XML says)
    size_t begin = 0;       // the attribute's bytes: from its name...
    size_t end = 0;         // ...to after its closing quote
    size_t valueBegin = 0;  // the raw value between the quotes
    size_t valueEnd = 0;
};

// A child of an element, in document order.
struct Node {
    enum class Kind : uint8_t {
        Element,  // index into Tree::elements
        Text,     // index into Tree::texts (character data and CDATA sections)
        Other,    // index into Tree::others (a comment or processing instruction)
    };
    Kind kind = Kind::Text;
    size_t index = 0;
};

struct Element {
    std::string name;  // as written, prefix included ("xliff:g")
    std::vector<Attribute> attributes;
    size_t begin = 0;     // '<' of the start tag
    size_t startEnd = 0;  // after the start tag's '>'
    size_t endBegin = 0;  // '<' of the end tag; == startEnd for an empty-element tag
    size_t end = 0;       // after the end tag's '>' (== startEnd for <x/>)
    bool selfClosing = false;  // written as <x/>
    int parent = -1;
    std::vector<Node> content;

    const Attribute* attribute(std::string_view name) const;
    std::string_view localName() const;  // "g" of "xliff:g"
};

struct Text {
    size_t begin = 0;  // raw bytes; for CDATA from "<![CDATA[" to after "]]>"
    size_t end = 0;
    std::string text;  // decoded: entities resolved, CDATA markers removed
    bool cdata = false;
    int parent = -1;
};

struct Other {
    size_t begin = 0;
    size_t end = 0;
    int parent = -1;
};

struct Tree {
    std::vector<Element> elements;  // [0] is the root element, then the rest in document order
    std::vector<Text> texts;
    std::vector<Other> others;
    std::string encoding;  // the XML declaration's encoding, empty when none is declared

    // The element's child elements named `name` (local name, prefix ignored), in order.
    std::vector<size_t> children(size_t element, std::string_view name) const;
    // The first such child, or nullopt.
    std::optional<size_t> child(size_t element, std::string_view name) const;
    // All decoded text inside the element, descendants included (a <name> or <note>'s value).
    std::string textOf(size_t element) const;
};

// Parses UTF-8 XML (a UTF-8 BOM is allowed; offsets count from the first byte, BOM included). Refuses
// other declared encodings, whose bytes the writers could not splice UTF-8 text into. `what` names the
// format in errors ("Qt .ts"): "Qt .ts, line 3, column 7 (byte 52): mismatched tag".
Result<Tree> parse(std::string_view bytes, std::string_view what);

// An element's content as a unit's source sees it: text runs (decoded) and markup runs (the raw bytes of
// child elements, comments and processing instructions).
struct Run {
    bool markup = false;
    std::string bytes;  // text: decoded; markup: the original bytes
    Inline::Kind kind = Inline::Kind::Standalone;
    int pair = -1;      // Open and Close of one paired element share it
    bool cdata = false; // a text run that was a CDATA section
};
// `paired(child)` true: the child's start and end tags are Open/Close runs and its content is walked
// (XLIFF <g>, <pc>, HTML <b> in Android strings); false: the whole child is one Standalone run (<x/>,
// <ph>…</ph>). Empty-element tags are always Standalone.
template <class Paired>
std::vector<Run> runs(const Tree& tree, std::string_view bytes, size_t element, Paired paired);

// Text for element content: & < > escaped (> so that "]]>" never appears).
std::string escapeText(std::string_view text);
// Text for an attribute value in double quotes: & < > " escaped, and tabs and line breaks as character
// references so that a re-parse gives the same value.
std::string escapeAttribute(std::string_view text);

// The whitespace from the start of the line holding `offset` to it, or nullopt when something else
// precedes it on that line (the tag does not start its own line).
std::optional<std::string_view> indentBefore(std::string_view bytes, size_t offset);

template <class Paired>
std::vector<Run> runs(const Tree& tree, std::string_view bytes, size_t element, Paired paired) {
    std::vector<Run> out;
    int pairs = 0;
    // An explicit stack of (element, next child, pair): nesting depth is the file's, not the call stack's.
    struct Frame {
        size_t element;
        size_t next;
        int pair;
    };
    std::vector<Frame> stack{{element, 0, -1}};
    while (!stack.empty()) {
        Frame& f = stack.back();
        const Element& e = tree.elements[f.element];
        if (f.next >= e.content.size()) {
            if (stack.size() > 1)
                out.push_back(Run{true, std::string(bytes.substr(e.endBegin, e.end - e.endBegin)),
                                  Inline::Kind::Close, f.pair, false});
            stack.pop_back();
            continue;
        }
        const Node node = e.content[f.next++];
        if (node.kind == Node::Kind::Text) {
            const Text& t = tree.texts[node.index];
            out.push_back(Run{false, t.text, Inline::Kind::Standalone, -1, t.cdata});
        } else if (node.kind == Node::Kind::Other) {
            const Other& o = tree.others[node.index];
            out.push_back(Run{true, std::string(bytes.substr(o.begin, o.end - o.begin))});
        } else {
            const Element& child = tree.elements[node.index];
            if (child.selfClosing || !paired(child)) {
                out.push_back(Run{true, std::string(bytes.substr(child.begin, child.end - child.begin))});
                continue;
            }
            const int pair = pairs++;
            out.push_back(Run{true, std::string(bytes.substr(child.begin, child.startEnd - child.begin)),
                              Inline::Kind::Open, pair, false});
            stack.push_back(Frame{node.index, 0, pair});
        }
    }
    return out;
}

}  // namespace lantern::translation::xmlspans
