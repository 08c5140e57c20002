// DOCX and ODT: the paragraphs of documents made by python-docx and odfpy (makeoffice.py beside them) as
// units, with runs of the paragraph's main formatting as plain text and the rest as inlines; the files
// written back byte for byte without translations, and translated files opened by python-docx and odfpy
// (officecheck.py): every paragraph upper-cased, every character with the formatting it had.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/translation/formats/documentsupport.h"
#include "translation/formats/formats.h"

using namespace lantern;
using namespace lantern::translation;
using namespace lantern::test::documents;

namespace {
std::unique_ptr<Document> openAs(const std::string& bytes, bool odt) {
    auto doc = odt ? formats::openOdt(bytes) : formats::openDocx(bytes);
    if (!doc)
        qFatal("open: %s", doc.error().detail.c_str());
    return std::move(*doc);
}

QString run(const QString& program, const QStringList& args, int* exitCode = nullptr) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(120000))
        qFatal("%s did not finish", qPrintable(program));
    if (exitCode)
        *exitCode = p.exitCode();
    return QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError()).trimmed();
}

// officecheck.py's verdict on a written file: its summary, or "MISMATCH" and the difference. The zip is
// also tested by Info-ZIP's unzip.
QString check(const char* kind, const std::string& source, const std::string& written) {
    QTemporaryDir dir;
    const QString ext = QString::fromLatin1(kind);
    for (auto [name, bytes] : {std::pair{"source." + ext, &source}, std::pair{"written." + ext, &written}}) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly) ||
            f.write(bytes->data(), qint64(bytes->size())) != qint64(bytes->size()))
            qFatal("cannot write %s", qPrintable(name));
    }
    int code = 0;
    const QString unzip = run("unzip", {"-tq", dir.filePath("written." + ext)}, &code);
    if (code != 0)
        return "MISMATCH unzip -t: " + unzip;
    const QString script =
        QString::fromStdString((lantern::test::dataDir() / "translation/documents/officecheck.py").string());
    const QString out =
        run("/usr/bin/python3", {script, ext, dir.filePath("source." + ext), dir.filePath("written." + ext)},
            &code);
    return code == 0 ? out : "MISMATCH " + out;
}

const Unit& unit(const Document& doc, std::string_view start) {
    for (const Unit& u : doc.units())
        if (u.source.starts_with(start))
            return u;
    qFatal("no unit starting %s", std::string(start).c_str());
}

std::string textOf(const Unit& u) {  // the source without its inlines' bytes
    std::string out;
    size_t at = 0;
    for (const Inline& in : u.inlines) {
        out += u.source.substr(at, in.begin - at);
        at = in.end;
    }
    return out + u.source.substr(at);
}
}  // namespace

