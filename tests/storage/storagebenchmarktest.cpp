// The storage benchmark at a small size: it must build exactly the database it describes and
// return a figure for every measurement (the real run is `lantern-cli bench-storage`).
#include "storage/conversationstore.h"
#include "storage/storagebenchmark.h"
#include "tests/storage/rawsqlite.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace lantern;
using namespace lantern::storage;

class StorageBenchmarkTest : public QObject {
    Q_OBJECT

private slots:
    void smallRun() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bench.sqlite3"));
        StorageBenchmarkOptions options;
        options.conversations = 130;  // two import batches, the second partial
        options.messagesPerConversation = 4;
        options.repetitions = 3;
        auto r = runStorageBenchmark(path, options);
        QVERIFY2(r.has_value(), r ? "" : r.error().detail.c_str());
        for (double figure : {r->listAllMs, r->listFirst100Ms, r->openLongMs, r->appendMs, r->searchRareMs,
                              r->searchCommonMs}) {
            QVERIFY(figure > 0);
        }
        qInfo("130 x 4: list %.2f ms, first 100 %.2f ms, open 1000 %.2f ms, append %.3f ms, search %.2f / %.2f ms",
              r->listAllMs, r->listFirst100Ms, r->openLongMs, r->appendMs, r->searchRareMs, r->searchCommonMs);
        {
            test::RawSqlite raw(path);
            QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM conversations")).toInt(), 131);
            // 130 x 4, the 1,000-message conversation, and the answer the append benchmark streamed.
            QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM messages")).toInt(), 130 * 4 + 1000 + 1);
            QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM messages WHERE state = 'streaming'")).toInt(), 1);
        }
        auto store = ConversationStore::open(path);
        QVERIFY(store.has_value());
        auto longest = (*store)->listConversations();
        QCOMPARE(longest->size(), 131);
        QCOMPARE((*store)->activePath(longest->first().id)->size(), 1001);  // the whole chain is active
        // Refuses to overwrite an existing file.
        QCOMPARE(runStorageBenchmark(path, options).error().code, Errc::InvalidArgument);
    }
};

QTEST_MAIN(StorageBenchmarkTest)
#include "storagebenchmarktest.moc"
