#pragma once
// The few pieces of Python's str that sacrebleu's metrics are defined by, done the same way here: the
// metrics count code points (not bytes), split on what str.isspace() calls whitespace (which includes
// U+00A0 and U+3000, not only ASCII), and lowercase with str.lower()'s full case mapping. A different
// notion of "whitespace" or "character" would give different n-grams and so different scores.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace lantern::translation::eval {

// Strict UTF-8 (as Python's 'utf-8' codec: no overlong forms, no surrogates, nothing above U+10FFFF).
// The error names the byte offset and the byte found.
Result<std::u32string> decodeUtf8(std::string_view bytes);

// Where `bytes` stops being UTF-8 and why ("0xFF cannot start a character"); nullopt when all of it is.
struct Utf8Problem {
    size_t offset = 0;
    std::string reason;
};
std::optional<Utf8Problem> findInvalidUtf8(std::string_view bytes);
std::string encodeUtf8(std::u32string_view text);

// str.isspace(): Unicode White_Space as Python 3 defines it (bidi class WS/B/S or category Zs).
bool isPythonSpace(char32_t c);

// str.split() with no argument: runs of whitespace separate, none at either end, no empty pieces.
std::vector<std::u32string_view> splitWhitespace(std::u32string_view text);

// ' '.join(text.split()): the normalised form in which every word n-gram is a contiguous substring.
std::u32string joinWords(std::u32string_view text);

// str.rstrip() / str.strip() with no argument.
std::u32string_view rstripSpace(std::u32string_view text);
std::u32string_view stripSpace(std::u32string_view text);

// str.lower(): full case mapping (U+0130 becomes two code points) and final sigma, by ICU's root locale.
std::u32string lowercase(std::u32string_view text);

}  // namespace lantern::translation::eval
