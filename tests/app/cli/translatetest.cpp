// lantern-cli translate, run as a user runs it, on the real default model (Gemma 3 270M base, through the
// base-completion profile): a .po, a .ts and a Markdown file come back valid (msgfmt --check, lrelease,
// the Markdown re-parse), marked unfinished, with code and placeholders where the model kept them and
// flagged segments left out; a .docx, an .srt and an .html come back valid (unzip -t, python-docx; timings
// and tags untouched); the --json report covers every segment with its checks; the run opens no
// socket other than AF_UNIX (strace); bad input is refused with a sentence and writes nothing.
// Structure, validity and round trip are asserted, not quality: the model is a 270M base model.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/sockettrace.h"
#include "tests/support/testenv.h"

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QString err;
};

Run runCli(const QStringList& args, const QByteArray& input = {}, const QString& program = QStringLiteral(LANTERN_CLI)) {
    QProcess p;
    p.start(program, args);
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    Run r;
    if (!p.waitForFinished(900000) || p.exitStatus() != QProcess::NormalExit) {
        r.err = "lantern-cli did not finish: " + p.errorString();
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString e2e(const char* name) {
    return QString::fromStdString((lantern::test::dataDir() / "translation" / "e2e" / name).string());
}

QString readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QString modelPath() {
    return QString::fromStdString(lantern::test::requireModel("gemma-3-270m-q4_k_m.gguf").string());
}

}  // namespace

class TranslateCommandTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void refusesBadInputWithASentence() {
        // No model file: a sentence, exit 1.
        Run r = runCli({"translate", "--to", "de", "-m", m_dir.filePath("missing.gguf")}, "Hello.");
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("missing.gguf"), qPrintable(r.err));
        // No target language: usage, exit 2.
        r = runCli({"translate", e2e("app.po")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--to"));
        // A file that is not what its name says is refused before any model is loaded, and nothing is written.
        const QString broken = m_dir.filePath("broken.po");
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("msgid \"unterminated\nmsgstr \"\"\n");
        f.close();
        r = runCli({"translate", "--to", "de", "-m", modelPath(), broken});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("broken.po"), qPrintable(r.err));
        QVERIFY(!QFile::exists(m_dir.filePath("broken.de.po")));
    }

    void translatesCataloguesAndMarkdownValidAndUnfinished() {
        const QString out = m_dir.filePath("out");
        const Run r = runCli({"translate", "--to", "de", "--from", "en", "-m", modelPath(), "--json", "--output-dir", out,
                              e2e("app.po"), e2e("app.ts"), e2e("guide.md")});
        QVERIFY2(r.exitCode == 0 || r.exitCode == 3, qPrintable(r.err));  // 3: some segments flagged for review
        QVERIFY2(r.err.contains("segments/min"), qPrintable(r.err));

        const QJsonObject report = QJsonDocument::fromJson(r.out).object();
        const QJsonArray files = report.value("files").toArray();
        QCOMPARE(files.size(), 3);
        int segments = 0;
        for (const QJsonValue& fv : files) {
            const QJsonObject file = fv.toObject();
            QVERIFY2(!file.contains("error"), qPrintable(file.value("error").toString()));
            QCOMPARE(file.value("profile").toString(), QStringLiteral("base-completion"));
            QVERIFY(QFile::exists(file.value("output").toString()));
            for (const QJsonValue& sv : file.value("segments").toArray()) {
                const QJsonObject seg = sv.toObject();
                ++segments;
                const QString status = seg.value("status").toString();
                QVERIFY2(status == "translated" || status == "flagged", qPrintable(status));
                const QJsonArray checks = seg.value("checks").toArray();
                QVERIFY(checks.size() >= 7);  // every check ran on every segment
                bool anyFailed = false;
                for (const QJsonValue& c : checks)
                    anyFailed = anyFailed || !c.toObject().value("passed").toBool();
                QCOMPARE(anyFailed, status == "flagged");
            }
        }
        QCOMPARE(segments, 4 + 2 + 5);  // po: 2 strings + 2 plural forms; ts: 2; md: heading, 2 sentences, 2 items

        // The validators agree with the CLI's own validation.
        QProcess msgfmt;
        msgfmt.start("msgfmt", {"--check", "-o", "/dev/null", out + "/app.po"});
        QVERIFY(msgfmt.waitForFinished(20000));
        QCOMPARE(msgfmt.exitCode(), 0);
        const QString po = readAll(out + "/app.po");
        QVERIFY(po.contains("\"Language: de\\n\""));
        QVERIFY(po.contains("msgctxt \"title\""));       // contexts kept
        QVERIFY(po.contains("#. The window title."));   // comments kept
        QVERIFY(!po.contains(QRegularExpression("\\n#, c-format\\nmsgid \"Cannot open[^\\n]*\\nmsgstr \"[^\"]")));  // a translation is never unmarked
        const QString ts = readAll(out + "/app.ts");
        QVERIFY(ts.contains("language=\"de\""));
        QVERIFY(!ts.contains("<translation>"));         // machine translations stay unfinished
        const QString lrelease = QStandardPaths::findExecutable("lrelease", {"/usr/lib/qt6/bin"});
        QVERIFY2(!lrelease.isEmpty(), "lrelease is not installed (Debian: qt6-l10n-tools)");
        QProcess lr;
        lr.start(lrelease, {out + "/app.ts", "-qm", m_dir.filePath("app.qm")});
        QVERIFY(lr.waitForFinished(20000));
        QCOMPARE(lr.exitCode(), 0);
        const QString md = readAll(out + "/guide.md");
        QVERIFY(md.contains("```sh\nlantern --version\n```"));  // code block untouched
        QVERIFY(md.startsWith("# "));
        QCOMPARE(md.count("\n- "), 2);
    }

    void translatesDocumentsValid() {
        // A Word document, subtitles and a web page: written valid, their structure kept (not their quality).
        const QString out = m_dir.filePath("docs");
        const Run r = runCli({"translate", "--to", "de", "--from", "en", "-m", modelPath(), "--json", "--output-dir",
                              out, e2e("note.docx"), e2e("clip.srt"), e2e("page.html")});
        QVERIFY2(r.exitCode == 0 || r.exitCode == 3, qPrintable(r.err));
        const QJsonArray files = QJsonDocument::fromJson(r.out).object().value("files").toArray();
        QCOMPARE(files.size(), 3);
        int segments = 0;
        for (const QJsonValue& fv : files) {
            QVERIFY2(!fv.toObject().contains("error"), qPrintable(fv.toObject().value("error").toString()));
            segments += int(fv.toObject().value("segments").toArray().size());
        }
        QCOMPARE(segments, 2 + 2 + 3);  // docx: 2 paragraphs; srt: 2 cues; html: title, paragraph, alt text
        QProcess unzip;
        unzip.start("unzip", {"-tq", out + "/note.docx"});
        QVERIFY(unzip.waitForFinished(20000));
        QCOMPARE(unzip.exitCode(), 0);
        QProcess docx;  // python-docx opens it and finds both paragraphs
        docx.start("/usr/bin/python3", {"-c", "import docx,sys; d=docx.Document(sys.argv[1]); "
                                              "print(len([p for p in d.paragraphs if p.text.strip()]))",
                                        out + "/note.docx"});
        QVERIFY(docx.waitForFinished(30000));
        QCOMPARE(docx.readAllStandardOutput().trimmed(), QByteArray("2"));
        const QString srt = readAll(out + "/clip.srt");
        QVERIFY(srt.startsWith("1\n00:00:01,000 --> 00:00:03,000\n"));  // numbers and timings untouched
        QVERIFY(srt.contains("\n\n2\n00:00:03,500 --> 00:00:06,000\n"));
        const QString html = readAll(out + "/page.html");
        QVERIFY(html.startsWith("<!DOCTYPE html>\n<html lang=\"de\">"));
        QVERIFY(html.contains("<img src=\"a.png\" alt=\""));
    }

    void opensNoNetworkSocket() {
        const lantern::test::SocketTrace t = lantern::test::traceSockets(
            QStringLiteral(LANTERN_CLI),
            {"translate", "--to", "de", "--from", "en", "-m", modelPath(), "-o", m_dir.filePath("p.md"), e2e("guide.md")},
            m_dir.filePath("socket.log"));
        QVERIFY2(t.error.isEmpty(), qPrintable(t.error));
        QVERIFY2(t.exitCode == 0 || t.exitCode == 3, qPrintable(t.err));
        QVERIFY2(t.violations.isEmpty(), qPrintable(t.violations.join('\n')));
        qInfo().noquote() << "the translation of a Markdown file:" << t.summary();
    }
};

QTEST_GUILESS_MAIN(TranslateCommandTest)
#include "translatetest.moc"