class OfficeTest : public QObject {
    Q_OBJECT
private slots:
    void docxUnits() {
        auto doc = openAs(dataFile("guide.docx"), false);
        const auto& u = doc->units();
        QCOMPARE(
            u.size(),
            size_t(12));  // 6 body paragraphs, 4 cells, 1 more paragraph, header, footer; not the empty one
        QCOMPARE(q(u[0].source), q("Lantern user guide"));
        QCOMPARE(q(u[0].label), q("heading"));
        // Bold text: a pair of inlines; the plain runs around it are text.
        const Unit& bold = unit(*doc, "Lantern translates");
        QCOMPARE(bold.inlines.size(), size_t(2));
        QCOMPARE(int(bold.inlines[0].kind), int(Inline::Kind::Open));
        QCOMPARE(q(textOf(bold)),
                 q("Lantern translates your files on your own computer. Nothing is sent to a server, "
                   "and placeholders such as {name} are kept."));
        // Three runs with the same formatting are one text, without codes.
        const Unit& split = unit(*doc, "Press the button");
        QCOMPARE(q(split.source), q("Press the button to start and wait."));
        QVERIFY(split.inlines.empty());
        const Unit& link = unit(*doc, "Read the ");
        QCOMPARE(link.inlines.size(), size_t(2));  // the hyperlink's start and end tags
        QVERIFY(link.source.find("<w:hyperlink r:id=") != std::string::npos);
        QCOMPARE(q(textOf(link)), q("Read the online guide for more."));
        const Unit& tab = unit(*doc, "First column");
        QCOMPARE(q(textOf(tab)), q("First columnsecond column, in italicsand a second line."));
        QCOMPARE(tab.inlines.size(), size_t(4));  // tab, italics open/close, break
        QCOMPARE(int(tab.inlines[0].kind), int(Inline::Kind::Standalone));
        QCOMPARE(q(unit(*doc, "Word document").label), q("table cell"));
        QCOMPARE(q(unit(*doc, "Fish & chips").source), q("Fish & chips < 5 €; Übersetzung für 日本語."));
        QCOMPARE(q(unit(*doc, "Lantern documentation").label), q("header"));
        QCOMPARE(q(unit(*doc, "Page footer").label), q("footer"));
    }
    void odtUnits() {
        auto doc = openAs(dataFile("guide.odt"), true);
        const auto& u = doc->units();
        QCOMPARE(u.size(), size_t(11));  // a heading, 3 paragraphs, 4 cells, 2 paragraphs, a footnote
        QCOMPARE(q(u[0].source), q("Lantern user guide"));
        QCOMPARE(q(u[0].label), q("heading 1"));
        const Unit& span = unit(*doc, "Lantern translates");
        QCOMPARE(span.inlines.size(), size_t(2));
        QVERIFY(span.source.find("<text:span text:style-name=\"Bold\">on your own computer</text:span>") !=
                std::string::npos);
        const Unit& tab = unit(*doc, "First column");
        QCOMPARE(q(textOf(tab)), q("First columnsecond column,spacedand a second line."));
        QCOMPARE(q(unit(*doc, "OpenDocument text").label), q("table cell"));
        // A footnote is one standalone inline of its paragraph, and its own paragraph a unit of its own.
        const Unit& note = unit(*doc, "A sentence with a note");
        QCOMPARE(note.inlines.size(), size_t(1));
        QCOMPARE(q(textOf(note)), q("A sentence with a note in it."));
        QCOMPARE(q(unit(*doc, "The footnote's own text.").label), q("footnote"));
        QCOMPARE(q(unit(*doc, "Fish & chips").source), q("Fish & chips < 5 €; Übersetzung für 日本語."));
    }
    void identity() {
        for (auto [file, odt] : {std::pair{"guide.docx", false}, std::pair{"guide.odt", true}}) {
            const std::string bytes = dataFile(file);
            auto doc = openAs(bytes, odt);
            auto out = doc->write({}, {});
            QVERIFY(out && *out == bytes);
            QVERIFY(doc->validate(*out));
        }
    }
    void translatedReadsBack_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("docx") << "guide.docx";
        QTest::newRow("odt") << "guide.odt";
    }
    void translatedReadsBack() {
        QFETCH(QString, file);
        const bool odt = file.endsWith("odt");
        const std::string bytes = dataFile(file.toUtf8().constData());
        auto doc = openAs(bytes, odt);
        auto out = doc->write(upperAll(*doc), {});
        QVERIFY(out);
        auto valid = doc->validate(*out);
        QVERIFY2(valid, valid ? "" : valid.error().detail.c_str());
        const QString verdict = check(odt ? "odt" : "docx", bytes, *out);
        QVERIFY2(!verdict.startsWith("MISMATCH"), qPrintable(verdict));
        qInfo("%s", qPrintable(verdict));
        // The second opinion sees a lost translation.
        std::vector<UnitTranslation> some = upperAll(*doc);
        some.resize(3);
        auto partial = doc->write(some, {});
        QVERIFY(partial);
        QVERIFY(check(odt ? "odt" : "docx", bytes, *partial).startsWith("MISMATCH"));
        // Only the text parts changed: every other entry is the source's, in the same order.
        auto again = openAs(*out, odt);
        for (size_t i = 0; i < doc->units().size(); ++i)
            QCOMPARE(q(textOf(again->units()[i])), q(upper(textOf(doc->units()[i]))));
        if (odt) {  // the mimetype entry stays first and stored, as ODF requires
            QCOMPARE(q(out->substr(30, 8)), q("mimetype"));
            QCOMPARE(int(static_cast<unsigned char>((*out)[8])), 0);  // compression method 0: stored
        }
    }
    void footnotesInsideTranslatedParagraphs() {
        const std::string bytes = dataFile("guide.odt");
        auto doc = openAs(bytes, true);
        const size_t outer = size_t(&unit(*doc, "A sentence with a note") - doc->units().data());
        const size_t inner = size_t(&unit(*doc, "The footnote") - doc->units().data());
        const auto all = upperAll(*doc);
        for (const std::vector<size_t>& which :
             {std::vector{outer, inner}, std::vector{inner}, std::vector{outer}}) {
            std::vector<UnitTranslation> t;
            for (size_t i : which)
                t.push_back(all[i]);
            auto out = doc->write(t, {});
            QVERIFY(out);
            QVERIFY(doc->validate(*out));
            auto again = openAs(*out, true);
            const bool outerDone = std::ranges::count(which, outer) > 0;
            const bool innerDone = std::ranges::count(which, inner) > 0;
            QCOMPARE(q(textOf(again->units()[outer])),
                     q(outerDone ? "A SENTENCE WITH A NOTE IN IT." : "A sentence with a note in it."));
            QCOMPARE(q(again->units()[inner].source),
                     q(innerDone ? "THE FOOTNOTE'S OWN TEXT." : "The footnote's own text."));
        }
    }
    void hostileTranslations() {
        auto doc = openAs(dataFile("guide.docx"), false);
        const size_t i = size_t(&unit(*doc, "Press the button") - doc->units().data());
        UnitTranslation t;
        t.unit = i;
        t.targets = {"<w:r>inject</w:r> & \"quotes\"\nnew line"};
        auto out = doc->write(std::vector{t}, {});
        QVERIFY(out);
        QVERIFY(doc->validate(*out));
        QCOMPARE(q(openAs(*out, false)->units()[i].source), q("<w:r>inject</w:r> & \"quotes\" new line"));
        t.unit = 99;
        QVERIFY(!doc->write(std::vector{t}, {}));
    }
    void garbage() {
        for (auto open : {&formats::openDocx, &formats::openOdt}) {
            auto bad = open("not a zip at all");
            QVERIFY(!bad);
            QCOMPARE(int(bad.error().code), int(Errc::FormatInvalid));
            QVERIFY2(bad.error().detail.find("zip") != std::string::npos, bad.error().detail.c_str());
        }
        // An ODT's zip without content.xml, a spreadsheet, a truncated file: refused with a sentence.
        const std::string odt = dataFile("guide.odt");
        QVERIFY(!formats::openOdt(odt.substr(0, odt.size() / 2)));
        const std::string docx = dataFile("guide.docx");
        QVERIFY(!formats::openDocx(docx.substr(0, docx.size() - 100)));
        QVERIFY(!formats::openDocx(odt));  // an ODT is not a DOCX: no word/document.xml
        auto missing = formats::openDocx(odt);
        QVERIFY2(missing.error().detail.find("word/document.xml") != std::string::npos,
                 missing.error().detail.c_str());
    }
};

QTEST_GUILESS_MAIN(OfficeTest)
#include "officetest.moc"
