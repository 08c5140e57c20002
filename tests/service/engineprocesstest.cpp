// The engine in a child process (service/engine/): the real lantern-engine executable on a synthetic model with
// the CPU backend. Its answers must be the in-process engine's, byte for byte; every injected fault (a crash, a
// lost device, a hang, a kill) must end only the child, keep what was streamed, say what happened, and leave a
// restarted engine that answers the next request as if nothing had happened.
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "service/engine/engineprocess.h"
#include "service/errortext.h"
#include "service/inferenceworker.h"
#include "tests/support/testenv.h"

using namespace lantern;
using namespace lantern::service;

namespace {

std::filesystem::path modelPath() { return test::dataDir() / "models" / "tiny-llama-q8_0.gguf"; }

LoadOptions cpuOptions() {
    LoadOptions o;
    o.device = "cpu";
    o.threads = 1;
    o.contextLength = 512;
    return o;
}

GenerateOptions greedy(int maxTokens = 16) {
    GenerateOptions o;
    o.sampling.temperature = 0;
    o.maxTokens = maxTokens;
    return o;
}

const std::vector<ChatMessage> kQuestion{{"user", "Tell me about lanterns."}};

EngineProcessOptions processOptions(const QString& fault = {}) {
    EngineProcessOptions o;
    o.program = QStringLiteral(LANTERN_ENGINE_PROGRAM);
    o.fault = fault;
    o.watchdogMs = 1500;
    return o;
}

struct Answer {
    std::string text;
    int pieces = 0;
    Result<GenerateStats> stats;
};

Answer ask(Session& session, const std::vector<ChatMessage>& messages, const GenerateOptions& options = greedy()) {
    Answer a;
    const std::atomic<bool> cancel{false};
    a.stats = session.generate(messages, options, [&](std::string_view piece) {
        a.text.append(piece);
        ++a.pieces;
    }, cancel);
    return a;
}

// The running lantern-engine processes started by this test (Linux: from /proc).
QStringList engineChildren() {
    QStringList found;
    const QString self = QString::number(QCoreApplication::applicationPid());
    for (const QString& pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QString line = QString::fromLatin1(stat.readAll());
        const QStringList fields = line.mid(line.lastIndexOf(QLatin1Char(')')) + 2).split(QLatin1Char(' '));
        if (fields.size() > 1 && fields[1] == self && line.contains(QLatin1String("(lantern-engine)")) &&
            fields[0] != QLatin1String("Z"))
            found << pid;
    }
    return found;
}

}  // namespace

class EngineProcessTest : public QObject {
    Q_OBJECT

    Answer m_reference;  // the in-process engine's answer to kQuestion
    uint32_t m_referenceCount = 0;
    ModelInfo m_referenceInfo;

private slots:
    void initTestCase() {
        auto model = Engine::load(modelPath(), cpuOptions());
        QVERIFY2(model.has_value(), model ? "" : model.error().detail.c_str());
        m_referenceInfo = (*model)->info();
        auto session = (*model)->newSession();
        m_reference = ask(*session, kQuestion);
        QVERIFY(m_reference.stats.has_value());
        QVERIFY2(m_reference.pieces >= 4, "the fault cases need an answer of several pieces");
        m_referenceCount = *session->countTokens(kQuestion, greedy());
    }

