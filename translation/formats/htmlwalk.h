#pragma once
// The reading half of the HTML format: gumbo's tree walked into units, with where each sits in the file.
// A unit is a run of inline content inside a block-level element (a paragraph, a heading, a list item,
// a table cell, a button, ...): its text, and its inline elements' tags as inlines. Or it is the value of a
// human-readable attribute (alt, title, placeholder, aria-label, a button's value, <meta name=description
// content>). gumbo reports where every tag, text and attribute value starts in the input; the writer
// (html.cpp) replaces those byte ranges and nothing else.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "translation/document.h"
#include "translation/formats/textwrap.h"

namespace lantern::translation::formats::html {

struct Layout {
    bool attribute = false;  // an attribute's value; else a run of inline content
    size_t begin = 0;        // the bytes a translation replaces (an attribute: its value with its quotes)
    size_t end = 0;
    char quote = '"';  // an attribute's quote character; unquoted values are written with '"'
    std::vector<ByteRange> inlineBytes;  // a run: each inline's bytes in the file (the writer copies them)
};

struct Parsed {
    std::vector<Unit> units;
    std::vector<Layout> layouts;  // one per unit
    size_t errors = 0;            // gumbo's parse errors: a written file may not have more
    // The <html> start tag, where the writer sets lang (and dir): the end of "<html", and the values of its
    // lang and dir attributes if it has them (npos otherwise); htmlNameEnd is npos when the tag is implied.
    size_t htmlNameEnd = std::string_view::npos;
    ByteRange lang{std::string_view::npos, std::string_view::npos};
    ByteRange dir{std::string_view::npos, std::string_view::npos};
    size_t kept =
        0;  // runs with text kept untranslated, their bytes not safely placeable (gumbo repaired them)
};

// `bytes` is UTF-8 (checked by the caller); a BOM is skipped, since gumbo would read it as text.
Result<Parsed> parse(std::string_view bytes);

}  // namespace lantern::translation::formats::html
