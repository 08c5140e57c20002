#include "storage/conversationstore.h"

#include "storage/conversationexchange.h"
#include "storage/conversationsearch.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/privatefiles.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <optional>

namespace lantern::storage {

namespace {

const QString kConversationColumns = QStringLiteral(
    "c.id, c.title, c.created_ms, c.updated_ms, c.pinned, c.archived, c.folder, c.model_file, c.settings_json,"
    " c.system_prompt, c.source_language, c.target_language, c.deleted_ms, c.active_root_id, c.privacy, c.routing");
const QString kMessageColumns = QStringLiteral(
    "m.id, m.conversation_id, m.parent_id, m.role, m.content, m.thinking, m.state, m.error_text, m.created_ms,"
    " m.model, m.stats_json, m.active_child_id");

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

QString jsonText(const QJsonObject& o) { return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)); }

QJsonObject jsonObject(const QVariant& v) { return QJsonDocument::fromJson(v.toString().toUtf8()).object(); }

Conversation readConversation(const QSqlQuery& q) {
    Conversation c;
    c.id = q.value(0).toLongLong();
    c.title = q.value(1).toString();
    c.created = fromStoredTime(q.value(2));
    c.updated = fromStoredTime(q.value(3));
    c.pinned = q.value(4).toBool();
    c.archived = q.value(5).toBool();
    c.folder = q.value(6).toString();
    c.modelFile = q.value(7).toString();
    c.settings = jsonObject(q.value(8));
    c.systemPrompt = q.value(9).toString();
    c.sourceLanguage = q.value(10).toString();
    c.targetLanguage = q.value(11).toString();
    c.deleted = fromStoredTime(q.value(12));
    c.privacy = q.value(14).toString();
    c.routing = q.value(15).toString();
    return c;
}

Message readMessage(const QSqlQuery& q) {
    Message m;
    m.id = q.value(0).toLongLong();
    m.conversationId = q.value(1).toLongLong();
    m.parentId = q.value(2).toLongLong();
    m.role = roleFromName(q.value(3).toString()).value_or(Role::User);  // CHECK constraint keeps it valid
    m.content = q.value(4).toString();
    m.thinking = q.value(5).toString();
    m.state = stateFromName(q.value(6).toString()).value_or(MessageState::Complete);
    m.errorText = q.value(7).toString();
    m.created = fromStoredTime(q.value(8));
    m.model = q.value(9).toString();
    m.stats = statsFromJson(jsonObject(q.value(10)));
    return m;
}

QVariant idOrNull(qint64 id) { return id > 0 ? QVariant(id) : QVariant(QMetaType(QMetaType::LongLong)); }

std::unexpected<Error> noSuch(const char* what, qint64 id) {
    return fail(Errc::InvalidArgument, QStringLiteral("There is no %1 with id %2 (it may have been deleted).")
                                           .arg(QLatin1String(what))
                                           .arg(id)
                                           .toStdString());
}

}  // namespace

struct ConversationStore::Impl {
    std::unique_ptr<Database> db;
    QThread* thread = nullptr;
    // Hot-path statements, prepared once (declared after db: destroyed before the connection).
    std::optional<QSqlQuery> append;
    std::optional<QSqlQuery> replace;

    void checkThread() const {
        Q_ASSERT_X(QThread::currentThread() == thread, "ConversationStore",
                   "a store must be used on the thread that opened it (one connection per thread)");
    }

    Result<QList<Message>> messages(const QString& sql, const QVariantList& binds);
    Result<Message> insertMessage(qint64 conversationId, qint64 parentId, const Message& fields);
    Result<void> activate(qint64 messageId);
    Result<void> touch(qint64 conversationId);
    Result<void> setColumn(qint64 id, const QString& assignment, const QVariant& value, bool bumpUpdated);
    Result<QSqlQuery*> prepared(std::optional<QSqlQuery>& slot, const QString& sql);
    Result<void> streamingUpdate(std::optional<QSqlQuery>& slot, const QString& sql, qint64 id, const QString& content,
                                 const QString& thinking);
    Result<ExchangeConversation> exchange(qint64 conversationId);
    Result<qint64> importOne(const ExchangeConversation& x);
};

