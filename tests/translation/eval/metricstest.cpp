// translation/eval/metrics: chrF, chrF++ and BLEU against sacrebleu 2.4.3 on the committed evaluation sets
// (English; German with two references; Chinese; Japanese; Unicode corner cases): corpus scores, the
// sentence score of every segment, BLEU's precisions, brevity penalty and lengths, and the printed line
// and JSON, for every setting sacrebleu_reference.py lists. Then the failures: mismatched streams, bad
// UTF-8, truncated and garbage input.
#include <QJsonArray>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QtTest>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/testenv.h"
#include "tests/translation/eval/sacrebleu.h"
#include "translation/eval/metrics.h"

using namespace lantern::translation::eval;

namespace {

constexpr double kTolerance = 1e-6;  // on the 0..100 scale sacrebleu prints

std::filesystem::path evalData(const std::string& name) {
    return lantern::test::dataDir() / "translation" / "eval" / name;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> readLines(const std::string& name) {
    auto lines = splitLines(readFile(evalData(name)));
    if (!lines) {
        qFatal("%s: %s", name.c_str(), lines.error().detail.c_str());
    }
    return *lines;
}

// The settings of sacrebleu_reference.py, as options here.
const std::map<QString, ChrfOptions>& chrfSettings() {
    static const std::map<QString, ChrfOptions> settings = [] {
        std::map<QString, ChrfOptions> s;
        s["chrf"] = {};
        s["chrf++"] = ChrfOptions::chrfPlusPlus();
        s["chrf-eps"].epsSmoothing = true;
        s["chrf++-eps"] = ChrfOptions::chrfPlusPlus();
        s["chrf++-eps"].epsSmoothing = true;
        s["chrf-lc"].lowercase = true;
        s["chrf-space"].whitespace = true;
        s["chrf-beta1-c4"].beta = 1;
        s["chrf-beta1-c4"].charOrder = 4;
        return s;
    }();
    return settings;
}

const std::map<QString, BleuOptions>& bleuSettings() {
    static const std::map<QString, BleuOptions> settings = [] {
        std::map<QString, BleuOptions> s;
        s["bleu"] = {};
        s["bleu-none"].tokenizer = Tokenizer::None;
        s["bleu-zh"].tokenizer = Tokenizer::Zh;
        s["bleu-intl"].tokenizer = Tokenizer::Intl;
        s["bleu-char"].tokenizer = Tokenizer::Char;
        s["bleu-lc"].lowercase = true;
        s["bleu-floor"].smoothing = Smoothing::Floor;
        s["bleu-add-k"].smoothing = Smoothing::AddK;
        s["bleu-nosmooth"].smoothing = Smoothing::None;
        s["bleu-eff"].effectiveOrder = true;
        s["bleu-order2"].maxOrder = 2;
        return s;
    }();
    return settings;
}

struct Comparison {
    int figures = 0;     // numbers compared
    double maxDiff = 0;  // largest difference seen
    QStringList failures;
    void number(const QString& what, double ours, double theirs) {
        ++figures;
        const double diff = std::fabs(ours - theirs);
        maxDiff = std::max(maxDiff, diff);
        if (!(diff <= kTolerance)) {
            failures << QStringLiteral("%1: ours %2, sacrebleu %3")
                            .arg(what)
                            .arg(ours, 0, 'g', 17)
                            .arg(theirs, 0, 'g', 17);
        }
    }
    void text(const QString& what, const std::string& ours, const QString& theirs) {
        if (QString::fromStdString(ours) != theirs) {
            failures << QStringLiteral("%1:\n  ours:      %2\n  sacrebleu: %3")
                            .arg(what, QString::fromStdString(ours), theirs);
        }
    }
};

std::vector<std::string> segmentRefs(const std::vector<std::vector<std::string>>& refs, size_t i) {
    std::vector<std::string> out;
    for (const auto& stream : refs) {
        out.push_back(stream[i]);
    }
    return out;
}

}  // namespace

class MetricsTest : public QObject {
    Q_OBJECT

private slots:
    void agreesWithSacrebleu_data() {
        QTest::addColumn<QString>("hyp");
        QTest::addColumn<QStringList>("refs");
        QTest::newRow("English") << "en.hyp" << QStringList{"en.ref"};
        QTest::newRow("German, two references") << "de.hyp" << QStringList{"de.ref1", "de.ref2"};
        QTest::newRow("German, first reference") << "de.hyp" << QStringList{"de.ref1"};
        QTest::newRow("Chinese") << "zh.hyp" << QStringList{"zh.ref"};
        QTest::newRow("Japanese") << "ja.hyp" << QStringList{"ja.ref"};
        QTest::newRow("Unicode corner cases") << "mixed.hyp" << QStringList{"mixed.ref"};
        QTest::newRow("Chinese scored against Japanese")
            << "zh.hyp" << QStringList{"ja.ref"};  // 30 vs 40: cut
    }

