// Not a test by itself: the app's whole chat and translation flow, driven as a person drives it, for
// appprivacytest, which runs this program under strace and in an empty network namespace.
//   lantern-privacy-driver MODEL
// Wired as app/main.cpp wires the app (ChatController::createDefault, the translator and the API server on
// the same engine thread, Main.qml), with the data and settings folders in a temporary directory and MODEL
// linked into an empty model folder, so that the first-run start picks it as the default model. Then: a
// message typed into the composer and sent with Enter, its answer streamed and finished; a second turn; Ctrl+T
// to translate mode; a sentence typed into the source field and translated with Ctrl+Enter. Exit 0 when all
// of it completed (a summary on stdout), 1 with the reason on stderr.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>
#include <cstdio>

#include "storage/storagepaths.h"
#include "ui/chat/chatcontroller.h"
#include "ui/chat/messagemodel.h"
#include "ui/library/modelmanager.h"
#include "ui/settings/apiservercontroller.h"
#include "ui/settings/appsettings.h"
#include "ui/translate/translatecontroller.h"

Q_IMPORT_QML_PLUGIN(LanternPlugin)

namespace {

using namespace lantern::ui;

int fail(const QString& why) {
    std::fprintf(stderr, "lantern-privacy-driver: %s\n", qPrintable(why));
    return 1;
}

// Waits (running the event loop) until `done` holds; false after `ms`.
template <typename F>
bool waitFor(F done, int ms) {
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > ms)
            return false;
        QTest::qWait(20);
    }
    return true;
}

// Types ASCII text into the focused item, key by key (QTest has keyClicks for widgets only).
void typeText(QQuickWindow* window, const QString& text) {
    for (QChar c : text)
        QTest::keyClick(window, c.toLatin1());
}

QString answerAt(MessageModel* messages, int row) {
    return messages->data(messages->index(row, 0), MessageModel::ContentRole).toString();
}

// Types `text` into the composer and presses Enter; waits for the answer to stream and finish.
QString chatTurn(QQuickWindow* window, ChatController& chat, const QString& text, QString& error) {
    auto* input = window->findChild<QQuickItem*>(QStringLiteral("composerInput"));
    if (!input)
        return error = QStringLiteral("the composer is not in the window"), QString();
    input->forceActiveFocus();
    typeText(window, text);
    QSignalSpy finished(&chat, &ChatController::answerFinished);
    bool streamed = false;
    auto conn = QObject::connect(&chat, &ChatController::generatingChanged, &chat, [&] { streamed |= chat.generating(); });
    QTest::keyClick(window, Qt::Key_Return);
    const bool ok = finished.wait(300000);
    QObject::disconnect(conn);
    if (!ok)
        return error = QStringLiteral("no answer to \"%1\" within 5 minutes: %2").arg(text, chat.errorText()), QString();
    if (!streamed)
        return error = QStringLiteral("the answer to \"%1\" never streamed").arg(text), QString();
    MessageModel* messages = chat.messages();
    return answerAt(messages, messages->rowCount() - 1);
}

int drive(QQmlApplicationEngine& engine, ChatController& chat, TranslateController& translate) {
    if (engine.rootObjects().isEmpty())
        return fail(QStringLiteral("Main.qml did not load."));
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
    window->resize(1180, 760);
    window->show();
    if (!QTest::qWaitForWindowExposed(window))
        return fail(QStringLiteral("the window was never shown."));
    ModelManager* models = chat.models();
    if (!waitFor([&] { return models->state() == QLatin1String("ready") || models->state() == QLatin1String("error"); },
                 300000) ||
        models->state() != QLatin1String("ready"))
        return fail(QStringLiteral("the default model did not load: %1").arg(models->errorText()));

    QString error;
    const QString first = chatTurn(window, chat, QStringLiteral("What is the capital of France?"), error);
    if (!error.isEmpty())
        return fail(error);
    const QString second = chatTurn(window, chat, QStringLiteral("And of Italy?"), error);
    if (!error.isEmpty())
        return fail(error);
    if (chat.messages()->rowCount() != 4)
        return fail(QStringLiteral("the conversation has %1 messages, not 4.").arg(chat.messages()->rowCount()));

    QTest::keyClick(window, Qt::Key_T, Qt::ControlModifier);
    if (!waitFor([&] { return window->property("mode").toInt() == 1; }, 5000))
        return fail(QStringLiteral("Ctrl+T did not switch to translate mode."));
    auto* source = window->findChild<QQuickItem*>(QStringLiteral("sourceEdit"));
    if (!source)
        return fail(QStringLiteral("the translate view has no source field."));
    translate.setSourceLanguage(QStringLiteral("en"));
    translate.setTargetLanguage(QStringLiteral("de"));
    source->forceActiveFocus();
    typeText(window, QStringLiteral("Good morning. The weather is nice today."));
    QTest::keyClick(window, Qt::Key_Return, Qt::ControlModifier);
    if (!waitFor([&] { return translate.busy(); }, 10000) && translate.output().isEmpty())
        return fail(QStringLiteral("Ctrl+Enter did not start a translation: %1").arg(translate.errorText()));
    if (!waitFor([&] { return !translate.busy(); }, 300000))
        return fail(QStringLiteral("the translation did not finish within 5 minutes."));
    if (translate.output().trimmed().isEmpty())
        return fail(QStringLiteral("the translation came back empty: %1").arg(translate.errorText()));
    std::printf("chat answers: \"%s\" / \"%s\"\ntranslation: \"%s\"\n", qPrintable(first.simplified()),
                qPrintable(second.simplified()), qPrintable(translate.output().simplified()));
    std::fflush(stdout);
    return 0;
}

}  // namespace

int main(int argc, char* argv[]) {
    if (argc != 2) {
        std::fputs("usage: lantern-privacy-driver MODEL\n", stderr);
        return 2;
    }
    QTemporaryDir scratch;
    qputenv("XDG_DATA_HOME", QFile::encodeName(scratch.filePath(QStringLiteral("data"))));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(scratch.filePath(QStringLiteral("config"))));
    qputenv("LANTERN_MODELS", QFile::encodeName(scratch.filePath(QStringLiteral("models"))));
    QDir().mkpath(scratch.filePath(QStringLiteral("models")));
    const QString model = QFile::decodeName(argv[1]);
    if (!QFile::link(QFileInfo(model).absoluteFilePath(),
                     scratch.filePath(QStringLiteral("models/")) + QString::fromLatin1(ModelManager::kDefaultModel)))
        return fail(QStringLiteral("could not link %1 into the model folder.").arg(model));

    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("Lantern"));
    QGuiApplication::setOrganizationName(QStringLiteral("Lantern"));
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    AppSettings::instance()->setMaxAnswerTokens(12);
    AppSettings::instance()->setSamplingPreset(QStringLiteral("precise"));

    auto controller = ChatController::createDefault();
    ChatController::setInstance(controller.get());
    controller->models()->start();
    auto translate = std::make_unique<TranslateController>(controller->models(), lantern::storage::databasePath());
    TranslateController::setInstance(translate.get());
    auto apiServer = std::make_unique<ApiServerController>(controller->models(), AppSettings::instance());
    ApiServerController::setInstance(apiServer.get());

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.load(QUrl(QStringLiteral("qrc:/Lantern/chat/Main.qml")));
    const int code = drive(engine, *controller, *translate);
    engine.clearComponentCache();
    return code;
}
