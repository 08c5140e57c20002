// lantern-cli eval, run as a process: its text and JSON output byte for byte against sacrebleu's command
// line on the same files (`python -m sacrebleu REF... -i HYP -m ... -f text`), its sentence-level output,
// and its refusals (line counts that differ, bad UTF-8, missing files, bad options) with exit codes.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/testenv.h"
#include "tests/translation/eval/sacrebleu.h"

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QString err;
};

Run runCli(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(LANTERN_CLI), args);
    Run r;
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit) {
        r.err = "lantern-cli did not finish: " + p.errorString();
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString data(const char* name) {
    return QString::fromStdString((lantern::test::dataDir() / "translation" / "eval" / name).string());
}

}  // namespace

class EvalCommandTest : public QObject {
    Q_OBJECT

private slots:
    void helpListsEval() {
        const Run r = runCli({"help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("\n  eval "), r.out.constData());
    }

    void outputIsSacrebleus_data() {
        QTest::addColumn<QStringList>("ours");       // after `eval --hyp HYP --ref REF...`
        QTest::addColumn<QStringList>("sacrebleu");  // after `-m`
        QTest::addColumn<QStringList>("files");      // HYP, REF...
        const QStringList de{data("de.hyp"), data("de.ref1"), data("de.ref2")};
        const QStringList en{data("en.hyp"), data("en.ref")};
        const QStringList zh{data("zh.hyp"), data("zh.ref")};
        const QStringList mixed{data("mixed.hyp"), data("mixed.ref")};
        QTest::newRow("text, BLEU and chrF, two references")
            << QStringList{"--metric", "bleu", "--metric", "chrf"}
            << QStringList{"bleu", "chrf", "-f", "text"} << de;
        QTest::newRow("JSON, BLEU and chrF")
            << QStringList{"--metric", "bleu,chrf", "--json"} << QStringList{"bleu", "chrf"} << en;
        QTest::newRow("JSON, one metric") << QStringList{"--metric", "chrf", "--json", "--width", "4"}
                                          << QStringList{"chrf", "-w", "4"} << mixed;
        QTest::newRow("chrF++") << QStringList{"--metric", "chrf++"}
                                << QStringList{"chrf", "--chrf-word-order", "2", "-f", "text"} << de;
        QTest::newRow("zh tokenizer, 3 decimals")
            << QStringList{"--metric", "bleu", "--tokenize", "zh", "--width", "3"}
            << QStringList{"bleu", "--tokenize", "zh", "-w", "3", "-f", "text"} << zh;
        QTest::newRow("lowercase, floor smoothing")
            << QStringList{"--metric", "bleu", "--lowercase", "--smooth", "floor"}
            << QStringList{"bleu", "-lc", "-s", "floor", "-f", "text"} << en;
        QTest::newRow("sentence-level chrF")
            << QStringList{"--metric", "chrf", "--sentence-level"} << QStringList{"chrf", "-sl"} << mixed;
        QTest::newRow("sentence-level BLEU, two references")
            << QStringList{"--metric", "bleu", "--sentence-level", "--width", "2"}
            << QStringList{"bleu", "-sl", "-w", "2"} << de;
    }

    void outputIsSacrebleus() {
        QFETCH(QStringList, ours);
        QFETCH(QStringList, sacrebleu);
        QFETCH(QStringList, files);
        QStringList args{"eval", "--hyp", files[0]};
        for (qsizetype i = 1; i < files.size(); ++i) {
            args << "--ref" << files[i];
        }
        const Run r = runCli(args + ours);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const lantern::test::PythonRun reference = lantern::test::runPython(
            QStringList{"-m", "sacrebleu"} + files.mid(1) + QStringList{"-i", files[0], "-m"} + sacrebleu);
        QVERIFY2(reference.ok, qPrintable(reference.error));
        QVERIFY2(reference.out.contains("version:2.4.3"), reference.out.constData());
        QCOMPARE(QString::fromUtf8(r.out), QString::fromUtf8(reference.out));
        if (ours.contains("--json")) {
            QVERIFY(QJsonDocument::fromJson(r.out).isArray() || QJsonDocument::fromJson(r.out).isObject());
        }
        if (ours.contains("--sentence-level")) {
            QCOMPARE(r.out.count('\n'), files[0].endsWith("de.hyp") ? 40 : 37);
        }
    }

    void sentenceLevelJsonIsAList() {
        const Run r = runCli({"eval", "--hyp", data("ja.hyp"), "--ref", data("ja.ref"), "--metric", "chrf",
                              "--sentence-level", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray list = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(list.size(), 30);
        QCOMPARE(list[0].toObject()["name"].toString(), QStringLiteral("chrF2"));
        QCOMPARE(list[16].toObject()["score"].toDouble(), 100.0);  // "ありがとうございます。" both sides
    }

    void refusesMisalignedFiles() {
        const Run r = runCli({"eval", "--hyp", data("zh.hyp"), "--ref", data("ja.ref")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("zh.hyp has 40 lines but") && r.err.contains("ja.ref has 30"),
                 qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void refusesBadInput() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString bad = dir.filePath("bad.txt");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("fine\nGr\xFC\xDF Gott\n");
        f.close();
        Run r = runCli({"eval", "--hyp", bad, "--ref", data("en.ref")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("bad.txt: line 2, byte 3 of the line: the text is not UTF-8"),
                 qPrintable(r.err));

        const QString empty = dir.filePath("empty.txt");
        QVERIFY(QFile(empty).open(QIODevice::WriteOnly));
        r = runCli({"eval", "--hyp", empty, "--ref", data("en.ref")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("has no lines to score"), qPrintable(r.err));

        r = runCli({"eval", "--hyp", dir.filePath("missing.txt"), "--ref", data("en.ref")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("cannot read") && r.err.contains("missing.txt"), qPrintable(r.err));
    }

    void refusesBadOptions_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString h = data("en.hyp");
        const QString ref = data("en.ref");
        QTest::newRow("no reference") << QStringList{"--hyp", h} << "needs --hyp and at least one --ref";
        QTest::newRow("unknown metric")
            << QStringList{"--hyp", h, "--ref", ref, "--metric", "ter"} << "does not take 'ter'";
        QTest::newRow("unknown tokenizer")
            << QStringList{"--hyp", h, "--ref", ref, "--tokenize", "ja-mecab"} << "does not take 'ja-mecab'";
        QTest::newRow("missing value") << QStringList{"--hyp", h, "--ref"} << "--ref needs a value";
        QTest::newRow("two metrics per sentence")
            << QStringList{"--hyp", h, "--ref", ref, "--sentence-level"} << "one metric at a time";
        QTest::newRow("unknown option")
            << QStringList{"--hyp", h, "--ref", ref, "-x"} << "unknown option '-x'";
    }

    void refusesBadOptions() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run r = runCli(QStringList{"eval"} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message) && r.err.contains("usage: lantern-cli eval"), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }
};

QTEST_MAIN(EvalCommandTest)
#include "evaltest.moc"