    void agreesWithSacrebleu() {
        QFETCH(QString, hyp);
        QFETCH(QStringList, refs);
        std::vector<std::string> hyps = readLines(hyp.toStdString());
        std::vector<std::vector<std::string>> refStreams;
        QStringList args{"metrics", QString::fromStdString(evalData(hyp.toStdString()).string())};
        for (const QString& r : refs) {
            refStreams.push_back(readLines(r.toStdString()));
            args << QString::fromStdString(evalData(r.toStdString()).string());
        }
        if (refStreams.front().size() != hyps.size()) {
            // Different lengths: sacrebleu's command line refuses them (its API would silently zip the
            // shorter); ours refuses and says how many each has.
            QVERIFY(!corpusChrf(hyps, refStreams).has_value());
            QVERIFY(corpusChrf(hyps, refStreams).error().detail.find("40 hypotheses") != std::string::npos);
            return;
        }
        QJsonObject reference;
        const lantern::test::PythonRun run = lantern::test::runReference(args, reference);
        QVERIFY2(run.ok, qPrintable(run.error));
        QCOMPARE(size_t(reference["segments"].toInt()), hyps.size());
        const QJsonObject corpus = reference["corpus"].toObject();
        const QJsonObject sentence = reference["sentence"].toObject();
        QCOMPARE(size_t(corpus.size()), chrfSettings().size() + bleuSettings().size());

        Comparison c;
        for (const auto& [name, options] : chrfSettings()) {
            QVERIFY2(corpus.contains(name), qPrintable(name));
            const QJsonObject want = corpus[name].toObject();
            auto score = corpusChrf(hyps, refStreams, options);
            QVERIFY2(score.has_value(), score.error().detail.c_str());
            c.number(name, score->score, want["score"].toDouble());
            const MetricReport report = describe(*score, options, refStreams.size());
            c.text(name + " text", formatText(report, 1), want["text"].toString() + "\n");
            c.text(name + " json", formatJson({&report, 1}, 2), want["json"].toString() + "\n");
            const QJsonArray perSegment = sentence[name].toArray();
            QCOMPARE(size_t(perSegment.size()), hyps.size());
            for (size_t i = 0; i < hyps.size(); ++i) {
                auto s = sentenceChrf(hyps[i], segmentRefs(refStreams, i), options);
                QVERIFY(s.has_value());
                c.number(QStringLiteral("%1 segment %2").arg(name).arg(i + 1), s->score,
                         perSegment[qsizetype(i)].toDouble());
            }
        }
        for (const auto& [name, options] : bleuSettings()) {
            QVERIFY2(corpus.contains(name), qPrintable(name));
            const QJsonObject want = corpus[name].toObject();
            auto score = corpusBleu(hyps, refStreams, options);
            QVERIFY2(score.has_value(), score.error().detail.c_str());
            c.number(name, score->score, want["score"].toDouble());
            c.number(name + " BP", score->brevityPenalty, want["bp"].toDouble());
            c.number(name + " hyp_len", double(score->hypLength), want["sys_len"].toDouble());
            c.number(name + " ref_len", double(score->refLength), want["ref_len"].toDouble());
            const QJsonArray precisions = want["precisions"].toArray();
            QCOMPARE(size_t(precisions.size()), score->precisions.size());
            for (size_t n = 0; n < score->precisions.size(); ++n) {
                c.number(QStringLiteral("%1 precision %2").arg(name).arg(n + 1), score->precisions[n],
                         precisions[qsizetype(n)].toDouble());
            }
            const MetricReport report = describe(*score, options, refStreams.size());
            c.text(name + " text", formatText(report, 1), want["text"].toString() + "\n");
            c.text(name + " json", formatJson({&report, 1}, 2), want["json"].toString() + "\n");
            BleuOptions sentenceOptions = options;
            sentenceOptions.effectiveOrder = true;
            const QJsonArray perSegment = sentence[name].toArray();
            QCOMPARE(size_t(perSegment.size()), hyps.size());
            for (size_t i = 0; i < hyps.size(); ++i) {
                auto s = sentenceBleu(hyps[i], segmentRefs(refStreams, i), sentenceOptions);
                QVERIFY(s.has_value());
                c.number(QStringLiteral("%1 segment %2").arg(name).arg(i + 1), s->score,
                         perSegment[qsizetype(i)].toDouble());
            }
        }
        qInfo("%d figures compared with sacrebleu %s, largest difference %.3g", c.figures,
              qPrintable(reference["version"].toString()), c.maxDiff);
        QVERIFY2(c.failures.isEmpty(), qPrintable(c.failures.mid(0, 20).join('\n')));
        QVERIFY(c.figures > 7 * int(hyps.size()));
    }

