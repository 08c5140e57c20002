// translation/eval/pytext: Python's str semantics that the metrics depend on, checked against the
// interpreter itself (every code point for isspace and lower) and against hand-made ill-formed UTF-8.
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include "tests/support/testenv.h"
#include "tests/translation/eval/sacrebleu.h"
#include "translation/eval/pytext.h"

using namespace lantern::translation::eval;

class PyTextTest : public QObject {
    Q_OBJECT

    QJsonObject m_chars;  // sacrebleu_reference.py chars

private slots:
    void initTestCase() {
        const lantern::test::PythonRun run = lantern::test::runReference({"chars"}, m_chars);
        QVERIFY2(run.ok, qPrintable(run.error));
    }

    void isspaceMatchesPythonForEveryCodePoint() {
        const QJsonArray spaces = m_chars["isspace"].toArray();
        QCOMPARE(spaces.size(),
                 29);  // the set is small and fixed; a different count means a different Python
        QSet<uint> expected;
        for (const QJsonValue v : spaces) {
            expected.insert(uint(v.toInt()));
        }
        int mismatches = 0;
        for (char32_t c = 0; c <= 0x10FFFF; ++c) {
            if (isPythonSpace(c) != expected.contains(uint(c))) {
                qWarning("U+%04X: isPythonSpace %d, Python %d", unsigned(c), isPythonSpace(c),
                         expected.contains(uint(c)));
                ++mismatches;
            }
        }
        QCOMPARE(mismatches, 0);
    }

    void lowerMatchesPythonForEveryAssignedCharacter() {
        const QJsonObject lower = m_chars["lower"].toObject();
        QVERIFY(lower.size() > 1000);
        int mismatches = 0;
        for (auto it = lower.begin(); it != lower.end(); ++it) {
            const char32_t c = char32_t(it.key().toUInt());
            const QString expected = it.value().toString();
            const std::string got = encodeUtf8(lowercase(std::u32string(1, c)));
            if (got != expected.toStdString()) {
                qWarning("U+%04X: lowercase gives %s, Python %s", unsigned(c), got.c_str(),
                         expected.toUtf8().constData());
                ++mismatches;
            }
        }
        QCOMPARE(mismatches, 0);
        // Context that one character at a time cannot show: a final sigma, as str.lower() writes it.
        QCOMPARE(QString::fromStdU32String(lowercase(U"ΟΔΟΣ ΕΙΝΑΙ")), QStringLiteral("οδος ειναι"));
        QCOMPARE(QString::fromStdU32String(lowercase(U"ΟΔΟΣ")), QStringLiteral("οδος"));
        QCOMPARE(lowercase(U"\U0001D518x"), std::u32string(U"\U0001D518x"));  // outside the BMP, unchanged
        QCOMPARE(lowercase(U"\U00010400"), std::u32string(U"\U00010428"));    // Deseret: a pair in UTF-16
    }

    void splitAndStripLikePython() {
        const std::u32string text = U"\u3000 a\u00a0b\tc\u200bd \u2028 e \u0085";
        const std::vector<std::u32string_view> words = splitWhitespace(text);
        QCOMPARE(words.size(), size_t(4));
        QVERIFY(words[0] == U"a");
        QVERIFY(words[1] == U"b");
        QVERIFY(words[2] == U"c\u200bd");  // U+200B ZERO WIDTH SPACE is not whitespace to Python
        QVERIFY(words[3] == U"e");
        QVERIFY(joinWords(text) == U"a b c\u200bd e");
        QVERIFY(rstripSpace(text) == U"\u3000 a\u00a0b\tc\u200bd \u2028 e");
        QVERIFY(stripSpace(text) == U"a\u00a0b\tc\u200bd \u2028 e");
        QVERIFY(splitWhitespace(U"  \t ").empty());
        QVERIFY(stripSpace(U"").empty());
    }

    void utf8RoundTripsEveryCodePoint() {
        std::u32string all;
        for (char32_t c = 0; c <= 0x10FFFF; ++c) {
            if (c < 0xD800 || c > 0xDFFF) {
                all.push_back(c);
            }
        }
        const std::string bytes = encodeUtf8(all);
        const QByteArray qt = QString::fromStdU32String(all).toUtf8();  // Qt's encoder as the reference
        QCOMPARE(bytes.size(), size_t(qt.size()));
        QVERIFY(bytes == qt.toStdString());
        auto back = decodeUtf8(bytes);
        QVERIFY(back.has_value());
        QVERIFY(*back == all);
    }

    void illFormedUtf8IsRefusedWithItsPosition_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("offset");
        QTest::newRow("lone continuation") << QByteArray("ab\x80") << 2;
        QTest::newRow("overlong 2-byte") << QByteArray("\xC0\xAF") << 0;
        QTest::newRow("overlong 3-byte") << QByteArray("x\xE0\x80\xAF") << 1;
        QTest::newRow("surrogate") << QByteArray("\xED\xA0\x80") << 0;
        QTest::newRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << 0;
        QTest::newRow("F5 lead") << QByteArray("\xF5\x80\x80\x80") << 0;
        QTest::newRow("truncated 3-byte") << QByteArray("ok \xE4\xB8") << 3;
        QTest::newRow("truncated 4-byte") << QByteArray("\xF0\x9F\x98") << 0;
        QTest::newRow("ASCII where a continuation belongs") << QByteArray("\xC3\x41") << 0;
        QTest::newRow("latin-1 text") << QByteArray("Gr\xFC\xDF") << 2;
    }

    void illFormedUtf8IsRefusedWithItsPosition() {
        QFETCH(QByteArray, bytes);
        QFETCH(int, offset);
        const std::string_view view(bytes.constData(), size_t(bytes.size()));
        auto problem = findInvalidUtf8(view);
        QVERIFY(problem.has_value());
        QCOMPARE(problem->offset, size_t(offset));
        auto decoded = decodeUtf8(view);
        QVERIFY(!decoded.has_value());
        QVERIFY2(
            decoded.error().detail.find("byte offset " + std::to_string(offset) + ":") != std::string::npos,
            decoded.error().detail.c_str());
        // Python's codec, the reference, refuses it too (QString would substitute U+FFFD instead).
        QVERIFY(QString::fromUtf8(bytes).contains(QChar(0xFFFD)));
    }

    void garbageNeverCrashes() {
        // Every prefix of mixed valid and invalid bytes decodes or fails cleanly.
        const std::string garbage = "a\xC3\xA4\xE2\x82\xAC\xF0\x9F\x99\x82\xFF\xC0\xED\xA0\x80\xE4\xB8";
        for (size_t n = 0; n <= garbage.size(); ++n) {
            auto decoded = decodeUtf8(std::string_view(garbage).substr(0, n));
            const bool complete =
                n == 0 || n == 1 || n == 3 || n == 6 || n == 10;  // ends after a whole character
            QCOMPARE(decoded.has_value(), complete);
        }
    }
};

QTEST_MAIN(PyTextTest)
#include "pytexttest.moc"
