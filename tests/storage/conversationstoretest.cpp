// ConversationStore against real SQLite files: conversations, delete/undo/purge, the branch tree,
// streaming and recovery, a full disk, a read-only file, a reader on another thread.
#include "storage/conversationstore.h"
#include "tests/storage/rawsqlite.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <atomic>
#include <unistd.h>

using namespace lantern;
using namespace lantern::storage;

namespace {

std::unique_ptr<ConversationStore> openOrFail(const QString& path, OpenOptions options = {}) {
    auto s = ConversationStore::open(path, options);
    if (!s) {
        qWarning("open failed: %s", s.error().detail.c_str());
        return nullptr;
    }
    return std::move(*s);
}

Message text(Role role, const QString& content) {
    Message m;
    m.role = role;
    m.content = content;
    return m;
}

QList<qint64> ids(const Result<QList<Message>>& list) {
    QList<qint64> out;
    if (list) {
        for (const Message& m : *list) {
            out.append(m.id);
        }
    }
    return out;
}

QList<qint64> ids(const Result<QList<Conversation>>& list) {
    QList<qint64> out;
    if (list) {
        for (const Conversation& c : *list) {
            out.append(c.id);
        }
    }
    return out;
}

}  // namespace

// Like QVERIFY(r.has_value()) but prints the store's sentence when it fails.
#define VERIFY_OK(expr)                                                          \
    do {                                                                         \
        const auto r_ = (expr);                                                  \
        QVERIFY2(r_.has_value(), r_.has_value() ? "" : r_.error().detail.c_str()); \
    } while (false)

class ConversationStoreTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_files = 0;
    QString newPath() { return m_dir.filePath(QStringLiteral("db%1.sqlite3").arg(++m_files)); }