    void knownValues() {
        // Perfect and disjoint translations: the two ends of every scale.
        const std::vector<std::string> hyps{"The cat sat on the mat.", "A second sentence here."};
        const std::vector<std::vector<std::string>> same{hyps};
        QCOMPARE(corpusChrf(hyps, same)->score, 100.0);
        QCOMPARE(corpusChrf(hyps, same, ChrfOptions::chrfPlusPlus())->score, 100.0);
        QCOMPARE(corpusBleu(hyps, same)->score, 100.0);
        const std::vector<std::vector<std::string>> other{{"xyz qqq", "vvv www"}};
        QCOMPARE(corpusChrf(hyps, other)->score, 0.0);
        QCOMPARE(corpusBleu(hyps, other)->score, 0.0);
        // An empty hypothesis against an empty reference has no n-grams at all: 0, not a division by zero.
        QCOMPARE(sentenceChrf("", std::vector<std::string>{""})->score, 0.0);
        QCOMPARE(sentenceBleu("", std::vector<std::string>{""})->score, 0.0);
        // The corpus score comes from summed statistics, not from averaging the sentence scores.
        const std::vector<std::string> two{"exactly right", "x"};
        const std::vector<std::vector<std::string>> refs{{"exactly right", "something long and wrong"}};
        const double corpus = corpusChrf(two, refs)->score;
        const double mean = (sentenceChrf(two[0], std::vector<std::string>{refs[0][0]})->score +
                             sentenceChrf(two[1], std::vector<std::string>{refs[0][1]})->score) /
                            2;
        QVERIFY(std::fabs(corpus - mean) > 1.0);
    }

    void signatures() {
        const std::vector<std::string> hyps{"a b c d e"};
        const std::vector<std::vector<std::string>> refs{{"a b c d e"}, {"a b c"}};
        BleuOptions floor;
        floor.smoothing = Smoothing::Floor;
        QCOMPARE(describe(*corpusBleu(hyps, refs, floor), floor, 2).signatureText(),
                 std::string("nrefs:2|case:mixed|eff:no|tok:13a|smooth:floor[0.10]|version:2.4.3"));
        BleuOptions addk;
        addk.smoothing = Smoothing::AddK;
        addk.smoothValue = 0.5;
        addk.lowercase = true;
        addk.tokenizer = Tokenizer::Intl;
        QCOMPARE(describe(*corpusBleu(hyps, refs, addk), addk, 2).signatureText(),
                 std::string("nrefs:2|case:lc|eff:no|tok:intl|smooth:add-k[0.50]|version:2.4.3"));
        const ChrfOptions plus = ChrfOptions::chrfPlusPlus();
        const MetricReport chrf = describe(*corpusChrf(hyps, refs, plus), plus, 2);
        QCOMPARE(chrf.name, std::string("chrF2++"));
        QCOMPARE(chrf.signatureText(),
                 std::string("nrefs:2|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.4.3"));
    }

