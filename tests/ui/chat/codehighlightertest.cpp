// CodeHighlighter against the kate-syntax-highlighter tool itself: the block must come back exactly as
// the tool renders it, asynchronously, and a second request must be served from the cache.
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
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

    void missingToolLeavesCodePlainWithANotice() {
        CodeHighlighter highlighter;
        QVERIFY(highlighter.available());
        QCOMPARE(highlighter.notice(), QString());
        QSignalSpy changed(&highlighter, &CodeHighlighter::availableChanged);
        QSignalSpy done(&highlighter, &CodeHighlighter::highlighted);
        highlighter.setProgram(QStringLiteral("/nonexistent/kate-syntax-highlighter"));
        // Known at once, without a process: no per-block failures, nothing queued.
        QVERIFY(!highlighter.available());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(highlighter.html(QStringLiteral("python"), QStringLiteral("print(1)"), false), QString());
        QVERIFY(highlighter.notice().contains(QStringLiteral("/nonexistent/kate-syntax-highlighter")));
        QVERIFY(highlighter.notice().contains(QStringLiteral("libkf5syntaxhighlighting-tools")));
        for (int i = 0; i < 20; ++i)
            QCOMPARE(highlighter.html(QStringLiteral("cpp"), QStringLiteral("int x%1;").arg(i), true), QString());
        QVERIFY(!done.wait(300));
        QCOMPARE(highlighter.jobsRun(), 0);
        QCOMPARE(changed.count(), 1);
    }

    void toolMissingFromThePathIsFoundOutOnFirstUse() {
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", "/nonexistent");
        CodeHighlighter highlighter;
        QVERIFY(highlighter.available());  // nothing is looked up at start-up
        QSignalSpy changed(&highlighter, &CodeHighlighter::availableChanged);
        QCOMPARE(highlighter.html(QStringLiteral("cpp"), QStringLiteral("int x;"), true), QString());
        qputenv("PATH", path);
        QVERIFY(!highlighter.available());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(highlighter.jobsRun(), 0);
        QVERIFY(highlighter.notice().contains(QStringLiteral("kate-syntax-highlighter")));
    }

    void toolThatCannotStartTurnsHighlightingOff() {
        // Found on the PATH check but not startable (no execute permission at start time).
        QTemporaryDir dir;
        const QString tool = dir.filePath(QStringLiteral("kate-syntax-highlighter"));
        QFile file(tool);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("#!/nonexistent/interpreter\n");
        file.close();
        QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        CodeHighlighter highlighter;
        highlighter.setProgram(tool);
        QSignalSpy changed(&highlighter, &CodeHighlighter::availableChanged);
        QSignalSpy done(&highlighter, &CodeHighlighter::highlighted);
        QCOMPARE(highlighter.html(QStringLiteral("python"), QStringLiteral("print(1)"), false), QString());
        QCOMPARE(highlighter.html(QStringLiteral("python"), QStringLiteral("print(2)"), false), QString());
        QVERIFY(changed.wait(5000));
        QVERIFY(!highlighter.available());
        QCOMPARE(highlighter.jobsRun(), 1);  // the second block was dropped, not tried
        QCOMPARE(highlighter.html(QStringLiteral("python"), QStringLiteral("print(3)"), false), QString());
        QCOMPARE(highlighter.jobsRun(), 1);
        // A working tool again (the user installed it): highlighting comes back.
        highlighter.setProgram(QStringLiteral("kate-syntax-highlighter"));
        QVERIFY(highlighter.available());
        QCOMPARE(highlighter.notice(), QString());
        QCOMPARE(highlighter.html(QStringLiteral("python"), QStringLiteral("print(4)"), false), QString());
        QVERIFY(done.wait(10000));
        QVERIFY(highlighter.html(QStringLiteral("python"), QStringLiteral("print(4)"), false).startsWith(
            QStringLiteral("<pre>")));
    }
};

QTEST_GUILESS_MAIN(CodeHighlighterTest)
#include "codehighlightertest.moc"
