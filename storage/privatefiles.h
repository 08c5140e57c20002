#pragma once
// Conversations are private: every file Lantern writes about them (the database, its -wal and -shm,
// snapshots, backups, exports) is readable by its owner only (0600) and folders it creates are 0700,
// whatever the umask. On Windows the user's profile ACLs already do this; these calls do nothing there.
// Internal to storage/.
#include "base/error.h"

#include <QByteArray>
#include <QString>

namespace lantern::storage {

// chmod 0600 (a file) or 0700 (a folder) when it exists; false when that failed.
bool makeOwnerOnly(const QString& path);
// Creates folder (and missing parents) as 0700; an existing folder is left as it is.
bool createPrivateFolder(const QString& folder);
// Creates an empty file as 0600; false when it exists already or cannot be created.
bool createPrivateFile(const QString& path);
// Writes bytes to path atomically (temporary file, then rename) as a 0600 file.
Result<void> writePrivateFile(const QString& path, const QByteArray& bytes);

}  // namespace lantern::storage
