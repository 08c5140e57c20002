#pragma once
// One Markdown leaf block (paragraph, heading, table cell, a tight list item's text) between md4c and a
// unit. md4c hands a block's text as pointers into the input, but its span markup (emphasis, links,
// code spans) and its line breaks as events without positions. locate() finds the bytes of each event
// between the text it knows: a delimiter run before or after the text, a link's "](url "title")", a
// code span's backticks, a line break with the next line's container prefix. render() writes a
// translation back into the block: the text escaped so that it cannot change the structure, the
// inlines' bytes as they were, hard-wrapped blocks wrapped again with their container prefix.
#include <cstddef>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "translation/document.h"

namespace lantern::translation::formats::markdown {

// One md4c callback inside a leaf block, in order.
struct Event {
    enum class Kind : uint8_t { Text, Enter, Leave };
    Kind kind = Kind::Text;
    int type = 0;           // MD_TEXTTYPE for Text, MD_SPANTYPE for Enter/Leave
    bool inBuffer = false;  // Text: md4c pointed into the input; else a string of its own (line breaks, NUL)
    size_t offset = 0;      // Text in the input: its bytes
    size_t size = 0;
};

// A leaf block as a unit's source, with where it sits in the file.
struct Block {
    size_t begin = 0;  // the bytes a translation replaces
    size_t end = 0;
    std::string source;
    std::vector<Inline> inlines;
    bool softBreaks = false;   // the text runs over several lines (a person wrapped it)
    std::string continuation;  // what starts the line after the first soft break: line ending, container prefix
    size_t width = 0;          // widest line of the block in columns, from the start of the line
    size_t firstColumn = 0;    // column where the block's text starts
};

// The block of `events` in `text` (the whole file). An error says why its bytes could not be placed (an
// empty link, say): the block is then kept as it is, untranslated. A block without any text of the
// input's own (an image with no alt text) is an error too: there is nothing to translate.
std::expected<Block, std::string> locate(std::string_view text, std::span<const Event> events);

// How a translation is written into its block.
struct Shape {
    bool heading = false;    // every '#' escaped: a trailing one would close the heading
    bool wrap = false;       // write at the block's width (prose that a person had wrapped)
    bool tableCell = false;  // a line break is impossible: one line, '|' escaped
};

// The bytes that replace the block: each text run escaped (backslash before what Markdown would read
// as markup), each of the source's inlines verbatim. InvalidArgument for inconsistent targetInlines.
Result<std::string> render(const Block& block, std::string_view target, std::span<const Inline> targetInlines,
                           size_t unitInlines, const Shape& shape);

}  // namespace lantern::translation::formats::markdown
