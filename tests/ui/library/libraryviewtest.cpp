// The model library's view (LibraryView.qml, in a window with the real LibraryController, a loopback hub and
// the test catalogue) as a person and a screen reader meet it:
//  - every control shown on each tab (catalogue cards, a download in progress, a model on this computer, hub
//    results with their files) and on Settings → Model library has an accessible name in words, read through
//    QAccessible;
//  - offline: the banner says offlineSentence(), Download and Search are disabled, and "Allow network access"
//    asks first, naming the host it will contact; only accepting allows the network.
#include <QtQml/qqmlextensionplugin.h>
#include <QAccessible>
#include <QDir>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "tests/ui/library/libraryfixture.h"
#include "tests/ui/support/accessiblecontrols.h"
#include "tests/ui/support/scriptedmodel.h"
#include "tests/ui/support/userdirs.h"
#include "ui/library/librarycontroller.h"
#include "ui/library/modelmanager.h"
#include "ui/settings/appsettings.h"

Q_IMPORT_QML_PLUGIN(LanternPlugin)

using namespace lantern;
using namespace lantern::ui;
using lantern::test::accessibleName;
using lantern::test::collectControls;
using lantern::test::describe;
using lantern::test::isName;
using lantern::test::shown;

namespace {

QQuickItem* findShown(QQuickItem* root, const QString& name) {
    if (root->objectName() == name && shown(root))
        return root;
    for (QQuickItem* child : root->childItems())
        if (QQuickItem* found = findShown(child, name))
            return found;
    return nullptr;
}
}  // namespace

class LibraryViewTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    test::LoopbackHub m_hub;
    std::unique_ptr<ModelManager> m_models;
    std::unique_ptr<LibraryController> m_library;
    QQmlEngine m_engine;
    std::unique_ptr<QObject> m_root;
    QQuickWindow* m_window = nullptr;

    // The shown controls of the window's current state without a name; counts them into `checked`.
    QStringList unnamed(const char* where, int& checked) {
        QList<QQuickItem*> controls;
        collectControls(m_window->contentItem(), controls);  // the overlay (open dialogs) is inside it
        checked += int(controls.size());
        QStringList out;
        for (QQuickItem* c : controls)
            if (!isName(accessibleName(c)))
                out << describe(c);
        if (!out.isEmpty())
            qWarning().noquote() << where << "- controls without an accessible name:\n  " << out.join("\n  ");
        return out;
    }
    QQuickItem* item(const char* name) const {
        return findShown(m_window->contentItem(), QString::fromLatin1(name));
    }
    void showTab(int tab) {
        m_root->findChild<QObject*>(QStringLiteral("view"))->setProperty("currentTab", tab);
        QTest::qWait(150);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        test::keepUserDirsIn(m_dir);
        QQuickStyle::setStyle(QStringLiteral("Basic"));
        QAccessible::setActive(true);
        const QString models = m_dir.filePath(QStringLiteral("models"));
        QVERIFY(QDir().mkpath(models));
        AppSettings* settings = AppSettings::instance();
        settings->setModelFolder(models);
        settings->setDevice(QStringLiteral("cpu"));
        const QByteArray gguf = test::tinyGguf();
        QVERIFY(test::writeFile(QDir(models).filePath(QStringLiteral("local-F32.gguf")), gguf));
        m_models = std::make_unique<ModelManager>(
            settings, [](const std::filesystem::path&, const LoadOptions&) -> Result<std::unique_ptr<Model>> {
                return std::make_unique<test::ScriptedTestModel>(test::Script{});
            });
        LibrarySetup setup;
        setup.catalogue = test::testCatalogue(m_hub, gguf);
        setup.hubSettingsFile = m_dir.filePath(QStringLiteral("hub.ini"));
        setup.keychainService = QStringLiteral("lantern-libraryviewtest");
        service::HubConfig config;
        config.endpoint = m_hub.endpoint();
        setup.hubConfig = config;
        m_library = std::make_unique<LibraryController>(m_models.get(), settings, std::move(setup));
        LibraryController::setInstance(m_library.get());

        m_engine.addImportPath(QStringLiteral("qrc:/"));
        QQmlComponent component(&m_engine);
        component.setData(
            "import QtQuick\nimport QtQuick.Controls\nimport Lantern\n"
            "ApplicationWindow { width: 1100; height: 1400; visible: true\n"
            "  Column { anchors.fill: parent\n"
            "    LibraryView { objectName: \"view\"; width: parent.width; height: 900 }\n"
            "    LibrarySettingsPage { objectName: \"settingsPage\"; width: parent.width } } }",
            QUrl(QStringLiteral("qrc:/libraryviewtest.qml")));
        m_root.reset(component.create());
        QVERIFY2(m_root, qPrintable(component.errorString()));
        m_window = qobject_cast<QQuickWindow*>(m_root.get());
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
        QSignalSpy planned(m_library.get(), &LibraryController::fitsPlanned);
        QVERIFY(m_library->planning() ? planned.wait(30000) : true);
    }

    void cleanupTestCase() {
        m_root.reset();
        LibraryController::setInstance(nullptr);
        m_library.reset();
        m_models.reset();
    }

    void offlineAsksBeforeAllowingTheNetwork() {
        showTab(0);
        QVERIFY(!m_library->networkAllowed());
        QQuickItem* banner = item("offlineBanner");
        QVERIFY(banner);
        QCOMPARE(banner->property("text").toString(), service::offlineSentence());
        QQuickItem* download = item("downloadButton");
        QVERIFY(download);
        QVERIFY(!download->isEnabled());
        showTab(3);
        QVERIFY(!item("hubQuery")->isEnabled());
        QVERIFY(!item("hubSearchButton")->isEnabled());

        QObject* dialog = m_root->findChild<QObject*>(QStringLiteral("networkDialog"));
        QVERIFY(dialog);
        QMetaObject::invokeMethod(item("allowNetworkButton"), "clicked");
        QTRY_VERIFY(dialog->property("opened").toBool());
        QVERIFY2(dialog->property("text").toString().contains(m_library->endpointHost()),
                 qPrintable(dialog->property("text").toString()));
        QVERIFY(!m_library->networkAllowed());  // not until accepted
        QMetaObject::invokeMethod(dialog, "reject");
        QTRY_VERIFY(!dialog->property("visible").toBool());
        QVERIFY(!m_library->networkAllowed());
        QMetaObject::invokeMethod(item("allowNetworkButton"), "clicked");
        QTRY_VERIFY(dialog->property("opened").toBool());
        QMetaObject::invokeMethod(dialog, "accept");
        QTRY_VERIFY(m_library->networkAllowed());
        QTRY_VERIFY(!item("offlineBanner"));
        QVERIFY(item("hubQuery")->isEnabled());
    }

    void everyControlHasAnAccessibleName() {
        int checked = 0;
        QStringList missing;
        m_library->setNetworkAllowed(false);
        showTab(0);
        missing << unnamed("catalogue, offline", checked);
        m_library->setNetworkAllowed(true);
        QTest::qWait(100);
        missing << unnamed("catalogue", checked);

        m_hub.bytesPerSecond = 20000;  // slow enough to be seen in progress
        QVERIFY(m_library->download(QStringLiteral("tiny-chat"), QStringLiteral("F32")));
        showTab(1);
        QTRY_VERIFY_WITH_TIMEOUT(item("pauseButton"), 5000);
        missing << unnamed("downloads", checked);
        m_library->pause(m_library->downloads()
                             ->data(m_library->downloads()->index(0), DownloadsModel::JobIdRole)
                             .toString());
        QTRY_VERIFY_WITH_TIMEOUT(item("resumeButton"), 5000);
        missing << unnamed("downloads, paused", checked);

        showTab(2);
        QTRY_VERIFY_WITH_TIMEOUT(item("deleteButton"), 5000);
        missing << unnamed("on this computer", checked);
        QMetaObject::invokeMethod(item("deleteButton"), "clicked");
        QObject* deleteDialog = m_root->findChild<QObject*>(QStringLiteral("deleteDialog"));
        QTRY_VERIFY(deleteDialog->property("opened").toBool());
        missing << unnamed("delete question", checked);
        QMetaObject::invokeMethod(deleteDialog, "reject");
        QTRY_VERIFY(!deleteDialog->property("visible").toBool());
        QVERIFY(QFileInfo::exists(QDir(m_library->modelsDir()).filePath(QStringLiteral("local-F32.gguf"))));

        showTab(3);
        m_library->search(QStringLiteral("tiny"));
        QTRY_VERIFY_WITH_TIMEOUT(m_library->hubSearch()->rowCount() == 1, 5000);
        m_library->listFiles(QStringLiteral("test/Tiny-Chat-GGUF"));
        QTRY_COMPARE_WITH_TIMEOUT(m_library->hubSearch()
                                      ->data(m_library->hubSearch()->index(0), HubSearchModel::FilesStateRole)
                                      .toString(),
                                  QStringLiteral("listed"), 5000);
        QTest::qWait(100);
        missing << unnamed("search the hub", checked);
        QVERIFY2(checked > 30, qPrintable(QString::number(checked)));
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(LibraryViewTest)
#include "libraryviewtest.moc"
