// TranslationWorker on a real engine thread with the scripted test model, a real SQLite file and real files:
// the text view's segments stream in with placeholders and code intact; a .po job is written valid
// (msgfmt --check) and marked fuzzy; a glossary term reaches the prompt; and a job whose process is
// killed with SIGKILL mid-way resumes in a new process without translating the saved segments again.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <csignal>

#include "service/inferenceworker.h"
#include "service/translationworker.h"
#include "storage/translationstore.h"
#include "tests/ui/support/queuedspy.h"
#include "tests/ui/support/scriptedmodel.h"

using namespace lantern;
using namespace lantern::service;

namespace {

const char* kPo =
    "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
    "#, c-format\nmsgid \"Delete %s?\"\nmsgstr \"\"\n\n"
    "#, c-format\nmsgid \"Copy %s\"\nmsgstr \"\"\n\n"
    "#, c-format\nmsgid \"Move %s\"\nmsgstr \"\"\n\n"
    "#, c-format\nmsgid \"Open %s\"\nmsgstr \"\"\n";

// The scripted model answers the n-th request with answers[n]: the po job's four strings in order.
test::Script poScript(std::chrono::microseconds delay = std::chrono::microseconds(200)) {
    test::Script s;
    s.answers = {{"<x1/> ", "löschen?"}, {"<x1/> ", "kopieren"}, {"<x1/> ", "verschieben"}, {"<x1/> ", "öffnen"}};
    s.delay = delay;
    return s;
}

struct Rig {
    QThread thread;
    InferenceWorker* engine = nullptr;
    TranslationWorker* worker = nullptr;

    bool start(const test::Script& script, const QString& db) {
        engine = new InferenceWorker([script](const std::filesystem::path&, const LoadOptions&) -> Result<std::unique_ptr<Model>> {
            return std::make_unique<test::ScriptedTestModel>(script);
        });
        engine->moveToThread(&thread);
        worker = new TranslationWorker(engine, db);
        worker->moveToThread(&thread);
        QObject::connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
        QObject::connect(&thread, &QThread::finished, engine, &QObject::deleteLater);
        thread.start();
        test::QueuedSpy loaded(engine, &InferenceWorker::modelLoaded);
        QMetaObject::invokeMethod(engine, "loadModel", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("x.gguf")),
                                  Q_ARG(QString, QString()), Q_ARG(int, 0));
        QMetaObject::invokeMethod(worker, &TranslationWorker::start, Qt::QueuedConnection);
        return loaded.waitFor(1, 5000);
    }
    ~Rig() {
        if (worker) {
            worker->cancelText();
            worker->cancelJob(0);
        }
        thread.quit();
        thread.wait();
    }
};

TranslateOptions german() {
    TranslateOptions o;
    o.sourceLanguage = QStringLiteral("en");
    o.targetLanguage = QStringLiteral("de");
    return o;
}

QString readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// The child: queues `po` on `db` and works on it with a slow model until killed (the parent sends SIGKILL).
int childMain(const QString& db, const QString& po) {
    Rig rig;
    if (!rig.start(poScript(std::chrono::milliseconds(150)), db))
        return 2;
    QMetaObject::invokeMethod(rig.worker, [&] { rig.worker->addFiles({po}, german()); }, Qt::QueuedConnection);
    QTest::qWait(60000);
    return 0;
}

}  // namespace

class TranslationWorkerTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void textStreamsSegmentsWithPlaceholdersIntact() {
        test::Script script;
        script.answers = {{"Lösche ", "<x1/> Dateien ", "aus <x2/>."}, {"Dann ", "starte neu."}};
        Rig rig;
        QVERIFY(rig.start(script, m_dir.filePath("text.db")));
        test::QueuedSpy planned(rig.worker, &TranslationWorker::textPlanned);
        test::QueuedSpy previews(rig.worker, &TranslationWorker::segmentPreview);
        test::QueuedSpy done(rig.worker, &TranslationWorker::segmentDone);
        test::QueuedSpy finished(rig.worker, &TranslationWorker::textDone);
        const QString text = QStringLiteral("Delete {count} files from `/tmp`. Then restart.");
        QMetaObject::invokeMethod(rig.worker, [&] { rig.worker->translateText(1, text, german()); }, Qt::QueuedConnection);
        QVERIFY(finished.waitFor(1, 10000));
        QCOMPARE(planned.first().at(1).value<PlannedText>().sources,
                 QStringList({QStringLiteral("Delete {count} files from `/tmp`."), QStringLiteral("Then restart.")}));
        QVERIFY(previews.size() >= 3);
        QCOMPARE(done.size(), 2);
        QCOMPARE(done.at(0).at(2).toString(), QStringLiteral("Lösche {count} Dateien aus `/tmp`."));
        QCOMPARE(done.at(0).at(3).toString(), QStringLiteral("translated"));
        QCOMPARE(finished.first().at(1).toString(), QStringLiteral("Lösche {count} Dateien aus `/tmp`. Dann starte neu."));

