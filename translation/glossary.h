#pragma once
// Glossary terms in a segment and in its translation. Only the terms that occur in a segment go into its
// prompt; after the model answers, each one is verified in the output.
//   source side: whole words, case-folded unless the entry is case-sensitive; an English-style ending of up
//                to 3 letters is allowed on terms of 4+ letters ("server" matches "servers"). Scripts
//                written without spaces (Han, Kana, Thai, ...) match as substrings.
//   target side: the same, with inflection tolerance: a word that starts with the term less its last two
//                letters and is at most 4 letters longer passes ("Datei" in "Dateien"; "файл" in "файлы"),
//                for terms of 5+ letters; multi-word terms inflect on their last word only.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lantern::translation {

struct GlossaryEntry {
    std::string source;            // the term in the source language
    std::string target;            // the required translation (ignored when doNotTranslate)
    bool doNotTranslate = false;   // keep the source term as it is (names, products, commands)
    bool caseSensitive = false;
    std::string note;              // which meaning this is ("account: a bank account"), for the prompt
};

struct TermHit {
    size_t entry = 0;              // index into the entries searched
    size_t begin = 0, end = 0;     // where the term occurs in the source (bytes)
};

// Every entry that occurs in `source`, each once (its first occurrence), longest terms first where
// two overlap ("file manager" wins over "file").
std::vector<TermHit> findTerms(std::string_view source, std::span<const GlossaryEntry> entries);

// Whether `output` contains `term` by the target-side rule above.
bool containsTerm(std::string_view output, std::string_view term, bool caseSensitive);

}  // namespace lantern::translation
