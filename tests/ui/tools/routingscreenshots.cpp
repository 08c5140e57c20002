// lantern-routing-screenshots: renders hybrid routing's states into PNGs (light, dark, and right-to-left):
// a conversation that may use remote with answers from this computer and from an endpoint, the question
// after a failed endpoint, the privacy dialog, and the remote endpoints settings page after "Test
// connection". Not a test and not the product: the real window, controller and store (in a temp dir), the
// scripted test double for local answers and a fake OpenAI endpoint on 127.0.0.1 (tests/ui/support).
//
//   QT_QPA_PLATFORM=offscreen lantern-routing-screenshots <out-dir>
#include <QDir>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>
#include <cstdio>

#include "service/remote/endpoints.h"
#include "storage/conversationstore.h"
#include "tests/ui/support/fakeendpoint.h"
#include "tests/ui/support/scriptedmodel.h"
#include "ui/chat/chatcontroller.h"
#include "ui/settings/appsettings.h"

Q_IMPORT_QML_PLUGIN(LanternPlugin)

using namespace lantern;
using namespace lantern::ui;

namespace {

void shot(QQuickWindow* window, const QString& dir, const QString& name, int settleMs = 500) {
    QTest::qWait(settleMs);
    const QImage image = window->grabWindow();
    const QString path = QDir(dir).filePath(name + QStringLiteral(".png"));
    std::printf("%s %s\n", image.save(path) ? "wrote" : "FAILED", qPrintable(path));
    std::fflush(stdout);
}

bool answer(ChatController& c, const QString& text) {
    QSignalSpy done(&c, &ChatController::answerFinished);
    return c.send(text) && done.wait(20000);
}

// Delegates of a ListView have visual parents only: walk the item tree.
void itemsNamed(QQuickItem* item, const QString& name, QList<QQuickItem*>& out) {
    if (item->objectName() == name && item->isVisible())
        out.append(item);
    for (QQuickItem* child : item->childItems())
        itemsNamed(child, name, out);
}

}  // namespace

