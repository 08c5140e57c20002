// Prompt profiles per model family (profiles.h). Sources of the official wordings:
//   Hunyuan-MT: Tencent-Hunyuan/Hunyuan-MT README "Prompts" (ZH<=>XX in Chinese, XX<=>XX in English,
//     terminology "参考下面的翻译", context "参考上面的信息"); sampling top_k 20, top_p 0.6, repetition 1.05, T 0.7
//   TranslateGemma: the model card's chat template instruction ("You are a professional ... translator ...
//     Produce only the ... translation ..."), two blank lines before the text
//   Seed-X: model card, raw "Translate the following English sentence into Chinese:\n... <zh>"
//   Tower: TowerInstruct card, "Translate the following text from X into Y.\nX: ...\nY:"
// Everything else gets the generic instruction (../shared/notes/translation.md §2.1, §2.4).
#include "translation/profiles.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "base/text.h"
#include "translation/languages.h"
#include "translation/profilesclean.h"

namespace lantern::translation {

namespace {

std::string name(std::string_view code) { return code.empty() ? std::string("the source language") : englishName(code); }

std::string chineseName(std::string_view code) {
    const Language* l = findLanguage(code);
    return l ? std::string(l->chineseName) : englishName(code);
}

bool isChinese(std::string_view code) { return normalizeLanguage(code).starts_with("zh"); }

std::string formalityLine(const TranslationRequest& r) {
    const Language* l = findLanguage(r.targetLanguage);
    if (r.formality == Formality::Default || !l || !l->hasFormality())
        return {};
    const std::string_view form = r.formality == Formality::Formal ? l->formalName : l->informalName;
    return "Address the reader in the " + std::string(form) + " form throughout.";
}

uint32_t maxTokensFor(const TranslationRequest& r) {
    const size_t bytes = std::max(r.text.size(), r.current.size());
    return static_cast<uint32_t>(std::min<size_t>(2048, bytes * 3 / 2 + 64));
}

// The generic instruction's parts, also used as additions by the family profiles.
struct Parts {
    std::string tokens, terms, keep, formality, style, context, previous, plural, strict;
};

Parts parts(const TranslationRequest& r) {
    Parts p;
    const std::string tgt = name(r.targetLanguage);
    if (r.hasTokens)
        p.tokens = "The text contains tags such as <g1>…</g1> and <x1/>. They stand for markup, placeholders and code: "
                   "keep every tag exactly as written, each exactly once, around the words it belongs to. You may "
                   "move a tag where " + tgt + " word order needs it, but never translate, change, add or drop a tag.";
    if (!r.terms.empty()) {
        p.terms = "Use this terminology:";
        for (const PromptTerm& t : r.terms)
            p.terms += "\n- \"" + t.source + "\" must be translated as \"" + t.target + "\"" +
                       (t.note.empty() ? std::string() : " (" + t.note + ")");
    }
    if (!r.keepTerms.empty()) {
        p.keep = "Keep these names exactly as they are, untranslated:";
        for (const std::string& k : r.keepTerms)
            p.keep += " \"" + k + "\"";
        p.keep += ".";
    }
    p.formality = formalityLine(r);
    if (!r.style.empty())
        p.style = "Background and style for this translation (do not translate this): " + r.style;
    if (!r.context.empty())
        p.context = "About the text (do not translate this):\n" + r.context;
    if (!r.previous.empty()) {
        p.previous = "Earlier text and its translation, for context only (do not translate it again):";
        for (const auto& [src, tgtText] : r.previous)
            p.previous += "\n" + src + "\n=> " + tgtText;
    }
    if (r.pluralExample)
        p.plural = "This is a plural form: translate it as the " + tgt + " form used for n = " +
                   std::to_string(*r.pluralExample) + ".";
    if (r.strict && !r.problems.empty()) {
        p.strict = "Your previous answer was rejected:";
        for (const std::string& problem : r.problems)
            p.strict += "\n- " + problem;
        p.strict += "\nAnswer again with only the " + tgt + " translation, fixing these problems.";
    }
    return p;
}

std::string rewriteAsk(const TranslationRequest& r) {
    switch (r.rewrite) {
    case Rewrite::MoreFormal: return "Rewrite the translation to be more formal and polite.";
    case Rewrite::LessFormal: return "Rewrite the translation to be less formal, more casual and direct.";
    case Rewrite::Shorter: return "Rewrite the translation to be noticeably shorter while keeping its meaning.";
    case Rewrite::Alternative: return "Give a different translation with other wording.";
    case Rewrite::None: break;
    }
    return {};
}

void join(std::string& out, const std::string& part) {
    if (part.empty())
        return;
    if (!out.empty())
        out += "\n\n";
    out += part;
}

std::string genericUser(const TranslationRequest& r) {
    const Parts p = parts(r);
    std::string u;
    for (const std::string* part : {&p.context, &p.style, &p.previous, &p.terms, &p.keep, &p.tokens, &p.formality,
                                    &p.plural, &p.strict})
        join(u, *part);
    if (r.rewrite != Rewrite::None) {
        join(u, rewriteAsk(r) + " Keep every tag. Output only the new translation.");
        join(u, "Source text:\n" + r.text);
        join(u, "Current translation:\n" + r.current);
        return u;
    }
    join(u, "Text to translate:\n" + r.text);
    return u;
}

SamplingParams precise(const TranslationRequest& r) {
    SamplingParams s;
    const bool varied = r.seed != 0 || r.rewrite == Rewrite::Alternative;
    s.temperature = varied ? 0.7f : 0.2f;
    s.topK = 40;
    s.topP = 0.9f;
    s.minP = 0.05f;
    s.repeatPenalty = 1.05f;
    s.seed = varied ? r.seed + 1 : 42;
    return s;
}

Prompt base(const TranslationRequest& r, std::string_view id) {
    Prompt p;
    p.templateId = std::string(id) + "/1";
    p.options.enableThinking = false;
    p.options.maxTokens = static_cast<int32_t>(maxTokensFor(r));
    p.options.sampling = precise(r);
    return p;
}

class Generic : public Profile {
public:
    std::string_view id() const override { return "generic"; }
    std::string_view displayName() const override { return "Generic instruction"; }
    Prompt buildPrompt(const TranslationRequest& r) const override {
        Prompt p = base(r, id());
        const std::string src = name(r.sourceLanguage), tgt = name(r.targetLanguage);
        p.messages.push_back({"system", "You are a professional translator. Translate the user's text from " + src +
                                            " into " + tgt + ". Output only the " + tgt +
                                            " translation: no explanations, notes, quotes or commentary."});
        p.messages.push_back({"user", genericUser(r)});
        return p;
    }
    std::string cleanOutput(std::string_view raw, const TranslationRequest& r) const override { return clean(raw, r, false); }
};

class Qwen3 : public Generic {
public:
    std::string_view id() const override { return "qwen3"; }
    std::string_view displayName() const override { return "Qwen3 (thinking off)"; }
    Prompt buildPrompt(const TranslationRequest& r) const override {
        Prompt p = Generic::buildPrompt(r);
        p.templateId = "qwen3/1";
        p.options.enableThinking = false;  // thinking slows translation and does not improve it
        p.options.sampling.topK = 20;
        p.options.sampling.topP = 0.8f;
        return p;
    }
};

class Hunyuan : public Profile {
public:
    std::string_view id() const override { return "hunyuan-mt"; }
    std::string_view displayName() const override { return "Hunyuan-MT"; }
    Prompt buildPrompt(const TranslationRequest& r) const override {
        Prompt p = base(r, id());
        p.options.sampling.temperature = 0.7f;
        p.options.sampling.topP = 0.6f;
        p.options.sampling.topK = 20;
        p.options.sampling.minP = 0.0f;
        p.options.sampling.repeatPenalty = 1.05f;
        const bool zh = isChinese(r.sourceLanguage) || isChinese(r.targetLanguage);
        const Parts extra = parts(r);
        std::string u;
        // No system prompt: everything goes in the user turn, in the official forms.
        if (!r.terms.empty()) {
            u = zh ? "参考下面的翻译：" : "Refer to the following translations:";
            for (const PromptTerm& t : r.terms)
                u += "\n" + t.source + (zh ? " 翻译成 " : " translates to ") + t.target;
            u += "\n\n";
        }
        std::string background = r.context;
        if (!r.style.empty())
            background += (background.empty() ? "" : "\n") + r.style;
        for (const auto& [src, tgt] : r.previous)
            background += (background.empty() ? "" : "\n") + src + "\n" + tgt;
        if (!background.empty())
            u += background + (zh ? "\n参考上面的信息，" : "\nUsing the information above, ");
        for (const std::string* part : {&extra.keep, &extra.tokens, &extra.formality, &extra.plural, &extra.strict})
            if (!part->empty())
                u += *part + "\n";
        if (r.rewrite != Rewrite::None) {
            u += rewriteAsk(r) + "\n" + r.text + "\n" + r.current;
        } else if (zh) {
            u += "把下面的文本翻译成" + chineseName(r.targetLanguage) + "，不要额外解释。\n\n" + r.text;
        } else {
            u += "Translate the following segment into " + name(r.targetLanguage) + ", without additional explanation.\n\n" + r.text;
        }
        p.messages.push_back({"user", u});
        return p;
    }
    std::string cleanOutput(std::string_view raw, const TranslationRequest& r) const override { return clean(raw, r, false); }
};

class TranslateGemma : public Profile {
public:
    std::string_view id() const override { return "translategemma"; }
    std::string_view displayName() const override { return "TranslateGemma"; }
    Prompt buildPrompt(const TranslationRequest& r) const override {
        Prompt p = base(r, id());
        const std::string src = name(r.sourceLanguage), tgt = name(r.targetLanguage);
        const std::string sc = r.sourceLanguage.empty() ? "auto" : r.sourceLanguage;
        std::string u = "You are a professional " + src + " (" + sc + ") to " + tgt + " (" + r.targetLanguage +
                        ") translator. Your goal is to accurately convey the meaning and nuances of the original " + src +
                        " text while adhering to " + tgt + " grammar, vocabulary, and cultural sensitivities.";
        const Parts extra = parts(r);
        for (const std::string* part : {&extra.context, &extra.style, &extra.terms, &extra.keep, &extra.tokens,
                                        &extra.formality, &extra.plural, &extra.strict})
            if (!part->empty())
                u += "\n" + *part;
        if (r.rewrite != Rewrite::None)
            u += "\n" + rewriteAsk(r) + " Current translation: " + r.current;
        u += "\nProduce only the " + tgt + " translation, without any additional explanations or commentary. Please "
             "translate the following " + src + " text into " + tgt + ":\n\n\n" + r.text;
        p.messages.push_back({"user", u});
        return p;
    }
    std::string cleanOutput(std::string_view raw, const TranslationRequest& r) const override { return clean(raw, r, false); }
};

class SeedX : public Profile {
public:
    std::string_view id() const override { return "seed-x"; }
    std::string_view displayName() const override { return "Seed-X"; }
    Prompt buildPrompt(const TranslationRequest& r) const override {
        Prompt p = base(r, id());
        p.options.rawPrompt = true;
        std::string pre;
        const Parts extra = parts(r);
        for (const std::string* part : {&extra.terms, &extra.keep, &extra.tokens, &extra.strict})
            if (!part->empty())
                pre += *part + "\n";
        const std::string tag = normalizeLanguage(r.targetLanguage).substr(0, normalizeLanguage(r.targetLanguage).find('-'));
        p.messages.push_back({"user", pre + "Translate the following " + name(r.sourceLanguage) + " sentence into " +
                                          name(r.targetLanguage) + ":\n" + r.text + " <" + tag + ">"});
        return p;
    }
    std::string cleanOutput(std::string_view raw, const TranslationRequest& r) const override { return clean(raw, r, false); }
};

class Tower : public Profile {
public:
    std::string_view id() const override { return "tower"; }
    std::string_view displayName() const override { return "Tower"; }
    Prompt buildPrompt(const TranslationRequest& r) const override {
        Prompt p = base(r, id());
        const std::string src = name(r.sourceLanguage), tgt = name(r.targetLanguage);
        std::string u;
        const Parts extra = parts(r);
        for (const std::string* part : {&extra.context, &extra.style, &extra.terms, &extra.keep, &extra.tokens,
                                        &extra.formality, &extra.plural, &extra.strict})
            if (!part->empty())
                u += *part + "\n";
        u += "Translate the following text from " + src + " into " + tgt + ".\n" + src + ": " + r.text + "\n" + tgt + ":";
        p.messages.push_back({"user", u});
        return p;
    }
    std::string cleanOutput(std::string_view raw, const TranslationRequest& r) const override { return clean(raw, r, false); }
};

// A base (pre-trained) model continues text: a short transcript of translations it completes. One example
// sentence where Lantern has a correct translation for the target, then the segment.
class BaseCompletion : public Profile {
public:
    std::string_view id() const override { return "base-completion"; }
    std::string_view displayName() const override { return "Base model (completion)"; }
    Prompt buildPrompt(const TranslationRequest& r) const override {
        static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kExamples{{
            {"de", "Das Wetter ist heute schön."}, {"fr", "Il fait beau aujourd'hui."}, {"es", "Hoy hace buen tiempo."},
            {"it", "Oggi il tempo è bello."},      {"pt", "O tempo está bom hoje."},   {"nl", "Het weer is mooi vandaag."},
            {"ja", "今日は天気がいいです。"},       {"zh", "今天天气很好。"},           {"ru", "Сегодня хорошая погода."},
            {"ar", "الطقس جميل اليوم."},           {"pl", "Dzisiaj jest ładna pogoda."}, {"ko", "오늘은 날씨가 좋습니다."},
        }};
        Prompt p = base(r, id());
        p.options.rawPrompt = true;
        p.options.sampling.temperature = r.seed != 0 ? 0.7f : 0.0f;  // greedy: a small base model drifts when sampled
        const std::string src = name(r.sourceLanguage), tgt = name(r.targetLanguage);
        p.options.stop = {"\n\n", "\n" + src + ":", "\n" + tgt + ":"};
        std::string t;
        const std::string tbase = normalizeLanguage(r.targetLanguage).substr(0, normalizeLanguage(r.targetLanguage).find('-'));
        if (r.sourceLanguage.empty() || normalizeLanguage(r.sourceLanguage).starts_with("en"))
            for (const auto& [code, example] : kExamples)
                if (code == tbase)
                    t += src + ": The weather is nice today.\n" + tgt + ": " + std::string(example) + "\n\n";
        static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kTokenExamples{{
            {"de", "Öffnen Sie <x1/> in den <g2>Einstellungen</g2>."},
            {"fr", "Ouvrez <x1/> dans les <g2>Paramètres</g2>."},
            {"es", "Abra <x1/> en <g2>Configuración</g2>."},
        }};
        if (r.hasTokens)  // shows that tags come back as they are
            for (const auto& [code, example] : kTokenExamples)
                if (code == tbase && !t.empty())
                    t += src + ": Open <x1/> in <g2>Settings</g2>.\n" + tgt + ": " + std::string(example) + "\n\n";
        t += src + ": " + r.text + "\n" + tgt + ":";  // a rewrite is a fresh translation for a base model
        p.messages.push_back({"user", t});
        return p;
    }
    std::string cleanOutput(std::string_view raw, const TranslationRequest& r) const override { return clean(raw, r, true); }
};

const Generic kGeneric;
const Qwen3 kQwen3;
const Hunyuan kHunyuan;
const TranslateGemma kTranslateGemma;
const SeedX kSeedX;
const Tower kTower;
const BaseCompletion kBase;

}  // namespace

std::vector<const Profile*> allProfiles() { return {&kHunyuan, &kTranslateGemma, &kSeedX, &kTower, &kQwen3, &kGeneric, &kBase}; }

const Profile* findProfile(std::string_view id) {
    for (const Profile* p : allProfiles())
        if (p->id() == id)
            return p;
    return nullptr;
}

const Profile& selectProfile(const ModelIdentity& model) {
    const std::string names = asciiLower(model.name) + " " + asciiLower(model.fileName);
    if (names.find("hunyuan") != std::string::npos || names.find("hy-mt") != std::string::npos)
        return kHunyuan;
    if (names.find("translategemma") != std::string::npos || names.find("translate-gemma") != std::string::npos)
        return kTranslateGemma;
    if (names.find("seed-x") != std::string::npos || names.find("seedx") != std::string::npos)
        return kSeedX;
    if (names.find("tower") != std::string::npos)
        return kTower;
    const std::string arch = asciiLower(model.architecture);
    if (arch == "qwen3" || arch == "qwen3moe")
        return kQwen3;
    if (model.basePrompt)
        return kBase;
    return kGeneric;
}

}  // namespace lantern::translation
