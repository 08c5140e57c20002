#pragma once
// BLEU's tokenizers, as sacrebleu 2.4.3 defines them (sacrebleu/tokenizers/): BLEU counts word n-grams,
// so the score depends on where the words are cut, and a score is only comparable to a published one
// when it was cut the same way. The tokenizer's name is part of the signature ("tok:13a").
#include <optional>
#include <string>
#include <string_view>

namespace lantern::translation::eval {

enum class Tokenizer {
    None,  // 'none': the text as it is (already tokenized)
    T13a,  // '13a': mteval-v13a.pl, WMT's default: punctuation split off, entities unescaped
    Zh,    // 'zh': every Chinese character a word, the rest as 13a
    Intl,  // 'intl': mteval-v14.pl's international tokenizer: Unicode punctuation and symbols split off
    Char,  // 'char': every character a word
};

// The name in sacrebleu's signature and on the command line ("13a"), and back.
std::string_view tokenizerName(Tokenizer t);
std::optional<Tokenizer> tokenizerFromName(std::string_view name);

// The tokenized line, words separated by single spaces (as sacrebleu's tokenizer returns it).
std::u32string tokenize(Tokenizer t, std::u32string_view line);

// The pieces, exposed for the test against sacrebleu's own classes.
std::u32string tokenizeRegexp(std::u32string_view line);  // TokenizerRegexp: 13a's and zh's second half
bool isZhChineseChar(char32_t c);                         // TokenizerZh._is_chinese_char

}  // namespace lantern::translation::eval
