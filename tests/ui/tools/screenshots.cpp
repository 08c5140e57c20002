// lantern-ui-screenshots: renders the main states of the app into PNGs (docs/screenshots/) and measures
// frame times while an answer streams. Not a test and not the product: the window is the real QML app
// with the real controller and store (in a temp dir), but unless --real-model is given the answers are
// scripted by the test double of tests/ui/support/scriptedmodel.h, and the model is named so in the UI.
//
//   QT_QPA_PLATFORM=offscreen lantern-ui-screenshots <out-dir> [--real-model <file.gguf>]
#include <QDir>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>
#include <algorithm>
#include <cstdio>

#include "storage/conversationstore.h"
#include "tests/ui/support/sampleanswers.h"
#include "tests/ui/support/scriptedmodel.h"
#include "ui/chat/chatcontroller.h"
#include "ui/settings/appsettings.h"

Q_IMPORT_QML_PLUGIN(LanternPlugin)

using namespace lantern;
using namespace lantern::ui;

namespace {

class Shooter {
public:
    Shooter(QQuickWindow* window, QString dir) : m_window(window), m_dir(std::move(dir)) {}
    void shot(const QString& name, int settleMs = 400) {
        QTest::qWait(settleMs);
        const QImage image = m_window->grabWindow();
        const QString path = QDir(m_dir).filePath(name + QStringLiteral(".png"));
        std::printf("%s %s\n", image.save(path) ? "wrote" : "FAILED", qPrintable(path));
        std::fflush(stdout);
    }

private:
    QQuickWindow* m_window;
    QString m_dir;
};

bool waitAnswer(ChatController& c) {
    QSignalSpy done(&c, &ChatController::answerFinished);
    return done.wait(120000);
}

void send(ChatController& c, const QString& text) {
    if (!c.send(text) || !waitAnswer(c))
        std::printf("answer to \"%s\" did not finish\n", qPrintable(text));
    QTest::qWait(1200);  // code highlighting runs in its own process
}

QObject* find(QQuickWindow* w, const char* name) { return w->findChild<QObject*>(QString::fromLatin1(name)); }

}  // namespace