private slots:
    void conversationFieldsRoundTrip() {
        const QString path = newPath();
        Conversation f;
        f.title = QStringLiteral("Übersetzung 翻訳");
        f.folder = QStringLiteral("Work");
        f.modelFile = QStringLiteral("gemma-3-270m-q4_k_m.gguf");
        f.settings = QJsonObject{{QStringLiteral("temperature"), 0.25}, {QStringLiteral("top_k"), 40}};
        f.systemPrompt = QStringLiteral("Translate faithfully.");
        f.sourceLanguage = QStringLiteral("de");
        f.targetLanguage = QStringLiteral("ja");
        f.pinned = true;
        qint64 id = 0;
        {
            auto s = openOrFail(path);
            QVERIFY(s);
            auto c = s->createConversation(f);
            QVERIFY(c.has_value());
            id = c->id;
            QVERIFY(id > 0);
            QVERIFY(c->created.isValid());
        }
        auto s = openOrFail(path);  // read back from the file, not from memory
        QVERIFY(s);
        auto c = s->conversation(id);
        QVERIFY(c.has_value());
        f.id = id;
        f.created = c->created;
        f.updated = c->updated;
        QCOMPARE(*c, f);
        QCOMPARE(s->conversation(id + 100).error().code, Errc::InvalidArgument);
    }

    void listOrderPinArchiveFolderRename() {
        auto s = openOrFail(newPath());
        QVERIFY(s);
        QList<qint64> made;
        for (int i = 0; i < 4; ++i) {
            Conversation f;
            f.title = QStringLiteral("c%1").arg(i);
            made.append(s->createConversation(f)->id);
            QThread::msleep(2);  // distinct update times
        }
        // Newest first.
        QCOMPARE(ids(s->listConversations()), (QList<qint64>{made[3], made[2], made[1], made[0]}));
        VERIFY_OK(s->setPinned(made[0], true));
        VERIFY_OK(s->setArchived(made[2], true));
        VERIFY_OK(s->setFolder(made[1], QStringLiteral("Trips")));
        QThread::msleep(2);
        VERIFY_OK(s->renameConversation(made[1], QStringLiteral("Lisbon")));  // bumps it up
        QCOMPARE(ids(s->listConversations()), (QList<qint64>{made[0], made[1], made[3]}));
        ConversationFilter archived;
        archived.onlyArchived = true;
        QCOMPARE(ids(s->listConversations(archived)), (QList<qint64>{made[2]}));
        ConversationFilter trips;
        trips.folder = QStringLiteral("Trips");
        QCOMPARE(ids(s->listConversations(trips)), (QList<qint64>{made[1]}));
        QCOMPARE(s->conversation(made[1])->title, QStringLiteral("Lisbon"));
        QCOMPARE(s->renameConversation(9999, QStringLiteral("x")).error().code, Errc::InvalidArgument);
    }

    void deleteUndoPurge() {
        const QString path = newPath();
        auto s = openOrFail(path);
        QVERIFY(s);
        Conversation f;
        f.title = QStringLiteral("Recipe for flatbread");
        const qint64 keep = s->createConversation(f)->id;
        const qint64 gone = s->createConversation(f)->id;
        auto root = s->addMessage(gone, 0, text(Role::User, QStringLiteral("flatbread without yeast")));
        QVERIFY(root.has_value());
        QVERIFY(s->addMessage(gone, root->id, text(Role::Assistant, QStringLiteral("Mix flour, water, salt."))));
        const Conversation before = *s->conversation(gone);

        VERIFY_OK(s->deleteConversation(gone));
        QCOMPARE(ids(s->listConversations()), (QList<qint64>{keep}));
        QCOMPARE(ids(s->deletedConversations()), (QList<qint64>{gone}));
        const auto hidden = s->search(QStringLiteral("yeast"));
        QVERIFY(hidden.has_value());
        for (const SearchHit& h : *hidden) {
            QVERIFY(h.conversationId != gone);
        }
        VERIFY_OK(s->undoDelete(gone));
        QCOMPARE(*s->conversation(gone), before);  // back exactly as it was
        QCOMPARE(s->activePath(gone)->size(), 2);
        QCOMPARE(s->search(QStringLiteral("yeast"))->size(), 1);

        VERIFY_OK(s->deleteConversation(gone));
        QCOMPARE(*s->purgeDeleted(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC)), 0);  // nothing that old
        QCOMPARE(*s->purgeDeleted(), 1);
        QCOMPARE(s->conversation(gone).error().code, Errc::InvalidArgument);
        test::RawSqlite raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM messages")).toInt(), 0);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM message_search")).toInt(), 0);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA foreign_key_check")), QVariant());
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
    }

    // The tree below, built step by step; expected paths are worked out by hand from it.
    //   u1 ── a1 ── u2          u1' (edit of u1)
    //     └── a2 (regenerated)
    void branches() {
        auto s = openOrFail(newPath());
        QVERIFY(s);
        const qint64 c = s->createConversation({})->id;
        const Message u1 = *s->addMessage(c, 0, text(Role::User, QStringLiteral("Name a colour")));
        const Message a1 = *s->addMessage(c, u1.id, text(Role::Assistant, QStringLiteral("Blue")));
        QCOMPARE(ids(s->activePath(c)), (QList<qint64>{u1.id, a1.id}));

        auto a2 = s->regenerate(a1.id, QStringLiteral("gemma"));
        QVERIFY(a2.has_value());
        QCOMPARE(a2->state, MessageState::Streaming);
        QCOMPARE(a2->parentId, u1.id);
        VERIFY_OK(s->appendToMessage(a2->id, QStringLiteral("Green")));
        VERIFY_OK(s->finishMessage(a2->id, MessageState::Complete));
        QCOMPARE(ids(s->activePath(c)), (QList<qint64>{u1.id, a2->id}));
        QCOMPARE(ids(s->siblings(a1.id)), (QList<qint64>{a1.id, a2->id}));
        QCOMPARE(s->regenerate(u1.id, {}).error().code, Errc::InvalidArgument);  // not an answer

        VERIFY_OK(s->switchBranch(a1.id));
        QCOMPARE(ids(s->activePath(c)), (QList<qint64>{u1.id, a1.id}));
        const Message u2 = *s->addMessage(c, a1.id, text(Role::User, QStringLiteral("Another")));
        QCOMPARE(ids(s->activePath(c)), (QList<qint64>{u1.id, a1.id, u2.id}));
        VERIFY_OK(s->switchBranch(a2->id));
        QCOMPARE(ids(s->activePath(c)), (QList<qint64>{u1.id, a2->id}));
        VERIFY_OK(s->switchBranch(a1.id));  // a1 remembers u2
        QCOMPARE(ids(s->activePath(c)), (QList<qint64>{u1.id, a1.id, u2.id}));

        auto edited = s->editMessage(u1.id, QStringLiteral("Name a fruit"));
        QVERIFY(edited.has_value());
        QCOMPARE(edited->role, Role::User);
        QCOMPARE(edited->parentId, 0);
        QCOMPARE(ids(s->activePath(c)), (QList<qint64>{edited->id}));
        QCOMPARE(ids(s->siblings(u1.id)), (QList<qint64>{u1.id, edited->id}));
        VERIFY_OK(s->switchBranch(u1.id));  // the old branch is intact
        QCOMPARE(ids(s->activePath(c)), (QList<qint64>{u1.id, a1.id, u2.id}));
        VERIFY_OK(s->switchBranch(u2.id));
        QCOMPARE(s->allMessages(c)->size(), 5);

        // Deleting the active branch falls back to the newest remaining sibling.
        VERIFY_OK(s->deleteBranch(a1.id));
        QCOMPARE(ids(s->activePath(c)), (QList<qint64>{u1.id, a2->id}));
        QCOMPARE(s->message(u2.id).error().code, Errc::InvalidArgument);
        VERIFY_OK(s->deleteBranch(u1.id));
        QCOMPARE(ids(s->activePath(c)), (QList<qint64>{edited->id}));
        QCOMPARE(s->allMessages(c)->size(), 1);
    }

    void longChainDeletes() {
        // A conversation of 1000 turns is one chain 1000 deep; purge and deleteBranch must cope.
        const QString path = newPath();
        auto s = openOrFail(path);
        QVERIFY(s);
        const qint64 c = s->createConversation({})->id;
        qint64 parent = 0;
        qint64 second = 0;
        for (int i = 0; i < 1000; ++i) {
            parent = s->addMessage(c, parent, text(i % 2 ? Role::Assistant : Role::User, QStringLiteral("turn %1").arg(i)))->id;
            second = i == 1 ? parent : second;
        }
        QElapsedTimer t;
        t.start();
        auto path1 = s->activePath(c);
        qInfo("activePath of a 1000-message conversation: %lld ms", static_cast<long long>(t.elapsed()));
        QCOMPARE(path1->size(), 1000);
        QCOMPARE(path1->last().content, QStringLiteral("turn 999"));
        VERIFY_OK(s->deleteBranch(second));
        QCOMPARE(s->activePath(c)->size(), 1);
        VERIFY_OK(s->deleteConversation(c));
        QCOMPARE(*s->purgeDeleted(), 1);
        test::RawSqlite raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM messages")).toInt(), 0);
    }

    void streamingIsSavedAndRecovered() {
        const QString path = newPath();
        qint64 answer = 0;
        QString expected;
        {
            auto s = openOrFail(path);
            QVERIFY(s);
            const qint64 c = s->createConversation({})->id;
            const qint64 q = s->addMessage(c, 0, text(Role::User, QStringLiteral("Count")))->id;
            auto m = s->beginStreaming(c, q, QStringLiteral("gemma"));
            QVERIFY(m.has_value());
            answer = m->id;
            for (int i = 0; i < 20; ++i) {
                const QString piece = QStringLiteral(" %1").arg(i);
                VERIFY_OK(s->appendToMessage(answer, piece, QStringLiteral("t")));
                expected += piece;
            }
            // A worker's second connection must not end the answer the first is writing.
            auto reader = openOrFail(path, [] { OpenOptions o; o.recoverStreaming = false; return o; }());
            QVERIFY(reader);
            QCOMPARE(reader->message(answer)->state, MessageState::Streaming);
            QCOMPARE(reader->message(answer)->content, expected);
            // The store goes away without finishMessage: the app died mid-answer.
        }
        auto s = openOrFail(path);
        QVERIFY(s);
        auto m = s->message(answer);
        QCOMPARE(m->state, MessageState::Interrupted);
        QCOMPARE(m->content, expected);
        QCOMPARE(m->thinking, QString(20, QLatin1Char('t')));
        QCOMPARE(s->appendToMessage(answer, QStringLiteral("late")).error().code, Errc::InvalidArgument);
        QCOMPARE(s->search(QStringLiteral("17 18"))->size(), 1);  // indexed once it stopped streaming
    }

    void finishStoresStatsAndReplaces() {
        auto s = openOrFail(newPath());
        QVERIFY(s);
        const qint64 c = s->createConversation({})->id;
        auto m = s->beginStreaming(c, 0, QStringLiteral("gemma-3-270m"));
        VERIFY_OK(s->updateStreamingMessage(m->id, QStringLiteral("draft one"), QStringLiteral("hmm")));
        VERIFY_OK(s->updateStreamingMessage(m->id, QStringLiteral("final text")));
        MessageStats stats;
        stats.ttftMs = 87.5;
        stats.tokensPerSecond = 41.25;
        stats.promptTokens = 12;
        stats.generatedTokens = 2;
        stats.device = QStringLiteral("llvmpipe");
        VERIFY_OK(s->finishMessage(m->id, MessageState::Error, stats, QStringLiteral("device lost")));
        auto back = s->message(m->id);
        QCOMPARE(back->content, QStringLiteral("final text"));
        QCOMPARE(back->thinking, QString());
        QCOMPARE(back->state, MessageState::Error);
        QCOMPARE(back->errorText, QStringLiteral("device lost"));
        QCOMPARE(back->stats, stats);
        QCOMPARE(back->model, QStringLiteral("gemma-3-270m"));
        QCOMPARE(s->finishMessage(m->id, MessageState::Complete).error().code, Errc::InvalidArgument);
        QCOMPARE(s->finishMessage(m->id, MessageState::Streaming).error().code, Errc::InvalidArgument);
    }

    void diskFullLosesNothing() {
        const QString path = newPath();
        QString saved;
        qint64 answer = 0;
        {
            auto s = openOrFail(path);
            QVERIFY(s);
            const qint64 c = s->createConversation({})->id;
            VERIFY_OK(s->addMessage(c, 0, text(Role::User, QStringLiteral("keep me"))));
            answer = s->beginStreaming(c, 0, {})->id;
        }
        const qint64 size = QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
        OpenOptions small;
        small.sizeLimitBytes = std::max<qint64>(size, 64 * 1024) + 64 * 1024;
        small.recoverStreaming = false;
        auto s = openOrFail(path, small);
        QVERIFY(s);
        const QString chunk(1000, QLatin1Char('x'));
        Error full;
        for (int i = 0; i < 1000; ++i) {
            auto r = s->appendToMessage(answer, chunk);
            if (!r) {
                full = r.error();
                break;
            }
            saved += chunk;
        }
        QCOMPARE(full.code, Errc::DiskFull);
        QVERIFY2(QString::fromStdString(full.detail).contains(QStringLiteral("full")), full.detail.c_str());
        QVERIFY(saved.size() > 10000);
        auto more = s->addMessage(s->message(answer)->conversationId, 0, text(Role::User, QString(100000, QLatin1Char('y'))));
        QCOMPARE(more.error().code, Errc::DiskFull);
        s.reset();
        auto reopened = openOrFail(path);
        QVERIFY(reopened);
        QCOMPARE(reopened->message(answer)->content, saved);  // every committed append is there
        QCOMPARE(reopened->allMessages(reopened->message(answer)->conversationId)->size(), 2);
        test::RawSqlite raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
    }

    void readOnlyOptionGivesClearErrors() {
        const QString path = newPath();
        {
            auto s = openOrFail(path);
            QVERIFY(s);
            Conversation f;
            f.title = QStringLiteral("kept");
            VERIFY_OK(s->createConversation(f));
        }
        OpenOptions ro;
        ro.readOnly = true;
        auto s = openOrFail(path, ro);
        QVERIFY(s);
        QCOMPARE(s->listConversations()->size(), 1);
        auto w = s->renameConversation(s->listConversations()->first().id, QStringLiteral("changed"));
        QVERIFY(!w.has_value());
        QCOMPARE(w.error().code, Errc::StorageError);
        QVERIFY2(QString::fromStdString(w.error().detail).contains(QStringLiteral("read-only")), w.error().detail.c_str());
        QCOMPARE(s->listConversations()->first().title, QStringLiteral("kept"));
        VERIFY_OK(s->exportJson());  // reading in a transaction needs no write lock
        QCOMPARE(s->search(QStringLiteral("kept"))->size(), 1);
    }

    void readOnlyFileGivesClearErrors() {
        const QString path = newPath();
        qint64 id = 0;
        {
            auto s = openOrFail(path);
            QVERIFY(s);
            Conversation f;
            f.title = QStringLiteral("kept");
            id = s->createConversation(f)->id;
        }
        // Root ignores permission bits; the immutable attribute stops root too.
        const bool root = ::geteuid() == 0;
        if (root) {
            if (QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("+i"), path}) != 0) {
                QSKIP("running as root and chattr +i is not available here: cannot make a read-only file");
            }
        } else {
            QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
        }
        auto restore = qScopeGuard([&] {
            if (root) {
                QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("-i"), path});
            }
            QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        });
        auto s = ConversationStore::open(path);
        if (s) {
            // Opened (SQLite fell back to reading): reads work, writes say why they cannot.
            QCOMPARE((*s)->conversation(id)->title, QStringLiteral("kept"));
            auto w = (*s)->renameConversation(id, QStringLiteral("changed"));
            QVERIFY(!w.has_value());
            QVERIFY2(QString::fromStdString(w.error().detail).contains(QStringLiteral("read-only")),
                     w.error().detail.c_str());
        } else {
            QCOMPARE(s.error().code, Errc::StorageError);
            QVERIFY2(QString::fromStdString(s.error().detail).contains(QStringLiteral("read-only")),
                     s.error().detail.c_str());
        }
    }

    void readerOnAnotherThreadWhileWriting() {
        const QString path = newPath();
        auto s = openOrFail(path);
        QVERIFY(s);
        const qint64 c = s->createConversation({})->id;
        std::atomic<bool> done{false};
        std::atomic<int> reads{0};
        std::atomic<int> errors{0};
        std::atomic<int> regressions{0};
        std::atomic<qsizetype> finalCount{-1};
        QThread* reader = QThread::create([&] {
            OpenOptions o;
            o.recoverStreaming = false;
            auto r = ConversationStore::open(path, o);
            if (!r) {
                ++errors;
                return;
            }
            qsizetype last = 0;
            bool more = true;
            while (more) {
                more = !done.load();  // one last read after the writer finished, even on a slow machine
                auto all = (*r)->allMessages(c);
                if (!all) {
                    ++errors;
                    continue;
                }
                regressions += all->size() < last ? 1 : 0;  // WAL snapshots only move forward
                last = all->size();
                ++reads;
                if (!more) {
                    finalCount = all->size();
                }
            }
        });
        reader->start();
        qint64 parent = 0;
        for (int i = 0; i < 300; ++i) {
            auto m = s->addMessage(c, parent, text(Role::User, QStringLiteral("message %1").arg(i)));
            QVERIFY(m.has_value());
            parent = m->id;
        }
        done = true;
        QVERIFY(reader->wait(10000));
        delete reader;
        QCOMPARE(errors.load(), 0);
        QCOMPARE(regressions.load(), 0);
        QVERIFY(reads.load() > 0);
        QCOMPARE(finalCount.load(), 300);  // the reader sees every committed write
        QCOMPARE(s->activePath(c)->size(), 300);
    }

    void listTenThousandConversations() {
        auto s = openOrFail(newPath());
        QVERIFY(s);
        QJsonArray conversations;
        for (int i = 0; i < 10000; ++i) {
            conversations.append(QJsonObject{{QStringLiteral("title"), QStringLiteral("conversation %1").arg(i)},
                                             {QStringLiteral("pinned"), i % 1000 == 0},
                                             {QStringLiteral("updated"), QDateTime::fromMSecsSinceEpoch(
                                                                             1700000000000 + i * 1000LL, Qt::UTC)
                                                                             .toString(Qt::ISODateWithMs)}});
        }
        const QJsonObject doc{{QStringLiteral("format"), QStringLiteral("lantern-conversations")},
                              {QStringLiteral("version"), 1},
                              {QStringLiteral("conversations"), conversations}};
        VERIFY_OK(s->importJson(QJsonDocument(doc).toJson()));
        QList<double> all;
        QList<double> page;
        Result<QList<Conversation>> list;
        Result<QList<Conversation>> first;
        ConversationFilter top;
        top.limit = 100;
        for (int rep = 0; rep < 5; ++rep) {
            QElapsedTimer t;
            t.start();
            list = s->listConversations();
            all.append(static_cast<double>(t.nsecsElapsed()) / 1e6);
            t.restart();
            first = s->listConversations(top);
            page.append(static_cast<double>(t.nsecsElapsed()) / 1e6);
        }
        std::sort(all.begin(), all.end());
        std::sort(page.begin(), page.end());
        qInfo("list 10000 conversations: %.1f ms all, %.2f ms first 100 (medians of 5)", all.at(2), page.at(2));
        QCOMPARE(list->size(), 10000);
        QCOMPARE(first->size(), 100);
        // Pinned first (every 1000th), then newest update first.
        QCOMPARE(first->at(0).title, QStringLiteral("conversation 9000"));
        QCOMPARE(first->at(9).title, QStringLiteral("conversation 0"));
        QCOMPARE(first->at(10).title, QStringLiteral("conversation 9999"));
    }

    void thousandStreamingAppends() {
        auto s = openOrFail(newPath());
        QVERIFY(s);
        const qint64 c = s->createConversation({})->id;
        const qint64 m = s->beginStreaming(c, 0, {})->id;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < 1000; ++i) {
            VERIFY_OK(s->appendToMessage(m, QStringLiteral(" word%1").arg(i)));
        }
        const double ms = static_cast<double>(t.nsecsElapsed()) / 1e6;
        qInfo("1000 streaming appends: %.1f ms in all, %.3f ms each", ms, ms / 1000);
        QVERIFY(s->message(m)->content.endsWith(QStringLiteral(" word999")));
    }
};

QTEST_MAIN(ConversationStoreTest)
#include "conversationstoretest.moc"
