#pragma once
// Sentences inside a prose unit (a paragraph, a list item, a cue): long units are translated a sentence
// at a time and put back together with the bytes between sentences as they were. ICU's sentence break
// iterator with the language's abbreviation suppressions ("Dr.", "e.g.", "z. B." do not end a sentence).
// A break never falls inside an inline (document.h) or between an Open and its Close, so markup stays in
// one segment.
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "translation/document.h"

namespace lantern::translation {

struct Sentence {
    size_t begin = 0;  // byte range [begin, end) in the text: no leading or trailing white space
    size_t end = 0;
};

// The sentences of `text` in order. The bytes outside them are white space only. A text without
// sentence-ending punctuation is one sentence; white space only gives none.
std::vector<Sentence> splitSentences(std::string_view text, std::span<const Inline> inlines,
                                     std::string_view language);

}  // namespace lantern::translation
