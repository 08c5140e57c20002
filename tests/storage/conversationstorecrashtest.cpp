// Nothing lost, for real: a child process (this executable, started with --writer <kind> <file>) writes
// to the store and reports on stdout each write once it is committed; the test kills it with SIGKILL at
// a random moment, 100 times on the same file, spread over four kinds of write:
//   stream   an answer grows word by word (one UPDATE per word)
//   delete   conversations are binned and purged (purge: one transaction over many rows)
//   import   a JSON document of several conversations is imported (one transaction)
//   branch   edit and regenerate add siblings, and the regenerated answer streams
// After each kill the file must pass PRAGMA integrity_check, and reopening it must show every message
// seen before the round and every message the child reported, with its text; the answer being streamed
// kept as Interrupted up to its last reported word (or the one after it, committed but not yet reported);
// a purged conversation gone with all its messages or there with all of them; imports all-or-nothing.
// The kill moments come from a seed printed at the start; LANTERN_CRASH_SEED=<n> replays them.
#include "storage/conversationstore.h"
#include "tests/storage/rawsqlite.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <cstdio>

using namespace lantern;
using namespace lantern::storage;

namespace {

const QStringList kKinds = {QStringLiteral("stream"), QStringLiteral("delete"), QStringLiteral("import"),
                            QStringLiteral("branch")};
constexpr int kImportConversations = 3;
constexpr int kImportMessages = 4;
constexpr int kPurgedMessages = 8;
constexpr int kRegeneratedWords = 5;

QString word(int i) { return QStringLiteral(" w%1").arg(i); }
QString words(int count) {
    QString s;
    for (int i = 0; i < count; ++i) {
        s += word(i);
    }
    return s;
}

// --- The child ------------------------------------------------------------------------------------

void report(const QString& line) {
    std::printf("%s\n", qPrintable(line));
    std::fflush(stdout);
}

int failed(const Error& e, int code) {
    std::fprintf(stderr, "%s\n", e.detail.c_str());
    return code;
}

Message text(Role role, const QString& content) {
    Message m;
    m.role = role;
    m.content = content;
    return m;
}

// "msg <id> <conversation> <text>": a message committed with this (space-free) text, state Complete.
void reportMessage(const Message& m) {
    report(QStringLiteral("msg %1 %2 %3").arg(m.id).arg(m.conversationId).arg(m.content));
}

// Streams count words into a Streaming message, reporting each: "append <id> <words so far>".
int streamWords(ConversationStore& s, qint64 id, int count) {
    for (int i = 0; i < count; ++i) {
        if (auto r = s.appendToMessage(id, word(i)); !r) {
            return failed(r.error(), 4);
        }
        report(QStringLiteral("append %1 %2").arg(id).arg(i + 1));
    }
    return 0;
}

int streamWriter(ConversationStore& s) {
    const qint64 c = s.createConversation({})->id;
    auto q = s.addMessage(c, 0, text(Role::User, QStringLiteral("Count")));
    if (!q) {
        return failed(q.error(), 3);
    }
    reportMessage(*q);
    auto answer = s.beginStreaming(c, q->id, QStringLiteral("writer"));
    if (!answer) {
        return failed(answer.error(), 3);
    }
    report(QStringLiteral("stream %1").arg(answer->id));
    report(QStringLiteral("ready"));
    return streamWords(s, answer->id, 1000000);
}

int deleteWriter(ConversationStore& s) {
    report(QStringLiteral("ready"));
    for (int round = 0;; ++round) {
        auto c = s.createConversation({});
        if (!c) {
            return failed(c.error(), 3);
        }
        qint64 parent = 0;
        for (int i = 0; i < kPurgedMessages; ++i) {
            auto m = s.addMessage(c->id, parent, text(i % 2 ? Role::Assistant : Role::User,
                                                      QStringLiteral("d%1-%2").arg(round).arg(i)));
            if (!m) {
                return failed(m.error(), 3);
            }
            reportMessage(*m);
            parent = m->id;
        }
        // SQLite hands out max(id) + 1, so purging the newest rows would give their ids to the next ones;
        // a conversation kept after it means every id stays one row's for the whole test.
        auto keeper = s.createConversation({});
        auto kept = keeper ? s.addMessage(keeper->id, 0, text(Role::User, QStringLiteral("keep%1").arg(round)))
                           : Result<Message>(std::unexpected(keeper.error()));
        if (!kept) {
            return failed(kept.error(), 3);
        }
        reportMessage(*kept);
        report(QStringLiteral("binning %1").arg(c->id));  // from here on, a purge may take it
        if (auto r = s.deleteConversation(c->id); !r) {
            return failed(r.error(), 4);
        }
        report(QStringLiteral("binned %1").arg(c->id));
        if (auto r = s.purgeDeleted(); !r) {
            return failed(r.error(), 4);
        }
        report(QStringLiteral("purged %1").arg(c->id));
    }
}

QString importedText(int conversation, int message) { return QStringLiteral("imp%1-%2").arg(conversation).arg(message); }

QByteArray importDocument() {
    QJsonArray conversations;
    for (int c = 0; c < kImportConversations; ++c) {
        QJsonArray messages;
        for (int m = 1; m <= kImportMessages; ++m) {
            messages.append(QJsonObject{{QStringLiteral("id"), m},
                                        {QStringLiteral("parent"), m > 1 ? QJsonValue(m - 1) : QJsonValue()},
                                        {QStringLiteral("activeChild"), m < kImportMessages ? QJsonValue(m + 1) : QJsonValue()},
                                        {QStringLiteral("role"), m % 2 ? QStringLiteral("user") : QStringLiteral("assistant")},
                                        {QStringLiteral("content"), importedText(c, m - 1)},
                                        {QStringLiteral("created"), QStringLiteral("2026-12-01T10:00:00.000Z")}});
        }
        conversations.append(QJsonObject{{QStringLiteral("title"), QStringLiteral("imp-%1").arg(c)},
                                         {QStringLiteral("activeRoot"), 1},
                                         {QStringLiteral("messages"), messages}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("format"), QStringLiteral("lantern-conversations")},
                                     {QStringLiteral("version"), 1},
                                     {QStringLiteral("conversations"), conversations}})
        .toJson(QJsonDocument::Compact);
}

int importWriter(ConversationStore& s) {
    const QByteArray doc = importDocument();
    report(QStringLiteral("ready"));
    for (int n = 1;; ++n) {
        if (auto r = s.importJson(doc); !r) {
            return failed(r.error(), 4);
        }
        report(QStringLiteral("imported %1").arg(n));
    }
}

int branchWriter(ConversationStore& s) {
    const qint64 c = s.createConversation({})->id;
    auto question = s.addMessage(c, 0, text(Role::User, QStringLiteral("ask")));
    if (!question) {
        return failed(question.error(), 3);
    }
    reportMessage(*question);
    auto answer = s.addMessage(c, question->id, text(Role::Assistant, QStringLiteral("first")));
    if (!answer) {
        return failed(answer.error(), 3);
    }
    reportMessage(*answer);
    report(QStringLiteral("ready"));
    qint64 latest = answer->id;
    for (int i = 0;; ++i) {
        auto edited = s.editMessage(question->id, QStringLiteral("edit%1").arg(i));
        if (!edited) {
            return failed(edited.error(), 4);
        }
        reportMessage(*edited);
        auto again = s.regenerate(latest, QStringLiteral("writer"));
        if (!again) {
            return failed(again.error(), 4);
        }
        report(QStringLiteral("stream %1").arg(again->id));
        if (int r = streamWords(s, again->id, kRegeneratedWords); r != 0) {
            return r;
        }
        if (auto r = s.finishMessage(again->id, MessageState::Complete); !r) {
            return failed(r.error(), 4);
        }
        report(QStringLiteral("done %1").arg(again->id));
        latest = again->id;
    }
}

int writer(const QString& kind, const QString& path) {
    auto store = ConversationStore::open(path);
    if (!store) {
        return failed(store.error(), 2);
    }
    ConversationStore& s = **store;
    if (kind == kKinds.at(0)) {
        return streamWriter(s);
    }
    if (kind == kKinds.at(1)) {
        return deleteWriter(s);
    }
    if (kind == kKinds.at(2)) {
        return importWriter(s);
    }
    return branchWriter(s);
}

// --- The parent's view of the file --------------------------------------------------------------

struct Stored {
    qint64 conversation = 0;
    QString content;
    QString state;
    bool operator==(const Stored&) const = default;
};

QHash<qint64, Stored> everyMessage(QSqlDatabase db) {
    QHash<qint64, Stored> out;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT id, conversation_id, content, state FROM messages"))) {
        qWarning("%s", qPrintable(q.lastError().text()));
    }
    while (q.next()) {
        out.insert(q.value(0).toLongLong(), {q.value(1).toLongLong(), q.value(2).toString(), q.value(3).toString()});
    }
    return out;
}

