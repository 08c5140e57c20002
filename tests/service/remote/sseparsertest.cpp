// The SSE parser on its own: every stream is fed whole, byte by byte, and at every two-way split, and must
// give the same events each time (CRLF, CR and LF line ends; comments; multi-line data; event names; [DONE];
// error events; a BOM; a torn UTF-8 sequence; an unfinished event at the end).
#include "service/remote/sseparser.h"

#include <QtTest>

using lantern::service::SseEvent;
using lantern::service::SseParser;

namespace {

std::vector<SseEvent> whole(const QByteArray& stream) {
    SseParser p;
    return p.feed(stream);
}

std::vector<SseEvent> byteByByte(const QByteArray& stream) {
    SseParser p;
    std::vector<SseEvent> out;
    for (qsizetype i = 0; i < stream.size(); ++i) {
        for (SseEvent& e : p.feed(stream.sliced(i, 1))) {
            out.push_back(std::move(e));
        }
    }
    return out;
}

// Every split point, each with a fresh parser; returns the first split that disagrees, or -1.
qsizetype firstBadSplit(const QByteArray& stream, const std::vector<SseEvent>& expected) {
    for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
        SseParser p;
        std::vector<SseEvent> out = p.feed(stream.first(cut));
        for (SseEvent& e : p.feed(stream.sliced(cut))) {
            out.push_back(std::move(e));
        }
        if (out != expected) {
            return cut;
        }
    }
    return -1;
}

SseEvent ev(const char* data, const char* name = "", const char* id = "") {
    return {QString::fromUtf8(name), QByteArray(data), QString::fromUtf8(id)};
}

}  // namespace

class SseParserTest : public QObject {
    Q_OBJECT

private slots:
    void streams_data() {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<std::vector<SseEvent>>("expected");
        const QByteArray chunk = R"({"choices":[{"delta":{"content":"Hi"}}]})";
        QTest::newRow("openai lf") << QByteArray("data: " + chunk + "\n\ndata: [DONE]\n\n")
                                   << std::vector<SseEvent>{ev(chunk.constData()), ev("[DONE]")};
        QTest::newRow("crlf") << QByteArray("data: " + chunk + "\r\n\r\ndata: [DONE]\r\n\r\n")
                              << std::vector<SseEvent>{ev(chunk.constData()), ev("[DONE]")};
        QTest::newRow("bare cr") << QByteArray("data: a\r\rdata: b\r\r")
                                 << std::vector<SseEvent>{ev("a"), ev("b")};
        QTest::newRow("mixed line ends")
            << QByteArray("data: a\r\ndata: b\rdata: c\n\r\n") << std::vector<SseEvent>{ev("a\nb\nc")};
        QTest::newRow("comments are keep-alives")
            << QByteArray(": ping\n\n:\n: ping\r\ndata: x\n: inside\n\n") << std::vector<SseEvent>{ev("x")};
        QTest::newRow("multi-line data")
            << QByteArray("data: line one\ndata:line two\ndata:\ndata:  spaced\n\n")
            << std::vector<SseEvent>{ev("line one\nline two\n\n spaced")};
        QTest::newRow("event names") << QByteArray(
                                            "event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n"
                                            "data: plain\n\nevent: ping\n\n")
                                     << std::vector<SseEvent>{
                                            ev("{\"error\":{\"message\":\"boom\"}}", "error"), ev("plain")};
        QTest::newRow("ids kept") << QByteArray("id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n")
                                  << std::vector<SseEvent>{ev("a", "", "7"), ev("b", "", "7"), ev("c")};
        QTest::newRow("field without colon, unknown fields, retry")
            << QByteArray("data\nretry: 100\nfoo: bar\n\n") << std::vector<SseEvent>{ev("")};
        QTest::newRow("bom") << QByteArray(
                                    "\xEF\xBB\xBF"
                                    "data: a\n\n")
                             << std::vector<SseEvent>{ev("a")};
        QTest::newRow("utf-8 kept as bytes")
            << QByteArray("data: 東京 🚀\n\n") << std::vector<SseEvent>{ev("東京 🚀")};
        QTest::newRow("unfinished event dropped")
            << QByteArray("data: a\n\ndata: half") << std::vector<SseEvent>{ev("a")};
        QTest::newRow("blank lines only") << QByteArray("\n\n\r\n\r\r") << std::vector<SseEvent>{};
    }

    void streams() {
        QFETCH(QByteArray, stream);
        QFETCH(std::vector<SseEvent>, expected);
        QCOMPARE(whole(stream), expected);
        QCOMPARE(byteByByte(stream), expected);
        QCOMPARE(firstBadSplit(stream, expected), qsizetype(-1));
    }

    void commentsCountedAndFinishReportsLeftovers() {
        SseParser p;
        QVERIFY(p.feed(": ping\n\n: ping\n\ndata: a\n\n").size() == 1);
        QCOMPARE(p.comments(), qsizetype(2));
        QCOMPARE(p.finish(), qsizetype(0));  // ended on an event boundary
        QVERIFY(p.feed("data: cut off in the mid").empty());
        QVERIFY(p.finish() > 0);
        QVERIFY(p.feed("data: fresh\n\n").size() == 1);  // finish() leaves the parser ready for a new stream
    }

    // A CR at the end of one read and the LF at the start of the next are one line end, not two (which
    // would dispatch the event early and, for data lines, split one event in two).
    void crlfTornAcrossReads() {
        SseParser p;
        QVERIFY(p.feed("data: a\r").empty());
        QVERIFY(p.feed("\ndata: b\r").empty());
        auto events = p.feed("\n\r");
        QCOMPARE(events.size(), size_t(1));
        QCOMPARE(events.front().data, QByteArray("a\nb"));
        QVERIFY(p.feed("\n").empty());  // the LF of the last CRLF: no second, empty dispatch
    }

    void largeStreamInRandomSplits() {
        QByteArray stream;
        std::vector<SseEvent> expected;
        for (int i = 0; i < 500; ++i) {
            const QByteArray data =
                QByteArray("{\"choices\":[{\"delta\":{\"content\":\"tok") + QByteArray::number(i) + "\"}}]}";
            stream += (i % 3 == 0 ? ": ping\r\n" : "") + QByteArray("data: ") + data +
                      (i % 2 ? "\r\n\r\n" : "\n\n");
            expected.push_back(ev(data.constData()));
        }
        stream += "data: [DONE]\n\n";
        expected.push_back(ev("[DONE]"));
        QRandomGenerator rng(42);
        SseParser p;
        std::vector<SseEvent> out;
        for (qsizetype i = 0; i < stream.size();) {
            const qsizetype n = std::min<qsizetype>(stream.size() - i, rng.bounded(1, 40));
            for (SseEvent& e : p.feed(stream.sliced(i, n))) {
                out.push_back(std::move(e));
            }
            i += n;
        }
        QCOMPARE(out.size(), expected.size());
        QVERIFY(out == expected);
    }
};

QTEST_MAIN(SseParserTest)
#include "sseparsertest.moc"
