// lantern: the desktop chat application. Wires storage, the engine worker and the QML front end.
#include <QGuiApplication>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QTranslator>
#include <QtQml/qqmlextensionplugin.h>

#include "storage/storagepaths.h"
#include "ui/chat/chatcontroller.h"
#include "ui/translate/translatecontroller.h"

// The static QML module `Lantern` (ui/): linking its plugin registers the QML types.
Q_IMPORT_QML_PLUGIN(LanternPlugin)

int main(int argc, char* argv[]) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("Lantern"));
    QGuiApplication::setOrganizationName(QStringLiteral("Lantern"));
    QGuiApplication::setApplicationVersion(QStringLiteral(LANTERN_VERSION));
    QQuickStyle::setStyle(QStringLiteral("Basic"));

    // Translations are compiled into the binary (translations/CMakeLists.txt) under :/i18n.
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("lantern"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(&translator);

    // The controller exists before QML so that the QML singleton is this one; it loads the last
    // (or on first run the default) model on the inference thread while the window appears.
    auto controller = lantern::ui::ChatController::createDefault();
    lantern::ui::ChatController::setInstance(controller.get());
    controller->models()->start();
    // The translator shares the engine thread; its jobs resume from the database as soon as a model is loaded.
    auto translate = std::make_unique<lantern::ui::TranslateController>(controller->models(),
                                                                         lantern::storage::databasePath());
    lantern::ui::TranslateController::setInstance(translate.get());

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                     [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/Lantern/chat/Main.qml")));
    const int code = QGuiApplication::exec();
    // QML goes first (it holds bindings to the controller), then the controller saves and stops.
    engine.clearComponentCache();
    return code;
}
