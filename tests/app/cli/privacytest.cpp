// Privacy, proven, for the command line: `lantern-cli chat` through a two-turn conversation and
// `lantern-cli translate` on a short text, both on the real default model (Gemma 3 270M base, greedy, a few
// tokens), each under `strace -f -e trace=socket,connect`: every socket() either process or any of its threads
// creates must be AF_UNIX, and every connect() must go to an AF_UNIX address. The sockets seen are printed by
// family. A reference check first: the same parser, fed a log with an AF_INET socket and an AF_INET connect,
// reports both, and a real process that opens an AF_INET socket under strace is caught, so an empty list means
// none happened rather than that nothing was read.
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/sockettrace.h"
#include "tests/support/testenv.h"

using lantern::test::SocketTrace;

namespace {

QString modelPath() {
    return QString::fromStdString(lantern::test::requireModel("gemma-3-270m-q4_k_m.gguf").string());
}

}  // namespace

class CliPrivacyTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void parserSeesNetworkCalls() {
        SocketTrace t;
        lantern::test::readSocketLog(QStringLiteral(
            "101 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 3\n"
            "101 connect(3, {sa_family=AF_UNIX, sun_path=\"/run/dbus/system_bus_socket\"}, 110) = 0\n"
            "102 socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP <unfinished ...>\n"
            "101 socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 4\n"
            "102 <... socket resumed>) = 5\n"
            "102 connect(5, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr(\"1.1.1.1\")}, 16) = 0\n"
            "102 +++ exited with 0 +++\n"), t);
        QCOMPARE(t.sockets(), 3);
        QCOMPARE(t.socketsByFamily[QStringLiteral("AF_UNIX")], 1);
        QCOMPARE(t.socketsByFamily[QStringLiteral("AF_INET")], 1);
        QCOMPARE(t.socketsByFamily[QStringLiteral("AF_NETLINK")], 1);
        QCOMPARE(t.connects, 2);
        QCOMPARE(t.violations.size(), 3);
    }

    void traceSeesARealNetworkSocket() {
        // The whole chain (strace, its log, the parser) on a process that does open an AF_INET socket.
        const SocketTrace t = lantern::test::traceSockets(
            QStringLiteral("/usr/bin/python3"),
            {QStringLiteral("-c"), QStringLiteral("import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM)")},
            m_dir.filePath(QStringLiteral("python.log")));
        QVERIFY2(t.error.isEmpty(), qPrintable(t.error));
        QCOMPARE(t.exitCode, 0);
        QVERIFY2(t.socketsByFamily.count(QStringLiteral("AF_INET")) == 1, qPrintable(t.summary()));
        QVERIFY(!t.violations.isEmpty());
    }

    void chatOpensNoNetworkSocket() {
        // Two turns, then the empty line that ends the chat.
        const SocketTrace t = lantern::test::traceSockets(
            QStringLiteral(LANTERN_CLI),
            {QStringLiteral("chat"), QStringLiteral("-m"), modelPath(), QStringLiteral("--greedy"), QStringLiteral("-n"),
             QStringLiteral("12")},
            m_dir.filePath(QStringLiteral("chat.log")), "What is the capital of France?\nAnd of Italy?\n\n");
        QVERIFY2(t.error.isEmpty(), qPrintable(t.error));
        QVERIFY2(t.exitCode == 0, qPrintable(t.err));
        // Three prompts: before each turn and before the empty line; and each turn answered something.
        const QStringList turns = QString::fromUtf8(t.out).split(QStringLiteral("\n> "));
        QVERIFY2(turns.size() == 4, t.out.constData());
        QVERIFY2(!turns[1].trimmed().isEmpty() && !turns[2].trimmed().isEmpty(), t.out.constData());
        qInfo().noquote() << "lantern-cli chat, 2 turns:" << t.summary();
        QVERIFY2(t.violations.isEmpty(), qPrintable(t.violations.join(QLatin1Char('\n'))));
    }

    void translateOpensNoNetworkSocket() {
        const SocketTrace t = lantern::test::traceSockets(
            QStringLiteral(LANTERN_CLI),
            {QStringLiteral("translate"), QStringLiteral("--to"), QStringLiteral("de"), QStringLiteral("--from"),
             QStringLiteral("en"), QStringLiteral("-m"), modelPath()},
            m_dir.filePath(QStringLiteral("translate.log")), "Good morning. The weather is nice today.");
        QVERIFY2(t.error.isEmpty(), qPrintable(t.error));
        QVERIFY2(t.exitCode == 0 || t.exitCode == 3, qPrintable(t.err));  // 3: flagged for review
        QVERIFY2(!t.out.trimmed().isEmpty(), qPrintable(t.err));
        qInfo().noquote() << "lantern-cli translate:" << t.summary();
        QVERIFY2(t.violations.isEmpty(), qPrintable(t.violations.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(CliPrivacyTest)
#include "privacytest.moc"
