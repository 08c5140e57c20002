// Hybrid routing in the chat (ui/chat/chatrouting.h, chatcontrollerrouting.cpp): ChatController with the real
// store, the real InferenceWorker thread over the scripted test double, the real EndpointStore (its own INI
// file) and RemoteGate, and a fake OpenAI endpoint on 127.0.0.1 that counts every connection made to it.
// What is checked: a Private conversation never reaches the endpoint (0 connections, and the gate refuses
// anyway); MayUseRemote with a remote policy streams from the endpoint into the message model and the store
// with the endpoint recorded; Automatic routes by the prompt's size and by "deep"; a failing engine becomes
// a question, never a silent switch; the first message to a host asks; titles of a Private chat stay local.
#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "service/remote/endpoints.h"
#include "service/remote/router.h"
#include "storage/conversationstore.h"
#include "tests/ui/support/fakeendpoint.h"
#include "tests/ui/support/scriptedmodel.h"
#include "tests/ui/support/userdirs.h"
#include "ui/chat/chatcontroller.h"
#include "ui/settings/appsettings.h"

using namespace lantern;
using namespace lantern::ui;

class ChatRoutingTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    test::Script m_script;
    std::unique_ptr<test::FakeEndpoint> m_remote;
    std::unique_ptr<ChatController> m_controller;
    AppSettings* m_settings = nullptr;
    service::EndpointStore* m_endpoints = nullptr;  // owned by the controller's ChatRouting
    QString m_endpointId;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    bool m_failLoad = false;

    QString dbPath() const { return m_dir.filePath(QStringLiteral("conversations.sqlite3")); }

    void makeController(bool confirmHost = true) {
        m_script = {};
        m_script.pieces = {"Local ", "answer."};
        auto store = storage::ConversationStore::open(dbPath());
        QVERIFY(store.has_value());
        m_settings = new AppSettings(this);
        m_settings->setSystemPrompt({});
        auto endpoints = std::make_unique<service::EndpointStore>(m_dir.filePath(QStringLiteral("endpoints.ini")),
                                                                  QStringLiteral("lantern-ui-routing-test"));
        m_endpoints = endpoints.get();
        m_remote = std::make_unique<test::FakeEndpoint>();
        m_endpointId = m_endpoints->addEndpoint({{}, QStringLiteral("Workstation"), m_remote->baseUrl(),
                                                 QStringLiteral("big-model")});
        QVERIFY(!m_endpointId.isEmpty());
        if (confirmHost)
            m_endpoints->confirmHost(m_remote->host());
        const bool failLoad = m_failLoad;
        const test::Script script = m_script;
        m_controller = std::make_unique<ChatController>(
            std::move(*store), QString(), m_settings,
            [script, failLoad](const std::filesystem::path&, const LoadOptions&) -> Result<std::unique_ptr<Model>> {
                if (failLoad)
                    return fail(Errc::OutOfDeviceMemory, "Loading needs 6.1 GB; 3.8 GB are free.");
                return std::make_unique<test::ScriptedTestModel>(script);
            },
            std::move(endpoints));
        m_tester = std::make_unique<QAbstractItemModelTester>(m_controller->messages(),
                                                              QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString modelFile = m_dir.filePath(QStringLiteral("scripted.gguf"));
        QFile f(modelFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        m_controller->models()->load(modelFile);
        QTRY_VERIFY_WITH_TIMEOUT(m_controller->models()->state() != QLatin1String("loading"), 5000);
    }
    ChatRouting* routing() { return m_controller->routing(); }
    bool sendAndWait(const QString& text) {
        QSignalSpy done(m_controller.get(), &ChatController::answerFinished);
        if (!m_controller->send(text))
            return false;
        return done.wait(10000);
    }
    QVariant rowData(int row, int role) const {
        return m_controller->messages()->data(m_controller->messages()->index(row), role);
    }
    storage::Message storedLast() {
        auto path = m_controller->store()->activePath(m_controller->currentConversationId());
        return path && !path->isEmpty() ? path->last() : storage::Message{};
    }
    void allowRemote(const QString& policy) {
        QVERIFY(routing()->setPrivacy(QStringLiteral("remote")));
        QVERIFY(routing()->setPolicy(policy));
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        test::keepUserDirsIn(m_dir);
    }
    void cleanup() {
        m_tester.reset();
        m_controller.reset();
        m_remote.reset();
        delete m_settings;
        m_settings = nullptr;
        m_failLoad = false;
        for (const char* suffix : {"", "-wal", "-shm"})
            QFile::remove(dbPath() + QLatin1String(suffix));
        QFile::remove(m_dir.filePath(QStringLiteral("endpoints.ini")));
    }

    void privateConversationNeverReachesTheEndpoint() {
        makeController();
        m_remote->reply = test::FakeEndpoint::streamReply({QStringLiteral("leak")}, "big-model", 5);
        // Even with a policy that names the endpoint (and Automatic with "deep"), Private stays here.
        QVERIFY(routing()->setPolicy(QStringLiteral("remote:") + m_endpointId));
        QCOMPARE(routing()->privacy(), service::Privacy::Private);
        QVERIFY(!routing()->remoteAvailable());
        QVERIFY(sendAndWait(QStringLiteral("My bank details are 1234")));
        QVERIFY(routing()->setPolicy(QStringLiteral("auto")));
        routing()->setDeepAnswer(true);
        QVERIFY(sendAndWait(QString(QLatin1Char('x')).repeated(12000)));  // would not fit the local context
        QCOMPARE(m_script.calls->load(), 2);
        QCOMPARE(storedLast().stats.endpoint, QString());
        QCOMPARE(storedLast().content, QStringLiteral("Local answer."));
        QVERIFY(rowData(1, MessageModel::RouteTextRole).toString().contains(QStringLiteral("on this computer")));
        QVERIFY(routing()->question().isEmpty());
        // And the gate itself refuses a Private send, opening nothing.
        QSignalSpy refused(routing()->gate(), &service::RemoteGate::refused);
        const auto endpoint = m_endpoints->endpoint(m_endpointId);
        QVERIFY(endpoint.has_value());
        QVERIFY(!routing()->gate()->send(service::Privacy::Private, *endpoint, {}, {{"user", "secret"}}, {}));
        QCOMPARE(refused.size(), 1);
        QTest::qWait(200);
        QCOMPARE(m_remote->connections, 0);
        QCOMPARE(m_remote->bytesReceived, 0);
    }

    void titlesOfPrivateConversationStayLocal() {
        makeController();
        QVERIFY(sendAndWait(QStringLiteral("Plan my private medical appointment\nwith details")));
        QCOMPARE(m_controller->currentTitle(), QStringLiteral("Plan my private medical appointment"));
        auto c = m_controller->store()->conversation(m_controller->currentConversationId());
        QVERIFY(c.has_value());
        QCOMPARE(c->privacy, QStringLiteral("private"));
        QTest::qWait(200);
        QCOMPARE(m_remote->connections, 0);
    }

    void remotePolicyStreamsFromTheEndpoint() {
        makeController();
        m_remote->reply = test::FakeEndpoint::streamReply({QStringLiteral("Hello"), QStringLiteral(" from"),
                                                           QStringLiteral(" afar.")},
                                                          "big-model-70b", 17);
        // Chosen before the first message: the new conversation is created with them.
        allowRemote(QStringLiteral("remote:") + m_endpointId);
        QVERIFY(routing()->remoteAvailable());
        QVERIFY(!routing()->deepAvailable());  // "deep" only matters to Automatic
        QVERIFY(sendAndWait(QStringLiteral("Explain monads")));
        QCOMPARE(m_script.calls->load(), 0);
        QCOMPARE(m_remote->requests(), 1);
        QVERIFY(m_remote->received.contains("Explain monads"));
        QCOMPARE(rowData(1, MessageModel::ContentRole).toString(), QStringLiteral("Hello from afar."));
        QCOMPARE(rowData(1, MessageModel::StateRole).toString(), QStringLiteral("complete"));
        QVERIFY(rowData(1, MessageModel::RemoteRole).toBool());
        QCOMPARE(rowData(1, MessageModel::RouteTextRole).toString(),
                 QStringLiteral("Answered by big-model on %1").arg(m_remote->host()));
        const storage::Message stored = storedLast();
        QCOMPARE(stored.content, QStringLiteral("Hello from afar."));
        QCOMPARE(stored.state, storage::MessageState::Complete);
        QCOMPARE(stored.model, QStringLiteral("big-model"));
        QCOMPARE(stored.stats.endpoint, m_endpointId);
        QCOMPARE(stored.stats.endpointName, QStringLiteral("Workstation"));
        QCOMPARE(stored.stats.endpointHost, m_remote->host());
        QCOMPARE(stored.stats.remotePromptTokens, 17);
        QCOMPARE(stored.stats.remoteCompletionTokens, 3);
        QCOMPARE(stored.stats.device, QStringLiteral("big-model-70b"));
        auto c = m_controller->store()->conversation(m_controller->currentConversationId());
        QCOMPARE(c->privacy, QStringLiteral("remote"));
        QCOMPARE(c->routing, QStringLiteral("remote:") + m_endpointId);
        // The cost lens counts tokens sent away apart and calls none of them saved.
        QVERIFY(m_controller->costText().contains(QStringLiteral("20 tokens sent away")));
        QVERIFY(!m_controller->costText().contains(QStringLiteral("saved")));
    }

    void firstMessageToAHostAsks() {
        makeController(/*confirmHost=*/false);
        m_remote->reply = test::FakeEndpoint::streamReply({QStringLiteral("Yes.")}, "big-model", 4);
        allowRemote(QStringLiteral("remote:") + m_endpointId);
        QVERIFY(m_controller->send(QStringLiteral("Hi")));
        QTRY_VERIFY(!routing()->question().isEmpty());
        QVERIFY(routing()->question().contains(m_remote->host()));
        QVERIFY(m_controller->generating());
        QCOMPARE(m_remote->requests(), 0);
        QSignalSpy done(m_controller.get(), &ChatController::answerFinished);
        routing()->answerQuestion(QStringLiteral("accept"));
        QVERIFY(done.wait(10000));
        QVERIFY(m_endpoints->hostConfirmed(m_remote->host()));
        QCOMPARE(m_remote->requests(), 1);
        QCOMPARE(storedLast().content, QStringLiteral("Yes."));
        // Declining instead keeps the message here and sends nothing: a stopped answer to regenerate later.
        m_endpoints->forgetHost(m_remote->host());
        QVERIFY(m_controller->send(QStringLiteral("Again")));
        QTRY_VERIFY(!routing()->question().isEmpty());
        QSignalSpy done2(m_controller.get(), &ChatController::answerFinished);
        routing()->answerQuestion(QStringLiteral("cancel"));
        QVERIFY(done2.size() == 1 || done2.wait(5000));
        QCOMPARE(storedLast().state, storage::MessageState::Cancelled);
        QVERIFY(!m_controller->generating());
        QCOMPARE(m_remote->requests(), 1);
    }

    void automaticRoutesByContextAndDeep() {
        makeController();
        m_remote->reply = test::FakeEndpoint::streamReply({QStringLiteral("Remote.")}, "big-model", 3000);
        allowRemote(QStringLiteral("auto"));
        QVERIFY(routing()->deepAvailable());
        // Fits the local model's 2,048 tokens: local.
        QVERIFY(sendAndWait(QStringLiteral("Short question")));
        QCOMPARE(m_script.calls->load(), 1);
        QCOMPARE(m_remote->requests(), 0);
        QCOMPARE(storedLast().stats.endpoint, QString());
        // Does not fit (about 2,500 tokens as the model counts): remote, and the notice says why.
        QVERIFY(sendAndWait(QString(QStringLiteral("word ")).repeated(2000)));
        QCOMPARE(m_remote->requests(), 1);
        QCOMPARE(m_script.calls->load(), 1);
        QCOMPARE(storedLast().stats.endpoint, m_endpointId);
        QVERIFY(!m_controller->noticeText().isEmpty());
        // A fresh conversation, short, but a deep answer was asked for: remote; the flag is for one answer.
        m_controller->newConversation();
        allowRemote(QStringLiteral("auto"));
        routing()->setDeepAnswer(true);
        QVERIFY(sendAndWait(QStringLiteral("Think hard about this")));
        QCOMPARE(m_remote->requests(), 2);
        QVERIFY(!routing()->deepAnswer());
        QVERIFY(sendAndWait(QStringLiteral("And a quick follow-up")));
        QCOMPARE(m_remote->requests(), 2);
        QCOMPARE(m_script.calls->load(), 2);
    }

    void failingRemoteAsksInsteadOfAnsweringLocally() {
        makeController();
        m_remote->reply = test::FakeEndpoint::errorReply(500, "The model crashed");
        allowRemote(QStringLiteral("remote:") + m_endpointId);
        QVERIFY(sendAndWait(QStringLiteral("Hello")));
        QCOMPARE(m_remote->requests(), 1);
        QCOMPARE(storedLast().state, storage::MessageState::Error);
        QCOMPARE(storedLast().stats.endpoint, m_endpointId);  // who failed is recorded too
        QVERIFY(!routing()->question().isEmpty());
        QVERIFY(routing()->question().contains(QStringLiteral("Workstation")));
        QCOMPARE(m_script.calls->load(), 0);  // no silent local answer
        QTest::qWait(200);
        QCOMPARE(m_script.calls->load(), 0);
        QVERIFY(!m_controller->generating());
        // The user says yes: a new answer beside the failed one, from this computer.
        QSignalSpy done(m_controller.get(), &ChatController::answerFinished);
        routing()->answerQuestion(QStringLiteral("accept"));
        QVERIFY(done.wait(10000));
        QCOMPARE(m_script.calls->load(), 1);
        QCOMPARE(storedLast().content, QStringLiteral("Local answer."));
        QCOMPARE(storedLast().stats.endpoint, QString());
        QCOMPARE(rowData(1, MessageModel::SiblingCountRole).toInt(), 2);
        QCOMPARE(m_remote->requests(), 1);
    }

    void failingLocalAsksBeforeGoingRemote() {
        m_failLoad = true;
        makeController();
        m_remote->reply = test::FakeEndpoint::streamReply({QStringLiteral("From afar.")}, "big-model", 4);
        allowRemote(QStringLiteral("local"));
        QVERIFY(sendAndWait(QStringLiteral("Hello")));
        QCOMPARE(storedLast().state, storage::MessageState::Error);
        QVERIFY(routing()->question().startsWith(QStringLiteral("The local model failed")));
        QTest::qWait(200);
        QCOMPARE(m_remote->requests(), 0);
        QSignalSpy done(m_controller.get(), &ChatController::answerFinished);
        routing()->answerQuestion(QStringLiteral("accept"));
        QVERIFY(done.wait(10000));
        QCOMPARE(m_remote->requests(), 1);
        QCOMPARE(storedLast().content, QStringLiteral("From afar."));
        QCOMPARE(storedLast().stats.endpoint, m_endpointId);
    }

    void overriddenPolicyAsks() {
        makeController();
        allowRemote(QStringLiteral("remote:no-such-endpoint"));
        QVERIFY(m_controller->send(QStringLiteral("Hello")));
        QTRY_VERIFY(!routing()->question().isEmpty());
        QCOMPARE(m_script.calls->load(), 0);
        QSignalSpy done(m_controller.get(), &ChatController::answerFinished);
        routing()->answerQuestion(QStringLiteral("accept"));
        QVERIFY(done.wait(10000));
        QCOMPARE(m_script.calls->load(), 1);
        QCOMPARE(m_remote->requests(), 0);
    }

    void stopAbortsTheRemoteRequest() {
        makeController();
        QByteArray partial = test::FakeEndpoint::streamReply({QStringLiteral("Partial")}, "big-model", 3);
        partial.truncate(partial.indexOf("data: {\"object\":\"chat.completion.chunk\",\"model\":\"big-model\",\"choices\":[{\"index\":0,\"delta\":{}"));
        m_remote->reply = partial;
        m_remote->keepOpen = true;
        allowRemote(QStringLiteral("remote:") + m_endpointId);
        QVERIFY(m_controller->send(QStringLiteral("Tell me a long story")));
        QTRY_COMPARE(rowData(1, MessageModel::ContentRole).toString(), QStringLiteral("Partial"));
        m_controller->stop();
        QVERIFY(!m_controller->generating());
        QCOMPARE(storedLast().state, storage::MessageState::Cancelled);
        QCOMPARE(storedLast().content, QStringLiteral("Partial"));
        QTRY_COMPARE(m_remote->clientsGone, 1);
    }

    void localOnlyHidesEverything() {
        makeController();
        allowRemote(QStringLiteral("remote:") + m_endpointId);
        m_endpoints->setLocalOnly(true);
        QVERIFY(!routing()->remoteAvailable());
        QVERIFY(routing()->endpointList().isEmpty());
        // The user's own global switch: answered here without asking, and nothing is sent.
        QVERIFY(sendAndWait(QStringLiteral("Hello")));
        QVERIFY(routing()->question().isEmpty());
        QCOMPARE(m_script.calls->load(), 1);
        QTest::qWait(200);
        QCOMPARE(m_remote->connections, 0);
        m_endpoints->setLocalOnly(false);
    }
};

QTEST_MAIN(ChatRoutingTest)
#include "chatroutingtest.moc"
