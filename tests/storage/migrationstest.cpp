// Schema migrations against real files: from nothing, from the v1 fixture (a file as v1 wrote it),
// a newer file refused untouched, a failing step rolled back, a damaged file reported clearly.
#include "storage/conversationstore.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/recovery.h"
#include "tests/storage/rawsqlite.h"
#include "tests/support/testenv.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace lantern;
using namespace lantern::storage;

namespace {

QByteArray fileHash(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

QString fixture(const char* name) { return QString::fromStdString((test::dataDir() / "storage" / name).string()); }

// A file exactly as schema v1 left it.
void makeV1File(const QString& path) {
    test::RawSqlite raw(path);
    QVERIFY(raw.runScript(fixture("schema-v1.sql")));
    QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 1);
}

}  // namespace

class MigrationsTest : public QObject {
    Q_OBJECT

private slots:
    void stepsAreNumberedWithoutGaps() {
        const auto& steps = schemaMigrations();
        QVERIFY(!steps.empty());
        for (size_t i = 0; i < steps.size(); ++i) {
            QCOMPARE(steps[i].version, static_cast<int>(i) + 1);
        }
        QCOMPARE(ConversationStore::schemaVersion(), steps.back().version);
        QVERIFY(ConversationStore::schemaVersion() >= 2);
    }

