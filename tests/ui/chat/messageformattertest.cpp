// MessageFormatter: splitting into prose / code / think segments, and the safety of the rich text.
#include <QTextBlock>
#include <QTextDocument>
#include <QtTest>

#include "ui/chat/messageformatter.h"

using lantern::ui::MessageFormatter;

namespace {

// Images in rich text as Qt's own HTML reader finds them (the reader QML's Text uses), not as a regex sees them.
QStringList imagesIn(const QString& html) {
    QTextDocument doc;
    doc.setHtml(html);
    QStringList names;
    for (QTextBlock b = doc.begin(); b.isValid(); b = b.next())
        for (auto it = b.begin(); !it.atEnd(); ++it)
            if (it.fragment().charFormat().isImageFormat())
                names << it.fragment().charFormat().toImageFormat().name();
    return names;
}

// The visible text of rich text.
QString plainOf(const QString& html) {
    QTextDocument doc;
    doc.setHtml(html);
    return doc.toPlainText();
}

}  // namespace

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

    void remoteImagesBecomeText_data() {
        QTest::addColumn<QString>("markdown");
        QTest::addColumn<QString>("shown");
        QTest::newRow("http") << "![cat](http://example.com/cat.png)" << "[image: cat] (http://example.com/cat.png)";
        QTest::newRow("https") << "See ![a map](https://x.org/m.png \"title\") here"
                               << "See [image: a map] (https://x.org/m.png) here";
        QTest::newRow("ftp") << "![f](ftp://x.org/f.png)" << "[image: f] (ftp://x.org/f.png)";
        QTest::newRow("protocol-relative") << "![p](//cdn.x.org/p.png)" << "[image: p] (//cdn.x.org/p.png)";
        QTest::newRow("file") << "![f](file:///etc/passwd)" << "[image: f] (file:///etc/passwd)";
        QTest::newRow("relative") << "![r](img/r.png)" << "[image: r] (img/r.png)";
        // Qt's Markdown reader drops an image without alt text altogether: nothing to show, nothing fetched.
        QTest::newRow("no alt") << "Before ![](http://x.org/n.png) after" << "Before after";
        QTest::newRow("reference") << "![ref][1]\n\n[1]: http://x.org/ref.png" << "[image: ref] (http://x.org/ref.png)";
        QTest::newRow("two in a row") << "![a](http://x/a.png)![b](http://x/b.png)"
                                      << "[image: a] (http://x/a.png)[image: b] (http://x/b.png)";
        QTest::newRow("raw img") << "Look: <img src=\"http://x.org/i.png\" alt=\"pic\">"
                                 << "Look: [image: pic] (http://x.org/i.png)";
        QTest::newRow("raw IMG unquoted") << "<IMG SRC=https://x.org/u.png>" << "[image] (https://x.org/u.png)";
        QTest::newRow("raw img single quotes") << "<img alt='q' src='//x.org/q.png'/>" << "[image: q] (//x.org/q.png)";
        QTest::newRow("data") << "![d](data:image/png;base64,iVBORw0KGgo=)" << "[image: d] (data:image/png;base64,iVBORw0KGgo=)";
    }

    void remoteImagesBecomeText() {
        QFETCH(QString, markdown);
        QFETCH(QString, shown);
        const QString html = MessageFormatter::markdownToHtml(markdown);
        QVERIFY2(imagesIn(html).isEmpty(), qPrintable(html));
        QVERIFY2(!html.contains(QStringLiteral("<img"), Qt::CaseInsensitive), qPrintable(html));
        QVERIFY2(plainOf(html).contains(shown), qPrintable(plainOf(html)));
    }

    void imageSourceIsALinkOnlyForTheWeb() {
        // An http(s) source is a link, opened only when clicked; others are plain text. An image inside a link
        // (a badge) becomes text too (Qt's Markdown reader keeps no link around an image).
        const QString html = MessageFormatter::markdownToHtml(
            QStringLiteral("[![badge](http://x.org/b.svg)](https://site.org) ![f](ftp://x.org/f.png)"));
        QVERIFY2(imagesIn(html).isEmpty(), qPrintable(html));
        QVERIFY2(html.contains(QStringLiteral("<a href=\"http://x.org/b.svg\">")), qPrintable(html));
        QVERIFY2(!html.contains(QStringLiteral("href=\"ftp:")), qPrintable(html));
        QVERIFY(plainOf(html).contains(QStringLiteral("[image: badge] (http://x.org/b.svg)")));
    }

    void appImagesStay() {
        // The app's own resources are not a fetch: a qrc: image stays an image.
        const QString html = MessageFormatter::markdownToHtml(QStringLiteral("![logo](qrc:/icons/lantern.png)"));
        QCOMPARE(imagesIn(html), QStringList{QStringLiteral("qrc:/icons/lantern.png")});
    }

    void codeIsLeftAlone() {
        // Inside code an image is text to show as written (the old "![" -> "[" rewrite changed it).
        const QString html = MessageFormatter::markdownToHtml(
            QStringLiteral("Write `![x](http://a/x.png)` or `<img src=\"http://a/y.png\">`.\n\n    <img src=\"http://a/z.png\">\n"));
        QVERIFY2(imagesIn(html).isEmpty(), qPrintable(html));
        const QString plain = plainOf(html);
        QVERIFY2(plain.contains(QStringLiteral("![x](http://a/x.png)")), qPrintable(plain));
        QVERIFY2(plain.contains(QStringLiteral("<img src=\"http://a/y.png\">")), qPrintable(plain));
        QVERIFY2(plain.contains(QStringLiteral("<img src=\"http://a/z.png\">")), qPrintable(plain));
    }

    void halfWrittenImagesAreText() {
        // While an answer streams, every prefix of an image is rendered with no image in it.
        const QString full = QStringLiteral("Hi ![cat](http://example.com/cat.png) and <img src=\"http://x/i.png\" alt=\"i\"> bye");
        for (qsizetype n = 0; n <= full.size(); ++n) {
            const QString html = MessageFormatter::markdownToHtml(full.left(n));
            QVERIFY2(imagesIn(html).isEmpty(), qPrintable(full.left(n)));
        }
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
