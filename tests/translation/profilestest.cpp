// Prompt profiles (translation/profiles.h): each family's official template, word for word where the
// model card gives one (the cards' strings are the reference, copied here, not Lantern's output), every
// requirement present when it is set and absent when it is not, roles and message counts, sampling, the
// profile chosen from real GGUF names, and the translation recovered from realistic chatty answers.
#include <QtTest>

#include <functional>
#include <set>

#include "translation/languages.h"
#include "translation/profiles.h"

using namespace lantern::translation;
using lantern::ChatMessage;

namespace {

const Profile& profile(std::string_view id) {
    const Profile* p = findProfile(id);
    if (!p)
        qFatal("no profile %.*s", int(id.size()), id.data());
    return *p;
}

std::string allText(const Prompt& p) {
    std::string s;
    for (const ChatMessage& m : p.messages)
        s += m.content + "\n";
    return s;
}

bool has(const std::string& haystack, std::string_view needle) { return haystack.find(needle) != std::string::npos; }

TranslationRequest plain(std::string text = "Save your account settings.", std::string from = "en", std::string to = "de") {
    TranslationRequest r;
    r.sourceLanguage = std::move(from);
    r.targetLanguage = std::move(to);
    r.text = std::move(text);
    return r;
}

// One requirement: how to set it, what the prompt must then contain, and a phrase that is in the prompt
// only when it is set.
struct Probe {
    const char* name;
    std::function<void(TranslationRequest&)> set;
    std::vector<std::string> present;
    std::string marker;
};

std::vector<Probe> englishProbes() {
    return {
        {"context", [](TranslationRequest& r) { r.context = "This is a button label (msgctxt: toolbar)"; },
         {"This is a button label (msgctxt: toolbar)", "do not translate"}, "About the text"},
        {"style", [](TranslationRequest& r) { r.style = "A children's game: playful and simple."; },
         {"A children's game: playful and simple.", "do not translate"}, "Background and style"},
        {"previous", [](TranslationRequest& r) { r.previous = {{"Open the file.", "Öffne die Datei."}}; },
         {"Open the file.", "Öffne die Datei.", "do not translate"}, "coherence"},
        {"terms", [](TranslationRequest& r) { r.terms = {{"account", "Konto", "a user account"}}; },
         {"\"account\" must be translated as \"Konto\"", "a user account"}, "must be translated as"},
        {"keepTerms", [](TranslationRequest& r) { r.keepTerms = {"Lantern"}; }, {"keep \"Lantern\" unchanged"},
         "unchanged"},
        {"tokens", [](TranslationRequest& r) { r.text = "Open <x1/> in <g2>Settings</g2>."; r.hasTokens = true; },
         {"<g1>…</g1>", "<x1/>", "exactly as written", "exactly once", "grammar", "Nothing is inside an <xN/>"},
         "exactly once"},
        {"formality", [](TranslationRequest& r) { r.formality = Formality::Formal; }, {"formal (Sie)"}, "form throughout"},
        {"plural", [](TranslationRequest& r) { r.pluralExample = 3; }, {"plural form used for n = 3"}, "n = 3"},
        {"rewrite", [](TranslationRequest& r) { r.rewrite = Rewrite::MoreFormal; r.current = "Speicher deine Kontoeinstellungen."; },
         {"Speicher deine Kontoeinstellungen.", "Save your account settings.", "more formal"}, "Current German translation"},
        {"strict", [](TranslationRequest& r) { r.strict = true; r.problems = {"the tag <x1/> is missing", "the answer is in English"}; },
         {"rejected", "the tag <x1/> is missing", "the answer is in English"}, "rejected"},
    };
}

// Hunyuan's official forms (Hy-MT2 README: terminology, background, style, personalization).
std::vector<Probe> hunyuanProbes(bool zh) {
    std::vector<Probe> p = englishProbes();
    const std::string background = zh ? "【背景信息】" : "[Background Information]";
    const auto change = [&](std::string_view name, std::vector<std::string> present, std::string marker) {
        for (Probe& probe : p)
            if (probe.name == name) {
                probe.present = std::move(present);
                probe.marker = std::move(marker);
            }
    };
    change("context", {"This is a button label (msgctxt: toolbar)", zh ? "不需要翻译背景信息" : "not translate the background"},
           background);
    change("style", {"A children's game: playful and simple.", background}, background);
    change("previous", {"Open the file.\nÖffne die Datei.", background}, background);
    change("terms", {zh ? "参考下面的翻译：\naccount 翻译成 Konto" : "Reference the following translations:\naccount translates to Konto"},
           zh ? "参考下面的翻译" : "Reference the following translations");
    change("keepTerms", {zh ? "“Lantern”" : "\"Lantern\"", zh ? "不要翻译" : "do not translate them"},
           zh ? "保持原样" : "Keep these unchanged");
    change("tokens", {"<g1>…</g1>", "<x1/>", zh ? "只出现一次" : "exactly once", "<xN/>"}, zh ? "只出现一次" : "exactly once");
    change("formality", {zh ? "严格符合【formal (您)】" : "must strictly conform to [formal (Sie)]"},
           zh ? "风格" : "strictly conform");
    change("plural", {"n = 3"}, "n = 3");
    change("rewrite", {"Speicher deine Kontoeinstellungen.", zh ? "更正式" : "more formal"},
           zh ? "【当前译文】" : "[Current Translation]");
    change("strict", {"the tag <x1/> is missing", zh ? "被拒绝" : "rejected"}, zh ? "被拒绝" : "rejected");
    return p;
}

void checkProbes(const Profile& prof, const std::vector<Probe>& probes, const TranslationRequest& base) {
    for (const Probe& probe : probes) {
        TranslationRequest r = base;
        probe.set(r);
        const std::string text = allText(prof.buildPrompt(r));
        for (const std::string& needle : probe.present)
            QVERIFY2(has(text, needle), qPrintable(QString("%1/%2: \"%3\" missing in:\n%4")
                                                       .arg(QString::fromUtf8(prof.id()), probe.name,
                                                            QString::fromStdString(needle), QString::fromStdString(text))));
        for (const Probe& other : probes) {
            if (&other == &probe || other.marker == probe.marker)
                continue;
            QVERIFY2(!has(text, other.marker), qPrintable(QString("%1/%2: \"%3\" (of %4) present in:\n%5")
                                                              .arg(QString::fromUtf8(prof.id()), probe.name,
                                                                   QString::fromStdString(other.marker), other.name,
                                                                   QString::fromStdString(text))));
        }
    }
}

}  // namespace

