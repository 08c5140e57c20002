// Privacy, proven, for the app: lantern-privacy-driver (the real Main.qml, ChatController, translator and
// engine on the real default model, offscreen; see privacydriver.cpp), laid out as installed with
// lantern-engine beside it so that the engine runs in that child process as in the installed app, goes through
// a two-turn chat and a translation
//  - under `strace -f -e trace=socket,connect`: every socket() the process or any of its threads creates is
//    AF_UNIX and every connect() goes to an AF_UNIX address; the sockets seen are printed by family;
//  - in an empty network namespace (`unshare -n`: no interface but a downed loopback, so any connection
//    attempt fails), again under strace: the same flow still completes, and opens no network socket either.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/sockettrace.h"
#include "tests/support/testenv.h"

namespace {

QString modelPath() {
    return QString::fromStdString(lantern::test::requireModel("gemma-3-270m-q4_k_m.gguf").string());
}

// The driver as the app is installed: lantern-engine beside it (copied into `bin`), so that the app runs its
// engine in that child process as an installed Lantern does. Without the engine target: the driver as built
// (the engine in the app's own process, as in a build without lantern_service).
QString installedDriver(const QTemporaryDir& dir) {
#ifdef LANTERN_ENGINE
    const QString bin = dir.filePath(QStringLiteral("bin"));
    const QString driver = bin + QStringLiteral("/lantern-privacy-driver");
    if (QFile::exists(driver))
        return driver;
    QDir().mkpath(bin);
    if (!QFile::copy(QStringLiteral(LANTERN_PRIVACY_DRIVER), driver) ||
        !QFile::copy(QStringLiteral(LANTERN_ENGINE), bin + QStringLiteral("/lantern-engine")))
        return {};
    return driver;
#else
    Q_UNUSED(dir);
    return QStringLiteral(LANTERN_PRIVACY_DRIVER);
#endif
}

// Whether the engine ran as the installed app runs it (in lantern-engine), when that program exists.
bool engineRanAsInstalled(const lantern::test::SocketTrace& t) {
#ifdef LANTERN_ENGINE
    for (const QString& program : t.programs)
        if (program.endsWith(QLatin1String("/bin/lantern-engine")))
            return true;
    return false;
#else
    Q_UNUSED(t);
    return true;
#endif
}

QProcessEnvironment offscreen() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    return env;
}

}  // namespace

class AppPrivacyTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void chatAndTranslationOpenNoNetworkSocket() {
        const QString driver = installedDriver(m_dir);
        QVERIFY2(!driver.isEmpty(), "could not copy the driver and lantern-engine into a bin folder");
        const lantern::test::SocketTrace t =
            lantern::test::traceSockets(driver, {modelPath()},
                                        m_dir.filePath(QStringLiteral("app.log")), {}, 540000, offscreen());
        QVERIFY2(t.error.isEmpty(), qPrintable(t.error));
        QVERIFY2(t.exitCode == 0, qPrintable(t.err));
        qInfo().noquote() << t.out.trimmed();
        qInfo().noquote() << "the app, a two-turn chat and a translation:" << t.summary() << "; programs:"
                          << t.programs.join(QStringLiteral(", "));
        QVERIFY2(engineRanAsInstalled(t), qPrintable(t.programs.join(QStringLiteral(", "))));
        QVERIFY2(t.violations.isEmpty(), qPrintable(t.violations.join(QLatin1Char('\n'))));
    }

    void chatAndTranslationCompleteWithoutANetwork() {
        const QString unshare = QStandardPaths::findExecutable(QStringLiteral("unshare"));
        if (unshare.isEmpty())
            QSKIP("unshare (util-linux) is not installed, so there is no empty network namespace to run in.");
        // As root -n alone; otherwise an unprivileged user namespace (-r maps the user to root inside).
        const QStringList how = QProcess::execute(unshare, {QStringLiteral("-n"), QStringLiteral("true")}) == 0
                                    ? QStringList{QStringLiteral("-n")}
                                    : QStringList{QStringLiteral("-r"), QStringLiteral("-n")};
        if (QProcess::execute(unshare, how + QStringList{QStringLiteral("true")}) != 0)
            QSKIP("This machine lets neither root nor a user namespace create a network namespace (unshare -n fails).");
        // strace outside, following unshare into the driver: here too any connection attempt fails the test.
        const lantern::test::SocketTrace t = lantern::test::traceSockets(
            unshare, how + QStringList{QStringLiteral("--"), installedDriver(m_dir), modelPath()},
            m_dir.filePath(QStringLiteral("netns.log")), {}, 540000, offscreen());
        QVERIFY2(t.error.isEmpty(), qPrintable(t.error));
        QVERIFY2(t.exitCode == 0, qPrintable(t.err));
        qInfo().noquote() << "without a network:" << t.out.trimmed();
        qInfo().noquote() << "in the empty network namespace:" << t.summary();
        QVERIFY2(engineRanAsInstalled(t), qPrintable(t.programs.join(QStringLiteral(", "))));
        QVERIFY2(t.violations.isEmpty(), qPrintable(t.violations.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(AppPrivacyTest)
#include "appprivacytest.moc"
