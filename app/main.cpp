// lantern: the desktop chat application. Wires storage, the engine worker and the QML front end.
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>

int main(int argc, char* argv[]) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("Lantern"));
    QGuiApplication::setOrganizationName(QStringLiteral("Lantern"));
    QGuiApplication::setApplicationVersion(QStringLiteral(LANTERN_VERSION));
    QQuickStyle::setStyle(QStringLiteral("Basic"));

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                     [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/Lantern/chat/Main.qml")));
    return app.exec();
}
