// lantern: the desktop chat application. Wires storage, the engine worker and the QML front end.
//   lantern                       the app
//   lantern --smoke-test MODEL    the installers' check (scripts/package --check): the real window, controller
//                                 and engine thread load MODEL and answer one question; the answer goes to stdout
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QTranslator>
#include <QtQml/qqmlextensionplugin.h>
#include <cstdio>
#include <cstring>

#include "storage/storagepaths.h"
#include "ui/chat/chatcontroller.h"
#include "ui/settings/apiservercontroller.h"
#include "ui/settings/appsettings.h"
#include "ui/translate/translatecontroller.h"

// The static QML module `Lantern` (ui/): linking its plugin registers the QML types.
Q_IMPORT_QML_PLUGIN(LanternPlugin)

namespace {

// The smoke test must leave the user's conversations and settings alone, so it points Lantern's data and
// configuration at a temporary folder. Done before QGuiApplication exists: QSettings caches its folder on
// first use. Linux reads the XDG variables; elsewhere Qt's test mode gives the same separation.
void isolateForSmokeTest(const QTemporaryDir& scratch) {
#if defined(Q_OS_LINUX)
    qputenv("XDG_DATA_HOME", QFile::encodeName(scratch.filePath(QStringLiteral("data"))));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(scratch.filePath(QStringLiteral("config"))));
#else
    Q_UNUSED(scratch);
    QStandardPaths::setTestModeEnabled(true);
#endif
}

// Module errors of QML loaded later than Main.qml (a dialog's implementation is only loaded when it
// opens) surface as warnings, not as a failed load: the smoke test counts them.
int g_qmlWarnings = 0;
QtMessageHandler g_defaultHandler = nullptr;
void countWarnings(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if (type != QtDebugMsg && type != QtInfoMsg)
        ++g_qmlWarnings;
    g_defaultHandler(type, context, message);
}

// Opens a file dialog once: without a native dialog (no platform theme) Qt Quick Dialogs loads its QML
// implementation, which imports more modules (Qt.labs.folderlistmodel) than Main.qml does.
void openFileDialog(QQmlEngine& engine, QQuickWindow* window) {
    QQmlComponent component(&engine);
    component.setData("import QtQuick.Dialogs\nFileDialog {}", QUrl());
    std::unique_ptr<QObject> dialog(component.create());
    if (!dialog) {
        ++g_qmlWarnings;
        std::fprintf(stderr, "lantern: %s\n", qPrintable(component.errorString()));
        return;
    }
    dialog->setProperty("parentWindow", QVariant::fromValue(window));
    QMetaObject::invokeMethod(dialog.get(), "open");
    QCoreApplication::processEvents();
    QMetaObject::invokeMethod(dialog.get(), "close");
}

// Loads the model through ModelManager (the engine thread), asks one question through ChatController and
// prints the stored answer. 0 = an answer came back and nothing warned; 1 = otherwise, with the reason.
int runSmokeTest(QQmlApplicationEngine& engine, lantern::ui::ChatController& chat, const QString& model) {
    using lantern::ui::ChatController;
    if (engine.rootObjects().isEmpty())
        return 1;  // Main.qml did not load; the engine printed why
    openFileDialog(engine, qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst()));
    auto fail = [](const QString& why) {
        std::fprintf(stderr, "lantern --smoke-test: %s\n", qPrintable(why));
        QCoreApplication::exit(1);
    };
    auto* models = chat.models();
    bool sent = false;
    QObject::connect(models, &lantern::ui::ModelManager::stateChanged, &chat, [&chat, &sent, models, fail] {
        if (models->state() == QLatin1String("error"))
            return fail(models->errorText());
        if (models->state() != QLatin1String("ready") || sent)
            return;
        sent = true;
        if (!chat.send(QStringLiteral("What is the capital of France?")))
            fail(chat.errorText().isEmpty() ? QStringLiteral("the message was not sent") : chat.errorText());
    });
    QObject::connect(&chat, &ChatController::answerFinished, &chat, [&chat, fail](qint64 messageId) {
        auto answer = chat.store()->message(messageId);
        if (!answer)
            return fail(QStringLiteral("the answer was not stored"));
        if (answer->state != lantern::storage::MessageState::Complete || answer->content.trimmed().isEmpty())
            return fail(QStringLiteral("no answer: %1").arg(answer->errorText));
        std::printf("%s\n", answer->content.trimmed().toUtf8().constData());
        std::fflush(stdout);
        if (g_qmlWarnings != 0)
            return fail(QStringLiteral("%1 warning(s) above").arg(g_qmlWarnings));
        QCoreApplication::exit(0);
    });
    QTimer::singleShot(300'000, &chat, [fail] { fail(QStringLiteral("no answer within 5 minutes")); });
    lantern::ui::AppSettings::instance()->setMaxAnswerTokens(16);
    // From inside the event loop: a load that fails at once (no such file) must be able to exit it.
    QTimer::singleShot(0, models, [models, model] { models->load(model); });
    return QGuiApplication::exec();
}

}  // namespace

