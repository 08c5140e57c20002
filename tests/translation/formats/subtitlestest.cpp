// Subtitles: the cues of a SubRip and a WebVTT file (speakers apart, tags as inlines, WebVTT's references
// decoded), written back byte for byte, and translated files read by the `srt` library and webvtt-py
// (subtitlecheck.py beside the data) with the same cues, numbers and timings and the lines rebalanced.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/translation/formats/documentsupport.h"
#include "translation/formats/formats.h"
#include "translation/formats/textwrap.h"

using namespace lantern;
using namespace lantern::translation;
using namespace lantern::test::documents;

namespace {
std::unique_ptr<Document> openAs(const std::string& bytes, bool vtt) {
    auto doc = vtt ? formats::openWebVtt(bytes) : formats::openSrt(bytes);
    if (!doc)
        qFatal("open: %s", doc.error().detail.c_str());
    return std::move(*doc);
}

// subtitlecheck.py's verdict: its summary, or "MISMATCH" and the difference.
QString check(const char* kind, const std::string& source, const std::string& written) {
    QTemporaryDir dir;
    const QString ext = QString::fromLatin1(kind);
    for (auto [name, bytes] :
         {std::pair{QString("source.") + ext, &source}, std::pair{QString("written.") + ext, &written}}) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly) ||
            f.write(bytes->data(), qint64(bytes->size())) != qint64(bytes->size()))
            qFatal("cannot write %s", qPrintable(name));
    }
    const QString script = QString::fromStdString(
        (lantern::test::dataDir() / "translation/documents/subtitlecheck.py").string());
    QProcess p;
    p.start("/usr/bin/python3", {script, ext, dir.filePath("source." + ext), dir.filePath("written." + ext)});
    if (!p.waitForFinished(60000))
        qFatal("subtitlecheck.py did not finish");
    const QString out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    if (p.exitCode() != 0)
        return "MISMATCH " + out + QString::fromUtf8(p.readAllStandardError());
    return out;
}

std::vector<std::string> lines(std::string_view s) {
    std::vector<std::string> out;
    size_t at = 0;
    while (at < s.size()) {
        size_t nl = s.find('\n', at);
        if (nl == std::string_view::npos)
            nl = s.size();
        std::string l(s.substr(at, nl - at));
        if (l.ends_with('\r'))
            l.pop_back();
        out.push_back(std::move(l));
        at = nl + 1;
    }
    return out;
}
}  // namespace

