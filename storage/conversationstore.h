#pragma once
// The user's conversations, kept in one SQLite file (Qt SQL, QSQLITE driver, WAL, FTS5).
//
// Threads: a ConversationStore owns ONE connection and must be used only on the thread that opened
// it (one connection per thread). A worker thread opens its own store on the same file with
// recoverStreaming = false (see OpenOptions); WAL lets it read while the GUI thread writes.
//
// Cost: every call is one small transaction (typically well under a millisecond; an append to a
// streaming message is a single UPDATE, meant to be called every ~250 ms while an answer grows).
//
// Errors: every call returns lantern::Result<T>; nothing throws. Codes used:
//   Errc::StorageTooNew   the file was written by a newer Lantern; it is left untouched
//   Errc::DiskFull        the disk (or the database size limit) is full; the failed write is rolled
//                         back, everything stored before is intact
//   Errc::StorageError    anything else (read-only file or folder, corrupt file, I/O error); the
//                         detail sentence names the file and the cause
//   Errc::InvalidArgument unknown id, malformed import file
#include "base/error.h"
#include "storage/records.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <memory>

namespace lantern::storage {

struct OpenOptions {
    // On open, turn messages left Streaming (the app died while generating) into Interrupted. Only
    // the GUI thread's store should do this; a worker's second store must not touch answers that
    // the first one is still writing.
    bool recoverStreaming = true;
    // Open without write access (a viewer, or a file on read-only media). Writes then fail with
    // StorageError. Migrations are not run: an older schema is refused with StorageError.
    bool readOnly = false;
    // Caps the file at about this many bytes (PRAGMA max_page_count); 0 = no cap. A write beyond it
    // fails with DiskFull exactly as on a full disk, which is how the tests simulate one.
    qint64 sizeLimitBytes = 0;
};

class ConversationStore {
public:
    // Schema version this build writes (PRAGMA user_version).
    static int schemaVersion();

    // Opens (creating if needed) the database at path and migrates it to schemaVersion(): one
    // transaction per version, stopping with the file unchanged at the last good version on the
    // first failure. Before migrating an existing file, it is copied to
    // "<path>.v<old>-<yyyyMMddHHmmss>.bak" with SQLite's online backup API.
    static Result<std::unique_ptr<ConversationStore>> open(const QString& path, OpenOptions options = {});
    ~ConversationStore();
    ConversationStore(const ConversationStore&) = delete;
    ConversationStore& operator=(const ConversationStore&) = delete;

    QString path() const;

    // --- Conversations -------------------------------------------------------------------------
    // Creates a conversation from the given fields (id, created, updated and deleted are ignored).
    Result<Conversation> createConversation(const Conversation& fields);
    Result<Conversation> conversation(qint64 id) const;
    // Live (not deleted) conversations: pinned first, then most recently updated first. About 10 µs
    // per row through Qt SQL: page with filter.limit for very long lists (10,000 rows ~ 90 ms).
    Result<QList<Conversation>> listConversations(const ConversationFilter& filter = {}) const;
    // Saves title, pinned, archived, folder, modelFile, settings, systemPrompt and languages (not privacy or
    // routing: those change only through their setters, after the UI asked).
    Result<void> updateConversation(const Conversation& conversation);
    Result<void> renameConversation(qint64 id, const QString& title);
    // Hybrid routing (spellings in Conversation): InvalidArgument for any other value. Both bump updated.
    Result<void> setConversationPrivacy(qint64 id, const QString& privacy);
    Result<void> setConversationRouting(qint64 id, const QString& routing);
    Result<void> setPinned(qint64 id, bool pinned);
    Result<void> setArchived(qint64 id, bool archived);
    Result<void> setFolder(qint64 id, const QString& folder);

    // Delete with undo: deleteConversation moves it to the bin (hidden from lists and search);
    // undoDelete brings it back unchanged; purgeDeleted removes binned conversations for good.
    Result<void> deleteConversation(qint64 id);
    Result<void> undoDelete(qint64 id);
    Result<QList<Conversation>> deletedConversations() const;
    // Removes conversations deleted before cutoff (all binned ones for an invalid QDateTime) and
    // their messages. Returns how many were removed.
    Result<int> purgeDeleted(const QDateTime& cutoff = {});

