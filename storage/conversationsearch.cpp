#include "storage/conversationsearch.h"

#include <QRegularExpression>
#include <algorithm>

namespace lantern::storage {

namespace {

constexpr QChar kMarkStart = QChar(0x02);
constexpr QChar kMarkEnd = QChar(0x03);
constexpr int kTrigram = 3;
constexpr int kSnippetBefore = 30;  // characters of context before the first hit of a snippet
constexpr int kSnippetAfter = 90;

// An FTS5 query that matches every word as a literal substring: each word becomes a quoted string
// (inner quotes doubled), so operators and punctuation typed by the user are never FTS syntax.
QString ftsQuery(const QStringList& words) {
    QStringList quoted;
    for (QString w : words) {
        quoted.append(QLatin1Char('"') + w.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"'));
    }
    return quoted.join(QLatin1Char(' '));
}

QString likePattern(QString word) {
    word.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    word.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    word.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + word + QLatin1Char('%');
}

// A window of text around the first occurrence of any word, every occurrence marked.
QString markedWindow(const QString& text, const QStringList& words) {
    qsizetype first = text.size();
    for (const QString& w : words) {
        const qsizetype at = text.indexOf(w, 0, Qt::CaseInsensitive);
        if (at >= 0) {
            first = std::min(first, at);
        }
    }
    if (first == text.size()) {
        first = 0;
    }
    const qsizetype begin = std::max<qsizetype>(0, first - kSnippetBefore);
    const qsizetype end = std::min<qsizetype>(text.size(), first + kSnippetAfter);
    QString marked = begin > 0 ? QStringLiteral("…") : QString();
    qsizetype i = begin;
    while (i < end) {
        qsizetype hitLength = 0;
        for (const QString& w : words) {
            if (i + w.size() <= text.size() && QStringView(text).mid(i, w.size()).compare(w, Qt::CaseInsensitive) == 0) {
                hitLength = std::max(hitLength, w.size());
            }
        }
        if (hitLength > 0) {
            marked += kMarkStart + text.mid(i, hitLength) + kMarkEnd;
            i += hitLength;
        } else {
            marked += text.at(i++);
        }
    }
    if (i < text.size()) {
        marked += QStringLiteral("…");
    }
    return marked;
}

// Snippets are shown as plain text: markdown syntax (emphasis markers, code ticks, heading and quote
// markers, link targets) is dropped and lines are joined, keeping the \x02/\x03 hit marks in place.
QString withoutMarkdown(const QString& marked) {
    static const QRegularExpression image(QStringLiteral("!\\[([^\\]]*)\\]\\([^)]*\\)"));
    static const QRegularExpression link(QStringLiteral("\\[([^\\]]*)\\]\\([^)]*\\)"));
    static const QRegularExpression lineMarkers(QStringLiteral("(^|\\n)[ \\t]*(#{1,6}[ \\t]+|>[ \\t]?|[-*+][ \\t]+|```[^\\n]*)"));
    static const QRegularExpression emphasis(QStringLiteral("\\*\\*|__|~~|`"));
    // *word* and _word_ (not the underscores inside snake_case names).
    static const QRegularExpression single(QStringLiteral("(?<![\\w*])\\*(?=\\S)(.+?)(?<=\\S)\\*(?![\\w*])|"
                                                          "(?<![\\w_])_(?=\\S)(.+?)(?<=\\S)_(?![\\w_])"));
    static const QRegularExpression spaces(QStringLiteral("\\s*\\n\\s*|[ \\t]{2,}"));
    QString s = marked;
    s.replace(image, QStringLiteral("\\1"));
    s.replace(link, QStringLiteral("\\1"));
    s.replace(lineMarkers, QStringLiteral("\\1"));
    s.replace(emphasis, QString());
    s.replace(single, QStringLiteral("\\1\\2"));
    s.replace(spaces, QStringLiteral(" "));
    return s.trimmed();
}

SearchHit hitFromRow(const QSqlQuery& q, bool title) {
    SearchHit h;
    h.conversationId = q.value(1).toLongLong();
    h.messageId = title ? 0 : q.value(0).toLongLong();
    h.conversationTitle = q.value(2).toString();
    h.created = fromStoredTime(q.value(3));
    return h;
}

// Where `out` holds the title hit of a conversation whose title only repeats the start of `content` (titles
// are made from the first message), or -1. Listing both showed the same line twice; the message hit is the
// one to keep, since it jumps to the message.
qsizetype echoedTitleHit(const QList<SearchHit>& out, qsizetype titleHits, qint64 conversationId,
                         const QString& content) {
    for (qsizetype i = 0; i < titleHits; ++i) {
        const SearchHit& t = out[i];
        if (t.conversationId != conversationId || t.messageId != 0) {
            continue;
        }
        QString stem = t.conversationTitle;
        if (stem.endsWith(QChar(0x2026))) {
            stem.chop(1);
        }
        stem = stem.trimmed();
        return !stem.isEmpty() && content.simplified().startsWith(stem) ? i : -1;
    }
    return -1;
}

// Runs a hit query (columns: id, conversation id, title, created, text). Title queries pass title = true;
// a message hit that repeats a title hit already in `out` takes that hit's place.
Result<void> collect(Database& db, const QString& sql, const QVariantList& binds, bool title, QList<SearchHit>& out,
                     const QStringList& words) {
    auto q = db.run(sql, binds);
    if (!q) {
        return std::unexpected(q.error());
    }
    const qsizetype titleHits = title ? 0 : out.size();
    while (q->next()) {
        SearchHit h = hitFromRow(*q, title);
        const QString text = q->value(4).toString();
        setMarkedSnippet(h, withoutMarkdown(markedWindow(text, words)));
        const qsizetype echoed = title ? -1 : echoedTitleHit(out, titleHits, h.conversationId, text);
        if (echoed >= 0) {
            out[echoed] = h;
        } else {
            out.append(h);
        }
    }
    return {};
}

// FTS5 path, newest first. FTS5 hands out matches in rowid order (rowid = message or conversation id,
// which grow with time) and the query stops at the LIMIT, with snippets built for returned rows only, so
// a word found in most of 500,000 messages costs what a rare one does (~2 ms). Relevance ranking (bm25)
// would have to score every match first: a second for a common word at that size. Newest first is also
// what a person searching their own chats usually wants. Binned conversations are filtered in the same
// scan (primary-key lookups per candidate). Snippets are cut in C++ (markedWindow) for the returned rows:
// FTS5's snippet() counts trigram tokens, which made windows of only a few words.
Result<QList<SearchHit>> searchIndexed(Database& db, const QStringList& words, int limit) {
    const QString match = ftsQuery(words);
    QList<SearchHit> hits;
    const QString titles = QStringLiteral(
        "SELECT c.id, c.id, c.title, c.created_ms, c.title"
        " FROM title_search JOIN conversations c ON c.id = title_search.rowid"
        " WHERE title_search MATCH ? AND c.deleted_ms IS NULL ORDER BY title_search.rowid DESC LIMIT ?");
    if (auto r = collect(db, titles, {match, limit}, true, hits, words); !r) {
        return std::unexpected(r.error());
    }
    const int rest = limit - static_cast<int>(hits.size());
    if (rest <= 0) {
        return hits;
    }
    const QString messages = QStringLiteral(
        "SELECT m.id, m.conversation_id, c.title, m.created_ms, m.content"
        " FROM message_search JOIN messages m ON m.id = message_search.rowid"
        " JOIN conversations c ON c.id = m.conversation_id"
        " WHERE message_search MATCH ? AND c.deleted_ms IS NULL ORDER BY message_search.rowid DESC LIMIT ?");
    if (auto r = collect(db, messages, {match, rest}, false, hits, words); !r) {
        return std::unexpected(r.error());
    }
    return hits;
}

// Scan path for words too short for trigrams.
Result<QList<SearchHit>> searchScanned(Database& db, const QStringList& words, int limit) {
    QString titleWhere;
    QString messageWhere;
    QVariantList binds;
    for (const QString& w : words) {
        titleWhere += QStringLiteral(" AND c.title LIKE ? ESCAPE '\\'");
        messageWhere += QStringLiteral(" AND m.content LIKE ? ESCAPE '\\'");
        binds.append(likePattern(w));
    }
    QList<SearchHit> hits;
    QVariantList titleBinds = binds;
    titleBinds.append(limit);
    const QString titles = QStringLiteral("SELECT c.id, c.id, c.title, c.created_ms, c.title FROM conversations c"
                                          " WHERE c.deleted_ms IS NULL") +
                           titleWhere + QStringLiteral(" ORDER BY c.updated_ms DESC LIMIT ?");
    if (auto r = collect(db, titles, titleBinds, true, hits, words); !r) {
        return std::unexpected(r.error());
    }
    const int rest = limit - static_cast<int>(hits.size());
    if (rest <= 0) {
        return hits;
    }
    binds.append(rest);
    const QString messages = QStringLiteral("SELECT m.id, m.conversation_id, c.title, m.created_ms, m.content"
                                            " FROM messages m JOIN conversations c ON c.id = m.conversation_id"
                                            " WHERE c.deleted_ms IS NULL AND m.state <> 'streaming'") +
                             messageWhere + QStringLiteral(" ORDER BY m.created_ms DESC, m.id DESC LIMIT ?");
    if (auto r = collect(db, messages, binds, false, hits, words); !r) {
        return std::unexpected(r.error());
    }
    return hits;
}

}  // namespace

void setMarkedSnippet(SearchHit& hit, const QString& marked) {
    hit.snippet.clear();
    hit.highlights.clear();
    hit.snippetHtml.clear();
    int start = -1;
    for (const QChar c : marked) {
        if (c == kMarkStart) {
            start = static_cast<int>(hit.snippet.size());
            hit.snippetHtml += QStringLiteral("<b>");
        } else if (c == kMarkEnd) {
            if (start >= 0) {
                hit.highlights.append({start, static_cast<int>(hit.snippet.size()) - start});
            }
            start = -1;
            hit.snippetHtml += QStringLiteral("</b>");
        } else {
            hit.snippet += c;
            hit.snippetHtml += QString(c).toHtmlEscaped();
        }
    }
}

Result<QList<SearchHit>> searchConversations(Database& db, const QString& query, int limit) {
    static const QRegularExpression space(QStringLiteral("\\s+"));
    const QStringList words = query.split(space, Qt::SkipEmptyParts);
    if (words.isEmpty() || limit <= 0) {
        return QList<SearchHit>{};
    }
    const bool indexable = std::all_of(words.cbegin(), words.cend(), [](const QString& w) {
        return w.toUcs4().size() >= kTrigram;  // trigrams count code points, not UTF-16 units
    });
    return indexable ? searchIndexed(db, words, limit) : searchScanned(db, words, limit);
}

}  // namespace lantern::storage
