// Qt Linguist catalogues: units of a hand-written .ts, byte-identical round trips of Qt's own catalogues
// (the .qm files of qt6-translations-l10n, turned into .ts by lconvert), and written catalogues that
// lrelease compiles, read back through lconvert.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/testenv.h"
#include "translation/formats/formats.h"
#include "translation/plurals.h"

using namespace lantern::translation;

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }

const QString kQtBin = "/usr/lib/qt6/bin";
const QString kQtTranslations = "/usr/share/qt6/translations";

std::string readFile(const QString& p) {
    QFile f(p);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(p));
    return f.readAll().toStdString();
}
void writeFile(const QString& p, const std::string& bytes) {
    QFile f(p);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()))
        qFatal("cannot write %s", qPrintable(p));
}
QString data(const char* name) {
    return QString::fromStdString((lantern::test::dataDir() / "translation/localization/ts" / name).string());
}

// Runs a Qt tool; its stdout and stderr together.
std::pair<int, std::string> qtTool(const QString& tool, const QStringList& args) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(kQtBin + "/" + tool, args);
    if (!p.waitForFinished(120000))
        qFatal("%s did not run", qPrintable(tool));
    return {p.exitCode(), p.readAll().toStdString()};
}

std::unique_ptr<Document> open(std::string bytes) {
    auto doc = formats::openQtTs(std::move(bytes));
    if (!doc)
        qFatal("openQtTs: %s", doc.error().detail.c_str());
    return std::move(*doc);
}

const Unit* find(const Document& doc, std::string_view id) {
    for (const Unit& u : doc.units())
        if (u.id == id)
            return &u;
    return nullptr;
}
size_t indexOf(const Document& doc, std::string_view id) { return size_t(find(doc, id) - doc.units().data()); }

// A .qm of Qt's catalogues as .ts (lconvert), into `dir`.
std::string fromQm(const QString& qm, const QTemporaryDir& dir) {
    const QString ts = dir.filePath(QFileInfo(qm).completeBaseName() + ".ts");
    auto [rc, out] = qtTool("lconvert", {"-i", qm, "-o", ts});
    if (rc != 0)
        qFatal("lconvert %s: %s", qPrintable(qm), out.c_str());
    return readFile(ts);
}

// The translations of a compiled catalogue, by source (lconvert turns the .qm back into a .ts).
std::map<std::string, std::vector<std::string>> compiled(const std::string& ts, const QTemporaryDir& dir) {
    writeFile(dir.filePath("c.ts"), ts);
    auto [rc, out] = qtTool("lrelease", {dir.filePath("c.ts"), "-qm", dir.filePath("c.qm")});
    if (rc != 0)
        qFatal("lrelease: %s", out.c_str());
    auto back = open(fromQm(dir.filePath("c.qm"), dir));
    std::map<std::string, std::vector<std::string>> byId;
    for (const Unit& u : back->units())
        byId[u.context + "\x04" + u.source] = u.targets;
    return byId;
}
}  // namespace

class QtTsTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        for (const char* tool : {"lconvert", "lrelease"})
            if (!QFileInfo(kQtBin + "/" + tool).isExecutable())
                QFAIL(qPrintable(QString("%1/%2 (qt6-l10n-tools) is a build dependency").arg(kQtBin, tool)));
        if (QDir(kQtTranslations).entryList({"qtbase_*.qm"}).isEmpty())
            QFAIL("Qt's catalogues (qt6-translations-l10n) are not installed in /usr/share/qt6/translations");
    }

    void readsEveryPartOfAMessage() {
        auto doc = open(readFile(data("hello_de.ts")));
        const auto& units = doc->units();
        QCOMPARE(units.size(), size_t(11));
        QCOMPARE(q(doc->sourceLanguage()), QString("en_US"));
        QCOMPARE(doc->pluralForms(""), size_t(2));   // the file's language="de_DE"
        QCOMPARE(doc->pluralForms("ru"), size_t(3));
        QCOMPARE(doc->pluralExamples("ar"), (std::vector<uint64_t>{0, 1, 2, 3, 11, 100}));

        const Unit& open = units[0];
        QCOMPARE(q(open.id), QString("MainWindow\x04&Open…"));
        QCOMPARE(q(open.context), QString("MainWindow"));
        QCOMPARE(q(open.source), QString("&Open…"));
        QCOMPARE(open.targets, std::vector<std::string>{"Ö&ffnen…"});
        QCOMPARE(open.state, UnitState::Final);
        QCOMPARE(open.placeholders, placeholder::Qt | placeholder::Markup | placeholder::Accelerators);

        // The same source twice, told apart by the comment (the disambiguation).
        const Unit& file = units[1];
        QCOMPARE(q(file.id), QString("MainWindow\x04" "Delete %1?\x04" "file name follows"));
        QCOMPARE(q(file.note), QString("file name follows\nShown before a file is deleted for good.\nKurz halten."));
        QCOMPARE(file.state, UnitState::NeedsReview);
        QCOMPARE(q(units[2].id), QString("MainWindow\x04" "Delete %1?\x04" "folder name follows"));
        QCOMPARE(units[2].state, UnitState::Untranslated);
        QVERIFY(units[2].targets.empty());

        QCOMPARE(q(units[3].sourcePlural), QString("%n file(s) copied"));
        QCOMPARE(units[3].targets, (std::vector<std::string>{"%n Datei kopiert", "%n Dateien kopiert"}));
        QCOMPARE(units[4].state, UnitState::Untranslated);
        QCOMPARE(q(units[5].source), QString("<b>Warning:</b> the file <i>%1</i> is read-only & locked."));
        QVERIFY(!units[6].translatable && !units[7].translatable);  // vanished, obsolete
        QCOMPARE(q(units[8].id), QString("settings.title"));
        QCOMPARE(q(units[8].note), QString("Window title"));
        QCOMPARE(q(units[9].source), QString("Ring\a the bell"));
        QCOMPARE(q(units[10].source), QString("Quotes \"here\" and 'there'"));
    }

    // Translated into German: every change is where it should be, and nothing else moved.
    void writesTranslationsInPlace() {
        const std::string original = readFile(data("hello_de.ts"));
        auto doc = open(original);
        std::vector<UnitTranslation> t{
            {indexOf(*doc, "MainWindow\x04" "Delete %1?\x04" "file name follows"), {"Löschen: %1?"}, {}, true},
            {indexOf(*doc, "MainWindow\x04" "Delete %1?\x04" "folder name follows"), {"Ordner %1 <löschen>?"}, {}, false},
            {indexOf(*doc, "MainWindow\x04%n file(s) copied"), {"%n Datei", "%n Dateien"}, {}, false},
            {indexOf(*doc, "MainWindow\x04%n folder(s) left"), {"%n Ordner übrig", "%n Ordner übrig"}, {}, false},
            {5, {"<b>Achtung:</b> die Datei <i>%1</i> ist schreibgeschützt & gesperrt."}, {}, false},
            {indexOf(*doc, "settings.bell"), {"Läute\a die Glocke"}, {}, true},
            {10, {"Anführung \"hier\" und 'dort'"}, {}, false},
        };
        auto out = doc->write(t, {});
        QVERIFY2(out, out ? "" : out.error().detail.c_str());
        std::string expected = original;
        auto edit = [&](std::string_view from, std::string_view to) {
            const size_t at = expected.find(from);
            QVERIFY2(at != std::string::npos, std::string(from).c_str());
            expected.replace(at, from.size(), to);
        };
        edit("<translation type=\"unfinished\">%1 löschen?</translation>", "<translation>Löschen: %1?</translation>");
        edit("<comment>folder name follows</comment>\n        <translation type=\"unfinished\"></translation>",
             "<comment>folder name follows</comment>\n        <translation type=\"unfinished\">Ordner %1 &lt;löschen&gt;?"
             "</translation>");
        edit("<translation>\n            <numerusform>%n Datei kopiert</numerusform>\n            <numerusform>%n Dateien "
             "kopiert</numerusform>",
             "<translation type=\"unfinished\">\n            <numerusform>%n Datei</numerusform>\n            "
             "<numerusform>%n Dateien</numerusform>");
        edit("<numerusform></numerusform>\n            <numerusform></numerusform>",
             "<numerusform>%n Ordner übrig</numerusform>\n            <numerusform>%n Ordner übrig</numerusform>");
        edit("<translation type=\"unfinished\"/>",
             "<translation type=\"unfinished\">&lt;b&gt;Achtung:&lt;/b&gt; die Datei &lt;i&gt;%1&lt;/i&gt; ist "
             "schreibgeschützt &amp; gesperrt.</translation>");
        edit("<source>Ring<byte value=\"x7\"/> the bell</source>\n        <translation type=\"unfinished\"></translation>",
             "<source>Ring<byte value=\"x7\"/> the bell</source>\n        <translation>Läute<byte value=\"x07\"/> die "
             "Glocke</translation>");
        edit("<comment>no translation element yet</comment>",
             "<comment>no translation element yet</comment>\n        <translation type=\"unfinished\">Anführung "
             "&quot;hier&quot; und &apos;dort&apos;</translation>");
        QCOMPARE(q(*out), q(expected));
        QVERIFY2(doc->validate(*out), doc->validate(*out).error().detail.c_str());

        auto again = open(*out);
        QCOMPARE(again->units()[1].state, UnitState::Final);
        QCOMPARE(again->units()[2].state, UnitState::NeedsReview);
        QCOMPARE(again->units()[3].state, UnitState::NeedsReview);
        QCOMPARE(again->units()[9].targets, std::vector<std::string>{"Läute\a die Glocke"});
        QCOMPARE(again->units()[10].targets, std::vector<std::string>{"Anführung \"hier\" und 'dort'"});

        // What lrelease compiled, read back by lconvert: our text, unfinished messages included.
        QTemporaryDir dir;
        auto byId = compiled(*out, dir);
        QCOMPARE(byId["MainWindow\x04" "Delete %1?"].size(), size_t(1));
        QCOMPARE(byId["MainWindow\x04%n folder(s) left"], (std::vector<std::string>{"%n Ordner übrig", "%n Ordner übrig"}));
        QCOMPARE(byId["Settings\x04Quotes \"here\" and 'there'"], std::vector<std::string>{"Anführung \"hier\" und 'dort'"});
    }

    void numerusFormsFollowTheTargetLanguage() {
        auto doc = open(readFile(data("hello_de.ts")));
        const size_t copied = indexOf(*doc, "MainWindow\x04%n file(s) copied");
        const size_t left = indexOf(*doc, "MainWindow\x04%n folder(s) left");
        for (auto [language, forms, written] :
             {std::tuple{"ru", 3, "ru"}, {"ar", 6, "ar"}, {"ja", 1, "ja"}, {"pt-BR", 2, "pt_BR"}, {"zh-Hant", 1, "zh_TW"}}) {
            WriteOptions options;
            options.targetLanguage = language;
            QCOMPARE(doc->pluralForms(language), size_t(forms));
            // Every numerus message gets the target's forms: the German ones left in place would not match.
            std::vector<UnitTranslation> t{{copied, std::vector<std::string>(size_t(forms), "%n x"), {}, false},
                                           {left, std::vector<std::string>(size_t(forms), "%n y"), {}, false}};
            auto out = doc->write(t, options);
            QVERIFY(out);
            QVERIFY(out->find(std::string("language=\"") + written + "\"") != std::string::npos);
            QCOMPARE(open(*out)->units()[copied].targets.size(), size_t(forms));
            const lantern::Result<void> valid = doc->validate(*out);  // lrelease: no forms added or removed
            QVERIFY2(valid, valid ? language : valid.error().detail.c_str());
            t[0].targets.push_back("%n y");
            QVERIFY(!doc->write(t, options));  // one form too many
        }
        // A file without a language attribute gets one after the version.
        auto bare = open("<?xml version=\"1.0\"?>\n<TS version=\"2.1\">\n<context><name>c</name><message>"
                         "<source>a</source><translation type=\"unfinished\"></translation></message></context>\n</TS>\n");
        WriteOptions de;
        de.targetLanguage = "de";
        std::vector<UnitTranslation> t{{0, {"b"}, {}, false}};
        QVERIFY(bare->write(t, de)->find("<TS version=\"2.1\" language=\"de\">") != std::string::npos);
        // Vanished and obsolete messages are not written.
        std::vector<UnitTranslation> vanished{{6, {"x"}, {}, true}};
        QVERIFY(!doc->write(vanished, {}));
    }

    void roundTripOfTheHandWrittenFileAndVariants() {
        const std::string bytes = readFile(data("hello_de.ts"));
        QString crlf = QString::fromStdString(bytes);
        crlf.replace("\n", "\r\n");
        for (const std::string& v : {bytes, crlf.toStdString(), "\xEF\xBB\xBF" + bytes}) {
            auto doc = open(v);
            QCOMPARE(doc->units().size(), size_t(11));
            QVERIFY(*doc->write({}, {}) == v);
        }
        // CRLF: a written file validates and keeps its line ends outside the new numerus lines.
        auto doc = open(crlf.toStdString());
        std::vector<UnitTranslation> t{{0, {"Ö&ffnen"}, {}, true}};
        auto out = doc->write(t, {});
        QVERIFY(out && doc->validate(*out));
    }

    // Qt's own catalogues: every .qm installed, as lconvert writes it. Same bytes back, numerus forms as
    // qtNumerusRule says; then every message of each qtbase catalogue machine-translated, compiled by
    // lrelease (no forms added or removed) and read back.
    void qtsOwnCatalogues() {
        QTemporaryDir dir;
        const QStringList qms = QDir(kQtTranslations).entryList({"*.qm"}, QDir::Files, QDir::Name);
        size_t files = 0, messages = 0, numerus = 0, written = 0;
        for (const QString& name : qms) {
            const QString qm = kQtTranslations + "/" + name;
            if (QFileInfo(qm).size() < 1024)
                continue;  // the stub catalogues (qt_xx.qm) only load others
            const std::string ts = fromQm(qm, dir);
            auto doc = open(ts);
            QVERIFY2(*doc->write({}, {}) == ts, qPrintable(name));
            // The catalogue's own language="..." (qt_help_pt_BR.qm says pt_BR): Qt's numerus rule for it.
            const size_t at = ts.find("language=\"") + 10;
            const std::string language = ts.substr(at, ts.find('"', at) - at);
            const size_t forms = plurals::qtNumerusRule(language).forms;
            for (const Unit& u : doc->units()) {
                ++messages;
                if (!u.sourcePlural.empty() && !u.targets.empty()) {
                    QVERIFY2(u.targets.size() == forms, qPrintable(name + ": " + q(u.source)));
                    ++numerus;
                }
            }
            ++files;
            if (!name.startsWith("qtbase_"))
                continue;
            std::vector<UnitTranslation> all;
            for (size_t i = 0; i < doc->units().size(); ++i) {
                const Unit& u = doc->units()[i];
                all.push_back({i, std::vector<std::string>(u.sourcePlural.empty() ? 1 : forms, "«" + u.source + "»"),
                               {}, false});
            }
            auto out = doc->write(all, {});
            QVERIFY(out);
            QVERIFY2(doc->validate(*out), qPrintable(name + ": " + q(doc->validate(*out).error().detail)));
            auto again = open(*out);
            for (const Unit& u : again->units()) {
                QCOMPARE(u.state, UnitState::NeedsReview);
                QCOMPARE(u.targets.front(), "«" + u.source + "»");
            }
            auto byId = compiled(*out, dir);
            for (const Unit& u : again->units())
                QCOMPARE(byId[u.context + "\x04" + u.source], u.targets);
            written += again->units().size();
        }
        qInfo("%zu Qt catalogues, %zu messages (%zu numerus) round-tripped; %zu messages written, compiled by "
              "lrelease and read back",
              files, messages, numerus, written);
        QVERIFY(files >= 100);
        QVERIFY(numerus >= 100);
    }

    void refusesWhatIsNotACatalogue() {
        auto root = formats::openQtTs("<?xml version=\"1.0\"?>\n<html><body/></html>");
        QVERIFY(!root);
        QVERIFY2(root.error().detail.find("<TS>") != std::string::npos, root.error().detail.c_str());
        auto latin = formats::openQtTs("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<TS version=\"2.1\"/>");
        QVERIFY(!latin);
        QCOMPARE(latin.error().code, lantern::Errc::FormatUnsupported);
        auto dup = formats::openQtTs("<TS><context><name>c</name><message><source>a</source></message>"
                                     "<message><source>a</source></message></context></TS>");
        QVERIFY(!dup);
        QVERIFY2(dup.error().detail.find("line 1, column 65") != std::string::npos, dup.error().detail.c_str());
    }

    // Every prefix of a catalogue and garbage: an error naming line and column, or a document, no crash.
    void truncatedAndGarbageInput() {
        const std::string bytes = readFile(data("hello_de.ts"));
        int errors = 0;
        const size_t rootEnd = bytes.rfind("</TS>") + 5;  // what follows (a line end) may go
        for (size_t n = 0; n < rootEnd; n += 3) {
            auto r = formats::openQtTs(bytes.substr(0, n));
            QVERIFY(!r);  // the root element closes only at the end
            QVERIFY2(r.error().detail.find("line ") != std::string::npos, r.error().detail.c_str());
            ++errors;
        }
        QVERIFY(errors > 500);
        std::string garbage;
        uint32_t x = 99;
        for (int i = 0; i < 20000; ++i) {
            x = x * 1103515245 + 12345;
            garbage += "<TS>/&;\"=x \n\x01"[(x >> 28) % 13];
        }
        QVERIFY(!formats::openQtTs(garbage));
        QVERIFY(!formats::openQtTs(""));
        const std::string deep = std::string("<TS>") + [] {
            std::string s;
            for (int i = 0; i < 100000; ++i)
                s += "<a>";
            return s;
        }();
        QVERIFY(!formats::openQtTs(deep));
    }
};

QTEST_MAIN(QtTsTest)
#include "qttstest.moc"