    // --- Messages and branches -----------------------------------------------------------------
    // Adds a message under parentId (0 = a root) using role, content, thinking, state, errorText,
    // model and stats of `fields`; it becomes the active child of its parent (the active branch).
    Result<Message> addMessage(qint64 conversationId, qint64 parentId, const Message& fields);
    Result<Message> message(qint64 id) const;
    // The active branch: from the active root, following each node's active child to the leaf.
    Result<QList<Message>> activePath(qint64 conversationId) const;
    // Every message of every branch, parents before children (ordered by id).
    Result<QList<Message>> allMessages(qint64 conversationId) const;
    // Messages sharing messageId's parent (itself included), oldest first. For "< 2/3 >" switches.
    Result<QList<Message>> siblings(qint64 messageId) const;
    // Makes messageId active among its siblings, and every ancestor active along the way, so the
    // active path then runs through it (and on through its own remembered active children).
    Result<void> switchBranch(qint64 messageId);
    // Edit: a sibling of messageId with the same role and the new content, made active. The old
    // message and everything below it stay as another branch.
    Result<Message> editMessage(qint64 messageId, const QString& newContent);
    // Regenerate: a new empty Streaming assistant sibling of messageId (an assistant message), made
    // active; fill it with appendToMessage/updateStreamingMessage and end it with finishMessage.
    Result<Message> regenerate(qint64 messageId, const QString& model);
    // Removes messageId and its whole subtree for good (no undo). The parent's active child falls
    // back to the newest remaining sibling.
    Result<void> deleteBranch(qint64 messageId);

    // --- Streaming an answer ------------------------------------------------------------------
    // Starts an empty Streaming assistant message under parentId, made active.
    Result<Message> beginStreaming(qint64 conversationId, qint64 parentId, const QString& model);
    // Appends text to a Streaming message (one UPDATE, committed at once: crash-safe).
    Result<void> appendToMessage(qint64 messageId, const QString& contentDelta, const QString& thinkingDelta = {});
    // Replaces the whole text of a Streaming message (when the caller keeps the full text anyway).
    Result<void> updateStreamingMessage(qint64 messageId, const QString& content, const QString& thinking = {});
    // Ends streaming: state Complete, Cancelled or Error (with errorText), plus final stats; bumps
    // the conversation's updated time and makes the text searchable.
    Result<void> finishMessage(qint64 messageId, MessageState finalState, const MessageStats& stats = {},
                               const QString& errorText = {});

    // --- Search ------------------------------------------------------------------------------
    // Full-text search over titles and message text of live conversations (FTS5 trigram tokenizer:
    // substring matching that works for CJK as well as European languages, case-insensitive).
    // Words of the query must all occur; title hits first, then messages, each newest first. Queries
    // with a word shorter than three characters fall back to a plain substring scan (LIKE,
    // case-insensitive for ASCII only), since trigrams cannot index them. An answer still streaming
    // is indexed once it is finished (or marked interrupted), so the appends stay cheap.
    Result<QList<SearchHit>> search(const QString& query, int limit = 50) const;

    // --- Export and import ---------------------------------------------------------------------
    // JSON document (format in storage/conversationexchange.h) of the given conversations, all
    // branches kept; an empty list exports every live conversation.
    Result<QByteArray> exportJson(const QList<qint64>& ids = {}) const;
    // Markdown of one conversation's active path (title, metadata, one section per message).
    Result<QString> exportMarkdown(qint64 conversationId) const;
    // The same, written to file atomically and readable by the owner only (0600, whatever the umask).
    Result<void> exportJsonToFile(const QString& file, const QList<qint64>& ids = {}) const;
    Result<void> exportMarkdownToFile(const QString& file, qint64 conversationId) const;
    // Validates the whole document first; on any problem returns InvalidArgument and changes
    // nothing. Otherwise adds every conversation as a NEW conversation (never overwrites) in one
    // transaction and returns the new ids in document order.
    Result<QList<qint64>> importJson(const QByteArray& json);

private:
    struct Impl;
    explicit ConversationStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace lantern::storage
