// Export and import: the documented JSON format, an exact round trip through a fresh database,
// malformed files rejected with nothing changed, an import that fails half-way leaving nothing, and
// the Markdown of the active branch.
#include "storage/conversationstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace lantern;
using namespace lantern::storage;

namespace {

#define VERIFY_OK(expr)                                                            \
    do {                                                                           \
        const auto r_ = (expr);                                                    \
        QVERIFY2(r_.has_value(), r_.has_value() ? "" : r_.error().detail.c_str()); \
    } while (false)

Message text(Role role, const QString& content) {
    Message m;
    m.role = role;
    m.content = content;
    return m;
}

QJsonArray conversationsOf(const QByteArray& json) {
    return QJsonDocument::fromJson(json).object().value(QStringLiteral("conversations")).toArray();
}

QJsonArray everything(ConversationStore& s) {
    auto json = s.exportJson();
    return json ? conversationsOf(*json) : QJsonArray{QStringLiteral("export failed")};
}

}  // namespace

class ConversationExchangeTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_files = 0;

    std::unique_ptr<ConversationStore> fresh(OpenOptions options = {}) {
        auto s = ConversationStore::open(m_dir.filePath(QStringLiteral("x%1.sqlite3").arg(++m_files)), options);
        return s ? std::move(*s) : nullptr;
    }

    // A conversation using every field: branches, thinking, stats, every final state, CJK text.
    static qint64 fillRich(ConversationStore& s) {
        Conversation f;
        f.title = QStringLiteral("Traduction « Tokyo » 東京");
        f.pinned = true;
        f.folder = QStringLiteral("Travel");
        f.modelFile = QStringLiteral("gemma-3-270m-q4_k_m.gguf");
        f.settings = QJsonObject{{QStringLiteral("temperature"), 0.8}, {QStringLiteral("seed"), 7}};
        f.systemPrompt = QStringLiteral("Be brief.\nAlways.");
        f.sourceLanguage = QStringLiteral("fr");
        f.targetLanguage = QStringLiteral("ja");
        const qint64 c = s.createConversation(f)->id;
        const Message sys = *s.addMessage(c, 0, text(Role::System, QStringLiteral("system text")));
        const Message u1 = *s.addMessage(c, sys.id, text(Role::User, QStringLiteral("Bonjour, \"Tokyo\" ?")));
        Message answer = text(Role::Assistant, QStringLiteral("東京です。"));
        answer.thinking = QStringLiteral("Translate the city name.");
        answer.model = QStringLiteral("gemma-3-270m");
        answer.stats.ttftMs = 95.5;
        answer.stats.tokensPerSecond = 28.75;
        answer.stats.promptTokens = 21;
        answer.stats.generatedTokens = 4;
        answer.stats.device = QStringLiteral("llvmpipe");
        const Message a1 = *s.addMessage(c, u1.id, answer);
        auto a2 = s.regenerate(a1.id, QStringLiteral("gemma-3-270m"));
        s.appendToMessage(a2->id, QStringLiteral("partial"));
        s.finishMessage(a2->id, MessageState::Error, {}, QStringLiteral("device lost"));
        auto a3 = s.regenerate(a1.id, QStringLiteral("gemma-3-270m"));
        s.finishMessage(a3->id, MessageState::Cancelled);
        s.switchBranch(a1.id);  // active: sys, u1, a1 (a2, a3 inactive siblings)
        s.addMessage(c, a1.id, text(Role::Tool, QStringLiteral("{\"tool\": true}")));
        return c;
    }