class ProfilesTest : public QObject {
    Q_OBJECT
private slots:
    void everyProfileIsListedAndVersioned() {
        std::set<std::string> ids;
        for (const Profile* p : allProfiles()) {
            ids.insert(std::string(p->id()));
            QCOMPARE(findProfile(p->id()), p);
            const Prompt prompt = p->buildPrompt(plain());
            QCOMPARE(QString::fromStdString(prompt.templateId), QString::fromUtf8(p->id()) + "/1");
            QVERIFY(!prompt.options.enableThinking);
            QVERIFY(!prompt.messages.empty());
        }
        QCOMPARE(ids, (std::set<std::string>{"hunyuan-mt", "translategemma", "seed-x", "tower", "qwen3", "generic",
                                             "base-completion"}));
        QVERIFY(!findProfile("gpt"));
    }

    void genericSaysLanguagesAndOutputOnly() {
        for (std::string_view id : {"generic", "qwen3"}) {
            const Prompt p = profile(id).buildPrompt(plain());
            QCOMPARE(p.messages.size(), size_t(2));
            QCOMPARE(QString::fromStdString(p.messages[0].role), QString("system"));
            QCOMPARE(QString::fromStdString(p.messages[1].role), QString("user"));
            QVERIFY(has(p.messages[0].content, "from English into German"));
            QVERIFY(has(p.messages[0].content, "Output only the German translation"));
            QVERIFY(p.messages[1].content.ends_with("\n\nSave your account settings."));  // the segment last
            QVERIFY(!p.options.rawPrompt);
            // The system message depends on the pair only (the KV cache is reused across a job).
            TranslationRequest other = plain("Something else entirely.");
            other.terms = {{"else", "sonst", ""}};
            QCOMPARE(profile(id).buildPrompt(other).messages[0].content, p.messages[0].content);
        }
        const Prompt unknown = profile("generic").buildPrompt(plain("Bonjour", "", "de"));
        QVERIFY(has(unknown.messages[0].content, "from the source language into German"));
    }

