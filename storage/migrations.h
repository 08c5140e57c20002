#pragma once
// Schema migrations, strictly (KDE Kasts' scheme): PRAGMA user_version is the schema version; one
// migration per version, run in one transaction that also bumps the version; the first failure
// rolls its step back and stops; a database newer than this build is refused untouched; an existing
// file is backed up (SQLite online backup) before its first migration step. Internal to storage/.
//
// History (never edit a released step; add a new one):
//   v1  conversations and messages (tree, active branch, soft delete)
//   v2  language pair of the translation assistant; FTS5 trigram search over titles and messages,
//       kept in sync by triggers and back-filled from existing rows
//   v3  translation jobs, segments, glossary, translation memory
//   v4  conversations.privacy ('private' | 'remote') and conversations.routing ('local' | 'auto' |
//       'auto:<endpoint id>' | 'remote:<endpoint id>'); existing conversations become private and local
#include "storage/database.h"

#include <QString>
#include <functional>
#include <vector>

namespace lantern::storage {

struct Migration {
    int version = 0;  // user_version once this step has run
    QString summary;  // for error messages
    std::function<Result<void>(Database&)> apply;
};

// Every step of the app's schema, oldest first, versions 1, 2, ... without gaps.
const std::vector<Migration>& schemaMigrations();
int latestSchemaVersion();

Result<int> userVersion(Database& db);

// Brings db to the last version of steps (see the header comment for the rules). Returns the
// version found before migrating. A fresh (empty, version 0) file is not backed up.
Result<int> migrate(Database& db, const std::vector<Migration>& steps);

// Copies the whole database to destination with SQLite's online backup API (consistent even while
// other connections write).
Result<void> backupDatabase(Database& db, const QString& destination);

// Runs each statement of a list in order (the schema scripts); stops at the first failure.
Result<void> runScript(Database& db, const QStringList& statements);

}  // namespace lantern::storage
