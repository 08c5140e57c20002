#pragma once
// The checks every model output passes before it is accepted (issue 16, "Protect → translate → verify →
// accept"). Each is cheap and catches one failure seen in LLM translation (research notes §2.5):
//   empty        nothing but whitespace came back
//   tokens       the same multiset of placeholder and markup tokens as the source, pairs properly nested
//   glossary     every required target term of the terms found in the source is in the output
//   language     the output is in the target language (CLD2 on longer text; the script on any text)
//   length       the output's length is within bounds of the source's (scripts weighted)
//   repetition   no run repeated over and over that the source does not have ("salad salad salad …")
//   untranslated the source came back unchanged
//   chatter      "Here is the translation:" and similar talk around the answer
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "translation/glossary.h"
#include "translation/guard.h"

namespace lantern::translation {

struct Check {
    std::string id;        // "tokens", "language", ... (stable: stored with each segment)
    bool passed = true;
    std::string detail;    // for a failure: one sentence a person (and the strict retry prompt) can act on
};

struct CheckInput {
    const guard::Masked* source = nullptr;   // the protected source segment
    std::string_view output;                 // the cleaned model output, tokens normalized (guard::normalizeTokens)
    std::string_view sourceLanguage;         // BCP 47; empty = unknown
    std::string_view targetLanguage;
    std::span<const GlossaryEntry> terms;    // entries found in the source whose target term is required
};

std::vector<Check> runChecks(const CheckInput& input);
bool allPassed(std::span<const Check> checks);
// The failed checks' details, one per line, for the strict retry and the review view.
std::vector<std::string> problems(std::span<const Check> checks);

// The pieces, for tests and the review view.
double weightedLength(std::string_view text);  // code points, Han/Kana/Hangul counted 2.5
// A run repeated back to back at least 4 times (6 for runs of 1–3 characters) covering 16+ characters,
// that the source does not repeat: the repeated run, or empty.
std::string runawayRepetition(std::string_view output, std::string_view source);

}  // namespace lantern::translation
