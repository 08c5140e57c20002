// Search over a real database: European and CJK text, short words, several words, snippets and
// their highlights, ranking, hidden and streaming messages, hostile queries, and the time of a
// search over 10,000 messages.
#include "storage/conversationstore.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <tuple>

using namespace lantern;
using namespace lantern::storage;

namespace {

Message text(Role role, const QString& content) {
    Message m;
    m.role = role;
    m.content = content;
    return m;
}

// Each highlight range of the snippet, as text.
QStringList highlighted(const SearchHit& h) {
    QStringList out;
    for (const auto& [at, length] : h.highlights) {
        out.append(h.snippet.mid(at, length));
    }
    return out;
}

}  // namespace

class ConversationSearchTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<ConversationStore> m_store;
    qint64 m_english = 0;
    qint64 m_cjk = 0;
    QHash<QString, qint64> m_ids;  // message content key -> id

    qint64 add(qint64 conversation, const QString& key, const QString& content) {
        auto m = m_store->addMessage(conversation, 0, text(Role::User, content));
        if (!m) {
            qFatal("%s", m.error().detail.c_str());
        }
        m_ids.insert(key, m->id);
        return m->id;
    }

private slots:
    void initTestCase() {
        auto s = ConversationStore::open(m_dir.filePath(QStringLiteral("search.sqlite3")));
        QVERIFY2(s.has_value(), s ? "" : s.error().detail.c_str());
        m_store = std::move(*s);
        Conversation f;
        f.title = QStringLiteral("Weekend baking plans");
        m_english = m_store->createConversation(f)->id;
        add(m_english, QStringLiteral("fox"), QStringLiteral("The quick brown fox jumps over the lazy dog near the river."));
        add(m_english, QStringLiteral("once"), QStringLiteral("Bread needs flour, water and salt; knead it well."));
        add(m_english, QStringLiteral("thrice"), QStringLiteral("Flour, more flour, then flour again for dusting."));
        add(m_english, QStringLiteral("html"), QStringLiteral("Use <script>alert(1)</script> & escape it."));
        add(m_english, QStringLiteral("umlaut"), QStringLiteral("Grüße aus München, die Brötchen sind fertig."));
        f.title = QStringLiteral("多言語のメモ");
        m_cjk = m_store->createConversation(f)->id;
        add(m_cjk, QStringLiteral("ja"), QStringLiteral("明日の東京の天気は晴れです。"));
        add(m_cjk, QStringLiteral("zh"), QStringLiteral("我们明天去北京大学参观图书馆。"));
        add(m_cjk, QStringLiteral("ko"), QStringLiteral("오늘 서울의 날씨는 맑습니다."));
    }

    void findsEnglishWordWithSnippet() {
        auto hits = m_store->search(QStringLiteral("LAZY"));
        QVERIFY(hits.has_value());
        QCOMPARE(hits->size(), 1);
        const SearchHit& h = hits->first();
        QCOMPARE(h.messageId, m_ids.value(QStringLiteral("fox")));
        QCOMPARE(h.conversationId, m_english);
        QCOMPARE(h.conversationTitle, QStringLiteral("Weekend baking plans"));
        QVERIFY(h.snippet.contains(QStringLiteral("lazy dog")));
        QCOMPARE(highlighted(h), QStringList{QStringLiteral("lazy")});
        QVERIFY(h.snippetHtml.contains(QStringLiteral("<b>lazy</b>")));
    }

    void allWordsMustOccur() {
        auto both = m_store->search(QStringLiteral("flour salt"));
        QCOMPARE(both->size(), 1);
        QCOMPARE(both->first().messageId, m_ids.value(QStringLiteral("once")));
        QCOMPARE(m_store->search(QStringLiteral("flour tiger"))->size(), 0);
    }

    void newestMatchesComeFirst() {
        // Hits are ordered newest first (see conversationsearch.cpp for why not bm25).
        auto hits = m_store->search(QStringLiteral("flour"));
        QCOMPARE(hits->size(), 2);
        QCOMPARE(hits->at(0).messageId, m_ids.value(QStringLiteral("thrice")));
        QCOMPARE(hits->at(1).messageId, m_ids.value(QStringLiteral("once")));
        const qint64 newest = add(m_english, QStringLiteral("rye"), QStringLiteral("Rye flour makes a darker loaf."));
        hits = m_store->search(QStringLiteral("flour"));
        QCOMPARE(hits->size(), 3);
        QCOMPARE(hits->at(0).messageId, newest);
        QCOMPARE(hits->at(1).messageId, m_ids.value(QStringLiteral("thrice")));
        // The limit keeps the newest.
        hits = m_store->search(QStringLiteral("flour"), 2);
        QCOMPARE(hits->size(), 2);
        QCOMPARE(hits->at(0).messageId, newest);
    }

    void snippetsArePlainText() {
        add(m_english, QStringLiteral("md"),
            QStringLiteral("## Sourdough\n\n- Feed the **starter** with `rye` flakes, see [the guide](https://example.org/g).\n> Keep it *warm*."));
        add(m_english, QStringLiteral("md2"), QStringLiteral("Store it in a _sourjar_ named my_sourjar_2."));
        auto hits = m_store->search(QStringLiteral("starter"));
        QCOMPARE(hits->size(), 1);
        const QString snippet = hits->first().snippet;
        for (const QString& syntax : {QStringLiteral("**"), QStringLiteral("`"), QStringLiteral("##"),
                                      QStringLiteral("](http"), QStringLiteral("\n"), QStringLiteral("> ")})
            QVERIFY2(!snippet.contains(syntax), qPrintable(snippet));
        QVERIFY2(snippet.contains(QStringLiteral("Feed the starter with rye flakes, see the guide.")), qPrintable(snippet));
        QVERIFY2(snippet.contains(QStringLiteral("Keep it warm")), qPrintable(snippet));
        auto underscored = m_store->search(QStringLiteral("sourjar"));
        QCOMPARE(underscored->size(), 1);
        QCOMPARE(underscored->first().snippet, QStringLiteral("Store it in a sourjar named my_sourjar_2."));
        QCOMPARE(highlighted(hits->first()), QStringList{QStringLiteral("starter")});
    }

    void findsCjkSubstrings() {
        const QList<std::pair<QString, QString>> cases = {
            {QStringLiteral("東京の天気"), QStringLiteral("ja")},
            {QStringLiteral("北京大学"), QStringLiteral("zh")},
            {QStringLiteral("날씨는"), QStringLiteral("ko")},
        };
        for (const auto& [query, key] : cases) {
            auto hits = m_store->search(query);
            QVERIFY(hits.has_value());
            QCOMPARE(hits->size(), 1);
            QCOMPARE(hits->first().messageId, m_ids.value(key));
            QCOMPARE(highlighted(hits->first()).join(QString()), query);
        }
        // Two characters: too short for trigrams, found by the scan instead.
        auto shortWord = m_store->search(QStringLiteral("天気"));
        QCOMPARE(shortWord->size(), 1);
        QCOMPARE(shortWord->first().messageId, m_ids.value(QStringLiteral("ja")));
        QCOMPARE(highlighted(shortWord->first()), QStringList{QStringLiteral("天気")});
        auto umlaut = m_store->search(QStringLiteral("Brötchen"));
        QCOMPARE(umlaut->size(), 1);
        QCOMPARE(umlaut->first().messageId, m_ids.value(QStringLiteral("umlaut")));
    }

    void titleHitsComeFirst() {
        auto hits = m_store->search(QStringLiteral("baking"));
        QCOMPARE(hits->size(), 1);
        QCOMPARE(hits->first().messageId, 0);
        QCOMPARE(hits->first().conversationId, m_english);
        QCOMPARE(highlighted(hits->first()), QStringList{QStringLiteral("baking")});
        auto cjkTitle = m_store->search(QStringLiteral("多言語"));
        QCOMPARE(cjkTitle->size(), 1);
        QCOMPARE(cjkTitle->first().conversationId, m_cjk);
    }

    // Titles are made from the first message: that message and the title hit would show the same line, so
    // the message hit (which jumps to the message) takes the title hit's place.
    void aMessageRepeatingItsTitleIsListedOnce() {
        for (const auto& [title, first, second, word] :
             {std::tuple{QStringLiteral("Explain how a volcano erupts"),
                         QStringLiteral("Explain how a volcano erupts, step by step."),
                         QStringLiteral("A volcano erupts when magma pressure exceeds the rock's strength."),
                         QStringLiteral("volcano")},  // FTS5 path
              std::tuple{QStringLiteral("Qi gong for beginners, with a plan for the first four weeks of…"),
                         QStringLiteral("Qi gong for beginners, with a plan for the first four weeks of practice?"),
                         QStringLiteral("Qi gong starts with standing still."), QStringLiteral("qi")}}) {  // scan path
            Conversation c;
            c.title = title;
            const qint64 id = m_store->createConversation(c)->id;
            const qint64 question = add(id, title + QStringLiteral(" 1"), first);
            const qint64 answer = add(id, title + QStringLiteral(" 2"), second);
            auto hits = m_store->search(word);
            QVERIFY(hits.has_value());
            QList<qint64> inConversation;
            for (const SearchHit& h : *hits)
                if (h.conversationId == id)
                    inConversation.append(h.messageId);
            QCOMPARE(inConversation, (QList<qint64>{question, answer}));  // in the title's place, then the answer
            QVERIFY(m_store->deleteConversation(id).has_value());
            QVERIFY(m_store->purgeDeleted().has_value());
        }
    }

    void snippetHtmlIsEscaped() {
        auto hits = m_store->search(QStringLiteral("script"));
        QVERIFY(!hits->isEmpty());
        const SearchHit& h = hits->first();
        QVERIFY(h.snippet.contains(QStringLiteral("<script>")));
        QVERIFY(!h.snippetHtml.contains(QStringLiteral("<script>")));
        QVERIFY(h.snippetHtml.contains(QStringLiteral("&lt;<b>script</b>&gt;")));
    }

    void hostileQueriesAreJustText() {
        for (const QString& q : {QStringLiteral("\"unbalanced"), QStringLiteral("fox OR NOT dog*"),
                                 QStringLiteral("'; DROP TABLE messages; --"), QStringLiteral("a%_\\"),
                                 QStringLiteral("   "), QStringLiteral("NEAR(fox dog)")}) {
            auto hits = m_store->search(q);
            QVERIFY2(hits.has_value(), hits ? "" : hits.error().detail.c_str());
        }
        QCOMPARE(m_store->search(QStringLiteral("fox OR NOT"))->size(), 0);  // words, not operators
        QCOMPARE(m_store->search(QStringLiteral("lazy"))->size(), 1);         // nothing was dropped
    }

    void streamingIsFoundOnceFinished() {
        auto m = m_store->beginStreaming(m_english, 0, {});
        QVERIFY(m.has_value());
        QVERIFY(m_store->appendToMessage(m->id, QStringLiteral("zanzibar archipelago")).has_value());
        QCOMPARE(m_store->search(QStringLiteral("zanzibar"))->size(), 0);
        QVERIFY(m_store->finishMessage(m->id, MessageState::Cancelled).has_value());
        QCOMPARE(m_store->search(QStringLiteral("zanzibar"))->size(), 1);
        QVERIFY(m_store->deleteBranch(m->id).has_value());
        QCOMPARE(m_store->search(QStringLiteral("zanzibar"))->size(), 0);
    }

    void renamedTitleIsSearchable() {
        Conversation f;
        f.title = QStringLiteral("Untitled");
        const qint64 id = m_store->createConversation(f)->id;
        QVERIFY(m_store->renameConversation(id, QStringLiteral("Trip to Kyoto")).has_value());
        auto hits = m_store->search(QStringLiteral("kyoto"));
        QCOMPARE(hits->size(), 1);
        QCOMPARE(hits->first().conversationId, id);
        QCOMPARE(m_store->search(QStringLiteral("Untitled"))->size(), 0);
    }

    void searchOverTenThousandMessages() {
        QTemporaryDir dir;
        auto s = ConversationStore::open(dir.filePath(QStringLiteral("big.sqlite3")));
        QVERIFY(s.has_value());
        ConversationStore& store = **s;
        static const QStringList vocabulary = QString::fromLatin1(
            "apple river stone cloud bread window garden music paper light forest engine silver market winter "
            "letter bridge candle doctor island planet pencil rocket saddle temple violin wallet yellow zipper")
                                                  .split(QLatin1Char(' '));
        QRandomGenerator rng(42);
        // Built as an export document and imported in one transaction: quicker than 10,000 calls.
        int rareCount = 0;
        QJsonArray conversations;
        for (int c = 0; c < 200; ++c) {
            QJsonArray messages;
            for (int i = 0; i < 50; ++i) {
                QStringList words;
                for (int w = 0; w < 40; ++w) {
                    words.append(vocabulary.at(rng.bounded(static_cast<int>(vocabulary.size()))));
                }
                if (rng.bounded(100) == 0) {
                    words.append(QStringLiteral("quasar"));
                    ++rareCount;
                }
                messages.append(QJsonObject{{QStringLiteral("id"), i + 1},
                                            {QStringLiteral("parent"), i == 0 ? QJsonValue() : QJsonValue(i)},
                                            {QStringLiteral("role"), i % 2 ? QStringLiteral("assistant") : QStringLiteral("user")},
                                            {QStringLiteral("created"), QStringLiteral("2026-01-01T00:00:00.000Z")},
                                            {QStringLiteral("content"), words.join(QLatin1Char(' '))}});
            }
            conversations.append(QJsonObject{{QStringLiteral("title"), QStringLiteral("c%1").arg(c)},
                                             {QStringLiteral("messages"), messages}});
        }
        const QJsonObject doc{{QStringLiteral("format"), QStringLiteral("lantern-conversations")},
                              {QStringLiteral("version"), 1},
                              {QStringLiteral("conversations"), conversations}};
        QElapsedTimer importTime;
        importTime.start();
        auto imported = store.importJson(QJsonDocument(doc).toJson());
        QVERIFY2(imported.has_value(), imported ? "" : imported.error().detail.c_str());
        QCOMPARE(imported->size(), 200);
        qInfo("import of 200 conversations x 50 messages: %lld ms", static_cast<long long>(importTime.elapsed()));
        auto time = [&](const QString& query, qsizetype& found) {
            QList<double> ms;
            for (int rep = 0; rep < 7; ++rep) {
                QElapsedTimer t;
                t.start();
                auto hits = store.search(query, 50);
                ms.append(static_cast<double>(t.nsecsElapsed()) / 1e6);
                found = hits ? hits->size() : -1;
            }
            std::sort(ms.begin(), ms.end());
            return ms.at(ms.size() / 2);
        };
        qsizetype rareFound = 0;
        qsizetype commonFound = 0;
        qsizetype shortFound = 0;
        const double rare = time(QStringLiteral("quasar"), rareFound);
        const double common = time(QStringLiteral("garden"), commonFound);
        const double scan = time(QStringLiteral("ap"), shortFound);
        qInfo("search over 10000 messages (median of 7): rare word %.2f ms, common word %.2f ms (top 50), "
              "2-letter scan %.2f ms", rare, common, scan);
        QCOMPARE(rareFound, std::min(rareCount, 50));
        QCOMPARE(commonFound, 50);
        QCOMPARE(shortFound, 50);
    }
};

QTEST_MAIN(ConversationSearchTest)
#include "conversationsearchtest.moc"
