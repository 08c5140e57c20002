// RemoteClient (through RemoteGate, the only way to send) against canned loopback servers: what goes on the
// wire (the body's fields, the key only as "Authorization: Bearer"), and every way an answer can end:
// finished with usage, an SSE error event, HTTP errors with OpenAI's error body, a redirect (never followed),
// a plain JSON reply, a stream that stops without [DONE], first-token and idle timeouts, abort; the model
// list.
#include "service/remote/router.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#ifdef Q_OS_LINUX
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include "tests/service/remote/countingserver.h"

using namespace lantern::service;
using lantern::test::CountingServer;
using lantern::test::httpResponse;

namespace {

QByteArray chunk(const char* content, const char* finish = nullptr) {
    QJsonObject choice{
        {QStringLiteral("index"), 0},
        {QStringLiteral("delta"), QJsonObject{{QStringLiteral("content"), QString::fromUtf8(content)}}}};
    choice[QStringLiteral("finish_reason")] = finish ? QJsonValue(QString::fromUtf8(finish)) : QJsonValue();
    const QJsonObject o{{QStringLiteral("model"), QStringLiteral("canned-model")},
                        {QStringLiteral("choices"), QJsonArray{choice}}};
    return "data: " + QJsonDocument(o).toJson(QJsonDocument::Compact) + "\n\n";
}

const QByteArray kUsage =
    "data: {\"model\":\"canned-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,"
    "\"completion_tokens\":2,\"total_tokens\":13}}\n\n";

// Headers of a stream whose body runs until the connection closes.
QByteArray streamHead() {
    return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: "
           "close\r\n\r\n";
}

std::vector<lantern::ChatMessage> chat() {
    return {{"system", "Be brief."}, {"user", "Say hi"}};
}

// One canned server, an endpoint store that confirmed its host, and a gate.
struct Rig {
    QTemporaryDir dir;
    CountingServer server;
    EndpointStore store{dir.filePath(QStringLiteral("s.ini")), QStringLiteral("lantern-test")};
    RemoteGate gate{&store};
    RemoteEndpoint endpoint{QStringLiteral("e"), QStringLiteral("Canned"), server.baseUrl(),
                            QStringLiteral("canned-model")};
    QSignalSpy text{&gate, &RemoteGate::textArrived};
    QSignalSpy finished{&gate, &RemoteGate::finished};
    QSignalSpy failed{&gate, &RemoteGate::failed};

    Rig() { store.confirmHost(endpointHost(endpoint.baseUrl)); }
    quint64 send(const QString& key = {}, const lantern::GenerateOptions& options = {}) {
        auto id = gate.send(Privacy::MayUseRemote, endpoint, key, chat(), options);
        return id.value_or(0);
    }
    QString allText() const {
        QString s;
        for (const QList<QVariant>& args : text) {
            s += args.at(1).toString();
        }
        return s;
    }
    QString failure() const { return failed.isEmpty() ? QString() : failed.first().at(1).toString(); }
    bool ended() const { return finished.size() + failed.size() > 0; }
};

}  // namespace

