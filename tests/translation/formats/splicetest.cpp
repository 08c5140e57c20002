// The writers' shared helpers: splicing replacements into the original bytes, cutting a target at its
// inlines, positions in error messages, the UTF-8 check.
#include <QtTest>

#include "tests/support/testenv.h"
#include "translation/formats/splice.h"

using namespace lantern::translation;
using namespace lantern::translation::formats;

class SpliceTest : public QObject {
    Q_OBJECT
private slots:
    void splicesInAnyOrder() {
        auto out = splice("Hello, world!", {{7, 12, "Welt"}, {0, 5, "Hallo"}, {13, 13, " :)"}});
        QVERIFY(out);
        QCOMPARE(QString::fromStdString(*out), QString("Hallo, Welt! :)"));
        auto none = splice("abc", {});
        QVERIFY(none && *none == "abc");
    }
    void refusesOverlaps() {
        QVERIFY(!splice("abcdef", {{0, 3, "x"}, {2, 4, "y"}}));
        QVERIFY(!splice("abc", {{2, 9, "x"}}));
    }
    void positions() {
        QCOMPARE(QString::fromStdString(position("ab\ncd\nef", 0)), QString("line 1, column 1"));
        QCOMPARE(QString::fromStdString(position("ab\ncd\nef", 4)), QString("line 2, column 2"));
        QCOMPARE(QString::fromStdString(position("ab\ncd\nef", 99)), QString("line 3, column 3"));
    }
    void piecesKeepMarkupAndMergeGuardText() {
        // "<b>" from the reader (origin 0), a URL the guard found (origin -1): that one is text again and
        // joins the text before it.
        const std::string target = "Sieh <b>an: http://x.de</b>.";
        std::vector<Inline> in{{5, 8, Inline::Kind::Open, 1, 0}, {12, 23, Inline::Kind::Standalone, -1, -1},
                               {23, 27, Inline::Kind::Close, 1, 1}};
        auto p = pieces(target, in, 2);
        QVERIFY(p);
        QCOMPARE(p->size(), size_t(5));
        QVERIFY(!(*p)[0].markup && (*p)[0].bytes == "Sieh ");
        QVERIFY((*p)[1].markup && (*p)[1].origin == 0 && (*p)[1].bytes == "<b>" && (*p)[1].kind == Inline::Kind::Open);
        QVERIFY(!(*p)[2].markup && (*p)[2].bytes == "an: http://x.de");
        QVERIFY((*p)[3].markup && (*p)[3].origin == 1 && (*p)[3].bytes == "</b>");
        QVERIFY(!(*p)[4].markup && (*p)[4].bytes == ".");
        QVERIFY(!pieces(target, std::vector<Inline>{{3, 2, Inline::Kind::Standalone, -1, -1}}, 0));
        QVERIFY(!pieces(target, std::vector<Inline>{{0, 99, Inline::Kind::Standalone, -1, -1}}, 0));
        QVERIFY(!pieces(target, std::vector<Inline>{{0, 2, Inline::Kind::Standalone, -1, 5}}, 2));
        QVERIFY(!pieces(target, std::vector<Inline>{{0, 4, Inline::Kind::Standalone, -1, 0},
                                                    {2, 6, Inline::Kind::Standalone, -1, 1}}, 2));
    }
    void translationIndexChecksUnits() {
        std::vector<UnitTranslation> t(2);
        t[0].unit = 1;
        t[0].targets = {"x"};
        t[1].unit = 0;
        auto idx = translationIndex(t, 2);
        QVERIFY(idx);
        QCOMPARE((*idx)[0], -1);  // no target: kept
        QCOMPARE((*idx)[1], 0);
        t[1].unit = 7;
        QVERIFY(!translationIndex(t, 2));
    }
    void sameUnitsNamesTheFirstDifference() {
        std::vector<Unit> source(3);
        const char* ids[] = {"p1", "p2", "p3"};
        for (size_t i = 0; i < source.size(); ++i) {
            source[i].id = ids[i];
            source[i].label = "paragraph";
        }
        QVERIFY(sameUnits(source, source, "the written ODT", "paragraphs"));
        auto shorter = sameUnits(std::span(source).first(2), source, "the written ODT", "paragraphs");
        QVERIFY(!shorter);
        QCOMPARE(int(shorter.error().code), int(lantern::Errc::ValidationFailed));
        QCOMPARE(QString::fromStdString(shorter.error().detail), QString("the written ODT has 2 paragraphs, the source 3"));
        std::vector<Unit> relabelled = source;
        relabelled[1].label = "heading";
        auto other = sameUnits(relabelled, source, "the written ODT", "paragraphs");
        QVERIFY(!other);
        QCOMPARE(QString::fromStdString(other.error().detail),
                 QString("the written ODT has p2 (heading) where the source has p2 (paragraph)"));
    }
    void utf8() {
        QVERIFY(checkUtf8("plain ascii", false));
        QVERIFY(checkUtf8("gr\xC3\xBC\xC3\x9F \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80", false));
        auto bad = checkUtf8("ok\nbad \xC3(", false);
        QVERIFY(!bad);
        QVERIFY(bad.error().detail.find("byte 7") != std::string::npos);
        QVERIFY(bad.error().detail.find("line 2, column 5") != std::string::npos);
        QVERIFY(!checkUtf8("\xC0\xAF", false));          // overlong '/'
        QVERIFY(!checkUtf8("\xED\xA0\x80", false));      // a surrogate
        QVERIFY(!checkUtf8(std::string("a\0b", 3), false));
        QVERIFY(checkUtf8(std::string("a\0b", 3), true));
        QCOMPARE(QString::fromStdString(std::string(lineEnding("a\r\nb"))), QString("\r\n"));
        QCOMPARE(QString::fromStdString(std::string(lineEnding("a\nb\r\n"))), QString("\n"));
    }
};

QTEST_GUILESS_MAIN(SpliceTest)
#include "splicetest.moc"
