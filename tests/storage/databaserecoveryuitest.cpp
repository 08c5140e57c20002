// The damaged-database choice as the user sees it: DatabaseRecovery (ui/chat) fed with what
// storage::openRecovering really reported for a damaged file, and the DatabaseRecovery.qml dialog
// loaded from the Lantern QML module: the sentence names the kept-aside file, the copy's date and
// conversation count; "Open the last good copy" leaves the restore note and restarts (a counter here),
// after which the next open has the copy's conversations; "Start with an empty one" just closes.
#include "storage/recovery.h"
#include "ui/chat/databaserecovery.h"

#include <QFile>
#include <QGuiApplication>
#include <QLocale>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(LanternPlugin)

using namespace lantern;
using namespace lantern::storage;

namespace {

// A database with `count` conversations in its snapshot, then damaged (pages overwritten).
RecoveryReport damagedWithSnapshot(const QString& path, int count) {
    {
        auto s = openRecovering(path);
        for (int i = 0; i < count; ++i) {
            Conversation f;
            f.title = QStringLiteral("good %1").arg(i);
            const qint64 c = s->store->createConversation(f)->id;
            Message m;
            m.content = QStringLiteral("text ").repeated(2000);
            s->store->addMessage(c, 0, m);
        }
    }
    refreshLastGood(path, 0);
    QFile f(path);
    f.open(QIODevice::ReadWrite);
    f.seek((f.size() / 2 / 4096) * 4096);
    f.write(QByteArray(4 * 4096, '\x5a'));
    f.close();
    auto opened = openRecovering(path);
    return opened ? opened->report : RecoveryReport{};
}

QObject* find(QObject* root, const char* name) { return root->findChild<QObject*>(QString::fromLatin1(name)); }

}  // namespace

class DatabaseRecoveryUiTest : public QObject {
    Q_OBJECT

private slots:
    void sentenceNamesWhatWasFound() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("c.sqlite3"));
        const RecoveryReport report = damagedWithSnapshot(path, 3);
        QVERIFY(report.damaged && report.lastGood);
        ui::DatabaseRecovery r(nullptr);
        r.setReport(path, report);
        QVERIFY(r.pending());
        QVERIFY(r.canRestore());
        const QString expected = QStringLiteral("Lantern's conversation database was damaged. It was kept aside as %1. "
                                                "You can open the last good copy from %2 (3 conversations) or start "
                                                "with an empty one.")
                                     .arg(QDir::toNativeSeparators(report.damagedPath),
                                          QLocale().toString(report.lastGood->taken, QLocale::LongFormat));
        QCOMPARE(r.message(), expected);

        RecoveryReport none = report;
        none.lastGood.reset();
        r.setReport(path, none);
        QVERIFY(!r.canRestore());
        QVERIFY(r.message().contains(QStringLiteral("No good copy of it was found, so Lantern starts with an empty one.")));
        r.setReport(path, RecoveryReport{});
        QVERIFY(!r.pending());
        QVERIFY(r.message().isEmpty());
    }

    void dialogChoices_data() {
        QTest::addColumn<bool>("restore");
        QTest::newRow("open the last good copy") << true;
        QTest::newRow("start with an empty one") << false;
    }

    void dialogChoices() {
        QFETCH(bool, restore);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("c.sqlite3"));
        const RecoveryReport report = damagedWithSnapshot(path, 4);
        QVERIFY(report.damaged && report.lastGood);
        ui::DatabaseRecovery* state = ui::DatabaseRecovery::instance();
        int restarts = 0;
        state->setRestart([&] { ++restarts; });
        state->setReport(path, report);

        QQmlEngine engine;
        engine.addImportPath(QStringLiteral("qrc:/"));
        QQmlComponent component(&engine);
        component.setData("import QtQuick\nimport QtQuick.Controls\nimport Lantern\n"
                          "ApplicationWindow { width: 800; height: 600; visible: true\n"
                          
                          "  DatabaseRecovery { objectName: \"dialog\" } }",
                          QUrl(QStringLiteral("qrc:/test.qml")));
        std::unique_ptr<QObject> window(component.create());
        QVERIFY2(window, qPrintable(component.errorString()));
        QObject* dialog = find(window.get(), "dialog");
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->property("visible").toBool());
        QCOMPARE(find(window.get(), "recoveryMessage")->property("text").toString(), state->message());
        QObject* openButton = find(window.get(), "openLastGoodButton");
        QObject* emptyButton = find(window.get(), "startEmptyButton");
        QVERIFY(openButton && emptyButton);
        QVERIFY(openButton->property("visible").toBool());
        QCOMPARE(emptyButton->property("text").toString(), QStringLiteral("Start with an empty one"));

        QVERIFY(QMetaObject::invokeMethod(restore ? openButton : emptyButton, "clicked"));
        QTRY_VERIFY(!dialog->property("visible").toBool());
        QCOMPARE(restarts, restore ? 1 : 0);
        // What the next start finds.
        auto next = openRecovering(path);
        QVERIFY2(next.has_value(), next ? "" : next.error().detail.c_str());
        QCOMPARE(next->report.restored, restore);
        QCOMPARE(next->store->listConversations()->size(), restore ? 4 : 0);
        QVERIFY(QFile::exists(report.damagedPath));
    }
};

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    DatabaseRecoveryUiTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "databaserecoveryuitest.moc"