int ConversationStore::schemaVersion() { return latestSchemaVersion(); }

ConversationStore::ConversationStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ConversationStore::~ConversationStore() = default;

QString ConversationStore::path() const { return m_impl->db->path(); }

Result<std::unique_ptr<ConversationStore>> ConversationStore::open(const QString& path, OpenOptions options) {
    auto db = Database::open(path, options.readOnly);
    if (!db) {
        return std::unexpected(db.error());
    }
    if (auto m = migrate(**db, schemaMigrations()); !m) {
        return std::unexpected(m.error());
    }
    if (auto w = (*db)->useWal(); !w) {
        return std::unexpected(w.error());
    }
    if (!options.readOnly) {
        // Files made by an older Lantern (or by SQLite's defaults) become the owner's only.
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
            makeOwnerOnly(path + suffix);
        }
    }
    if (options.sizeLimitBytes > 0) {
        // Per connection; the page size is fixed once the file exists. Numbers only, no user text.
        auto size = (*db)->run(QStringLiteral("PRAGMA page_size"));
        const qint64 pageSize = size && size->next() ? std::max<qint64>(512, size->value(0).toLongLong()) : 4096;
        const qint64 pages = std::max<qint64>(1, options.sizeLimitBytes / pageSize);
        if (auto r = (*db)->run(QStringLiteral("PRAGMA max_page_count = %1").arg(pages)); !r) {
            return std::unexpected(r.error());
        }
    }
    if (options.recoverStreaming && !options.readOnly) {
        // Answers the app was writing when it died: keep their text, mark them interrupted.
        // On a full disk this small write may not fit: the conversations must still open (to read, and
        // to write again once space is freed), so those answers stay marked until the next open.
        auto r = (*db)->run(QStringLiteral("UPDATE messages SET state = 'interrupted' WHERE state = 'streaming'"));
        if (!r && r.error().code != Errc::DiskFull) {
            return std::unexpected(r.error());
        }
    }
    auto impl = std::make_unique<Impl>();
    impl->db = std::move(*db);
    impl->thread = QThread::currentThread();
    return std::unique_ptr<ConversationStore>(new ConversationStore(std::move(impl)));
}

// --- Conversations ----------------------------------------------------------------------------

Result<Conversation> ConversationStore::createConversation(const Conversation& f) {
    m_impl->checkThread();
    if (auto bad = checkRoutingFields(f.privacy, f.routing); !bad) {
        return std::unexpected(bad.error());
    }
    const qint64 now = nowMs();
    auto q = m_impl->db->run(
        QStringLiteral("INSERT INTO conversations (title, created_ms, updated_ms, pinned, archived, folder,"
                       " model_file, settings_json, system_prompt, source_language, target_language, privacy, routing)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {f.title, now, now, f.pinned, f.archived, f.folder, f.modelFile, jsonText(f.settings), f.systemPrompt,
         f.sourceLanguage, f.targetLanguage, f.privacy, f.routing});
    if (!q) {
        return std::unexpected(q.error());
    }
    Conversation c = f;
    c.id = q->lastInsertId().toLongLong();
    c.created = c.updated = fromStoredTime(now);
    c.deleted = {};
    return c;
}

Result<Conversation> ConversationStore::conversation(qint64 id) const {
    m_impl->checkThread();
    auto q = m_impl->db->run(QStringLiteral("SELECT %1 FROM conversations c WHERE c.id = ?").arg(kConversationColumns),
                             {id});
    if (!q) {
        return std::unexpected(q.error());
    }
    if (!q->next()) {
        return noSuch("conversation", id);
    }
    return readConversation(*q);
}

