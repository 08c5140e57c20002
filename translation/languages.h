#pragma once
// Languages the translator knows: names for pickers and prompts (English, native, Chinese for Hunyuan's
// Chinese prompts), writing direction, scripts (the language check), the formality pair where the
// language has one (du/Sie, tu/vous, plain/polite Japanese), and language identification with CLD2.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace lantern::translation {

enum class Script : uint8_t { Latin, Cyrillic, Greek, Arabic, Hebrew, Han, Kana, Hangul, Thai, Devanagari,
                              Bengali, Tamil, Georgian, Armenian, Ethiopic, Khmer, Lao, Myanmar, Other };

struct Language {
    std::string_view code;          // BCP 47 as Lantern stores it: "de", "pt-BR", "zh-Hans", "zh-Hant"
    std::string_view englishName;   // "German", "Portuguese (Brazil)", "Chinese (Simplified)"
    std::string_view nativeName;    // "Deutsch", "Português (Brasil)", "简体中文"
    std::string_view chineseName;   // "德语", "葡萄牙语（巴西）", "简体中文" (Hunyuan-MT's Chinese prompt)
    uint32_t scripts = 0;           // bit (1u << Script) for each script the language is written in
    bool rtl = false;               // Arabic, Hebrew, Persian, Urdu, ...
    // Formality, where the language marks it in grammar. Empty = none (English, Chinese).
    std::string_view formalName;    // "formal (Sie)", "formal (vous)", "polite (です・ます)"
    std::string_view informalName;  // "informal (du)", "informal (tu)", "plain (だ・である)"
    bool hasFormality() const { return !formalName.empty(); }
    bool writtenIn(Script s) const { return (scripts >> static_cast<unsigned>(s)) & 1u; }
};

// Every language, sorted by English name (about 70: the FLORES-200/WMT set the translation models cover).
std::span<const Language> languages();

// "pt_BR", "PT-br", "zh_CN", "zh-TW", "iw", "en-US" -> "pt-BR", "pt-BR", "zh-Hans", "zh-Hant", "he", "en-US".
// Canonical case and separators; legacy codes replaced; Chinese regions become scripts. Empty stays empty.
std::string normalizeLanguage(std::string_view code);

// The table entry for a code: exact match after normalizing, else its base language ("en-US" -> "en",
// "de-AT" -> "de"; "zh" -> "zh-Hans"). nullptr when unknown.
const Language* findLanguage(std::string_view code);

// The name for prompts and labels: the table's English name, else ICU's display name, else the code.
std::string englishName(std::string_view code);

// Which scripts a text's letters are in (tokens and digits, punctuation, spaces not counted).
struct ScriptProfile {
    size_t letters = 0;
    size_t counts[static_cast<size_t>(Script::Other) + 1] = {};
    size_t count(Script s) const { return counts[static_cast<size_t>(s)]; }
    Script dominant() const;  // the most frequent; Other when there are no letters
};
ScriptProfile scriptProfile(std::string_view text);

// Whether a text could be in this language by its scripts: at least 60% of its letters are in scripts the
// language uses (Japanese: Han+Kana; Korean: Hangul+Han; digits-only and empty texts fit anything). Latin
// letters in names and product words are tolerated up to 40% in non-Latin languages.
bool fitsLanguage(const ScriptProfile& profile, const Language& language);

struct Detection {
    std::string code;         // normalized BCP 47 ("de", "zh-Hans"); empty when undetermined
    int confidence = 0;       // percent 0..100 (CLD2's percent of text in that language, scaled by reliability)
    bool reliable = false;    // CLD2 says so and the text is long enough (>= 20 letters)
};
// The language of a text (CLD2, plain text mode). `hint` (a BCP 47 code, e.g. the UI language or the last
// source language) tips close calls (CLD2's language hint).
Detection detectLanguage(std::string_view text, std::string_view hint = {});

}  // namespace lantern::translation
