#pragma once
// The metric tests' independent reference: sacrebleu 2.4.3 from PyPI, run by the Python that
// LANTERN_PYTHON names (scripts/lib/setup.sh installs it into the project's venv). Without it the tests
// fail and say how to install it; they never skip, as the comparison is the point of them.
#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <cstdlib>
#include <string>

namespace lantern::test {

inline constexpr const char* kSacrebleuInstall =
    "sacrebleu 2.4.3 is the reference these tests compare against. Install it with "
    "`source scripts/lib/setup.sh && lantern_install_test_tools` (./scripts/test does this) and configure "
    "with -DLANTERN_PYTHON=$HOME/.local/share/lantern/pyenv/bin/python";

struct PythonRun {
    bool ok = false;
    QByteArray out;
    QString error;  // why it failed, with what to do
};

// Runs LANTERN_PYTHON with `args` and returns its stdout.
inline PythonRun runPython(const QStringList& args, int timeoutMs = 120000) {
    PythonRun run;
    const char* python = std::getenv("LANTERN_PYTHON");
    if (!python || !*python) {
        run.error = QStringLiteral("LANTERN_PYTHON is not set. ") + kSacrebleuInstall;
        return run;
    }
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("NO_COLOR", "1");
    env.insert("PYTHONIOENCODING", "utf-8");
    p.setProcessEnvironment(env);
    p.start(QString::fromLocal8Bit(python), args);
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        const QString why = p.error() == QProcess::UnknownError
                                ? QStringLiteral("exit %1: %2")
                                      .arg(p.exitCode())
                                      .arg(QString::fromUtf8(p.readAllStandardError()).right(2000))
                                : p.errorString();
        run.error = QStringLiteral("%1 %2 failed (%3). %4")
                        .arg(QString::fromLocal8Bit(python), args.join(' '), why, kSacrebleuInstall);
        return run;
    }
    run.ok = true;
    run.out = p.readAllStandardOutput();
    return run;
}

// tests/translation/eval/sacrebleu_reference.py with `args`, its JSON parsed; checks the version.
inline PythonRun runReference(const QStringList& args, QJsonObject& result) {
    const QString script =
        QStringLiteral(LANTERN_SOURCE_DIR "/tests/translation/eval/sacrebleu_reference.py");
    PythonRun run = runPython(QStringList{script} + args);
    if (!run.ok) {
        return run;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(run.out, &parseError);
    if (!doc.isObject()) {
        run.ok = false;
        run.error = "sacrebleu_reference.py printed no JSON object: " + parseError.errorString();
        return run;
    }
    result = doc.object();
    if (result["version"].toString() != "2.4.3") {
        run.ok = false;
        run.error = "LANTERN_PYTHON has sacrebleu '" + result["version"].toString() + "', not 2.4.3. " +
                    kSacrebleuInstall;
    }
    return run;
}

}  // namespace lantern::test