int main(int argc, char* argv[]) {
    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", home.filePath(QStringLiteral("data")).toUtf8());
    const bool rtl = argc > 2 && QByteArray(argv[2]) == "--rtl";
    if (rtl)
        QLocale::setDefault(QLocale(QLocale::Arabic, QLocale::Egypt));
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("Lantern"));
    if (rtl)
        QGuiApplication::setLayoutDirection(Qt::RightToLeft);
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    const QString out = app.arguments().value(1, QStringLiteral("."));
    const QString suffix = rtl ? QStringLiteral("-rtl") : QString();
    QDir().mkpath(out);

    test::Script script;
    script.modelName = "Scripted preview (test double)";
    script.answers = {{"A hash map keeps ", "key/value pairs in ", "buckets chosen by ", "a hash of the key."},
                      {"Sure: ", "short answers stay ", "on this computer."}};
    script.delay = std::chrono::milliseconds(10);
    ModelLoader loader = [&](const std::filesystem::path&, const LoadOptions&) -> Result<std::unique_ptr<Model>> {
        return std::make_unique<test::ScriptedTestModel>(script);
    };
    test::FakeEndpoint remote;
    auto endpoints = std::make_unique<service::EndpointStore>(home.filePath(QStringLiteral("endpoints.ini")),
                                                              QStringLiteral("lantern-routing-screenshots"));
    const QString endpointId = endpoints->addEndpoint(
        {{}, QStringLiteral("Workstation vLLM"), remote.baseUrl(), QStringLiteral("qwen3-32b")});
    endpoints->confirmHost(remote.host());

    AppSettings* settings = AppSettings::instance();
    auto store = storage::ConversationStore::open(home.filePath(QStringLiteral("conversations.sqlite3")));
    if (!store)
        return 1;
    ChatController controller(std::move(*store), {}, settings, loader, std::move(endpoints));
    ChatController::setInstance(&controller);
    const QString fake = home.filePath(QStringLiteral("scripted-preview.gguf"));
    {
        QFile f(fake);
        (void)f.open(QIODevice::WriteOnly);
    }
    controller.models()->load(fake);

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.load(QUrl(QStringLiteral("qrc:/Lantern/chat/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
    window->resize(1280, 820);
    (void)QTest::qWaitFor([&] { return controller.models()->isReady(); }, 10000);
    const auto themes = [&](const QString& name, const std::function<void()>& before = {}) {
        for (const char* theme : {"light", "dark"}) {
            settings->setTheme(QString::fromLatin1(theme));
            if (before)
                before();
            shot(window, out, QStringLiteral("routing-%1-%2%3").arg(name, QLatin1String(theme), suffix));
        }
    };

    // A new conversation: Private by default; the dialog that allowing remote opens.
    settings->setTheme(QStringLiteral("light"));
    if (QObject* button = window->findChild<QObject*>(QStringLiteral("privacyButton")))
        QMetaObject::invokeMethod(button, "clicked");
    themes(QStringLiteral("privacy-dialog"));
    QTest::keyClick(window, Qt::Key_Escape);

    // May use remote, Automatic: a short question stays here, a deep one goes to the workstation.
    ChatRouting* routing = controller.routing();
    routing->setPrivacy(QStringLiteral("remote"));
    routing->setPolicy(QStringLiteral("auto"));
    (void)answer(controller, QStringLiteral("How does a hash map work?"));
    remote.reply = test::FakeEndpoint::streamReply(
        {QStringLiteral("Amortised O(1) holds "), QStringLiteral("because the table grows geometrically: "),
         QStringLiteral("each resize costs O(n), "), QStringLiteral("but happens after n inserts.")},
        "Qwen/Qwen3-32B", 412);
    routing->setDeepAnswer(true);
    (void)answer(controller, QStringLiteral("Prove that inserts are amortised O(1)."));
    themes(QStringLiteral("conversation"));
    // The badge's tooltip (stats and cost lens): hover the last answer's badge.
    settings->setTheme(QStringLiteral("light"));
    QList<QQuickItem*> badges;
    itemsNamed(window->contentItem(), QStringLiteral("routeBadge"), badges);
    if (!badges.isEmpty()) {
        QQuickItem* badge = badges.first();
        for (QQuickItem* b : badges)
            if (b->mapToScene(QPointF()).y() > badge->mapToScene(QPointF()).y())
                badge = b;  // the last answer's
        const QPointF at = badge->mapToScene(QPointF(badge->width() / 2, badge->height() / 2));
        QTest::mouseMove(window, at.toPoint());
        shot(window, out, QStringLiteral("routing-badge-tooltip-light%1").arg(suffix), 900);
        QTest::mouseMove(window, QPoint(5, 5));
    }

    // The endpoint fails: the user is asked before anything else answers.
    routing->setPolicy(QStringLiteral("remote:") + endpointId);
    remote.reply = test::FakeEndpoint::errorReply(503, "The model is loading, try again in a minute.");
    (void)answer(controller, QStringLiteral("And for deletions?"));
    themes(QStringLiteral("question"));
    routing->cancelQuestion();

    // The settings page, alone in a window, after a successful "Test connection".
    QQmlComponent component(&engine);
    component.setData("import QtQuick\nimport QtQuick.Controls\nimport Lantern\n"
                      "ApplicationWindow { width: 640; height: 760; visible: true; color: Theme.raised\n"
                      "  palette.window: Theme.window; palette.windowText: Theme.text; palette.base: Theme.raised\n"
                      "  palette.text: Theme.text; palette.button: Theme.surface; palette.buttonText: Theme.text\n"
                      "  palette.highlight: Theme.accent; palette.placeholderText: Theme.mutedText\n"
                      "  font.pixelSize: Theme.fontSize\n"
                      "  ScrollView { anchors.fill: parent; anchors.margins: 20; contentWidth: availableWidth\n"
                      "    RemoteEndpointsPage { objectName: \"page\"; width: parent.width } } }",
                      QUrl(QStringLiteral("qrc:/routing-screenshots.qml")));
    std::unique_ptr<QObject> pageWindow(component.create());
    if (!pageWindow) {
        std::fprintf(stderr, "%s\n", qPrintable(component.errorString()));
        return 1;
    }
    auto* settingsWindow = qobject_cast<QQuickWindow*>(pageWindow.get());
    QObject* page = pageWindow->findChild<QObject*>(QStringLiteral("page"));
    remote.reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                   "{\"object\":\"list\",\"data\":[{\"id\":\"Qwen/Qwen3-32B\",\"object\":\"model\"},"
                   "{\"id\":\"Qwen/Qwen3-8B\",\"object\":\"model\"}]}";
    QMetaObject::invokeMethod(page, "edit", Q_ARG(QVariant, endpointId), Q_ARG(QVariant, QStringLiteral("Workstation vLLM")),
                              Q_ARG(QVariant, remote.baseUrl()), Q_ARG(QVariant, QStringLiteral("qwen3-32b")));
    if (QObject* test = pageWindow->findChild<QObject*>(QStringLiteral("testConnection")))
        QMetaObject::invokeMethod(test, "clicked");
    QTest::qWait(800);
    for (const char* theme : {"light", "dark"}) {
        settings->setTheme(QString::fromLatin1(theme));
        shot(settingsWindow, out, QStringLiteral("routing-settings-%1%2").arg(QLatin1String(theme), suffix));
    }
    return 0;
}