Result<QList<Conversation>> ConversationStore::listConversations(const ConversationFilter& filter) const {
    m_impl->checkThread();
    QString sql = QStringLiteral("SELECT %1 FROM conversations c WHERE c.deleted_ms IS NULL").arg(kConversationColumns);
    QVariantList binds;
    if (filter.onlyArchived) {
        sql += QStringLiteral(" AND c.archived = 1");
    } else if (!filter.includeArchived) {
        sql += QStringLiteral(" AND c.archived = 0");
    }
    if (filter.folder) {
        sql += QStringLiteral(" AND c.folder = ?");
        binds.append(*filter.folder);
    }
    sql += QStringLiteral(" ORDER BY c.pinned DESC, c.updated_ms DESC, c.id DESC LIMIT ?");
    binds.append(filter.limit);
    auto q = m_impl->db->run(sql, binds);
    if (!q) {
        return std::unexpected(q.error());
    }
    QList<Conversation> out;
    while (q->next()) {
        out.append(readConversation(*q));
    }
    return out;
}

Result<void> ConversationStore::updateConversation(const Conversation& c) {
    m_impl->checkThread();
    auto q = m_impl->db->run(
        QStringLiteral("UPDATE conversations SET title = ?, pinned = ?, archived = ?, folder = ?, model_file = ?,"
                       " settings_json = ?, system_prompt = ?, source_language = ?, target_language = ?,"
                       " updated_ms = ? WHERE id = ? AND deleted_ms IS NULL"),
        {c.title, c.pinned, c.archived, c.folder, c.modelFile, jsonText(c.settings), c.systemPrompt, c.sourceLanguage,
         c.targetLanguage, nowMs(), c.id});
    if (!q) {
        return std::unexpected(q.error());
    }
    if (q->numRowsAffected() == 0) {
        return noSuch("conversation", c.id);
    }
    return {};
}

Result<void> ConversationStore::Impl::setColumn(qint64 id, const QString& assignment, const QVariant& value,
                                                bool bumpUpdated) {
    checkThread();
    // assignment is one of our own constant "column = ?" strings, never user text.
    const QString sql = bumpUpdated ? QStringLiteral("UPDATE conversations SET %1, updated_ms = ? WHERE id = ?"
                                                     " AND deleted_ms IS NULL")
                                    : QStringLiteral("UPDATE conversations SET %1 WHERE id = ? AND deleted_ms IS NULL");
    auto q = bumpUpdated ? db->run(sql.arg(assignment), {value, nowMs(), id}) : db->run(sql.arg(assignment), {value, id});
    if (!q) {
        return std::unexpected(q.error());
    }
    if (q->numRowsAffected() == 0) {
        return noSuch("conversation", id);
    }
    return {};
}

Result<void> ConversationStore::renameConversation(qint64 id, const QString& title) {
    return m_impl->setColumn(id, QStringLiteral("title = ?"), title, true);
}

Result<void> ConversationStore::setConversationPrivacy(qint64 id, const QString& privacy) {
    if (auto bad = checkRoutingFields(privacy, QStringLiteral("local")); !bad) {
        return bad;
    }
    return m_impl->setColumn(id, QStringLiteral("privacy = ?"), privacy, true);
}

Result<void> ConversationStore::setConversationRouting(qint64 id, const QString& routing) {
    if (auto bad = checkRoutingFields(QStringLiteral("private"), routing); !bad) {
        return bad;
    }
    return m_impl->setColumn(id, QStringLiteral("routing = ?"), routing, true);
}

Result<void> ConversationStore::setPinned(qint64 id, bool pinned) {
    return m_impl->setColumn(id, QStringLiteral("pinned = ?"), pinned, false);
}

Result<void> ConversationStore::setArchived(qint64 id, bool archived) {
    return m_impl->setColumn(id, QStringLiteral("archived = ?"), archived, false);
}

Result<void> ConversationStore::setFolder(qint64 id, const QString& folder) {
    return m_impl->setColumn(id, QStringLiteral("folder = ?"), folder, false);
}

Result<void> ConversationStore::deleteConversation(qint64 id) {
    return m_impl->setColumn(id, QStringLiteral("deleted_ms = ?"), nowMs(), false);
}

Result<void> ConversationStore::undoDelete(qint64 id) {
    m_impl->checkThread();
    auto q = m_impl->db->run(
        QStringLiteral("UPDATE conversations SET deleted_ms = NULL WHERE id = ? AND deleted_ms IS NOT NULL"), {id});
    if (!q) {
        return std::unexpected(q.error());
    }
    if (q->numRowsAffected() == 0) {
        return noSuch("deleted conversation", id);
    }
    return {};
}