    void answersAsTheEngineInThisProcess() {
        auto model = loadInEngineProcess(modelPath(), cpuOptions(), processOptions());
        QVERIFY2(model.has_value(), model ? "" : model.error().detail.c_str());
        QCOMPARE((*model)->info().architecture, std::string("llama"));
        QVERIFY((*model)->info().cpuBackend);
        QCOMPARE((*model)->info().contextLength, m_referenceInfo.contextLength);
        QCOMPARE((*model)->info().parameters, m_referenceInfo.parameters);
        QCOMPARE((*model)->info().path, modelPath());
        auto session = (*model)->newSession();
        const Answer a = ask(*session, kQuestion);
        QVERIFY(a.stats.has_value());
        QCOMPARE(a.text, m_reference.text);
        QCOMPARE(a.stats->generatedTokens, m_reference.stats->generatedTokens);
        QCOMPARE(a.stats->promptTokens, m_reference.stats->promptTokens);
        QCOMPARE(a.stats->stopReason, m_reference.stats->stopReason);
        QCOMPARE(*session->countTokens(kQuestion, greedy()), m_referenceCount);

        // The session keeps its KV cache in the engine process: the next turn reuses the first.
        std::vector<ChatMessage> turn2 = kQuestion;
        turn2.push_back({"assistant", a.text});
        turn2.push_back({"user", "And candles?"});
        const Answer b = ask(*session, turn2);
        QVERIFY(b.stats.has_value());
        QVERIFY2(b.stats->reusedTokens > 0, "the second turn should reuse the first turn's cache");
        // A second session is separate: it starts with an empty cache.
        auto other = (*model)->newSession();
        const Answer c = ask(*other, kQuestion);
        QCOMPARE(c.text, m_reference.text);
        QCOMPARE(c.stats->reusedTokens, 0u);
    }

    // The real default model (Gemma 3 270M) through the engine process: the same greedy answer as in this
    // process, and what the process costs per answer (wall time of the same request both ways, printed).
    void realModelAnswersTheSame() {
        const std::filesystem::path gemma = test::requireModel("gemma-3-270m-q4_k_m.gguf");
        LoadOptions options = cpuOptions();
        options.threads = 0;
        options.contextLength = 1024;
        // A plain continuation (the base model's own kind of prompt), so the answer runs its full length.
        const std::vector<ChatMessage> question{{"user", "The history of the lighthouse begins"}};
        GenerateOptions continuation = greedy(48);
        continuation.rawPrompt = true;
        const auto timed = [&](Model& model) {
            auto session = model.newSession();
            Answer a;
            double best = 1e300;
            for (int run = 0; run < 3; ++run) {  // the fastest of three: these machines are noisy
                session->reset();
                QElapsedTimer t;
                t.start();
                a = ask(*session, question, continuation);
                best = std::min(best, t.nsecsElapsed() / 1e6);
            }
            return std::pair{std::move(a), best};
        };
        auto inProcess = Engine::load(gemma, options);
        QVERIFY(inProcess.has_value());
        auto [local, localMs] = timed(**inProcess);
        inProcess->reset();
        auto viaProcess = loadInEngineProcess(gemma, options, processOptions());
        QVERIFY2(viaProcess.has_value(), viaProcess ? "" : viaProcess.error().detail.c_str());
        auto [remote, remoteMs] = timed(**viaProcess);
        QVERIFY(local.stats.has_value() && remote.stats.has_value());
        QCOMPARE(local.stats->generatedTokens, 48u);
        QCOMPARE(remote.text, local.text);
        QCOMPARE(remote.stats->generatedTokens, local.stats->generatedTokens);
        qInfo("Gemma 3 270M, %u tokens: %.1f ms in this process, %.1f ms through lantern-engine (%.3fx)",
              local.stats->generatedTokens, localMs, remoteMs, remoteMs / localMs);
    }

    void faultEndsOnlyTheEngine_data() {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<QString>("says");
        QTest::newRow("crash") << "crash:3" << "The engine crashed (signal 11";
        QTest::newRow("device lost") << "device-lost:3" << "The GPU driver stopped responding. The device was lost during the answer";
        QTest::newRow("hang") << "hang:3" << "The GPU driver stopped responding: the engine gave no sign of life for 2 s";
        QTest::newRow("out of memory kill") << "kill:3" << "The system stopped the engine (signal 9), usually because memory ran out.";
    }

