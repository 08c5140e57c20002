#pragma once
// The regex pre-tokenizer of byte-level BPE vocabularies: splits text into words before merging,
// with the expressions chosen by tokenizer.ggml.pre. Unicode classes (\p{L}, \p{N}, \s) are matched
// by PCRE2 in UTF + UCP mode, so they cover every script, not only ASCII.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace lantern::text {

class PreTokenizer {
public:
    // Compiles the expressions of a pre-tokenizer name; unknown names are an error (the merges of a
    // vocabulary are only right with the pre-tokenizer it was trained with).
    static Result<PreTokenizer> create(std::string_view pre);

    PreTokenizer(PreTokenizer&&) noexcept;
    PreTokenizer& operator=(PreTokenizer&&) noexcept;
    ~PreTokenizer();

    // Words of text, in order; their concatenation is text. Each expression in turn splits every
    // piece into its matches and the gaps between them (llama.cpp's unicode_regex_split).
    std::vector<std::string_view> split(std::string_view text) const;

    // Whether a name is one this pre-tokenizer knows.
    static bool known(std::string_view pre);

private:
    struct Regex;
    PreTokenizer() = default;
    std::vector<std::unique_ptr<Regex>> m_regexes;
};

}  // namespace lantern::text
