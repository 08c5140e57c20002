// A real full disk: the database lives on a small tmpfs that a filler file fills up. The mount is made
// in a private mount namespace (this executable re-runs itself under `unshare -m`, or `unshare -rm`
// when not root), so it vanishes with the test process and touches nothing else. Where no namespace
// or mount is allowed, the test is skipped (ctest skip) with the reason.
//
// What must hold: a write on the full disk fails with Errc::DiskFull and the sentence saying so;
// nothing stored before is damaged (integrity_check, every message, the streamed answer up to its last
// committed append); once the filler is gone, the SAME open store writes again.
#include "storage/conversationstore.h"
#include "tests/storage/rawsqlite.h"
#include "tests/support/testenv.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

using namespace lantern;
using namespace lantern::storage;

namespace {

QString g_mountDir;    // the tmpfs (inside the namespace)
QString g_skipReason;  // why the cases cannot run here
constexpr const char* kSize = "size=1536k";

// Writes zeros to path until the disk says ENOSPC; returns the bytes written.
qint64 fill(const QString& path) {
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        return -1;
    }
    static const QByteArray block(4096, '\0');
    qint64 total = 0;
    for (;;) {
        const ssize_t n = ::write(fd, block.constData(), static_cast<size_t>(block.size()));
        if (n <= 0) {
            break;
        }
        total += n;
    }
    ::fsync(fd);
    ::close(fd);
    return total;
}

Message text(Role role, const QString& content) {
    Message m;
    m.role = role;
    m.content = content;
    return m;
}

bool saysFull(const Error& e) {
    const QString s = QString::fromStdString(e.detail);
    return e.code == Errc::DiskFull && s.contains(QStringLiteral("is full")) &&
           s.contains(QStringLiteral("everything saved before is intact")) && s.contains(QStringLiteral("Free some disk space"));
}

QString integrity(const QString& path) {
    test::RawSqlite raw(path);
    return raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString();
}

}  // namespace

class FullDiskTest : public QObject {
    Q_OBJECT

private:
    QString m_dir;

private slots:
    void init() {
        if (!g_skipReason.isEmpty()) {
            QSKIP(qPrintable(g_skipReason));
        }
        // Each case gets the whole (empty) tmpfs.
        QDir(g_mountDir).removeRecursively();
        QDir().mkpath(g_mountDir);
        m_dir = g_mountDir;
    }

