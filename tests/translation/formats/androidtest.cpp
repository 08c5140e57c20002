// Android strings.xml: the resources of a hand-written values/strings.xml, and translations written into
// it that Android's own unescaping reads as intended: translate-toolkit's Android storage decodes every
// written string (androidcheck.py beside the data), so apostrophes, quotes, \n, leading @, CDATA and
// "..." quoting are checked against an independent reader, not against the writer's own idea of them.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/translation/formats/documentsupport.h"
#include "translation/formats/formats.h"
#include "translation/plurals.h"

using namespace lantern::translation;
using lantern::test::documents::checkTruncations;
using lantern::test::documents::readFile;
using lantern::test::documents::translateText;

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }

std::string strings() {
    return readFile(lantern::test::dataDir() / "translation/localization/android/strings.xml");
}

std::unique_ptr<Document> open(std::string bytes) {
    auto doc = formats::openAndroidXml(std::move(bytes));
    if (!doc)
        qFatal("openAndroidXml: %s", doc.error().detail.c_str());
    return std::move(*doc);
}

size_t indexOf(const Document& doc, std::string_view id) {
    for (size_t i = 0; i < doc.units().size(); ++i)
        if (doc.units()[i].id == id)
            return i;
    qFatal("no unit %s", std::string(id).c_str());
}

bool haveToolkit() {
    QProcess p;
    p.start("/usr/bin/python3", {"-c", "import lxml, translate.storage.aresource"});
    return p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

// Every string as Android reads it, decoded by translate-toolkit.
QJsonObject decoded(const std::string& bytes) {
    QTemporaryDir dir;
    QFile f(dir.filePath("strings.xml"));
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()))
        qFatal("cannot write strings.xml");
    f.close();
    const QString script =
        QString::fromStdString((lantern::test::dataDir() / "translation/localization/android/androidcheck.py").string());
    QProcess p;
    p.start("/usr/bin/python3", {script, dir.filePath("strings.xml")});
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        qFatal("androidcheck.py: %s", p.readAllStandardError().constData());
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

// ASCII letters upper-cased except in escapes (\n stays \n, \u00e9 stays), as a translation keeps them.
std::string upperText(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const size_t n = s[i + 1] == 'u' ? 6 : 2;
            out += s.substr(i, n);
            i += n - 1;
            continue;
        }
        out += char(std::toupper(static_cast<unsigned char>(s[i])));
    }
    return out;
}

UnitTranslation text(size_t unit, std::string target) { return UnitTranslation{unit, {std::move(target)}, {}, false}; }
}  // namespace

class AndroidTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (!haveToolkit())
            QFAIL("translate-toolkit with lxml (Debian: translate-toolkit python3-lxml; ./scripts/test installs them) is "
                  "not installed: it is these tests' independent reader of Android strings");
    }

    void readsEveryKindOfResource() {
        auto doc = open(strings());
        const auto& units = doc->units();
        QCOMPARE(units.size(), size_t(15));
        QCOMPARE(q(units[0].id), QString("app_name"));
        QVERIFY(!units[0].translatable);
        QVERIFY(units[0].note.empty());  // the comment before <resources> is the file's
        const Unit& greeting = units[indexOf(*doc, "greeting")];
        QCOMPARE(q(greeting.note), QString("Shown on the first screen.\n%1$s is the user's name."));
        QCOMPARE(q(greeting.context), QString("greeting"));
        QCOMPARE(q(greeting.source), QString("Hello, <xliff:g id=\"name\" example=\"Ann\">%1$s</xliff:g>! It\\'s good to "
                                             "see you."));
        QCOMPARE(greeting.inlines.size(), size_t(1));  // <xliff:g> whole: its content is not translated
        QCOMPARE(greeting.inlines[0].kind, Inline::Kind::Standalone);
        QCOMPARE(greeting.placeholders, placeholder::Printf | placeholder::Escapes | placeholder::Markup);
        QCOMPARE(greeting.state, UnitState::Untranslated);
        QVERIFY(greeting.targets.empty());
        QCOMPARE(q(units[indexOf(*doc, "two_lines")].source), QString("First line\\nsecond line with \\\"quotes\\\""));
        QCOMPARE(q(units[indexOf(*doc, "quoted")].source), QString("  It's spaced  "));
        const Unit& styled = units[indexOf(*doc, "styled")];
        QCOMPARE(styled.inlines.size(), size_t(4));  // <b> </b> <a href> </a>
        QCOMPARE(styled.inlines[0].kind, Inline::Kind::Open);
        QCOMPARE(styled.inlines[3].kind, Inline::Kind::Close);
        QCOMPARE(q(units[indexOf(*doc, "html")].source), QString("<i>Rich</i> text & more"));
        QVERIFY(units[indexOf(*doc, "html")].inlines.empty());  // CDATA: the markup is text for the guard
        QVERIFY(!units[indexOf(*doc, "reference")].translatable);
        QVERIFY(!units[indexOf(*doc, "empty")].translatable);
        QCOMPARE(q(units[indexOf(*doc, "size#tablet")].source), QString("Large screen"));
        const Unit& files = units[indexOf(*doc, "files_copied")];
        QCOMPARE(q(files.source), QString("%d file copied"));
        QCOMPARE(q(files.sourcePlural), QString("%d files copied"));
        QCOMPARE(q(files.note), QString("Files copied so far."));
        QVERIFY(!units[indexOf(*doc, "days")].translatable);
        QCOMPARE(q(units[indexOf(*doc, "planets[1]")].source), QString("Venus & Earth"));

        // Plural forms are CLDR's categories (ICU), with an example number for each.
        QCOMPARE(doc->pluralForms(""), size_t(2));
        QCOMPARE(doc->pluralForms("ru"), size_t(4));
        QCOMPARE(doc->pluralForms("ja"), size_t(1));
        QCOMPARE(doc->pluralExamples("ru").size(), size_t(4));
    }

    void writesWhatAndroidReadsAsIntended() {
        const std::string original = strings();
        auto doc = open(original);
        const auto fr = plurals::cldrCategories("fr");
        std::vector<UnitTranslation> t;
        // The translation keeps the <xliff:g> code; its apostrophe is the writer's to escape.
        {
            const Unit& g = doc->units()[indexOf(*doc, "greeting")];
            const std::string code = g.source.substr(g.inlines[0].begin, g.inlines[0].end - g.inlines[0].begin);
            UnitTranslation x = text(indexOf(*doc, "greeting"), "Bonjour, " + code + " ! C'est un plaisir.");
            x.targetInlines = {{Inline{9, 9 + code.size(), Inline::Kind::Standalone, -1, 0}}};
            t.push_back(x);
        }
        t.push_back(text(indexOf(*doc, "two_lines"), "Première ligne\\nseconde avec « guillemets » et \"ceci\""));
        t.push_back(text(indexOf(*doc, "quoted"), "  C'est espacé  "));
        t.push_back(translateText(doc->units()[indexOf(*doc, "styled")], indexOf(*doc, "styled"), upperText));
        t.push_back(text(indexOf(*doc, "html"), "<i>Riche</i> texte & plus, l'été ]]> fini"));
        t.push_back(text(indexOf(*doc, "wrapped"), "Un long texte\n        sur deux lignes."));
        t.push_back(text(indexOf(*doc, "size#tablet"), "@grand écran"));
        t.push_back(text(indexOf(*doc, "size#default"), "?petit écran \\u00e9 a\\b"));
        t.push_back(text(indexOf(*doc, "planets[1]"), "Vénus & la Terre <3"));
        UnitTranslation files{indexOf(*doc, "files_copied"), {}, {}, false};
        for (const auto& [category, n] : fr)
            files.targets.push_back("%d fichier(s) copié(s) [" + category + "]");
        t.push_back(files);
        WriteOptions options;
        options.targetLanguage = "fr";
        auto out = doc->write(t, options);
        QVERIFY2(out, out ? "" : out.error().detail.c_str());
        const auto valid = doc->validate(*out);
        QVERIFY2(valid, valid ? "" : valid.error().detail.c_str());

        const QJsonObject android = decoded(*out);
        QCOMPARE(android["greeting"].toString(),
                 QString("Bonjour, <xliff:g xmlns:xliff=\"urn:oasis:names:tc:xliff:document:1.2\" id=\"name\" "
                         "example=\"Ann\">%1$s</xliff:g> ! C'est un plaisir."));
        QCOMPARE(android["two_lines"].toString(), QString("Première ligne\nseconde avec « guillemets » et \"ceci\""));
        QCOMPARE(android["quoted"].toString(), QString("  C'est espacé  "));
        QCOMPARE(android["styled"].toString(),
                 QString("PRESS <b>SAVE</b> OR <a href=\"https://example.org/help\">READ THE HELP</a>."));
        QCOMPARE(android["html"].toString(), QString("<i>Riche</i> texte & plus, l'été ]]> fini"));
        QCOMPARE(android["wrapped"].toString(), QString("Un long texte sur deux lignes."));
        QCOMPARE(android["size#tablet"].toString(), QString("@grand écran"));  // text, not a reference
        QCOMPARE(android["size#default"].toString(), QString("?petit écran é a\\b"));
        QCOMPARE(android["planets[1]"].toString(), QString("Vénus & la Terre <3"));
        const QJsonObject forms = android["files_copied"].toObject();
        QCOMPARE(size_t(forms.size()), fr.size());
        for (const auto& [category, n] : fr)
            QCOMPARE(forms[q(category)].toString(), q("%d fichier(s) copié(s) [" + category + "]"));
        // What was not translated reads as before.
        const QJsonObject before = decoded(original);
        for (const char* id : {"app_name", "reference", "empty", "days", "planets[0]"})
            QCOMPARE(android[id], before[id]);

        // The bytes: the file's layout kept, CDATA kept, nothing added to mark machine output.
        QVERIFY(out->find("tools:locale=\"fr\"") != std::string::npos);
        QVERIFY(out->find("<string name=\"html\"><![CDATA[<i>Riche</i> texte & plus, l\\'été ]]]]><![CDATA[> "
                          "fini]]></string>") != std::string::npos);
        QVERIFY(out->find("<string name=\"quoted\">\"  C'est espacé  \"</string>") != std::string::npos);
        QVERIFY(out->find("    <plurals name=\"files_copied\">\n        <item quantity=\"one\">") != std::string::npos);
        QVERIFY(out->find("</item>\n    </plurals>\n    <plurals name=\"days\"") != std::string::npos);
        for (std::string_view kept : {"<string name=\"app_name\" translatable=\"false\">Lantern</string>",
                                      "<!-- %1$s is the user's name. -->", "<integer-array name=\"sizes\">\n        <item>1",
                                      "<item quantity=\"one\">%d day</item><item quantity=\"other\">%d days</item>"})
            QVERIFY2(out->find(kept) != std::string::npos, std::string(kept).c_str());
        QVERIFY(out->find("review") == std::string::npos);
        // French has three categories: the one new <item> is the only new line.
        QCOMPARE(std::ranges::count(*out, '\n'), std::ranges::count(original, '\n') + qsizetype(fr.size()) - 2);
    }

    void pluralItemsFollowTheTargetLanguage() {
        auto doc = open(strings());
        const size_t files = indexOf(*doc, "files_copied");
        for (const char* language : {"ru", "ja", "ar", "de"}) {
            const auto cats = plurals::cldrCategories(language);
            UnitTranslation t{files, {}, {}, false};
            for (const auto& [category, n] : cats)
                t.targets.push_back(std::to_string(n) + " " + category);
            WriteOptions options;
            options.targetLanguage = language;
            auto out = doc->write(std::vector<UnitTranslation>{t}, options);
            QVERIFY(out && doc->validate(*out));
            const QJsonObject forms = decoded(*out)["files_copied"].toObject();
            QCOMPARE(size_t(forms.size()), cats.size());
            for (const auto& [category, n] : cats)
                QCOMPARE(forms[q(category)].toString(), q(std::to_string(n) + " " + category));
            t.targets.push_back("one too many");
            QVERIFY(!doc->write(std::vector<UnitTranslation>{t}, options));
        }
        QCOMPARE(plurals::cldrCategories("ru").size(), size_t(4));
        QCOMPARE(plurals::cldrCategories("ja").size(), size_t(1));
    }

    void refusesAndRejects() {
        auto doc = open(strings());
        QVERIFY(!doc->write(std::vector<UnitTranslation>{text(0, "Laterne")}, {}));  // translatable="false"
        UnitTranslation two = text(indexOf(*doc, "greeting"), "a");
        two.targets.push_back("b");
        QVERIFY(!doc->write(std::vector<UnitTranslation>{two}, {}));
        // A file an editor broke after Lantern wrote it: an apostrophe aapt would refuse.
        auto out = doc->write(std::vector<UnitTranslation>{text(indexOf(*doc, "wrapped"), "L'appli")}, {});
        QVERIFY(out);
        std::string broken = *out;
        broken.replace(broken.find("L\\'appli"), 8, "L'appli");
        auto bad = doc->validate(broken);
        QVERIFY(!bad);
        QVERIFY2(bad.error().detail.find("apostrophe") != std::string::npos, bad.error().detail.c_str());

        auto root = formats::openAndroidXml("<?xml version=\"1.0\"?>\n<html/>");
        QVERIFY(!root);
        QVERIFY2(root.error().detail.find("<resources>") != std::string::npos, root.error().detail.c_str());
        auto dup = formats::openAndroidXml("<resources>\n<string name=\"a\">x</string>\n<string name=\"a\">y</string></resources>");
        QVERIFY(!dup);
        QVERIFY2(dup.error().detail.find("line 3") != std::string::npos, dup.error().detail.c_str());
    }

    void roundTripAndTruncations() {
        const std::string bytes = strings();
        QString crlf = QString::fromStdString(bytes);
        crlf.replace("\n", "\r\n");
        for (const std::string& v : {bytes, crlf.toStdString(), "\xEF\xBB\xBF" + bytes}) {
            auto doc = open(v);
            QCOMPARE(doc->units().size(), size_t(15));
            QVERIFY(*doc->write({}, {}) == v);
        }
        checkTruncations(bytes, [](const std::string& b) { return formats::openAndroidXml(b); }, 7);
    }
};

QTEST_MAIN(AndroidTest)
#include "androidtest.moc"
