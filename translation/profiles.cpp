// Prompt profiles per model family (profiles.h). A model that was trained on one wording translates best
// when asked in that wording, so the families with an official template get it verbatim and Lantern's own
// requirements (tags, glossary, context, formality, plural forms, retries) are added only in the forms the
// family documents; everything else gets the generic instruction (../shared/notes/translation.md §2.1-2.5).
//
// Sources of the official wordings (checked 2026-12):
//   Hunyuan-MT / HY-MT1.5 / Hy-MT2: Tencent-Hunyuan/HY-MT README "Prompts" (mirror Mu-L/HY-MT@374ebfb6:
//     ZH<=>XX "将以下文本翻译为{target_language}，注意只需要输出翻译后的结果，不要额外解释：", terminology
//     "参考下面的翻译：\n{src} 翻译成 {tgt}", context "{context}\n参考上面的信息，…注意不需要翻译上文") and
//     Tencent-Hunyuan/Hy-MT2 README @3509fd9d "Translation Task Instruction Examples" (the English forms:
//     "Reference the following translations:\n{src} translates to {tgt}", style "…must strictly conform to
//     [{style}]", personalization "[Source Text] … [Translation Tasks] 1. …", background "[Background
//     Information]"). No system prompt. Sampling for 1.8B/7B: temperature 0.7, top_p 0.6, top_k 20,
//     repetition_penalty 1.05.
//   TranslateGemma: the chat template's instruction as the model card prints it (superm1/FastFlowLM
//     docs/docs/models/translategemma.md): "You are a professional {SRC} ({code}) to {TGT} ({code})
//     translator. …\nProduce only the {TGT} translation, … into {TGT}:" + two blank lines + the text, one user
//     message (no system message).
//   Seed-X: the model card (ByteDance-Seed/Seed-X-Instruct-7B README): no chat template, a raw
//     "Translate the following English sentence into Chinese:\nMay the force be with you <zh>", the target's
//     tag required; "specialized in translation": nothing else is added; greedy (temperature 0) or beam 4.
//   Tower: the TowerInstruct-7B-v0.2 card: one user turn "Translate the following text from Portuguese into
//     English.\nPortuguese: …\nEnglish:", do_sample=False.
#include "translation/profiles.h"

#include <algorithm>
#include <array>

#include "base/text.h"
#include "translation/languages.h"
#include "translation/profilesclean.h"

