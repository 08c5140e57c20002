#pragma once
// A damaged conversation database, found at start and never deleted.
//
// openRecovering() checks the file before the store uses it (the open itself, then PRAGMA quick_check).
// A damaged file is moved aside, with its -wal and -shm, to "<db>.damaged-<yyyyMMdd-HHmmss>", and an
// empty database takes its place; the report says where the damaged one went and which last good
// copy can be restored. Last good copies are "<db>.lastgood", a snapshot (VACUUM INTO, written to a
// temporary name and renamed) taken after an open that passed quick_check, at most once a day, and
// else the newest migration backup ("<db>.v<N>-<stamp>.bak") that passes quick_check.
//
// Restoring happens before the store is opened: requestRestore() leaves a note next to the database,
// and the next openRecovering() copies the last good copy in, opens it (migrating an older one) and
// verifies it. The empty database it replaces is moved aside too if anything was written to it. When
// damage is found, the snapshot is moved next to the damaged file ("<aside>.lastgood") and offered
// from there, so the next day's snapshot of the empty start cannot replace it.
#include "storage/conversationstore.h"

#include <QDateTime>
#include <QString>
#include <memory>
#include <optional>

namespace lantern::storage {

struct LastGoodCopy {
    QString path;
    QDateTime taken;        // when it was written (the file's time)
    int conversations = 0;  // live conversations in it
};

struct RecoveryReport {
    bool damaged = false;       // the database was damaged and moved aside
    QString damagedPath;        // where it is now
    QString problem;            // what was wrong, one sentence
    std::optional<LastGoodCopy> lastGood;  // what can be restored (none: only starting empty)
    bool restored = false;      // a requested restore was done at this open
    QString restoredFrom;
};

struct RecoveringOpen {
    std::unique_ptr<ConversationStore> store;
    RecoveryReport report;
};

// Opens path like ConversationStore::open, with the checks above. Fails only where the store itself
// would (a newer file, no disk, a restore whose copy turned out damaged too).
Result<RecoveringOpen> openRecovering(const QString& path, OpenOptions options = {});

// The copy that would be offered now (a valid snapshot first, else the newest valid backup).
std::optional<LastGoodCopy> findLastGood(const QString& path);

// Asks the next openRecovering(path) to restore copy (it must be one of findLastGood's).
Result<void> requestRestore(const QString& path, const QString& copy);

// Writes "<path>.lastgood" now if the last one is older than maxAge (or missing); true if written.
// openRecovering calls it after a successful open with maxAge one day.
Result<bool> refreshLastGood(const QString& path, qint64 maxAgeSeconds = 24 * 3600);

}  // namespace lantern::storage
