// lantern-apiserver-screenshots: the API server's place in the window (issue 18) as PNGs, light and dark: the
// header's chip while it runs, the settings section, and the section when its port is taken. Not a test and not
// the product: the real QML app, controllers and server, with the scripted test double as the model.
//
//   QT_QPA_PLATFORM=offscreen lantern-apiserver-screenshots <out-dir>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>
#include <cstdio>

#include "tests/ui/support/scriptedmodel.h"
#include "ui/chat/chatcontroller.h"
#include "ui/settings/apiservercontroller.h"
#include "ui/settings/appsettings.h"

Q_IMPORT_QML_PLUGIN(LanternPlugin)

using namespace lantern;
using namespace lantern::ui;

int main(int argc, char* argv[]) {
    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", home.filePath(QStringLiteral("data")).toUtf8());
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("Lantern"));
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    const QString out = app.arguments().value(1, QStringLiteral("."));
    QDir().mkpath(out);

    test::Script script;
    script.modelName = "Scripted preview (test double)";
    script.pieces = {"Hello"};
    AppSettings* settings = AppSettings::instance();
    auto store = storage::ConversationStore::open(home.filePath(QStringLiteral("conversations.sqlite3")));
    if (!store)
        return 1;
    ChatController controller(std::move(*store), {}, settings,
                              [&](const std::filesystem::path&, const LoadOptions&) -> Result<std::unique_ptr<Model>> {
                                  return std::make_unique<test::ScriptedTestModel>(script);
                              });
    ChatController::setInstance(&controller);
    const QString model = home.filePath(QStringLiteral("gemma-3-270m-q4_k_m.gguf"));
    {
        QFile f(model);
        (void)f.open(QIODevice::WriteOnly);
    }
    controller.models()->load(model);
    (void)QTest::qWaitFor([&] { return controller.models()->isReady(); }, 10000);

    // A port another program holds, for the error state.
    QTcpServer squatter;
    if (!squatter.listen(QHostAddress::LocalHost, 0))
        return 1;
    const int takenPort = squatter.serverPort();

    settings->setServerPort(18080);
    settings->setServerEnabled(true);
    ApiServerController api(controller.models(), settings);
    ApiServerController::setInstance(&api);
    std::printf("server: %s %s\n", api.running() ? "running at" : "not running:",
                qPrintable(api.running() ? api.url() : api.lastError()));

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.load(QUrl(QStringLiteral("qrc:/Lantern/chat/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
    window->resize(1280, 800);
    QObject* dialog = window->findChild<QObject*>(QStringLiteral("settingsDialog"));
    const auto shot = [&](const QString& name) {
        QTest::qWait(400);
        const QString path = QDir(out).filePath(name + QStringLiteral(".png"));
        std::printf("%s %s\n", window->grabWindow().save(path) ? "wrote" : "FAILED", qPrintable(path));
    };
    const auto both = [&](const QString& name, bool withDialog) {
        for (const char* theme : {"light", "dark"}) {
            settings->setTheme(QString::fromLatin1(theme));
            if (withDialog)
                QMetaObject::invokeMethod(dialog, "openServerSettings");
            shot(QStringLiteral("%1-%2").arg(name, QLatin1String(theme)));
            if (withDialog)
                QMetaObject::invokeMethod(dialog, "close");
        }
    };
    both(QStringLiteral("server-header"), false);
    both(QStringLiteral("server-settings"), true);
    settings->setServerAllowNetwork(true);
    if (settings->serverApiKey().isEmpty())
        settings->generateServerApiKey();
    both(QStringLiteral("server-settings-network"), true);
    settings->setServerAllowNetwork(false);
    settings->setServerPort(takenPort);
    std::printf("on the taken port %d: %s\n", takenPort, qPrintable(api.lastError()));
    both(QStringLiteral("server-error"), false);
    both(QStringLiteral("server-error-settings"), true);
    engine.clearComponentCache();
    return 0;
}
