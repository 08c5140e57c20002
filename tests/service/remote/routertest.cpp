// Routing: decideRoute's truth table (private and "local only" always local, whatever the policy; automatic
// by context and by "deep"; a named remote, and one that is gone), the database spellings, and RemoteGate's
// refusals proved on the wire: a counting listener stands where the endpoint is, and a refused send leaves it
// with zero connections and zero bytes (titles and other side tasks use the same call, so the same holds).
#include "service/remote/router.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/service/remote/countingserver.h"

using namespace lantern::service;

namespace {

const RemoteEndpoint kBig{QStringLiteral("ep-big"), QStringLiteral("Workstation"),
                          QStringLiteral("http://10.0.0.5:8000/v1"), QStringLiteral("qwen3-32b")};
const RemoteEndpoint kOther{QStringLiteral("ep-other"), QStringLiteral("Provider"),
                            QStringLiteral("https://api.example.org/v1"), QStringLiteral("m")};
const std::vector<RemoteEndpoint> kAvailable{kBig, kOther};

RoutePolicy policy(RoutePolicy::Kind kind, const QString& id = {}) {
    return {kind, id};
}

std::vector<lantern::ChatMessage> question() {
    return {{"user", "My tax number is 12345. What do I owe?"}};
}

}  // namespace

class RouterTest : public QObject {
    Q_OBJECT

private slots:
    void truthTable_data() {
        using K = RoutePolicy::Kind;
        QTest::addColumn<int>("privacy");  // 0 private, 1 may use remote
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("endpointId");
        QTest::addColumn<bool>("localOnly");
        QTest::addColumn<int>("promptTokens");
        QTest::addColumn<int>("localContext");
        QTest::addColumn<bool>("deep");
        QTest::addColumn<QString>("expected");  // "" = local, else the endpoint id
        QTest::addColumn<bool>("overridden");
        const QString big = kBig.id;
        // Private: never remote, whatever else holds.
        for (int k : {int(K::Local), int(K::Remote), int(K::Automatic)}) {
            for (bool localOnly : {false, true}) {
                for (bool deep : {false, true}) {
                    for (int prompt : {10, 100000}) {
                        QTest::addRow("private k%d lo%d deep%d p%d", k, localOnly, deep, prompt)
                            << 0 << k << big << localOnly << prompt << 4096 << deep << QString() << false;
                    }
                }
            }
        }
        // Local only: never remote, even for a conversation that may use one.
        for (int k : {int(K::Local), int(K::Remote), int(K::Automatic)}) {
            QTest::addRow("local only k%d", k)
                << 1 << k << big << true << 100000 << 4096 << true << QString() << false;
        }
        QTest::newRow("local policy")
            << 1 << int(K::Local) << QString() << false << 100000 << 4096 << true << QString() << false;
        QTest::newRow("named remote")
            << 1 << int(K::Remote) << big << false << 10 << 4096 << false << big << false;
        QTest::newRow("named remote gone") << 1 << int(K::Remote) << QStringLiteral("ep-deleted") << false
                                           << 10 << 4096 << false << QString() << true;
        QTest::newRow("auto fits") << 1 << int(K::Automatic) << QString() << false << 4000 << 4096 << false
                                   << QString() << false;
        QTest::newRow("auto exactly full")
            << 1 << int(K::Automatic) << QString() << false << 4096 << 4096 << false << kBig.id << false;
        QTest::newRow("auto too long, first endpoint")
            << 1 << int(K::Automatic) << QString() << false << 9000 << 4096 << false << kBig.id << false;
        QTest::newRow("auto too long, chosen endpoint")
            << 1 << int(K::Automatic) << kOther.id << false << 9000 << 4096 << false << kOther.id << false;
        QTest::newRow("auto deep") << 1 << int(K::Automatic) << QString() << false << 10 << 4096 << true
                                   << kBig.id << false;
        QTest::newRow("auto no local model")
            << 1 << int(K::Automatic) << QString() << false << 9000 << 0 << false << QString() << false;
        QTest::newRow("auto chosen endpoint gone") << 1 << int(K::Automatic) << QStringLiteral("ep-deleted")
                                                   << false << 9000 << 4096 << false << QString() << true;
    }