// What one child said before it died (complete lines only: the last one may have been cut).
struct Reported {
    QHash<qint64, Stored> messages;
    qint64 streaming = 0;  // the answer streaming when it died (0: none)
    int streamedWords = 0;
    QSet<qint64> binned, purged, binning;
    int imports = 0;
    QSet<qint64> conversations;
};

Reported parse(const QByteArray& out) {
    Reported r;
    QList<QByteArray> lines = out.split('\n');
    lines.removeLast();
    for (const QByteArray& line : lines) {
        const QList<QByteArray> f = line.split(' ');
        const QByteArray& what = f.first();
        const qint64 id = f.size() > 1 ? f.at(1).toLongLong() : 0;
        if (what == "msg") {
            r.messages.insert(id, {f.at(2).toLongLong(), QString::fromUtf8(f.at(3)), QStringLiteral("complete")});
            r.conversations.insert(f.at(2).toLongLong());
        } else if (what == "stream") {
            r.streaming = id;
            r.streamedWords = 0;
        } else if (what == "append") {
            r.streamedWords = f.at(2).toInt();
        } else if (what == "done") {
            r.streaming = 0;
        } else if (what == "binning") {
            r.binning.insert(id);
        } else if (what == "binned") {
            r.binned.insert(id);
        } else if (what == "purged") {
            r.purged.insert(id);
        } else if (what == "imported") {
            r.imports = static_cast<int>(id);
        }
    }
    return r;
}

