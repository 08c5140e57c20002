// A damaged database at start, with real SQLite files damaged three ways (pages overwritten in the
// middle, the file cut in half, a file that is no database at all): it is moved aside byte for byte,
// never deleted; an empty database takes its place; the last good copy (the daily snapshot, else a
// migration backup) is offered with its date and conversation count, and restoring it gives the
// conversations back.
#include "storage/recovery.h"
#include "tests/storage/rawsqlite.h"
#include "tests/support/testenv.h"

#include <QCryptographicHash>
#include <QDir>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace lantern;
using namespace lantern::storage;

namespace {

QByteArray fileHash(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256) : QByteArray();
}

// Adds count conversations titled "<prefix> <i>", each with a long question (many pages in all).
void addConversations(ConversationStore& s, const QString& prefix, int count) {
    for (int i = 0; i < count; ++i) {
        Conversation f;
        f.title = QStringLiteral("%1 %2").arg(prefix).arg(i);
        const qint64 c = s.createConversation(f)->id;
        Message m;
        m.content = QStringLiteral("question %1 ").arg(i).repeated(300);
        QVERIFY(s.addMessage(c, 0, m).has_value());
    }
}

QStringList titles(ConversationStore& s) {
    QStringList out;
    const QList<Conversation> all = s.listConversations().value_or(QList<Conversation>{});
    for (const Conversation& c : all) {
        out << c.title;
    }
    out.sort();
    return out;
}

// Damages the (closed, checkpointed) file at path as the row says.
bool damageFile(const QString& path, const QString& how) {
    QFile f(path);
    if (how == QStringLiteral("not a database")) {
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            return false;
        }
        f.write("These are my notes, not a database.\n");
        return true;
    }
    if (!f.open(QIODevice::ReadWrite)) {
        return false;
    }
    const qint64 size = f.size();
    if (how == QStringLiteral("truncated")) {
        return f.resize(size / 2);
    }
    // Overwrite four whole pages in the middle of the file.
    const qint64 page = 4096;
    f.seek((size / 2 / page) * page);
    return f.write(QByteArray(4 * page, '\xa5')) == 4 * page;
}

}  // namespace