    void truthTable() {
        QFETCH(int, privacy);
        QFETCH(int, kind);
        QFETCH(QString, endpointId);
        QFETCH(bool, localOnly);
        QFETCH(int, promptTokens);
        QFETCH(int, localContext);
        QFETCH(bool, deep);
        QFETCH(QString, expected);
        QFETCH(bool, overridden);
        const RouteDecision d = decideRoute(privacy ? Privacy::MayUseRemote : Privacy::Private,
                                            policy(static_cast<RoutePolicy::Kind>(kind), endpointId),
                                            localOnly, kAvailable, promptTokens, localContext, deep);
        QCOMPARE(d.remote, !expected.isEmpty());
        QCOMPARE(d.endpointId, expected);
        QCOMPARE(d.overridden, overridden);
        QVERIFY(!d.reason.isEmpty());
    }

    void automaticWithoutEndpointsStaysLocalAndSaysSo() {
        const RouteDecision d = decideRoute(Privacy::MayUseRemote, policy(RoutePolicy::Kind::Automatic),
                                            false, {}, 9000, 4096, true);
        QVERIFY(!d.remote);
        QVERIFY(d.overridden);
        QVERIFY(d.reason.contains(QStringLiteral("No remote endpoint")));
    }

    void reasonsNameTheEndpointAndTheNumbers() {
        const RouteDecision d = decideRoute(Privacy::MayUseRemote, policy(RoutePolicy::Kind::Automatic),
                                            false, kAvailable, 9000, 4096, false);
        QVERIFY2(d.reason.contains(QStringLiteral("Workstation")) &&
                     d.reason.contains(QStringLiteral("9000")) && d.reason.contains(QStringLiteral("4096")),
                 qPrintable(d.reason));
        QVERIFY(decideRoute(Privacy::Private, policy(RoutePolicy::Kind::Remote, kBig.id), false, kAvailable,
                            1, 10, false)
                    .reason.contains(QStringLiteral("private")));
    }

    void spellings() {
        QCOMPARE(privacyFromName(QStringLiteral("remote")), Privacy::MayUseRemote);
        QCOMPARE(privacyFromName(QStringLiteral("private")), Privacy::Private);
        QCOMPARE(privacyFromName(QStringLiteral("garbage")), Privacy::Private);  // unknown = the safe default
        QCOMPARE(privacyFromName(QString()), Privacy::Private);
        QCOMPARE(privacyName(Privacy::MayUseRemote), QStringLiteral("remote"));
        for (const RoutePolicy& p : {policy(RoutePolicy::Kind::Local), policy(RoutePolicy::Kind::Automatic),
                                     policy(RoutePolicy::Kind::Automatic, QStringLiteral("ep-1")),
                                     policy(RoutePolicy::Kind::Remote, QStringLiteral("ep-1"))}) {
            QCOMPARE(routePolicyFromName(routePolicyName(p)), p);
        }
        QCOMPARE(routePolicyName(policy(RoutePolicy::Kind::Remote, QStringLiteral("a:b"))),
                 QStringLiteral("remote:a:b"));
        QCOMPARE(routePolicyFromName(QStringLiteral("remote:a:b")).endpointId, QStringLiteral("a:b"));
        QCOMPARE(routePolicyFromName(QStringLiteral("remote:")), RoutePolicy{});
        QCOMPARE(routePolicyFromName(QStringLiteral("cloud")), RoutePolicy{});
    }

