// The language table against ICU's locale data (names in English, in the language itself and in Chinese,
// likely script, direction), code normalisation, the script check on mixed text (letter counts checked
// against Python's unicodedata), and CLD2 detection on natural sentences.
#include <QProcess>
#include <QStandardPaths>
#include <QtTest>
#include <set>
#include <unicode/locid.h>
#include <unicode/uscript.h>

#include "translation/languages.h"

using namespace lantern::translation;

namespace {

QString q(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

std::string icuName(const icu::Locale& locale, const icu::Locale& in) {
    icu::UnicodeString name;
    locale.getDisplayName(in, name);
    std::string out;
    name.toUTF8String(out);
    return out;
}

// ICU's likely script for a code ("sr" -> Cyrl, "ja" -> Jpan), as the Script bits that must be set.
uint32_t icuScripts(std::string_view code) {
    UErrorCode err = U_ZERO_ERROR;
    icu::Locale likely(std::string(code).c_str());
    likely.addLikelySubtags(err);
    const std::string script = likely.getScript();
    auto bit = [](Script s) { return 1u << static_cast<unsigned>(s); };
    if (script == "Jpan") return bit(Script::Han) | bit(Script::Kana);
    if (script == "Kore") return bit(Script::Hangul);
    if (script == "Hans" || script == "Hant") return bit(Script::Han);
    UScriptCode codes[2];
    const int32_t n = uscript_getCode(script.c_str(), codes, 2, &err);
    if (U_FAILURE(err) || n < 1) return 0;
    switch (codes[0]) {
    case USCRIPT_LATIN: return bit(Script::Latin);
    case USCRIPT_CYRILLIC: return bit(Script::Cyrillic);
    case USCRIPT_GREEK: return bit(Script::Greek);
    case USCRIPT_ARABIC: return bit(Script::Arabic);
    case USCRIPT_HEBREW: return bit(Script::Hebrew);
    case USCRIPT_THAI: return bit(Script::Thai);
    case USCRIPT_DEVANAGARI: return bit(Script::Devanagari);
    case USCRIPT_BENGALI: return bit(Script::Bengali);
    case USCRIPT_TAMIL: return bit(Script::Tamil);
    case USCRIPT_GEORGIAN: return bit(Script::Georgian);
    case USCRIPT_ARMENIAN: return bit(Script::Armenian);
    case USCRIPT_ETHIOPIC: return bit(Script::Ethiopic);
    case USCRIPT_KHMER: return bit(Script::Khmer);
    case USCRIPT_LAO: return bit(Script::Lao);
    case USCRIPT_MYANMAR: return bit(Script::Myanmar);
    default: return bit(Script::Other);  // Gujarati, Gurmukhi, Telugu, Sinhala: no bit of their own
    }
}

const Language& lang(std::string_view code) {
    const Language* l = findLanguage(code);
    if (!l) qFatal("%s is not in the table", std::string(code).c_str());
    return *l;
}

}  // namespace

class LanguagesTest : public QObject {
    Q_OBJECT
private slots:
    void tableHasTheLanguagesTheModelsCover() {
        const char* required[] = {"en", "de", "fr", "es", "it", "pt", "pt-BR", "nl", "sv", "da", "nb", "fi", "pl",
                                  "cs", "sk", "sl", "hr", "sr", "bg", "ru", "uk", "be", "ro", "hu", "el", "tr",
                                  "lt", "lv", "et", "ga", "ca", "eu", "gl", "is", "sq", "mk", "ar", "he", "fa",
                                  "ur", "hi", "bn", "ta", "te", "mr", "gu", "pa", "th", "vi", "id", "ms", "fil",
                                  "km", "lo", "my", "zh-Hans", "zh-Hant", "ja", "ko", "ka", "hy", "am", "sw",
                                  "kk", "uz", "az", "mn", "ne", "si"};
        std::set<std::string_view> codes;
        for (const Language& l : languages()) {
            QVERIFY2(codes.insert(l.code).second, l.code.data());
        }
        for (const char* c : required)
            QVERIFY2(codes.count(c), c);
        // Sorted by English name, for pickers.
        const auto all = languages();
        for (size_t i = 1; i < all.size(); ++i)
            QVERIFY2(all[i - 1].englishName < all[i].englishName, all[i].code.data());
    }

