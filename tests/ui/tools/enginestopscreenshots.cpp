// Not a test: renders the chat after the engine process stopped under an answer (a lost device injected into the
// real lantern-engine), in light and dark, into PNGs to look at.
//   QT_QPA_PLATFORM=offscreen build/tests/ui/lantern-enginestop-screenshots OUT MODEL.gguf [--rtl]
#include <QDir>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

#include "service/engine/engineprocess.h"
#include "storage/conversationstore.h"
#include "ui/chat/chatcontroller.h"
#include "ui/settings/appsettings.h"

using namespace lantern;
using namespace lantern::ui;

int main(int argc, char* argv[]) {
    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", home.filePath(QStringLiteral("data")).toUtf8());
    const bool rtl = argc > 3 && QByteArray(argv[3]) == "--rtl";
    if (rtl)
        QLocale::setDefault(QLocale(QLocale::Arabic, QLocale::Egypt));
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("Lantern"));
    if (rtl)
        QGuiApplication::setLayoutDirection(Qt::RightToLeft);
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s OUT MODEL.gguf [--rtl]\n", argv[0]);
        return 2;
    }
    const QString out = QString::fromLocal8Bit(argv[1]);
    const QString model = QString::fromLocal8Bit(argv[2]);
    QDir().mkpath(out);

    ModelLoader loader = [](const std::filesystem::path& p, const LoadOptions& o) {
        service::EngineProcessOptions process;
        process.program = QStringLiteral(LANTERN_ENGINE_PROGRAM);
        process.fault = QStringLiteral("device-lost:12");
        return service::loadInEngineProcess(p, o, process);
    };
    AppSettings* settings = AppSettings::instance();
    auto store = storage::ConversationStore::open(home.filePath(QStringLiteral("conversations.sqlite3")));
    if (!store)
        return 1;
    ChatController controller(std::move(*store), {}, settings, loader);
    ChatController::setInstance(&controller);
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.load(QUrl(QStringLiteral("qrc:/Lantern/chat/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
    window->resize(1100, 640);
    controller.models()->load(model);
    (void)QTest::qWaitFor([&] { return controller.models()->state() != QLatin1String("loading"); }, 120000);
    QSignalSpy done(&controller, &ChatController::answerFinished);
    if (!controller.send(QStringLiteral("Tell me how a lighthouse works.")) || !done.wait(120000)) {
        std::fprintf(stderr, "the answer did not finish\n");
        return 1;
    }
    for (const char* theme : {"light", "dark"}) {
        settings->setTheme(QString::fromLatin1(theme));
        QTest::qWait(400);
        const QString path = QDir(out).filePath(QStringLiteral("engine-stopped-%1%2.png")
                                                    .arg(QLatin1String(theme), rtl ? QStringLiteral("-rtl") : QString()));
        std::printf("%s %s\n", window->grabWindow().save(path) ? "wrote" : "FAILED", qPrintable(path));
    }
    return 0;
}
