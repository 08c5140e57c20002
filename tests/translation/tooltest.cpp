// Running external validators: stdin in, stdout and stderr out, exit codes, timeouts, temporary files.
#include <QtTest>

#include "tests/support/testenv.h"
#include "translation/tool.h"

using namespace lantern::translation;

class ToolTest : public QObject {
    Q_OBJECT
private slots:
    void findsProgramsOnPathAndInExtraFolders() {
        QVERIFY(tool::find("sh"));
        QVERIFY(!tool::find("no-such-program-lantern"));
        const std::vector<std::string> extra{"/usr/lib/qt6/bin", "/usr/lib/qt5/bin"};
        QVERIFY2(tool::find("lrelease", extra), "lrelease (qt6-l10n-tools) is a build dependency");
    }

    void feedsStdinAndCollectsBothStreams() {
        const auto sh = tool::find("sh");
        const std::vector<std::string> args{"-c", "cat; echo oops >&2; exit 3"};
        auto r = tool::run(*sh, args, "hello\nworld");
        QVERIFY(r);
        QCOMPARE(r->exitCode, 3);
        QCOMPARE(QString::fromStdString(r->out), QString("hello\nworld"));
        QCOMPARE(QString::fromStdString(r->err), QString("oops\n"));
    }

    // More than a pipe holds, in both directions at once: no deadlock.
    void movesLargeInputAndOutput() {
        const std::string big(4 << 20, 'x');
        const std::vector<std::string> args{"-c", "cat; cat /dev/null >&2"};
        auto r = tool::run(*tool::find("sh"), args, big);
        QVERIFY(r);
        QCOMPARE(r->exitCode, 0);
        QCOMPARE(r->out.size(), big.size());
    }

    // A program that exits without reading its input must not kill us with SIGPIPE.
    void survivesAProgramThatIgnoresItsInput() {
        const std::string big(4 << 20, 'y');
        const std::vector<std::string> args{"-c", "exit 0"};
        auto r = tool::run(*tool::find("sh"), args, big);
        QVERIFY(r);
        QCOMPARE(r->exitCode, 0);
    }

    void stopsAProgramThatRunsTooLong() {
        const std::vector<std::string> args{"-c", "sleep 30"};
        QElapsedTimer timer;
        timer.start();
        auto r = tool::run(*tool::find("sh"), args, {}, 1);
        QVERIFY(!r);
        QVERIFY(timer.elapsed() < 10000);
        QVERIFY(r.error().detail.find("did not finish") != std::string::npos);
    }

    void reportsAProgramThatCannotStart() {
        auto r = tool::run("/nonexistent/program", {}, {});
        QVERIFY(!r);
        QVERIFY2(r.error().detail.find("/nonexistent/program") != std::string::npos, r.error().detail.c_str());
    }

    void tempFilesGoAwayWithTheirFolder() {
        std::filesystem::path folder;
        {
            auto f = tool::TempFile::create("x.ts", "<TS/>");
            QVERIFY(f);
            folder = f->folder();
            QVERIFY(std::filesystem::exists(f->path()));
            QCOMPARE(std::filesystem::file_size(f->path()), uintmax_t(5));
            auto moved = std::move(*f);
            QVERIFY(std::filesystem::exists(moved.path()));
        }
        QVERIFY(!std::filesystem::exists(folder));
    }
};

QTEST_MAIN(ToolTest)
#include "tooltest.moc"
