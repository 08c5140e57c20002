#pragma once
// One segment through "protect → translate → verify → accept" (issue 16):
//   1. the guard turns inlines, placeholders and do-not-translate terms into opaque tokens;
//   2. the profile builds the model family's prompt with the glossary terms found in the segment;
//   3. the answer is cleaned (chatter, think blocks), its tokens normalized, and every check runs;
//   4. on a failure, one retry with a strict prompt naming the problems; still failing: flagged for
//      review with its checks, never accepted silently;
//   5. the tokens become the original bytes again (target inlines for the writer).
// The model is a function (GenerateFn), so the whole pipeline runs in tests against scripted models and in
// the app against the engine (translation/enginegenerate.h) alike.
#include <atomic>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "translation/checks.h"
#include "translation/document.h"
#include "translation/glossary.h"
#include "translation/guard.h"
#include "translation/profiles.h"

namespace lantern::translation {

struct GenerateOutcome {
    std::string text;            // the raw answer
    bool cancelled = false;
    uint32_t promptTokens = 0;
    uint32_t generatedTokens = 0;
    double milliseconds = 0;     // time the model took
};
// Runs the model on a prompt, streaming pieces to onText. An engine error is an Error.
using GenerateFn = std::function<Result<GenerateOutcome>(const Prompt& prompt,
                                                         const std::function<void(std::string_view)>& onText)>;

// One segment as the pipeline takes it: a unit's text (or a sentence of it, or one plural form's source).
struct SegmentSource {
    std::string text;              // unescaped source text
    std::vector<Inline> inlines;   // the format's inlines, byte ranges in text
    uint32_t placeholders = 0;     // placeholder:: syntaxes to protect
    std::string context;           // unit context, note and label for the prompt
    std::optional<uint64_t> pluralExample;
};

struct TranslateSettings {
    std::string sourceLanguage;           // BCP 47; empty = unknown
    std::string targetLanguage;
    std::vector<GlossaryEntry> glossary;  // the pair's entries; only those found in a segment are used
    std::string style;                    // the user's style / background text
    Formality formality = Formality::Default;
    bool retry = true;                    // one strict retry on a failed check
    const Profile* profile = nullptr;     // nullptr = the generic profile
};

struct SegmentResult {
    std::string target;                 // the accepted (or flagged) translation, tokens restored
    std::vector<Inline> targetInlines;  // where the source's inlines went in target
    std::string masked;                 // the model's answer with tokens (for previews, history)
    std::vector<Check> checks;          // of the last attempt
    bool accepted = false;              // every check passed
    bool cancelled = false;
    int attempts = 0;
    std::string error;                  // the engine failed (then nothing is accepted)
    std::string templateId;
    uint32_t generatedTokens = 0;
    double modelMilliseconds = 0;
};

class Translator {
public:
    Translator(GenerateFn generate, TranslateSettings settings);
    const TranslateSettings& settings() const { return m_settings; }

    // `previous`: earlier (source, translation) pairs of the same document, or a translation-memory match,
    // given to the model as context. onPreview gets the growing translation (tokens shown as their bytes).
    SegmentResult translate(const SegmentSource& source,
                            std::span<const std::pair<std::string, std::string>> previous = {},
                            const std::function<void(std::string_view)>& onPreview = {});
    // `count` different translations (other seeds, higher temperature), each checked; accepted ones first.
    std::vector<SegmentResult> alternatives(const SegmentSource& source, int count);
    // The current translation rewritten: more formal, less formal, shorter.
    SegmentResult rewrite(const SegmentSource& source, std::string_view currentTarget, Rewrite how);
    // The checks of a target that did not come from the model (a person's edit, a memory match).
    std::vector<Check> evaluate(const SegmentSource& source, std::string_view target) const;
    // Where the source's inlines are in a stored target (resuming a job: targets are kept as text).
    guard::Restored placeInlines(const SegmentSource& source, std::string_view target) const;

private:
    struct Prepared {
        guard::Masked masked;
        std::string source;                // the segment's text
        std::vector<GlossaryEntry> terms;  // entries found in the source
        TranslationRequest request;
    };
    Prepared prepare(const SegmentSource& source) const;
    SegmentResult attempt(const Prepared& prepared, const TranslationRequest& request,
                          const std::function<void(std::string_view)>& onPreview);
    std::vector<Check> check(const Prepared& prepared, std::string_view normalized) const;

    GenerateFn m_generate;
    TranslateSettings m_settings;
    const Profile* m_profile;
};

}  // namespace lantern::translation
