// lantern-engine: the engine in a process of its own (service/engine/enginehost.h). The app starts it with
// `--connect <local socket>`; it loads models and answers over that socket until the app closes it. A crash or
// hang in the GPU driver ends this process, not the app, which starts a new one.
#include <QCoreApplication>
#include <QStringList>

#include <cstdio>

#include "service/engine/enginehost.h"
#include "service/engine/protocol.h"

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("lantern-engine"));
    const QStringList args = QCoreApplication::arguments();
    const qsizetype at = args.indexOf(QStringLiteral("--connect"));
    if (args.contains(QStringLiteral("--version"))) {
        std::printf("lantern-engine %s, protocol %d\n", LANTERN_VERSION, lantern::service::engineproc::kProtocolVersion);
        return 0;
    }
    if (at < 0 || at + 1 >= args.size()) {
        std::fprintf(stderr, "lantern-engine is started by Lantern: lantern-engine --connect <local socket name>\n");
        return 2;
    }
    lantern::service::EngineHostOptions options;
    options.fault = qEnvironmentVariable("LANTERN_ENGINE_FAULT");
    return lantern::service::runEngineHost(args[at + 1], std::move(options));
}
