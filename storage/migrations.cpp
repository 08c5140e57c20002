#include "storage/migrations.h"

#include <QDateTime>
#include <QFile>

#include "storage/privatefiles.h"
#include <QSqlError>

namespace lantern::storage {

namespace {

// v1: the first released schema. Times are UTC milliseconds since the epoch. The message tree is
// parent_id; the active branch is each node's active_child_id plus the conversation's
// active_root_id (no foreign key there: it would point back into a table that cascades from it).
const QStringList kSchemaV1 = {
    QStringLiteral("CREATE TABLE conversations ("
                   " id INTEGER PRIMARY KEY,"
                   " title TEXT NOT NULL DEFAULT '',"
                   " created_ms INTEGER NOT NULL,"
                   " updated_ms INTEGER NOT NULL,"
                   " pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),"
                   " archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),"
                   " folder TEXT NOT NULL DEFAULT '',"
                   " model_file TEXT NOT NULL DEFAULT '',"
                   " settings_json TEXT NOT NULL DEFAULT '{}',"
                   " system_prompt TEXT NOT NULL DEFAULT '',"
                   " active_root_id INTEGER,"
                   " deleted_ms INTEGER)"),
    QStringLiteral("CREATE TABLE messages ("
                   " id INTEGER PRIMARY KEY,"
                   " conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
                   " parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,"
                   " role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),"
                   " content TEXT NOT NULL DEFAULT '',"
                   " thinking TEXT NOT NULL DEFAULT '',"
                   " state TEXT NOT NULL DEFAULT 'complete' CHECK (state IN"
                   "  ('complete', 'streaming', 'interrupted', 'cancelled', 'error')),"
                   " error_text TEXT NOT NULL DEFAULT '',"
                   " created_ms INTEGER NOT NULL,"
                   " model TEXT NOT NULL DEFAULT '',"
                   " stats_json TEXT NOT NULL DEFAULT '{}',"
                   " active_child_id INTEGER REFERENCES messages(id) ON DELETE SET NULL)"),
    QStringLiteral("CREATE INDEX messages_by_conversation ON messages (conversation_id, id)"),
    QStringLiteral("CREATE INDEX messages_by_parent ON messages (parent_id)"),
    QStringLiteral("CREATE INDEX messages_by_active_child ON messages (active_child_id)"),
    QStringLiteral("CREATE INDEX messages_streaming ON messages (state) WHERE state = 'streaming'"),
    QStringLiteral("CREATE INDEX conversations_by_recency ON conversations (deleted_ms, pinned DESC, updated_ms DESC)"),
};

// v2: language pair, and search. Trigram tokenizer: CJK text has no spaces between words, so a
// word tokenizer (unicode61) would index whole sentences as one token; trigrams find any substring
// of three or more characters in every script, case-insensitively. Shorter queries are handled by
// a substring scan in the store. Streaming messages are indexed once they stop streaming, so the
// appends every 250 ms do not re-tokenize the growing text.
const QStringList kSchemaV2 = {
    QStringLiteral("ALTER TABLE conversations ADD COLUMN source_language TEXT NOT NULL DEFAULT ''"),
    QStringLiteral("ALTER TABLE conversations ADD COLUMN target_language TEXT NOT NULL DEFAULT ''"),
    QStringLiteral("CREATE VIRTUAL TABLE message_search USING fts5(content, tokenize = 'trigram')"),
    QStringLiteral("CREATE VIRTUAL TABLE title_search USING fts5(title, tokenize = 'trigram')"),
    QStringLiteral("CREATE TRIGGER message_search_insert AFTER INSERT ON messages"
                   " WHEN new.state <> 'streaming' BEGIN"
                   " INSERT INTO message_search (rowid, content) VALUES (new.id, new.content); END"),
    QStringLiteral("CREATE TRIGGER message_search_update AFTER UPDATE OF content, state ON messages"
                   " WHEN old.state <> 'streaming' OR new.state <> 'streaming' BEGIN"
                   " DELETE FROM message_search WHERE rowid = old.id;"
                   " INSERT INTO message_search (rowid, content)"
                   "  SELECT new.id, new.content WHERE new.state <> 'streaming'; END"),
    QStringLiteral("CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN"
                   " DELETE FROM message_search WHERE rowid = old.id; END"),
    QStringLiteral("CREATE TRIGGER title_search_insert AFTER INSERT ON conversations BEGIN"
                   " INSERT INTO title_search (rowid, title) VALUES (new.id, new.title); END"),
    QStringLiteral("CREATE TRIGGER title_search_update AFTER UPDATE OF title ON conversations BEGIN"
                   " UPDATE title_search SET title = new.title WHERE rowid = old.id; END"),
    QStringLiteral("CREATE TRIGGER title_search_delete AFTER DELETE ON conversations BEGIN"
                   " DELETE FROM title_search WHERE rowid = old.id; END"),
    QStringLiteral("INSERT INTO message_search (rowid, content)"
                   " SELECT id, content FROM messages WHERE state <> 'streaming'"),
    QStringLiteral("INSERT INTO title_search (rowid, title) SELECT id, title FROM conversations"),
};

}  // namespace

Result<void> runScript(Database& db, const QStringList& statements) {
    for (const QString& sql : statements) {
        if (auto r = db.run(sql); !r) {
            return std::unexpected(r.error());
        }
    }
    return {};
}

// v3: the translator (issue 16). A job keeps its source file's bytes, so it resumes and rewrites even when
// the file moved; its segments are rows (source, target, status, checks, which model and prompt made them)
// with a version row per change. The glossary and the memory are per language pair; the memory's source
// text is indexed by trigrams for fuzzy candidates.
const QStringList kSchemaV3 = {
    QStringLiteral("CREATE TABLE translation_jobs ("
                   " id INTEGER PRIMARY KEY,"
                   " name TEXT NOT NULL, source_path TEXT NOT NULL DEFAULT '', output_path TEXT NOT NULL DEFAULT '',"
                   " format TEXT NOT NULL, source_language TEXT NOT NULL DEFAULT '', target_language TEXT NOT NULL,"
                   " model_path TEXT NOT NULL DEFAULT '', model_hash TEXT NOT NULL DEFAULT '',"
                   " profile_id TEXT NOT NULL DEFAULT '', settings_json TEXT NOT NULL DEFAULT '{}',"
                   " state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'paused', 'done', 'failed', 'cancelled')),"
                   " error_text TEXT NOT NULL DEFAULT '',"
                   " segments_total INTEGER NOT NULL DEFAULT 0, segments_done INTEGER NOT NULL DEFAULT 0,"
                   " segments_flagged INTEGER NOT NULL DEFAULT 0,"
                   " created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,"
                   " source_bytes BLOB NOT NULL)"),
    QStringLiteral("CREATE TABLE translation_segments ("
                   " id INTEGER PRIMARY KEY,"
                   " job_id INTEGER NOT NULL REFERENCES translation_jobs(id) ON DELETE CASCADE,"
                   " ordinal INTEGER NOT NULL, unit INTEGER NOT NULL, form INTEGER NOT NULL DEFAULT 0,"
                   " part INTEGER NOT NULL DEFAULT 0, source TEXT NOT NULL, target TEXT NOT NULL DEFAULT '',"
                   " status TEXT NOT NULL CHECK (status IN ('pending', 'translated', 'flagged', 'edited', 'locked', 'memory')),"
                   " checks_json TEXT NOT NULL DEFAULT '[]', model_hash TEXT NOT NULL DEFAULT '',"
                   " template_id TEXT NOT NULL DEFAULT '', settings_json TEXT NOT NULL DEFAULT '{}',"
                   " updated_ms INTEGER NOT NULL, UNIQUE (job_id, ordinal))"),
    QStringLiteral("CREATE TABLE segment_versions ("
                   " id INTEGER PRIMARY KEY,"
                   " segment_id INTEGER NOT NULL REFERENCES translation_segments(id) ON DELETE CASCADE,"
                   " target TEXT NOT NULL, status TEXT NOT NULL, origin TEXT NOT NULL, at_ms INTEGER NOT NULL)"),
    QStringLiteral("CREATE INDEX segment_versions_by_segment ON segment_versions (segment_id, id)"),
    QStringLiteral("CREATE INDEX translation_jobs_unfinished ON translation_jobs (state, id)"),
    QStringLiteral("CREATE TABLE glossary_terms ("
                   " id INTEGER PRIMARY KEY,"
                   " source_language TEXT NOT NULL, target_language TEXT NOT NULL, project TEXT NOT NULL DEFAULT '',"
                   " source TEXT NOT NULL, target TEXT NOT NULL DEFAULT '',"
                   " dnt INTEGER NOT NULL DEFAULT 0 CHECK (dnt IN (0, 1)),"
                   " case_sensitive INTEGER NOT NULL DEFAULT 0 CHECK (case_sensitive IN (0, 1)),"
                   " note TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL,"
                   " UNIQUE (source_language, target_language, project, source))"),
    QStringLiteral("CREATE TABLE translation_memory ("
                   " id INTEGER PRIMARY KEY,"
                   " source_language TEXT NOT NULL, target_language TEXT NOT NULL,"
                   " source TEXT NOT NULL, target TEXT NOT NULL, origin TEXT NOT NULL DEFAULT '',"
                   " updated_ms INTEGER NOT NULL, UNIQUE (source_language, target_language, source))"),
    QStringLiteral("CREATE VIRTUAL TABLE memory_search USING fts5(source, tokenize = 'trigram')"),
    QStringLiteral("CREATE TRIGGER memory_search_insert AFTER INSERT ON translation_memory BEGIN"
                   " INSERT INTO memory_search (rowid, source) VALUES (new.id, new.source); END"),
    QStringLiteral("CREATE TRIGGER memory_search_delete AFTER DELETE ON translation_memory BEGIN"
                   " DELETE FROM memory_search WHERE rowid = old.id; END"),
};

// v4: hybrid routing (issue 18). Every conversation is private (never leaves this machine) and routed locally
// unless the user changes it; existing rows take these defaults. Who answered a message is in stats_json.
const QStringList kSchemaV4 = {
    QStringLiteral("ALTER TABLE conversations ADD COLUMN privacy TEXT NOT NULL DEFAULT 'private'"
                   " CHECK (privacy IN ('private', 'remote'))"),
    QStringLiteral("ALTER TABLE conversations ADD COLUMN routing TEXT NOT NULL DEFAULT 'local'"
                   " CHECK (routing IN ('local', 'auto') OR routing GLOB 'auto:?*' OR routing GLOB 'remote:?*')"),
};

const std::vector<Migration>& schemaMigrations() {
    static const std::vector<Migration> steps = {
        {1, QStringLiteral("conversations and messages"), [](Database& db) { return runScript(db, kSchemaV1); }},
        {2, QStringLiteral("language pair and full-text search"),
         [](Database& db) { return runScript(db, kSchemaV2); }},
        {3, QStringLiteral("translation jobs, segments, glossary and translation memory"),
         [](Database& db) { return runScript(db, kSchemaV3); }},
        {4, QStringLiteral("conversation privacy and routing"), [](Database& db) { return runScript(db, kSchemaV4); }},
    };
    return steps;
}

int latestSchemaVersion() { return schemaMigrations().back().version; }

Result<int> userVersion(Database& db) {
    auto q = db.run(QStringLiteral("PRAGMA user_version"));
    if (!q) {
        return std::unexpected(q.error());
    }
    return q->next() ? q->value(0).toInt() : 0;
}

Result<void> backupDatabase(Database& db, const QString& destination) {
    // VACUUM INTO is plain SQL (SQLite >= 3.27), so it runs through the same QSQLITE driver that opened
    // the file. The C backup API on the driver's handle would assume Lantern and the driver link one
    // libsqlite3, which official Qt builds for Windows and macOS break (their driver carries its own).
    // It refuses an existing file, and writes a consistent, compacted copy with user_version kept.
    // VACUUM INTO fills an empty file; creating it first (exclusively) makes the copy owner-only.
    if (!createPrivateFile(destination)) {
        return fail(Errc::StorageError, QStringLiteral("Backing up %1 to %2 before upgrading it failed: the "
                                                       "backup file already exists or cannot be created; the database was not "
                                                       "changed.")
                                            .arg(db.path(), destination)
                                            .toStdString());
    }
    if (auto copied = db.run(QStringLiteral("VACUUM INTO ?"), {destination}); !copied) {
        QFile::remove(destination);  // a partial backup would be mistaken for a good one
        Error e = copied.error();
        e.detail = QStringLiteral("Backing up %1 to %2 before upgrading it failed; the database was not changed. ")
                       .arg(db.path(), destination)
                       .toStdString() +
                   e.detail;
        return std::unexpected(e);
    }
    return {};
}

namespace {

// One step: inside its transaction, re-check the version (another connection may have migrated in
// the meantime), apply, bump user_version. PRAGMA takes no bound parameters; the number is ours.
Result<void> runStep(Database& db, const Migration& step) {
    return db.transaction([&]() -> Result<void> {
        auto now = userVersion(db);
        if (!now) {
            return std::unexpected(now.error());
        }
        if (*now >= step.version) {
            return {};
        }
        if (*now != step.version - 1) {
            return fail(Errc::StorageError, QStringLiteral("The database %1 is at version %2 but the next "
                                                           "upgrade step expects version %3.")
                                                .arg(db.path())
                                                .arg(*now)
                                                .arg(step.version - 1)
                                                .toStdString());
        }
        if (auto r = step.apply(db); !r) {
            return r;
        }
        if (auto r = db.run(QStringLiteral("PRAGMA user_version = %1").arg(step.version)); !r) {
            return std::unexpected(r.error());
        }
        return {};
    });
}

}  // namespace

Result<int> migrate(Database& db, const std::vector<Migration>& steps) {
    auto found = userVersion(db);
    if (!found) {
        return found;
    }
    const int latest = steps.empty() ? 0 : steps.back().version;
    if (*found > latest) {
        return fail(Errc::StorageTooNew,
                    QStringLiteral("The database %1 was written by a newer version of Lantern (schema %2; this "
                                   "version understands up to %3). It was left untouched; update Lantern to "
                                   "open it.")
                        .arg(db.path())
                        .arg(*found)
                        .arg(latest)
                        .toStdString());
    }
    if (*found == latest) {
        return found;
    }
    if (db.readOnly()) {
        return fail(Errc::StorageError, QStringLiteral("The database %1 needs an upgrade from schema %2 to %3, "
                                                       "which is impossible while it is opened read-only.")
                                            .arg(db.path())
                                            .arg(*found)
                                            .arg(latest)
                                            .toStdString());
    }
    if (*found > 0) {
        const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddHHmmsszzz"));
        const QString backup = QStringLiteral("%1.v%2-%3.bak").arg(db.path()).arg(*found).arg(stamp);
        if (auto b = backupDatabase(db, backup); !b) {
            return std::unexpected(b.error());
        }
    }
    for (const Migration& step : steps) {
        if (step.version <= *found) {
            continue;
        }
        if (auto r = runStep(db, step); !r) {
            Error e = r.error();
            e.detail = QStringLiteral("Upgrading the database to schema %1 (%2) failed and was rolled back: ")
                           .arg(step.version)
                           .arg(step.summary)
                           .toStdString() +
                       e.detail;
            return std::unexpected(e);
        }
    }
    return found;
}

}  // namespace lantern::storage