    void severalReportsAlignOnTheEqualsSign() {
        const std::vector<std::string> hyps{"The cat sat on the mat."};
        const std::vector<std::vector<std::string>> refs{{"The cat sat on a mat."}};
        const std::vector<MetricReport> reports{describe(*corpusBleu(hyps, refs), BleuOptions{}, 1),
                                                describe(*corpusChrf(hyps, refs), ChrfOptions{}, 1)};
        const QStringList lines =
            QString::fromStdString(formatText(reports, 1)).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0].indexOf(" = "), lines[1].indexOf(" = "));
        QVERIFY(lines[0].startsWith("  BLEU|"));  // BLEU's name and signature are the shorter by two
        const QString json = QString::fromStdString(formatJson(reports, 1));
        QVERIFY(json.startsWith("[\n{\n \"name\": \"BLEU\""));
        QVERIFY(json.endsWith("}\n]\n"));
    }

    void refusesWhatItCannotScore() {
        const std::vector<std::string> hyps{"one", "two", "three"};
        const std::vector<std::vector<std::string>> shortRef{{"one", "two"}};
        auto mismatch = corpusBleu(hyps, shortRef);
        QVERIFY(!mismatch.has_value());
        QCOMPARE(mismatch.error().detail,
                 std::string("Reference 1 has 2 segments but there are 3 hypotheses."));
        QVERIFY(!corpusChrf({}, shortRef).has_value());
        QVERIFY(!corpusChrf(hyps, {}).has_value());
        QVERIFY(!sentenceBleu("x", std::vector<std::string>{}).has_value());
        ChrfOptions none;
        none.charOrder = 0;
        QVERIFY(!corpusChrf(hyps, std::vector<std::vector<std::string>>{hyps}, none).has_value());
        BleuOptions zero;
        zero.maxOrder = 0;
        QVERIFY(!corpusBleu(hyps, std::vector<std::vector<std::string>>{hyps}, zero).has_value());

        const std::vector<std::string> bad{"fine", "Gr\xFC\xDF"};
        auto notUtf8 = corpusChrf(bad, std::vector<std::vector<std::string>>{{"fine", "Gruß"}});
        QVERIFY(!notUtf8.has_value());
        QCOMPARE(notUtf8.error().detail,
                 std::string("hypothesis 2: invalid UTF-8 at byte offset 2: 0xFC cannot start a character."));
        auto badRef = corpusBleu(std::vector<std::string>{"x"},
                                 std::vector<std::vector<std::string>>{{"ok"}, {"\xC0"}});
        QVERIFY(!badRef.has_value());
        QVERIFY2(
            badRef.error().detail.starts_with("reference 2 of segment 1: invalid UTF-8 at byte offset 0"),
            badRef.error().detail.c_str());
    }

    void splitsLinesAsSacrebleuReadsThem() {
        QCOMPARE(*splitLines(""), std::vector<std::string>{});
        QCOMPARE(*splitLines("a\n"), std::vector<std::string>{"a"});
        QCOMPARE(*splitLines("a\nb"), (std::vector<std::string>{"a", "b"}));
        QCOMPARE(*splitLines("a\r\n\n  \nb \xC2\xA0\t\n"), (std::vector<std::string>{"a", "", "", "b"}));
        QCOMPARE(*splitLines("a\rb\xE2\x80\xA8"
                             "c\n"),
                 std::vector<std::string>{"a\rb\xE2\x80\xA8"
                                          "c"});                                              // '\n' only
        QCOMPARE(*splitLines("\xEF\xBB\xBFx\n"), std::vector<std::string>{"\xEF\xBB\xBFx"});  // BOM is text
        auto bad = splitLines("first\nsecond \xE4\xB8\nthird\n");
        QVERIFY(!bad.has_value());
        QCOMPARE(bad.error().detail,
                 std::string("line 2, byte 8 of the line: the text is not UTF-8 (0xE4 0x0A is not a "
                             "well-formed character)."));
        auto cut = splitLines("ok\n\xF0\x9F\x99");
        QVERIFY(!cut.has_value());
        QCOMPARE(cut.error().detail,
                 std::string("line 2, byte 1 of the line: the text is not UTF-8 (the text ends inside "
                             "a 4-byte character)."));
    }

    void garbageAndTruncatedInputNeverCrash() {
        // Every prefix of every evaluation file, and random bytes, through the reader and every metric.
        int scored = 0;
        int refused = 0;
        for (const char* name : {"de.hyp", "zh.ref", "mixed.hyp"}) {
            const std::string bytes = readFile(evalData(name));
            for (size_t n = 0; n <= bytes.size(); n += 97) {
                auto lines = splitLines(std::string_view(bytes).substr(0, n));
                if (!lines) {
                    ++refused;  // cut inside a character
                    continue;
                }
                if (lines->empty()) {
                    continue;
                }
                const std::vector<std::vector<std::string>> refs{*lines};
                scored += corpusChrf(*lines, refs).has_value() + corpusBleu(*lines, refs).has_value();
            }
        }
        QRandomGenerator random(16);
        for (int round = 0; round < 200; ++round) {
            std::string junk(size_t(random.bounded(1, 64)), '\0');
            for (char& b : junk) {
                b = char(random.bounded(256));
            }
            const std::vector<std::string> hyps{junk};
            const std::vector<std::vector<std::string>> refs{{junk}};
            const bool utf8 = splitLines(junk).has_value();
            QCOMPARE(corpusChrf(hyps, refs).has_value(), utf8);
            QCOMPARE(corpusBleu(hyps, refs, BleuOptions{.tokenizer = Tokenizer::Intl}).has_value(), utf8);
            refused += !utf8;
        }
        QVERIFY(scored > 20);
        QVERIFY(refused > 100);
    }
};

QTEST_MAIN(MetricsTest)
#include "metricstest.moc"
