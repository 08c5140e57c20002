// Qt Quick Test of the chat's main flows through the real QML views (ChatView, Sidebar) and the real
// ChatController, store (temp dir) and inference thread. Answers come from the scripted test double
// (tests/ui/support/scriptedmodel.h). The QML side is tests/ui/chat/qml/tst_chatview.qml.
#include <QFile>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

#include "storage/conversationstore.h"
#include "tests/ui/support/scriptedmodel.h"
#include "tests/ui/support/userdirs.h"
#include "ui/chat/chatcontroller.h"
#include "ui/settings/appsettings.h"

Q_IMPORT_QML_PLUGIN(LanternPlugin)

using namespace lantern;

class Setup : public QObject {
    Q_OBJECT
public slots:
    void applicationAvailable() {
        test::keepUserDirsIn(m_dir);
    }
    void qmlEngineAvailable(QQmlEngine* engine) {
        engine->addImportPath(QStringLiteral("qrc:/"));
        if (m_controller)
            return;
        test::Script script;
        for (int i = 0; i < 60; ++i)
            script.pieces.push_back(QStringLiteral("word%1 ").arg(i).toStdString());
        script.delay = std::chrono::milliseconds(10);
        auto store = storage::ConversationStore::open(m_dir.filePath(QStringLiteral("conversations.sqlite3")));
        if (!store)
            qFatal("cannot open the test store");
        m_controller = std::make_unique<ui::ChatController>(
            std::move(*store), QString(), ui::AppSettings::instance(),
            [script](const std::filesystem::path&, const LoadOptions&) -> Result<std::unique_ptr<Model>> {
                return std::make_unique<test::ScriptedTestModel>(script);
            });
        ui::ChatController::setInstance(m_controller.get());
        const QString model = m_dir.filePath(QStringLiteral("scripted.gguf"));
        QFile f(model);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot create %s", qPrintable(model));
        f.close();
        m_controller->models()->load(model);
    }
    void cleanupTestCase() { m_controller.reset(); }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ui::ChatController> m_controller;
};

QUICK_TEST_MAIN_WITH_SETUP(chatview, Setup)
#include "chatviewtest.moc"