private slots:
    void documentedFormat() {
        auto s = fresh();
        QVERIFY(s);
        fillRich(*s);
        auto json = s->exportJson();
        VERIFY_OK(json);
        const QJsonObject root = QJsonDocument::fromJson(*json).object();
        QCOMPARE(root.value(QStringLiteral("format")).toString(), QStringLiteral("lantern-conversations"));
        QCOMPARE(root.value(QStringLiteral("version")).toInt(), 1);
        const QJsonObject c = root.value(QStringLiteral("conversations")).toArray().first().toObject();
        QCOMPARE(c.value(QStringLiteral("targetLanguage")).toString(), QStringLiteral("ja"));
        const QJsonArray messages = c.value(QStringLiteral("messages")).toArray();
        QCOMPARE(messages.size(), 6);
        QSet<int> seen;
        for (const QJsonValue& v : messages) {
            const QJsonObject m = v.toObject();
            QCOMPARE(m.value(QStringLiteral("id")).toInt(), seen.size() + 1);  // numbered in the file
            const QJsonValue parent = m.value(QStringLiteral("parent"));
            QVERIFY(parent.isNull() || seen.contains(parent.toInt()));  // parents first
            seen.insert(m.value(QStringLiteral("id")).toInt());
        }
        QCOMPARE(c.value(QStringLiteral("activeRoot")).toInt(), 1);
        QCOMPARE(messages.at(3).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("error"));
        QCOMPARE(messages.at(3).toObject().value(QStringLiteral("error")).toString(), QStringLiteral("device lost"));
        QCOMPARE(messages.at(2).toObject().value(QStringLiteral("stats")).toObject().value(QStringLiteral("tokensPerSecond")).toDouble(),
                 28.75);
    }

    void roundTripIsExact() {
        auto a = fresh();
        QVERIFY(a);
        const qint64 rich = fillRich(*a);
        Conversation empty;
        empty.title = QStringLiteral("no messages yet");
        empty.archived = true;
        VERIFY_OK(a->createConversation(empty));
        auto first = a->exportJson();
        VERIFY_OK(first);

        auto b = fresh();
        QVERIFY(b);
        auto ids = b->importJson(*first);
        VERIFY_OK(ids);
        QCOMPARE(ids->size(), 2);
        auto second = b->exportJson(*ids);
        VERIFY_OK(second);
        QCOMPARE(conversationsOf(*second), conversationsOf(*first));

        // Same tree, same active branch, field by field.
        auto pathA = a->activePath(rich);
        auto pathB = b->activePath(ids->first());
        QCOMPARE(pathA->size(), 4);
        QCOMPARE(pathB->size(), pathA->size());
        for (qsizetype i = 0; i < pathA->size(); ++i) {
            Message x = pathA->at(i);
            Message y = pathB->at(i);
            x.id = y.id = x.conversationId = y.conversationId = x.parentId = y.parentId = 0;
            QCOMPARE(y, x);
        }
        Conversation ca = *a->conversation(rich);
        Conversation cb = *b->conversation(ids->first());
        ca.id = cb.id = 0;
        QCOMPARE(cb, ca);
    }

    void importNeverTouchesExisting() {
        auto s = fresh();
        QVERIFY(s);
        fillRich(*s);
        const QJsonArray before = everything(*s);
        auto json = s->exportJson();
        auto ids = s->importJson(*json);  // the same file again: added alongside, nothing replaced
        VERIFY_OK(ids);
        const QJsonArray after = everything(*s);
        QCOMPARE(after.size(), before.size() * 2);
        for (qsizetype i = 0; i < before.size(); ++i) {
            QCOMPARE(after.at(i), before.at(i));
            QCOMPARE(after.at(i + before.size()), before.at(i));
        }
    }

    void malformedFilesChangeNothing_data() {
        QTest::addColumn<QByteArray>("json");
        const QByteArray good = R"({"format":"lantern-conversations","version":1,"conversations":[{"title":"t",
            "messages":[{"id":1,"role":"user","created":"2026-01-01T00:00:00.000Z"}]}]})";
        QTest::newRow("not json") << QByteArray("{\"format\": ");
        QTest::newRow("array") << QByteArray("[]");
        QTest::newRow("other format") << QByteArray(good).replace("lantern-conversations", "chatgpt");
        QTest::newRow("newer version") << QByteArray(good).replace("\"version\":1", "\"version\":2");
        QTest::newRow("no conversations") << QByteArray(R"({"format":"lantern-conversations","version":1})");
        QTest::newRow("bad role") << QByteArray(good).replace("\"user\"", "\"bot\"");
        QTest::newRow("bad state") << QByteArray(good).replace("\"role\":", "\"state\":\"done\",\"role\":");
        QTest::newRow("bad time") << QByteArray(good).replace("2026-01-01T00:00:00.000Z", "yesterday");
        QTest::newRow("no id") << QByteArray(good).replace("\"id\":1,", "");
        QTest::newRow("title not text") << QByteArray(good).replace("\"title\":\"t\"", "\"title\":5");
        // A valid first conversation, then a broken second one: neither may be imported.
        QTest::newRow("second broken") << QByteArray(good).replace(
            "}]}]}", R"(}]},{"messages":[{"id":1,"role":"user","created":"2026-01-01T00:00:00Z"},)"
                     R"({"id":2,"parent":3,"role":"user","created":"2026-01-01T00:00:00Z"}]}]})");
        QTest::newRow("duplicate id") << QByteArray(good).replace(
            "}]}]}", R"(},{"id":1,"role":"user","created":"2026-01-01T00:00:00Z"}]}]})");
        QTest::newRow("active child not a child") << QByteArray(good).replace(
            "}]}]}", R"(,"activeChild":2},{"id":2,"role":"user","created":"2026-01-01T00:00:00Z"}]}]})");
        QTest::newRow("active root not a root") << QByteArray(good).replace(
            "\"title\":\"t\"", "\"title\":\"t\",\"activeRoot\":9");
    }

    void malformedFilesChangeNothing() {
        QFETCH(QByteArray, json);
        auto s = fresh();
        QVERIFY(s);
        fillRich(*s);
        const QJsonArray before = everything(*s);
        auto r = s->importJson(json);
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, Errc::InvalidArgument);
        QVERIFY2(QString::fromStdString(r.error().detail).contains(QStringLiteral("nothing was imported")),
                 r.error().detail.c_str());
        QCOMPARE(everything(*s), before);
    }

    void importFailingHalfWayLeavesNothing() {
        auto source = fresh();
        QVERIFY(source);
        for (int i = 0; i < 20; ++i) {
            const qint64 c = source->createConversation({})->id;
            source->addMessage(c, 0, text(Role::User, QString(20000, QChar(u'a' + i))));
        }
        auto json = source->exportJson();
        OpenOptions small;
        small.sizeLimitBytes = 200 * 1024;  // room for a few of the 20 conversations, not all
        auto s = fresh(small);
        QVERIFY(s);
        fillRich(*s);
        const QJsonArray before = everything(*s);
        auto r = s->importJson(*json);
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, Errc::DiskFull);
        QCOMPARE(everything(*s), before);
    }

    void streamingBecomesInterruptedOnImport() {
        const QByteArray json = R"({"format":"lantern-conversations","version":1,"conversations":[{"activeRoot":1,
            "messages":[{"id":1,"role":"assistant","state":"streaming","content":"half","created":"2026-01-01T00:00:00Z"}]}]})";
        auto s = fresh();
        QVERIFY(s);
        auto ids = s->importJson(json);
        VERIFY_OK(ids);
        auto path = s->activePath(ids->first());
        QCOMPARE(path->size(), 1);
        QCOMPARE(path->first().state, MessageState::Interrupted);
        QCOMPARE(path->first().content, QStringLiteral("half"));
        QCOMPARE(path->first().created, QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC));
    }

    void markdownOfActiveBranch() {
        auto s = fresh();
        QVERIFY(s);
        const qint64 c = fillRich(*s);
        auto md = s->exportMarkdown(c);
        VERIFY_OK(md);
        QVERIFY(md->startsWith(QStringLiteral("# Traduction « Tokyo » 東京\n")));
        QVERIFY(md->contains(QStringLiteral("- Languages: fr → ja")));
        QVERIFY(md->contains(QStringLiteral("## System prompt\n\nBe brief.\nAlways.")));
        const qsizetype user = md->indexOf(QStringLiteral("## User\n\nBonjour, \"Tokyo\" ?"));
        const qsizetype assistant = md->indexOf(QStringLiteral("## Assistant\n\n<details><summary>Thinking</summary>"
                                                               "\n\nTranslate the city name.\n\n</details>\n\n東京です。"));
        QVERIFY(user > 0);
        QVERIFY(assistant > user);
        QVERIFY(md->contains(QStringLiteral("## Tool")));
        QVERIFY(!md->contains(QStringLiteral("partial")));  // inactive branches are not in the Markdown
        QCOMPARE(s->exportMarkdown(c + 99).error().code, Errc::InvalidArgument);
    }
};

QTEST_MAIN(ConversationExchangeTest)
#include "conversationexchangetest.moc"
