// ApiServer: the real InferenceWorker on its QThread, the real scheduler and HTTP server, and real requests over
// loopback (cpp-httplib's client). The model is an echo test double: each session answers "WORD N" with WORDs
// numbered 0..N-1 and logs which session ran which request, so a test sees who ran when, and in which KV cache.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QThread>
#include <QtTest>

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "service/apiserver.h"
#include "service/inferenceworker.h"
#include "tests/ui/support/queuedspy.h"

using namespace lantern;
using namespace lantern::service;
using namespace std::chrono_literals;

namespace {

// What the echo model did, across its sessions and threads.
struct EchoLog {
    struct Run {
        int session;
        std::string word;
        bool finished = false;
    };
    std::mutex mutex;
    std::vector<Run> runs;
    std::atomic<int> sessions{0};

    std::vector<Run> snapshot() {
        const std::lock_guard lock(mutex);
        return runs;
    }
};

// TEST DOUBLE: answers the last message "WORD N" with "WORD0 WORD1 ... WORD(N-1) ", one piece every 3 ms.
class EchoSession final : public Session {
public:
    explicit EchoSession(std::shared_ptr<EchoLog> log) : m_log(std::move(log)), m_id(m_log->sessions.fetch_add(1)) {}
    Result<GenerateStats> generate(std::span<const ChatMessage> messages, const GenerateOptions&,
                                   const std::function<void(std::string_view)>& onText,
                                   const std::atomic<bool>& cancel) override {
        const std::string& last = messages.back().content;
        const size_t space = last.find(' ');
        const std::string word = last.substr(0, space);
        const int count = space == std::string::npos ? 3 : std::stoi(last.substr(space + 1));
        size_t index = 0;
        {
            const std::lock_guard lock(m_log->mutex);
            index = m_log->runs.size();
            m_log->runs.push_back({m_id, word});
        }
        GenerateStats stats;
        stats.promptTokens = uint32_t(messages.size());
        stats.stopReason = "eos";
        for (int i = 0; i < count; ++i) {
            if (cancel.load()) {
                stats.stopReason = "cancelled";
                break;
            }
            std::this_thread::sleep_for(3ms);
            onText(word + std::to_string(i) + " ");
            ++stats.generatedTokens;
        }
        const std::lock_guard lock(m_log->mutex);
        m_log->runs[index].finished = true;
        return stats;
    }
    Result<uint32_t> countTokens(std::span<const ChatMessage> messages, const GenerateOptions&) override {
        return uint32_t(messages.size() * 4);
    }
    void reset() override {}

private:
    std::shared_ptr<EchoLog> m_log;
    int m_id;
};

class EchoModel final : public Model {
public:
    explicit EchoModel(std::shared_ptr<EchoLog> log) : m_log(std::move(log)) {
        m_info.name = "Echo test double";
        m_info.architecture = "test";
        m_info.contextLength = 2048;
    }
    const ModelInfo& info() const override { return m_info; }
    std::unique_ptr<Session> newSession() override { return std::make_unique<EchoSession>(m_log); }

private:
    std::shared_ptr<EchoLog> m_log;
    ModelInfo m_info;
};

QString expected(const std::string& word, int count) {
    std::string s;
    for (int i = 0; i < count; ++i)
        s += word + std::to_string(i) + " ";
    return QString::fromStdString(s);
}

std::string chatBody(const std::string& content) {
    return R"({"messages":[{"role":"user","content":")" + content + R"("}]})";
}

QJsonObject json(const std::string& body) { return QJsonDocument::fromJson(QByteArray::fromStdString(body)).object(); }

QString replyText(const httplib::Result& r) {
    return json(r->body)[u"choices"].toArray().at(0)[u"message"][u"content"].toString();
}

}  // namespace

class ApiServerTest : public QObject {
    Q_OBJECT

    QThread m_thread;
    InferenceWorker* m_worker = nullptr;
    std::shared_ptr<EchoLog> m_log;
    std::shared_ptr<std::atomic<bool>> m_loadGate;  // a load waits while this is false
    std::unique_ptr<ApiServer> m_server;

