// The real thing on loopback: `lantern-cli serve` on the default model plays the remote endpoint, behind a
// counting TCP proxy that stands where the remote is. Proves on the wire that a private conversation (and any
// conversation while "local only" is on) opens zero connections and sends zero bytes; that a conversation
// that may use remote streams the same text the server gives unstreamed at temperature 0, with usage; that
// the key works only as Bearer; and that abort, a server cut off mid-answer and a stalled network all end at
// once.
#include "service/remote/router.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "tests/service/remote/countingserver.h"
#include "tests/support/testenv.h"

using namespace lantern::service;
using lantern::test::CountingServer;

namespace {

const QString kKey = QStringLiteral("sk-lantern-remote-test");

std::vector<lantern::ChatMessage> greeting() {
    return {{"user", "Greet Ada, then explain in three sentences why the sky is blue."}};
}

lantern::GenerateOptions greedy(int maxTokens) {
    lantern::GenerateOptions o;
    o.sampling.temperature = 0;
    o.sampling.topP = 1.0f;
    o.maxTokens = maxTokens;
    return o;
}

}  // namespace

class RemoteServeTest : public QObject {
    Q_OBJECT

    QProcess m_server;
    quint16 m_port = 0;
    QTemporaryDir m_dir;
    std::unique_ptr<EndpointStore> m_store;
    QNetworkAccessManager m_direct;  // the test's own requests straight to the server, bypassing the proxy

    // A proxy in front of the server, its host confirmed, and the endpoint that points at it.
    struct Remote {
        CountingServer proxy;
        RemoteEndpoint endpoint;
    };
    std::unique_ptr<Remote> remote() {
        auto r = std::make_unique<Remote>();
        r->proxy.forwardTo(m_port);
        r->endpoint = {QStringLiteral("serve"), QStringLiteral("lantern-cli serve"), r->proxy.baseUrl(),
                       QString()};
        m_store->confirmHost(endpointHost(r->endpoint.baseUrl));
        return r;
    }

    QJsonObject direct(const QByteArray& method, const QString& path, const QJsonObject& body = {}) {
        QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
        req.setRawHeader("Authorization", "Bearer " + kKey.toUtf8());
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply* reply = method == "GET"
                                   ? m_direct.get(req)
                                   : m_direct.post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(120000);
        const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return o;
    }

private slots:
    void initTestCase() {
        const QByteArray models = qgetenv("LANTERN_TEST_MODELS");
        const QString model = QString::fromUtf8(models) + QStringLiteral("/gemma-3-270m-q4_k_m.gguf");
        if (models.isEmpty() || !QFile::exists(model)) {
            lantern::test::skipAll(
                "the default model gemma-3-270m-q4_k_m.gguf is not in LANTERN_TEST_MODELS");
        }
        m_server.setProcessChannelMode(QProcess::MergedChannels);
        m_server.start(QStringLiteral(LANTERN_CLI),
                       {QStringLiteral("serve"), QStringLiteral("-m"), model, QStringLiteral("--port"),
                        QStringLiteral("0"), QStringLiteral("--api-key"), kKey});
        QVERIFY2(m_server.waitForStarted(10000), qPrintable(m_server.errorString()));
        QByteArray out;
        const QRegularExpression listening(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)/v1"));
        QElapsedTimer t;
        t.start();
        while (m_port == 0 && t.elapsed() < 60000 && m_server.state() == QProcess::Running) {
            m_server.waitForReadyRead(1000);
            out += m_server.readAll();
            if (const auto m = listening.match(QString::fromUtf8(out)); m.hasMatch()) {
                m_port = static_cast<quint16>(m.captured(1).toUInt());
            }
        }
        QVERIFY2(m_port != 0, out.constData());
        // Listening comes before the model is loaded (503 until then).
        while (t.elapsed() < 180000 &&
               direct("GET", QStringLiteral("/health")).value(QStringLiteral("status")) !=
                   QStringLiteral("ok")) {
            QTest::qWait(200);
        }
        qInfo("lantern-cli serve on port %u, model loaded after %.1f s", m_port, t.elapsed() / 1000.0);
        m_store = std::make_unique<EndpointStore>(m_dir.filePath(QStringLiteral("s.ini")),
                                                  QStringLiteral("lantern-test"));
    }

    void cleanupTestCase() {
        if (m_server.state() == QProcess::Running) {
            m_server.terminate();
            if (!m_server.waitForFinished(10000)) {
                m_server.kill();
                m_server.waitForFinished(5000);
            }
        }
    }