class RecoveryTest : public QObject {
    Q_OBJECT

private slots:
    void healthyDatabaseIsLeftAloneAndSnapshotted() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("c.sqlite3"));
        {
            auto opened = openRecovering(path);
            QVERIFY(opened.has_value());
            addConversations(*opened->store, QStringLiteral("kept"), 3);
            QVERIFY(!opened->report.damaged);
        }
        auto opened = openRecovering(path);
        QVERIFY(opened.has_value());
        QVERIFY(!opened->report.damaged);
        QCOMPARE(opened->store->listConversations()->size(), 3);
        QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.damaged-*")}).size(), 0);
        // The snapshot was taken at the first open (empty then) and not again the same day.
        auto last = findLastGood(path);
        QVERIFY(last.has_value());
        QCOMPARE(last->path, path + QStringLiteral(".lastgood"));
        QCOMPARE(last->conversations, 0);
        QCOMPARE(refreshLastGood(path).value(), false);
        // Once a day has gone by, it is replaced (atomically: no temporary file stays).
        QCOMPARE(refreshLastGood(path, 0).value(), true);
        QCOMPARE(findLastGood(path)->conversations, 3);
        QVERIFY(!QFile::exists(path + QStringLiteral(".lastgood.tmp")));
        QVERIFY(qAbs(findLastGood(path)->taken.secsTo(QDateTime::currentDateTime())) < 60);
    }

    void damagedDatabaseIsKeptAsideAndTheSnapshotRestored_data() {
        QTest::addColumn<QString>("how");
        QTest::newRow("pages overwritten") << QStringLiteral("pages overwritten");
        QTest::newRow("truncated") << QStringLiteral("truncated");
        QTest::newRow("not a database") << QStringLiteral("not a database");
    }

    void damagedDatabaseIsKeptAsideAndTheSnapshotRestored() {
        QFETCH(QString, how);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("c.sqlite3"));
        {
            auto first = openRecovering(path);
            QVERIFY(first.has_value());
            addConversations(*first->store, QStringLiteral("good"), 5);
        }
        QCOMPARE(refreshLastGood(path, 0).value(), true);  // the snapshot: five conversations
        {
            auto later = ConversationStore::open(path);
            QVERIFY(later.has_value());
            addConversations(**later, QStringLiteral("after"), 40);  // not in the snapshot
        }
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));  // closed and checkpointed
        QVERIFY(damageFile(path, how));
        const QByteArray damagedBytes = fileHash(path);

        auto opened = openRecovering(path);
        QVERIFY2(opened.has_value(), opened ? "" : opened.error().detail.c_str());
        const RecoveryReport& r = opened->report;
        QVERIFY(r.damaged);
        QVERIFY2(!r.problem.isEmpty(), "the report says what was wrong");
        qInfo("%s: %s", qPrintable(how), qPrintable(r.problem));
        QVERIFY2(QRegularExpression(QStringLiteral("c\\.sqlite3\\.damaged-\\d{8}-\\d{6}$")).match(r.damagedPath).hasMatch(),
                 qPrintable(r.damagedPath));
        QCOMPARE(fileHash(r.damagedPath), damagedBytes);  // kept byte for byte, not deleted
        QCOMPARE(opened->store->listConversations()->size(), 0);  // an empty start in its place
        QVERIFY(r.lastGood.has_value());
        QCOMPARE(r.lastGood->conversations, 5);
        QVERIFY(r.lastGood->taken.isValid());
        QCOMPARE(r.lastGood->path, r.damagedPath + QStringLiteral(".lastgood"));

        // The user picks the last good copy: it is put in place before the store opens.
        QVERIFY(requestRestore(path, r.lastGood->path).has_value());
        const QString offered = r.lastGood->path;
        opened->store.reset();
        auto restored = openRecovering(path);
        QVERIFY2(restored.has_value(), restored ? "" : restored.error().detail.c_str());
        QVERIFY(restored->report.restored);
        QVERIFY(!restored->report.damaged);
        QCOMPARE(restored->report.restoredFrom, offered);
        QStringList expected;
        for (int i = 0; i < 5; ++i) {
            expected << QStringLiteral("good %1").arg(i);
        }
        QCOMPARE(titles(*restored->store), expected);
        QVERIFY(QFile::exists(offered));  // the copy itself stays
        QVERIFY(QFile::exists(r.damagedPath));
        test::RawSqlite raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
    }

    void withoutSnapshotTheNewestBackupIsOffered() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("c.sqlite3"));
        {
            test::RawSqlite raw(path);
            QVERIFY(raw.runScript(QString::fromStdString((test::dataDir() / "storage" / "schema-v1.sql").string())));
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO conversations (title, created_ms, updated_ms) VALUES ('from v1', 0, 0)")));
        }
        {
            auto migrated = ConversationStore::open(path);  // writes c.sqlite3.v1-<stamp>.bak
            QVERIFY(migrated.has_value());
            addConversations(**migrated, QStringLiteral("new"), 30);
        }
        QVERIFY(damageFile(path, QStringLiteral("pages overwritten")));
        auto opened = openRecovering(path);
        QVERIFY(opened.has_value());
        QVERIFY(opened->report.damaged);
        QVERIFY(opened->report.lastGood.has_value());
        QVERIFY2(opened->report.lastGood->path.endsWith(QStringLiteral(".bak")), qPrintable(opened->report.lastGood->path));
        QCOMPARE(opened->report.lastGood->conversations, 3);  // the fixture's two live ones and ours
        QVERIFY(requestRestore(path, opened->report.lastGood->path).has_value());
        opened->store.reset();
        auto restored = openRecovering(path);  // the v1 copy is migrated on the way in
        QVERIFY2(restored.has_value(), restored ? "" : restored.error().detail.c_str());
        QVERIFY2(titles(*restored->store).contains(QStringLiteral("from v1")), qPrintable(titles(*restored->store).join(u',')));
        QCOMPARE(restored->store->listConversations()->size() + 0, titles(*restored->store).size());
        QVERIFY(!titles(*restored->store).contains(QStringLiteral("new 0")));
    }

    void nothingToOfferWhenNoCopyIsGood() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("c.sqlite3"));
        QVERIFY(damageFile(path, QStringLiteral("not a database")));
        auto opened = openRecovering(path);
        QVERIFY(opened.has_value());
        QVERIFY(opened->report.damaged);
        QVERIFY(!opened->report.lastGood.has_value());
        QVERIFY(QFile::exists(opened->report.damagedPath));
    }
};

QTEST_GUILESS_MAIN(RecoveryTest)
#include "recoverytest.moc"
