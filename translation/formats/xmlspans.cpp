#include "translation/formats/xmlspans.h"

#include <expat.h>

#include <algorithm>
#include <cctype>
#include <climits>

#include "base/strformat.h"

namespace lantern::translation::xmlspans {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The attributes' byte ranges in a start tag expat has already checked: name, optional spaces, '=',
// optional spaces, a quoted value. Only positions are read here; expat gave the names and values.
void locateAttributes(std::string_view bytes, Element& e) {
    size_t i = e.begin + 1;
    while (i < e.startEnd && !isSpace(bytes[i]) && bytes[i] != '/' && bytes[i] != '>')
        ++i;
    size_t next = 0;
    while (i < e.startEnd && next < e.attributes.size()) {
        while (i < e.startEnd && isSpace(bytes[i]))
            ++i;
        if (i >= e.startEnd || bytes[i] == '/' || bytes[i] == '>')
            break;
        Attribute& a = e.attributes[next++];
        a.begin = i;
        while (i < e.startEnd && bytes[i] != '=' && !isSpace(bytes[i]))
            ++i;
        while (i < e.startEnd && bytes[i] != '\'' && bytes[i] != '"')
            ++i;
        if (i >= e.startEnd)
            break;
        const char quote = bytes[i++];
        a.valueBegin = i;
        while (i < e.startEnd && bytes[i] != quote)
            ++i;
        a.valueEnd = i;
        a.end = std::min(i + 1, e.startEnd);
        i = a.end;
    }
}

struct Builder {
    std::string_view bytes;
    XML_Parser parser = nullptr;
    Tree tree;
    std::vector<size_t> open;  // stack of element indices
    int cdata = -1;            // the text node of the CDATA section being read

    size_t at() const { return size_t(XML_GetCurrentByteIndex(parser)); }
    size_t length() const { return size_t(XML_GetCurrentByteCount(parser)); }
    int parent() const { return open.empty() ? -1 : int(open.back()); }
    void attach(Node::Kind kind, size_t index) {
        if (!open.empty())
            tree.elements[open.back()].content.push_back(Node{kind, index});
    }

    void start(const char* name, const char** atts) {
        Element e;
        e.name = name;
        e.begin = at();
        e.startEnd = e.begin + length();
        e.parent = parent();
        const int specified = XML_GetSpecifiedAttributeCount(parser);
        for (int i = 0; atts[i] && i < specified; i += 2)
            e.attributes.push_back(Attribute{atts[i], atts[i + 1]});
        e.selfClosing = e.startEnd >= 2 && bytes.substr(e.startEnd - 2, 2) == "/>";
        locateAttributes(bytes, e);
        const size_t index = tree.elements.size();
        attach(Node::Kind::Element, index);
        tree.elements.push_back(std::move(e));
        open.push_back(index);
    }
    void finish() {
        Element& e = tree.elements[open.back()];
        if (e.selfClosing) {
            e.endBegin = e.end = e.startEnd;
        } else {
            e.endBegin = at();
            e.end = e.endBegin + length();
        }
        open.pop_back();
    }
    void characters(const char* s, int len) {
        if (cdata >= 0) {
            tree.texts[size_t(cdata)].text.append(s, size_t(len));
            return;
        }
        const size_t begin = at();
        const size_t end = begin + length();
        // Expat splits text at entity references and line ends; one run between tags is one Text.
        if (!open.empty()) {
            const std::vector<Node>& content = tree.elements[open.back()].content;
            if (!content.empty() && content.back().kind == Node::Kind::Text) {
                Text& last = tree.texts[content.back().index];
                if (!last.cdata && last.end == begin) {
                    last.text.append(s, size_t(len));
                    last.end = end;
                    return;
                }
            }
        }
        attach(Node::Kind::Text, tree.texts.size());
        tree.texts.push_back(Text{begin, end, std::string(s, size_t(len)), false, parent()});
    }
    void startCdata() {
        cdata = int(tree.texts.size());
        attach(Node::Kind::Text, tree.texts.size());
        tree.texts.push_back(Text{at(), at() + length(), {}, true, parent()});
    }
    void endCdata() {
        if (cdata >= 0)
            tree.texts[size_t(cdata)].end = at() + length();
        cdata = -1;
    }
    void other() {
        if (open.empty())
            return;  // comments around the root element are never inside a unit
        attach(Node::Kind::Other, tree.others.size());
        tree.others.push_back(Other{at(), at() + length(), parent()});
    }
};

Builder& self(void* data) { return *static_cast<Builder*>(data); }

}  // namespace

const Attribute* Element::attribute(std::string_view n) const {
    for (const Attribute& a : attributes)
        if (a.name == n)
            return &a;
    return nullptr;
}

