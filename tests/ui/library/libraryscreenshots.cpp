// lantern-library-screenshots: the model library as PNGs, for looking at it (docs/screenshots/library-*.png).
// Not a test and not the product: the real LibraryView, controller and download queue in a window, with the
// shipped catalogue planned on this computer's device, a loopback hub (loopbackhub.h) serving a throttled
// download, and models in a temporary folder (one loaded through the scripted test double).
//   library-catalogue-light / -dark   the catalogue's cards with their fit badges (offline banner in the
//   first) library-allow-network-light       the question before the network is used library-downloads-light
//   a download in progress (size, speed, time left), one waiting, one paused library-local-light / -dark "On
//   this computer" (in use, last used, a broken file) library-search-light              a hub search with a
//   repository's files grouped by quantization library-settings-light            Settings → Model library
//   library-*-rtl                     the catalogue and "On this computer" in Arabic (mirrored), via --rtl
//
//   QT_QPA_PLATFORM=offscreen lantern-library-screenshots <out-dir> [--rtl]
#include <QtQml/qqmlextensionplugin.h>
#include <QDir>
#include <QGuiApplication>
#include <QProcess>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <cstdio>

#include "service/library/localmodels.h"
#include "tests/ui/library/libraryfixture.h"
#include "tests/ui/support/scriptedmodel.h"
#include "ui/library/librarycontroller.h"
#include "ui/library/modelmanager.h"
#include "ui/settings/appsettings.h"

Q_IMPORT_QML_PLUGIN(LanternPlugin)

using namespace lantern;
using namespace lantern::ui;

