// Line breaking for writers: break opportunities (spaces, CJK), greedy fill at a width, balanced lines
// for subtitles.
#include <QtTest>

#include "tests/support/testenv.h"
#include "translation/formats/textwrap.h"

using namespace lantern::translation::formats;

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
std::string fill(std::string_view text, size_t width, size_t first = 0) {
    const auto can = breakOpportunities(text);
    return applyBreaks(text, fillToWidth(text, can, width, first), "\n");
}
std::string balance(std::string_view text, size_t lines, std::vector<ByteRange> hidden = {}) {
    const auto can = breakOpportunities(text, hidden);
    return applyBreaks(text, balanceLines(text, can, lines, hidden), "\n");
}
bool noDigitStart(std::string_view rest) { return rest.empty() || !std::isdigit(static_cast<unsigned char>(rest[0])); }
}  // namespace

class TextWrapTest : public QObject {
    Q_OBJECT
private slots:
    void opportunities() {
        const auto can = breakOpportunities("a  b c");
        QCOMPARE(can.size(), size_t(2));
        QCOMPARE(can[0].begin, size_t(1));
        QCOMPARE(can[0].end, size_t(3));  // the whole run of spaces goes
        QVERIFY(breakOpportunities(" a ").empty());  // never at the ends
        // Inside kept markup there is no break; a predicate can refuse a line start.
        QCOMPARE(breakOpportunities("x <a b> y", std::vector<ByteRange>{{2, 7}}).size(), size_t(2));
        QCOMPARE(breakOpportunities("pay 5 now", {}, &noDigitStart).size(), size_t(1));
        // Between CJK characters, but not before 。 or after 「.
        QCOMPARE(breakOpportunities("日本語").size(), size_t(2));
        QCOMPARE(breakOpportunities("「日」。").size(), size_t(0));
    }
    void widths() {
        QCOMPARE(displayWidth("abc"), size_t(3));
        QCOMPARE(displayWidth("gr\xC3\xBC\xC3\x9F"), size_t(4));
        QCOMPARE(displayWidth("日本"), size_t(4));
    }
    void fillsGreedily() {
        QCOMPARE(q(fill("the quick brown fox jumps over the lazy dog", 15)),
                 q("the quick brown\nfox jumps over\nthe lazy dog"));
        QCOMPARE(q(fill("short", 15)), q("short"));
        // A word longer than the width gets its own line.
        QCOMPARE(q(fill("a incomprehensibilities b", 10)), q("a\nincomprehensibilities\nb"));
        // The first line may start further right (after a bullet).
        QCOMPARE(q(fill("one two three", 9, 4)), q("one\ntwo three"));
        // A newline inside the text restarts the count.
        const std::string withBreak = "aaaa bbbb\ncccc dddd eeee";
        QCOMPARE(q(fill(withBreak, 10)), q("aaaa bbbb\ncccc dddd\neeee"));
    }
    void balancesLines() {
        QCOMPARE(q(balance("I never said she stole my money", 2)), q("I never said she\nstole my money"));
        QCOMPARE(q(balance("one line", 1)), q("one line"));
        QCOMPARE(q(balance("few", 3)), q("few"));
        QCOMPARE(q(balance("a b", 3)), q("a\nb"));
        // Tags take no width: the break goes where the visible text is balanced.
        const std::string tagged = "<i>aaaa</i> bb cc";
        QCOMPARE(q(balance(tagged, 2, {{0, 3}, {7, 11}})), q("<i>aaaa</i>\nbb cc"));
        // CJK by character count.
        QCOMPARE(q(balance("我从来没说过她偷了钱", 2)), q("我从来没说\n过她偷了钱"));
    }
};

QTEST_GUILESS_MAIN(TextWrapTest)
#include "textwraptest.moc"
