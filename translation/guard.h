#pragma once
// The placeholder guard: before a model sees a segment, everything in it that is not text to translate
// becomes an opaque token, and after the model answers the tokens become the original bytes again.
//
//   "Delete %1 files from <b>%2</b>?"  ->  "Delete <x1/> files from <g2><x3/></g2>?"
//
// Paired markup becomes <gN>…</gN> so the model can move it with the words it wraps; everything else
// (placeholders, code, URLs, entities, line-break markup, do-not-translate terms) becomes <xN/>. These
// look like XLIFF's inline codes, which models have seen in training and tend to keep. Tokens a model
// mangled in common ways (spaces, case, full-width brackets, escaped brackets) are recovered. Where a
// source already contains text that looks like a token, that text is protected too, so a token in the
// output always means one of ours.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "translation/document.h"

namespace lantern::translation::guard {

struct Token {
    std::string text;      // what the model sees: "<x1/>", "<g2>", "</g2>"
    std::string original;  // the bytes it stands for
    Inline::Kind kind = Inline::Kind::Standalone;
    int number = 0;        // N of the token (paired tokens share it)
    int origin = -1;       // index into the unit's inlines, or -1 for what the guard found itself
    std::string meaning;   // for the prompt and the review view: "placeholder", "code", "link", "tag <b>", "term"
};

struct Masked {
    std::string text;           // the segment as the model sees it
    std::vector<Token> tokens;  // in order of appearance in text
    // Qt/GTK accelerator removed before translation ('&' or '_' before this letter), put back after.
    char32_t acceleratorMarker = 0;
    bool hasTokens() const { return !tokens.empty(); }
};

// Protects `source`: the format's inlines (document.h), then the placeholder syntaxes `kinds` names
// (placeholder:: flags) in the remaining text, then every occurrence of a keep term (do-not-translate).
Masked protect(std::string_view source, std::span<const Inline> inlines, uint32_t kinds,
               std::span<const std::string> keepTerms = {});

// Canonical tokens in a model's output: mangled forms rewritten to the exact token text of `masked`
// (only numbers that exist in it; anything else is left for the checks to report).
std::string normalizeTokens(std::string_view output, const Masked& masked);

// What the tokens of an output say about it, against the source's tokens.
struct TokenReport {
    std::vector<std::string> missing;     // tokens of the source absent from the output
    std::vector<std::string> duplicated;  // tokens that occur more than once
    std::vector<std::string> unknown;     // token-like text that is not one of ours
    std::vector<std::string> misnested;   // </gN> before <gN>, or pairs crossing each other
    bool ok() const { return missing.empty() && duplicated.empty() && unknown.empty() && misnested.empty(); }
    std::string describe() const;         // one sentence: "the token <x2/> is missing; <g1> is closed before it is opened"
};
TokenReport inspect(std::string_view normalizedOutput, const Masked& masked);

// The output with tokens turned back into their bytes, and where they went (targetInlines, document.h).
struct Restored {
    std::string text;
    std::vector<Inline> inlines;  // byte ranges in text, origin = the unit's inline index (-1: guard-made)
};
// Restores a normalized output. Tokens the output lacks are not invented: inspect() reports them.
Restored restore(std::string_view normalizedOutput, const Masked& masked);

// A restored text (a person's edit, a translation-memory match) with the source's tokens put back in
// place of their bytes, left to right, longest bytes first: the inverse of restore() for checking and
// writing text that did not come from the model. Bytes of a token that the text lacks stay missing, so
// inspect() reports them.
std::string remask(std::string_view restored, const Masked& masked);

// For streaming display: complete tokens in a partial output replaced by their bytes, a half-written
// token at the end dropped.
std::string preview(std::string_view partialOutput, const Masked& masked);

// Every token-looking run in text (canonical or mangled), as byte ranges: the language checks ignore them.
std::string stripTokens(std::string_view text);

}  // namespace lantern::translation::guard