Result<QList<Conversation>> ConversationStore::deletedConversations() const {
    m_impl->checkThread();
    auto q = m_impl->db->run(QStringLiteral("SELECT %1 FROM conversations c WHERE c.deleted_ms IS NOT NULL"
                                            " ORDER BY c.deleted_ms DESC, c.id DESC")
                                 .arg(kConversationColumns));
    if (!q) {
        return std::unexpected(q.error());
    }
    QList<Conversation> out;
    while (q->next()) {
        out.append(readConversation(*q));
    }
    return out;
}

Result<int> ConversationStore::purgeDeleted(const QDateTime& cutoff) {
    m_impl->checkThread();
    Database& db = *m_impl->db;
    const qint64 before = cutoff.isValid() ? toStoredTime(cutoff) : std::numeric_limits<qint64>::max();
    return db.transaction([&]() -> Result<int> {
        // Cut the tree links first: a cascade down a 1000-message chain would nest 1000 deep.
        const QString purged = QStringLiteral("SELECT id FROM conversations WHERE deleted_ms IS NOT NULL AND deleted_ms < ?");
        for (const QString& sql : {QStringLiteral("UPDATE messages SET parent_id = NULL, active_child_id = NULL"
                                                  " WHERE conversation_id IN (%1)"),
                                   QStringLiteral("DELETE FROM messages WHERE conversation_id IN (%1)")}) {
            if (auto r = db.run(sql.arg(purged), {before}); !r) {
                return std::unexpected(r.error());
            }
        }
        auto q = db.run(QStringLiteral("DELETE FROM conversations WHERE deleted_ms IS NOT NULL AND deleted_ms < ?"),
                        {before});
        if (!q) {
            return std::unexpected(q.error());
        }
        return q->numRowsAffected();
    });
}

// --- Messages ---------------------------------------------------------------------------------

Result<QList<Message>> ConversationStore::Impl::messages(const QString& sql, const QVariantList& binds) {
    auto q = db->run(sql, binds);
    if (!q) {
        return std::unexpected(q.error());
    }
    QList<Message> out;
    while (q->next()) {
        out.append(readMessage(*q));
    }
    return out;
}

Result<void> ConversationStore::Impl::touch(qint64 conversationId) {
    auto q = db->run(QStringLiteral("UPDATE conversations SET updated_ms = ? WHERE id = ?"), {nowMs(), conversationId});
    if (!q) {
        return std::unexpected(q.error());
    }
    return {};
}

// Inserts and makes the new message its parent's active child. The caller holds a transaction.
Result<Message> ConversationStore::Impl::insertMessage(qint64 conversationId, qint64 parentId, const Message& f) {
    auto owner = db->run(QStringLiteral("SELECT 1 FROM conversations WHERE id = ? AND deleted_ms IS NULL"),
                         {conversationId});
    if (!owner) {
        return std::unexpected(owner.error());
    }
    if (!owner->next()) {
        return noSuch("conversation", conversationId);
    }
    if (parentId > 0) {
        auto p = db->run(QStringLiteral("SELECT 1 FROM messages WHERE id = ? AND conversation_id = ?"),
                         {parentId, conversationId});
        if (!p) {
            return std::unexpected(p.error());
        }
        if (!p->next()) {
            return noSuch("parent message in this conversation", parentId);
        }
    }
    Message m = f;
    m.conversationId = conversationId;
    m.parentId = parentId;
    m.created = f.created.isValid() ? f.created : fromStoredTime(nowMs());
    auto q = db->run(QStringLiteral("INSERT INTO messages (conversation_id, parent_id, role, content, thinking, state,"
                                    " error_text, created_ms, model, stats_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                     {conversationId, idOrNull(parentId), roleName(m.role), m.content, m.thinking, stateName(m.state),
                      m.errorText, toStoredTime(m.created), m.model, jsonText(statsToJson(m.stats))});
    if (!q) {
        return std::unexpected(q.error());
    }
    m.id = q->lastInsertId().toLongLong();
    auto link = parentId > 0
                    ? db->run(QStringLiteral("UPDATE messages SET active_child_id = ? WHERE id = ?"), {m.id, parentId})
                    : db->run(QStringLiteral("UPDATE conversations SET active_root_id = ? WHERE id = ?"),
                              {m.id, conversationId});
    if (!link) {
        return std::unexpected(link.error());
    }
    if (auto t = touch(conversationId); !t) {
        return std::unexpected(t.error());
    }
    return m;
}