    void genericRequirementsPresentExactlyWhenSet() {
        for (std::string_view id : {"generic", "qwen3", "translategemma", "tower"})
            checkProbes(profile(id), englishProbes(), plain());
        // Formality in the target language's own form.
        TranslationRequest fr = plain("Save your settings.", "en", "fr");
        fr.formality = Formality::Informal;
        QVERIFY(has(allText(profile("generic").buildPrompt(fr)), "informal (tu)"));
        TranslationRequest ja = plain("Save your settings.", "en", "ja");
        ja.formality = Formality::Formal;
        QVERIFY(has(allText(profile("generic").buildPrompt(ja)), "polite (です・ます)"));
        TranslationRequest en = plain("Speichern", "de", "en");  // English marks no formality
        en.formality = Formality::Formal;
        QVERIFY(!has(allText(profile("generic").buildPrompt(en)), "form throughout"));
    }

    void rewritesAskForTheirChange() {
        const std::vector<std::pair<Rewrite, std::string>> asks{{Rewrite::MoreFormal, "more formal"},
                                                                {Rewrite::LessFormal, "less formal"},
                                                                {Rewrite::Shorter, "shorter"},
                                                                {Rewrite::Alternative, "alternative translation"}};
        for (const auto& [rewrite, phrase] : asks) {
            TranslationRequest r = plain();
            r.rewrite = rewrite;
            r.current = "Speichere deine Kontoeinstellungen.";
            const std::string text = allText(profile("generic").buildPrompt(r));
            QVERIFY2(has(text, phrase), phrase.c_str());
            QVERIFY(has(text, r.current));
            QVERIFY(has(text, r.text));
            for (const auto& [otherRewrite, otherPhrase] : asks)
                if (otherRewrite != rewrite)
                    QVERIFY2(!has(text, otherPhrase), otherPhrase.c_str());
        }
    }

