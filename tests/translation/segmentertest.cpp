// Sentence splitting: abbreviations that do not end a sentence (ICU's suppressions per language), CJK full
// stops, byte offsets over multi-byte text, white space left between sentences, and markup never cut.
#include <QtTest>

#include "translation/segmenter.h"

using namespace lantern::translation;

namespace {

QStringList split(std::string_view text, std::string_view language, std::vector<Inline> inlines = {}) {
    QStringList out;
    for (const Sentence& s : splitSentences(text, inlines, language))
        out << QString::fromUtf8(text.substr(s.begin, s.end - s.begin));
    return out;
}

// The invariants every split keeps: in order, trimmed, and only white space between and around them.
void checkInvariants(std::string_view text, const std::vector<Sentence>& sentences) {
    auto isSpace = [](std::string_view gap) {
        return QString::fromUtf8(gap.data(), qsizetype(gap.size())).trimmed().isEmpty();
    };
    size_t at = 0;
    for (const Sentence& s : sentences) {
        QVERIFY(s.begin >= at && s.end > s.begin && s.end <= text.size());
        QVERIFY2(isSpace(text.substr(at, s.begin - at)), std::string(text.substr(at, s.begin - at)).c_str());
        const QString sentence = QString::fromUtf8(text.substr(s.begin, s.end - s.begin));
        QCOMPARE(sentence, sentence.trimmed());
        at = s.end;
    }
    QVERIFY(isSpace(text.substr(at)));
}

// The byte range of the first occurrence of `what` in `text` as an inline.
Inline at(std::string_view text, std::string_view what, Inline::Kind kind = Inline::Kind::Standalone, int pair = -1) {
    const size_t b = text.find(what);
    if (b == std::string_view::npos) qFatal("no %s", std::string(what).c_str());
    return Inline{b, b + what.size(), kind, pair, -1};
}

}  // namespace

class SegmenterTest : public QObject {
    Q_OBJECT
private slots:
    void abbreviationsDoNotEndSentences_data() {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("sentences");
        QTest::newRow("en Dr.") << "en" << "Dr. Smith arrived. He sat."
                                << QStringList{"Dr. Smith arrived.", "He sat."};
        QTest::newRow("en e.g.") << "en-US" << "Use a short name, e.g. Lantern. It is easy to remember."
                                 << QStringList{"Use a short name, e.g. Lantern.", "It is easy to remember."};
        QTest::newRow("de z. B.") << "de" << "z. B. das hier. Und das."
                                  << QStringList{"z. B. das hier.", "Und das."};
        // ICU 72's own filter matches the end of a word: "kam." would hit "am.", "hier." would hit "r.".
        QTest::newRow("de whole words") << "de" << "Dr. Müller kam. Er sah es hier. Und dann ging er."
                                        << QStringList{"Dr. Müller kam.", "Er sah es hier.", "Und dann ging er."};
        QTest::newRow("de no-break space") << "de" << "Das gilt z.\u00a0B. hier. Sonst nicht."
                                           << QStringList{"Das gilt z.\u00a0B. hier.", "Sonst nicht."};
        QTest::newRow("pt-BR uses pt") << "pt-BR" << "A Dra. Silva chegou. Depois saiu."
                                       << QStringList{"A Dra. Silva chegou.", "Depois saiu."};
        QTest::newRow("fr M.") << "fr" << "M. Dupont est arrivé. Il s'est assis."
                               << QStringList{"M. Dupont est arrivé.", "Il s'est assis."};
        QTest::newRow("question and exclamation") << "en" << "Ready? Go! Done."
                                                  << QStringList{"Ready?", "Go!", "Done."};
        QTest::newRow("no end punctuation") << "en" << "Save the file" << QStringList{"Save the file"};
        QTest::newRow("ja") << "ja" << "今日は晴れです。明日は雨でしょう。"
                            << QStringList{"今日は晴れです。", "明日は雨でしょう。"};
        QTest::newRow("zh") << "zh-Hans" << "我们明天见面。你几点有空？"
                            << QStringList{"我们明天见面。", "你几点有空？"};
        QTest::newRow("ar") << "ar" << "وصلنا إلى المدينة. كان الجو جميلاً."
                            << QStringList{"وصلنا إلى المدينة.", "كان الجو جميلاً."};
        QTest::newRow("unknown language") << "" << "One. Two." << QStringList{"One.", "Two."};
    }
    void abbreviationsDoNotEndSentences() {
        QFETCH(QString, language);
        QFETCH(QString, text);
        QFETCH(QStringList, sentences);
        const std::string t = text.toStdString();
        QCOMPARE(split(t, language.toStdString()), sentences);
        checkInvariants(t, splitSentences(t, {}, language.toStdString()));
    }