int main(int argc, char* argv[]) {
    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", home.filePath(QStringLiteral("data")).toUtf8());
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("Lantern"));
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    const QStringList args = app.arguments();
    const QString out = args.value(1, QStringLiteral("."));
    const qsizetype realAt = args.indexOf(QStringLiteral("--real-model"));
    const QString realModel = realAt > 0 ? args.value(realAt + 1) : QString();
    QDir().mkpath(out);

    test::Script script;
    script.modelName = "Scripted preview (test double)";
    script.answers = {test::chop(test::kHashMapAnswer), test::chop(test::kThinkAnswer), test::chop(test::kStreamAnswer)};
    script.delay = std::chrono::milliseconds(12);
    bool realEngine = true;  // the first load shows what the real engine says about the real model
    ModelLoader loader = [&](const std::filesystem::path& p, const LoadOptions& o) -> Result<std::unique_ptr<Model>> {
        if (realEngine)
            return Engine::load(p, o);
        return std::make_unique<test::ScriptedTestModel>(script);
    };

    AppSettings* settings = AppSettings::instance();
    settings->setModelFolder(QStringLiteral("/root/.local/share/lantern/models"));
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
    window->resize(1280, 820);
    Shooter shooter(window, out);

    // Error state: what the real engine says about a damaged file (a GGUF cut off after its header).
    const QString broken = home.filePath(QStringLiteral("damaged-download.gguf"));
    {
        QFile f(broken);
        (void)f.open(QIODevice::WriteOnly);
        f.write(QByteArray("GGUF\x03\x00\x00\x00", 8));
    }
    controller.models()->load(broken);
    (void)QTest::qWaitFor([&] { return controller.models()->state() != QLatin1String("loading"); }, 120000);
    for (const char* theme : {"light", "dark"}) {
        settings->setTheme(QString::fromLatin1(theme));
        shooter.shot(QStringLiteral("error-%1").arg(QLatin1String(theme)));
    }
    if (!realModel.isEmpty()) {
        controller.models()->load(realModel);
        (void)QTest::qWaitFor([&] { return controller.models()->state() != QLatin1String("loading"); }, 120000);
    }
    if (controller.models()->state() != QLatin1String("ready")) {
        realEngine = false;
        const QString fake = home.filePath(QStringLiteral("scripted-preview.gguf"));
        QFile f(fake);
        (void)f.open(QIODevice::WriteOnly);
        f.close();
        controller.models()->load(fake);
        (void)QTest::qWaitFor([&] { return controller.models()->state() == QLatin1String("ready"); }, 10000);
    }
    for (const char* theme : {"light", "dark"}) {
        settings->setTheme(QString::fromLatin1(theme));
        shooter.shot(QStringLiteral("empty-%1").arg(QLatin1String(theme)));
    }

    // Shoots the current state once per theme.
    const auto both = [&](const QString& name) {
        for (const char* theme : {"light", "dark"}) {
            settings->setTheme(QString::fromLatin1(theme));
            shooter.shot(QStringLiteral("%1-%2").arg(name, QLatin1String(theme)));
        }
    };

    settings->setTheme(QStringLiteral("light"));
    send(controller, QStringLiteral("How does a hash map work? Show a short C++ example."));
    both(QStringLiteral("code"));
    // The same answer where no highlighter is installed: plain code and the header's notice.
    controller.highlighter()->setProgram(QStringLiteral("/nonexistent/kate-syntax-highlighter"));
    settings->setTheme(QStringLiteral("light"));
    shooter.shot(QStringLiteral("code-no-highlighter-light"));
    controller.highlighter()->setProgram(QStringLiteral("kate-syntax-highlighter"));

    controller.newConversation();
    send(controller, QStringLiteral("What is 17 × 24?"));
    both(QStringLiteral("thinking"));

    // Streaming, with frame times: intervals between swapped frames while the answer grows.
    settings->setTheme(QStringLiteral("light"));
    controller.newConversation();
    QElapsedTimer clock;
    std::vector<double> frames;
    qint64 last = -1;
    QObject::connect(window, &QQuickWindow::frameSwapped, window, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last >= 0 && controller.generating())
            frames.push_back(double(now - last) / 1e6);
        last = now;
    });
    clock.start();
    QSignalSpy streamed(&controller, &ChatController::answerFinished);
    controller.send(QStringLiteral("Give me three ideas for a weekend project."));
    QTest::qWait(450);
    shooter.shot(QStringLiteral("streaming-light"), 0);
    settings->setTheme(QStringLiteral("dark"));
    shooter.shot(QStringLiteral("streaming-dark"), 60);
    if (streamed.isEmpty())
        (void)streamed.wait(60000);
    if (!frames.empty()) {
        std::sort(frames.begin(), frames.end());
        std::printf("frames while streaming: %zu, median %.1f ms, p95 %.1f ms, worst %.1f ms\n", frames.size(),
                    frames[frames.size() / 2], frames[frames.size() * 95 / 100], frames.back());
    }

    controller.search(QStringLiteral("hash"));
    if (QObject* field = find(window, "searchField"))
        field->setProperty("text", QStringLiteral("hash"));
    both(QStringLiteral("search"));
    if (QObject* field = find(window, "searchField"))
        field->setProperty("text", QString());
    controller.search(QString());

    for (const char* theme : {"light", "dark"}) {
        settings->setTheme(QString::fromLatin1(theme));
        QMetaObject::invokeMethod(find(window, "settingsDialog"), "open");
        shooter.shot(QStringLiteral("settings-%1").arg(QLatin1String(theme)));
        QMetaObject::invokeMethod(find(window, "settingsDialog"), "close");
        QMetaObject::invokeMethod(find(window, "modelPicker"), "openPopup");
        shooter.shot(QStringLiteral("model-picker-%1").arg(QLatin1String(theme)));
        QTest::keyClick(window, Qt::Key_Escape);
    }
    return 0;
}