    void samplingPerFamily() {
        const TranslationRequest r = plain();
        for (std::string_view id : {"generic", "qwen3"}) {
            const lantern::SamplingParams s = profile(id).buildPrompt(r).options.sampling;
            QVERIFY2(s.temperature >= 0.2f && s.temperature <= 0.3f, id.data());
            QVERIFY(s.seed != 0);  // reproducible
            QCOMPARE(profile(id).buildPrompt(r).options.sampling.seed, s.seed);
        }
        const lantern::SamplingParams q = profile("qwen3").buildPrompt(r).options.sampling;
        QCOMPARE(q.topK, 20);
        QCOMPARE(q.topP, 0.8f);
        // Hunyuan-MT / Hy-MT README: temperature 0.7, top_p 0.6, top_k 20, repetition_penalty 1.05.
        const lantern::SamplingParams h = profile("hunyuan-mt").buildPrompt(r).options.sampling;
        QCOMPARE(h.temperature, 0.7f);
        QCOMPARE(h.topP, 0.6f);
        QCOMPARE(h.topK, 20);
        QCOMPARE(h.repeatPenalty, 1.05f);
        // Seed-X and Tower cards decode greedily; a base model too.
        for (std::string_view id : {"seed-x", "tower", "base-completion"})
            QCOMPARE(profile(id).buildPrompt(r).options.sampling.temperature, 0.0f);
        // Alternatives: another seed or Rewrite::Alternative sample wider, with that seed.
        TranslationRequest alt = r;
        alt.seed = 1000;
        TranslationRequest rewrite = r;
        rewrite.rewrite = Rewrite::Alternative;
        rewrite.current = "Speichere deine Kontoeinstellungen.";
        for (std::string_view id : {"generic", "qwen3", "translategemma", "seed-x", "tower", "base-completion"}) {
            const lantern::SamplingParams a = profile(id).buildPrompt(alt).options.sampling;
            QCOMPARE(a.temperature, 0.7f);
            QCOMPARE(a.seed, uint64_t(1000));
            QCOMPARE(profile(id).buildPrompt(rewrite).options.sampling.temperature, 0.7f);
        }
        // maxTokens from the text: 3 x bytes / 2 + 64, at most 2048.
        QCOMPARE(profile("generic").buildPrompt(plain(std::string(100, 'a'))).options.maxTokens, 214);
        QCOMPARE(profile("hunyuan-mt").buildPrompt(plain(std::string(100000, 'a'))).options.maxTokens, 2048);
        TranslationRequest longer = plain("Short.");
        longer.rewrite = Rewrite::Shorter;
        longer.current = std::string(200, 'b');
        QCOMPARE(profile("generic").buildPrompt(longer).options.maxTokens, 364);
    }

    // Tencent-Hunyuan/Hy-MT2 README (English default, terminology) and HY-MT README (ZH<=>XX template).
    void hunyuanOfficialTemplates() {
        const Profile& h = profile("hunyuan-mt");
        const Prompt p = h.buildPrompt(plain("It's on the house."));
        QCOMPARE(p.messages.size(), size_t(1));  // "our model does not have the default system_prompt"
        QCOMPARE(QString::fromStdString(p.messages[0].role), QString("user"));
        QCOMPARE(QString::fromStdString(p.messages[0].content),
                 QString("Translate the following text into German. Note that you should only output the translated "
                         "result without any additional explanation:\n\nIt's on the house."));
        const Prompt zh = h.buildPrompt(plain("It's on the house.", "en", "zh-Hans"));
        QCOMPARE(QString::fromStdString(zh.messages[0].content),
                 QString::fromUtf8("将以下文本翻译为简体中文，注意只需要输出翻译后的结果，不要额外解释：\n\nIt's on the house."));
        const Language* en = findLanguage("en");
        QVERIFY(en);
        const Prompt toEn = h.buildPrompt(plain("今天天气真好。", "zh-Hans", "en"));
        QVERIFY(has(toEn.messages[0].content, "翻译为" + std::string(en->chineseName)));  // Chinese name in a Chinese prompt
        TranslationRequest t = plain("Open your account.");
        t.terms = {{"account", "Konto", ""}};
        QCOMPARE(QString::fromStdString(h.buildPrompt(t).messages[0].content),
                 QString("Reference the following translations:\naccount translates to Konto\n\nTranslate the following "
                         "text into German. Note that you should only output the translated result without any "
                         "additional explanation:\n\nOpen your account."));
        TranslationRequest tz = plain("Open your account.", "en", "zh-Hans");
        tz.terms = {{"account", "账户", ""}};
        QVERIFY(h.buildPrompt(tz).messages[0].content.starts_with("参考下面的翻译：\naccount 翻译成 账户\n\n将以下文本翻译为简体中文"));
        // Several requirements: the personalization form, a numbered task list, the translation task last.
        TranslationRequest many = plain("Open <x1/> in <g2>Settings</g2>.");
        many.hasTokens = true;
        many.keepTerms = {"Lantern"};
        many.pluralExample = 1;
        const std::string m = h.buildPrompt(many).messages[0].content;
        QVERIFY(m.starts_with("[Source Text]\nOpen <x1/> in <g2>Settings</g2>.\n\n[Translation Tasks]\n1. "));
        QVERIFY(has(m, "\n2. ") && has(m, "\n3. "));
        QVERIFY(has(m, "\n4. Translate the [Source Text] into German."));
        for (bool chinese : {false, true})
            checkProbes(h, hunyuanProbes(chinese), plain("Save your account settings.", "en", chinese ? "zh-Hans" : "de"));
    }