    void offsetsAreBytes() {
        // Two-, three- and four-byte characters before the break.
        const std::string t = "Grüße aus Köln 🎉. Привет! 日本語。";
        const std::vector<Sentence> s = splitSentences(t, {}, "de");
        QCOMPARE(s.size(), size_t(3));
        QCOMPARE(s[0].begin, size_t(0));
        QCOMPARE(s[0].end, t.find(". ") + 1);
        QCOMPARE(s[1].begin, t.find("Привет"));
        QCOMPARE(s[1].end, t.find('!') + 1);
        QCOMPARE(s[2].begin, t.find("日本語"));
        QCOMPARE(s[2].end, t.size());
        checkInvariants(t, s);
    }

    void whiteSpaceStaysOutside() {
        const std::string t = "  \tFirst one.\n\n   Second one.  \n";
        const std::vector<Sentence> s = splitSentences(t, {}, "en");
        QCOMPARE(split(t, "en"), (QStringList{"First one.", "Second one."}));
        QCOMPARE(s[0].begin, size_t(3));
        QCOMPARE(t.substr(s[0].end, s[1].begin - s[0].end), std::string("\n\n   "));
        checkInvariants(t, s);
        // No-break and ideographic spaces count as white space at the edges.
        QCOMPARE(split("\xC2\xA0" "Eins. Zwei." "\xE3\x80\x80", "de"), (QStringList{"Eins.", "Zwei."}));
        QVERIFY(splitSentences(" \n\t ", {}, "en").empty());
        QVERIFY(splitSentences("", {}, "en").empty());
    }

    void noBreakInsideAnInline() {
        // A code span containing ". " is one opaque inline: its inner break is dropped, the sentences merge.
        const std::string t = "Run `make. Then` again. Done.";
        const std::vector<Inline> in = {at(t, "`make. Then`")};
        QCOMPARE(split(t, "en", in), (QStringList{"Run `make. Then` again.", "Done."}));
        QCOMPARE(split(t, "en"), (QStringList{"Run `make.", "Then` again.", "Done."}));  // without it: cut
        checkInvariants(t, splitSentences(t, in, "en"));
    }

    void noBreakBetweenOpenAndClose() {
        const std::string t = "<b>One. Two.</b> Three. Four.";
        const std::vector<Inline> in = {at(t, "<b>", Inline::Kind::Open, 1), at(t, "</b>", Inline::Kind::Close, 1)};
        const QStringList s = split(t, "en", in);
        QCOMPARE(s, (QStringList{"<b>One. Two.</b>", "Three.", "Four."}));
        checkInvariants(t, splitSentences(t, in, "en"));
        // A link whose text has two sentences stays whole, and what follows the close is a new sentence.
        const std::string link = "See [the guide. It helps](https://example.org/a.b) now. Then go.";
        const std::vector<Inline> l = {at(link, "[", Inline::Kind::Open, 1),
                                       at(link, "](https://example.org/a.b)", Inline::Kind::Close, 1)};
        QCOMPARE(split(link, "en", l),
                 (QStringList{"See [the guide. It helps](https://example.org/a.b) now.", "Then go."}));
    }

    void openingMarkupStartsTheNextSentence() {
        const std::string t = "One. <b>Two.</b> <i>Three</i>. Four.";
        const std::vector<Inline> in = {at(t, "<b>", Inline::Kind::Open, 1), at(t, "</b>", Inline::Kind::Close, 1),
                                        at(t, "<i>", Inline::Kind::Open, 2), at(t, "</i>", Inline::Kind::Close, 2)};
        QCOMPARE(split(t, "en", in), (QStringList{"One.", "<b>Two.</b>", "<i>Three</i>.", "Four."}));
        checkInvariants(t, splitSentences(t, in, "en"));
    }

    void closingMarkupStaysWithItsSentence() {
        // ICU breaks before "</i>" (it sees "<" as a letter); the closing tag belongs to the sentence it ends.
        const std::string t = "He said <i>stop.</i> Then he left.[1] Nobody followed.";
        const std::vector<Inline> in = {at(t, "<i>", Inline::Kind::Open, 1), at(t, "</i>", Inline::Kind::Close, 1),
                                        at(t, "[1]")};
        QCOMPARE(split(t, "en", in), (QStringList{"He said <i>stop.</i>", "Then he left.[1]", "Nobody followed."}));
        checkInvariants(t, splitSentences(t, in, "en"));
    }
};

QTEST_MAIN(SegmenterTest)
#include "segmentertest.moc"