Result<Message> ConversationStore::addMessage(qint64 conversationId, qint64 parentId, const Message& fields) {
    m_impl->checkThread();
    return m_impl->db->transaction([&] { return m_impl->insertMessage(conversationId, parentId, fields); });
}

Result<Message> ConversationStore::message(qint64 id) const {
    m_impl->checkThread();
    auto list = m_impl->messages(QStringLiteral("SELECT %1 FROM messages m WHERE m.id = ?").arg(kMessageColumns), {id});
    if (!list) {
        return std::unexpected(list.error());
    }
    if (list->isEmpty()) {
        return noSuch("message", id);
    }
    return list->first();
}

Result<QList<Message>> ConversationStore::activePath(qint64 conversationId) const {
    m_impl->checkThread();
    // Follow active links from the active root down in one recursive query.
    return m_impl->messages(QStringLiteral("WITH RECURSIVE path(id, depth) AS ("
                                           " SELECT active_root_id, 0 FROM conversations WHERE id = ?"
                                           " UNION ALL SELECT m.active_child_id, path.depth + 1 FROM messages m"
                                           "  JOIN path ON m.id = path.id WHERE m.active_child_id IS NOT NULL)"
                                           " SELECT %1 FROM path JOIN messages m ON m.id = path.id ORDER BY path.depth")
                                .arg(kMessageColumns),
                            {conversationId});
}

Result<QList<Message>> ConversationStore::allMessages(qint64 conversationId) const {
    m_impl->checkThread();
    return m_impl->messages(
        QStringLiteral("SELECT %1 FROM messages m WHERE m.conversation_id = ? ORDER BY m.id").arg(kMessageColumns),
        {conversationId});
}

Result<QList<Message>> ConversationStore::siblings(qint64 messageId) const {
    m_impl->checkThread();
    return m_impl->messages(QStringLiteral("SELECT %1 FROM messages m JOIN messages me ON me.id = ?"
                                           " WHERE m.conversation_id = me.conversation_id"
                                           " AND m.parent_id IS me.parent_id ORDER BY m.id")
                                .arg(kMessageColumns),
                            {messageId});
}

// Makes every link from the root down to messageId active. The caller holds a transaction.
Result<void> ConversationStore::Impl::activate(qint64 messageId) {
    const QString up = QStringLiteral("WITH RECURSIVE up(id, parent) AS ("
                                      " SELECT id, parent_id FROM messages WHERE id = ?"
                                      " UNION ALL SELECT m.id, m.parent_id FROM messages m JOIN up ON m.id = up.parent) ");
    auto children = db->run(up + QStringLiteral("UPDATE messages SET active_child_id ="
                                                " (SELECT up.id FROM up WHERE up.parent = messages.id)"
                                                " WHERE id IN (SELECT parent FROM up WHERE parent IS NOT NULL)"),
                            {messageId});
    if (!children) {
        return std::unexpected(children.error());
    }
    auto root = db->run(up + QStringLiteral("UPDATE conversations SET active_root_id ="
                                            " (SELECT id FROM up WHERE parent IS NULL)"
                                            " WHERE id = (SELECT conversation_id FROM messages WHERE id = ?)"),
                        {messageId, messageId});
    if (!root) {
        return std::unexpected(root.error());
    }
    return {};
}

Result<void> ConversationStore::switchBranch(qint64 messageId) {
    m_impl->checkThread();
    return m_impl->db->transaction([&]() -> Result<void> {
        if (auto m = message(messageId); !m) {
            return std::unexpected(m.error());
        }
        return m_impl->activate(messageId);
    });
}