    void privateAndLocalOnlySendNothing() {
        auto r = remote();
        RemoteGate gate(m_store.get());
        QSignalSpy refused(&gate, &RemoteGate::refused);
        QSignalSpy text(&gate, &RemoteGate::textArrived);
        QVERIFY(!gate.send(Privacy::Private, r->endpoint, kKey, greeting(), greedy(16)).has_value());
        m_store->setLocalOnly(true);
        QVERIFY(!gate.send(Privacy::MayUseRemote, r->endpoint, kKey, greeting(), greedy(16)).has_value());
        QVERIFY(!gate.send(Privacy::Private, r->endpoint, kKey, greeting(), greedy(16)).has_value());
        QVERIFY(!gate.listModels(r->endpoint, kKey));
        m_store->setLocalOnly(false);
        QCOMPARE(refused.size(), 4);
        QTest::qWait(500);
        qInfo("refused sends: %d connections, %lld bytes reached the remote", r->proxy.connections,
              r->proxy.bytesFromClients);
        QCOMPARE(r->proxy.connections, 0);
        QCOMPARE(r->proxy.bytesFromClients, qint64(0));
        QCOMPARE(text.size(), 0);
    }

    void mayUseRemoteStreamsTheGreedyAnswer() {
        QJsonArray messages{
            QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                        {QStringLiteral("content"), QString::fromStdString(greeting()[0].content)}}};
        const QJsonObject plain = direct("POST", QStringLiteral("/v1/chat/completions"),
                                         {{QStringLiteral("messages"), messages},
                                          {QStringLiteral("temperature"), 0},
                                          {QStringLiteral("max_tokens"), 64}});
        const QString expected = plain.value(QStringLiteral("choices"))
                                     .toArray()
                                     .first()
                                     .toObject()
                                     .value(QStringLiteral("message"))
                                     .toObject()
                                     .value(QStringLiteral("content"))
                                     .toString();
        QVERIFY2(!expected.isEmpty(), QJsonDocument(plain).toJson().constData());

