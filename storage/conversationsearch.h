#pragma once
// Full-text search over conversation titles and message text (FTS5, trigram tokenizer; see
// migrations.h v2 for why trigram). Internal to storage/; ConversationStore::search calls it.
#include "storage/database.h"
#include "storage/records.h"

#include <QList>
#include <QString>

namespace lantern::storage {

// Every whitespace-separated word of query must occur (as a substring, case-insensitively). Title
// hits come first, then message hits, each best-first (bm25); at most limit hits in all. A word of
// fewer than three characters cannot be looked up in a trigram index, so such queries scan the
// text instead (LIKE; case-insensitive for ASCII only), newest first.
Result<QList<SearchHit>> searchConversations(Database& db, const QString& query, int limit);

// Fills snippet, highlights and snippetHtml of hit from text whose hits are wrapped in the marker
// characters U+0002 (start) and U+0003 (end), as FTS5's snippet() returns it.
void setMarkedSnippet(SearchHit& hit, const QString& marked);

}  // namespace lantern::storage
