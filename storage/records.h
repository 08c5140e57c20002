#pragma once
// Value types the conversation store reads and writes. Plain structs, cheap to copy, safe to send
// through queued signals (no pointers into the database). Ids are SQLite rowids; 0 means "none".
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

#include "base/error.h"

namespace lantern::storage {

enum class Role { System, User, Assistant, Tool };

// Life cycle of a message. Only an assistant answer being generated is Streaming; it ends as
// Complete, Cancelled (user pressed stop), Error (errorText says why) or, if the app died while it
// was streaming, Interrupted (set on the next open, the text written so far is kept).
enum class MessageState { Complete, Streaming, Interrupted, Cancelled, Error };

// Stable lower-case names used in the database and in the JSON export ("assistant", "streaming").
QString roleName(Role role);
QString stateName(MessageState state);
std::optional<Role> roleFromName(const QString& name);
std::optional<MessageState> stateFromName(const QString& name);
// Whether a conversation's privacy / routing spelling is one the database accepts (see Conversation).
bool isValidPrivacy(const QString& privacy);
bool isValidRouting(const QString& routing);
// Both at once; InvalidArgument naming the value that is not (the schema's CHECK constraints say the same).
Result<void> checkRoutingFields(const QString& privacy, const QString& routing);

// How one answer was generated. Stored as JSON, so fields can be added without a migration.
struct MessageStats {
    double ttftMs = 0;           // time to first token
    double tokensPerSecond = 0;  // decode speed
    int promptTokens = 0;
    int generatedTokens = 0;
    QString device;  // e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"
    // Who answered (hybrid routing): an empty endpoint = this machine. Otherwise the remote endpoint's id,
    // and its name and host as they were when it answered (the endpoint may be renamed or removed later).
    QString endpoint;
    QString endpointName;
    QString endpointHost;  // "10.0.0.5:8000"
    // Tokens the remote endpoint reported for this answer (its usage); 0 for local answers. Kept apart from
    // promptTokens/generatedTokens so the cost lens can count tokens sent away separately.
    int remotePromptTokens = 0;
    int remoteCompletionTokens = 0;

    bool operator==(const MessageStats&) const = default;
};

struct Conversation {
    qint64 id = 0;
    QString title;
    QDateTime created;  // UTC, millisecond precision
    QDateTime updated;  // last change of title, settings or messages (not pin/archive/folder/bin moves)
    bool pinned = false;
    bool archived = false;
    QString folder;         // empty = no folder
    QString modelFile;      // GGUF file name the conversation was last run with
    QJsonObject settings;   // sampling settings used (temperature, top_p, ...), free-form
    QString systemPrompt;
    QString sourceLanguage;  // language pair of the translation assistant (BCP 47, e.g. "de", "ja")
    QString targetLanguage;
    QDateTime deleted;  // set while the conversation sits in the bin (see deleteConversation)
    // Hybrid routing, spelled as in the database (service/remote/router.h reads them): privacy "private" (the
    // text never leaves this machine; the default) or "remote" (may use a remote endpoint); routing "local",
    // "auto", "auto:<endpoint id>" or "remote:<endpoint id>". Changed only by setConversationPrivacy and
    // setConversationRouting (updateConversation leaves them alone); imports arrive private and local.
    QString privacy = QStringLiteral("private");
    QString routing = QStringLiteral("local");

    bool operator==(const Conversation&) const = default;
};

// One node of a conversation's message tree. Editing or regenerating a message creates a sibling
// (same parent), so older branches are kept; each node remembers which child is active.
struct Message {
    qint64 id = 0;
    qint64 conversationId = 0;
    qint64 parentId = 0;  // 0 = a root (the first message; edits of it are sibling roots)
    Role role = Role::User;
    QString content;
    QString thinking;  // reasoning text of thinking models, shown folded; may be empty
    MessageState state = MessageState::Complete;
    QString errorText;  // why, when state == Error
    QDateTime created;
    QString model;  // model that wrote it (assistant messages)
    MessageStats stats;

    bool operator==(const Message&) const = default;
};

// One search result. snippet is plain text around the hit; highlights are the hit's ranges in it
// (offset, length in QChars); snippetHtml is the same, HTML-escaped, hits wrapped in <b>...</b>.
struct SearchHit {
    qint64 conversationId = 0;
    qint64 messageId = 0;  // 0 = the conversation's title matched
    QString conversationTitle;
    QString snippet;
    QList<std::pair<int, int>> highlights;
    QString snippetHtml;
    QDateTime created;  // of the message (or conversation for a title hit)
};

// Which conversations listConversations returns. Pinned ones come first, then newest update first.
struct ConversationFilter {
    bool includeArchived = false;  // archived are hidden unless asked for
    bool onlyArchived = false;
    std::optional<QString> folder;  // only this folder ("" = no folder)
    int limit = -1;                 // -1 = all
};

}  // namespace lantern::storage