    void fromEmpty() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("new.sqlite3"));
        {
            auto store = ConversationStore::open(path);
            QVERIFY2(store.has_value(), store ? "" : store.error().detail.c_str());
            Conversation fields;
            fields.title = QStringLiteral("first");
            auto c = (*store)->createConversation(fields);
            QVERIFY2(c.has_value(), c ? "" : c.error().detail.c_str());
        }
        test::RawSqlite raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), ConversationStore::schemaVersion());
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'message_search'")).toInt(), 1);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
        // Nothing existed, so nothing was backed up.
        QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.bak")}).size(), 0);
    }

    void fromV1Fixture() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v1.sqlite3"));
        makeV1File(path);
        auto store = ConversationStore::open(path);
        QVERIFY2(store.has_value(), store ? "" : store.error().detail.c_str());
        ConversationStore& s = **store;

        auto c = s.conversation(1);
        QVERIFY(c.has_value());
        QCOMPARE(c->title, QStringLiteral("Sourdough starter"));
        QVERIFY(c->pinned);
        QCOMPARE(c->folder, QStringLiteral("Kitchen"));
        QCOMPARE(c->settings.value(QStringLiteral("temperature")).toDouble(), 0.7);
        QCOMPARE(c->systemPrompt, QStringLiteral("You are a baker."));
        QCOMPARE(c->created, QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC));
        QVERIFY(c->sourceLanguage.isEmpty());  // the column v2 added, with its default

        auto path1 = s.activePath(1);
        QVERIFY(path1.has_value());
        QCOMPARE(path1->size(), 3);
        QCOMPARE(path1->at(0).id, 10);
        QCOMPARE(path1->at(1).id, 12);
        QCOMPARE(path1->at(1).thinking, QStringLiteral("The user keeps it at room temperature."));
        QCOMPARE(path1->at(2).content, QStringLiteral("And rye flour?"));
        auto old = s.message(11);
        QVERIFY(old.has_value());
        QCOMPARE(old->stats.tokensPerSecond, 33.25);
        QCOMPARE(old->stats.generatedTokens, 14);

        // v1 left an answer streaming (the app crashed): interrupted now, text kept.
        auto cut = s.message(21);
        QVERIFY(cut.has_value());
        QCOMPARE(cut->state, MessageState::Interrupted);
        QCOMPARE(cut->content, QStringLiteral("明日の東京は晴れのち"));

        // v2 back-filled the search index from the rows v1 wrote; the binned conversation stays hidden.
        auto hits = s.search(QStringLiteral("sourdough"));
        QVERIFY(hits.has_value());
        QList<qint64> conversations;
        for (const SearchHit& h : *hits) {
            conversations.append(h.conversationId);
        }
        QVERIFY(conversations.contains(1));
        QVERIFY(!conversations.contains(3));
        auto cjk = s.search(QStringLiteral("東京の天"));
        QVERIFY(cjk.has_value());
        QVERIFY(!cjk->isEmpty());
        QCOMPARE(cjk->first().conversationId, 2);

        // The file was backed up before the upgrade, as v1 had it.
        const QStringList backups = QDir(dir.path()).entryList({QStringLiteral("v1.sqlite3.v1-*.bak")});
        QCOMPARE(backups.size(), 1);
        test::RawSqlite backup(dir.filePath(backups.first()));
        QCOMPARE(backup.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 1);
        QCOMPARE(backup.scalar(QStringLiteral("SELECT count(*) FROM messages")).toInt(), 7);
        QCOMPARE(backup.scalar(QStringLiteral("SELECT state FROM messages WHERE id = 21")).toString(),
                 QStringLiteral("streaming"));
        test::RawSqlite raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), ConversationStore::schemaVersion());
    }

    void newerDatabaseIsRefusedUntouched_data() {
        QTest::addColumn<bool>("wal");
        QTest::newRow("rollback journal") << false;
        QTest::newRow("write-ahead log") << true;  // reading it needs -shm/-wal: they must not stay behind
    }

    void newerDatabaseIsRefusedUntouched() {
        QFETCH(bool, wal);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("future.sqlite3"));
        {
            test::RawSqlite raw(path);
            QVERIFY(raw.exec(QStringLiteral("CREATE TABLE from_the_future (x)")));
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO from_the_future VALUES ('kept')")));
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = %1").arg(ConversationStore::schemaVersion() + 1)));
            if (wal) {
                QVERIFY(raw.exec(QStringLiteral("PRAGMA journal_mode = WAL")));
            }
        }
        // An old mtime, so that any write at all (even within the same second) shows.
        const QDateTime old = QDateTime::currentDateTimeUtc().addDays(-3);
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.setFileTime(old, QFileDevice::FileModificationTime));
        }
        const QStringList filesBefore = QDir(dir.path()).entryList(QDir::Files | QDir::Hidden);
        QCOMPARE(filesBefore, QStringList{QStringLiteral("future.sqlite3")});
        const QByteArray before = fileHash(path);
        const QDateTime mtime = QFileInfo(path).lastModified();
        const qint64 size = QFileInfo(path).size();
        for (int attempt = 0; attempt < 2; ++attempt) {  // refused the same way every time, by both opens
            auto store = attempt == 0 ? ConversationStore::open(path) : Result<std::unique_ptr<ConversationStore>>();
            if (attempt == 1) {  // the app's open: checks for damage first, read-only
                auto recovering = openRecovering(path);
                QVERIFY(!recovering.has_value());
                store = std::unexpected(recovering.error());
            }
            QVERIFY(!store.has_value());
            QCOMPARE(store.error().code, Errc::StorageTooNew);
            const QString sentence = QString::fromStdString(store.error().detail);
            QVERIFY2(sentence.contains(QStringLiteral("was written by a newer version of Lantern")) &&
                         sentence.contains(QStringLiteral("It was left untouched; update Lantern to open it.")) &&
                         sentence.contains(path),
                     qPrintable(sentence));
        }
        QCOMPARE(fileHash(path), before);
        QCOMPARE(QFileInfo(path).size(), size);
        QCOMPARE(QFileInfo(path).lastModified(), mtime);
        // No backup, no -wal, no -shm, no journal left next to it.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), filesBefore);
        test::RawSqlite raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT x FROM from_the_future")).toString(), QStringLiteral("kept"));
    }

    void failingStepRollsBackAndStops() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v1.sqlite3"));
        makeV1File(path);
        std::vector<Migration> steps = schemaMigrations();
        const int broken = static_cast<int>(steps.size()) + 1;
        steps.push_back({broken, QStringLiteral("broken on purpose"), [](Database& db) -> Result<void> {
                             if (auto r = db.run(QStringLiteral("CREATE TABLE half_done (x)")); !r) {
                                 return std::unexpected(r.error());
                             }
                             auto r = db.run(QStringLiteral("INSERT INTO no_such_table VALUES (1)"));
                             return r ? Result<void>{} : std::unexpected(r.error());
                         }});
        steps.push_back({broken + 1, QStringLiteral("never reached"), [](Database& db) -> Result<void> {
                             auto r = db.run(QStringLiteral("CREATE TABLE after_broken (x)"));
                             return r ? Result<void>{} : std::unexpected(r.error());
                         }});
        {
            auto db = Database::open(path, false);
            QVERIFY(db.has_value());
            auto r = migrate(**db, steps);
            QVERIFY(!r.has_value());
            QVERIFY(QString::fromStdString(r.error().detail).contains(QStringLiteral("broken on purpose")));
        }
        test::RawSqlite raw(path);
        // Steps before the broken one are kept; the broken one left nothing behind; none after it ran.
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), broken - 1);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'")).toInt(), 0);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'after_broken'")).toInt(), 0);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM messages")).toInt(), 7);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
    }

    void damagedFileIsReportedAndKept() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("garbage.sqlite3"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
        f.close();
        const QByteArray before = fileHash(path);
        auto store = ConversationStore::open(path);
        QVERIFY(!store.has_value());
        QCOMPARE(store.error().code, Errc::StorageError);
        QVERIFY2(QString::fromStdString(store.error().detail).contains(QStringLiteral("damaged")),
                 store.error().detail.c_str());
        QCOMPARE(fileHash(path), before);
    }

    // The backup is plain SQL through the driver (VACUUM INTO), never SQLite's C API on the driver's
    // handle: it holds where Qt's driver carries its own SQLite. It sees what the write-ahead log holds,
    // keeps user_version, refuses to overwrite a file, and leaves nothing behind when it fails.
    void backupIsConsistentAndNeverOverwrites() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("live.sqlite3"));
        auto db = Database::open(path, false);
        QVERIFY(db.has_value());
        QVERIFY((*db)->useWal().has_value());
        QVERIFY((*db)->run(QStringLiteral("PRAGMA wal_autocheckpoint=0")).has_value());
        QVERIFY((*db)->run(QStringLiteral("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")).has_value());
        for (int i = 0; i < 50; ++i) {
            QVERIFY((*db)->run(QStringLiteral("INSERT INTO notes (body) VALUES (?)"),
                               {QStringLiteral("Zeile %1 · 行 %1").arg(i)})
                        .has_value());
        }
        QVERIFY((*db)->run(QStringLiteral("PRAGMA user_version = 7")).has_value());
        QVERIFY(QFileInfo(path + QStringLiteral("-wal")).size() > 0);  // the rows are still in the log

        const QString copy = dir.filePath(QStringLiteral("copy.bak"));
        QVERIFY(backupDatabase(**db, copy).has_value());
        {
            test::RawSqlite backup(copy);
            QCOMPARE(backup.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 7);
            QCOMPARE(backup.scalar(QStringLiteral("SELECT count(*) FROM notes")).toInt(), 50);
            QCOMPARE(backup.scalar(QStringLiteral("SELECT body FROM notes WHERE id = 50")).toString(),
                     QStringLiteral("Zeile 49 · 行 49"));
            QCOMPARE(backup.scalar(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
        }

        const QByteArray before = fileHash(copy);
        auto again = backupDatabase(**db, copy);
        QVERIFY(!again.has_value());
        QVERIFY2(QString::fromStdString(again.error().detail).contains(QStringLiteral("already exists")),
                 again.error().detail.c_str());
        QCOMPARE(fileHash(copy), before);

        const QString nowhere = dir.filePath(QStringLiteral("missing/folder/copy.bak"));
        auto failed = backupDatabase(**db, nowhere);
        QVERIFY(!failed.has_value());
        QCOMPARE(failed.error().code, Errc::StorageError);
        QVERIFY2(QString::fromStdString(failed.error().detail).contains(QStringLiteral("was not changed")),
                 failed.error().detail.c_str());
        QVERIFY(!QFile::exists(nowhere));
        QCOMPARE((*db)->run(QStringLiteral("SELECT count(*) FROM notes")).value().next(), true);
    }

    void readOnlyOpenDoesNotUpgrade() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v1.sqlite3"));
        makeV1File(path);
        auto store = ConversationStore::open(path, {.recoverStreaming = false, .readOnly = true});
        QVERIFY(!store.has_value());
        QCOMPARE(store.error().code, Errc::StorageError);
        test::RawSqlite raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 1);
    }
};

QTEST_MAIN(MigrationsTest)
#include "migrationstest.moc"