    void fullDiskRefusesWritesKeepsEverythingAndRecovers() {
        const QString path = m_dir + QStringLiteral("/conversations.sqlite3");
        auto opened = ConversationStore::open(path);
        QVERIFY2(opened.has_value(), opened ? "" : opened.error().detail.c_str());
        ConversationStore& s = **opened;
        const qint64 c = s.createConversation({})->id;
        QList<Message> earlier;
        qint64 parent = 0;
        for (int i = 0; i < 6; ++i) {
            auto m = s.addMessage(c, parent, text(i % 2 ? Role::Assistant : Role::User, QStringLiteral("earlier %1 ").arg(i).repeated(50)));
            QVERIFY(m.has_value());
            earlier.append(*m);
            parent = m->id;
        }
        auto answer = s.beginStreaming(c, parent, QStringLiteral("m"));
        QVERIFY(answer.has_value());
        QString committed;
        for (int i = 0; i < 20; ++i) {
            const QString w = QStringLiteral(" word%1").arg(i);
            QVERIFY(s.appendToMessage(answer->id, w).has_value());
            committed += w;
        }

        const QString filler = m_dir + QStringLiteral("/filler");
        QVERIFY(fill(filler) > 0);
        // The WAL may still have room it was given before; keep appending until the disk is truly
        // needed. Every append that succeeded is committed; the first that fails must say DiskFull.
        const QString chunk = QStringLiteral(" x").repeated(2000);
        Error full;
        int accepted = 0;
        for (int i = 0; i < 2000 && full.detail.empty(); ++i) {
            if (auto r = s.appendToMessage(answer->id, chunk); r) {
                committed += chunk;
                ++accepted;
            } else {
                full = r.error();
            }
        }
        qInfo("streaming on the full disk: %d appends of 4 KB still fitted in the WAL's room, then: %s", accepted,
              full.detail.c_str());
        QVERIFY2(saysFull(full), full.detail.c_str());
        auto more = s.addMessage(c, answer->id, text(Role::User, QStringLiteral("y").repeated(200000)));
        QVERIFY(!more.has_value());
        QVERIFY2(saysFull(more.error()), more.error().detail.c_str());

        // Nothing stored is damaged: the file checks out and reads back as committed, from the same
        // store and from a second connection.
        QCOMPARE(integrity(path), QStringLiteral("ok"));
        for (const Message& m : std::as_const(earlier)) {
            QCOMPARE(s.message(m.id)->content, m.content);
        }
        QCOMPARE(s.message(answer->id)->content, committed);
        QCOMPARE(s.message(answer->id)->state, MessageState::Streaming);
        QCOMPARE(s.allMessages(c)->size(), earlier.size() + 1);

        // Space again: the same open store writes, without a restart.
        QVERIFY(QFile::remove(filler));
        QVERIFY2(s.appendToMessage(answer->id, QStringLiteral(" after")).has_value(), "append after freeing space");
        committed += QStringLiteral(" after");
        auto later = s.addMessage(c, answer->id, text(Role::User, QStringLiteral("later")));
        QVERIFY2(later.has_value(), later ? "" : later.error().detail.c_str());
        QVERIFY(s.finishMessage(answer->id, MessageState::Complete).has_value());
        opened->reset();
        auto reopened = ConversationStore::open(path);
        QVERIFY(reopened.has_value());
        QCOMPARE((*reopened)->message(answer->id)->content, committed);
        QCOMPARE((*reopened)->message(later->id)->content, QStringLiteral("later"));
        QCOMPARE(integrity(path), QStringLiteral("ok"));
    }

    // The WAL grew while there was room; the disk then fills, so the checkpoint that copies the WAL
    // into the main file (at close) cannot grow it. The commits are in the WAL: closing, reopening on
    // the still full disk and reading must give them all back, and freeing space lets the next open
    // fold them in.
    void fullDiskAtCheckpointKeepsTheWal() {
        const QString path = m_dir + QStringLiteral("/conversations.sqlite3");
        QList<Message> saved;
        qint64 streamingId = 0;
        {
            auto opened = ConversationStore::open(path);
            QVERIFY(opened.has_value());
            ConversationStore& s = **opened;
            const qint64 c = s.createConversation({})->id;
            // Held open by a reader, the WAL cannot be checkpointed back to its start: it only grows.
            test::RawSqlite reader(path);
            QSqlDatabase db = QSqlDatabase::database(reader.connectionName());
            QVERIFY(db.transaction());
            QSqlQuery pin(db);
            QVERIFY(pin.exec(QStringLiteral("SELECT count(*) FROM messages")) && pin.next());
            // Half the disk for the WAL, so that freeing the filler later leaves room to write.
            for (int i = 0; QFileInfo(path + QStringLiteral("-wal")).size() < 700 * 1024; ++i) {
                auto m = s.addMessage(c, 0, text(Role::User, QStringLiteral("kept %1 ").arg(i).repeated(400)));
                QVERIFY2(m.has_value(), m ? "" : m.error().detail.c_str());
                saved.append(*m);
            }
            auto streaming = s.beginStreaming(c, 0, QStringLiteral("m"));  // the app dies while it streams
            QVERIFY(streaming.has_value());
            QVERIFY(s.appendToMessage(streaming->id, QStringLiteral("half an answer")).has_value());
            streamingId = streaming->id;
            pin.finish();
            db.commit();
            QVERIFY(saved.size() >= 10);
            qInfo("%lld messages saved while the WAL grew", static_cast<long long>(saved.size()));
            qInfo("WAL %lld bytes, main file %lld bytes before the disk filled", QFileInfo(path + QStringLiteral("-wal")).size(),
                  QFileInfo(path).size());
            QVERIFY(fill(m_dir + QStringLiteral("/filler")) >= 0);
            auto refused = s.addMessage(c, 0, text(Role::User, QStringLiteral("z").repeated(300000)));
            QVERIFY(!refused.has_value());
            QVERIFY2(saysFull(refused.error()), refused.error().detail.c_str());
        }  // closing tries to checkpoint into a main file that cannot grow
        qInfo("after close on the full disk: WAL %lld bytes, main file %lld bytes",
              QFileInfo(path + QStringLiteral("-wal")).size(), QFileInfo(path).size());
        {
            auto reopened = ConversationStore::open(path);
            QVERIFY2(reopened.has_value(), reopened ? "" : reopened.error().detail.c_str());
            for (const Message& m : std::as_const(saved)) {
                QCOMPARE((*reopened)->message(m.id)->content, m.content);
            }
            QCOMPARE((*reopened)->message(streamingId)->content, QStringLiteral("half an answer"));
        }
        QCOMPARE(integrity(path), QStringLiteral("ok"));
        QVERIFY(QFile::remove(m_dir + QStringLiteral("/filler")));
        auto reopened = ConversationStore::open(path);
        QVERIFY(reopened.has_value());
        QCOMPARE((*reopened)->allMessages(saved.first().conversationId)->size(), saved.size() + 1);
        QCOMPARE((*reopened)->message(streamingId)->state, MessageState::Interrupted);
        QVERIFY((*reopened)->addMessage(saved.first().conversationId, 0, text(Role::User, QStringLiteral("room again"))));
        QCOMPARE(integrity(path), QStringLiteral("ok"));
    }
};

