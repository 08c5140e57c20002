#pragma once
// Runs a program under `strace -f -e trace=socket,connect,execve` (it and every thread and child it starts)
// and reads back each socket() and connect() it made, and the programs it ran: the sockets by address family, and every call that was not
// AF_UNIX (a socket of another family, or a connect to another family's address). The privacy tests assert
// that a whole chat or translation leaves `violations` empty: only local IPC, never the network.
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStringList>
#include <map>

namespace lantern::test {

struct SocketTrace {
    QString error;                       // why the traced run could not be judged (no strace, did not finish)
    int exitCode = -1;                   // the program's exit code
    QByteArray out;                      // its standard output
    QString err;                         // its standard error
    std::map<QString, int> socketsByFamily;  // socket() calls by family ("AF_UNIX" -> 3)
    int connects = 0;                    // connect() calls, any family
    QStringList violations;              // the strace lines of every non-AF_UNIX socket() or connect()
    QStringList programs;                // every program executed (the traced one first, then its children)

    int sockets() const {
        int n = 0;
        for (const auto& [family, count] : socketsByFamily)
            n += count;
        return n;
    }
    // "4 socket() calls (AF_UNIX 4), 2 connect() calls" for the log.
    QString summary() const {
        QStringList families;
        for (const auto& [family, count] : socketsByFamily)
            families << QStringLiteral("%1 %2").arg(family).arg(count);
        return QStringLiteral("%1 socket() calls (%2), %3 connect() calls")
            .arg(sockets())
            .arg(families.isEmpty() ? QStringLiteral("none") : families.join(QStringLiteral(", ")))
            .arg(connects);
    }
};

// Reads a strace log written with -f -e trace=socket,connect,execve (pid prefixes, <unfinished ...> and
// <... resumed> lines allowed: the family is always in the first half of a split call).
inline void readSocketLog(const QString& text, SocketTrace& trace) {
    static const QRegularExpression socketCall(QStringLiteral(R"(\bsocket\(\s*([A-Z_0-9]+))"));
    static const QRegularExpression execCall(QStringLiteral("\\bexecve\\(\"([^\"]+)\".*= 0$"));
    static const QRegularExpression connectCall(QStringLiteral(R"(\bconnect\(\d+,\s*(\{sa_family=([A-Z_0-9]+))?)"));
    for (const QString& line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (line.contains(QLatin1String("resumed>")) || line.contains(QLatin1String("+++")) ||
            line.contains(QLatin1String("---")))
            continue;
        if (const auto e = execCall.match(line); e.hasMatch()) {
            trace.programs << e.captured(1);
        } else if (const auto m = socketCall.match(line); m.hasMatch()) {
            QString family = m.captured(1);
            family.replace(QStringLiteral("PF_"), QStringLiteral("AF_"));
            family = family == QLatin1String("AF_LOCAL") ? QStringLiteral("AF_UNIX") : family;
            ++trace.socketsByFamily[family];
            if (family != QLatin1String("AF_UNIX"))
                trace.violations << line;
        } else if (const auto c = connectCall.match(line); c.hasMatch()) {
            ++trace.connects;
            // An address strace could not decode has no sa_family: not provably local, so it counts too.
            if (c.captured(2) != QLatin1String("AF_UNIX") && c.captured(2) != QLatin1String("AF_LOCAL"))
                trace.violations << line;
        }
    }
}

// Runs `program args` under strace, feeding `input` on standard input, the log written to `logPath`.
inline SocketTrace traceSockets(const QString& program, const QStringList& args, const QString& logPath,
                                const QByteArray& input = {}, int timeoutMs = 900000,
                                const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    SocketTrace trace;
    const QString strace = QStandardPaths::findExecutable(QStringLiteral("strace"));
    if (strace.isEmpty()) {
        trace.error = QStringLiteral("strace is not installed (scripts/lib/setup.sh installs it).");
        return trace;
    }
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(strace, QStringList{QStringLiteral("-f"), QStringLiteral("-e"), QStringLiteral("trace=socket,connect,execve"),
                                QStringLiteral("-o"), logPath, program} + args);
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit) {
        trace.error = QStringLiteral("%1 did not finish under strace: %2").arg(program, p.errorString());
        p.kill();
        p.waitForFinished(5000);
        return trace;
    }
    trace.exitCode = p.exitCode();
    trace.out = p.readAllStandardOutput();
    trace.err = QString::fromUtf8(p.readAllStandardError());
    QFile log(logPath);
    if (!log.open(QIODevice::ReadOnly)) {
        trace.error = QStringLiteral("strace wrote no log at %1.").arg(logPath);
        return trace;
    }
    readSocketLog(QString::fromUtf8(log.readAll()), trace);
    return trace;
}

}  // namespace lantern::test