    void everyCodeRoundTripsAndIcuKnowsIt() {
        for (const Language& l : languages()) {
            const std::string code(l.code);
            QCOMPARE(normalizeLanguage(code), code);
            QCOMPARE(findLanguage(code), &l);
            QCOMPARE(q(englishName(code)), q(l.englishName));
            const icu::Locale locale(code.c_str());
            QVERIFY2(*locale.getLanguage() != 0, code.c_str());
            // ICU has names for it: its English name of the language is not the code itself.
            icu::UnicodeString display;
            locale.getDisplayLanguage(icu::Locale::getEnglish(), display);
            std::string name;
            display.toUTF8String(name);
            QVERIFY2(name != locale.getLanguage(), code.c_str());
        }
    }

    // Names compared with CLDR (through ICU). The table deviates only where it says so here.
    void namesAgreeWithCldr() {
        // English: CLDR says "Bangla"; the models' prompts and FLORES use "Bengali".
        const std::set<std::string_view> english = {"bn"};
        // Native: CLDR's short forms; the table uses the name speakers write in a language picker.
        const std::set<std::string_view> native = {"az", "id", "ms", "uz", "zh-Hans", "zh-Hant"};
        // Chinese: CLDR writes 中文（简体）, 书面挪威语; Hunyuan-MT's prompt uses 简体中文, 繁体中文, 挪威语.
        const std::set<std::string_view> chinese = {"zh-Hans", "zh-Hant", "nb"};
        const icu::Locale zh("zh");
        for (const Language& l : languages()) {
            const icu::Locale locale(std::string(l.code).c_str());
            if (!english.count(l.code))
                QCOMPARE(q(l.englishName), q(icuName(locale, icu::Locale::getEnglish())));
            if (!native.count(l.code))  // CLDR writes most native names lower case; pickers capitalise
                QVERIFY2(q(l.nativeName).compare(q(icuName(locale, locale)), Qt::CaseInsensitive) == 0,
                         qPrintable(q(l.nativeName) + " vs " + q(icuName(locale, locale))));
            if (!chinese.count(l.code))
                QCOMPARE(q(l.chineseName), q(icuName(locale, zh)));
        }
        QCOMPARE(q(lang("de").chineseName), QString("德语"));
        QCOMPARE(q(lang("fr").chineseName), QString("法语"));
        QCOMPARE(q(lang("ja").chineseName), QString("日语"));
        QCOMPARE(q(lang("ar").chineseName), QString("阿拉伯语"));
        QCOMPARE(q(lang("zh-Hans").chineseName), QString("简体中文"));
        QCOMPARE(q(lang("zh-Hant").nativeName), QString("繁體中文"));
    }

    void scriptsAndDirectionAgreeWithIcu() {
        for (const Language& l : languages()) {
            const uint32_t need = icuScripts(l.code);
            QVERIFY2(need != 0 && (l.scripts & need) == need, l.code.data());
            QCOMPARE(l.rtl, icu::Locale(std::string(l.code).c_str()).isRightToLeft());
            // The native name is written in the language's own script.
            QVERIFY2(fitsLanguage(scriptProfile(l.nativeName), l), l.code.data());
        }
        for (const char* c : {"ar", "he", "fa", "ur"})
            QVERIFY(lang(c).rtl);
        QVERIFY(lang("sr").writtenIn(Script::Cyrillic) && lang("sr").writtenIn(Script::Latin));
    }

    void formalityPairs() {
        struct Pair { const char* code; const char* formal; const char* informal; };
        const Pair pairs[] = {
            {"de", "formal (Sie)", "informal (du)"},          {"fr", "formal (vous)", "informal (tu)"},
            {"es", "formal (usted)", "informal (tú)"},        {"it", "formal (Lei)", "informal (tu)"},
            {"pt", "formal (o senhor/a senhora)", "informal (tu)"},
            {"pt-BR", "formal (o senhor/a senhora)", "informal (você)"},
            {"nl", "formal (u)", "informal (jij)"},           {"ru", "formal (вы)", "informal (ты)"},
            {"uk", "formal (ви)", "informal (ти)"},           {"pl", "formal (Pan/Pani)", "informal (ty)"},
            {"cs", "formal (vy)", "informal (ty)"},           {"tr", "formal (siz)", "informal (sen)"},
            {"ja", "polite (です・ます)", "plain (だ・である)"}, {"ko", "formal (합니다체)", "informal (해체)"},
        };
        for (const Pair& p : pairs) {
            const Language& l = lang(p.code);
            QVERIFY(l.hasFormality());
            QCOMPARE(q(l.formalName), QString::fromUtf8(p.formal));
            QCOMPARE(q(l.informalName), QString::fromUtf8(p.informal));
        }
        for (const char* c : {"en", "sv", "da", "he", "ar", "vi"})
            QVERIFY2(!lang(c).hasFormality(), c);
        for (const Language& l : languages())  // a pair is a pair: both labels or neither
            QCOMPARE(l.formalName.empty(), l.informalName.empty());
    }

