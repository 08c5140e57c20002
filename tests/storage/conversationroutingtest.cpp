// Hybrid routing in storage (schema v4): a conversation's privacy and routing policy, and who answered each
// message. Real SQLite files: a file at schema v3 (as the previous release left it, data included) upgrades
// to private/local for every conversation and keeps everything else; the setters and the schema refuse
// spellings the router does not know; remote answers keep their endpoint and token counts.
#include "storage/conversationstore.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "tests/storage/rawsqlite.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

using namespace lantern;
using namespace lantern::storage;

namespace {

// A file exactly as schema v3 left it, with two conversations and an answer, written through SQL the way
// that release wrote them.
void makeV3File(const QString& path) {
    {
        auto db = Database::open(path, false);
        QVERIFY(db.has_value());
        std::vector<Migration> v3(schemaMigrations().begin(), schemaMigrations().begin() + 3);
        QCOMPARE(v3.back().version, 3);
        auto found = migrate(**db, v3);
        QVERIFY2(found.has_value(), found ? "" : found.error().detail.c_str());
    }
    test::RawSqlite raw(path);
    QVERIFY(raw.exec(QStringLiteral(
        "INSERT INTO conversations (id, title, created_ms, updated_ms, pinned, folder, system_prompt, "
        "source_language, target_language) VALUES (1, 'Tax return', 1700000000000, 1700000500000, 1, 'Home', "
        "'Be brief.', 'de', 'en')")));
    QVERIFY(
        raw.exec(QStringLiteral("INSERT INTO conversations (id, title, created_ms, updated_ms) "
                                "VALUES (2, 'Rust lifetimes', 1700000100000, 1700000200000)")));
    QVERIFY(
        raw.exec(QStringLiteral("INSERT INTO messages (id, conversation_id, role, content, created_ms) "
                                "VALUES (10, 1, 'user', 'My salary is 5000', 1700000000001)")));
    QVERIFY(raw.exec(QStringLiteral(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, created_ms, model, stats_json) "
        "VALUES (11, 1, 10, 'assistant', 'Noted.', 1700000000002, 'gemma.gguf', "
        "'{\"ttftMs\":12.5,\"tokensPerSecond\":40,\"promptTokens\":9,\"generatedTokens\":3,\"device\":"
        "\"cpu\"}')")));
    QVERIFY(raw.exec(QStringLiteral("UPDATE messages SET active_child_id = 11 WHERE id = 10")));
    QVERIFY(raw.exec(QStringLiteral("UPDATE conversations SET active_root_id = 10 WHERE id = 1")));
    QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), 3);
}

QString detail(const Error& e) {
    return QString::fromStdString(e.detail);
}

}  // namespace

class ConversationRoutingTest : public QObject {
    Q_OBJECT

private slots:
    void v3FileUpgradesToPrivateAndLocalKeepingData() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v3.sqlite3"));
        makeV3File(path);
        auto store = ConversationStore::open(path);
        QVERIFY2(store.has_value(), store ? "" : store.error().detail.c_str());
        ConversationStore& s = **store;

        auto list = s.listConversations();
        QVERIFY(list.has_value());
        QCOMPARE(list->size(), 2);
        for (const Conversation& c : *list) {
            QCOMPARE(c.privacy, QStringLiteral("private"));
            QCOMPARE(c.routing, QStringLiteral("local"));
        }
        auto c = s.conversation(1);
        QVERIFY(c.has_value());
        QCOMPARE(c->title, QStringLiteral("Tax return"));
        QVERIFY(c->pinned);
        QCOMPARE(c->folder, QStringLiteral("Home"));
        QCOMPARE(c->systemPrompt, QStringLiteral("Be brief."));
        QCOMPARE(c->sourceLanguage, QStringLiteral("de"));
        QCOMPARE(c->updated, QDateTime::fromMSecsSinceEpoch(1700000500000, Qt::UTC));
        auto path1 = s.activePath(1);
        QVERIFY(path1.has_value());
        QCOMPARE(path1->size(), 2);
        QCOMPARE(path1->at(1).content, QStringLiteral("Noted."));
        // A v3 answer's stats read back with the new fields empty: it was answered on this machine.
        QCOMPARE(path1->at(1).stats.generatedTokens, 3);
        QCOMPARE(path1->at(1).stats.device, QStringLiteral("cpu"));
        QVERIFY(path1->at(1).stats.endpoint.isEmpty());
        QCOMPARE(path1->at(1).stats.remotePromptTokens, 0);
        auto hits = s.search(QStringLiteral("salary"));
        QVERIFY(hits.has_value());
        QCOMPARE(hits->size(), 1);

