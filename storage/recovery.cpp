#include "storage/recovery.h"

#include "storage/database.h"
#include "storage/privatefiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <filesystem>

namespace lantern::storage {

namespace {

const QStringList kSideFiles = {QStringLiteral("-wal"), QStringLiteral("-shm")};

QString lastGoodPath(const QString& path) { return path + QStringLiteral(".lastgood"); }
QString restoreNotePath(const QString& path) { return path + QStringLiteral(".restore"); }

Error storageError(const QString& sentence) { return Error{Errc::StorageError, sentence.toStdString()}; }

// What is wrong with the database file at path, or nothing (also when it cannot be judged here: the
// store's own open then reports that). Read-only: nothing is written to a file that may be damaged.
std::optional<QString> damage(const QString& path) {
    if (!QFileInfo::exists(path) || QFileInfo(path).size() == 0) {
        return std::nullopt;
    }
    int code = 0;
    auto db = Database::open(path, true, &code);
    if (!db) {
        return Database::isDamage(code) ? std::optional<QString>(QString::fromStdString(db.error().detail)) : std::nullopt;
    }
    auto check = (*db)->run(QStringLiteral("PRAGMA quick_check"));
    if (!check) {
        return Database::isDamage((*db)->lastSqliteCode()) ? std::optional<QString>(QString::fromStdString(check.error().detail))
                                                            : std::nullopt;
    }
    const QString first = check->next() ? check->value(0).toString() : QStringLiteral("no answer");
    if (first == QStringLiteral("ok")) {
        return std::nullopt;
    }
    // The first two findings are enough to say it; the full list can run to thousands of lines.
    return QStringLiteral("SQLite's quick check of %1 found damage: %2")
        .arg(path, first.split(QLatin1Char('\n')).mid(0, 2).join(QStringLiteral("; ")));
}

// A copy that can be offered: passes quick_check and has a conversations table.
std::optional<LastGoodCopy> inspect(const QString& copy) {
    if (!QFileInfo(copy).isFile() || damage(copy)) {
        return std::nullopt;
    }
    auto db = Database::open(copy, true);
    if (!db) {
        return std::nullopt;
    }
    auto q = (*db)->run(QStringLiteral("SELECT count(*) FROM conversations WHERE deleted_ms IS NULL"));
    if (!q || !q->next()) {
        return std::nullopt;
    }
    return LastGoodCopy{copy, QFileInfo(copy).lastModified(), q->value(0).toInt()};
}

QString freeName(const QString& base) {
    QString name = base;
    for (int n = 2; QFileInfo::exists(name) || QFileInfo::exists(name + QStringLiteral("-wal")); ++n) {
        name = base + QStringLiteral("-%1").arg(n);
    }
    return name;
}

// Moves the database and its -wal/-shm to "<path><infix><stamp>" (never deletes them).
Result<QString> moveAside(const QString& path, const QString& infix) {
    const QString aside =
        freeName(path + infix + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    for (const QString& suffix : QStringList{QString()} + kSideFiles) {
        if (!QFileInfo::exists(path + suffix)) {
            continue;
        }
        if (!QFile::rename(path + suffix, aside + suffix)) {
            return std::unexpected(storageError(QStringLiteral("Moving the damaged database %1 aside to %2 failed, so "
                                                               "Lantern cannot start with an empty one. Check that its "
                                                               "folder is writable.")
                                                    .arg(path + suffix, aside + suffix)));
        }
        makeOwnerOnly(aside + suffix);
    }
    return aside;
}

bool replaceFile(const QString& from, const QString& to) {
    std::error_code ec;  // atomic on POSIX; MoveFileEx(REPLACE_EXISTING) on Windows
    std::filesystem::rename(QFile::encodeName(from).toStdString(), QFile::encodeName(to).toStdString(), ec);
    return !ec;
}

// Puts the copy named in the restore note in place of the database. The note goes first, so a restore
// that fails is not retried at every start.
Result<QString> restoreRequested(const QString& path) {
    QFile note(restoreNotePath(path));
    if (!note.open(QIODevice::ReadOnly)) {
        return QString();
    }
    const QString copy = QString::fromUtf8(note.readAll()).trimmed();
    note.close();
    note.remove();
    if (!inspect(copy)) {
        return std::unexpected(storageError(QStringLiteral("The last good copy %1 could not be restored: it is "
                                                           "missing or damaged too. The current database was kept.")
                                                .arg(copy)));
    }
    const QString incoming = path + QStringLiteral(".restoring");
    QFile::remove(incoming);
    if (!QFile::copy(copy, incoming)) {
        return std::unexpected(storageError(
            QStringLiteral("Copying the last good copy %1 to %2 failed; the current database was kept. Check the "
                           "free disk space.")
                .arg(copy, incoming)));
    }
    makeOwnerOnly(incoming);
    // What it replaces: kept aside when it holds anything, else removed (it is the empty start).
    const auto current = inspect(path);
    if (QFileInfo::exists(path) && (!current || current->conversations > 0)) {
        if (auto aside = moveAside(path, QStringLiteral(".replaced-")); !aside) {
            return std::unexpected(aside.error());
        }
    } else {
        for (const QString& suffix : QStringList{QString()} + kSideFiles) {
            QFile::remove(path + suffix);
        }
    }
    if (!replaceFile(incoming, path)) {
        return std::unexpected(storageError(QStringLiteral("Putting the last good copy in place at %1 failed; it is "
                                                           "still at %2.")
                                                .arg(path, incoming)));
    }
    return copy;
}

}  // namespace

std::optional<LastGoodCopy> findLastGood(const QString& path) {
    if (auto snapshot = inspect(lastGoodPath(path))) {
        return snapshot;
    }
    const QFileInfo db(path);
    const QFileInfoList backups = QDir(db.absolutePath())
                                      .entryInfoList({db.fileName() + QStringLiteral(".v*.bak")}, QDir::Files,
                                                     QDir::Time);  // newest first
    for (const QFileInfo& b : backups) {
        if (auto copy = inspect(b.absoluteFilePath())) {
            return copy;
        }
    }
    return std::nullopt;
}

Result<void> requestRestore(const QString& path, const QString& copy) {
    return writePrivateFile(restoreNotePath(path), copy.toUtf8());
}

Result<bool> refreshLastGood(const QString& path, qint64 maxAgeSeconds) {
    const QFileInfo last(lastGoodPath(path));
    if (last.exists() && last.lastModified().secsTo(QDateTime::currentDateTime()) < maxAgeSeconds) {
        return false;
    }
    auto db = Database::open(path, false);
    if (!db) {
        return std::unexpected(db.error());
    }
    const QString incoming = lastGoodPath(path) + QStringLiteral(".tmp");
    QFile::remove(incoming);  // a snapshot cut short earlier
    if (!createPrivateFile(incoming)) {
        return std::unexpected(storageError(QStringLiteral("The snapshot %1 cannot be created.").arg(incoming)));
    }
    if (auto r = (*db)->run(QStringLiteral("VACUUM INTO ?"), {incoming}); !r) {
        QFile::remove(incoming);
        return std::unexpected(r.error());
    }
    if (!replaceFile(incoming, lastGoodPath(path))) {
        QFile::remove(incoming);
        return std::unexpected(storageError(
            QStringLiteral("The snapshot %1 could not replace %2.").arg(incoming, lastGoodPath(path))));
    }
    return true;
}

Result<RecoveringOpen> openRecovering(const QString& path, OpenOptions options) {
    RecoveringOpen out;
    if (!options.readOnly) {
        auto restored = restoreRequested(path);
        if (!restored) {
            return std::unexpected(restored.error());
        }
        out.report.restored = !restored->isEmpty();
        out.report.restoredFrom = *restored;
    }
    if (auto problem = damage(path); problem && !options.readOnly) {
        auto aside = moveAside(path, QStringLiteral(".damaged-"));
        if (!aside) {
            return std::unexpected(aside.error());
        }
        out.report.damaged = true;
        out.report.damagedPath = *aside;
        out.report.problem = *problem;
        out.report.lastGood = findLastGood(path);
        // The snapshot goes with the damaged file, so that tomorrow's snapshot of the empty start
        // cannot replace the state the user may still want back.
        if (out.report.lastGood && out.report.lastGood->path == lastGoodPath(path)) {
            const QString kept = *aside + QStringLiteral(".lastgood");
            if (QFile::rename(lastGoodPath(path), kept)) {
                out.report.lastGood->path = kept;
            }
        }
    }
    auto store = ConversationStore::open(path, options);
    if (!store) {
        return std::unexpected(store.error());
    }
    out.store = std::move(*store);
    if (out.report.restored) {
        if (auto problem = damage(path)) {
            return std::unexpected(storageError(QStringLiteral("The restored copy does not check out: %1").arg(*problem)));
        }
    }
    if (!options.readOnly && !out.report.damaged) {
        (void)refreshLastGood(path);  // best effort: a full disk must not stop the start
    }
    return out;
}

}  // namespace lantern::storage