    // The gate on the wire. Each refused send is checked after the event loop ran, so a connection opened
    // asynchronously would have been counted.
    void gateRefusesAndSendsNothing() {
        QTemporaryDir dir;
        EndpointStore store(dir.filePath(QStringLiteral("settings.ini")), QStringLiteral("lantern-test"));
        lantern::test::CountingServer listener;
        listener.reply = lantern::test::httpResponse(200, "OK", "text/event-stream", "data: [DONE]\n\n");
        const RemoteEndpoint e{QStringLiteral("x"), QStringLiteral("Listener"), listener.baseUrl(),
                               QString()};
        RemoteGate gate(&store);
        QSignalSpy refused(&gate, &RemoteGate::refused);
        QSignalSpy failed(&gate, &RemoteGate::failed);
        QSignalSpy listFailed(&gate, &RemoteGate::listFailed);

        // Private: refused even though the host is confirmed and local-only is off.
        store.confirmHost(endpointHost(e.baseUrl));
        QVERIFY(!gate.send(Privacy::Private, e, QStringLiteral("sk-secret"), question(), {}).has_value());
        QCOMPARE(refused.size(), 1);
        QVERIFY(refused.last().at(0).toString().contains(QStringLiteral("private")));

        // Local only: refused for a conversation that may use remote, and so is "Test connection".
        store.setLocalOnly(true);
        QVERIFY(
            !gate.send(Privacy::MayUseRemote, e, QStringLiteral("sk-secret"), question(), {}).has_value());
        QVERIFY(refused.last().at(0).toString().contains(QStringLiteral("Local only")));
        QVERIFY(!gate.listModels(e, QStringLiteral("sk-secret")));
        QCOMPARE(refused.size(), 3);
        store.setLocalOnly(false);

        // A host never confirmed: refused.
        store.forgetHost(endpointHost(e.baseUrl));
        QVERIFY(!gate.send(Privacy::MayUseRemote, e, QString(), question(), {}).has_value());
        QVERIFY(refused.last().at(0).toString().contains(endpointHost(e.baseUrl)));
        // An unusable URL: refused.
        RemoteEndpoint bad = e;
        bad.baseUrl = QStringLiteral("ftp://127.0.0.1/v1");
        QVERIFY(!gate.send(Privacy::MayUseRemote, bad, QString(), question(), {}).has_value());
        QCOMPARE(refused.size(), 5);
        // A key with a line break would add a header of its own: refused before anything is sent.
        store.confirmHost(endpointHost(e.baseUrl));
        QVERIFY(!gate.send(Privacy::MayUseRemote, e, QStringLiteral("sk-a\r\nX-Injected: 1"), question(), {})
                     .has_value());
        QVERIFY(!gate.listModels(e, QStringLiteral("sk-a\nb")));
        QCOMPARE(refused.size(), 7);
        store.forgetHost(endpointHost(e.baseUrl));

        // A gate without a store cannot know the switch: it refuses.
        RemoteGate blind(nullptr);
        QSignalSpy blindRefused(&blind, &RemoteGate::refused);
        QVERIFY(!blind.send(Privacy::MayUseRemote, e, QString(), question(), {}).has_value());
        QCOMPARE(blindRefused.size(), 1);

        QTest::qWait(300);
        QCOMPARE(listener.connections, 0);
        QCOMPARE(listener.bytesFromClients, qint64(0));
        QCOMPARE(failed.size(), 0);
        QCOMPARE(listFailed.size(), 0);

        // The control: allowed, it does reach the listener (so the zeros above mean something).
        store.confirmHost(endpointHost(e.baseUrl));
        QSignalSpy finished(&gate, &RemoteGate::finished);
        auto id = gate.send(Privacy::MayUseRemote, e, QString(), question(), {});
        QVERIFY(id.has_value());
        QTRY_COMPARE(finished.size() + failed.size(), 1);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(listener.connections, 1);
        QVERIFY(listener.bytesFromClients > 0);
    }
};

QTEST_MAIN(RouterTest)
#include "routertest.moc"