    void normalize_data() {
        QTest::addColumn<QString>("in");
        QTest::addColumn<QString>("out");
        QTest::newRow("underscore") << "pt_BR" << "pt-BR";
        QTest::newRow("case") << "PT-br" << "pt-BR";
        QTest::newRow("zh_CN") << "zh_CN" << "zh-Hans";
        QTest::newRow("zh-TW") << "zh-TW" << "zh-Hant";
        QTest::newRow("zh-HK") << "zh-HK" << "zh-Hant";
        QTest::newRow("bare zh") << "zh" << "zh-Hans";
        QTest::newRow("script kept") << "ZH-hant-tw" << "zh-Hant";
        QTest::newRow("iw") << "iw" << "he";
        QTest::newRow("in") << "in_ID" << "id-ID";
        QTest::newRow("tl") << "tl" << "fil";
        QTest::newRow("no") << "no" << "nb";
        QTest::newRow("region kept") << "en-US" << "en-US";
        QTest::newRow("POSIX locale") << "de_DE.UTF-8" << "de-DE";
        QTest::newRow("sr latin") << "sr_Latn_RS" << "sr-Latn-RS";
        QTest::newRow("empty") << "" << "";
        QTest::newRow("C") << "C" << "";
    }
    void normalize() {
        QFETCH(QString, in);
        QFETCH(QString, out);
        QCOMPARE(q(normalizeLanguage(in.toStdString())), out);
    }

    void findFallsBackToTheBaseLanguage() {
        QCOMPARE(findLanguage("en-US")->code, std::string_view("en"));
        QCOMPARE(findLanguage("de_AT")->code, std::string_view("de"));
        QCOMPARE(findLanguage("pt-PT")->code, std::string_view("pt"));
        QCOMPARE(findLanguage("pt_BR")->code, std::string_view("pt-BR"));
        QCOMPARE(findLanguage("zh")->code, std::string_view("zh-Hans"));
        QCOMPARE(findLanguage("zh_TW")->code, std::string_view("zh-Hant"));
        QCOMPARE(findLanguage("iw")->code, std::string_view("he"));
        QVERIFY(!findLanguage("xx"));
        QVERIFY(!findLanguage(""));
        // Not in the table: ICU's name, else the code.
        QCOMPARE(q(englishName("haw")), QString("Hawaiian"));
        QCOMPARE(q(englishName("de-AT")), QString("German (Austria)"));
        QCOMPARE(q(englishName("qqq")), QString("qqq"));
    }