class RemoteClientTest : public QObject {
    Q_OBJECT

private slots:
    void requestBodyMapsOptions() {
        lantern::GenerateOptions o;
        o.sampling.temperature = 0;
        o.sampling.topP = 0.9f;
        o.sampling.seed = 42;
        o.sampling.topK = 7;  // no OpenAI field: not sent
        o.maxTokens = 64;
        o.stop = {"\n\n", "END"};
        const RemoteEndpoint e{QStringLiteral("e"), {}, QStringLiteral("http://h/v1"), QStringLiteral("m1")};
        const QJsonObject body =
            QJsonDocument::fromJson(RemoteClient::chatRequestBody(e, chat(), o)).object();
        QCOMPARE(body.value(QStringLiteral("model")).toString(), QStringLiteral("m1"));
        QCOMPARE(body.value(QStringLiteral("stream")).toBool(), true);
        QCOMPARE(body.value(QStringLiteral("stream_options"))
                     .toObject()
                     .value(QStringLiteral("include_usage"))
                     .toBool(),
                 true);
        QCOMPARE(body.value(QStringLiteral("temperature")).toDouble(), 0.0);
        QVERIFY(qAbs(body.value(QStringLiteral("top_p")).toDouble() - 0.9) < 1e-6);
        QCOMPARE(body.value(QStringLiteral("seed")).toInteger(), 42);
        QCOMPARE(body.value(QStringLiteral("max_tokens")).toInt(), 64);
        QCOMPARE(body.value(QStringLiteral("stop")).toArray().size(), 2);
        QVERIFY(!body.contains(QStringLiteral("top_k")));
        const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.at(0).toObject().value(QStringLiteral("role")).toString(),
                 QStringLiteral("system"));
        QCOMPARE(messages.at(1).toObject().value(QStringLiteral("content")).toString(),
                 QStringLiteral("Say hi"));
        // An endpoint without a model name lets the server choose.
        QVERIFY(!QJsonDocument::fromJson(RemoteClient::chatRequestBody({}, chat(), o))
                     .object()
                     .contains(QStringLiteral("model")));
    }

    void streamsTextAndUsageKeyOnlyAsBearer() {
        Rig r;
        r.server.reply = streamHead() + ": ping\n\n" + chunk("Hel") + chunk("lo!") + chunk("", "stop") +
                         kUsage + "data: [DONE]\n\n";
        const QString key = QStringLiteral("sk-canned-0123456789");
        const quint64 id = r.send(key);
        QVERIFY(id != 0);
        QTRY_VERIFY(r.ended());
        QVERIFY2(r.failed.isEmpty(), qPrintable(r.failure()));
        QCOMPARE(r.allText(), QStringLiteral("Hello!"));
        QCOMPARE(r.finished.first().at(0).toULongLong(), id);
        const auto stats = r.finished.first().at(1).value<RemoteStats>();
        QCOMPARE(stats.promptTokens, 11);
        QCOMPARE(stats.completionTokens, 2);
        QCOMPARE(stats.model, QStringLiteral("canned-model"));
        QCOMPARE(stats.finishReason, QStringLiteral("stop"));
        // On the wire: POST to the API root, the key once, in the Authorization header and nowhere else.
        const QByteArray wire = r.server.received;
        QVERIFY2(wire.startsWith("POST /v1/chat/completions HTTP/1.1\r\n"), wire.left(80).constData());
        QCOMPARE(wire.count(key.toUtf8()), qsizetype(1));
        QVERIFY(wire.contains("\r\nAuthorization: Bearer " + key.toUtf8() + "\r\n"));
        const QByteArray body = wire.mid(wire.indexOf("\r\n\r\n") + 4);
        QVERIFY(!body.contains(key.toUtf8()));
        QVERIFY(body.contains("\"Say hi\""));
    }

    void noKeyNoAuthorizationHeader() {
        Rig r;
        r.server.reply = streamHead() + chunk("x", "stop") + "data: [DONE]\n\n";
        r.send();
        QTRY_VERIFY(r.ended());
        QVERIFY(!r.server.received.contains("Authorization"));
    }

    void errorEventFails() {
        Rig r;
        r.server.reply =
            streamHead() + chunk("Partial") +
            "data: {\"error\":{\"message\":\"The model ran out of memory.\",\"type\":\"server_error\"}}"
            "\n\ndata: [DONE]\n\n";
        r.send();
        QTRY_VERIFY(r.ended());
        QCOMPARE(r.finished.size(), 0);
        QCOMPARE(r.failed.size(), 1);
        QVERIFY2(r.failure().contains(QStringLiteral("The model ran out of memory.")),
                 qPrintable(r.failure()));
        QCOMPARE(r.allText(), QStringLiteral("Partial"));
        QTest::qWait(100);
        QCOMPARE(r.failed.size() + r.finished.size(),
                 1);  // exactly one ending, [DONE] after the error ignored
    }

    void namedErrorEventFails() {
        Rig r;
        r.server.reply = streamHead() + "event: error\ndata: {\"message\":\"overloaded\"}\n\n";
        r.send();
        QTRY_VERIFY(r.ended());
        QVERIFY2(r.failure().contains(QStringLiteral("overloaded")), qPrintable(r.failure()));
    }

    void httpErrorsBecomeSentences_data() {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<QString>("expected");
        QTest::newRow("401 openai")
            << httpResponse(401, "Unauthorized", "application/json",
                            R"({"error":{"message":"Invalid API key.","type":"invalid_request_error"}})")
            << QStringLiteral("401|API key|Invalid API key.");
        QTest::newRow("404 model") << httpResponse(404, "Not Found", "application/json",
                                                   R"({"error":{"message":"The model 'x' does not exist"}})")
                                   << QStringLiteral("404|address|does not exist");
        QTest::newRow("429") << httpResponse(429, "Too Many Requests", "application/json",
                                             R"({"error":"slow down"})")
                             << QStringLiteral("429|rate-limiting|slow down");
        QTest::newRow("500 text") << httpResponse(500, "Internal Server Error", "text/plain",
                                                  "upstream exploded")
                                  << QStringLiteral("500|upstream exploded");
        QTest::newRow("503 vllm") << httpResponse(503, "Service Unavailable", "application/json",
                                                  R"({"object":"error","message":"loading"})")
                                  << QStringLiteral("503|loading");
        QTest::newRow("502 html") << httpResponse(502, "Bad Gateway", "text/html",
                                                  "<html><body>nginx</body></html>")
                                  << QStringLiteral("502|server");
    }

    void httpErrorsBecomeSentences() {
        QFETCH(QByteArray, reply);
        QFETCH(QString, expected);
        Rig r;
        r.server.reply = reply;
        r.send();
        QTRY_VERIFY(r.ended());
        QCOMPARE(r.failed.size(), 1);
        for (const QString& part : expected.split(QLatin1Char('|'))) {
            QVERIFY2(r.failure().contains(part), qPrintable(r.failure()));
        }
        QVERIFY(!r.failure().contains(QStringLiteral("<html")));
    }

    // A redirect could carry the conversation to a host nobody confirmed: not followed.
    void redirectNotFollowed() {
        Rig r;
        CountingServer elsewhere;
        elsewhere.reply = streamHead() + chunk("leaked", "stop") + "data: [DONE]\n\n";
        r.server.reply = httpResponse(307, "Temporary Redirect", "text/plain", "",
                                      "Location: " + elsewhere.baseUrl().toUtf8() + "/chat/completions\r\n");
        r.send();
        QTRY_VERIFY(r.ended());
        QCOMPARE(r.failed.size(), 1);
        QVERIFY2(r.failure().contains(QStringLiteral("redirect")), qPrintable(r.failure()));
        QTest::qWait(200);
        QCOMPARE(elsewhere.connections, 0);
        QCOMPARE(r.allText(), QString());
    }

    void plainJsonReplyAccepted() {
        Rig r;
        r.server.reply =
            httpResponse(200, "OK", "application/json",
                         R"({"model":"m","choices":[{"message":{"role":"assistant","content":"Whole."},)"
                         R"("finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1}})");
        r.send();
        QTRY_VERIFY(r.ended());
        QVERIFY2(r.failed.isEmpty(), qPrintable(r.failure()));
        QCOMPARE(r.allText(), QStringLiteral("Whole."));
        QCOMPARE(r.finished.first().at(1).value<RemoteStats>().promptTokens, 5);
    }

    void endWithoutDone() {
        {
            Rig r;  // the server said why it stopped, then closed: complete
            r.server.reply = streamHead() + chunk("Hi", "length");
            r.send();
            QTRY_VERIFY(r.ended());
            QCOMPARE(r.finished.size(), 1);
            QCOMPARE(r.finished.first().at(1).value<RemoteStats>().finishReason, QStringLiteral("length"));
        }
        {
            Rig r;  // closed mid-answer: failed, the text so far kept by the caller
            r.server.reply = streamHead() + chunk("Half an ans");
            r.send();
            QTRY_VERIFY(r.ended());
            QCOMPARE(r.failed.size(), 1);
            QCOMPARE(r.allText(), QStringLiteral("Half an ans"));
            QVERIFY2(r.failure().contains(QStringLiteral("before the answer was complete")),
                     qPrintable(r.failure()));
        }
        {
            Rig r;  // not an event stream at all
            r.server.reply = streamHead() + "data: this is not json\n\n";
            r.send();
            QTRY_VERIFY(r.ended());
            QVERIFY2(r.failure().contains(QStringLiteral("OpenAI-compatible")), qPrintable(r.failure()));
        }
    }

    void connectionRefused() {
        Rig r;
        quint16 deadPort = 0;
        {
            CountingServer gone;
            deadPort = gone.port();
        }
        r.endpoint.baseUrl = QStringLiteral("http://127.0.0.1:%1/v1").arg(deadPort);
        r.store.confirmHost(endpointHost(r.endpoint.baseUrl));
        r.send();
        QTRY_VERIFY(r.ended());
        QVERIFY2(r.failure().contains(QStringLiteral("nothing is listening")), qPrintable(r.failure()));
    }

    // A listener whose accept queue is full (backlog 0, two connections waiting that nobody accepts): the
    // kernel drops further SYNs, so the connection never completes and the connect timeout must end it. Linux
    // only: other kernels treat a backlog of 0 differently.
    void connectTimeout() {
#ifndef Q_OS_LINUX
        QSKIP("needs Linux's accept-queue behaviour");
#else
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        QCOMPARE(::listen(fd, 0), 0);
        socklen_t len = sizeof addr;
        QCOMPARE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
        const quint16 port = ntohs(addr.sin_port);
        std::vector<std::unique_ptr<QTcpSocket> > fillers;
        for (int i = 0; i < 2; ++i) {
            fillers.push_back(std::make_unique<QTcpSocket>());
            fillers.back()->connectToHost(QHostAddress::LocalHost, port);
        }
        QTest::qWait(200);
        Rig r;
        r.endpoint.baseUrl = QStringLiteral("http://127.0.0.1:%1/v1").arg(port);
        r.store.confirmHost(endpointHost(r.endpoint.baseUrl));
        r.gate.setTimeouts({800, 60000, 60000});
        QElapsedTimer t;
        t.start();
        r.send();
        QTRY_VERIFY_WITH_TIMEOUT(r.ended(), 5000);
        qInfo("connect timeout (0.8 s) fired after %lld ms: %s", t.elapsed(), qPrintable(r.failure()));
        ::close(fd);
        QVERIFY2(r.failure().contains(QStringLiteral("did not accept the connection within 0.8 seconds")),
                 qPrintable(r.failure()));
        QVERIFY(t.elapsed() >= 750 && t.elapsed() < 3000);
#endif
    }

    void firstTokenTimeout() {
        Rig r;
        r.server.keepOpen = true;  // accepts, reads the request, never answers
        r.gate.setTimeouts({2000, 600, 60000});
        QElapsedTimer t;
        t.start();
        r.send();
        QTRY_VERIFY_WITH_TIMEOUT(r.ended(), 5000);
        const qint64 ms = t.elapsed();
        qInfo("first-token timeout (0.6 s) fired after %lld ms", ms);
        QVERIFY(ms >= 550 && ms < 3000);
        QVERIFY2(r.failure().contains(QStringLiteral("no answer within 0.6 seconds")),
                 qPrintable(r.failure()));
    }

    void idleTimeout() {
        Rig r;
        r.server.reply = streamHead() + chunk("Hello");  // then silence, connection kept open
        r.server.keepOpen = true;
        r.gate.setTimeouts({2000, 10000, 700});
        QElapsedTimer t;
        t.start();
        r.send();
        QTRY_VERIFY_WITH_TIMEOUT(r.ended(), 5000);
        qInfo("idle timeout (0.7 s) fired %lld ms after the request", t.elapsed());
        QCOMPARE(r.allText(), QStringLiteral("Hello"));
        QVERIFY2(r.failure().contains(QStringLiteral("stopped sending for 0.7 seconds")),
                 qPrintable(r.failure()));
        QTRY_COMPARE(r.server.clientsGone, 1);  // and the connection was closed
    }

    void abortEndsSilently() {
        Rig r;
        r.server.reply = streamHead() + chunk("Hello");
        r.server.keepOpen = true;
        const quint64 id = r.send();
        QTRY_COMPARE(r.text.size(), 1);
        r.gate.abort(id);
        QTRY_COMPARE(r.server.clientsGone, 1);
        QTest::qWait(200);
        QCOMPARE(r.finished.size() + r.failed.size(), 0);
        r.gate.abort(id);     // twice: ignored
        r.gate.abort(12345);  // unknown: ignored
    }

    void listModels() {
        Rig r;
        r.server.reply =
            httpResponse(200, "OK", "application/json",
                         R"({"object":"list","data":[{"id":"qwen3-32b","object":"model"},{"id":"llama"}]})");
        QSignalSpy listed(&r.gate, &RemoteGate::modelsListed);
        QSignalSpy failed(&r.gate, &RemoteGate::listFailed);
        QVERIFY(r.gate.listModels(r.endpoint, QStringLiteral("sk-list")));
        QTRY_VERIFY(listed.size() + failed.size() == 1);
        QCOMPARE(listed.first().at(0).toStringList(),
                 (QStringList{QStringLiteral("qwen3-32b"), QStringLiteral("llama")}));
        QVERIFY(r.server.received.startsWith("GET /v1/models HTTP/1.1\r\n"));
        QVERIFY(r.server.received.contains("Authorization: Bearer sk-list"));

        Rig wrong;
        wrong.server.reply = httpResponse(200, "OK", "text/html", "<html>router login</html>");
        QSignalSpy wrongFailed(&wrong.gate, &RemoteGate::listFailed);
        QVERIFY(wrong.gate.listModels(wrong.endpoint, {}));
        QTRY_COMPARE(wrongFailed.size(), 1);
        QVERIFY(wrongFailed.first().at(0).toString().contains(QStringLiteral("model list")));
    }
};

QTEST_MAIN(RemoteClientTest)
#include "remoteclienttest.moc"