namespace lantern::translation {

namespace {

std::string nameOf(std::string_view code) { return code.empty() ? std::string("the source language") : englishName(code); }

std::string chineseNameOf(std::string_view code) {
    const Language* l = findLanguage(code);
    return l && !l->chineseName.empty() ? std::string(l->chineseName) : englishName(code);
}

// The canonical table code ("de-AT" -> "de", "zh_CN" -> "zh-Hans"), else the normalized code.
std::string tableCode(std::string_view code) {
    const Language* l = findLanguage(code);
    return l ? std::string(l->code) : normalizeLanguage(code);
}

std::string baseCode(std::string_view code) {
    const std::string n = normalizeLanguage(code);
    return n.substr(0, n.find('-'));
}

bool isChinese(std::string_view code) { return !code.empty() && baseCode(code) == "zh"; }

std::string formName(const TranslationRequest& r) {
    const Language* l = findLanguage(r.targetLanguage);
    if (r.formality == Formality::Default || !l || !l->hasFormality())
        return {};
    return std::string(r.formality == Formality::Formal ? l->formalName : l->informalName);
}

// About 1.5 tokens per UTF-8 byte at worst (scripts a vocabulary splits into bytes), plus room for tags.
int32_t maxTokensFor(const TranslationRequest& r) {
    const size_t bytes = std::max(r.text.size(), r.current.size());
    return static_cast<int32_t>(std::min<size_t>(2048, bytes * 3 / 2 + 64));
}

bool varied(const TranslationRequest& r) { return r.seed != 0 || r.rewrite == Rewrite::Alternative; }

// Low temperature with a fixed seed: the same segment gives the same answer. Alternatives sample wider.
SamplingParams precise(const TranslationRequest& r, float temperature) {
    SamplingParams s;
    s.temperature = varied(r) ? 0.7f : temperature;
    s.topK = 40;
    s.topP = 0.9f;
    s.minP = 0.05f;
    s.repeatPenalty = 1.05f;
    s.seed = r.seed != 0 ? r.seed : 42;
    return s;
}

Prompt start(const TranslationRequest& r, std::string_view id, float temperature) {
    Prompt p;
    p.templateId = std::string(id) + "/1";
    p.options.enableThinking = false;  // thinking slows translation down and does not improve it (§2.1)
    p.options.maxTokens = maxTokensFor(r);
    p.options.sampling = precise(r, temperature);
    return p;
}

void join(std::string& out, const std::string& part, std::string_view separator = "\n\n") {
    if (part.empty())
        return;
    if (!out.empty())
        out += separator;
    out += part;
}

// Lantern's requirements in English sentences: the generic prompt in full, additions for TranslateGemma
// and Tower.
struct Parts {
    std::string context, style, previous, terms, keep, tokens, formality, plural, rewrite, strict;
};

std::string rewriteAsk(Rewrite rewrite) {
    switch (rewrite) {
    case Rewrite::MoreFormal: return "Rewrite the current translation to be more formal and polite.";
    case Rewrite::LessFormal: return "Rewrite the current translation to be less formal: more casual and direct.";
    case Rewrite::Shorter: return "Rewrite the current translation to be noticeably shorter, keeping its meaning.";
    case Rewrite::Alternative: return "Give an alternative translation, worded differently from the current one.";
    case Rewrite::None: break;
    }
    return {};
}

Parts parts(const TranslationRequest& r) {
    Parts p;
    const std::string tgt = nameOf(r.targetLanguage);
    if (!r.context.empty())
        p.context = "About the text (context only, do not translate it): " + r.context;
    if (!r.style.empty())
        p.style = "Background and style (context only, do not translate it): " + r.style;
    if (!r.previous.empty()) {
        p.previous = "The text follows these segments and their translations (context for coherence only, do not "
                     "translate them again):";
        for (const auto& [src, tgtText] : r.previous)
            p.previous += "\n" + src + "\n=> " + tgtText;
    }
    if (!r.terms.empty()) {
        p.terms = "Terminology:";
        for (const PromptTerm& t : r.terms)
            p.terms += "\n- \"" + t.source + "\" must be translated as \"" + t.target + "\"" +
                       (t.note.empty() ? std::string() : " (" + t.note + ")");
    }
    if (!r.keepTerms.empty()) {
        p.keep = "Names and terms that stay as they are:";
        for (const std::string& k : r.keepTerms)
            p.keep += "\n- keep \"" + k + "\" unchanged";
    }
    if (r.hasTokens)
        p.tokens = "The text contains tags such as <g1>…</g1> and <x1/>. They stand for placeholders, markup and "
                   "code. Keep every tag exactly as written and use each exactly once; never translate, change, add "
                   "or drop a tag. You may move a tag where " + tgt + " grammar requires it, keeping the words it "
                   "encloses inside it. Nothing is inside an <xN/> tag: do not add or guess its content.";
    if (const std::string form = formName(r); !form.empty())
        p.formality = "Address the reader in the " + form + " form throughout.";
    if (r.pluralExample)
        p.plural = "This is one plural form of a message: translate the " + tgt + " plural form used for n = " +
                   std::to_string(*r.pluralExample) + ".";
    if (r.rewrite != Rewrite::None)
        p.rewrite = "Current " + tgt + " translation:\n" + r.current + "\n\n" + rewriteAsk(r.rewrite) +
                    " Keep every tag.";
    if (r.strict && !r.problems.empty()) {
        p.strict = "Your previous answer was rejected for these problems:";
        for (const std::string& problem : r.problems)
            p.strict += "\n- " + problem;
        p.strict += "\nAvoid them. Output only the " + tgt + " translation, nothing else.";
    }
    return p;
}

class Generic : public Profile {
public:
    std::string_view id() const override { return "generic"; }
    std::string_view displayName() const override { return "Generic instruction"; }
    Prompt buildPrompt(const TranslationRequest& r) const override {
        Prompt p = start(r, id(), 0.2f);
        const std::string src = nameOf(r.sourceLanguage), tgt = nameOf(r.targetLanguage);
        // The system message depends on the language pair only: the engine reuses its KV cache across a job.
        p.messages.push_back({"system", "You are a professional translator. Translate the user's text from " + src +
                                            " into " + tgt + ". Output only the " + tgt +
                                            " translation: no explanations, notes, quotes or commentary."});
        const Parts x = parts(r);
        std::string u;
        for (const std::string* part : {&x.context, &x.style, &x.previous, &x.terms, &x.keep, &x.tokens, &x.formality,
                                        &x.plural, &x.strict})
            join(u, *part);
        if (r.rewrite != Rewrite::None) {
            join(u, src + " source text:\n" + r.text);
            join(u, x.rewrite + " Output only the new " + tgt + " translation.");
        } else {
            join(u, "Translate this " + src + " text into " + tgt + " and output only the translation:\n\n" + r.text);
        }
        p.messages.push_back({"user", u});
        return p;
    }
    std::string cleanOutput(std::string_view raw, const TranslationRequest& r) const override { return clean(raw, r, false); }
};

// Qwen3: the generic instruction with thinking off; Qwen's non-thinking sampling (top_k 20, top_p 0.8,
// min_p 0) at a translation temperature.
class Qwen3 : public Generic {
public:
    std::string_view id() const override { return "qwen3"; }
    std::string_view displayName() const override { return "Qwen3 (thinking off)"; }
    Prompt buildPrompt(const TranslationRequest& r) const override {
        Prompt p = Generic::buildPrompt(r);
        p.templateId = "qwen3/1";
        p.options.enableThinking = false;
        p.options.sampling.temperature = varied(r) ? 0.7f : 0.3f;
        p.options.sampling.topK = 20;
        p.options.sampling.topP = 0.8f;
        p.options.sampling.minP = 0.0f;
        return p;
    }
};

// Hunyuan-MT / Hy-MT: the user turn only. One requirement uses its own official template (terminology,
// background, style); several become the official "personalization" list of translation tasks. Chinese
// wording when either side is Chinese, with the languages' Chinese names.
class Hunyuan : public Profile {
public:
    std::string_view id() const override { return "hunyuan-mt"; }
    std::string_view displayName() const override { return "Hunyuan-MT"; }
    Prompt buildPrompt(const TranslationRequest& r) const override {
        Prompt p = start(r, id(), 0.7f);
        p.options.sampling.temperature = 0.7f;
        p.options.sampling.topP = 0.6f;
        p.options.sampling.topK = 20;
        p.options.sampling.minP = 0.0f;
        p.options.sampling.repeatPenalty = 1.05f;
        const bool zh = isChinese(r.sourceLanguage) || isChinese(r.targetLanguage);
        p.messages.push_back({"user", zh ? chinese(r) : english(r)});
        return p;
    }
    std::string cleanOutput(std::string_view raw, const TranslationRequest& r) const override { return clean(raw, r, false); }

private:
    static std::string background(const TranslationRequest& r) {
        std::string b;
        join(b, r.context, "\n");
        join(b, r.style, "\n");
        for (const auto& [src, tgt] : r.previous)
            join(b, src + "\n" + tgt, "\n");
        return b;
    }
    static std::string terms(const TranslationRequest& r, std::string_view head, std::string_view verb) {
        if (r.terms.empty())
            return {};
        std::string t(head);
        for (const PromptTerm& term : r.terms)
            t += "\n" + term.source + std::string(verb) + term.target;
        return t + "\n\n";
    }
    static std::string english(const TranslationRequest& r) {
        const std::string tgt = nameOf(r.targetLanguage), bg = background(r), form = formName(r);
        std::vector<std::string> tasks;
        if (!bg.empty())
            tasks.push_back("Take the [Background Information] into consideration, but do not translate it.");
        if (!r.keepTerms.empty()) {
            std::string k = "Keep these unchanged, do not translate them:";
            for (const std::string& term : r.keepTerms)
                k += " \"" + term + "\"";
            tasks.push_back(k + ".");
        }
        if (r.hasTokens)
            tasks.push_back("The tags such as <g1>…</g1> and <x1/> stand for placeholders, markup and code: keep every "
                            "tag exactly as written, each exactly once; move a tag only where " + tgt + " grammar "
                            "requires it. Nothing is inside an <xN/> tag: do not add or guess its content.");
        if (!form.empty())
            tasks.push_back("The translation style must strictly conform to [" + form + "].");
        if (r.pluralExample)
            tasks.push_back("This is one plural form: translate the " + tgt + " plural form used for n = " +
                            std::to_string(*r.pluralExample) + ".");
        if (r.strict && !r.problems.empty()) {
            std::string s = "The previous answer was rejected for these problems:";
            for (const std::string& problem : r.problems)
                s += " " + problem + ";";
            tasks.push_back(s + " avoid them.");
        }
        std::string u = terms(r, "Reference the following translations:", " translates to ");
        if (!bg.empty())
            u += "[Background Information]\n" + bg + "\n\n";
        const std::string only = "Note that you should only output the translated result without any additional "
                                 "explanation";
        if (r.rewrite != Rewrite::None) {
            tasks.push_back(rewriteAsk(r.rewrite) + " " + only + ".");
            return numbered(u + "[Source Text]\n" + r.text + "\n\n[Current Translation]\n" + r.current +
                                "\n\n[Translation Tasks]", tasks, ". ");
        }
        if (tasks.size() > 1 || (tasks.size() == 1 && bg.empty() && form.empty())) {
            tasks.push_back("Translate the [Source Text] into " + tgt + ". " + only + ".");
            return numbered(u + "[Source Text]\n" + r.text + "\n\n[Translation Tasks]", tasks, ". ");
        }
        if (!form.empty())
            return u + "Please translate the following text into " + tgt +
                   ". Note that the translation style must strictly conform to [" + form + "]:\n\n" + r.text;
        if (!bg.empty())
            return u + "Please translate the following text into " + tgt + ", taking the provided background "
                   "information into consideration. Do not translate the background information. " + only +
                   ".\n\n[Source Text]\n" + r.text;
        return u + "Translate the following text into " + tgt + ". " + only + ":\n\n" + r.text;
    }
    static std::string chinese(const TranslationRequest& r) {
        const std::string tgt = chineseNameOf(r.targetLanguage), bg = background(r), form = formName(r);
        std::vector<std::string> tasks;
        if (!bg.empty())
            tasks.push_back("参考【背景信息】，注意不需要翻译背景信息。");
        if (!r.keepTerms.empty()) {
            std::string k = "以下内容保持原样，不要翻译：";
            for (size_t i = 0; i < r.keepTerms.size(); ++i)
                k += (i ? "、“" : "“") + r.keepTerms[i] + "”";
            tasks.push_back(k + "。");
        }
        if (r.hasTokens)
            tasks.push_back("文本中的 <g1>…</g1>、<x1/> 等标签代表占位符、格式或代码：每个标签必须原样保留，且只出现一次；"
                            "只在" + tgt + "语法需要时移动标签位置。<xN/> 标签内没有任何内容，不要补充或猜测。");
        if (!form.empty())
            tasks.push_back("翻译的风格要严格符合【" + form + "】。");
        if (r.pluralExample)
            tasks.push_back("这是一个复数形式：请翻译为" + tgt + "中 n = " + std::to_string(*r.pluralExample) +
                            " 时使用的复数形式。");
        if (r.strict && !r.problems.empty()) {
            std::string s = "上一次的译文因以下问题被拒绝：";
            for (const std::string& problem : r.problems)
                s += problem + "；";
            tasks.push_back(s + "请避免这些问题。");
        }
        std::string u = terms(r, "参考下面的翻译：", " 翻译成 ");
        if (!bg.empty())
            u += "【背景信息】\n" + bg + "\n\n";
        const std::string only = "注意只需要输出翻译后的结果，不要额外解释";
        if (r.rewrite != Rewrite::None) {
            tasks.push_back(chineseRewrite(r.rewrite) + only + "。");
            return numbered(u + "【待翻译文本】\n" + r.text + "\n\n【当前译文】\n" + r.current + "\n\n【翻译任务】", tasks,
                            "、");
        }
        if (tasks.size() > 1 || (tasks.size() == 1 && bg.empty() && form.empty())) {
            tasks.push_back("将【待翻译文本】翻译为" + tgt + "，" + only + "。");
            return numbered(u + "【待翻译文本】\n" + r.text + "\n\n【翻译任务】", tasks, "、");
        }
        if (!form.empty())
            return u + "请将以下文本翻译为" + tgt + "。\n注意翻译的风格要严格符合【" + form + "】\n\n" + r.text;
        if (!bg.empty())
            return u + "请结合背景信息将以下文本翻译为" + tgt + "，注意不需要翻译背景信息，也不要额外解释。\n\n【待翻译文本】\n" +
                   r.text;
        return u + "将以下文本翻译为" + tgt + "，" + only + "：\n\n" + r.text;
    }
    static std::string chineseRewrite(Rewrite rewrite) {
        switch (rewrite) {
        case Rewrite::MoreFormal: return "把【当前译文】改写得更正式、更礼貌，";
        case Rewrite::LessFormal: return "把【当前译文】改写得更随意、更口语化，";
        case Rewrite::Shorter: return "把【当前译文】改写得明显更简短，意思不变，";
        case Rewrite::Alternative: return "给出与【当前译文】措辞不同的另一种译文，";
        case Rewrite::None: break;
        }
        return {};
    }
    static std::string numbered(std::string head, const std::vector<std::string>& tasks, std::string_view dot) {
        for (size_t i = 0; i < tasks.size(); ++i)
            head.append("\n").append(std::to_string(i + 1)).append(dot).append(tasks[i]);
        return head;
    }
};

class TranslateGemma : public Profile {
public:
    std::string_view id() const override { return "translategemma"; }
    std::string_view displayName() const override { return "TranslateGemma"; }
    Prompt buildPrompt(const TranslationRequest& r) const override {
        Prompt p = start(r, id(), 0.2f);
        const std::string src = nameOf(r.sourceLanguage), tgt = nameOf(r.targetLanguage);
        const std::string sc = r.sourceLanguage.empty() ? "auto" : normalizeLanguage(r.sourceLanguage);
        std::string u = "You are a professional " + src + " (" + sc + ") to " + tgt + " (" +
                        normalizeLanguage(r.targetLanguage) + ") translator. Your goal is to accurately convey the "
                        "meaning and nuances of the original " + src + " text while adhering to " + tgt +
                        " grammar, vocabulary, and cultural sensitivities.";
        // The template has no place for requirements: they go between its two sentences.
        const Parts x = parts(r);
        for (const std::string* part : {&x.context, &x.style, &x.previous, &x.terms, &x.keep, &x.tokens, &x.formality,
                                        &x.plural, &x.rewrite, &x.strict})
            join(u, *part, "\n");
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
        Prompt p = start(r, id(), 0.0f);
        p.options.rawPrompt = true;  // "We don't have any chat template"
        std::string tag = baseCode(r.targetLanguage);
        if (tag == "nn")
            tag = "no";
        p.messages.push_back({"user", "Translate the following " + nameOf(r.sourceLanguage) + " sentence into " +
                                          nameOf(r.targetLanguage) + ":\n" + r.text + " <" + tag + ">"});
        return p;
    }
    std::string cleanOutput(std::string_view raw, const TranslationRequest& r) const override { return clean(raw, r, false); }
};

class Tower : public Profile {
public:
    std::string_view id() const override { return "tower"; }
    std::string_view displayName() const override { return "Tower"; }
    Prompt buildPrompt(const TranslationRequest& r) const override {
        Prompt p = start(r, id(), 0.0f);
        const std::string src = nameOf(r.sourceLanguage), tgt = nameOf(r.targetLanguage);
        std::string u;
        const Parts x = parts(r);
        for (const std::string* part : {&x.context, &x.style, &x.previous, &x.terms, &x.keep, &x.tokens, &x.formality,
                                        &x.plural, &x.rewrite, &x.strict})
            join(u, *part, "\n");
        join(u, "Translate the following text from " + src + " into " + tgt + ".\n" + src + ": " + r.text + "\n" + tgt + ":",
             "\n");
        p.messages.push_back({"user", u});
        return p;
    }
    std::string cleanOutput(std::string_view raw, const TranslationRequest& r) const override { return clean(raw, r, false); }
};

// A base (pre-trained) model continues text: a transcript of translations that it completes with one line.
// The examples are the same sentences in every language Lantern has them for, so any pair of those gets
// two (three with tags) correct examples; other pairs get the bare transcript.
struct Example {
    std::string_view code, weather, station, tags;
};
constexpr std::array<Example, 14> kExamples{{
    {"en", "The weather is nice today.", "Where is the train station?", "Open <x1/> in <g2>Settings</g2>."},
    {"de", "Das Wetter ist heute schön.", "Wo ist der Bahnhof?", "Öffnen Sie <x1/> in den <g2>Einstellungen</g2>."},
    {"fr", "Il fait beau aujourd'hui.", "Où est la gare ?", "Ouvrez <x1/> dans les <g2>Paramètres</g2>."},
    {"es", "Hoy hace buen tiempo.", "¿Dónde está la estación de tren?", "Abra <x1/> en <g2>Configuración</g2>."},
    {"it", "Oggi il tempo è bello.", "Dov'è la stazione ferroviaria?", "Apri <x1/> nelle <g2>Impostazioni</g2>."},
    {"pt", "O tempo está bom hoje.", "Onde fica a estação ferroviária?", ""},
    {"nl", "Het weer is mooi vandaag.", "Waar is het station?", "Open <x1/> in <g2>Instellingen</g2>."},
    {"pl", "Dzisiaj jest ładna pogoda.", "Gdzie jest dworzec kolejowy?", ""},
    {"ru", "Сегодня хорошая погода.", "Где находится вокзал?", "Откройте <x1/> в <g2>Настройках</g2>."},
    {"ja", "今日はいい天気です。", "駅はどこですか？", "<g2>設定</g2>で<x1/>を開いてください。"},
    {"zh-Hans", "今天天气很好。", "火车站在哪里？", "在<g2>设置</g2>中打开<x1/>。"},
    {"zh-Hant", "今天天氣很好。", "火車站在哪裡？", "在<g2>設定</g2>中打開<x1/>。"},
    {"ko", "오늘은 날씨가 좋습니다.", "기차역이 어디에 있습니까?", ""},
    {"ar", "الطقس جميل اليوم.", "أين محطة القطار؟", ""},
}};

const Example* exampleFor(std::string_view code) {
    const std::string c = tableCode(code);
    for (const Example& e : kExamples)
        if (e.code == c)
            return &e;
    return nullptr;
}

class BaseCompletion : public Profile {
public:
    std::string_view id() const override { return "base-completion"; }
    std::string_view displayName() const override { return "Base model (completion)"; }
    Prompt buildPrompt(const TranslationRequest& r) const override {
        Prompt p = start(r, id(), 0.0f);  // greedy: a small base model drifts when sampled
        p.options.rawPrompt = true;
        p.options.stop = {"\n"};  // the next transcript line
        const std::string src = nameOf(r.sourceLanguage.empty() ? std::string_view("en") : r.sourceLanguage);
        const std::string tgt = nameOf(r.targetLanguage);
        const Example* s = exampleFor(r.sourceLanguage.empty() ? std::string_view("en") : r.sourceLanguage);
        const Example* t = exampleFor(r.targetLanguage);
        std::string transcript;
        if (s && t && s != t) {
            for (auto field : {&Example::weather, &Example::station})
                transcript += src + ": " + std::string(s->*field) + "\n" + tgt + ": " + std::string(t->*field) + "\n\n";
            if (r.hasTokens && !s->tags.empty() && !t->tags.empty())  // tags come back as they are
                transcript += src + ": " + std::string(s->tags) + "\n" + tgt + ": " + std::string(t->tags) + "\n\n";
        }
        // A rewrite is a fresh translation for a base model; it cannot follow instructions.
        transcript += src + ": " + r.text + "\n" + tgt + ":";
        p.messages.push_back({"user", transcript});
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

bool contains(const std::string& haystack, std::string_view needle) { return haystack.find(needle) != std::string::npos; }

}  // namespace

std::vector<const Profile*> allProfiles() { return {&kHunyuan, &kTranslateGemma, &kSeedX, &kTower, &kQwen3, &kGeneric, &kBase}; }

const Profile* findProfile(std::string_view id) {
    for (const Profile* p : allProfiles())
        if (p->id() == id)
            return p;
    return nullptr;
}

const Profile& selectProfile(const ModelIdentity& model) {
    const std::string names = asciiLower(model.name) + "\n" + asciiLower(model.fileName);
    if (contains(names, "hunyuan") || contains(names, "hy-mt") || contains(names, "hy_mt"))
        return kHunyuan;
    if (contains(names, "translategemma") || contains(names, "translate-gemma"))
        return kTranslateGemma;
    if (contains(names, "seed-x") || contains(names, "seedx") || contains(names, "seed_x"))
        return kSeedX;
    if (contains(names, "tower"))
        return kTower;
    const std::string arch = asciiLower(model.architecture);
    if (arch == "qwen3" || arch == "qwen3moe")
        return kQwen3;
    if (model.basePrompt)
        return kBase;
    return kGeneric;
}

}  // namespace lantern::translation