        // Backed up as v3 had it; now at the latest version.
        const QStringList backups = QDir(dir.path()).entryList({QStringLiteral("v3.sqlite3.v3-*.bak")});
        QCOMPARE(backups.size(), 1);
        test::RawSqlite raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(),
                 ConversationStore::schemaVersion());
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM conversations WHERE privacy = 'private' AND "
                                           "routing = 'local'"))
                     .toInt(),
                 2);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
    }

    void newConversationIsPrivateAndLocal() {
        QTemporaryDir dir;
        auto store = ConversationStore::open(dir.filePath(QStringLiteral("a.sqlite3")));
        QVERIFY(store.has_value());
        Conversation fields;
        fields.title = QStringLiteral("new");
        auto c = (*store)->createConversation(fields);
        QVERIFY(c.has_value());
        auto back = (*store)->conversation(c->id);
        QVERIFY(back.has_value());
        QCOMPARE(back->privacy, QStringLiteral("private"));
        QCOMPARE(back->routing, QStringLiteral("local"));
    }

    void settersStoreAndRefuse() {
        QTemporaryDir dir;
        auto store = ConversationStore::open(dir.filePath(QStringLiteral("a.sqlite3")));
        QVERIFY(store.has_value());
        ConversationStore& s = **store;
        auto c = s.createConversation({});
        QVERIFY(c.has_value());

        QVERIFY(s.setConversationPrivacy(c->id, QStringLiteral("remote")).has_value());
        for (const QString& r : {QStringLiteral("auto"), QStringLiteral("auto:ep-1"),
                                 QStringLiteral("remote:ep-2"), QStringLiteral("local")}) {
            auto set = s.setConversationRouting(c->id, r);
            QVERIFY2(set.has_value(), set ? "" : set.error().detail.c_str());
            QCOMPARE(s.conversation(c->id)->routing, r);
        }
        QCOMPARE(s.conversation(c->id)->privacy, QStringLiteral("remote"));

        auto badPrivacy = s.setConversationPrivacy(c->id, QStringLiteral("public"));
        QVERIFY(!badPrivacy.has_value());
        QCOMPARE(badPrivacy.error().code, Errc::InvalidArgument);
        QVERIFY(detail(badPrivacy.error()).contains(QStringLiteral("\"public\"")));
        for (const QString& r : {QStringLiteral("remote:"), QStringLiteral("cloud"), QString()}) {
            auto bad = s.setConversationRouting(c->id, r);
            QVERIFY(!bad.has_value());
            QCOMPARE(bad.error().code, Errc::InvalidArgument);
        }
        QCOMPARE(s.conversation(c->id)->routing, QStringLiteral("local"));
        QVERIFY(!s.setConversationPrivacy(9999, QStringLiteral("remote")).has_value());

        Conversation badFields;
        badFields.privacy = QStringLiteral("everyone");
        QVERIFY(!s.createConversation(badFields).has_value());
    }

    // The schema itself refuses what the setters refuse (a second line of defence for raw SQL).
    void schemaChecksSpellings() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("a.sqlite3"));
        { QVERIFY(ConversationStore::open(path).has_value()); }
        test::RawSqlite raw(path);
        QVERIFY(raw.exec(
            QStringLiteral("INSERT INTO conversations (id, created_ms, updated_ms) VALUES (1, 0, 0)")));
        QVERIFY(!raw.exec(QStringLiteral("UPDATE conversations SET privacy = 'public' WHERE id = 1")));
        QVERIFY(!raw.exec(QStringLiteral("UPDATE conversations SET routing = 'remote:' WHERE id = 1")));
        QVERIFY(raw.exec(QStringLiteral("UPDATE conversations SET routing = 'remote:abc' WHERE id = 1")));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT privacy FROM conversations WHERE id = 1")).toString(),
                 QStringLiteral("private"));
    }

    // Privacy changes only deliberately: saving other fields from a struct keeps what is stored.
    void updateConversationLeavesPrivacyAlone() {
        QTemporaryDir dir;
        auto store = ConversationStore::open(dir.filePath(QStringLiteral("a.sqlite3")));
        QVERIFY(store.has_value());
        ConversationStore& s = **store;
        auto c = s.createConversation({});
        QVERIFY(c.has_value());
        Conversation edited = *c;  // read while private/local
        QVERIFY(s.setConversationPrivacy(c->id, QStringLiteral("remote")).has_value());
        QVERIFY(s.setConversationRouting(c->id, QStringLiteral("auto")).has_value());
        edited.title = QStringLiteral("renamed");
        QVERIFY(s.updateConversation(edited).has_value());
        auto back = s.conversation(c->id);
        QCOMPARE(back->title, QStringLiteral("renamed"));
        QCOMPARE(back->privacy, QStringLiteral("remote"));
        QCOMPARE(back->routing, QStringLiteral("auto"));
    }

    void remoteAnswerRecordsWhoAnsweredAndImportsArrivePrivate() {
        QTemporaryDir dir;
        auto store = ConversationStore::open(dir.filePath(QStringLiteral("a.sqlite3")));
        QVERIFY(store.has_value());
        ConversationStore& s = **store;
        Conversation fields;
        fields.privacy = QStringLiteral("remote");
        fields.routing = QStringLiteral("remote:ep-1");
        auto c = s.createConversation(fields);
        QVERIFY(c.has_value());
        Message question;
        question.content = QStringLiteral("Explain monads");
        auto q = s.addMessage(c->id, 0, question);
        QVERIFY(q.has_value());
        auto a = s.beginStreaming(c->id, q->id, QStringLiteral("qwen3-32b"));
        QVERIFY(a.has_value());
        QVERIFY(s.appendToMessage(a->id, QStringLiteral("A monad is")).has_value());
        MessageStats stats;
        stats.promptTokens = 12;
        stats.generatedTokens = 3;
        stats.endpoint = QStringLiteral("ep-1");
        stats.endpointName = QStringLiteral("Workstation");
        stats.endpointHost = QStringLiteral("10.0.0.5:8000");
        stats.remotePromptTokens = 12;
        stats.remoteCompletionTokens = 3;
        QVERIFY(s.finishMessage(a->id, MessageState::Complete, stats).has_value());
        auto back = s.message(a->id);
        QVERIFY(back.has_value());
        QCOMPARE(back->stats, stats);
        QCOMPARE(back->model, QStringLiteral("qwen3-32b"));

        // Export keeps who answered; an import arrives private and local (endpoint ids are this machine's).
        auto json = s.exportJson({c->id});
        QVERIFY(json.has_value());
        QVERIFY(json->contains("\"endpointHost\""));
        auto ids = s.importJson(*json);
        QVERIFY(ids.has_value());
        QCOMPARE(ids->size(), 1);
        auto imported = s.conversation(ids->first());
        QCOMPARE(imported->privacy, QStringLiteral("private"));
        QCOMPARE(imported->routing, QStringLiteral("local"));
        auto importedPath = s.activePath(ids->first());
        QCOMPARE(importedPath->last().stats, stats);
    }
};

QTEST_MAIN(ConversationRoutingTest)
#include "conversationroutingtest.moc"
