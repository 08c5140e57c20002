// Language identification with CLD2 (the Compact Language Detector Chrome used; libcld2-dev), in plain
// text mode. Guard tokens are taken out first; CLD2's codes are mapped to the ones Lantern stores.
#include <cstdio>  // compact_lang_det.h uses FILE without including it
#include <algorithm>
#include <cld2/internal/lang_script.h>
#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include "translation/guard.h"
#include "translation/languages.h"

namespace lantern::translation {

namespace {

std::string fromCld2(CLD2::Language lang) {
    if (lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE)
        return {};
    const std::string code = CLD2::LanguageCode(lang);
    if (code == "un" || code == "xx")
        return {};
    if (code == "zh")
        return "zh-Hans";
    if (code == "zh-Hant")
        return "zh-Hant";
    return normalizeLanguage(code);  // iw -> he, tl -> fil, no -> nb
}

CLD2::Language toCld2(std::string_view code) {
    std::string c = normalizeLanguage(code);
    if (c.empty())
        return CLD2::UNKNOWN_LANGUAGE;
    if (c == "zh-Hant")
        return CLD2::GetLanguageFromName("zh-Hant");
    c = c.substr(0, c.find('-'));
    if (c == "he") c = "iw";
    else if (c == "fil") c = "tl";
    else if (c == "nb") c = "no";
    return CLD2::GetLanguageFromName(c.c_str());
}

}  // namespace

Detection detectLanguage(std::string_view text, std::string_view hint) {
    Detection d;
    const std::string plain = guard::stripTokens(text);
    CLD2::CLDHints hints{nullptr, nullptr, CLD2::UNKNOWN_ENCODING, toCld2(hint)};
    CLD2::Language top3[3];
    int percent3[3] = {};
    double scores3[3] = {};
    int textBytes = 0;
    bool reliable = false;
    const CLD2::Language best = CLD2::ExtDetectLanguageSummary(plain.data(), static_cast<int>(plain.size()), true, &hints, 0,
                                                               top3, percent3, scores3, nullptr, &textBytes, &reliable);
    d.code = fromCld2(best);
    if (d.code.empty())
        return d;
    // Han/Kana/Hangul letters carry more per character than alphabet letters.
    const ScriptProfile p = scriptProfile(plain);
    const size_t weighted = p.letters + 2 * (p.count(Script::Han) + p.count(Script::Kana) + p.count(Script::Hangul));
    d.reliable = reliable && weighted >= 20;
    d.confidence = top3[0] == best ? percent3[0] : 50;
    if (!d.reliable)
        d.confidence = std::min(d.confidence, 50);
    return d;
}

}  // namespace lantern::translation
