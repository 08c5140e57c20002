// InferenceWorker: the real worker in a real QThread, driven with queued calls like the controller does.
// The model is the scripted test double of tests/ui/support/scriptedmodel.h (or the real Engine::load
// for the failure path), so what is checked is the threading, batching, cancel and error behaviour.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>

#include "tests/ui/support/queuedspy.h"
#include "tests/ui/support/scriptedmodel.h"
#include "service/errortext.h"
#include "service/inferenceworker.h"

using namespace lantern;
using namespace lantern::service;

class InferenceWorkerTest : public QObject {
    Q_OBJECT

    QThread m_thread;
    InferenceWorker* m_worker = nullptr;
    test::Script m_script;

    void start(test::Script script) {
        m_script = script;
        m_worker = new InferenceWorker([script](const std::filesystem::path&, const LoadOptions&) -> Result<std::unique_ptr<Model>> {
            return std::make_unique<test::ScriptedTestModel>(script);
        });
        m_worker->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
        m_thread.start();
        test::QueuedSpy loaded(m_worker, &InferenceWorker::modelLoaded);
        QMetaObject::invokeMethod(m_worker, "loadModel", Qt::QueuedConnection, Q_ARG(QString, QStringLiteral("x.gguf")),
                                  Q_ARG(QString, QString()), Q_ARG(int, 0));
        QVERIFY(loaded.waitFor(1, 5000));
        QCOMPARE(loaded.first().first().value<LoadedModel>().name, QStringLiteral("Scripted test double"));
    }
    void generate(quint64 id) {
        std::vector<ChatMessage> messages{{"user", "hello"}};
        QMetaObject::invokeMethod(m_worker, "generate", Qt::QueuedConnection, Q_ARG(quint64, id),
                                  Q_ARG(std::vector<lantern::ChatMessage>, messages),
                                  Q_ARG(lantern::GenerateOptions, GenerateOptions{}));
    }

private slots:
    void cleanup() {
        if (m_worker)
            m_worker->cancelGeneration(~0ull);
        m_thread.quit();
        m_thread.wait();
        m_worker = nullptr;
    }

    void streamsEverythingInBatchesOnTheGuiThread() {
        test::Script script;
        for (int i = 0; i < 300; ++i)
            script.pieces.push_back(QStringLiteral("w%1 ").arg(i).toStdString());
        script.delay = std::chrono::microseconds(500);
        start(script);
        QString received;
        int batches = 0;
        bool onGuiThread = true;
        connect(m_worker, &InferenceWorker::textArrived, this, [&](quint64 id, const QString& text) {
            QCOMPARE(id, quint64(1));
            onGuiThread = onGuiThread && QThread::currentThread() == thread();
            received += text;
            ++batches;
        });
        test::QueuedSpy finished(m_worker, &InferenceWorker::generationFinished);
        QElapsedTimer clock;
        clock.start();
        generate(1);
        QVERIFY(finished.waitFor(1, 10000));
        const qint64 elapsedMs = clock.elapsed();
        QString expected;
        for (const auto& p : script.pieces)
            expected += QString::fromStdString(p);
        QCOMPARE(received, expected);
        QVERIFY(onGuiThread);
        // At most one delivery per 16 ms (plus the final flush), far fewer than the 300 pieces.
        QVERIFY2(batches <= elapsedMs / InferenceWorker::kBatchIntervalMs + 2,
                 qPrintable(QStringLiteral("%1 batches in %2 ms").arg(batches).arg(elapsedMs)));
        QVERIFY(batches < 150);
        QVERIFY(batches >= 2);
        const auto stats = finished.first().at(1).value<GenerateStats>();
        QCOMPARE(stats.generatedTokens, 300u);
        QCOMPARE(QString::fromStdString(stats.stopReason), QStringLiteral("eos"));
        QCOMPARE(m_script.seen->size(), size_t(1));
        QCOMPARE(QString::fromStdString(m_script.seen->front().front().content), QStringLiteral("hello"));
    }