    // Letter counts by script, checked against Python's unicodedata (character names) as a second opinion.
    void scriptProfileMatchesUnicodeData() {
        const QString python = QStandardPaths::findExecutable("python3");
        if (python.isEmpty())
            QFAIL("python3 is not installed: no second opinion on the letter counts");
        const char* texts[] = {"今日はGitHubでリリースノートを書きます。", "오늘 GitHub에서 릴리스 노트를 작성합니다.",
                               "قم بتحديث iPhone إلى iOS 17 الآن.", "Установите Docker и запустите Kubernetes."};
        const char* script = R"(import sys, unicodedata
for line in sys.stdin.read().splitlines():
    c = {'LATIN': 0, 'CYRILLIC': 0, 'ARABIC': 0, 'HANGUL': 0, 'KANA': 0, 'HAN': 0}
    for ch in line:
        if not ch.isalpha(): continue
        n = unicodedata.name(ch)
        if n.startswith('CJK UNIFIED'): c['HAN'] += 1
        elif n.startswith(('HIRAGANA', 'KATAKANA')): c['KANA'] += 1
        else: c[n.split()[0]] += 1
    print(c['LATIN'], c['CYRILLIC'], c['ARABIC'], c['HANGUL'], c['KANA'], c['HAN'])
)";
        QProcess p;
        p.start(python, {"-c", script});
        for (const char* t : texts)
            p.write(QByteArray(t) + "\n");
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitCode(), 0);
        const QStringList lines = QString::fromUtf8(p.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), qsizetype(std::size(texts)));
        for (size_t i = 0; i < std::size(texts); ++i) {
            const ScriptProfile sp = scriptProfile(texts[i]);
            const QString mine = QString("%1 %2 %3 %4 %5 %6")
                                     .arg(sp.count(Script::Latin)).arg(sp.count(Script::Cyrillic))
                                     .arg(sp.count(Script::Arabic)).arg(sp.count(Script::Hangul))
                                     .arg(sp.count(Script::Kana)).arg(sp.count(Script::Han));
            QCOMPARE(mine, lines[qsizetype(i)]);
        }
    }

    void fitsLanguageWithProductNames() {
        const ScriptProfile ja = scriptProfile("今日はGitHubでリリースノートを書きます。");
        QCOMPARE(ja.dominant(), Script::Kana);
        QVERIFY(fitsLanguage(ja, lang("ja")));
        QVERIFY(!fitsLanguage(ja, lang("ko")));
        QVERIFY(!fitsLanguage(ja, lang("zh-Hans")));  // kana: not Chinese
        QVERIFY(!fitsLanguage(ja, lang("en")));
        const ScriptProfile ko = scriptProfile("오늘 GitHub에서 릴리스 노트를 작성합니다.");
        QCOMPARE(ko.dominant(), Script::Hangul);
        QVERIFY(fitsLanguage(ko, lang("ko")));
        QVERIFY(!fitsLanguage(ko, lang("ja")));
        const ScriptProfile ar = scriptProfile("قم بتحديث iPhone إلى iOS 17 الآن.");
        QVERIFY(fitsLanguage(ar, lang("ar")));
        QVERIFY(fitsLanguage(ar, lang("fa")));  // same script: the script check cannot tell them apart
        QVERIFY(!fitsLanguage(ar, lang("he")));
        QVERIFY(!fitsLanguage(ar, lang("en")));
        const ScriptProfile ru = scriptProfile("Установите Docker и запустите Kubernetes на сервере.");
        QVERIFY(fitsLanguage(ru, lang("ru")));
        QVERIFY(!fitsLanguage(ru, lang("en")));
        QVERIFY(!fitsLanguage(ru, lang("el")));
        // An English answer where Russian was asked for does not fit.
        QVERIFY(!fitsLanguage(scriptProfile("Install Docker and start Kubernetes on the server."), lang("ru")));
        // Han only (a short phrase) fits Japanese and Chinese alike.
        QVERIFY(fitsLanguage(scriptProfile("東京都"), lang("ja")));
        QVERIFY(fitsLanguage(scriptProfile("東京都"), lang("zh-Hant")));
        // Digits, punctuation and empty text fit anything.
        QVERIFY(fitsLanguage(scriptProfile("42 — 17%"), lang("ja")));
        QVERIFY(fitsLanguage(scriptProfile(""), lang("ar")));
    }

    void guardTokensAreNotLetters() {
        const ScriptProfile p = scriptProfile("<g1>Привет</g1>, <x2/> мир <x10/> </g3>");
        QCOMPARE(p.letters, size_t(9));
        QCOMPARE(p.count(Script::Cyrillic), size_t(9));
        QCOMPARE(p.count(Script::Latin), size_t(0));
        QVERIFY(fitsLanguage(p, lang("ru")));
        // Mangled the way models write them, still not letters.
        QCOMPARE(scriptProfile("Привет < x1 /> мир <X2/>").count(Script::Latin), size_t(0));
        // A text of tokens only has no letters.
        QCOMPARE(scriptProfile("<x1/><g2></g2>").letters, size_t(0));
        QCOMPARE(scriptProfile("<x1/>").dominant(), Script::Other);
    }

    void detectsNaturalSentences_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("code");
        QTest::newRow("en") << "The meeting has been moved to Thursday afternoon because half of the team is travelling." << "en";
        QTest::newRow("de") << "Wir haben gestern Abend lange über die neue Wohnung gesprochen und uns am Ende dagegen entschieden." << "de";
        QTest::newRow("fr") << "Je voudrais réserver une table pour quatre personnes samedi soir, si possible près de la fenêtre." << "fr";
        QTest::newRow("es") << "Mañana por la mañana vamos a visitar a mis abuelos, que viven en un pueblo cerca de la costa." << "es";
        QTest::newRow("it") << "Non riesco a trovare le chiavi della macchina, le avevo lasciate sul tavolo della cucina." << "it";
        QTest::newRow("pt") << "O comboio para Lisboa está atrasado vinte minutos por causa de uma avaria na linha." << "pt";
        QTest::newRow("nl") << "We gaan dit weekend met de fiets naar het strand, als het tenminste niet gaat regenen." << "nl";
        QTest::newRow("pl") << "Wczoraj wieczorem oglądaliśmy film, który okazał się dużo lepszy, niż się spodziewaliśmy." << "pl";
        QTest::newRow("sv") << "Vi brukar äta middag tillsammans på söndagar, men den här veckan blev det inte av." << "sv";
        QTest::newRow("nb") << "Jeg har ikke rukket å svare på e-posten din ennå, men jeg skal gjøre det i kveld." << "nb";
        QTest::newRow("ru") << "Мы долго искали эту улицу, пока прохожий не подсказал нам дорогу к вокзалу." << "ru";
        QTest::newRow("uk") << "Сьогодні вранці я прокинувся раніше, ніж звичайно, і вирішив піти на прогулянку." << "uk";
        QTest::newRow("tr") << "Bu akşam arkadaşlarımla sinemaya gideceğim, ama önce ödevimi bitirmem gerekiyor." << "tr";
        QTest::newRow("ar") << "ذهبنا إلى السوق صباح اليوم لشراء الخضروات والفواكه الطازجة قبل أن يزدحم المكان." << "ar";
        QTest::newRow("he") << "אתמול בערב הלכנו לראות הצגה בתיאטרון, והשחקנים היו פשוט נהדרים." << "he";
        QTest::newRow("ja") << "昨日は雨が降っていたので、一日中家で本を読んで過ごしました。" << "ja";
        QTest::newRow("ko") << "오늘은 날씨가 좋아서 친구들과 함께 한강 공원에 산책하러 갔습니다." << "ko";
        QTest::newRow("zh-Hans") << "我们明天早上八点在火车站见面，然后一起去参观博物馆。" << "zh-Hans";
        QTest::newRow("zh-Hant") << "我們明天早上八點在火車站見面，然後一起去參觀博物館。" << "zh-Hant";
        QTest::newRow("fil") << "Pupunta kami sa palengke bukas ng umaga para bumili ng isda at gulay para sa handaan." << "fil";
        QTest::newRow("hi") << "कल शाम हम सब दोस्त मिलकर पुरानी दिल्ली में खाना खाने गए थे।" << "hi";
        QTest::newRow("el") << "Το καλοκαίρι πηγαίνουμε πάντα διακοπές σε ένα μικρό νησί στο Αιγαίο." << "el";
        QTest::newRow("vi") << "Sáng nay tôi dậy sớm để đi chợ mua rau và cá cho bữa trưa của cả nhà." << "vi";
    }
    void detectsNaturalSentences() {
        QFETCH(QString, text);
        QFETCH(QString, code);
        const Detection d = detectLanguage(text.toStdString());
        QCOMPARE(q(d.code), code);
        QVERIFY2(d.reliable, qPrintable(code));
        QVERIFY2(d.confidence >= 80, qPrintable(QString::number(d.confidence)));
        QVERIFY(findLanguage(d.code) != nullptr);
    }

    void shortTextIsNotReliable() {
        for (const char* t : {"Hallo", "OK", "Bonjour", "Kiitos", "", "   ", "42"}) {
            const Detection d = detectLanguage(t);
            QVERIFY2(!d.reliable, t);
            QVERIFY2(d.confidence <= 50, t);
        }
    }

    void hintTipsACloseCall() {
        // Standard Indonesian and Malay share this sentence word for word.
        const char* text = "Saya mau makan nasi goreng di rumah.";
        QCOMPARE(q(detectLanguage(text).code), QString("id"));
        QCOMPARE(q(detectLanguage(text, "ms").code), QString("ms"));
        QCOMPARE(q(detectLanguage(text, "ms_MY").code), QString("ms"));
        // A hint does not override clear evidence.
        QCOMPARE(q(detectLanguage("Wir haben gestern Abend lange über die neue Wohnung gesprochen.", "fr").code),
                 QString("de"));
    }

    void guardTokensDoNotConfuseTheDetector() {
        const Detection d = detectLanguage("Klicken Sie auf <g1>Speichern</g1>, um <x2/> Dateien in den Ordner <x3/> zu "
                                           "verschieben, und warten Sie einen Moment.");
        QCOMPARE(q(d.code), QString("de"));
        QVERIFY(d.reliable);
    }
};

QTEST_MAIN(LanguagesTest)
#include "languagestest.moc"