namespace {

void shot(QQuickWindow* window, const QString& dir, const QString& name, int settleMs = 400) {
    QTest::qWait(settleMs);
    const QImage image = window->grabWindow();
    const QString path = QDir(dir).filePath(name + QStringLiteral(".png"));
    std::printf("%s %s\n", image.save(path) ? "wrote" : "FAILED", qPrintable(path));
    std::fflush(stdout);
}

const char* kWindow =
    "import QtQuick\nimport QtQuick.Controls\nimport Lantern\n"
    "ApplicationWindow { width: %W; height: %H; visible: true; color: Theme.window\n"
    "  LayoutMirroring.enabled: Qt.application.layoutDirection === Qt.RightToLeft\n"
    "  LayoutMirroring.childrenInherit: true\n"
    "  palette.window: Theme.window; palette.windowText: Theme.text; palette.base: Theme.raised\n"
    "  palette.alternateBase: Theme.surface; palette.text: Theme.text; palette.button: Theme.surface\n"
    "  palette.buttonText: Theme.text; palette.highlight: Theme.accent; palette.highlightedText: "
    "Theme.accentText\n"
    "  palette.placeholderText: Theme.mutedText; palette.mid: Theme.border; palette.midlight: Theme.border\n"
    "  palette.light: Theme.raised; palette.dark: Theme.mutedText; palette.toolTipBase: Theme.raised\n"
    "  palette.toolTipText: Theme.text; font.pixelSize: Theme.fontSize\n"
    "  %1 }";

QQuickWindow* makeWindow(QQmlEngine& engine, const QByteArray& content, std::unique_ptr<QObject>& holder,
                         int width = 1100, int height = 760) {
    QQmlComponent component(&engine);
    const QByteArray qml = QByteArray(kWindow)
                               .replace("%1", content)
                               .replace("%W", QByteArray::number(width))
                               .replace("%H", QByteArray::number(height));
    component.setData(qml, QUrl(QStringLiteral("qrc:/library-shots.qml")));
    holder.reset(component.create());
    if (!holder) {
        std::fprintf(stderr, "%s\n", qPrintable(component.errorString()));
        return nullptr;
    }
    return qobject_cast<QQuickWindow*>(holder.get());
}

QByteArray randomBytes(qint64 size) {
    QByteArray b(size, Qt::Uninitialized);
    QRandomGenerator gen(7);
    gen.fillRange(reinterpret_cast<quint32*>(b.data()), size / 4);
    return b;
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
    const QString out = QDir(app.arguments().value(1, QStringLiteral("."))).absolutePath();
    QDir().mkpath(out);
    const QString suffix = rtl ? QStringLiteral("-rtl") : QString();

    // Models on this computer: one loaded (in use, used today), one never used, one that is not a model.
    const QString models = home.filePath(QStringLiteral("models"));
    QDir().mkpath(models);
    const QByteArray gguf = test::tinyGguf();
    test::writeFile(QDir(models).filePath(QStringLiteral("tiny-chat-F32.gguf")), gguf);
    test::writeFile(QDir(models).filePath(QStringLiteral("tiny-notes-F32.gguf")), test::tinyGguf(5));
    test::writeFile(QDir(models).filePath(QStringLiteral("half-copied.gguf")),
                    "GGUF\x03\x00\x00\x00 cut short");
    AppSettings* settings = AppSettings::instance();
    settings->setModelFolder(models);
    settings->setTheme(QStringLiteral("light"));
    test::Script script;
    ModelManager manager(
        settings, [&](const std::filesystem::path&, const LoadOptions&) -> Result<std::unique_ptr<Model>> {
            return std::make_unique<test::ScriptedTestModel>(script);
        });

    test::LoopbackHub hub;
    hub.addFile(QStringLiteral("example/Demo-7B-GGUF"), QStringLiteral("demo-7b-Q4_K_M.gguf"),
                randomBytes(24 << 20), 48210);
    hub.addFile(QStringLiteral("example/Demo-7B-GGUF"), QStringLiteral("demo-7b-Q8_0.gguf"),
                randomBytes(8 << 20), 48210);
    hub.addFile(QStringLiteral("example/Demo-7B-GGUF"), QStringLiteral("demo-7b-Q6_K-00001-of-00002.gguf"),
                randomBytes(4 << 20));
    hub.addFile(QStringLiteral("example/Demo-7B-GGUF"), QStringLiteral("demo-7b-Q6_K-00002-of-00002.gguf"),
                randomBytes(4 << 20));
    hub.addFile(QStringLiteral("example/Demo-7B-Instruct-GGUF"),
                QStringLiteral("demo-7b-instruct-Q4_K_M.gguf"), randomBytes(6 << 20), 9120);
    hub.bytesPerSecond = 3 << 20;

    LibrarySetup setup;  // the shipped catalogue
    setup.planBudgetBytes = 8ull << 30;  // only GPU plans use it (the dark catalogue shot)
    setup.hubSettingsFile = home.filePath(QStringLiteral("hub.ini"));
    setup.keychainService = QStringLiteral("lantern-library-screenshots");
    service::HubConfig config;
    config.endpoint = hub.endpoint();
    setup.hubConfig = config;
    LibraryController library(&manager, settings, std::move(setup));
    LibraryController::setInstance(&library);
    if (!library.catalogueError().isEmpty())
        std::fprintf(stderr, "catalogue: %s\n", qPrintable(library.catalogueError()));
    manager.load(QDir(models).filePath(QStringLiteral("tiny-chat-F32.gguf")));
    (void)QTest::qWaitFor([&] { return manager.isReady() && !library.planning(); }, 60000);
    library.refreshLocal();

    QQmlEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    std::unique_ptr<QObject> holder;
    QQuickWindow* window =
        makeWindow(engine, "LibraryView { objectName: \"view\"; anchors.fill: parent }", holder);
    if (!window)
        return 1;
    QObject* view = window->findChild<QObject*>(QStringLiteral("view"));
    const auto tab = [&](int index) { view->setProperty("currentTab", index); };

    if (rtl) {
        library.setNetworkAllowed(true);
        tab(0);
        shot(window, out, QStringLiteral("library-catalogue-light-rtl"), 800);
        tab(2);
        shot(window, out, QStringLiteral("library-local-light-rtl"));
        return 0;
    }

    tab(0);
    shot(window, out, QStringLiteral("library-catalogue-light"), 800);
    QMetaObject::invokeMethod(view, "allowNetwork");
    shot(window, out, QStringLiteral("library-allow-network-light"));
    if (QObject* dialog = window->findChild<QObject*>(QStringLiteral("networkDialog")))
        QMetaObject::invokeMethod(dialog, "accept");
    // Further down, planned for a graphics device with 8 GiB (the Vulkan device, with the budget below): a
    // mixture of experts with experts in system memory, too big, an unsupported architecture, no stated size.
    settings->setTheme(QStringLiteral("dark"));
    {
        QSignalSpy planned(&library, &LibraryController::fitsPlanned);
        settings->setDevice(QStringLiteral("vulkan"));
        (void)planned.wait(60000);
    }
    window->resize(1100, 1140);  // four rows: entries 6 to 13
    QTest::qWait(300);
    if (QObject* grid = window->findChild<QObject*>(QStringLiteral("catalogueGrid")))
        grid->setProperty("contentY", 3 * grid->property("cellHeight").toInt());  // from entry 6, Qwen3 30B-A3B
    shot(window, out, QStringLiteral("library-catalogue-dark"));
    window->resize(1100, 760);
    settings->setTheme(QStringLiteral("light"));
    settings->setDevice(QString());

    // Downloads: one paused at a third, one in progress, one waiting behind it.
    library.search(QStringLiteral("demo"));
    (void)QTest::qWaitFor([&] { return !library.searching(); }, 5000);
    for (const char* repo : {"example/Demo-7B-GGUF", "example/Demo-7B-Instruct-GGUF"})
        library.listFiles(QString::fromLatin1(repo));
    (void)QTest::qWaitFor(
        [&] { return library.hubSearch()->files(QStringLiteral("example/Demo-7B-GGUF"), 0); }, 5000);
    tab(3);
    shot(window, out, QStringLiteral("library-search-light"));
    library.downloadHubFiles(QStringLiteral("example/Demo-7B-Instruct-GGUF"), 0);
    DownloadsModel* downloads = library.downloads();
    (void)QTest::qWaitFor(
        [&] {
            return downloads->rowCount() > 0 &&
                   downloads->data(downloads->index(0), DownloadsModel::ProgressRole).toDouble() > 0.3;
        },
        10000);
    library.pause(downloads->data(downloads->index(0), DownloadsModel::JobIdRole).toString());
    for (int i = 0; i < 3; ++i) {
        const service::HubModelFiles* f =
            library.hubSearch()->files(QStringLiteral("example/Demo-7B-GGUF"), i);
        if (f && f->quant != QLatin1String("Q8_0"))
            library.downloadHubFiles(QStringLiteral("example/Demo-7B-GGUF"), i);
    }
    tab(1);
    (void)QTest::qWaitFor(
        [&] {
            for (int r = 0; r < downloads->rowCount(); ++r)
                if (downloads->data(downloads->index(r), DownloadsModel::TimeLeftTextRole).toString().size() >
                        0 &&
                    downloads->data(downloads->index(r), DownloadsModel::ProgressRole).toDouble() > 0.25)
                    return true;
            return false;
        },
        15000);
    library.dismissStatus();
    shot(window, out, QStringLiteral("library-downloads-light"), 200);

    tab(2);
    shot(window, out, QStringLiteral("library-local-light"));
    settings->setTheme(QStringLiteral("dark"));
    shot(window, out, QStringLiteral("library-local-dark"));
    settings->setTheme(QStringLiteral("light"));

    std::unique_ptr<QObject> settingsHolder;
    QQuickWindow* settingsWindow =
        makeWindow(engine,
                   "Pane { anchors.fill: parent; padding: 20; background: Rectangle { color: Theme.raised }\n"
                   "    LibrarySettingsPage { width: parent.width } }",
                   settingsHolder, 640, 420);
    if (settingsWindow)
        shot(settingsWindow, out, QStringLiteral("library-settings-light"));

    // The right-to-left shots in a process of their own (the locale is set before anything formats).
    holder.reset();
    return QProcess::execute(app.applicationFilePath(), {out, QStringLiteral("--rtl")});
}