    // The instruction TranslateGemma's chat template generates (model card, as FastFlowLM's docs print it).
    void translateGemmaOfficialTemplate() {
        const Prompt p = profile("translategemma").buildPrompt(plain("Hello, world!", "en", "es"));
        QCOMPARE(p.messages.size(), size_t(1));
        QCOMPARE(QString::fromStdString(p.messages[0].role), QString("user"));
        QCOMPARE(QString::fromStdString(p.messages[0].content),
                 QString("You are a professional English (en) to Spanish (es) translator. Your goal is to accurately "
                         "convey the meaning and nuances of the original English text while adhering to Spanish grammar, "
                         "vocabulary, and cultural sensitivities.\nProduce only the Spanish translation, without any "
                         "additional explanations or commentary. Please translate the following English text into "
                         "Spanish:\n\n\nHello, world!"));
        TranslationRequest r = plain("Open your account.");
        r.terms = {{"account", "Konto", ""}};
        const std::string c = profile("translategemma").buildPrompt(r).messages[0].content;
        QVERIFY(c.starts_with("You are a professional English (en) to German (de) translator."));
        QVERIFY(c.ends_with("into German:\n\n\nOpen your account."));  // two blank lines, then the text
    }

    // Seed-X card: no chat template, "Translate the following English sentence into Chinese:\n… <zh>".
    void seedXOfficialTemplate() {
        const Prompt p = profile("seed-x").buildPrompt(plain("May the force be with you", "en", "de"));
        QVERIFY(p.options.rawPrompt);
        QCOMPARE(p.messages.size(), size_t(1));
        QCOMPARE(QString::fromStdString(p.messages[0].content),
                 QString("Translate the following English sentence into German:\nMay the force be with you <de>"));
        QVERIFY(profile("seed-x").buildPrompt(plain("May the force be with you", "en", "zh-Hans")).messages[0].content.ends_with(
            "May the force be with you <zh>"));
        // "specialized in multilingual translation": nothing Lantern adds goes into its prompt.
        for (const Probe& probe : englishProbes()) {
            TranslationRequest r = plain();
            probe.set(r);
            const std::string text = allText(profile("seed-x").buildPrompt(r));
            QVERIFY2(!has(text, probe.marker), probe.name);
        }
    }

    // TowerInstruct card: "Translate the following text from Portuguese into English.\nPortuguese: …\nEnglish:".
    void towerOfficialTemplate() {
        const Prompt p = profile("tower").buildPrompt(plain("Um grupo de investigadores lançou um novo modelo.", "pt", "fr"));
        QCOMPARE(p.messages.size(), size_t(1));
        QCOMPARE(QString::fromStdString(p.messages[0].role), QString("user"));
        QCOMPARE(QString::fromStdString(p.messages[0].content),
                 QString::fromUtf8("Translate the following text from Portuguese into French.\nPortuguese: Um grupo de "
                                   "investigadores lançou um novo modelo.\nFrench:"));
    }

