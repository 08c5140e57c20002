// JSON: the string values of an i18next file, a Flutter ARB file and a Chrome extension's messages.json
// as units (key paths as ids, the descriptions as notes, nesting and $NAME$ placeholders as inlines), the
// files written back byte for byte, and translated files read by Python's json module (jsonflat.py beside
// the data): every value the source had, in order, the units' upper-cased and everything else equal.
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/translation/formats/documentsupport.h"
#include "translation/formats/formats.h"

using namespace lantern;
using namespace lantern::translation;
using namespace lantern::test::documents;

namespace {
std::unique_ptr<Document> open(const std::string& bytes) {
    auto doc = formats::openJson(bytes);
    if (!doc)
        qFatal("openJson: %s", doc.error().detail.c_str());
    return std::move(*doc);
}

const Unit* unit(const Document& doc, std::string_view id) {
    for (const Unit& u : doc.units())
        if (u.id == id)
            return &u;
    return nullptr;
}

// Every value of a JSON file as Python reads it: [path, type, value] in document order.
QJsonArray flat(const std::string& bytes) {
    QTemporaryDir dir;
    QFile f(dir.filePath("file.json"));
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()))
        qFatal("cannot write file.json");
    f.close();
    QProcess p;
    p.start(
        "/usr/bin/python3",
        {QString::fromStdString((lantern::test::dataDir() / "translation/documents/jsonflat.py").string()),
         dir.filePath("file.json")});
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        qFatal("jsonflat.py: %s", p.readAllStandardError().constData());
    return QJsonDocument::fromJson(p.readAllStandardOutput()).array();
}

// Python's reading of the written file: the source's values, each unit's replaced by its expected target.
void compareWithPython(const Document& doc, const std::string& source, const std::string& written,
                       const std::vector<UnitTranslation>& translations) {
    QJsonArray expected = flat(source);
    for (const UnitTranslation& t : translations)
        for (qsizetype i = 0; i < expected.size(); ++i)
            if (expected[i].toArray()[0].toString() == q(doc.units()[t.unit].context))
                expected[i] = QJsonArray{expected[i].toArray()[0], "str", q(t.targets.front())};
    const QJsonArray seen = flat(written);
    QCOMPARE(seen.size(), expected.size());
    for (qsizetype i = 0; i < seen.size(); ++i)
        QCOMPARE(seen[i], expected[i]);
}
}  // namespace

