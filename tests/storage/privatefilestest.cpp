// Owner-only files with a umask that would let everyone read: the database folder Lantern creates is
// 0700; the database, its -wal and -shm, migration backups and exports are 0600 (st_mode checked).
// A file left 0644 by an older Lantern is tightened when it is opened.
#include "storage/conversationstore.h"
#include "storage/storagepaths.h"
#include "tests/storage/rawsqlite.h"
#include "tests/support/testenv.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>
#include <sys/stat.h>

using namespace lantern;
using namespace lantern::storage;

namespace {

// The permission bits as the kernel has them (not Qt's view of them).
int modeOf(const QString& path) {
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
        return -1;
    }
    return static_cast<int>(st.st_mode & 07777);
}

#define COMPARE_MODE(path, expected)                                                                       \
    QVERIFY2(modeOf(path) == (expected), qPrintable(QStringLiteral("%1 has mode %2, expected %3")           \
                                                        .arg(path)                                        \
                                                        .arg(modeOf(path), 0, 8)                          \
                                                        .arg(expected, 0, 8)))

}  // namespace

class PrivateFilesTest : public QObject {
    Q_OBJECT

private:
    mode_t m_umask = 0;

private slots:
    void initTestCase() {
#ifdef Q_OS_WIN
        QSKIP("Windows keeps a profile's files private through ACLs; Lantern sets no modes there.");
#endif
    }
    void init() { m_umask = ::umask(0); }  // the most permissive umask: nothing is cut by it
    void cleanup() { ::umask(m_umask); }

    void newDatabaseFolderAndSideFilesAreOwnerOnly() {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("new/lantern"));
        const QString path = folder + QStringLiteral("/conversations.sqlite3");
        auto s = ConversationStore::open(path);
        QVERIFY2(s.has_value(), s ? "" : s.error().detail.c_str());
        const qint64 c = (*s)->createConversation({})->id;
        Message m;
        m.content = QStringLiteral("secret");
        QVERIFY((*s)->addMessage(c, 0, m).has_value());
        QVERIFY(QFile::exists(path + QStringLiteral("-wal")));
        COMPARE_MODE(folder, 0700);
        COMPARE_MODE(dir.filePath(QStringLiteral("new")), 0700);
        COMPARE_MODE(path, 0600);
        COMPARE_MODE(path + QStringLiteral("-wal"), 0600);
        COMPARE_MODE(path + QStringLiteral("-shm"), 0600);

        const QString json = dir.filePath(QStringLiteral("exports/all.json"));
        const QString markdown = dir.filePath(QStringLiteral("chat.md"));
        QVERIFY((*s)->exportJsonToFile(json).has_value());
        QVERIFY((*s)->exportMarkdownToFile(markdown, c).has_value());
        COMPARE_MODE(json, 0600);
        COMPARE_MODE(markdown, 0600);
        COMPARE_MODE(dir.filePath(QStringLiteral("exports")), 0700);
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("secret"));
        // Overwriting an export keeps it private too.
        QVERIFY((*s)->exportJsonToFile(json).has_value());
        COMPARE_MODE(json, 0600);
    }

    void olderFilesAndBackupsAreOwnerOnly() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v1.sqlite3"));
        {
            test::RawSqlite raw(path);  // as SQLite (and an older Lantern) made it
            QVERIFY(raw.runScript(QString::fromStdString((test::dataDir() / "storage" / "schema-v1.sql").string())));
        }
        QCOMPARE(modeOf(path), 0644);  // SQLite default mode, readable by all
        auto s = ConversationStore::open(path);  // migrates, so writes a *.bak first
        QVERIFY2(s.has_value(), s ? "" : s.error().detail.c_str());
        COMPARE_MODE(path, 0600);
        const QStringList backups = QDir(dir.path()).entryList({QStringLiteral("*.bak")});
        QCOMPARE(backups.size(), 1);
        COMPARE_MODE(dir.filePath(backups.first()), 0600);
        COMPARE_MODE(path + QStringLiteral("-wal"), 0600);
    }

    void dataFolderIsOwnerOnly() {
        QTemporaryDir dir;
        qputenv("XDG_DATA_HOME", QFile::encodeName(dir.filePath(QStringLiteral("xdg"))));
        QStandardPaths::setTestModeEnabled(false);
        const QString data = dataDir();
        QVERIFY(data.startsWith(dir.path()));
        COMPARE_MODE(data, 0700);
        QVERIFY(databasePath().startsWith(data));
    }
};

QTEST_GUILESS_MAIN(PrivateFilesTest)
#include "privatefilestest.moc"