class SubtitlesTest : public QObject {
    Q_OBJECT
private slots:
    void srtUnits() {
        auto doc = openAs(dataFile("talk.srt"), false);
        const auto& u = doc->units();
        QCOMPARE(u.size(), size_t(6));
        QCOMPARE(q(u[0].source),
                 q("Welcome to Lantern, the offline translation assistant."));  // lines joined
        QCOMPARE(q(u[0].id), q("1"));
        QCOMPARE(q(u[0].label), q("cue 1"));
        QCOMPARE(q(u[1].source), q("<i>Nothing leaves your computer.</i>"));
        QCOMPARE(u[1].inlines.size(), size_t(2));
        QCOMPARE(int(u[1].inlines[0].kind), int(Inline::Kind::Open));
        QCOMPARE(int(u[1].inlines[1].kind), int(Inline::Kind::Close));
        QCOMPARE(u[1].inlines[0].pair, u[1].inlines[1].pair);
        // Two speakers: a unit each, the dashes outside them.
        QCOMPARE(q(u[2].source), q("Does it keep {name} and %s?"));
        QCOMPARE(q(u[2].id), q("3.1"));
        QCOMPARE(q(u[3].source), q("Yes, every placeholder."));
        QCOMPARE(q(u[3].label), q("cue 3, speaker 2"));
        // SubRip has no character references: '&' and '<' are text; {\an8} is a position code.
        QCOMPARE(q(u[4].source), q("{\\an8}<font color=\"#ffff00\">Fish & chips</font> cost < 5 euros."));
        QCOMPARE(u[4].inlines.size(), size_t(3));
        QCOMPARE(int(u[4].inlines[0].kind), int(Inline::Kind::Standalone));
        QCOMPARE(q(u[5].source), q("Übersetzt: 日本語 bleibt UTF-8."));
        for (const Unit& x : u)
            QVERIFY(x.prose && x.translatable);
    }
    void vttUnits() {
        auto doc = openAs(dataFile("talk.vtt"), true);
        const auto& u = doc->units();
        QCOMPARE(u.size(), size_t(8));  // the header, NOTE and STYLE blocks are not text to translate
        QCOMPARE(q(u[0].source), q("Welcome to Lantern, the offline translation assistant."));
        QCOMPARE(q(u[0].id), q("intro"));                                    // the cue's identifier
        QCOMPARE(q(u[1].id), q("2"));                                        // no identifier: its number
        QCOMPARE(q(u[2].source), q("<v Ana>Does it keep {name} and %s?"));   // a voice per line: two speakers
        QCOMPARE(int(u[2].inlines[0].kind), int(Inline::Kind::Standalone));  // <v> needs no end tag
        QCOMPARE(q(u[3].source), q("<v Ben>Yes, every placeholder.</v>"));
        QCOMPARE(int(u[3].inlines[0].kind), int(Inline::Kind::Open));
        QCOMPARE(q(u[4].id), q("4"));
        QCOMPARE(q(u[4].source), q("<c.yellow>Fish & chips</c> cost < 5\u00a0euros."));  // references decoded
        QCOMPARE(q(u[5].source), q("Who wrote this?"));
        QCOMPARE(q(u[6].source), q("<00:00:13.000>The team."));  // a timestamp tag: standalone
        QCOMPARE(int(u[6].inlines[0].kind), int(Inline::Kind::Standalone));
        QCOMPARE(q(u[7].source), q("<ruby>漢字<rt>かんじ</rt></ruby> stay as they are."));
        for (const Unit& x : u)
            QVERIFY(x.source.find("NOTE") == std::string::npos &&
                    x.source.find("::cue") == std::string::npos);
    }
    void identity() {
        for (auto [file, vtt] : {std::pair{"talk.srt", false}, std::pair{"talk.vtt", true}}) {
            const std::string bytes = dataFile(file);
            for (const std::string& b : {bytes, "\xEF\xBB\xBF" + bytes}) {
                auto doc = openAs(b, vtt);
                auto out = doc->write({}, {});
                QVERIFY(out && *out == b);
                QVERIFY(doc->validate(*out));
            }
        }
        QVERIFY(formats::openSrt(""));  // an empty SubRip file has no cues
    }
    void translatedFilesReadBack_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("srt") << "talk.srt";
        QTest::newRow("vtt") << "talk.vtt";
    }
    void translatedFilesReadBack() {
        QFETCH(QString, file);
        const bool vtt = file.endsWith("vtt");
        const std::string bytes = dataFile(file.toUtf8().constData());
        auto doc = openAs(bytes, vtt);
        auto out = doc->write(upperAll(*doc), {});
        QVERIFY(out);
        QVERIFY2(doc->validate(*out), "validate");
        const QString verdict = check(vtt ? "vtt" : "srt", bytes, *out);
        QVERIFY2(!verdict.startsWith("MISMATCH"), qPrintable(verdict));
        qInfo("%s", qPrintable(verdict));
        // The second opinion sees a changed timing.
        std::string shifted = *out;
        shifted.replace(shifted.find("00:00:10"), 8, "00:00:11");
        QVERIFY(check(vtt ? "vtt" : "srt", bytes, shifted).startsWith("MISMATCH"));
        const auto in = lines(bytes);
        const auto written = lines(*out);
        QCOMPARE(written.size(), in.size());  // every cue keeps its line count here
        for (size_t i = 0; i < in.size(); ++i)
            if (in[i].find("-->") != std::string::npos || in[i].starts_with("NOTE") ||
                in[i].starts_with("WEBVTT"))
                QCOMPARE(q(written[i]), q(in[i]));
        if (vtt) {
            QVERIFY(out->find("<c.yellow>FISH &amp; CHIPS</c> COST &lt; 5\u00a0EUROS.") != std::string::npos);
            QVERIFY(out->find("<v Ana>DOES IT KEEP {NAME} AND %S?\n<v Ben>YES") != std::string::npos);
            QVERIFY(out->find("STYLE\n::cue(.yellow) { color: yellow; }\n") != std::string::npos);
        } else {
            QVERIFY(out->find("\r\n- DOES IT KEEP {NAME} AND %S?\r\n- YES, EVERY PLACEHOLDER.\r\n") !=
                    std::string::npos);
            QVERIFY(out->find("{\\an8}<font color=\"#ffff00\">FISH & CHIPS</font> COST < 5 EUROS.") !=
                    std::string::npos);
        }
    }
    void linesRebalanced() {
        const std::string bytes =
            "1\n00:00:01,000 --> 00:00:03,000\nA short line that\nwas wrapped.\n\n"
            "2\n00:00:04,000 --> 00:00:06,000\nOne line.\n";
        auto doc = openAs(bytes, false);
        std::vector<UnitTranslation> t(2);
        t[0].unit = 0;
        t[0].targets = {"Eine kurze Zeile, die von Hand umbrochen wurde"};
        t[1].unit = 1;
        t[1].targets = {"Eine einzige Zeile, deren Übersetzung viel länger ist als eine Untertitelzeile"};
        auto out = doc->write(t, {});
        QVERIFY(out);
        const auto l = lines(*out);
        QCOMPARE(l.size(), size_t(9));
        // Two balanced lines for two; a one-line cue grown past 42 columns gets a second line.
        QCOMPARE(q(l[2]), q("Eine kurze Zeile, die"));
        QCOMPARE(q(l[3]), q("von Hand umbrochen wurde"));
        QVERIFY(formats::displayWidth(l[7]) <= 42 && formats::displayWidth(l[8]) <= 42);
        QCOMPARE(q(l[7] + " " + l[8]), q(t[1].targets[0]));
        QVERIFY(doc->validate(*out));
    }
    void hostileTranslations() {
        const std::string srt =
            "1\n00:00:01,000 --> 00:00:03,000\nHello.\n\n2\n00:00:04,000 --> 00:00:06,000\nBye.\n";
        auto doc = openAs(srt, false);
        UnitTranslation t;
        t.unit = 0;
        // A blank line would end the cue, a leading dash would make a speaker, an arrow a timing line.
        t.targets = {"Hallo\n\n-->\n- zusammen"};
        auto out = doc->write(std::vector{t}, {});
        QVERIFY(out);
        QVERIFY2(doc->validate(*out), out->c_str());
        QCOMPARE(q(lines(*out)[2]), q("Hallo -> - zusammen"));
        const std::string vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nHello.\n";
        auto v = openAs(vtt, true);
        t.targets = {"<script> & --> </b>"};
        auto vout = v->write(std::vector{t}, {});
        QVERIFY(vout);
        QCOMPARE(q(*vout), q("WEBVTT\n\n00:01.000 --> 00:02.000\n&lt;script&gt; &amp; --&gt; &lt;/b&gt;\n"));
        QVERIFY(v->validate(*vout));
        QCOMPARE(q(openAs(*vout, true)->units()[0].source), q("<script> & --> </b>"));
        t.unit = 3;
        QVERIFY(!doc->write(std::vector{t}, {}));
    }
    void garbage() {
        auto noHeader = formats::openWebVtt("1\n00:01.000 --> 00:02.000\nHello\n");
        QVERIFY(!noHeader);
        QCOMPARE(int(noHeader.error().code), int(Errc::FormatInvalid));
        QVERIFY(!formats::openWebVtt("WEBVTTX\n"));
        auto noTiming = formats::openSrt("1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\nno timing here\n");
        QVERIFY(!noTiming);
        QVERIFY2(noTiming.error().detail.find("line 5") != std::string::npos,
                 noTiming.error().detail.c_str());
        QVERIFY(!formats::openSrt("1\n00:00:01,000 --> 00:00:02,000\n\xE9t\xE9\n"));  // Latin-1, not UTF-8
        checkTruncations(dataFile("talk.srt"), [](const std::string& b) { return formats::openSrt(b); });
        checkTruncations(dataFile("talk.vtt"), [](const std::string& b) { return formats::openWebVtt(b); });
    }
};

QTEST_GUILESS_MAIN(SubtitlesTest)
#include "subtitlestest.moc"
