// Qt Quick Test of the translate view as a user drives it: paste a paragraph with a placeholder and a code
// span, translate, watch the aligned segments stream in with both intact, lock a segment and edit another,
// add a glossary term. The real TranslateView, TranslateController, worker thread and SQLite store (temp
// dir); the answers come from the scripted test double in order (tests/ui/support/scriptedmodel.h).
// The QML side is tests/ui/translate/qml/tst_translateview.qml.
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
#include "ui/translate/translatecontroller.h"

Q_IMPORT_QML_PLUGIN(LanternPlugin)

using namespace lantern;

class Setup : public QObject {
    Q_OBJECT
public slots:
    void applicationAvailable() { test::keepUserDirsIn(m_dir); }
    void qmlEngineAvailable(QQmlEngine* engine) {
        engine->addImportPath(QStringLiteral("qrc:/"));
        if (m_chat)
            return;
        test::Script script;
        // "Delete {count} files from `/tmp`." / "Then restart the app." / again for the second run
        script.answers = {{"Lösche ", "<x1/> Dateien ", "aus <x2/>."}, {"Dann ", "die App ", "neu starten."},
                          {"Lösche ", "<x1/> Dateien ", "aus <x2/>."}, {"Anschließend ", "die App ", "neu starten."}};
        script.delay = std::chrono::milliseconds(20);
        const QString db = m_dir.filePath(QStringLiteral("conversations.sqlite3"));
        auto store = storage::ConversationStore::open(db);
        if (!store)
            qFatal("cannot open the test store");
        m_chat = std::make_unique<ui::ChatController>(
            std::move(*store), QString(), ui::AppSettings::instance(),
            [script](const std::filesystem::path&, const LoadOptions&) -> Result<std::unique_ptr<Model>> {
                return std::make_unique<test::ScriptedTestModel>(script);
            });
        ui::ChatController::setInstance(m_chat.get());
        m_translate = std::make_unique<ui::TranslateController>(m_chat->models(), db);
        ui::TranslateController::setInstance(m_translate.get());
        const QString model = m_dir.filePath(QStringLiteral("scripted.gguf"));
        QFile f(model);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot create %s", qPrintable(model));
        f.close();
        m_chat->models()->load(model);
        QFile routed(m_dir.filePath(QStringLiteral("routed.gguf")));  // the routing test's second model
        if (!routed.open(QIODevice::WriteOnly))
            qFatal("cannot create routed.gguf");
    }
    void cleanupTestCase() {
        m_translate.reset();
        m_chat.reset();
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ui::ChatController> m_chat;
    std::unique_ptr<ui::TranslateController> m_translate;
};

QUICK_TEST_MAIN_WITH_SETUP(translateview, Setup)
#include "translateviewtest.moc"