    // A base model gets a transcript with correct examples: checked by CLD2 and by the script of the target
    // lines, the tag example by its token set.
    void baseCompletionTranscript() {
        const Profile& b = profile("base-completion");
        for (std::string_view to : {"de", "fr", "es", "it", "pt", "ja", "zh-Hans", "ru", "ar"}) {
            TranslationRequest r = plain("Open <x1/> in <g2>Settings</g2>.", "en", std::string(to));
            r.hasTokens = true;
            const Prompt p = b.buildPrompt(r);
            QVERIFY(p.options.rawPrompt);
            QCOMPARE(p.options.stop, std::vector<std::string>{"\n"});
            const std::string& t = p.messages[0].content;
            const std::string tgt = englishName(to);
            QVERIFY(t.ends_with("English: Open <x1/> in <g2>Settings</g2>.\n" + tgt + ":"));
            std::string targetLines;
            int examples = 0;
            for (size_t at = 0; (at = t.find("\n" + tgt + ": ", at)) != std::string::npos; ++examples) {
                at += tgt.size() + 3;
                const std::string line = t.substr(at, t.find('\n', at) - at);
                targetLines += line + " ";
            }
            QVERIFY2(examples >= 2, to.data());
            const Language* l = findLanguage(to);
            QVERIFY(l);
            QVERIFY2(fitsLanguage(scriptProfile(targetLines), *l), to.data());
            const Detection d = detectLanguage(targetLines);
            QVERIFY2(findLanguage(d.code) == l, qPrintable(QString("%1: CLD2 says %2 for %3").arg(to.data(),
                                                                                                d.code.c_str(), targetLines.c_str())));
            // The tag example (where there is one) has the same tags as its source line.
            const std::string tagSource = "English: Open <x1/> in <g2>Settings</g2>.\n" + tgt + ": ";
            if (const size_t at = t.find(tagSource); at != std::string::npos) {
                const size_t from = at + tagSource.size();
                const std::string line = t.substr(from, t.find('\n', from) - from);
                for (std::string_view tag : {"<x1/>", "<g2>", "</g2>"})
                    QVERIFY2(has(line, tag), line.c_str());
            }
        }
        const std::string bare = b.buildPrompt(plain("Save.", "en", "sw")).messages[0].content;  // no examples for Swahili
        QCOMPARE(QString::fromStdString(bare), QString::fromStdString("English: Save.\n" + englishName("sw") + ":"));
        QVERIFY(!has(b.buildPrompt(plain("Save.", "en", "de")).messages[0].content, "<x1/>"));  // no tag example without tags
    }

    void selectsFromRealNames() {
        const auto pick = [](std::string name, std::string arch, std::string file, bool base = false) {
            return std::string(selectProfile({std::move(name), std::move(arch), std::move(file), base}).id());
        };
        QCOMPARE(pick("Hunyuan MT 7B", "hunyuan-dense", "Hunyuan-MT-7B.Q4_K_M.gguf"), std::string("hunyuan-mt"));
        QCOMPARE(pick("", "hunyuan-dense", "HY-MT1.5-1.8B-Q8_0.gguf"), std::string("hunyuan-mt"));
        QCOMPARE(pick("Hy-MT2-7B", "hunyuan-dense", "model.gguf"), std::string("hunyuan-mt"));
        QCOMPARE(pick("Translategemma 4b It", "gemma3", "translategemma-4b-it-Q4_K_M.gguf"), std::string("translategemma"));
        QCOMPARE(pick("", "mistral", "Seed-X-PPO-7B.Q4_K_M.gguf"), std::string("seed-x"));
        QCOMPARE(pick("", "llama", "TowerInstruct-7B-v0.2.Q4_K_M.gguf"), std::string("tower"));
        QCOMPARE(pick("Qwen3 4B Instruct 2507", "qwen3", "Qwen3-4B-Instruct-2507-Q4_K_M.gguf"), std::string("qwen3"));
        QCOMPARE(pick("Qwen3 30B A3B", "qwen3moe", "Qwen3-30B-A3B-Q4_K_M.gguf"), std::string("qwen3"));
        QCOMPARE(pick("Gemma 3 270m", "gemma3", "gemma-3-270m-Q8_0.gguf", true), std::string("base-completion"));
        QCOMPARE(pick("Llama 3.2 3B Instruct", "llama", "Llama-3.2-3B-Instruct-Q4_K_M.gguf"), std::string("generic"));
        QCOMPARE(pick("", "mistral", "Seed-X-Instruct-7B.gguf", true), std::string("seed-x"));  // names before basePrompt
        QCOMPARE(pick("", "qwen2", "Qwen2.5-7B-Instruct-Q4_K_M.gguf"), std::string("generic"));
    }