Result<Message> ConversationStore::editMessage(qint64 messageId, const QString& newContent) {
    m_impl->checkThread();
    return m_impl->db->transaction([&]() -> Result<Message> {
        auto old = message(messageId);
        if (!old) {
            return old;
        }
        Message fields;
        fields.role = old->role;
        fields.content = newContent;
        auto m = m_impl->insertMessage(old->conversationId, old->parentId, fields);
        if (!m) {
            return m;
        }
        if (auto a = m_impl->activate(m->id); !a) {
            return std::unexpected(a.error());
        }
        return m;
    });
}

Result<Message> ConversationStore::regenerate(qint64 messageId, const QString& model) {
    m_impl->checkThread();
    return m_impl->db->transaction([&]() -> Result<Message> {
        auto old = message(messageId);
        if (!old) {
            return old;
        }
        if (old->role != Role::Assistant) {
            return fail(Errc::InvalidArgument,
                        QStringLiteral("Message %1 is not an assistant answer, so it cannot be regenerated.")
                            .arg(messageId)
                            .toStdString());
        }
        Message fields;
        fields.role = Role::Assistant;
        fields.state = MessageState::Streaming;
        fields.model = model;
        auto m = m_impl->insertMessage(old->conversationId, old->parentId, fields);
        if (!m) {
            return m;
        }
        if (auto a = m_impl->activate(m->id); !a) {
            return std::unexpected(a.error());
        }
        return m;
    });
}

Result<void> ConversationStore::deleteBranch(qint64 messageId) {
    m_impl->checkThread();
    Database& db = *m_impl->db;
    return db.transaction([&]() -> Result<void> {
        auto m = message(messageId);
        if (!m) {
            return std::unexpected(m.error());
        }
        // Collect the subtree, cut its links, then delete it flat: no cascade nesting one level per
        // message of a long chain.
        const QStringList steps = {
            QStringLiteral("CREATE TEMP TABLE IF NOT EXISTS doomed_messages (id INTEGER PRIMARY KEY)"),
            QStringLiteral("DELETE FROM doomed_messages"),
            QStringLiteral("INSERT INTO doomed_messages WITH RECURSIVE sub(id) AS (SELECT ?"
                           " UNION ALL SELECT m.id FROM messages m JOIN sub ON m.parent_id = sub.id) SELECT id FROM sub"),
            QStringLiteral("UPDATE messages SET parent_id = NULL, active_child_id = NULL"
                           " WHERE id IN (SELECT id FROM doomed_messages)"),
            QStringLiteral("DELETE FROM messages WHERE id IN (SELECT id FROM doomed_messages)"),
        };
        for (const QString& sql : steps) {
            auto r = sql.contains(QLatin1Char('?')) ? db.run(sql, {messageId}) : db.run(sql);
            if (!r) {
                return std::unexpected(r.error());
            }
        }
        // The parent's active child was set to NULL by the foreign key; fall back to the newest sibling.
        // (Plain "?" only: Qt counts every "?" as one positional value, so "?1" twice would be two.)
        auto fix = m->parentId > 0
                       ? db.run(QStringLiteral("UPDATE messages SET active_child_id ="
                                               " (SELECT max(id) FROM messages WHERE parent_id = ?)"
                                               " WHERE id = ? AND active_child_id IS NULL"),
                                {m->parentId, m->parentId})
                       : db.run(QStringLiteral("UPDATE conversations SET active_root_id = (SELECT max(id) FROM messages"
                                               " WHERE conversation_id = ? AND parent_id IS NULL)"
                                               " WHERE id = ? AND active_root_id = ?"),
                                {m->conversationId, m->conversationId, messageId});
        if (!fix) {
            return std::unexpected(fix.error());
        }
        return m_impl->touch(m->conversationId);
    });
}

// --- Streaming --------------------------------------------------------------------------------

Result<Message> ConversationStore::beginStreaming(qint64 conversationId, qint64 parentId, const QString& model) {
    Message fields;
    fields.role = Role::Assistant;
    fields.state = MessageState::Streaming;
    fields.model = model;
    return addMessage(conversationId, parentId, fields);
}

Result<QSqlQuery*> ConversationStore::Impl::prepared(std::optional<QSqlQuery>& slot, const QString& sql) {
    if (!slot) {
        QSqlQuery q(db->connection());
        if (!q.prepare(sql)) {
            return std::unexpected(db->error(q.lastError(), QStringLiteral("preparing a statement")));
        }
        slot = std::move(q);
    }
    return &*slot;
}

