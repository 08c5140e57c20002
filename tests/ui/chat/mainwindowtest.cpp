// The whole window as a person (and a screen reader) meets it: the real Main.qml with the real controller,
// store (temp dir) and inference thread; answers from the scripted test double.
//  - every control a user can reach (buttons, fields, combo boxes, switches...) has an accessible name, in
//    the main window, with a code block and a reasoning section on screen, in the settings dialog and in
//    the model menu; the names are read through QAccessible, as assistive technology reads them;
//  - Tab walks the window's main controls and comes back round; Shift+Tab walks back;
//  - while an answer streams the window keeps drawing: frames arrive throughout, the text grows across
//    many frames (not all at once at the end), and no frame takes long. Frame times are printed.
#include <QAccessible>
#include <QElapsedTimer>
#include <QFile>
#include <QQmlApplicationEngine>
#include <QRegularExpression>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>
#include <algorithm>
#include <set>

#include "storage/conversationstore.h"
#include "tests/ui/support/sampleanswers.h"
#include "tests/ui/support/accessiblecontrols.h"
#include "tests/ui/support/scriptedmodel.h"
#include "tests/ui/support/userdirs.h"
#include "ui/chat/chatcontroller.h"
#include "ui/chat/messagemodel.h"
#include "ui/settings/appsettings.h"

Q_IMPORT_QML_PLUGIN(LanternPlugin)

using namespace lantern;
using namespace lantern::ui;
using lantern::test::accessibleName;
using lantern::test::collectControls;
using lantern::test::describe;
using lantern::test::isName;

class MainWindowTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<ChatController> m_controller;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow* m_window = nullptr;
    test::Script m_script;

    QObject* find(const char* name) const { return m_window->findChild<QObject*>(QString::fromLatin1(name)); }

    // The shown controls without a name (described), counting those checked into `checked`.
    QStringList unnamedControls(const char* where, int& checked) {
        QList<QQuickItem*> controls;
        collectControls(m_window->contentItem(), controls);
        checked += int(controls.size());
        QStringList unnamed;
        for (QQuickItem* c : controls)
            if (!isName(accessibleName(c)))
                unnamed << describe(c);
        if (!unnamed.isEmpty())
            qWarning().noquote() << where << "- controls without an accessible name:\n  " << unnamed.join("\n  ");
        return unnamed;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        test::keepUserDirsIn(m_dir);
        QQuickStyle::setStyle(QStringLiteral("Basic"));
        QAccessible::setActive(true);  // as when a screen reader is running: controls publish their names

        m_script.answers = {test::chop(test::kHashMapAnswer), test::chop(test::kThinkAnswer),
                            test::chop(test::kStreamAnswer, 3)};
        m_script.delay = std::chrono::milliseconds(8);
        auto store = storage::ConversationStore::open(m_dir.filePath(QStringLiteral("conversations.sqlite3")));
        QVERIFY(store.has_value());
        const test::Script script = m_script;
        m_controller = std::make_unique<ChatController>(
            std::move(*store), QString(), AppSettings::instance(),
            [script](const std::filesystem::path&, const LoadOptions&) -> Result<std::unique_ptr<Model>> {
                return std::make_unique<test::ScriptedTestModel>(script);
            });
        ChatController::setInstance(m_controller.get());

        m_engine = std::make_unique<QQmlApplicationEngine>();
        m_engine->addImportPath(QStringLiteral("qrc:/"));
        m_engine->load(QUrl(QStringLiteral("qrc:/Lantern/chat/Main.qml")));
        QVERIFY(!m_engine->rootObjects().isEmpty());
        m_window = qobject_cast<QQuickWindow*>(m_engine->rootObjects().first());
        QVERIFY(m_window);
        m_window->resize(1180, 760);
        QVERIFY(QTest::qWaitForWindowExposed(m_window));

        const QString model = m_dir.filePath(QStringLiteral("scripted.gguf"));
        QFile f(model);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        m_controller->models()->load(model);
        QTRY_COMPARE_WITH_TIMEOUT(m_controller->models()->state(), QStringLiteral("ready"), 10000);
    }

    void everyControlHasAnAccessibleName() {
        int checked = 0;
        QVERIFY(unnamedControls("empty chat", checked).isEmpty());
        // A conversation with a code block (language label, copy) and one with a reasoning section.
        QSignalSpy finished(m_controller.get(), &ChatController::answerFinished);
        QVERIFY(m_controller->send(QStringLiteral("How does a hash map work?")));
        QVERIFY(finished.wait(30000));
        QVERIFY(m_controller->send(QStringLiteral("And 17 × 24?")));
        QVERIFY(finished.wait(30000));
        QTest::qWait(300);
        QVERIFY(unnamedControls("conversation with code and reasoning", checked).isEmpty());

        QObject* dialog = find("settingsDialog");
        QVERIFY(dialog);
        QMetaObject::invokeMethod(dialog, "open");
        QTRY_VERIFY(dialog->property("opened").toBool());
        QVERIFY(unnamedControls("settings dialog", checked).isEmpty());
        QMetaObject::invokeMethod(dialog, "close");
        QTRY_VERIFY(!dialog->property("visible").toBool());

        QObject* picker = find("modelPicker");
        QVERIFY(picker);
        QMetaObject::invokeMethod(picker, "openPopup");
        QTest::qWait(300);
        QVERIFY(unnamedControls("model menu", checked).isEmpty());
        QTest::keyClick(m_window, Qt::Key_Escape);
        QTest::qWait(200);
        qInfo("%d shown controls checked", checked);
        QVERIFY(checked >= 25);  // the walk really saw the window (header, sidebar, messages, composer, dialog)
    }

    void tabWalksTheWindowAndComesBack() {
        m_controller->newConversation();
        QTest::qWait(200);
        QObject* composer = find("composerInput");
        QVERIFY(composer);
        QMetaObject::invokeMethod(composer, "forceActiveFocus");
        QTRY_VERIFY(m_window->activeFocusItem() == composer);

        QStringList visited;
        bool cameBack = false;
        for (int i = 0; i < 60 && !cameBack; ++i) {
            QTest::keyClick(m_window, Qt::Key_Tab);
            QQuickItem* focus = m_window->activeFocusItem();
            QVERIFY(focus);
            if (focus == composer) {
                cameBack = true;
                break;
            }
            const QString name = accessibleName(focus);
            QVERIFY2(isName(name), qPrintable(QStringLiteral("Tab reached an unnamed item: ") + describe(focus)));
            visited << name;
        }
        qInfo().noquote() << "Tab order:" << visited.join(QStringLiteral(" → "));
        QVERIFY2(cameBack, "Tab never came back to the composer");
        const auto reached = [&](const QString& needle) {
            return std::any_of(visited.begin(), visited.end(),
                               [&](const QString& n) { return n.contains(needle, Qt::CaseInsensitive); });
        };
        // The controls a keyboard user needs to get anywhere.
        QVERIFY2(reached(QStringLiteral("Search")), "search field not reachable by Tab");
        QVERIFY2(reached(QStringLiteral("New chat")), "new chat not reachable by Tab");
        QVERIFY2(reached(QStringLiteral("Settings")), "settings not reachable by Tab");
        QVERIFY2(reached(QStringLiteral("model")), "model menu not reachable by Tab");

        // Shift+Tab from the composer goes to the item Tab visited last.
        QTest::keyClick(m_window, Qt::Key_Backtab, Qt::ShiftModifier);  // what the platform sends for Shift+Tab
        QCOMPARE(accessibleName(m_window->activeFocusItem()), visited.last());
    }

    void windowKeepsDrawingWhileStreaming() {
        m_controller->newConversation();
        QTest::qWait(300);
        QElapsedTimer clock;
        std::vector<double> frames;
        std::set<qsizetype> lengthsSeen;  // answer length at each frame: did the text grow frame by frame?
        qint64 last = -1;
        auto conn = connect(m_window, &QQuickWindow::frameSwapped, this, [&] {
            const qint64 now = clock.nsecsElapsed();
            if (m_controller->generating()) {
                if (last >= 0)
                    frames.push_back(double(now - last) / 1e6);
                MessageModel* messages = m_controller->messages();
                lengthsSeen.insert(messages->rowCount() > 1
                                       ? messages->data(messages->index(1, 0), MessageModel::ContentRole).toString().size()
                                       : 0);
            }
            last = now;
        });
        QSignalSpy finished(m_controller.get(), &ChatController::answerFinished);
        clock.start();
        QVERIFY(m_controller->send(QStringLiteral("Give me three ideas for a weekend project.")));
        QVERIFY(finished.wait(60000));
        const double streamedMs = double(clock.nsecsElapsed()) / 1e6;
        disconnect(conn);

        QVERIFY2(frames.size() >= 10, qPrintable(QStringLiteral("only %1 frames in %2 ms of streaming")
                                                     .arg(frames.size())
                                                     .arg(streamedMs)));
        std::sort(frames.begin(), frames.end());
        const double worst = frames.back();
        qInfo("streamed for %.0f ms: %zu frames, median %.1f ms, p95 %.1f ms, worst %.1f ms; the answer had %zu "
              "different lengths on screen",
              streamedMs, frames.size(), frames[frames.size() / 2], frames[frames.size() * 95 / 100], worst,
              lengthsSeen.size());
        QVERIFY2(lengthsSeen.size() >= 10, "the answer did not grow frame by frame");
        // The product aims at no frame over 33 ms (this test measures about 19 ms worst on a quiet machine);
        // this bound only catches a blocked GUI thread, since CI shares two cores with the GPU tests (a GUI
        // thread blocked for the whole answer also fails the frame count above).
        QVERIFY2(worst < 1000, qPrintable(QStringLiteral("a frame took %1 ms").arg(worst)));
    }

    void translateModeControlsHaveNames() {
        // Ctrl+T switches to the translate view; every control there is named too.
        QTest::keyClick(m_window, Qt::Key_T, Qt::ControlModifier);
        QTRY_COMPARE(m_window->property("mode").toInt(), 1);
        int checked = 0;
        const QStringList unnamed = unnamedControls("translate view", checked);
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(", ")));
        QVERIFY(checked > 10);
        QTest::keyClick(m_window, Qt::Key_T, Qt::ControlModifier);
        QTRY_COMPARE(m_window->property("mode").toInt(), 0);
    }

    void libraryOpensWithCtrlL() {
        // Ctrl+L from the chat window opens the model library, whose controls are named too; Ctrl+L again closes.
        QObject* dialog = find("libraryDialog");
        QVERIFY(dialog);
        QVERIFY(!dialog->property("opened").toBool());
        QTest::keyClick(m_window, Qt::Key_L, Qt::ControlModifier);
        QTRY_VERIFY(dialog->property("opened").toBool());
        QTest::qWait(300);
        int checked = 0;
        const QStringList unnamed = unnamedControls("model library", checked);
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(", ")));
        QVERIFY(checked > 5);
        QTest::keyClick(m_window, Qt::Key_L, Qt::ControlModifier);
        QTRY_VERIFY(!dialog->property("visible").toBool());
    }

    void cleanupTestCase() {
        m_engine.reset();
        m_controller.reset();
    }
};

QTEST_MAIN(MainWindowTest)
#include "mainwindowtest.moc"
