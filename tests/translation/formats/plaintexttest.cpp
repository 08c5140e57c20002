// Plain text: paragraphs and list items as units, the source's lines joined; written back byte for byte
// without translations, and with them wrapped at the source's width, indentation and line endings kept.
#include <QtTest>

#include "tests/translation/formats/documentsupport.h"
#include "translation/formats/formats.h"

using namespace lantern;
using namespace lantern::translation;
using namespace lantern::test::documents;

namespace {
std::unique_ptr<Document> open(const std::string& bytes) {
    auto doc = formats::openPlainText(bytes);
    if (!doc)
        qFatal("openPlainText: %s", doc.error().detail.c_str());
    return std::move(*doc);
}
std::vector<std::string> lines(std::string_view s) {
    std::vector<std::string> out;
    size_t at = 0;
    while (at <= s.size()) {
        const size_t nl = s.find('\n', at);
        out.emplace_back(s.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
        if (nl == std::string_view::npos)
            break;
        at = nl + 1;
    }
    return out;
}
}  // namespace

class PlainTextTest : public QObject {
    Q_OBJECT
private slots:
    void units() {
        auto doc = open(dataFile("notes.txt"));
        const auto& u = doc->units();
        QCOMPARE(u.size(), size_t(10));
        QCOMPARE(q(u[0].source), q("Release notes for version 2.4"));  // the ===== line is a rule, not text
        QCOMPARE(q(u[1].source), q("This release brings offline translation to the desktop app. Documents are "
                                   "translated paragraph by paragraph, and everything that is not text (code, "
                                   "links, placeholders such as {name} or %s) is kept exactly as it was."));
        QCOMPARE(q(u[2].source), q("Indented paragraphs keep their indentation: this one starts with four "
                                   "spaces, and so does its second line."));
        QCOMPARE(q(u[3].source), q("What changed:"));
        QCOMPARE(q(u[4].source), q("Faster start-up on machines with a discrete GPU."));
        QCOMPARE(q(u[5].source), q("The glossary now accepts terms with several words, for example \"translation "
                                   "memory\"."));
        QCOMPARE(q(u[6].source), q("A new command, lantern-cli translate."));
        QCOMPARE(q(u[7].source), q("Numbered items are kept too."));
        QCOMPARE(q(u[8].source), q("See https://example.org/lantern for the full list. Thanks to everyone who "
                                   "sent reports!"));
        QCOMPARE(q(u[9].source), q("Über die Übersetzung: Umlaute und 日本語 bleiben UTF-8."));
        QCOMPARE(q(u[0].id), q("p1"));
        QCOMPARE(q(u[9].id), q("p10"));
        QCOMPARE(q(u[3].label), q("paragraph"));
        QCOMPARE(q(u[5].label), q("list item"));
        for (const Unit& unit : u) {
            QVERIFY(unit.prose && unit.translatable && unit.inlines.empty());
            QCOMPARE(unit.placeholders, placeholder::Common);
        }
    }
    void identity_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("notes") << "notes.txt";
        QTest::newRow("crlf") << "windows.txt";
    }
    void identity() {
        QFETCH(QString, file);
        const std::string bytes = dataFile(file.toUtf8().constData());
        auto doc = open(bytes);
        auto out = doc->write({}, {});
        QVERIFY(out);
        QVERIFY(*out == bytes);
        QVERIFY(doc->validate(*out));
        // A BOM stays where it was, outside every unit.
        auto bom = open("\xEF\xBB\xBF" + bytes);
        QCOMPARE(bom->units().size(), doc->units().size());
        QCOMPARE(q(bom->units()[0].source), q(doc->units()[0].source));
        QVERIFY(*bom->write({}, {}) == "\xEF\xBB\xBF" + bytes);
    }
    void translatedKeepsShape() {
        const std::string bytes = dataFile("notes.txt");
        auto doc = open(bytes);
        auto out = doc->write(upperAll(*doc), {});
        QVERIFY(out);
        QVERIFY2(doc->validate(*out), "validate");
        auto again = open(*out);
        QCOMPARE(again->units().size(), doc->units().size());
        for (size_t i = 0; i < doc->units().size(); ++i)
            QCOMPARE(q(again->units()[i].source), q(upper(doc->units()[i].source)));
        const auto in = lines(bytes);
        const auto written = lines(*out);
        // Same words, same width: the same number of lines, rules, blank lines and indentation.
        QCOMPARE(written.size(), in.size());
        QCOMPARE(q(written[1]), q(in[1]));            // =====
        QVERIFY(written[7].starts_with("    INDENTED"));
        QVERIFY(written[8].starts_with("    SPACES"));
        QCOMPARE(q(written[12]), q("- THE GLOSSARY NOW ACCEPTS TERMS WITH SEVERAL WORDS,"));
        QCOMPARE(q(written[13]), q("  FOR EXAMPLE \"TRANSLATION MEMORY\"."));
        QCOMPARE(q(written[15]), q("1. NUMBERED ITEMS ARE KEPT TOO."));
        QCOMPARE(q(written[21]), q("* * *"));
    }
    void longerTranslationWrapsAtSourceWidth() {
        const std::string bytes = "Intro:\n\n  A short line that\n  was wrapped by hand.\n\nEnd.\n";
        auto doc = open(bytes);
        QCOMPARE(doc->units().size(), size_t(3));
        UnitTranslation t;
        t.unit = 1;
        t.targets = {"Eine kurze Zeile, die von Hand umbrochen wurde, und noch viel mehr Text dazu."};
        auto out = doc->write(std::vector{t}, {});
        QVERIFY(out);
        QCOMPARE(q(*out), q("Intro:\n\n  Eine kurze Zeile,\n  die von Hand\n  umbrochen wurde, und\n  noch viel mehr Text\n"
                            "  dazu.\n\nEnd.\n"));
        for (const std::string& l : lines(*out))
            QVERIFY(l.size() <= 22);  // the source's widest line
        QVERIFY(doc->validate(*out));
        // A one-line paragraph stays one line however long its translation.
        t.unit = 0;
        auto one = doc->write(std::vector{t}, {});
        QVERIFY(one && one->starts_with("Eine kurze Zeile, die von Hand umbrochen wurde, und noch viel mehr Text "
                                        "dazu.\n\n  A short"));
    }
    void crlfStaysCrlf() {
        const std::string bytes = dataFile("windows.txt");
        auto doc = open(bytes);
        QCOMPARE(doc->units().size(), size_t(2));
        QCOMPARE(q(doc->units()[0].source), q("First line of a Windows file, wrapped by hand."));
        auto out = doc->write(upperAll(*doc), {});
        QVERIFY(out);
        QCOMPARE(q(*out), q("FIRST LINE OF A WINDOWS FILE,\r\nWRAPPED BY HAND.\r\n\r\nSECOND PARAGRAPH.\r\n"));
    }
    void hostileTranslation() {
        const std::string bytes = "One paragraph\nwrapped.\n\nAnother.\n";
        auto doc = open(bytes);
        UnitTranslation t;
        t.unit = 0;
        // Blank lines, a list marker after a wrap and a rule would each split the paragraph on reading back.
        t.targets = {"Ein\n\nAbsatz - 1. zwei\n\n- drei ***"};
        auto out = doc->write(std::vector{t}, {});
        QVERIFY(out);
        QVERIFY2(doc->validate(*out), out->c_str());
        auto again = open(*out);
        QCOMPARE(again->units().size(), size_t(2));
        QCOMPARE(q(again->units()[1].source), q("Another."));
        // Unknown units and doubled translations are refused, not ignored.
        t.unit = 5;
        QVERIFY(!doc->write(std::vector{t}, {}));
    }
    void garbage() {
        auto bad = formats::openPlainText("fine\n\xFF\xFE broken");
        QVERIFY(!bad);
        QCOMPARE(int(bad.error().code), int(Errc::FormatInvalid));
        QVERIFY(bad.error().detail.find("line 2, column 1") != std::string::npos);
        QVERIFY(!formats::openPlainText(std::string("PK\x03\x04\0\0", 6)));  // a zip is not text
        checkTruncations(dataFile("notes.txt"), [](const std::string& b) { return formats::openPlainText(b); });
        // Cut inside a multi-byte character: refused with the byte named.
        const std::string notes = dataFile("notes.txt");
        const size_t cut = notes.find("日") + 1;
        auto truncated = formats::openPlainText(notes.substr(0, cut));
        QVERIFY(!truncated);
    }
};

QTEST_GUILESS_MAIN(PlainTextTest)
#include "plaintexttest.moc"
