#include "storage/storagebenchmark.h"

#include "storage/conversationstore.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <algorithm>
#include <functional>

namespace lantern::storage {

namespace {

const QStringList kVocabulary = QStringLiteral(
    "apple river stone cloud bread window garden music paper light forest engine silver market winter "
    "letter bridge candle doctor island planet pencil rocket saddle temple violin wallet yellow zipper")
                                    .split(QLatin1Char(' '));

// One export-format document of `count` conversations, `messages` each, as a single chain; about
// 1% of messages contain "quasar" (the rare word), "garden" is in nearly all (the common one).
QByteArray batch(int count, int messages, QRandomGenerator& rng) {
    QJsonArray conversations;
    for (int c = 0; c < count; ++c) {
        QJsonArray list;
        for (int i = 0; i < messages; ++i) {
            QStringList words;
            for (int w = 0; w < 40; ++w) {
                words.append(kVocabulary.at(static_cast<qsizetype>(rng.bounded(static_cast<quint32>(kVocabulary.size())))));
            }
            if (rng.bounded(100u) == 0) {
                words.append(QStringLiteral("quasar"));
            }
            list.append(QJsonObject{{QStringLiteral("id"), i + 1},
                                    {QStringLiteral("parent"), i == 0 ? QJsonValue() : QJsonValue(i)},
                                    {QStringLiteral("activeChild"), i + 1 < messages ? QJsonValue(i + 2) : QJsonValue()},
                                    {QStringLiteral("role"), i % 2 ? QStringLiteral("assistant") : QStringLiteral("user")},
                                    {QStringLiteral("created"), QStringLiteral("2026-01-01T00:00:00.000Z")},
                                    {QStringLiteral("content"), words.join(QLatin1Char(' '))}});
        }
        conversations.append(QJsonObject{{QStringLiteral("title"), QStringLiteral("Conversation %1").arg(c)},
                                         {QStringLiteral("activeRoot"), messages > 0 ? QJsonValue(1) : QJsonValue()},
                                         {QStringLiteral("messages"), list}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("format"), QStringLiteral("lantern-conversations")},
                                     {QStringLiteral("version"), 1},
                                     {QStringLiteral("conversations"), conversations}})
        .toJson(QJsonDocument::Compact);
}

// Median time of `repetitions` calls; the first failure ends the measurement.
Result<double> median(int repetitions, const std::function<Result<void>()>& call) {
    QList<double> ms;
    for (int i = 0; i < std::max(1, repetitions); ++i) {
        QElapsedTimer t;
        t.start();
        if (auto r = call(); !r) {
            return std::unexpected(r.error());
        }
        ms.append(static_cast<double>(t.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return ms.at(ms.size() / 2);
}

template <class T>
Result<void> discard(const Result<T>& r) {
    return r ? Result<void>{} : std::unexpected(r.error());
}

}  // namespace

Result<StorageBenchmarkResult> runStorageBenchmark(const QString& path, const StorageBenchmarkOptions& options) {
    if (QFileInfo::exists(path)) {
        return fail(Errc::InvalidArgument, "The benchmark builds a new database; " + path.toStdString() + " exists.");
    }
    auto opened = ConversationStore::open(path);
    if (!opened) {
        return std::unexpected(opened.error());
    }
    ConversationStore& store = **opened;
    StorageBenchmarkResult out;
    QRandomGenerator rng(1234);
    QElapsedTimer build;
    build.start();
    for (int done = 0; done < options.conversations; done += 100) {
        auto r = store.importJson(batch(std::min(100, options.conversations - done), options.messagesPerConversation, rng));
        if (!r) {
            return std::unexpected(r.error());
        }
    }
    auto longOne = store.importJson(batch(1, 1000, rng));
    if (!longOne) {
        return std::unexpected(longOne.error());
    }
    out.buildSeconds = static_cast<double>(build.elapsed()) / 1000.0;
    const qint64 longId = longOne->first();
    auto streaming = store.beginStreaming(longId, store.activePath(longId)->last().id, QStringLiteral("bench"));
    if (!streaming) {
        return std::unexpected(streaming.error());
    }
    ConversationFilter first100;
    first100.limit = 100;
    const QString tokens = QStringLiteral(" and the sixteen tokens of one streamed batch of text arrive here");
    const int n = options.repetitions;
    const std::pair<double*, std::function<Result<void>()>> figures[] = {
        {&out.listAllMs, [&] { return discard(store.listConversations()); }},
        {&out.listFirst100Ms, [&] { return discard(store.listConversations(first100)); }},
        {&out.openLongMs, [&] { return discard(store.activePath(longId)); }},
        {&out.appendMs, [&] { return store.appendToMessage(streaming->id, tokens); }},
        {&out.searchRareMs, [&] { return discard(store.search(QStringLiteral("quasar"))); }},
        {&out.searchCommonMs, [&] { return discard(store.search(QStringLiteral("garden"))); }},
    };
    for (const auto& [figure, call] : figures) {
        auto ms = median(n, call);
        if (!ms) {
            return std::unexpected(ms.error());
        }
        *figure = *ms;
    }
    return out;
}

}  // namespace lantern::storage