    void faultEndsOnlyTheEngine() {
        QFETCH(QString, fault);
        QFETCH(QString, says);
        auto model = loadInEngineProcess(modelPath(), cpuOptions(), processOptions(fault));
        QVERIFY2(model.has_value(), model ? "" : model.error().detail.c_str());
        auto session = (*model)->newSession();
        const Answer broken = ask(*session, kQuestion);
        QVERIFY(!broken.stats.has_value());
        QCOMPARE(broken.stats.error().code, Errc::EngineStopped);
        const QString sentence = describeError(broken.stats.error());
        QVERIFY2(sentence.startsWith(says), qPrintable(sentence));
        QVERIFY2(sentence.endsWith(QStringLiteral("Lantern restarted the engine. Retry?")), qPrintable(sentence));
        // What streamed before the fault is the start of the real answer (a crash may lose the last pieces in
        // flight; a hang or a lost device loses none).
        QVERIFY(broken.pieces <= 3);
        QVERIFY(m_reference.text.starts_with(broken.text));
        if (fault.startsWith(QLatin1String("hang")) || fault.startsWith(QLatin1String("device")))
            QCOMPARE(broken.pieces, 3);
        // The restarted engine (no fault this time) gives the whole answer, in the same session object.
        const Answer again = ask(*session, kQuestion);
        QVERIFY2(again.stats.has_value(), again.stats ? "" : again.stats.error().detail.c_str());
        QCOMPARE(again.text, m_reference.text);
    }

    // A model that brings the engine down at every answer is not restarted for ever: after maxRestarts stops in
    // a row the request says so; the next request tries again.
    void repeatedStopsEndTheRestarts() {
        EngineProcessOptions o = processOptions(QStringLiteral("crash:1"));
        o.faultOnRestarts = true;
        o.maxRestarts = 2;
        auto model = loadInEngineProcess(modelPath(), cpuOptions(), o);
        QVERIFY(model.has_value());
        auto session = (*model)->newSession();
        QCOMPARE(ask(*session, kQuestion).stats.error().code, Errc::EngineStopped);
        QCOMPARE(ask(*session, kQuestion).stats.error().code, Errc::EngineStopped);
        const Answer third = ask(*session, kQuestion);
        QCOMPARE(third.stats.error().code, Errc::DeviceLost);
        QVERIFY2(third.stats.error().detail.find("stopped 3 times in a row, so Lantern did not start it again") !=
                     std::string::npos, third.stats.error().detail.c_str());
        const Answer fourth = ask(*session, kQuestion);  // starts an engine again (which crashes again)
        QCOMPARE(fourth.stats.error().code, Errc::DeviceLost);
    }

    // Killed while idle (the system's out-of-memory killer picks the biggest process): the next request starts
    // a new engine and is answered, with no error, since no answer was in flight.
    void killedWhileIdleRestartsQuietly() {
#ifndef Q_OS_LINUX
        QSKIP("finds the engine's pid in /proc (Linux only)");
#endif
        auto model = loadInEngineProcess(modelPath(), cpuOptions(), processOptions());
        QVERIFY(model.has_value());
        auto session = (*model)->newSession();
        QCOMPARE(ask(*session, kQuestion).text, m_reference.text);
        const QStringList engines = engineChildren();
        QCOMPARE(engines.size(), 1);
        QVERIFY(QProcess::execute(QStringLiteral("kill"), {QStringLiteral("-9"), engines.first()}) == 0);
        QTest::qWait(100);
        const Answer after = ask(*session, kQuestion);
        QVERIFY2(after.stats.has_value(), after.stats ? "" : after.stats.error().detail.c_str());
        QCOMPARE(after.text, m_reference.text);
        const QStringList now = engineChildren();
        QCOMPARE(now.size(), 1);
        QVERIFY(now.first() != engines.first());
    }