    void cleansChattyAnswers_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("raw");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char* name, const char* id, const char* source, const char* target, const char* raw,
                            const char* expected) {
            QTest::newRow(name) << QString(id) << QString::fromUtf8(source) << QString(target) << QString::fromUtf8(raw)
                                << QString::fromUtf8(expected);
        };
        row("clean", "generic", "Save your settings.", "de", "Speichern Sie Ihre Einstellungen.", "Speichern Sie Ihre Einstellungen.");
        row("here-is", "generic", "Save your settings.", "de",
            "Here is the translation:\n\nSpeichern Sie Ihre Einstellungen.", "Speichern Sie Ihre Einstellungen.");
        row("heres-german", "generic", "Save your settings.", "de",
            "Here's the German translation:\nSpeichern Sie Ihre Einstellungen.\n", "Speichern Sie Ihre Einstellungen.");
        row("sure", "qwen3", "Good morning!", "fr", "Sure! Here is the French translation:\n\n\"Bonjour !\"", "Bonjour !");
        row("sure-inline", "generic", "Good morning!", "es", "Sure, here it is: ¡Buenos días!", "¡Buenos días!");
        row("translation-prefix", "generic", "The file was deleted.", "de", "Translation: Die Datei wurde gelöscht.",
            "Die Datei wurde gelöscht.");
        row("bold-prefix", "generic", "The file was deleted.", "de", "**Translation:** Die Datei wurde gelöscht.",
            "Die Datei wurde gelöscht.");
        row("chinese-lead", "hunyuan-mt", "The weather is nice today.", "zh-Hans", "以下是翻译：\n今天天气很好。", "今天天气很好。");
        row("chinese-prefix", "hunyuan-mt", "The weather is nice today.", "zh-Hans", "翻译：今天天气很好。", "今天天气很好。");
        row("german-lead", "generic", "The weather is nice today.", "de", "Übersetzung:\nDas Wetter ist heute schön.",
            "Das Wetter ist heute schön.");
        row("think", "qwen3", "Thank you.", "ja", "<think>\nThe user wants Japanese. Polite form.\n</think>\n\nありがとうございます。",
            "ありがとうございます。");
        row("think-opened-by-template", "qwen3", "Thank you.", "ja", "Polite form it is.\n</think>\nありがとうございます。",
            "ありがとうございます。");
        row("empty-think", "qwen3", "Thank you.", "de", "<think>\n\n</think>\n\nDanke.", "Danke.");
        row("fence", "generic", "Delete <x1/>?", "de", "```\n<x1/> löschen?\n```", "<x1/> löschen?");
        row("fence-lang", "generic", "Delete <x1/>?", "de", "```text\n<x1/> löschen?\n```", "<x1/> löschen?");
        row("backticks", "generic", "Delete <x1/>?", "de", "`<x1/> löschen?`", "<x1/> löschen?");
        row("curly-quotes", "translategemma", "Welcome back", "de", "„Willkommen zurück“", "Willkommen zurück");
        row("guillemets", "generic", "Welcome back", "fr", "« Bon retour »", "Bon retour");
        row("japanese-brackets", "generic", "Welcome back", "ja", "「おかえりなさい」", "おかえりなさい");
        row("note-paragraph", "generic", "Open <g1>Settings</g1>.", "de",
            "Öffnen Sie die <g1>Einstellungen</g1>.\n\nNote: I used the formal \"Sie\" form.",
            "Öffnen Sie die <g1>Einstellungen</g1>.");
        row("notes-bold", "tower", "Open the file.", "de", "Öffne die Datei.\n\n**Note:** \"Datei\" is the usual term.",
            "Öffne die Datei.");
        row("note-parenthesis", "generic", "Open the file.", "de", "Öffnen Sie die Datei. (Note: formal address used.)",
            "Öffnen Sie die Datei.");
        row("echo", "generic", "Open the file.", "de", "Open the file.\nÖffnen Sie die Datei.", "Öffnen Sie die Datei.");
        row("echo-labelled", "tower", "Open the file.", "de", "English: Open the file.\nGerman: Öffnen Sie die Datei.",
            "Öffnen Sie die Datei.");
        row("label", "tower", "Open the file.", "de", "German: Öffnen Sie die Datei.", "Öffnen Sie die Datei.");
        row("everything", "generic", "Open <x1/> in <g2>Settings</g2>.", "de",
            "<think>ok</think>Sure! Here's the translation:\n\n```\nÖffnen Sie <x1/> in den <g2>Einstellungen</g2>.\n```\n\n"
            "Note: the tags were kept.",
            "Öffnen Sie <x1/> in den <g2>Einstellungen</g2>.");
        row("blank-lines", "generic", "Hi", "de", "\n\n  Hallo  \n\n", "Hallo");
        row("base-first-line", "base-completion", "The weather is nice today.", "de",
            " Das Wetter ist heute schön.\nEnglish: Where is the train station?", "Das Wetter ist heute schön.");
        // What must stay: the source's own quotes, label, note paragraph and lines; an answer that is only a label.
        row("source-quoted", "generic", "\"Hello\"", "de", "\"Hallo\"", "\"Hallo\"");
        row("source-label", "generic", "Translation: %s", "de", "Übersetzung: <x1/>", "Übersetzung: <x1/>");
        row("source-colon-line", "generic", "Translation:", "de", "Übersetzung:", "Übersetzung:");
        row("source-note", "generic", "Back up first.\n\nNote: this takes a while.", "de",
            "Erstelle zuerst eine Sicherung.\n\nHinweis: Das dauert eine Weile.",
            "Erstelle zuerst eine Sicherung.\n\nHinweis: Das dauert eine Weile.");
        row("two-quoted", "generic", "Yes or no", "de", "\"Ja\" oder \"Nein\"", "\"Ja\" oder \"Nein\"");
        row("multiline", "generic", "Line one\nLine two", "de", "Zeile eins\nZeile zwei", "Zeile eins\nZeile zwei");
        row("note-with-only-token", "generic", "Open <x1/>.", "de", "Öffnen Sie\n\nNote: <x1/> left as is.",
            "Öffnen Sie\n\nNote: <x1/> left as is.");
    }
    void cleansChattyAnswers() {
        QFETCH(QString, id);
        QFETCH(QString, source);
        QFETCH(QString, target);
        QFETCH(QString, raw);
        QFETCH(QString, expected);
        TranslationRequest r = plain(source.toStdString(), "en", target.toStdString());
        r.hasTokens = source.contains("<x") || source.contains("<g");
        const std::string cleaned = profile(id.toStdString()).cleanOutput(raw.toStdString(), r);
        QCOMPARE(QString::fromStdString(cleaned), expected);
    }

    // Streaming: the preview cleans partial answers; an unfinished think block shows nothing.
    void cleansPartialAnswers() {
        const TranslationRequest r = plain("Thank you.", "en", "de");
        QCOMPARE(QString::fromStdString(profile("qwen3").cleanOutput("<think>\nLet me", r)), QString());
        QCOMPARE(QString::fromStdString(profile("qwen3").cleanOutput("<think>x</think>Dan", r)), QString("Dan"));
    }
};

QTEST_MAIN(ProfilesTest)
#include "profilestest.moc"