int main(int argc, char* argv[]) {
    // Looked for before QGuiApplication (see isolateForSmokeTest); QCommandLineParser below checks it properly.
    QTemporaryDir scratch;
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--smoke-test") == 0)
            isolateForSmokeTest(scratch);

    QGuiApplication app(argc, argv);
    // The application name is also the X11 WM_CLASS class ("Lantern"), which the desktop entry's
    // StartupWMClass names; the desktop file name is the Wayland app id and finds the entry's icon.
    QGuiApplication::setApplicationName(QStringLiteral("Lantern"));
    QGuiApplication::setOrganizationName(QStringLiteral("Lantern"));
    QGuiApplication::setApplicationVersion(QStringLiteral(LANTERN_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral(LANTERN_APP_ID));
    // The installed hicolor icon when there is one, else the copy in the binary (build tree, portable .tar.gz).
    QIcon fallback;
    for (int size : {16, 32, 48, 64, 128, 256})
        fallback.addFile(QStringLiteral(":/icons/lantern/%1x%1/lantern.png").arg(size));
    QGuiApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral(LANTERN_APP_ID), fallback));
    QQuickStyle::setStyle(QStringLiteral("Basic"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Private, offline chat and translation with local language models"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption smokeTest(QStringLiteral("smoke-test"),
                                       QStringLiteral("Load MODEL, answer one question, print the answer and exit."),
                                       QStringLiteral("MODEL"));
    parser.addOption(smokeTest);
    parser.process(app);

    // Translations are compiled into the binary (translations/CMakeLists.txt) under :/i18n.
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("lantern"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(&translator);

    // The controller exists before QML so that the QML singleton is this one; it loads the last
    // (or on first run the default) model on the inference thread while the window appears.
    auto controller = lantern::ui::ChatController::createDefault();
    lantern::ui::ChatController::setInstance(controller.get());
    if (!parser.isSet(smokeTest))
        controller->models()->start();
    // The translator shares the engine thread; its jobs resume from the database as soon as a model is loaded.
    auto translate = std::make_unique<lantern::ui::TranslateController>(controller->models(),
                                                                         lantern::storage::databasePath());
    lantern::ui::TranslateController::setInstance(translate.get());
    // The API server (off unless the settings turn it on) shares the engine thread and the loaded model too. It
    // is declared after the controller so it is destroyed first, while the engine thread still runs.
    auto apiServer = std::make_unique<lantern::ui::ApiServerController>(controller->models(),
                                                                         lantern::ui::AppSettings::instance());
    lantern::ui::ApiServerController::setInstance(apiServer.get());

    if (parser.isSet(smokeTest))
        g_defaultHandler = qInstallMessageHandler(countWarnings);
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                     [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/Lantern/chat/Main.qml")));
    const int code = parser.isSet(smokeTest) ? runSmokeTest(engine, *controller, parser.value(smokeTest))
                                             : QGuiApplication::exec();
    // QML goes first (it holds bindings to the controller), then the controller saves and stops.
    engine.clearComponentCache();
    return code;
}