Result<void> ConversationStore::Impl::streamingUpdate(std::optional<QSqlQuery>& slot, const QString& sql, qint64 id,
                                                      const QString& content, const QString& thinking) {
    checkThread();
    auto q = prepared(slot, sql);
    if (!q) {
        return std::unexpected(q.error());
    }
    // Autocommit: one UPDATE is one WAL commit, so every call is durable against a crash.
    auto changed = db->runPrepared(**q, {content, thinking, id});
    if (!changed) {
        return std::unexpected(changed.error());
    }
    if (changed->rowsChanged == 0) {
        return fail(Errc::InvalidArgument,
                    QStringLiteral("Message %1 is not being streamed (it was finished, deleted or never started).")
                        .arg(id)
                        .toStdString());
    }
    return {};
}

Result<void> ConversationStore::appendToMessage(qint64 messageId, const QString& contentDelta,
                                                const QString& thinkingDelta) {
    return m_impl->streamingUpdate(m_impl->append,
                                   QStringLiteral("UPDATE messages SET content = content || ?, thinking = thinking || ?"
                                                  " WHERE id = ? AND state = 'streaming'"),
                                   messageId, contentDelta, thinkingDelta);
}

Result<void> ConversationStore::updateStreamingMessage(qint64 messageId, const QString& content,
                                                       const QString& thinking) {
    return m_impl->streamingUpdate(
        m_impl->replace,
        QStringLiteral("UPDATE messages SET content = ?, thinking = ? WHERE id = ? AND state = 'streaming'"), messageId,
        content, thinking);
}

Result<void> ConversationStore::finishMessage(qint64 messageId, MessageState finalState, const MessageStats& stats,
                                              const QString& errorText) {
    m_impl->checkThread();
    if (finalState == MessageState::Streaming) {
        return fail(Errc::InvalidArgument, "finishMessage needs a final state, not Streaming.");
    }
    Database& db = *m_impl->db;
    return db.transaction([&]() -> Result<void> {
        auto q = db.run(QStringLiteral("UPDATE messages SET state = ?, stats_json = ?, error_text = ?"
                                       " WHERE id = ? AND state = 'streaming' RETURNING conversation_id"),
                        {stateName(finalState), jsonText(statsToJson(stats)), errorText, messageId});
        if (!q) {
            return std::unexpected(q.error());
        }
        if (!q->next()) {
            return fail(Errc::InvalidArgument,
                        QStringLiteral("Message %1 is not being streamed, so it cannot be finished.").arg(messageId).toStdString());
        }
        const qint64 conversationId = q->value(0).toLongLong();
        q->finish();
        return m_impl->touch(conversationId);
    });
}

// --- Search, export, import -------------------------------------------------------------------

Result<QList<SearchHit>> ConversationStore::search(const QString& query, int limit) const {
    m_impl->checkThread();
    return searchConversations(*m_impl->db, query, limit);
}

Result<ExchangeConversation> ConversationStore::Impl::exchange(qint64 conversationId) {
    ExchangeConversation x;
    auto c = db->run(QStringLiteral("SELECT %1 FROM conversations c WHERE c.id = ?").arg(kConversationColumns),
                     {conversationId});
    if (!c) {
        return std::unexpected(c.error());
    }
    if (!c->next()) {
        return noSuch("conversation", conversationId);
    }
    x.conversation = readConversation(*c);
    x.activeRoot = c->value(13).toLongLong();
    auto q = db->run(QStringLiteral("SELECT %1 FROM messages m WHERE m.conversation_id = ? ORDER BY m.id").arg(kMessageColumns),
                     {conversationId});
    if (!q) {
        return std::unexpected(q.error());
    }
    while (q->next()) {
        x.messages.append(readMessage(*q));
        if (const qint64 child = q->value(11).toLongLong(); child > 0) {
            x.activeChild.insert(x.messages.last().id, child);
        }
    }
    return x;
}