std::string_view Element::localName() const {
    const std::string_view n = name;
    const size_t colon = n.find(':');
    return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

std::vector<size_t> Tree::children(size_t element, std::string_view n) const {
    std::vector<size_t> out;
    for (const Node& node : elements[element].content)
        if (node.kind == Node::Kind::Element && elements[node.index].localName() == n)
            out.push_back(node.index);
    return out;
}

std::optional<size_t> Tree::child(size_t element, std::string_view n) const {
    for (const Node& node : elements[element].content)
        if (node.kind == Node::Kind::Element && elements[node.index].localName() == n)
            return node.index;
    return std::nullopt;
}

std::string Tree::textOf(size_t element) const {
    std::string out;
    // An explicit stack: a hostile file may nest deeper than the call stack allows.
    std::vector<std::pair<size_t, size_t>> stack{{element, 0}};
    while (!stack.empty()) {
        auto& [e, next] = stack.back();
        if (next >= elements[e].content.size()) {
            stack.pop_back();
            continue;
        }
        const Node node = elements[e].content[next++];
        if (node.kind == Node::Kind::Text)
            out += texts[node.index].text;
        else if (node.kind == Node::Kind::Element)
            stack.emplace_back(node.index, 0);
    }
    return out;
}

Result<Tree> parse(std::string_view bytes, std::string_view what) {
    if (bytes.size() > size_t(INT_MAX))
        return fail(Errc::FormatInvalid, format("{}: the file is larger than 2 GB", what));
    Builder b;
    b.bytes = bytes;
    b.parser = XML_ParserCreate("UTF-8");
    if (!b.parser)
        return fail(Errc::OutOfHostMemory, format("{}: no memory for the XML parser", what));
    XML_SetUserData(b.parser, &b);
    XML_SetElementHandler(
        b.parser, [](void* d, const XML_Char* n, const XML_Char** a) { self(d).start(n, a); },
        [](void* d, const XML_Char*) { self(d).finish(); });
    XML_SetCharacterDataHandler(b.parser, [](void* d, const XML_Char* s, int len) { self(d).characters(s, len); });
    XML_SetCdataSectionHandler(
        b.parser, [](void* d) { self(d).startCdata(); }, [](void* d) { self(d).endCdata(); });
    XML_SetCommentHandler(b.parser, [](void* d, const XML_Char*) { self(d).other(); });
    XML_SetProcessingInstructionHandler(b.parser, [](void* d, const XML_Char*, const XML_Char*) { self(d).other(); });
    XML_SetXmlDeclHandler(b.parser, [](void* d, const XML_Char*, const XML_Char* encoding, int) {
        if (encoding)
            self(d).tree.encoding = encoding;
    });
    const XML_Status status = XML_Parse(b.parser, bytes.data(), int(bytes.size()), XML_TRUE);
    Result<Tree> result = std::move(b.tree);
    if (status != XML_STATUS_OK) {
        const XML_Error code = XML_GetErrorCode(b.parser);
        result = fail(Errc::FormatInvalid,
                      format("{}, line {}, column {} (byte {}): {}", what, XML_GetCurrentLineNumber(b.parser),
                             XML_GetCurrentColumnNumber(b.parser) + 1, XML_GetCurrentByteIndex(b.parser),
                             XML_ErrorString(code)));
    }
    XML_ParserFree(b.parser);
    if (!result)
        return result;
    std::string encoding = result->encoding;
    std::ranges::transform(encoding, encoding.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    if (!encoding.empty() && encoding != "UTF-8" && encoding != "UTF8" && encoding != "US-ASCII" &&
        encoding != "ASCII")
        return fail(Errc::FormatUnsupported,
                    format("{}: the file declares encoding=\"{}\"; Lantern writes XML catalogues in UTF-8 only "
                           "(convert it first, e.g. with iconv, and change the declaration)",
                           what, result->encoding));
    if (result->elements.empty())
        return fail(Errc::FormatInvalid, format("{}: no root element", what));
    return result;
}

std::string escapeText(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string escapeAttribute(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\t': out += "&#9;"; break;
        case '\n': out += "&#10;"; break;
        case '\r': out += "&#13;"; break;
        default: out += c;
        }
    }
    return out;
}

std::optional<std::string_view> indentBefore(std::string_view bytes, size_t offset) {
    size_t i = std::min(offset, bytes.size());
    while (i > 0 && (bytes[i - 1] == ' ' || bytes[i - 1] == '\t'))
        --i;
    if (i > 0 && bytes[i - 1] != '\n' && bytes[i - 1] != '\r')
        return std::nullopt;
    return bytes.substr(i, offset - i);
}

}  // namespace lantern::translation::xmlspans
