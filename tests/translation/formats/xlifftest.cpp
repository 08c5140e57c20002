// XLIFF 1.2 and 2.0: units and inline codes of two hand-written files, targets written in place (replaced,
// opened from <target/>, inserted after <source> with its indentation), states and languages, all checked
// by an independent reader (python3's xml.etree, xliffcheck.py beside the data) and by translate-toolkit
// itself: po2xliff makes the file, xliff2po reads back what Lantern wrote.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/translation/formats/documentsupport.h"
#include "translation/formats/formats.h"

using namespace lantern::translation;
using lantern::test::documents::checkTruncations;
using lantern::test::documents::readFile;
using lantern::test::documents::translateText;
using lantern::test::documents::upper;

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }

std::filesystem::path data(const char* name) { return lantern::test::dataDir() / "translation/localization" / name; }

void writeFile(const QString& p, const std::string& bytes) {
    QFile f(p);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()))
        qFatal("cannot write %s", qPrintable(p));
}

std::pair<int, std::string> runTool(const QString& program, const QStringList& args) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(60000))
        qFatal("%s did not run", qPrintable(program));
    return {p.exitCode(), p.readAll().toStdString()};
}

std::unique_ptr<Document> open(std::string bytes) {
    auto doc = formats::openXliff(std::move(bytes));
    if (!doc)
        qFatal("openXliff: %s", doc.error().detail.c_str());
    return std::move(*doc);
}

size_t indexOf(const Document& doc, std::string_view id) {
    for (size_t i = 0; i < doc.units().size(); ++i)
        if (doc.units()[i].id == id)
            return i;
    qFatal("no unit %s", std::string(id).c_str());
}

// The file as python3's xml.etree reads it (xliffcheck.py): per unit state, approved, target text and
// whether the target is the source upper-cased with its inline codes intact.
QJsonObject independent(const std::string& bytes) {
    QTemporaryDir dir;
    writeFile(dir.filePath("f.xlf"), bytes);
    const QString script = QString::fromStdString(data("xliff/xliffcheck.py").string());
    QProcess p;
    p.start("python3", {script, dir.filePath("f.xlf")});
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        qFatal("xliffcheck.py: %s", p.readAllStandardError().constData());
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

UnitTranslation uppered(const Document& doc, size_t index, bool final) {
    UnitTranslation t = translateText(doc.units()[index], index, [](std::string_view s) { return upper(s); });
    t.final = final;
    return t;
}
}  // namespace

class XliffTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (QStandardPaths::findExecutable("python3").isEmpty())
            QFAIL("python3 (the independent XML reader of these tests) is not installed");
    }

    void reads12() {
        auto doc = open(readFile(data("xliff/hello-1.2.xlf")));
        const auto& units = doc->units();
        QCOMPARE(units.size(), size_t(7));
        QCOMPARE(q(doc->sourceLanguage()), QString("en"));
        QCOMPARE(q(units[0].id), QString("greeting"));
        QCOMPARE(q(units[0].context), QString("app.greeting"));
        QCOMPARE(q(units[0].note), QString("Shown on start; %s is the user's name."));
        QCOMPARE(units[0].state, UnitState::Untranslated);
        QVERIFY(units[0].placeholders & placeholder::Printf);

        const Unit& bold = units[1];
        QCOMPARE(q(bold.source), QString("Press <g id=\"1\" ctype=\"bold\">Save</g> to keep & close."));
        QCOMPARE(bold.inlines.size(), size_t(2));
        QCOMPARE(bold.inlines[0].kind, Inline::Kind::Open);
        QCOMPARE(bold.inlines[1].kind, Inline::Kind::Close);
        QCOMPARE(bold.inlines[0].pair, bold.inlines[1].pair);
        QCOMPARE(q(bold.source.substr(bold.inlines[1].begin, bold.inlines[1].end - bold.inlines[1].begin)), QString("</g>"));
        QCOMPARE(bold.state, UnitState::Final);
        QCOMPARE(bold.targets.size(), size_t(1));

        // <x/>, <bx/>, <ex/> and <ph>…</ph> are single codes; the native markup inside <ph> is not text.
        const Unit& codes = units[2];
        QCOMPARE(codes.inlines.size(), size_t(4));
        for (const Inline& in : codes.inlines)
            QCOMPARE(in.kind, Inline::Kind::Standalone);
        QCOMPARE(q(codes.source.substr(codes.inlines[3].begin, codes.inlines[3].end - codes.inlines[3].begin)),
                 QString("<ph id=\"5\">&lt;br/&gt;</ph>"));
        QCOMPARE(codes.state, UnitState::NeedsReview);
        QCOMPARE(units[3].inlines.size(), size_t(2));  // <bpt>, <ept>
        QCOMPARE(units[3].state, UnitState::Untranslated);  // <target/>
        QCOMPARE(q(units[4].id), QString("menu.open"));
        QCOMPARE(units[4].state, UnitState::Untranslated);
        QVERIFY(units[4].translatable);
        QVERIFY(!units[5].translatable);  // inside <group translate="no">
        QCOMPARE(q(units[6].source), QString("\"Quoted\"  and  'spaced'"));
    }

    void writes12InPlace() {
        const std::string original = readFile(data("xliff/hello-1.2.xlf"));
        auto doc = open(original);
        QVERIFY(*doc->write({}, {}) == original);
        std::vector<UnitTranslation> t;
        for (const char* id : {"greeting", "bold", "codes", "native", "menu.open", "quotes"})
            t.push_back(uppered(*doc, indexOf(*doc, id), std::string_view(id) == "bold"));
        WriteOptions de;
        de.targetLanguage = "de";
        auto out = doc->write(t, de);
        QVERIFY2(out, out ? "" : out.error().detail.c_str());
        const auto valid = doc->validate(*out);
        QVERIFY2(valid, valid ? "" : valid.error().detail.c_str());

        // Byte for byte where the targets go: an inserted target is indented like its source.
        std::string expected = original;
        auto edit = [&](std::string_view from, std::string_view to) {
            const size_t at = expected.find(from);
            QVERIFY2(at != std::string::npos, std::string(from).c_str());
            expected.replace(at, from.size(), to);
        };
        edit("source-language=\"en\"", "source-language=\"en\" target-language=\"de\"");
        edit("<trans-unit id=\"greeting\" resname=\"app.greeting\">\n        <source>Hello, %s!</source>",
             "<trans-unit id=\"greeting\" approved=\"no\" resname=\"app.greeting\">\n        <source>Hello, %s!</source>\n"
             "        <target state=\"needs-review-translation\">HELLO, %S!</target>");
        edit("<target state=\"translated\">Drücken Sie <g id=\"1\" ctype=\"bold\">Speichern</g>, um zu behalten &amp; zu "
             "schließen.</target>",
             "<target state=\"translated\">PRESS <g id=\"1\" ctype=\"bold\">SAVE</g> TO KEEP &amp; CLOSE.</target>");
        edit("<target/>", "<target state=\"needs-review-translation\">CLICK <bpt id=\"6\">&lt;a href=\"#\"&gt;</bpt>HERE"
                          "<ept id=\"6\">&lt;/a&gt;</ept> NOW.</target>");
        edit("<target state=\"new\"></target>", "<target state=\"needs-review-translation\">OPEN…</target>");
        edit("\"quotes\" xml:space=\"preserve\"><source>\"Quoted\"  and  'spaced'</source>",
             "\"quotes\" approved=\"no\" xml:space=\"preserve\"><source>\"Quoted\"  and  'spaced'</source><target "
             "state=\"needs-review-translation\">\"QUOTED\"  AND  'SPACED'</target>");
        // (the codes unit: checked below by the independent reader rather than spelled out here)
        const std::string codesFrom = "<target state=\"needs-review-translation\">Zeile eins";
        const size_t codesAt = expected.find(codesFrom);
        QVERIFY(codesAt != std::string::npos);
        const size_t codesEnd = expected.find("</target>", codesAt);
        const size_t outAt = out->find("<trans-unit id=\"codes\"");
        expected.replace(codesAt, codesEnd - codesAt, out->substr(out->find("<target", outAt),
                                                                  out->find("</target>", outAt) - out->find("<target", outAt)));
        edit("<trans-unit id=\"codes\">", "<trans-unit id=\"codes\" approved=\"no\">");
        edit("<trans-unit id=\"native\">", "<trans-unit id=\"native\" approved=\"no\">");
        edit("<trans-unit id=\"menu.open\">", "<trans-unit id=\"menu.open\" approved=\"no\">");
        QCOMPARE(q(*out), q(expected));

        const QJsonObject check = independent(*out);
        QCOMPARE(check["target_language"].toString(), QString("de"));
        const QJsonObject units = check["units"].toObject();
        for (const char* id : {"greeting", "bold", "codes", "native", "menu.open", "quotes"}) {
            const QJsonObject u = units[id].toObject();
            QVERIFY2(u["upper_of_source"].toBool(), id);
            const bool final = std::string_view(id) == "bold";
            QCOMPARE(u["state"].toString(), QString(final ? "translated" : "needs-review-translation"));
            QCOMPARE(u["approved"].toString(), QString(final ? "yes" : "no"));
        }
        QVERIFY(units["menu.brand"].toObject()["target"].isNull());

        auto again = open(*out);
        for (const Unit& u : again->units())
            if (u.translatable)
                QCOMPARE(u.state, u.id == "bold" ? UnitState::Final : UnitState::NeedsReview);
        // translate="no" is refused, a second target form too.
        QVERIFY(!doc->write(std::vector<UnitTranslation>{uppered(*doc, 5, false)}, {}));
        UnitTranslation two = uppered(*doc, 0, false);
        two.targets.push_back("x");
        QVERIFY(!doc->write(std::vector<UnitTranslation>{two}, {}));
    }

    void reads20() {
        auto doc = open(readFile(data("xliff/hello-2.0.xlf")));
        const auto& units = doc->units();
        QCOMPARE(units.size(), size_t(5));
        QCOMPARE(q(doc->sourceLanguage()), QString("en"));
        QCOMPARE(q(units[0].id), QString("greeting"));
        QCOMPARE(q(units[0].context), QString("app.greeting"));
        QCOMPARE(q(units[0].note), QString("Shown on start."));
        QCOMPARE(q(units[0].source), QString("Hello, <ph id=\"1\" disp=\"{name}\"/>!"));
        QCOMPARE(units[0].inlines.size(), size_t(1));
        QCOMPARE(units[1].inlines.size(), size_t(2));  // <pc> open and close
        QCOMPARE(units[1].inlines[0].kind, Inline::Kind::Open);
        QCOMPARE(units[1].state, UnitState::Final);
        QCOMPARE(q(units[2].id), QString("two#a"));
        QCOMPARE(units[2].state, UnitState::NeedsReview);  // no state: "initial"
        QCOMPARE(q(units[3].id), QString("two#b"));
        QCOMPARE(units[3].inlines.size(), size_t(2));  // <sc/>, <ec/>
        QCOMPARE(units[3].state, UnitState::Untranslated);
        QVERIFY(!units[4].translatable);
    }

    void writes20InPlace() {
        const std::string original = readFile(data("xliff/hello-2.0.xlf"));
        auto doc = open(original);
        QVERIFY(*doc->write({}, {}) == original);
        std::vector<UnitTranslation> t{uppered(*doc, 0, false), uppered(*doc, 1, true), uppered(*doc, 2, false),
                                       uppered(*doc, 3, true)};
        WriteOptions fr;
        fr.targetLanguage = "fr-CA";
        auto out = doc->write(t, fr);
        QVERIFY2(out, out ? "" : out.error().detail.c_str());
        const auto valid = doc->validate(*out);
        QVERIFY2(valid, valid ? "" : valid.error().detail.c_str());
        QVERIFY(out->find("srcLang=\"en\" trgLang=\"fr-CA\"") != std::string::npos);
        QVERIFY(out->find("        <source>Hello, <ph id=\"1\" disp=\"{name}\"/>!</source>\n"
                          "        <target>HELLO, <ph id=\"1\" disp=\"{name}\"/>!</target>\n      </segment>") !=
                std::string::npos);
        QVERIFY(out->find("<segment state=\"initial\">") != std::string::npos);  // added to the greeting
        QVERIFY(out->find("<segment id=\"s1\" state=\"translated\">") != std::string::npos);
        QVERIFY(out->find("<segment id=\"a\" state=\"initial\">") != std::string::npos);
        QVERIFY(out->find("<segment id=\"b\" state=\"translated\">") != std::string::npos);
        QVERIFY(out->find("<ignorable>\n        <source> </source>\n      </ignorable>") != std::string::npos);

        const QJsonObject check = independent(*out);
        QCOMPARE(check["target_language"].toString(), QString("fr-CA"));
        const QJsonObject units = check["units"].toObject();
        for (const char* id : {"greeting", "bold", "two#a", "two#b"})
            QVERIFY2(units[id].toObject()["upper_of_source"].toBool(), id);
        QCOMPARE(units["two#b"].toObject()["state"].toString(), QString("translated"));
        QVERIFY(units["brand"].toObject()["target"].isNull());
        // Targets without trgLang are not XLIFF 2.0 (trgLang is required once a target exists).
        auto noLanguage = doc->write(t, {});
        QVERIFY(noLanguage);
        const auto refused = doc->validate(*noLanguage);
        QVERIFY(!refused);
        QVERIFY2(refused.error().detail.find("trgLang") != std::string::npos, refused.error().detail.c_str());

        auto again = open(*out);
        QCOMPARE(again->units()[0].state, UnitState::NeedsReview);
        QCOMPARE(again->units()[1].state, UnitState::Final);
        QCOMPARE(again->units()[3].state, UnitState::Final);
    }

    // translate-toolkit makes the XLIFF from a PO catalogue; Lantern reads it with the same sources, writes
    // it back identically, translates it; xliff2po reads the result with the targets and fuzzy flags.
    void translateToolkitRoundTrip() {
        if (QStandardPaths::findExecutable("po2xliff").isEmpty() || QStandardPaths::findExecutable("xliff2po").isEmpty())
            QFAIL("translate-toolkit (po2xliff, xliff2po) is not installed (Debian: translate-toolkit; ./scripts/test installs it)");
        QTemporaryDir dir;
        auto [rc, log] = runTool("po2xliff", {QString::fromStdString(data("po/de.po").string()), dir.filePath("de.xlf")});
        QVERIFY2(rc == 0, log.c_str());
        QFile f(dir.filePath("de.xlf"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const std::string xlf = f.readAll().toStdString();
        auto doc = open(xlf);
        QVERIFY(*doc->write({}, {}) == xlf);
        const QJsonObject before = independent(xlf)["units"].toObject();
        QCOMPARE(size_t(before.size()), doc->units().size());
        QVERIFY(!doc->units().front().translatable);  // the PO header
        std::vector<UnitTranslation> t;
        for (size_t i = 0; i < doc->units().size(); ++i)
            if (doc->units()[i].translatable)
                t.push_back(uppered(*doc, i, i % 2 == 0));
        QVERIFY(t.size() >= 12);
        auto out = doc->write(t, {});
        QVERIFY(out && doc->validate(*out));
        const QJsonObject after = independent(*out)["units"].toObject();
        for (const UnitTranslation& x : t)
            QVERIFY2(after[q(doc->units()[x.unit].id)].toObject()["upper_of_source"].toBool(),
                     doc->units()[x.unit].id.c_str());

        writeFile(dir.filePath("out.xlf"), *out);
        auto [rc2, log2] = runTool("xliff2po", {dir.filePath("out.xlf"), dir.filePath("out.po")});
        QVERIFY2(rc2 == 0, log2.c_str());
        QFile pf(dir.filePath("out.po"));
        QVERIFY(pf.open(QIODevice::ReadOnly));
        auto po = formats::openPo(pf.readAll().toStdString());
        QVERIFY(po);
        size_t checked = 0;
        for (const UnitTranslation& x : t) {
            const Unit& u = doc->units()[x.unit];
            for (const Unit& p : (*po)->units()) {
                if (p.source != u.source || !p.sourcePlural.empty() || p.context != "")
                    continue;
                QCOMPARE(p.targets.front(), upper(u.source));
                QCOMPARE(p.state, x.final ? UnitState::Final : UnitState::NeedsReview);  // fuzzy = approved="no"
                ++checked;
            }
        }
        QVERIFY2(checked >= 8, qPrintable(QString::number(checked)));
    }

    void refusesWhatIsNotXliff() {
        auto html = formats::openXliff("<?xml version=\"1.0\"?>\n<html/>");
        QVERIFY(!html);
        QVERIFY2(html.error().detail.find("<xliff>") != std::string::npos, html.error().detail.c_str());
        auto v3 = formats::openXliff("<xliff version=\"3.0\"/>");
        QVERIFY(!v3);
        QCOMPARE(v3.error().code, lantern::Errc::FormatUnsupported);
        auto dup = formats::openXliff("<xliff version=\"1.2\"><file><body><trans-unit id=\"a\"><source>x</source>"
                                      "</trans-unit>\n<trans-unit id=\"a\"><source>y</source></trans-unit></body></file></xliff>");
        QVERIFY(!dup);
        QVERIFY2(dup.error().detail.find("line 2") != std::string::npos, dup.error().detail.c_str());
    }

    void truncatedInput() {
        for (const char* name : {"xliff/hello-1.2.xlf", "xliff/hello-2.0.xlf"})
            checkTruncations(readFile(data(name)), [](const std::string& b) { return formats::openXliff(b); }, 5);
    }
};

QTEST_MAIN(XliffTest)
#include "xlifftest.moc"