class JsonTest : public QObject {
    Q_OBJECT
private slots:
    void i18next() {
        auto doc = open(dataFile("i18next.json"));
        QStringList ids;
        for (const Unit& u : doc->units())
            ids << q(u.id);
        // Strings without a letter ("", "2.4.1") and non-strings are not units.
        QCOMPARE(ids, QStringList({"app.title", "app.welcome", "app.menu.file", "app.menu.open",
                                   "app.menu.quote", "app.menu.tab", "items_one", "items_other", "nested",
                                   "steps[0]", "steps[1]", "steps[5]", "emoji", "html", "unicode"}));
        QCOMPARE(q(unit(*doc, "app.menu.open")->source), q("Open a document\u2026"));  // \u2026 decoded
        QCOMPARE(q(unit(*doc, "app.menu.quote")->source), q("Say \"hello\" to the C:\\Users folder"));
        QCOMPARE(q(unit(*doc, "app.menu.tab")->source), q("Line one\nLine two"));
        QCOMPARE(q(unit(*doc, "emoji")->source), q("Ready \U0001F680 to go"));  // a surrogate pair decoded
        const Unit* nested = unit(*doc, "nested");
        QCOMPARE(nested->inlines.size(), size_t(1));
        QCOMPARE(q(nested->source.substr(nested->inlines[0].begin,
                                         nested->inlines[0].end - nested->inlines[0].begin)),
                 q("$t(app.title)"));
        QCOMPARE(q(unit(*doc, "app.welcome")->context), q("app.welcome"));
        QCOMPARE(unit(*doc, "app.welcome")->placeholders, placeholder::Common);  // {{name}} is the guard's
    }
    void arbAndChrome() {
        auto arb = open(dataFile("app_en.arb"));
        QCOMPARE(arb->units().size(), size_t(2));  // metadata and @@locale are not text to translate
        QCOMPARE(q(arb->units()[0].id), q("helloWorld"));
        QCOMPARE(q(arb->units()[0].note), q("The conventional newborn programmer greeting"));
        QCOMPARE(q(arb->units()[1].note), q("How many messages are unread"));
        QCOMPARE(q(arb->sourceLanguage()), q("en"));
        WriteOptions options;
        options.targetLanguage = "pt-BR";
        auto out = arb->write(upperAll(*arb), options);
        QVERIFY(out);
        QVERIFY(out->find("\"@@locale\": \"pt_BR\"") != std::string::npos);
        QVERIFY(out->find("\"helloWorld\": \"HELLO WORLD!\"") != std::string::npos);
        QVERIFY(out->find("\"description\": \"The conventional newborn programmer greeting\"") !=
                std::string::npos);
        QVERIFY(arb->validate(*out));

        auto chrome = open(dataFile("messages.json"));
        QCOMPARE(chrome->units().size(), size_t(2));  // descriptions are notes, placeholders code
        QCOMPARE(q(chrome->units()[0].id), q("extName.message"));
        QCOMPARE(q(chrome->units()[0].note), q("The name of the extension in the store"));
        const Unit& greeting = chrome->units()[1];
        QCOMPARE(q(greeting.note), q("Shown on the first page"));
        QCOMPARE(greeting.inlines.size(), size_t(1));  // $USER$
        QCOMPARE(q(greeting.source.substr(greeting.inlines[0].begin, 6)), q("$USER$"));
    }
    void identity() {
        for (const char* file : {"i18next.json", "app_en.arb", "messages.json"}) {
            const std::string bytes = dataFile(file);
            for (const std::string& b : {bytes, "\xEF\xBB\xBF" + bytes}) {
                auto doc = open(b);
                auto out = doc->write({}, {});
                QVERIFY(out && *out == b);
                QVERIFY(doc->validate(*out));
            }
        }
    }
    void translatedReadsBack_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("i18next") << "i18next.json";
        QTest::newRow("arb") << "app_en.arb";
        QTest::newRow("chrome") << "messages.json";
    }
    void translatedReadsBack() {
        QFETCH(QString, file);
        const std::string bytes = dataFile(file.toUtf8().constData());
        auto doc = open(bytes);
        std::vector<UnitTranslation> t = upperAll(*doc);
        // Text JSON must escape, in every unit: quotes, backslashes, control characters.
        for (UnitTranslation& x : t)
            x.targets.front() += " \"q\" \\ \t\x01";
        auto out = doc->write(t, {});
        QVERIFY(out);
        auto valid = doc->validate(*out);
        QVERIFY2(valid, valid ? "" : valid.error().detail.c_str());
        compareWithPython(*doc, bytes, *out, t);
        auto again = open(*out);
        for (size_t i = 0; i < t.size(); ++i)
            QCOMPARE(q(again->units()[t[i].unit].source), q(t[i].targets.front()));
        // Outside the strings' bytes, nothing moved: the same lines up to each value's opening quote.
        QCOMPARE(std::ranges::count(*out, '\n'), std::ranges::count(bytes, '\n'));
    }
    void commentsAndTrailingCommas() {
        const std::string bytes =
            "// Lantern strings\n{\n  /* menu */ \"open\": \"Open\", // the verb\n  \"close\": "
            "\"Close\",\n}\n";
        auto doc = open(bytes);
        QCOMPARE(doc->units().size(), size_t(2));
        auto out = doc->write(upperAll(*doc), {});
        QVERIFY(out);
        QCOMPARE(q(*out), q("// Lantern strings\n{\n  /* menu */ \"open\": \"OPEN\", // the verb\n  "
                            "\"close\": \"CLOSE\",\n}\n"));
        QVERIFY(doc->validate(*out));
    }
    void garbage() {
        auto bad = formats::openJson("{\n  \"a\": \"b\"\n  \"c\": 1\n}");
        QVERIFY(!bad);
        QCOMPARE(int(bad.error().code), int(Errc::FormatInvalid));
        QVERIFY2(bad.error().detail.find("line 4") != std::string::npos ||
                     bad.error().detail.find("line 3") != std::string::npos,
                 bad.error().detail.c_str());
        QVERIFY(!formats::openJson("{} trailing"));
        QVERIFY(!formats::openJson(""));
        QVERIFY(!formats::openJson("{\"a\": \"\xFF\"}"));
        QVERIFY(!formats::openJson(std::string(100, '[') + std::string(100, ']')));  // too deep: refused
        QVERIFY(formats::openJson(std::string(60, '[') + std::string(60, ']')));
        // A top-level string is one unit.
        auto top = open("\"Hello\"");
        QCOMPARE(q(top->units().at(0).id), q("value"));
        checkTruncations(
            dataFile("i18next.json"), [](const std::string& b) { return formats::openJson(b); }, 3);
    }
};

QTEST_GUILESS_MAIN(JsonTest)
#include "jsontest.moc"
