#pragma once
// Line breaking for writers that keep the line shape of their source: a hard-wrapped paragraph of plain
// text or Markdown is written wrapped at the source's width, a subtitle cue in as many lines as it had.
// A translation is one run of text; these functions choose where its line breaks go.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lantern::translation::formats {

struct ByteRange {
    size_t begin = 0;
    size_t end = 0;
};

// Bytes [begin, end) a line break replaces: a run of spaces, or nothing between two CJK characters.
using Break = ByteRange;

// Where `text` may break: at runs of spaces and between two wide (CJK) characters (not before closing
// or after opening CJK punctuation), never inside `keep` (markup). `breakBefore`, when set, must also
// accept the text that would start the new line (Markdown: nothing that would start a new block).
std::vector<Break> breakOpportunities(std::string_view text, std::span<const ByteRange> keep = {},
                                      bool (*breakBefore)(std::string_view rest) = nullptr);

// Columns the text takes: one per code point, two for East Asian wide characters.
size_t displayWidth(std::string_view text);

// Greedy fill: a break wherever the next word would pass `width` columns, the first line starting at
// column `firstColumn`, the others at `nextColumn` (after the indentation the writer puts there). A
// newline inside the text (markup that holds one) starts a new line there.
std::vector<Break> fillToWidth(std::string_view text, std::span<const Break> opportunities, size_t width,
                               size_t firstColumn = 0, size_t nextColumn = 0);

// Exactly min(lines - 1, opportunities) breaks, chosen so the widest line is as narrow as possible (then
// the lines as even as possible): subtitles keep their line count with balanced lines. The bytes of
// `hidden` (tags a player does not show) take no width.
std::vector<Break> balanceLines(std::string_view text, std::span<const Break> opportunities, size_t lines,
                                std::span<const ByteRange> hidden = {});

// The text with each break's bytes replaced by `newline` (which may carry a prefix, "\n> ").
std::string applyBreaks(std::string_view text, std::span<const Break> breaks, std::string_view newline);

// The code point at s[i] and its byte length (U+FFFD, 1 for a byte that is not UTF-8).
char32_t decodeUtf8(std::string_view s, size_t i, size_t& length);
// Appends c as UTF-8 (U+FFFD for a surrogate or a value above U+10FFFF).
void appendUtf8(std::string& out, char32_t c);
bool isWide(char32_t c);

}  // namespace lantern::translation::formats