        auto r = remote();
        RemoteGate gate(m_store.get());
        QSignalSpy text(&gate, &RemoteGate::textArrived);
        QSignalSpy finished(&gate, &RemoteGate::finished);
        QSignalSpy failed(&gate, &RemoteGate::failed);
        QElapsedTimer t;
        t.start();
        auto id = gate.send(Privacy::MayUseRemote, r->endpoint, kKey, greeting(), greedy(64));
        QVERIFY(id.has_value());
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() + failed.size() == 1, 120000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
        QString streamed;
        for (const QList<QVariant>& args : text) {
            QCOMPARE(args.at(0).toULongLong(), *id);
            streamed += args.at(1).toString();
        }
        const auto stats = finished.first().at(1).value<RemoteStats>();
        const QJsonObject usage = plain.value(QStringLiteral("usage")).toObject();
        qInfo(
            "streamed %lld pieces, %d + %d tokens, in %lld ms through the proxy (%d connection, %lld bytes "
            "up, "
            "%lld down): \"%s\"",
            text.size(), stats.promptTokens, stats.completionTokens, t.elapsed(), r->proxy.connections,
            r->proxy.bytesFromClients, r->proxy.bytesToClients, qPrintable(streamed));
        QCOMPARE(streamed, expected);
        QVERIFY(text.size() > 1);  // streamed in pieces, not in one block
        QCOMPARE(stats.promptTokens, usage.value(QStringLiteral("prompt_tokens")).toInt());
        QCOMPARE(stats.completionTokens, usage.value(QStringLiteral("completion_tokens")).toInt());
        QVERIFY(stats.completionTokens > 0);
        QVERIFY(!stats.model.isEmpty());
        QVERIFY(!stats.finishReason.isEmpty());
        QCOMPARE(r->proxy.connections, 1);
        QVERIFY(r->proxy.received.contains("\r\nAuthorization: Bearer " + kKey.toUtf8() + "\r\n"));
        QCOMPARE(r->proxy.received.count(kKey.toUtf8()), qsizetype(1));
    }

    void wrongKeyIsASentence() {
        auto r = remote();
        RemoteGate gate(m_store.get());
        QSignalSpy failed(&gate, &RemoteGate::failed);
        QVERIFY(
            gate.send(Privacy::MayUseRemote, r->endpoint, QStringLiteral("sk-wrong"), greeting(), greedy(8)));
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() == 1, 30000);
        const QString sentence = failed.first().at(1).toString();
        qInfo("wrong key: %s", qPrintable(sentence));
        QVERIFY2(sentence.contains(QStringLiteral("401")) && sentence.contains(QStringLiteral("API key")),
                 qPrintable(sentence));
    }

    void abortStopsQuickly() {
        auto r = remote();
        RemoteGate gate(m_store.get());
        QSignalSpy text(&gate, &RemoteGate::textArrived);
        QSignalSpy finished(&gate, &RemoteGate::finished);
        QSignalSpy failed(&gate, &RemoteGate::failed);
        const std::vector<lantern::ChatMessage> story{
            {"user", "Write a very long story about a lighthouse keeper."}};
        auto id = gate.send(Privacy::MayUseRemote, r->endpoint, kKey, story, greedy(2000));
        QVERIFY(id.has_value());
        QTRY_VERIFY_WITH_TIMEOUT(text.size() >= 3, 60000);
        QElapsedTimer t;
        t.start();
        gate.abort(*id);
        const qsizetype piecesAtAbort = text.size();
        QTRY_VERIFY_WITH_TIMEOUT(r->proxy.clientsGone == 1, 5000);
        const qint64 closedMs = t.elapsed();
        // The server noticed the client go and freed the model: a short answer now comes back at once.
        QSignalSpy nextFinished(&gate, &RemoteGate::finished);
        t.restart();
        auto next = gate.send(Privacy::MayUseRemote, r->endpoint, kKey, greeting(), greedy(4));
        QVERIFY(next.has_value());
        QTRY_VERIFY_WITH_TIMEOUT(nextFinished.size() + failed.size() == 1, 60000);
        const qint64 nextMs = t.elapsed();
        qInfo("abort: connection closed %lld ms after abort; the next 4-token answer took %lld ms", closedMs,
              nextMs);
        QVERIFY(closedMs < 1000);
        QVERIFY(nextMs < 10000);
        for (qsizetype i = piecesAtAbort; i < text.size(); ++i) {
            QVERIFY(text.at(i).at(0).toULongLong() != *id);  // nothing more for the aborted request
        }
        QCOMPARE(failed.size(), 0);
        QCOMPARE(finished.size(), 1);  // only the second request's
        QCOMPARE(finished.first().at(0).toULongLong(), *next);
    }

    void serverCutMidStreamFails() {
        auto r = remote();
        RemoteGate gate(m_store.get());
        QSignalSpy text(&gate, &RemoteGate::textArrived);
        QSignalSpy finished(&gate, &RemoteGate::finished);
        QSignalSpy failed(&gate, &RemoteGate::failed);
        QElapsedTimer t;
        connect(&gate, &RemoteGate::textArrived, this, [&] {
            if (!t.isValid()) {
                t.start();
                r->proxy.cutUpstream();
            }
        });
        QVERIFY(gate.send(Privacy::MayUseRemote, r->endpoint, kKey,
                          {{"user", "Write a very long story about a lighthouse keeper."}}, greedy(2000)));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() + failed.size() == 1, 60000);
        qInfo("cut: failed %lld ms after the server was cut off: %s", t.elapsed(),
              qPrintable(failed.value(0).value(1).toString()));
        QCOMPARE(failed.size(), 1);
        QVERIFY(t.elapsed() < 3000);
        QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("cut")) ||
                failed.first().at(1).toString().contains(QStringLiteral("ended before")));
    }

    void stalledNetworkHitsTheIdleTimeout() {
        auto r = remote();
        RemoteGate gate(m_store.get());
        gate.setTimeouts({10000, 120000, 1000});
        QSignalSpy finished(&gate, &RemoteGate::finished);
        QSignalSpy failed(&gate, &RemoteGate::failed);
        QElapsedTimer t;
        connect(&gate, &RemoteGate::textArrived, this, [&] {
            if (!t.isValid()) {
                t.start();
                r->proxy.stall();
            }
        });
        QVERIFY(gate.send(Privacy::MayUseRemote, r->endpoint, kKey,
                          {{"user", "Write a very long story about a lighthouse keeper."}}, greedy(2000)));
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() + failed.size() == 1, 60000);
        qInfo("stall: failed %lld ms after the network stalled (idle timeout 1 s): %s", t.elapsed(),
              qPrintable(failed.value(0).value(1).toString()));
        QCOMPARE(failed.size(), 1);
        QVERIFY(t.elapsed() >= 900 && t.elapsed() < 3000);
        QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("stopped sending")));
    }

    void listModelsListsTheServedModel() {
        QStringList served;
        for (const QJsonValue& m :
             direct("GET", QStringLiteral("/v1/models")).value(QStringLiteral("data")).toArray()) {
            served.append(m.toObject().value(QStringLiteral("id")).toString());
        }
        QVERIFY(!served.isEmpty());
        auto r = remote();
        RemoteGate gate(m_store.get());
        QSignalSpy listed(&gate, &RemoteGate::modelsListed);
        QSignalSpy failed(&gate, &RemoteGate::listFailed);
        QVERIFY(gate.listModels(r->endpoint, kKey));
        QTRY_VERIFY_WITH_TIMEOUT(listed.size() + failed.size() == 1, 30000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        qInfo("models: %s", qPrintable(listed.first().at(0).toStringList().join(QStringLiteral(", "))));
        QCOMPARE(listed.first().at(0).toStringList(), served);
    }
};

QTEST_MAIN(RemoteServeTest)
#include "remoteservetest.moc"
