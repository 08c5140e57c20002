// The language table and the script checks. Names in three forms because the prompts need them: English
// for most models, native for pickers, Chinese for Hunyuan-MT's Chinese prompt template. Scripts come from
// ICU's character data (uscript), so the check that a translation is in the target language's script does
// not depend on a detector that needs long text.
#include "translation/languages.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "translation/guard.h"

namespace lantern::translation {

namespace {

constexpr uint32_t bit(Script s) { return 1u << static_cast<unsigned>(s); }
constexpr uint32_t L = bit(Script::Latin), C = bit(Script::Cyrillic), G = bit(Script::Greek), A = bit(Script::Arabic),
                   H = bit(Script::Hebrew), Han = bit(Script::Han), K = bit(Script::Kana), Ko = bit(Script::Hangul),
                   T = bit(Script::Thai), D = bit(Script::Devanagari), B = bit(Script::Bengali),
                   Ta = bit(Script::Tamil), Ka = bit(Script::Georgian), Hy = bit(Script::Armenian),
                   Et = bit(Script::Ethiopic), Km = bit(Script::Khmer), Lo = bit(Script::Lao), My = bit(Script::Myanmar),
                   O = bit(Script::Other);

// code, English, native, Chinese, scripts, rtl, formal, informal. Sorted by English name.
const std::array kLanguages = std::to_array<Language>({
    {"af", "Afrikaans", "Afrikaans", "南非荷兰语", L, false, "", ""},
    {"sq", "Albanian", "Shqip", "阿尔巴尼亚语", L, false, "", ""},
    {"am", "Amharic", "አማርኛ", "阿姆哈拉语", Et, false, "", ""},
    {"ar", "Arabic", "العربية", "阿拉伯语", A, true, "", ""},
    {"hy", "Armenian", "Հայերեն", "亚美尼亚语", Hy, false, "", ""},
    {"az", "Azerbaijani", "Azərbaycanca", "阿塞拜疆语", L, false, "formal (siz)", "informal (sən)"},
    {"eu", "Basque", "Euskara", "巴斯克语", L, false, "", ""},
    {"be", "Belarusian", "Беларуская", "白俄罗斯语", C, false, "formal (вы)", "informal (ты)"},
    {"bn", "Bengali", "বাংলা", "孟加拉语", B, false, "formal (আপনি)", "informal (তুমি)"},
    {"bg", "Bulgarian", "Български", "保加利亚语", C, false, "formal (Вие)", "informal (ти)"},
    {"my", "Burmese", "မြန်မာ", "缅甸语", My, false, "", ""},
    {"ca", "Catalan", "Català", "加泰罗尼亚语", L, false, "formal (vostè)", "informal (tu)"},
    {"zh-Hans", "Chinese (Simplified)", "简体中文", "简体中文", Han, false, "formal (您)", "informal (你)"},
    {"zh-Hant", "Chinese (Traditional)", "繁體中文", "繁体中文", Han, false, "formal (您)", "informal (你)"},
    {"hr", "Croatian", "Hrvatski", "克罗地亚语", L, false, "formal (Vi)", "informal (ti)"},
    {"cs", "Czech", "Čeština", "捷克语", L, false, "formal (vy)", "informal (ty)"},
    {"da", "Danish", "Dansk", "丹麦语", L, false, "", ""},
    {"nl", "Dutch", "Nederlands", "荷兰语", L, false, "formal (u)", "informal (jij)"},
    {"en", "English", "English", "英语", L, false, "", ""},
    {"et", "Estonian", "Eesti", "爱沙尼亚语", L, false, "formal (teie)", "informal (sina)"},
    {"fil", "Filipino", "Filipino", "菲律宾语", L, false, "formal (po)", "informal"},
    {"fi", "Finnish", "Suomi", "芬兰语", L, false, "formal (te)", "informal (sinä)"},
    {"fr", "French", "Français", "法语", L, false, "formal (vous)", "informal (tu)"},
    {"gl", "Galician", "Galego", "加利西亚语", L, false, "formal (vostede)", "informal (ti)"},
    {"ka", "Georgian", "ქართული", "格鲁吉亚语", Ka, false, "formal (თქვენ)", "informal (შენ)"},
    {"de", "German", "Deutsch", "德语", L, false, "formal (Sie)", "informal (du)"},
    {"el", "Greek", "Ελληνικά", "希腊语", G, false, "formal (εσείς)", "informal (εσύ)"},
    {"gu", "Gujarati", "ગુજરાતી", "古吉拉特语", O, false, "formal (આપ)", "informal (તું)"},
    {"he", "Hebrew", "עברית", "希伯来语", H, true, "", ""},
    {"hi", "Hindi", "हिन्दी", "印地语", D, false, "formal (आप)", "informal (तुम)"},
    {"hu", "Hungarian", "Magyar", "匈牙利语", L, false, "formal (Ön)", "informal (te)"},
    {"is", "Icelandic", "Íslenska", "冰岛语", L, false, "", ""},
    {"id", "Indonesian", "Bahasa Indonesia", "印度尼西亚语", L, false, "formal (Anda)", "informal (kamu)"},
    {"ga", "Irish", "Gaeilge", "爱尔兰语", L, false, "", ""},
    {"it", "Italian", "Italiano", "意大利语", L, false, "formal (Lei)", "informal (tu)"},
    {"ja", "Japanese", "日本語", "日语", Han | K, false, "polite (です・ます)", "plain (だ・である)"},
    {"kk", "Kazakh", "Қазақ тілі", "哈萨克语", C, false, "formal (сіз)", "informal (сен)"},
    {"km", "Khmer", "ខ្មែរ", "高棉语", Km, false, "", ""},
    {"ko", "Korean", "한국어", "韩语", Ko | Han, false, "formal (합니다체)", "informal (해체)"},
    {"lo", "Lao", "ລາວ", "老挝语", Lo, false, "", ""},
    {"lv", "Latvian", "Latviešu", "拉脱维亚语", L, false, "formal (jūs)", "informal (tu)"},
    {"lt", "Lithuanian", "Lietuvių", "立陶宛语", L, false, "formal (jūs)", "informal (tu)"},
    {"mk", "Macedonian", "Македонски", "马其顿语", C, false, "formal (Вие)", "informal (ти)"},
    {"ms", "Malay", "Bahasa Melayu", "马来语", L, false, "formal (anda)", "informal (kamu)"},
    {"mr", "Marathi", "मराठी", "马拉地语", D, false, "formal (आपण)", "informal (तू)"},
    {"mn", "Mongolian", "Монгол", "蒙古语", C, false, "formal (та)", "informal (чи)"},
    {"ne", "Nepali", "नेपाली", "尼泊尔语", D, false, "formal (तपाईं)", "informal (तिमी)"},
    {"nb", "Norwegian Bokmål", "Norsk bokmål", "挪威语", L, false, "", ""},
    {"fa", "Persian", "فارسی", "波斯语", A, true, "formal (شما)", "informal (تو)"},
    {"pl", "Polish", "Polski", "波兰语", L, false, "formal (Pan/Pani)", "informal (ty)"},
    {"pt", "Portuguese", "Português", "葡萄牙语", L, false, "formal (o senhor/a senhora)", "informal (tu)"},
    {"pt-BR", "Portuguese (Brazil)", "Português (Brasil)", "葡萄牙语（巴西）", L, false, "formal (o senhor/a senhora)", "informal (você)"},
    {"pa", "Punjabi", "ਪੰਜਾਬੀ", "旁遮普语", O, false, "formal (ਤੁਸੀਂ)", "informal (ਤੂੰ)"},
    {"ro", "Romanian", "Română", "罗马尼亚语", L, false, "formal (dumneavoastră)", "informal (tu)"},
    {"ru", "Russian", "Русский", "俄语", C, false, "formal (вы)", "informal (ты)"},
    {"sr", "Serbian", "Српски", "塞尔维亚语", C | L, false, "formal (Ви)", "informal (ти)"},
    {"si", "Sinhala", "සිංහල", "僧伽罗语", O, false, "", ""},
    {"sk", "Slovak", "Slovenčina", "斯洛伐克语", L, false, "formal (vy)", "informal (ty)"},
    {"sl", "Slovenian", "Slovenščina", "斯洛文尼亚语", L, false, "formal (vi)", "informal (ti)"},
    {"es", "Spanish", "Español", "西班牙语", L, false, "formal (usted)", "informal (tú)"},
    {"sw", "Swahili", "Kiswahili", "斯瓦希里语", L, false, "", ""},
    {"sv", "Swedish", "Svenska", "瑞典语", L, false, "", ""},
    {"ta", "Tamil", "தமிழ்", "泰米尔语", Ta, false, "formal (நீங்கள்)", "informal (நீ)"},
    {"te", "Telugu", "తెలుగు", "泰卢固语", O, false, "formal (మీరు)", "informal (నువ్వు)"},
    {"th", "Thai", "ไทย", "泰语", T, false, "polite (ครับ/ค่ะ)", "casual"},
    {"tr", "Turkish", "Türkçe", "土耳其语", L, false, "formal (siz)", "informal (sen)"},
    {"uk", "Ukrainian", "Українська", "乌克兰语", C, false, "formal (ви)", "informal (ти)"},
    {"ur", "Urdu", "اردو", "乌尔都语", A, true, "formal (آپ)", "informal (تم)"},
    {"uz", "Uzbek", "Oʻzbekcha", "乌兹别克语", L, false, "formal (siz)", "informal (sen)"},
    {"vi", "Vietnamese", "Tiếng Việt", "越南语", L, false, "", ""},
    {"cy", "Welsh", "Cymraeg", "威尔士语", L, false, "formal (chi)", "informal (ti)"},
});

std::string lowerAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

Script fromIcu(UScriptCode code) {
    switch (code) {
    case USCRIPT_LATIN: return Script::Latin;
    case USCRIPT_CYRILLIC: return Script::Cyrillic;
    case USCRIPT_GREEK: return Script::Greek;
    case USCRIPT_ARABIC: return Script::Arabic;
    case USCRIPT_HEBREW: return Script::Hebrew;
    case USCRIPT_HAN: return Script::Han;
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA: return Script::Kana;
    case USCRIPT_HANGUL: return Script::Hangul;
    case USCRIPT_THAI: return Script::Thai;
    case USCRIPT_DEVANAGARI: return Script::Devanagari;
    case USCRIPT_BENGALI: return Script::Bengali;
    case USCRIPT_TAMIL: return Script::Tamil;
    case USCRIPT_GEORGIAN: return Script::Georgian;
    case USCRIPT_ARMENIAN: return Script::Armenian;
    case USCRIPT_ETHIOPIC: return Script::Ethiopic;
    case USCRIPT_KHMER: return Script::Khmer;
    case USCRIPT_LAO: return Script::Lao;
    case USCRIPT_MYANMAR: return Script::Myanmar;
    default: return Script::Other;
    }
}

// The script of a letter. Letters ICU files under Common or Inherited but that only occur in some scripts
// (the Japanese prolonged sound mark ー, the kana iteration marks) count for the first of those we know.
Script scriptOf(UChar32 c) {
    UErrorCode err = U_ZERO_ERROR;
    const UScriptCode code = uscript_getScript(c, &err);
    if (U_FAILURE(err))
        return Script::Other;
    if (code != USCRIPT_COMMON && code != USCRIPT_INHERITED)
        return fromIcu(code);
    UScriptCode extensions[8];
    const int32_t n = uscript_getScriptExtensions(c, extensions, 8, &err);
    for (int32_t i = 0; U_SUCCESS(err) && i < n; ++i)
        if (const Script s = fromIcu(extensions[i]); s != Script::Other)
            return s;
    return Script::Other;
}

}  // namespace

std::span<const Language> languages() { return kLanguages; }

std::string normalizeLanguage(std::string_view code) {
    std::string s(code);
    std::replace(s.begin(), s.end(), '_', '-');
    if (const size_t dot = s.find_first_of(".@"); dot != std::string::npos)
        s.erase(dot);  // "de_DE.UTF-8", "sr@latin"
    if (s.empty() || s == "C" || s == "POSIX")
        return {};
    std::vector<std::string> parts;
    for (size_t at = 0; at <= s.size();) {
        const size_t dash = s.find('-', at);
        parts.push_back(s.substr(at, dash == std::string::npos ? std::string::npos : dash - at));
        if (dash == std::string::npos)
            break;
        at = dash + 1;
    }
    std::string lang = lowerAscii(parts[0]);
    if (lang == "iw") lang = "he";
    else if (lang == "in") lang = "id";
    else if (lang == "tl") lang = "fil";
    else if (lang == "no" || lang == "nn") lang = lang == "no" ? "nb" : "nn";
    else if (lang == "ji") lang = "yi";
    std::string script, region;
    for (size_t i = 1; i < parts.size(); ++i) {
        const std::string& p = parts[i];
        if (p.size() == 4 && script.empty()) {
            script = lowerAscii(p);
            script[0] = char(std::toupper(static_cast<unsigned char>(script[0])));
        } else if ((p.size() == 2 || p.size() == 3) && region.empty()) {
            region = p;
            for (char& c : region)
                c = char(std::toupper(static_cast<unsigned char>(c)));
        }
    }
    if (lang == "zh") {
        if (script.empty())
            script = (region == "TW" || region == "HK" || region == "MO") ? "Hant" : "Hans";
        return "zh-" + script;  // the script is what matters for a translation; the region is dropped
    }
    std::string out = lang;
    if (!script.empty())
        out += "-" + script;
    if (!region.empty())
        out += "-" + region;
    return out;
}

const Language* findLanguage(std::string_view code) {
    const std::string n = normalizeLanguage(code);
    if (n.empty())
        return nullptr;
    for (const Language& l : kLanguages)
        if (l.code == n)
            return &l;
    const std::string base = n.substr(0, n.find('-'));
    for (const Language& l : kLanguages)
        if (l.code == base)
            return &l;
    return nullptr;
}

std::string englishName(std::string_view code) {
    const std::string n = normalizeLanguage(code);
    for (const Language& l : kLanguages)
        if (l.code == n)
            return std::string(l.englishName);
    icu::UnicodeString name;
    icu::Locale(n.c_str()).getDisplayName(icu::Locale::getEnglish(), name);
    std::string out;
    name.toUTF8String(out);
    if (!out.empty() && out != n)
        return out;
    if (const Language* l = findLanguage(n))
        return std::string(l->englishName);
    return n;
}

Script ScriptProfile::dominant() const {
    size_t best = 0;
    Script which = Script::Other;
    for (size_t i = 0; i < std::size(counts); ++i)
        if (counts[i] > best) {
            best = counts[i];
            which = static_cast<Script>(i);
        }
    return which;
}

ScriptProfile scriptProfile(std::string_view text) {
    ScriptProfile p;
    // Guard tokens (<x1/>, <g2>, </g2>, and the mangled forms a model writes) are not the text's letters.
    const std::string plain = guard::stripTokens(text);
    const auto* s = reinterpret_cast<const uint8_t*>(plain.data());
    const auto n = static_cast<int32_t>(plain.size());
    for (int32_t i = 0; i < n;) {
        UChar32 c = 0;
        U8_NEXT(s, i, n, c);
        if (c < 0 || !u_isalpha(c))
            continue;
        ++p.letters;
        ++p.counts[static_cast<size_t>(scriptOf(c))];
    }
    return p;
}

bool fitsLanguage(const ScriptProfile& profile, const Language& language) {
    if (profile.letters == 0)
        return true;
    size_t inScript = 0;
    for (size_t i = 0; i < std::size(profile.counts); ++i)
        if (language.writtenIn(static_cast<Script>(i)))
            inScript += profile.counts[i];
    // Japanese text is mostly Han and Kana, but Han alone (a short phrase) is Chinese-looking and still fits.
    // Latin names and product words in a non-Latin text are tolerated up to 40%.
    const size_t latin = language.writtenIn(Script::Latin) ? 0 : profile.count(Script::Latin);
    return double(inScript) >= 0.6 * double(profile.letters) ||
           (inScript > 0 && double(inScript + latin) >= 0.95 * double(profile.letters) &&
            double(latin) <= 0.4 * double(profile.letters));
}

}  // namespace lantern::translation
