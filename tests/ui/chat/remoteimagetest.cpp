// Markdown never fetches a remote image: the real Main.qml (ChatView, MessageDelegate) with the real controller,
// store (temp dir) and inference thread shows an answer (from the scripted test double) full of images, as
// Markdown, as raw <img> tags, in the reasoning section and inside a highlighted code block, whose URLs all point at an HTTP server this test runs on 127.0.0.1; after
// the answer has streamed, finished and been drawn for a while, the server has accepted no connection, and
// the images are on screen as "[image: alt] (url)" text. The control: a rich-text Text item in the same QML
// engine given one of those <img> tags does connect, so a fetch would have been counted.
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

#include "storage/conversationstore.h"
#include "tests/ui/support/sampleanswers.h"
#include "tests/ui/support/scriptedmodel.h"
#include "tests/ui/support/userdirs.h"
#include "ui/chat/chatcontroller.h"
#include "ui/settings/appsettings.h"

Q_IMPORT_QML_PLUGIN(LanternPlugin)

using namespace lantern;
using namespace lantern::ui;

namespace {

// Every text shown by the items under `item` (TextEdit and Text: the message delegates' rich text).
void collectTexts(QQuickItem* item, QStringList& out) {
    if (!item)
        return;
    const QVariant text = item->property("text");
    if (text.isValid() && (item->inherits("QQuickTextEdit") || item->inherits("QQuickText")))
        out << text.toString();
    for (QQuickItem* child : item->childItems())
        collectTexts(child, out);
}

}  // namespace

class RemoteImageTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QTcpServer m_server;
    int m_connections = 0;
    std::unique_ptr<ChatController> m_controller;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow* m_window = nullptr;

    QString url(const char* path) const {
        return QStringLiteral("http://127.0.0.1:%1/%2").arg(m_server.serverPort()).arg(QLatin1String(path));
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        test::keepUserDirsIn(m_dir);
        QQuickStyle::setStyle(QStringLiteral("Basic"));
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection()) {
                ++m_connections;
                s->write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                s->disconnectFromHost();
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });

        const QString answer =
            QStringLiteral("<think>\nI could show ![thought](%9).\n</think>\n\nHere is a cat: ![cat](%1) and a map ![map](%2 \"Map\").\n\n"
                           "Raw: <img src=\"%3\" alt=\"pixel\"> and <IMG SRC=%4>\n\n"
                           "| a | b |\n|---|---|\n| ![cell](%5) | x |\n\n- item ![item](%6)\n\n![ref][1]\n\n[1]: %7\n\n"
                           "```html\n<img src=\"%8\">\n```\n")
                .arg(url("cat.png"), url("map.png"), url("pixel.gif"), url("upper.png"), url("cell.png"),
                     url("item.png"), url("ref.png"), url("code.png"), url("think.png"));
        test::Script script;
        const std::string text = answer.toStdString();
        script.pieces = test::chop(text.c_str(), 7);
        script.delay = std::chrono::milliseconds(4);
        auto store = storage::ConversationStore::open(m_dir.filePath(QStringLiteral("conversations.sqlite3")));
        QVERIFY(store.has_value());
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

    void answerWithRemoteImagesFetchesNothing() {
        QSignalSpy finished(m_controller.get(), &ChatController::answerFinished);
        QVERIFY(m_controller->send(QStringLiteral("Show me some pictures.")));
        QVERIFY(finished.wait(30000));
        QTest::qWait(2000);  // drawn, and time for any image request to reach the server
        qInfo("connections to the image server while the answer was shown: %d", m_connections);
        QCOMPARE(m_connections, 0);
        QStringList shown;
        collectTexts(m_window->contentItem(), shown);
        const QString all = shown.join(QLatin1Char('\n'));
        QVERIFY2(all.contains(QStringLiteral("[image: cat] (")), "the answer is not on screen");
        QVERIFY(all.contains(QStringLiteral("[image: pixel] (")));
        QVERIFY(all.contains(QStringLiteral("[image: ref] (")));
        QVERIFY2(all.contains(QStringLiteral("[image: thought] (")), "the reasoning section is not on screen");
        QVERIFY2(all.contains(url("code.png")), "the code block is not on screen");
        qInfo("code blocks highlighted (rich text): %s",
              m_controller->highlighter()->property("available").toBool() ? "yes" : "no, shown as plain text");
    }

    void aRichTextImageWouldConnect() {
        // The control: the same engine does fetch an <img> given to a rich-text Text, and the server counts it.
        QQmlComponent component(m_engine.get());
        component.setData(QStringLiteral("import QtQuick\nText { textFormat: Text.RichText; text: '<img src=\"%1\">' }")
                              .arg(url("control.png"))
                              .toUtf8(),
                          QUrl());
        std::unique_ptr<QObject> item(component.create());
        QVERIFY2(item, qPrintable(component.errorString()));
        qobject_cast<QQuickItem*>(item.get())->setParentItem(m_window->contentItem());
        QTRY_VERIFY_WITH_TIMEOUT(m_connections >= 1, 10000);
    }

    void cleanupTestCase() {
        m_engine.reset();
        m_controller.reset();
    }
};

QTEST_MAIN(RemoteImageTest)
#include "remoteimagetest.moc"