int scalarInt(QSqlDatabase db, const QString& sql, const QVariantList& binds = {}) {
    QSqlQuery q(db);
    q.prepare(sql);
    for (const QVariant& v : binds) {
        q.addBindValue(v);
    }
    return q.exec() && q.next() ? q.value(0).toInt() : -1;
}

}  // namespace

class ConversationStoreCrashTest : public QObject {
    Q_OBJECT

private slots:
    void killedWritersLoseNothing() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("crash.sqlite3"));
        bool fixed = false;
        const quint32 seed = qEnvironmentVariableIntValue("LANTERN_CRASH_SEED", &fixed);
        const quint32 used = fixed ? seed : QRandomGenerator::global()->generate();
        qInfo("seed %u (LANTERN_CRASH_SEED=%u replays these kill moments)", used, used);
        QRandomGenerator rng(used);
        QElapsedTimer clock;
        clock.start();

        QHash<qint64, Stored> before;     // every message on disk after the previous round
        QSet<qint64> mayVanish;           // conversations a purge may have taken (binned)
        int imports = 0;                  // complete imports on disk
        QHash<QString, int> survived;
        QHash<QString, int> checked;      // reported writes checked, per kind
        for (int round = 0; round < 100; ++round) {
            const QString kind = kKinds.at(round % kKinds.size());
            QProcess child;
            child.setProgram(QCoreApplication::applicationFilePath());
            child.setArguments({QStringLiteral("--writer"), kind, path});
            child.start();
            QVERIFY(child.waitForStarted(10000));
            QByteArray out;
            while (!out.contains("ready\n")) {
                QVERIFY2(child.waitForReadyRead(10000), child.readAllStandardError().constData());
                out += child.readAllStandardOutput();
            }
            QThread::usleep(rng.bounded(30000u));  // 0-30 ms of writing, then the plug is pulled
            ::kill(static_cast<pid_t>(child.processId()), SIGKILL);
            QVERIFY(child.waitForFinished(10000));
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);
            out += child.readAllStandardOutput();
            const Reported said = parse(out);
            mayVanish.unite(said.binning);
            const QString where = QStringLiteral("round %1 (%2, seed %3): ").arg(round).arg(kind).arg(used);

            {
                test::RawSqlite raw(path);
                QCOMPARE(raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
            }
            auto store = ConversationStore::open(path);  // marks the killed answer Interrupted
            QVERIFY2(store.has_value(), store ? "" : store.error().detail.c_str());
            test::RawSqlite raw(path);
            QSqlDatabase db = QSqlDatabase::database(raw.connectionName());
            const QHash<qint64, Stored> now = everyMessage(db);

            // A conversation a purge may have taken is either whole or entirely gone.
            QSet<qint64> gone;
            for (qint64 c : std::as_const(mayVanish)) {
                if (scalarInt(db, QStringLiteral("SELECT count(*) FROM conversations WHERE id = ?"), {c}) == 0) {
                    gone.insert(c);
                    QVERIFY2(scalarInt(db, QStringLiteral("SELECT count(*) FROM messages WHERE conversation_id = ?"), {c}) == 0,
                             qPrintable(where + QStringLiteral("conversation %1 was half purged").arg(c)));
                }
            }
            for (qint64 c : said.purged) {
                QVERIFY2(gone.contains(c), qPrintable(where + QStringLiteral("purged conversation %1 came back").arg(c)));
            }
            for (qint64 c : said.binned) {
                QVERIFY2(gone.contains(c) || scalarInt(db, QStringLiteral("SELECT deleted_ms IS NOT NULL FROM conversations"
                                                                          " WHERE id = ?"),
                                                       {c}) == 1,
                         qPrintable(where + QStringLiteral("binned conversation %1 is not in the bin").arg(c)));
            }
            // Everything seen before and everything reported is still there, unchanged.
            auto expectPresent = [&](const QHash<qint64, Stored>& expected) -> bool {
                for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
                    if (gone.contains(it->conversation)) {
                        continue;
                    }
                    if (now.value(it.key()) != *it) {
                        qWarning("%s message %lld: expected \"%s\" (%s), found \"%s\" (%s)", qPrintable(where), it.key(),
                                 qPrintable(it->content), qPrintable(it->state), qPrintable(now.value(it.key()).content),
                                 qPrintable(now.value(it.key()).state));
                        return false;
                    }
                }
                return true;
            };
            QVERIFY(expectPresent(before));
            QVERIFY(expectPresent(said.messages));
            checked[kind] += static_cast<int>(said.messages.size() + said.purged.size() + said.imports + said.streamedWords);
            // The answer being streamed: Interrupted, with every reported word (and perhaps one more).
            if (said.streaming > 0) {
                const Stored s = now.value(said.streaming);
                // (or Complete with every word: finished just before the kill, not yet reported)
                const bool finished = s.state == QStringLiteral("complete") && kind == kKinds.at(3) &&
                                      said.streamedWords == kRegeneratedWords;
                QVERIFY2(s.state == QStringLiteral("interrupted") || finished,
                         qPrintable(where + QStringLiteral("the streamed answer is %1").arg(s.state)));
                const bool exact = s.content == words(said.streamedWords);
                const bool oneMore = s.content == words(said.streamedWords + 1);
                QVERIFY2(exact || oneMore, qPrintable(where + QStringLiteral("%1 words reported, stored text ends with \"%2\"")
                                                                  .arg(said.streamedWords)
                                                                  .arg(s.content.right(40))));
            }
            QCOMPARE(scalarInt(db, QStringLiteral("SELECT count(*) FROM messages WHERE state = 'streaming'")), 0);
            // Imports: every conversation of the document as many times, each whole; at least as many
            // imports as reported, at most one more (committed, not yet reported).
            const int importsBefore = imports;
            for (int c = 0; c < kImportConversations; ++c) {
                const int copies = scalarInt(db, QStringLiteral("SELECT count(*) FROM conversations WHERE title = ?"),
                                             {QStringLiteral("imp-%1").arg(c)});
                QVERIFY2(copies == importsBefore + said.imports || copies == importsBefore + said.imports + 1,
                         qPrintable(where + QStringLiteral("imp-%1 is there %2 times after %3 + %4 reported imports")
                                                .arg(c)
                                                .arg(copies)
                                                .arg(importsBefore)
                                                .arg(said.imports)));
                const int whole = scalarInt(
                    db, QStringLiteral("SELECT count(*) FROM conversations c WHERE c.title = ? AND (SELECT count(*) FROM"
                                       " messages m WHERE m.conversation_id = c.id AND m.content GLOB ?) = ? AND (SELECT"
                                       " count(*) FROM messages m WHERE m.conversation_id = c.id) = ?"),
                    {QStringLiteral("imp-%1").arg(c), QStringLiteral("imp%1-*").arg(c), kImportMessages, kImportMessages});
                QCOMPARE(whole, copies);
                QVERIFY2(c == 0 || copies == imports, qPrintable(where + QStringLiteral("an import was cut in half")));
                imports = copies;
            }
            // Branches: every conversation the child wrote still has a walkable active path.
            for (qint64 c : said.conversations) {
                if (gone.contains(c)) {
                    continue;
                }
                auto walk = (*store)->activePath(c);
                QVERIFY2(walk.has_value(), qPrintable(where + QString::fromStdString(walk ? "" : walk.error().detail)));
                for (qsizetype i = 1; i < walk->size(); ++i) {
                    QCOMPARE(walk->at(i).parentId, walk->at(i - 1).id);
                }
            }
            survived[kind] += 1;
            before = now;
            for (qint64 c : std::as_const(gone)) {
                mayVanish.remove(c);
            }
        }
        for (const QString& kind : kKinds) {
            qInfo("%s: %d kills survived, %d reported writes checked", qPrintable(kind), survived.value(kind),
                  checked.value(kind));
        }
        qInfo("100 kills in %lld ms, %lld messages on disk at the end", static_cast<long long>(clock.elapsed()),
              static_cast<long long>(before.size()));
    }
};

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);  // the SQL driver plugin is found through the application
    if (argc == 4 && qstrcmp(argv[1], "--writer") == 0) {
        return writer(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    }
    ConversationStoreCrashTest test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "conversationstorecrashtest.moc"
