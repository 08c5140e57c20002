#pragma once
// Prompt profiles: how each model family wants to be asked to translate (../shared/notes/translation.md
// §2.1). A profile turns one segment's request into messages and sampling, and cleans what the model
// answered (chatter, quotes, think blocks). Chosen from the GGUF's metadata and file name; the user may
// pick one by id. Qt-free and engine-free: it only fills the engine's plain structs (inference/engine.h).
//
//   Hunyuan-MT / Hy-MT   no system prompt; the official user templates (Chinese prompt when either side is
//                        Chinese, else English), terminology "X translates to Y", style, background;
//                        temperature 0.7, top_p 0.6, top_k 20, repetition penalty 1.05
//   TranslateGemma       "You are a professional {SRC} ({code}) to {TGT} ({code}) translator ... Produce
//                        only the {TGT} translation ..." + two blank lines + the text, one user message
//   Seed-X               raw completion: "Translate the following {SRC} sentence into {TGT}:\n{text} <{tgt}>"
//   Tower                "Translate the following text from {SRC} into {TGT}.\n{SRC}: {text}\n{TGT}:"
//   Qwen3                generic instruction with thinking off (enableThinking = false)
//   Generic              system + user instruction for any chat model; greedy-ish sampling
//   BaseCompletion       a model without a chat template that is not instruction-tuned (Gemma 3 270M base):
//                        a raw few-shot "English: ... \nGerman: ..." transcript, stopped at the newline
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inference/engine.h"

namespace lantern::translation {

enum class Formality : uint8_t { Default, Formal, Informal };
enum class Rewrite : uint8_t { None, MoreFormal, LessFormal, Shorter, Alternative };

struct PromptTerm {
    std::string source;  // the term as it occurs in the source
    std::string target;  // its required translation
    std::string note;    // which meaning ("account: a user account"); may be empty
};

struct TranslationRequest {
    std::string sourceLanguage;   // BCP 47; empty = unknown (the prompt then says "the following text")
    std::string targetLanguage;   // BCP 47
    std::string text;             // the protected segment (guard tokens <gN>…</gN>, <xN/>)
    bool hasTokens = false;       // the text has tokens: the prompt says to keep them exactly
    std::vector<PromptTerm> terms;        // glossary terms found in this segment, target required
    std::vector<std::string> keepTerms;   // do-not-translate terms found (already tokens; named for clarity)
    std::string style;            // the user's free "style / background" text: context, never translated
    Formality formality = Formality::Default;
    std::string context;          // a localization unit's context, note and label ("button", msgctxt, comment)
    std::vector<std::pair<std::string, std::string>> previous;  // preceding (source, translation) pairs
    std::optional<uint64_t> pluralExample;  // a plural form: "the form used for n = 3"
    Rewrite rewrite = Rewrite::None;        // rewrite `current` instead of translating from scratch
    std::string current;                    // the current translation (protected), for rewrites
    bool strict = false;                    // a retry: stricter wording, the problems listed
    std::vector<std::string> problems;      // what was wrong with the previous answer (checks.h)
    uint64_t seed = 0;                      // alternatives use different seeds
};

struct Prompt {
    std::vector<ChatMessage> messages;  // for rawPrompt: one message whose content is the whole prompt
    GenerateOptions options;            // sampling, stops, maxTokens, enableThinking, rawPrompt
    std::string templateId;             // the profile id + a version ("hunyuan-mt/1"): stored per segment
};

struct ModelIdentity {
    std::string name;          // general.name
    std::string architecture;  // general.architecture
    std::string fileName;      // the GGUF's file name
    bool basePrompt = false;   // ModelInfo::basePrompt: no chat template and not instruction-tuned
};

class Profile {
public:
    virtual ~Profile() = default;
    virtual std::string_view id() const = 0;           // "hunyuan-mt", "translategemma", "seed-x", "tower",
                                                       // "qwen3", "generic", "base-completion"
    virtual std::string_view displayName() const = 0;  // "Hunyuan-MT", ...
    virtual Prompt buildPrompt(const TranslationRequest& request) const = 0;
    // The translation in a raw answer: think blocks, "Here is the translation:" and similar lead-ins,
    // wrapping quotes or code fences the source did not have, a trailing "Note: ..." paragraph, a repeated
    // source line, and (BaseCompletion) everything after the first line removed. Tokens are left alone.
    virtual std::string cleanOutput(std::string_view raw, const TranslationRequest& request) const = 0;
};

// The profile for a model: Hunyuan/Hy-MT, TranslateGemma, Seed-X, Tower by name or file name; Qwen3 by
// architecture (qwen3, qwen3moe); a base model (basePrompt) gets BaseCompletion; everything else Generic.
const Profile& selectProfile(const ModelIdentity& model);
// A profile by id (settings, the CLI's --profile); nullptr when unknown.
const Profile* findProfile(std::string_view id);
std::vector<const Profile*> allProfiles();

}  // namespace lantern::translation
