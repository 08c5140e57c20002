#pragma once
// The guard's scanners (guard.h): each finds one placeholder syntax in source[begin, end). Internal to
// the translation layer; tested through guard.h.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "translation/document.h"

namespace lantern::translation::guard::scan {

struct Found {
    size_t begin = 0, end = 0;
    Inline::Kind kind = Inline::Kind::Standalone;
    int pair = -1;  // pairs made within one scan (markup tags by name)
    std::string meaning;
};

std::vector<Found> tokenLookalikes(std::string_view s, size_t begin, size_t end);
std::vector<Found> inlineCode(std::string_view s, size_t begin, size_t end);   // `code`, ``code``
std::vector<Found> urls(std::string_view s, size_t begin, size_t end);         // http(s)://, www., mailto:, e-mail
std::vector<Found> markup(std::string_view s, size_t begin, size_t end);       // tags (paired by name), comments, entities
std::vector<Found> braces(std::string_view s, size_t begin, size_t end);       // {{x}} ${x} {name} {0} {0:.2f} {}
std::vector<Found> printf(std::string_view s, size_t begin, size_t end);       // %s %1$s %-5.2f %lu %(name)s %<PRIu64> %%
std::vector<Found> qt(std::string_view s, size_t begin, size_t end, bool accelerators);  // %1 %L2 %n, and && with accelerators
std::vector<Found> escapes(std::string_view s, size_t begin, size_t end);      // \n \t \' \" \\ \uXXXX
std::vector<Found> terms(std::string_view s, size_t begin, size_t end, std::span<const std::string> keep);

// A token in model output, canonical or mangled: "<x1/>", "< x1 />", "<X1/>", "＜x1／＞", "&lt;g2&gt;", "\</g2\>".
struct TokenMatch {
    size_t begin = 0, end = 0;
    bool leadingSlash = false;   // </g2>
    bool trailingSlash = false;  // <x1/>
    char letter = 'x';           // 'g' or 'x', lower-cased
    int number = 0;
};
std::vector<TokenMatch> tokenMatches(std::string_view text);

// Puts the accelerator marker '&' back before `letter` (its first occurrence outside the inlines, any
// case), else before the first letter or digit; moves the inlines behind it.
void insertAccelerator(std::string& text, std::vector<Inline>& inlines, char32_t letter);

}  // namespace lantern::translation::guard::scan
