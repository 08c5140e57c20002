#pragma once
// What every document writer shares: the original bytes with some ranges replaced (never a re-serialized
// tree, so everything outside the translated text stays byte-identical), a translation's target cut into
// text and markup pieces, and the positions errors name.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "translation/document.h"

namespace lantern::translation::formats {

// Bytes [begin, end) of the original become `bytes`. begin == end inserts.
struct Replacement {
    size_t begin = 0;
    size_t end = 0;
    std::string bytes;
};

// `original` with the replacements applied. Ranges may come in any order but must not overlap (Internal
// error: a writer bug, not bad input).
Result<std::string> splice(std::string_view original, std::vector<Replacement> replacements);

// "line 3, column 7" for a byte offset (1-based; the column counts bytes, as editors' byte columns do).
std::string position(std::string_view text, size_t offset);

// One run of a target: text the writer escapes for its format, or the bytes of one of the source's inlines.
struct Piece {
    std::string_view bytes;
    bool markup = false;  // true: an inline of the reader, written verbatim
    int origin = -1;      // markup: the index in Unit::inlines
    Inline::Kind kind = Inline::Kind::Standalone;
};

// The target cut at its targetInlines. Inlines the guard made itself (origin -1: a URL, a {name}, an entity
// it found in the text) are text here: the reader had unescaped them, so the writer must escape them again.
// InvalidArgument when an inline lies outside the target or overlaps another.
Result<std::vector<Piece>> pieces(std::string_view target, std::span<const Inline> targetInlines, size_t unitInlines);

// The translations a writer may apply: each names an existing unit once and has a first target. Returns,
// per unit, the index into `translations` or -1.
Result<std::vector<int>> translationIndex(std::span<const UnitTranslation> translations, size_t unitCount);

// The first target of a translation and its inlines (an empty list when none were given).
std::span<const Inline> firstTargetInlines(const UnitTranslation& t);

// FormatInvalid naming the first byte that is not UTF-8 ("byte 1042: invalid UTF-8 ..."), or a NUL byte
// where `allowNul` is false (a binary file).
Result<void> checkUtf8(std::string_view bytes, bool allowNul);

// A written document read back has the source's units: as many, each with the source's id and label.
// ValidationFailed names the first difference: "the written DOCX has 11 paragraphs, the source 12".
// `document` names the file ("the written DOCX"), `units` what its units are ("paragraphs").
Result<void> sameUnits(std::span<const Unit> written, std::span<const Unit> source, std::string_view document,
                       std::string_view units);

// The line ending a text uses: "\r\n" when its first line ends so, else "\n".
std::string_view lineEnding(std::string_view text);

}  // namespace lantern::translation::formats