namespace {

// Outside the namespace: re-run this executable under unshare with a fresh folder to mount on.
// Returns -1 when unshare itself could not run (then g_skipReason says why).
int runInPrivateNamespace(int argc, char** argv, const QString& dir) {
    QStringList args;
    args << (::geteuid() == 0 ? QStringLiteral("-m") : QStringLiteral("-rm")) << QCoreApplication::applicationFilePath()
         << QStringLiteral("--inside") << dir;
    for (int i = 1; i < argc; ++i) {
        args << QString::fromLocal8Bit(argv[i]);
    }
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedOutputChannel);
    p.start(QStringLiteral("unshare"), args);
    if (!p.waitForStarted(10000)) {
        g_skipReason = QStringLiteral("The unshare tool could not be started (%1), so no private tmpfs can be mounted.")
                           .arg(p.errorString());
        return -1;
    }
    p.waitForFinished(600000);
    const QString err = QString::fromLocal8Bit(p.readAllStandardError());
    if (!QFile::exists(dir + QStringLiteral("/.inside"))) {
        g_skipReason = QStringLiteral("No private mount namespace is allowed here (unshare %1: %2).")
                           .arg(args.first(), err.trimmed());
        return -1;
    }
    std::fputs(qPrintable(err), stderr);
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : 1;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    FullDiskTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    if (argc >= 3 && qstrcmp(argv[1], "--inside") == 0) {
        g_mountDir = QString::fromLocal8Bit(argv[2]);
        QFile marker(g_mountDir + QStringLiteral("/.inside"));  // tells the parent the namespace worked
        marker.open(QIODevice::WriteOnly);
        marker.close();
        if (::mount("tmpfs", argv[2], "tmpfs", MS_NOSUID | MS_NODEV, kSize) != 0) {
            g_skipReason = QStringLiteral("Mounting a tmpfs on %1 is not permitted here (%2).")
                               .arg(g_mountDir, QString::fromLocal8Bit(std::strerror(errno)));
        }
        std::vector<char*> rest = {argv[0]};
        for (int i = 3; i < argc; ++i) {
            rest.push_back(argv[i]);
        }
        return QTest::qExec(&test, static_cast<int>(rest.size()), rest.data());
    }
    QTemporaryDir dir;
    const int r = runInPrivateNamespace(argc, argv, dir.path());
    if (r >= 0) {
        return r;
    }
    test::skipAll(qPrintable(g_skipReason));  // ctest reports the whole test as skipped, with the reason
}

#include "fulldisktest.moc"
