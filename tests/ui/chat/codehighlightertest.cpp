// CodeHighlighter against the kate-syntax-highlighter tool itself: the block must come back exactly as
// the tool renders it, asynchronously, and a second request must be served from the cache.
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include "ui/chat/codehighlighter.h"

using lantern::ui::CodeHighlighter;

class CodeHighlighterTest : public QObject {
    Q_OBJECT
private slots:
    void languageNames() {
        QCOMPARE(CodeHighlighter::syntaxName(QStringLiteral("cpp")), QStringLiteral("C++"));
        QCOMPARE(CodeHighlighter::syntaxName(QStringLiteral("Py")), QStringLiteral("Python"));
        QCOMPARE(CodeHighlighter::syntaxName(QStringLiteral("klingon")), QString());
    }

    void matchesTheToolAndCaches() {
        if (QStandardPaths::findExecutable(QStringLiteral("kate-syntax-highlighter")).isEmpty())
            QFAIL("kate-syntax-highlighter is not installed (Debian: libkf5syntaxhighlighting-tools; ./scripts/test installs it)");
        const QString code = QStringLiteral("int main() {\n  return 0; // <ok>\n}");
        QProcess tool;
        tool.start(QStringLiteral("kate-syntax-highlighter"),
                   {QStringLiteral("--stdin"), QStringLiteral("-s"), QStringLiteral("C++"), QStringLiteral("-t"),
                    QStringLiteral("GitHub Dark"), QStringLiteral("-f"), QStringLiteral("html")});
        tool.write(code.toUtf8());
        tool.closeWriteChannel();
        QVERIFY(tool.waitForFinished(10000));
        const QString expected = CodeHighlighter::extractPre(QString::fromUtf8(tool.readAllStandardOutput()));
        QVERIFY(expected.contains(QStringLiteral("&lt;ok&gt;")));

        CodeHighlighter highlighter;
        QSignalSpy done(&highlighter, &CodeHighlighter::highlighted);
        QCOMPARE(highlighter.html(QStringLiteral("cpp"), code, true), QString());  // never blocks
        QVERIFY(done.wait(10000));
        QCOMPARE(highlighter.html(QStringLiteral("cpp"), code, true), expected);
        QCOMPARE(highlighter.jobsRun(), 1);
        QCOMPARE(highlighter.revision(), 1);
    }

    void missingToolLeavesCodePlain() {
        CodeHighlighter highlighter;
        highlighter.setProgram(QStringLiteral("/nonexistent/kate-syntax-highlighter"));
        QSignalSpy done(&highlighter, &CodeHighlighter::highlighted);
        QCOMPARE(highlighter.html(QStringLiteral("python"), QStringLiteral("print(1)"), false), QString());
        QVERIFY(done.wait(5000));
        QCOMPARE(highlighter.html(QStringLiteral("python"), QStringLiteral("print(1)"), false), QString());
        QCOMPARE(highlighter.jobsRun(), 1);  // the failure is cached too: no retry storm
    }
};

QTEST_GUILESS_MAIN(CodeHighlighterTest)
#include "codehighlightertest.moc"
