// Stop strings across token boundaries: whatever the split of the text into pieces, the emitted text
// is exactly the text before the first stop string.
#include <QtTest>

#include "inference/sampling/stopmatcher.h"

using lantern::sampling::StopMatcher;

namespace {

struct Outcome {
    std::string text;
    bool stopped = false;
    std::string stop;
};

Outcome run(const std::vector<std::string>& stops, const std::vector<std::string>& pieces) {
    StopMatcher m(stops);
    Outcome o;
    for (const std::string& p : pieces) {
        auto step = m.feed(p);
        o.text += step.text;
        if (step.stopped) {
            o.stopped = true;
            o.stop = step.stop;
            break;
        }
    }
    if (!o.stopped) {
        o.text += m.flush();
    }
    return o;
}

// Every way to cut s into pieces of 1..3 bytes, by a fixed pattern per offset.
std::vector<std::vector<std::string>> splits(const std::string& s) {
    std::vector<std::vector<std::string>> all;
    for (int pattern = 0; pattern < 27; ++pattern) {
        std::vector<std::string> pieces;
        size_t pos = 0;
        int p = pattern;
        while (pos < s.size()) {
            const size_t len = std::min<size_t>(1 + (p % 3), s.size() - pos);
            p = p / 3 + (p % 3) * 9;
            pieces.push_back(s.substr(pos, len));
            pos += len;
        }
        all.push_back(pieces);
    }
    all.push_back({s});
    return all;
}

}  // namespace

class StopMatcherTest : public QObject {
    Q_OBJECT
private slots:
    void stopsAcrossEverySplit() {
        const std::string text = "The answer is 42.<|end|> and more";
        for (const auto& pieces : splits(text)) {
            const Outcome o = run({"<|end|>"}, pieces);
            QVERIFY(o.stopped);
            QCOMPARE(o.text, std::string("The answer is 42."));
            QCOMPARE(o.stop, std::string("<|end|>"));
        }
    }

    void falseStartIsReleased() {
        // "<|en" looks like the start of "<|end|>" but is not: it must come out, nothing lost.
        const std::string text = "a <|en b <| c <";
        for (const auto& pieces : splits(text)) {
            const Outcome o = run({"<|end|>"}, pieces);
            QVERIFY(!o.stopped);
            QCOMPARE(o.text, text);
        }
    }

    void earliestOfSeveralStops() {
        for (const auto& pieces : splits("xx\nUser: hi\n\n###")) {
            const Outcome o = run({"###", "\nUser:"}, pieces);
            QVERIFY(o.stopped);
            QCOMPARE(o.text, std::string("xx"));
            QCOMPARE(o.stop, std::string("\nUser:"));
        }
    }

    void heldBackTextIsNotEmittedEarly() {
        StopMatcher m({"STOP"});
        QCOMPARE(m.feed("go ST").text, std::string("go "));
        QCOMPARE(m.feed("O").text, std::string());
        const auto last = m.feed("P now");
        QVERIFY(last.stopped);
        QCOMPARE(last.text, std::string());
        QVERIFY(m.feed("more").stopped);
    }

    void noStops() {
        const Outcome o = run({}, {"plain ", "text"});
        QCOMPARE(o.text, std::string("plain text"));
        QVERIFY(!o.stopped);
    }
};

QTEST_MAIN(StopMatcherTest)
#include "stopmatchertest.moc"