Result<QByteArray> ConversationStore::exportJson(const QList<qint64>& ids) const {
    m_impl->checkThread();
    Database& db = *m_impl->db;
    // One read transaction: a consistent snapshot even if another thread writes meanwhile.
    return db.transaction([&]() -> Result<QByteArray> {
        QList<qint64> which = ids;
        if (which.isEmpty()) {
            auto q = db.run(QStringLiteral("SELECT id FROM conversations WHERE deleted_ms IS NULL ORDER BY id"));
            if (!q) {
                return std::unexpected(q.error());
            }
            while (q->next()) {
                which.append(q->value(0).toLongLong());
            }
        }
        QList<ExchangeConversation> all;
        for (qint64 id : which) {
            auto x = m_impl->exchange(id);
            if (!x) {
                return std::unexpected(x.error());
            }
            all.append(std::move(*x));
        }
        return exchangeToJson(all);
    }, false);
}

Result<QString> ConversationStore::exportMarkdown(qint64 conversationId) const {
    auto c = conversation(conversationId);
    if (!c) {
        return std::unexpected(c.error());
    }
    auto path = activePath(conversationId);
    if (!path) {
        return std::unexpected(path.error());
    }
    return conversationToMarkdown(*c, *path);
}

Result<qint64> ConversationStore::Impl::importOne(const ExchangeConversation& x) {
    const Conversation& c = x.conversation;
    const qint64 now = nowMs();
    auto q = db->run(QStringLiteral("INSERT INTO conversations (title, created_ms, updated_ms, pinned, archived, folder,"
                                    " model_file, settings_json, system_prompt, source_language, target_language)"
                                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                     {c.title, c.created.isValid() ? toStoredTime(c.created) : now,
                      c.updated.isValid() ? toStoredTime(c.updated) : now, c.pinned, c.archived, c.folder, c.modelFile,
                      jsonText(c.settings), c.systemPrompt, c.sourceLanguage, c.targetLanguage});
    if (!q) {
        return std::unexpected(q.error());
    }
    const qint64 id = q->lastInsertId().toLongLong();
    QHash<qint64, qint64> newId;  // file id -> database id
    std::optional<QSqlQuery> insert;  // prepared once: imports can hold thousands of messages
    for (const Message& m : x.messages) {
        auto ins = prepared(insert, QStringLiteral("INSERT INTO messages (conversation_id, parent_id, role, content,"
                                                   " thinking, state, error_text, created_ms, model, stats_json)"
                                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        if (!ins) {
            return std::unexpected(ins.error());
        }
        auto r = db->runPrepared(**ins, {id, idOrNull(newId.value(m.parentId)), roleName(m.role), m.content, m.thinking,
                                         stateName(m.state), m.errorText, toStoredTime(m.created), m.model,
                                         jsonText(statsToJson(m.stats))});
        if (!r) {
            return std::unexpected(r.error());
        }
        newId.insert(m.id, r->lastInsertId);
    }
    std::optional<QSqlQuery> link;
    for (auto it = x.activeChild.cbegin(); it != x.activeChild.cend(); ++it) {
        auto up = prepared(link, QStringLiteral("UPDATE messages SET active_child_id = ? WHERE id = ?"));
        if (!up) {
            return std::unexpected(up.error());
        }
        auto r = db->runPrepared(**up, {newId.value(it.value()), newId.value(it.key())});
        if (!r) {
            return std::unexpected(r.error());
        }
    }
    auto r = db->run(QStringLiteral("UPDATE conversations SET active_root_id = ? WHERE id = ?"),
                     {idOrNull(newId.value(x.activeRoot)), id});
    if (!r) {
        return std::unexpected(r.error());
    }
    return id;
}

Result<QList<qint64>> ConversationStore::importJson(const QByteArray& json) {
    m_impl->checkThread();
    auto parsed = exchangeFromJson(json);  // everything is validated before the first write
    if (!parsed) {
        return std::unexpected(parsed.error());
    }
    return m_impl->db->transaction([&]() -> Result<QList<qint64>> {
        QList<qint64> ids;
        for (const ExchangeConversation& x : *parsed) {
            auto id = m_impl->importOne(x);
            if (!id) {
                return std::unexpected(id.error());
            }
            ids.append(*id);
        }
        return ids;
    });
}

}  // namespace lantern::storage