        // A person's edit that loses the placeholder is reported, not silently taken.
        test::QueuedSpy checked(rig.worker, &TranslationWorker::editChecked);
        QMetaObject::invokeMethod(rig.worker, [&] { rig.worker->checkEdit(1, 0, QStringLiteral("Lösche Dateien aus `/tmp`.")); },
                                  Qt::QueuedConnection);
        QVERIFY(checked.waitFor(1, 5000));
        QVERIFY(!checked.first().at(2).toStringList().isEmpty());
    }

    void poJobIsWrittenValidAndFuzzyWithGlossaryInThePrompt() {
        const QString po = m_dir.filePath("app.po");
        QFile f(po);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kPo);
        f.close();
        const QString db = m_dir.filePath("job.db");
        {
            auto store = storage::TranslationStore::open(db);
            QVERIFY(store);
            storage::GlossaryTerm t;
            t.sourceLanguage = "en";
            t.targetLanguage = "de";
            t.source = "Delete";
            t.target = "löschen";
            QVERIFY((*store)->addTerm(t));
        }
        test::Script script = poScript();
        Rig rig;
        QVERIFY(rig.start(script, db));
        test::QueuedSpy jobs(rig.worker, &TranslationWorker::jobsChanged);
        QMetaObject::invokeMethod(rig.worker, [&] { rig.worker->addFiles({po}, german()); }, Qt::QueuedConnection);
        const QString out = m_dir.filePath("app.de.po");
        QVERIFY(QTest::qWaitFor([&] { return QFile::exists(out); }, 10000));
        const QString written = readAll(out);
        QVERIFY2(written.contains("#, fuzzy, c-format\nmsgid \"Delete %s?\"\nmsgstr \"%s löschen?\""), qPrintable(written));
        QVERIFY(written.contains("msgstr \"%s öffnen\""));
        QProcess msgfmt;
        msgfmt.start("msgfmt", {"--check", "-o", "/dev/null", out});
        QVERIFY(msgfmt.waitForFinished(10000));
        QCOMPARE(msgfmt.exitCode(), 0);
        // The glossary term was in the first segment's prompt, and only there.
        std::lock_guard lock(*script.seenMutex);
        QVERIFY(QString::fromStdString(script.seen->at(0).back().content).contains("löschen"));
        QVERIFY(!QString::fromStdString(script.seen->at(1).back().content).contains("löschen"));
    }

    void killedJobResumesInANewProcess() {
        const QString po = m_dir.filePath("resume.po");
        QFile f(po);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kPo);
        f.close();
        const QString db = m_dir.filePath("resume.db");
        // A child process queues the file and works on it with a slow model; it is killed once two segments
        // are stored.
        QProcess child;
        child.start(QCoreApplication::applicationFilePath(), {"--child", db, po});
        QVERIFY(child.waitForStarted());
        auto saved = [&] {
            auto store = storage::TranslationStore::open(db);
            if (!store)
                return -1;
            auto jobs = (*store)->listJobs();
            if (!jobs || jobs->isEmpty())
                return 0;
            auto segs = (*store)->segments(jobs->first().id);
            int n = 0;
            for (const auto& s : *segs)
                n += s.status != storage::SegmentStatus::Pending;
            return n;
        };
        QVERIFY(QTest::qWaitFor([&] { return saved() >= 2; }, 20000));
        ::kill(pid_t(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished(5000));
        const int before = saved();
        QVERIFY(before >= 2 && before < 4);
        {
            auto store = storage::TranslationStore::open(db);
            QVERIFY(store);
            auto unfinished = (*store)->unfinishedJobs();
            QVERIFY(unfinished && unfinished->size() == 1);
        }
        // A new run resumes: only the remaining segments reach the model, and the file is complete.
        test::Script rest;
        rest.answers = {{"<x1/> ", "weiter"}};
        Rig rig;
        QVERIFY(rig.start(rest, db));
        const QString out = m_dir.filePath("resume.de.po");
        QVERIFY(QTest::qWaitFor([&] { return QFile::exists(out); }, 10000));
        QCOMPARE(rest.calls->load(), 4 - before);
        const QString written = readAll(out);
        QVERIFY2(written.contains("msgstr \"%s löschen?\"") && written.contains("msgstr \"%s kopieren\""), qPrintable(written));
        QVERIFY(written.contains("msgstr \"%s weiter\""));
    }
};

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc == 4 && QByteArray(argv[1]) == "--child")
        return childMain(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    TranslationWorkerTest t;
    return QTest::qExec(&t, argc, argv);
}
#include "translationworkertest.moc"
