// MessageFormatter: splitting into prose / code / think segments, and the safety of the rich text.
#include <QtTest>

#include "ui/chat/messageformatter.h"

using lantern::ui::MessageFormatter;

class MessageFormatterTest : public QObject {
    Q_OBJECT
private slots:
    void splitsFencedCode() {
        const QString content = QStringLiteral("Here is code:\n\n```cpp\nint main() {\n  return 0;\n}\n```\n\nDone.");
        const QVariantList s = MessageFormatter::segments(content);
        QCOMPARE(s.size(), 3);
        QCOMPARE(s[0].toMap()[QStringLiteral("kind")].toString(), QStringLiteral("text"));
        QVERIFY(s[0].toMap()[QStringLiteral("html")].toString().contains(QStringLiteral("Here is code:")));
        const QVariantMap code = s[1].toMap();
        QCOMPARE(code[QStringLiteral("kind")].toString(), QStringLiteral("code"));
        QCOMPARE(code[QStringLiteral("language")].toString(), QStringLiteral("cpp"));
        QCOMPARE(code[QStringLiteral("code")].toString(), QStringLiteral("int main() {\n  return 0;\n}"));
        QCOMPARE(code[QStringLiteral("closed")].toBool(), true);
        QVERIFY(s[2].toMap()[QStringLiteral("html")].toString().contains(QStringLiteral("Done.")));
    }

    void openFenceWhileStreaming() {
        const QVariantList s = MessageFormatter::segments(QStringLiteral("~~~~python\nprint(1)\n```\nstill code"));
        QCOMPARE(s.size(), 1);
        const QVariantMap code = s[0].toMap();
        QCOMPARE(code[QStringLiteral("language")].toString(), QStringLiteral("python"));
        // A ``` line does not close a ~~~~ fence (CommonMark).
        QCOMPARE(code[QStringLiteral("code")].toString(), QStringLiteral("print(1)\n```\nstill code"));
        QCOMPARE(code[QStringLiteral("closed")].toBool(), false);
    }

    void thinkSection() {
        QVariantList s = MessageFormatter::segments(QStringLiteral("<think>\nLet me add 2 and 2.\n</think>\n\nIt is **4**."));
        QCOMPARE(s.size(), 2);
        QCOMPARE(s[0].toMap()[QStringLiteral("kind")].toString(), QStringLiteral("think"));
        QVERIFY(s[0].toMap()[QStringLiteral("closed")].toBool());
        QVERIFY(s[0].toMap()[QStringLiteral("html")].toString().contains(QStringLiteral("Let me add 2 and 2.")));
        QVERIFY(s[1].toMap()[QStringLiteral("html")].toString().contains(QStringLiteral("font-weight:700")));
        s = MessageFormatter::segments(QStringLiteral("<think>still thinking"));
        QCOMPARE(s.size(), 1);
        QVERIFY(!s[0].toMap()[QStringLiteral("closed")].toBool());
        QCOMPARE(MessageFormatter::withoutThinking(QStringLiteral("<think>a</think>\n\nB")), QStringLiteral("B"));
        QCOMPARE(MessageFormatter::withoutThinking(QStringLiteral("say <think> here")), QStringLiteral("say <think> here"));
    }

    void neverReferencesRemoteImages() {
        const QString html = MessageFormatter::markdownToHtml(
            QStringLiteral("![cat](http://example.com/cat.png)\n\n<img src=\"http://example.com/x.png\">\n\n[site](https://example.com)"));
        QVERIFY2(!html.contains(QStringLiteral("<img"), Qt::CaseInsensitive), qPrintable(html));
        QVERIFY(html.contains(QStringLiteral("href=\"https://example.com\"")));
        QVERIFY(html.contains(QStringLiteral("cat")));
        QVERIFY(!html.contains(QStringLiteral("<body")));
    }

    void markdownStructures() {
        const QString html = MessageFormatter::markdownToHtml(
            QStringLiteral("# Title\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\n"));
        QVERIFY(html.contains(QStringLiteral("<h1")));
        QVERIFY(html.contains(QStringLiteral("<li")));
        QVERIFY(html.contains(QStringLiteral("<table")));
        QVERIFY(html.contains(QStringLiteral("quoted")));
    }
};

QTEST_GUILESS_MAIN(MessageFormatterTest)
#include "messageformattertest.moc"
