#pragma once
// The export/import formats of conversations. Internal to storage/; ConversationStore::exportJson,
// exportMarkdown and importJson are the public entry points.
//
// JSON format, version 1 (UTF-8, one document):
//   {
//     "format": "lantern-conversations",       required, exactly this string
//     "version": 1,                             required; files of a newer version are refused
//     "exported": "2026-11-22T10:53:24.123Z",   informative
//     "conversations": [ {
//       "title": "...", "created": ISO-8601 UTC with ms, "updated": same,
//       "pinned": bool, "archived": bool, "folder": "...", "modelFile": "...",
//       "settings": { free-form object }, "systemPrompt": "...",
//       "sourceLanguage": "...", "targetLanguage": "...",
//       "activeRoot": message id or null,        the root of the active branch
//       "messages": [ {                          every branch; a parent always comes before its children
//         "id": 1, 2, ...                        numbered within the file, not database ids
//         "parent": id or null, "activeChild": id or null,
//         "role": "system" | "user" | "assistant" | "tool",
//         "state": "complete" | "streaming" | "interrupted" | "cancelled" | "error",
//         "content": "...", "thinking": "...", "error": "...", "created": ISO-8601, "model": "...",
//         "stats": { "ttftMs": n, "tokensPerSecond": n, "promptTokens": n, "generatedTokens": n,
//                    "device": "..." }
//       } ]
//     } ]
//   }
// Only "format", "version", "conversations", and per message "id", "role" and "created" are
// required; other fields default to empty/false/0. Import turns "streaming" into "interrupted" (no
// generation is running for it).
#include "base/error.h"
#include "storage/records.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace lantern::storage {

inline constexpr int kExchangeFormatVersion = 1;

// One conversation with its whole message tree, as exported or as parsed for import. In a parsed
// one, message ids and parent ids are the file's numbers.
struct ExchangeConversation {
    Conversation conversation;
    QList<Message> messages;          // parents before children
    QHash<qint64, qint64> activeChild;  // message id -> its active child id
    qint64 activeRoot = 0;
};

QJsonObject statsToJson(const MessageStats& stats);
MessageStats statsFromJson(const QJsonObject& json);

// The document for the given conversations; message ids are renumbered 1, 2, ... per conversation,
// so exporting an imported file gives the same document.
QByteArray exchangeToJson(const QList<ExchangeConversation>& conversations);

// Parses and validates a whole document (types, enums, ids unique, parents and active links point
// to messages of the same conversation, parents first). Any problem: InvalidArgument naming it.
Result<QList<ExchangeConversation>> exchangeFromJson(const QByteArray& json);

// Markdown of one conversation: title, metadata, then one section per message of path.
QString conversationToMarkdown(const Conversation& conversation, const QList<Message>& path);

}  // namespace lantern::storage