    void load() {
        test::QueuedSpy loaded(m_worker, &InferenceWorker::modelLoaded);
        QMetaObject::invokeMethod(m_worker, "loadModel", Qt::QueuedConnection,
                                  Q_ARG(QString, QStringLiteral("/models/echo-model.gguf")), Q_ARG(QString, QString()),
                                  Q_ARG(int, 0));
        QVERIFY(loaded.waitFor(1, 5000));
    }
    httplib::Client client() const {
        httplib::Client c("127.0.0.1", m_server->port());
        c.set_read_timeout(20, 0);
        return c;
    }
    void chat(quint64 id, const std::string& content) {
        QMetaObject::invokeMethod(m_worker, "generate", Qt::QueuedConnection, Q_ARG(quint64, id),
                                  Q_ARG(std::vector<lantern::ChatMessage>, (std::vector<ChatMessage>{{"user", content}})),
                                  Q_ARG(lantern::GenerateOptions, GenerateOptions{}));
    }
    bool started(const std::string& word) {
        return QTest::qWaitFor(
            [&] {
                for (const auto& run : m_log->snapshot())
                    if (run.word == word)
                        return true;
                return false;
            },
            5000);
    }

private slots:
    void init() {
        m_log = std::make_shared<EchoLog>();
        m_loadGate = std::make_shared<std::atomic<bool>>(true);
        m_worker = new InferenceWorker(
            [log = m_log, gate = m_loadGate](const std::filesystem::path&, const LoadOptions&) -> Result<std::unique_ptr<Model>> {
                while (!gate->load())
                    std::this_thread::sleep_for(1ms);
                return std::make_unique<EchoModel>(log);
            });
        m_worker->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
        m_thread.start();
        m_server = std::make_unique<ApiServer>(m_worker);
        load();
        QVERIFY(m_server->start(QStringLiteral("127.0.0.1"), 0, {}));
        QVERIFY(m_server->running());
        QVERIFY(m_server->port() > 0);
        QCOMPARE(m_server->url(), QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server->port()));
    }
    void cleanup() {
        m_server.reset();  // before the worker's thread ends, as in the app
        m_worker->cancelGeneration(~0ull);
        m_thread.quit();
        m_thread.wait();
        m_worker = nullptr;
    }

    void answersHealthAndACompletion() {
        auto c = client();
        auto health = c.Get("/health");
        QVERIFY(health);
        QCOMPARE(health->status, 200);
        QCOMPARE(json(health->body)[u"model"].toString(), QStringLiteral("echo-model"));
        auto reply = c.Post("/v1/chat/completions", chatBody("hello 4"), "application/json");
        QVERIFY(reply);
        QCOMPARE(reply->status, 200);
        QCOMPARE(replyText(reply), expected("hello", 4));
        QCOMPARE(json(reply->body)[u"model"].toString(), QStringLiteral("echo-model"));
    }

    // The chat and the server take turns on the one thread, each in its own session, and neither's text reaches
    // the other. The chat, asked while server request A runs, goes before B and C, which were queued earlier.
    void chatAndServerTakeTurnsWithoutMixing() {
        auto ask = [port = m_server->port()](std::string content) {
            httplib::Client c("127.0.0.1", port);
            c.set_read_timeout(20, 0);
            auto r = c.Post("/v1/chat/completions", chatBody(content), "application/json");
            return r && r->status == 200 ? replyText(r) : QStringLiteral("HTTP error");
        };
        auto a = std::async(std::launch::async, ask, "apia 60");
        QVERIFY(started("apia"));
        auto b = std::async(std::launch::async, ask, "apib 10");
        auto cc = std::async(std::launch::async, ask, "apic 10");
        std::this_thread::sleep_for(30ms);  // B and C are queued behind A
        QString chatText;
        connect(m_worker, &InferenceWorker::textArrived, this, [&](quint64, const QString& t) { chatText += t; });
        test::QueuedSpy finished(m_worker, &InferenceWorker::generationFinished);
        QVERIFY(!m_log->snapshot().front().finished);  // A still runs while the chat asks
        chat(1, "chat 20");
        QVERIFY(finished.waitFor(1, 10000));
        QCOMPARE(a.get(), expected("apia", 60));
        QCOMPARE(b.get(), expected("apib", 10));
        QCOMPARE(cc.get(), expected("apic", 10));
        QCOMPARE(chatText, expected("chat", 20));

        const auto runs = m_log->snapshot();
        QCOMPARE(runs.size(), 4u);
        QCOMPARE(QString::fromStdString(runs[0].word), QStringLiteral("apia"));
        QCOMPARE(QString::fromStdString(runs[1].word), QStringLiteral("chat"));  // not behind the server's whole queue
        const int chatSession = runs[1].session;
        for (const auto& run : runs)
            if (run.word != "chat")
                QVERIFY2(run.session != chatSession, "a server request ran in the chat's session");
    }

    void unloadingMakesTheServerAnswer503() {
        test::QueuedSpy unloaded(m_worker, &InferenceWorker::modelUnloaded);
        QMetaObject::invokeMethod(m_worker, "unloadModel", Qt::QueuedConnection);
        QVERIFY(unloaded.waitFor(1, 5000));
        auto c = client();
        auto health = c.Get("/health");
        QVERIFY(health);
        QCOMPARE(health->status, 503);
        auto reply = c.Post("/v1/chat/completions", chatBody("hello 2"), "application/json");
        QVERIFY(reply);
        QCOMPARE(reply->status, 503);
        QCOMPARE(json(reply->body)[u"error"][u"code"].toString(), QStringLiteral("no_model"));
        // A model loaded again is served again.
        load();
        auto again = c.Post("/v1/chat/completions", chatBody("back 2"), "application/json");
        QVERIFY(again);
        QCOMPARE(again->status, 200);
        QCOMPARE(replyText(again), expected("back", 2));
    }

    void saysLoadingWhileTheModelLoads() {
        m_loadGate->store(false);
        test::QueuedSpy loaded(m_worker, &InferenceWorker::modelLoaded);
        QMetaObject::invokeMethod(m_worker, "loadModel", Qt::QueuedConnection,
                                  Q_ARG(QString, QStringLiteral("/models/other.gguf")), Q_ARG(QString, QString()),
                                  Q_ARG(int, 0));
        auto c = client();
        QVERIFY(QTest::qWaitFor([&] {
            auto h = c.Get("/health");
            return h && h->status == 503 && json(h->body)[u"status"].toString() == QLatin1String("loading");
        }, 5000));
        m_loadGate->store(true);
        QVERIFY(loaded.waitFor(1, 5000));
        auto h = c.Get("/health");
        QVERIFY(h);
        QCOMPARE(h->status, 200);
        QCOMPARE(json(h->body)[u"model"].toString(), QStringLiteral("other"));
    }

    void stopsAndStartsAgainOnTheSamePort() {
        const int port = m_server->port();
        m_server->stop();
        QVERIFY(!m_server->running());
        QVERIFY(m_server->url().isEmpty());
        {
            httplib::Client c("127.0.0.1", port);
            c.set_connection_timeout(1, 0);
            QVERIFY(!c.Get("/health"));  // nobody listens
        }
        QVERIFY(m_server->start(QStringLiteral("127.0.0.1"), port, {}));
        QCOMPARE(m_server->port(), port);
        auto h = client().Get("/health");
        QVERIFY(h);
        QCOMPARE(h->status, 200);
    }

    void otherDevicesNeedAKey() {
        QVERIFY(!m_server->start(QStringLiteral("0.0.0.0"), 0, {}));
        QVERIFY(!m_server->running());
        QVERIFY(!m_server->lastError().isEmpty());
        QVERIFY(m_server->start(QStringLiteral("0.0.0.0"), 0, QStringLiteral("sekrit")));
        QVERIFY(m_server->lastError().isEmpty());
        QCOMPARE(m_server->url(), QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server->port()));
        auto c = client();
        auto refused = c.Get("/v1/models");
        QVERIFY(refused);
        QCOMPARE(refused->status, 401);
        c.set_bearer_token_auth("sekrit");
        auto models = c.Get("/v1/models");
        QVERIFY(models);
        QCOMPARE(models->status, 200);
    }

    void aTakenPortIsASentence() {
        QTcpServer other;  // another program's socket
        QVERIFY(other.listen(QHostAddress::LocalHost, 0));
        const int port = other.serverPort();
        const bool started = m_server->start(QStringLiteral("127.0.0.1"), port, {});
        QVERIFY(!started);
        QVERIFY(!m_server->running());
        QVERIFY2(m_server->lastError().contains(QString::number(port)), qPrintable(m_server->lastError()));
    }

    // Turning the server off while its request waits behind a long chat answer does not wait for that answer.
    void stopDoesNotWaitForTheChat() {
        QString chatText;
        connect(m_worker, &InferenceWorker::textArrived, this, [&](quint64, const QString& t) { chatText += t; });
        test::QueuedSpy finished(m_worker, &InferenceWorker::generationFinished);
        chat(1, "chat 300");
        QVERIFY(started("chat"));
        auto queued = std::async(std::launch::async, [port = m_server->port()] {
            httplib::Client c("127.0.0.1", port);
            c.set_read_timeout(20, 0);
            return c.Post("/v1/chat/completions", chatBody("queued 3"), "application/json");
        });
        std::this_thread::sleep_for(50ms);  // submitted, waiting for the chat
        QElapsedTimer clock;
        clock.start();
        m_server->stop();
        QVERIFY2(clock.elapsed() < 800, "stop() waited for the chat answer");
        QVERIFY(!m_log->snapshot().front().finished);
        QVERIFY(finished.waitFor(1, 10000));
        QCOMPARE(chatText, expected("chat", 300));
        QVERIFY(queued.wait_for(5s) == std::future_status::ready);
        QCOMPARE(m_log->snapshot().size(), 1u);  // the cancelled request never generated
    }

    // Destroyed while a request runs: the request is cancelled, its client gets an answer or a closed
    // connection (never a hang), and the worker goes on serving the chat.
    void goesAwayMidRequestWithoutHarm() {
        auto pending = std::async(std::launch::async, [port = m_server->port()] {
            httplib::Client c("127.0.0.1", port);
            c.set_read_timeout(20, 0);
            return bool(c.Post("/v1/chat/completions", chatBody("long 2000"), "application/json"));
        });
        QVERIFY(started("long"));
        QElapsedTimer clock;
        clock.start();
        m_server.reset();
        QVERIFY2(clock.elapsed() < 3000, "the server took too long to stop");
        QVERIFY(pending.wait_for(5s) == std::future_status::ready);
        QVERIFY(m_log->snapshot().front().finished);
        QString chatText;
        connect(m_worker, &InferenceWorker::textArrived, this, [&](quint64, const QString& t) { chatText += t; });
        test::QueuedSpy finished(m_worker, &InferenceWorker::generationFinished);
        chat(2, "after 3");
        QVERIFY(finished.waitFor(1, 5000));
        QCOMPARE(chatText, expected("after", 3));
    }
};

QTEST_MAIN(ApiServerTest)
#include "apiservertest.moc"