    void stopReachesTheEngineMidAnswer() {
        auto model = loadInEngineProcess(modelPath(), cpuOptions(), processOptions());
        QVERIFY(model.has_value());
        auto session = (*model)->newSession();
        std::atomic<bool> cancel{false};
        int pieces = 0;
        auto stats = session->generate(kQuestion, greedy(50), [&](std::string_view) {
            if (++pieces == 2)
                cancel.store(true);
        }, cancel);
        QVERIFY2(stats.has_value(), stats ? "" : stats.error().detail.c_str());
        QCOMPARE(stats->stopReason, std::string("cancelled"));
        QVERIFY2(pieces < 40, "Stop should end the answer within a few tokens");
        QVERIFY(stats->generatedTokens < 40);
        const Answer after = ask(*session, kQuestion);
        QCOMPARE(after.text, m_reference.text);
    }

    void brokenFileIsRefusedAsInProcess() {
        QTemporaryDir dir;
        const std::filesystem::path bad = std::filesystem::path(dir.path().toStdString()) / "broken.gguf";
        {
            QFile f(QString::fromStdString(bad.string()));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("GGUF\x03\x00\x00\x00 this is not a model", 29);
        }
        auto inProcess = Engine::load(bad, cpuOptions());
        auto viaProcess = loadInEngineProcess(bad, cpuOptions(), processOptions());
        QVERIFY(!inProcess.has_value());
        QVERIFY(!viaProcess.has_value());
        QCOMPARE(viaProcess.error().code, inProcess.error().code);
        QCOMPARE(viaProcess.error().detail, inProcess.error().detail);
    }

    void missingProgramSaysSo() {
        EngineProcessOptions o = processOptions();
        o.program = QStringLiteral("/nonexistent/lantern-engine");
        auto model = loadInEngineProcess(modelPath(), cpuOptions(), o);
        QVERIFY(!model.has_value());
        QVERIFY2(model.error().detail.find("lantern-engine was not found") != std::string::npos,
                 model.error().detail.c_str());
    }

    // The worker turns a stopped engine into generationInterrupted, keeping the streamed text, and the next
    // request is answered by the restarted engine.
    void cleanupTestCase() {
#ifdef Q_OS_LINUX
        // No engine process outlives its model: none of this test's children is left.
        const QStringList left = engineChildren();
        QVERIFY2(left.isEmpty(), qPrintable(QStringLiteral("engine processes left running: ") + left.join(u' ')));
#endif
    }

    void workerReportsInterruptedAndRecovers() {
        InferenceWorker worker([](const std::filesystem::path& p, const LoadOptions& o) {
            LoadOptions cpu = o;
            cpu.device = "cpu";
            cpu.threads = 1;
            return loadInEngineProcess(p, cpu, processOptions(QStringLiteral("crash:3")));
        });
        QSignalSpy loaded(&worker, &InferenceWorker::modelLoaded);
        QSignalSpy text(&worker, &InferenceWorker::textArrived);
        QSignalSpy interrupted(&worker, &InferenceWorker::generationInterrupted);
        QSignalSpy failed(&worker, &InferenceWorker::generationFailed);
        QSignalSpy finished(&worker, &InferenceWorker::generationFinished);
        worker.loadModel(QString::fromStdString(modelPath().string()), QString(), 512);
        QCOMPARE(loaded.count(), 1);
        worker.generate(1, kQuestion, greedy());
        QCOMPARE(interrupted.count(), 1);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(interrupted.at(0).at(0).toULongLong(), 1ull);
        QVERIFY(interrupted.at(0).at(1).toString().contains(QStringLiteral("Lantern restarted the engine. Retry?")));
        worker.generate(2, kQuestion, greedy());
        QCOMPARE(finished.count(), 1);
        QString second;
        for (const auto& args : text)
            if (args.at(0).toULongLong() == 2)
                second += args.at(1).toString();
        QCOMPARE(second.toStdString(), m_reference.text);
    }
};

QTEST_GUILESS_MAIN(EngineProcessTest)
#include "engineprocesstest.moc"
