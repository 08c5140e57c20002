// translation/eval/tokenizers: every BLEU tokenizer against sacrebleu's own tokenizer classes, line by
// line, on every committed evaluation file (English, German, Chinese, Japanese and a file of Unicode
// corner cases), and zh's notion of a Chinese character against sacrebleu's for every code point.
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>
#include <fstream>
#include <sstream>

#include "tests/support/testenv.h"
#include "tests/translation/eval/sacrebleu.h"
#include "translation/eval/metrics.h"
#include "translation/eval/pytext.h"
#include "translation/eval/tokenizers.h"

using namespace lantern::translation::eval;

namespace {

const QStringList kFiles{"en.hyp", "en.ref", "de.hyp", "de.ref1",   "de.ref2",  "zh.hyp",
                         "zh.ref", "ja.hyp", "ja.ref", "mixed.hyp", "mixed.ref"};

std::filesystem::path evalData(const QString& name) {
    return lantern::test::dataDir() / "translation" / "eval" / name.toStdString();
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

class TokenizersTest : public QObject {
    Q_OBJECT

private slots:
    void namesRoundTrip() {
        for (const Tokenizer t :
             {Tokenizer::None, Tokenizer::T13a, Tokenizer::Zh, Tokenizer::Intl, Tokenizer::Char}) {
            QCOMPARE(tokenizerFromName(tokenizerName(t)), std::optional<Tokenizer>(t));
        }
        QCOMPARE(tokenizerFromName("13A"), std::nullopt);
        QCOMPARE(tokenizerFromName("ja-mecab"), std::nullopt);  // needs MeCab: not offered
    }

    void everyLineAsSacrebleuTokenizesIt() {
        QStringList paths;
        for (const QString& f : kFiles) {
            paths << QString::fromStdString(evalData(f).string());
        }
        QJsonObject reference;
        const lantern::test::PythonRun run =
            lantern::test::runReference(QStringList{"tokenize"} + paths, reference);
        QVERIFY2(run.ok, qPrintable(run.error));
        int lines = 0;
        int mismatches = 0;
        for (const char* tokName : {"none", "13a", "zh", "intl", "char"}) {
            const QString name = QString::fromLatin1(tokName);
            const Tokenizer tokenizer = *tokenizerFromName(name.toStdString());
            const QJsonObject byFile = reference[name].toObject();
            QCOMPARE(byFile.size(), paths.size());
            for (const QString& path : paths) {
                auto segments = splitLines(readFile(path.toStdString()));
                QVERIFY2(segments.has_value(), qPrintable(path));
                const QJsonArray expected = byFile[path].toArray();
                QCOMPARE(qsizetype(segments->size()), expected.size());
                for (size_t i = 0; i < segments->size(); ++i) {
                    // Compared as UTF-8 bytes: Qt's UTF-32 conversion would drop a leading U+FEFF.
                    const std::string got = encodeUtf8(tokenize(tokenizer, *decodeUtf8((*segments)[i])));
                    const std::string want = expected[qsizetype(i)].toString().toStdString();
                    ++lines;
                    if (got != want) {
                        ++mismatches;
                        qWarning("%s %s:%zu\n  ours:      [%s]\n  sacrebleu: [%s]", qPrintable(name),
                                 qPrintable(path), i + 1, got.c_str(), want.c_str());
                    }
                }
            }
        }
        QCOMPARE(lines,
                 5 * (2 * (52 + 40 + 40 + 30 + 37) + 40));  // every line of every file, five tokenizers
        QCOMPARE(mismatches, 0);
    }

    void chineseCharactersAsSacrebleuDefinesThem() {
        QJsonObject chars;
        const lantern::test::PythonRun run = lantern::test::runReference({"chars"}, chars);
        QVERIFY2(run.ok, qPrintable(run.error));
        QSet<uint> expected;
        for (const QJsonValue v : chars["zh"].toArray()) {
            expected.insert(uint(v.toInt()));
        }
        QVERIFY(expected.size() > 30000);
        int mismatches = 0;
        for (char32_t c = 0; c <= 0x10FFFF; ++c) {
            if (isZhChineseChar(c) != expected.contains(uint(c))) {
                ++mismatches;
            }
        }
        QCOMPARE(mismatches, 0);
        // The quirk spelled out: punctuation such as the em dash counts, Extension B ideographs do not.
        QVERIFY(isZhChineseChar(U'\u2014'));
        QVERIFY(!isZhChineseChar(U'\U00020000'));
    }

    void handPickedCases() {
        // mteval-v13a's rules as documented: periods and commas split unless between digits, dash after a
        // digit split, entities unescaped, <skipped> removed.
        QVERIFY(tokenize(Tokenizer::T13a, U"Hello, world. 3.5 and 1,000 in 2024.") ==
                U"Hello , world . 3.5 and 1,000 in 2024 .");
        QVERIFY(tokenize(Tokenizer::T13a, U"5-10 &amp; A&lt;B <skipped>x") == U"5 - 10 & A < B x");
        QVERIFY(tokenize(Tokenizer::T13a, U"don't stop") == U"don't stop");
        QVERIFY(tokenize(Tokenizer::Zh, U"我们，Hello.") == U"我 们 ， Hello .");
        QVERIFY(tokenize(Tokenizer::Intl, U"a€b 1,5 «x»") == U"a € b 1,5 « x »");
        QVERIFY(tokenize(Tokenizer::Char, U"ab c") == U"a b   c");
        QVERIFY(tokenize(Tokenizer::None, U" a  b ") == U" a  b ");
        QVERIFY(tokenize(Tokenizer::T13a, U"").empty());
    }
};

QTEST_MAIN(TokenizersTest)
#include "tokenizerstest.moc"