    void stopIsImmediate() {
        test::Script script;
        for (int i = 0; i < 2000; ++i)
            script.pieces.push_back("x");
        script.delay = std::chrono::milliseconds(2);
        start(script);
        QString received;
        connect(m_worker, &InferenceWorker::textArrived, this, [&](quint64, const QString& t) { received += t; });
        test::QueuedSpy text(m_worker, &InferenceWorker::textArrived);
        test::QueuedSpy finished(m_worker, &InferenceWorker::generationFinished);
        generate(7);
        QVERIFY(text.waitFor(1, 5000));
        QElapsedTimer clock;
        clock.start();
        m_worker->cancelGeneration(7);  // direct call from the GUI thread, like the Stop button
        QVERIFY(finished.waitFor(1, 5000));
        QVERIFY2(clock.elapsed() < 500, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(QString::fromStdString(finished.first().at(1).value<GenerateStats>().stopReason),
                 QStringLiteral("cancelled"));
        QVERIFY(received.size() < 2000);
        QVERIFY(!received.isEmpty());
    }

    void stopBeforeStartCancelsOnlyThatRequest() {
        test::Script script;
        script.pieces = {"a", "b", "c"};
        start(script);
        test::QueuedSpy finished(m_worker, &InferenceWorker::generationFinished);
        test::QueuedSpy text(m_worker, &InferenceWorker::textArrived);
        m_worker->cancelGeneration(3);
        generate(3);
        generate(4);
        QVERIFY(finished.waitFor(2));
        QCOMPARE(finished.at(0).at(0).toULongLong(), 3ull);
        QCOMPARE(QString::fromStdString(finished.at(0).at(1).value<GenerateStats>().stopReason), QStringLiteral("cancelled"));
        QCOMPARE(finished.at(1).at(0).toULongLong(), 4ull);
        QCOMPARE(QString::fromStdString(finished.at(1).at(1).value<GenerateStats>().stopReason), QStringLiteral("eos"));
        QCOMPARE(text.size(), 1);
        QCOMPARE(text.first().at(1).toString(), QStringLiteral("abc"));
    }

    void countsTokensThroughTheSession() {
        test::Script script;
        start(script);
        test::QueuedSpy counted(m_worker, &InferenceWorker::tokensCounted);
        std::vector<ChatMessage> messages{{"user", std::string(400, 'a')}};
        QMetaObject::invokeMethod(m_worker, "countTokens", Qt::QueuedConnection, Q_ARG(quint64, 9),
                                  Q_ARG(std::vector<lantern::ChatMessage>, messages));
        QVERIFY(counted.waitFor(1, 5000));
        QCOMPARE(counted.first().at(1).toInt(), 104);  // the double's rule: chars/4 + 4 per message
    }

    // The real engine facade, on a file that does not exist: the failure reaches the GUI as a sentence.
    void loadFailureIsASentence() {
        m_worker = new InferenceWorker();
        m_worker->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
        m_thread.start();
        test::QueuedSpy failed(m_worker, &InferenceWorker::modelLoadFailed);
        test::QueuedSpy loaded(m_worker, &InferenceWorker::modelLoaded);
        const QString path = QDir::temp().filePath(QStringLiteral("lantern-no-such-model.gguf"));
        QMetaObject::invokeMethod(m_worker, "loadModel", Qt::QueuedConnection, Q_ARG(QString, path),
                                  Q_ARG(QString, QString()), Q_ARG(int, 0));
        QVERIFY(failed.waitFor(1, 10000));
        QCOMPARE(loaded.size(), 0);
        const QString message = failed.first().at(1).toString();
        QVERIFY(message.endsWith(QLatin1Char(')')) || message.endsWith(QLatin1Char('.')));
        QVERIFY(!message.contains(QStringLiteral("file-not-found")));
        QVERIFY(!message.contains(QStringLiteral("model-unsupported")));
        // And without a model, a request fails with a sentence instead of hanging.
        test::QueuedSpy genFailed(m_worker, &InferenceWorker::generationFailed);
        generate(1);
        QVERIFY(genFailed.waitFor(1, 5000));
        QVERIFY(genFailed.first().at(1).toString().contains(QStringLiteral("No model is loaded")));
    }
};

QTEST_GUILESS_MAIN(InferenceWorkerTest)
#include "inferenceworkertest.moc"
