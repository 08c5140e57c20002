#include "service/library/localmodels.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QMap>
#include <QSettings>
#include <QStorageInfo>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>

#include "inference/engine.h"
#include "service/errortext.h"
#include "service/library/hubclient.h"

namespace lantern::service {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("LocalModels", text);
}

std::filesystem::path fsPath(const QString& path) {
    // UTF-16 converts to the native encoding on every platform (UTF-8 bytes on POSIX, wide on Windows).
    return std::filesystem::path(path.toStdU16String());
}

QString sizeText(qint64 bytes) {
    return QLocale().formattedDataSize(bytes);
}

// A file or a symbolic link, a dangling one included (QFileInfo::exists() follows links).
bool present(const QString& path) {
    const QFileInfo info(path);
    return info.exists() || info.isSymLink();
}

bool cancelled(const std::atomic<bool>* cancel) {
    return cancel && cancel->load();
}

// QStorageInfo of a folder that may not exist yet: the nearest existing folder above it is on the same
// volume.
QStorageInfo storageOf(const QString& path) {
    QString p = QDir(path).absolutePath();
    while (!QFileInfo::exists(p) && !QDir(p).isRoot()) {
        p = QFileInfo(p).absolutePath();
    }
    return QStorageInfo(p);
}

// Copies src to dst in chunks, so a copy of tens of gigabytes reports progress and stops when cancelled.
// `done` counts bytes over all the files of one operation. "" when copied and the sizes match; else why, and
// dst is removed (no file is left half-copied).
QString copyFile(const QString& src, const QString& dst, qint64 total, qint64* done,
                 const ProgressFn& progress, const std::atomic<bool>* cancel, bool* wasCancelled) {
    QFile in(src);
    QFile out(dst);
    if (!in.open(QIODevice::ReadOnly)) {
        return tr("%1 could not be read: %2").arg(QDir::toNativeSeparators(src), in.errorString());
    }
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        return tr("%1 could not be written: %2").arg(QDir::toNativeSeparators(dst), out.errorString());
    }
    constexpr qint64 kChunk = qint64(4) << 20;
    QByteArray buffer;
    QString error;
    for (;;) {
        buffer = in.read(kChunk);
        if (buffer.isEmpty()) {
            if (in.error() != QFileDevice::NoError) {
                error = tr("%1 could not be read: %2").arg(QDir::toNativeSeparators(src), in.errorString());
            }
            break;
        }
        // Checked once there is more to copy: a cancel during the last chunk leaves this file complete.
        if (cancelled(cancel)) {
            *wasCancelled = true;
            break;
        }
        if (out.write(buffer) != buffer.size()) {
            error = tr("%1 could not be written: %2").arg(QDir::toNativeSeparators(dst), out.errorString());
            break;
        }
        *done += buffer.size();
        if (progress) {
            progress(*done, total);
        }
    }
    if (error.isEmpty() && !*wasCancelled && (!out.flush() || out.size() != in.size())) {
        error = tr("the copy of %1 is %2 instead of %3 (is the disk full?)")
                    .arg(QDir::toNativeSeparators(src), sizeText(out.size()), sizeText(in.size()));
    }
    out.close();
    if (!error.isEmpty() || *wasCancelled) {
        out.remove();
    }
    return error;
}

// The name a copy is written under until it is complete: hidden and not *.gguf, so neither the scan nor a
// load ever sees it, and *.part, which the library already ignores.
QString tempName(const QString& finalPath, const char* what) {
    const QFileInfo f(finalPath);
    return f.dir().filePath(QStringLiteral(".%1.%2.part").arg(f.fileName(), QLatin1String(what)));
}

LocalModel describeModel(const QString& path, const QStringList& files, const QString& fallbackName,
                         QSettings* settings, const QString& error) {
    LocalModel m;
    m.path = path;
    m.files = files;
    m.name = fallbackName;
    for (const QString& f : files) {
        m.sizeBytes += QFileInfo(f).size();  // a link counts its target's size: what loading it reads
    }
    const QFileInfo info(path);
    m.isLink = info.isSymLink();
    if (settings) {
        m.lastUsed = lastUsed(*settings, path);
    }
    m.error = error;
    if (!m.error.isEmpty()) {
        return m;
    }
    if (m.isLink && !info.exists()) {
        m.error =
            tr("This is a link to %1, which is missing (on a disk that is not connected?). Connect it again, "
               "or delete the link.")
                .arg(QDir::toNativeSeparators(info.symLinkTarget()));
        return m;
    }
    auto inspected = Engine::inspect(fsPath(path));
    if (!inspected) {
        m.error = describeError(inspected.error());
        return m;
    }
    m.name = QString::fromStdString(inspected->name);
    m.quantization = QString::fromStdString(inspected->quantization);
    m.architecture = QString::fromStdString(inspected->architecture);
    m.parameters = inspected->parameters;
    m.contextLength = inspected->trainedContext;
    return m;
}

}  // namespace

std::vector<LocalModel> scanModels(const QString& dir, QSettings* settings) {
    // System lists dangling symbolic links too: a model imported by link whose disk is gone is still listed,
    // so it can be deleted. Not recursive: .downloads/ (partial downloads) is a folder below.
    const QFileInfoList infos =
        QDir(dir).entryInfoList({QStringLiteral("*.gguf")}, QDir::Files | QDir::System, QDir::Name);
    struct SplitSet {
        QString base;
        int count = 0;
        QMap<int, QString> parts;  // part number -> absolute path
    };
    QMap<QString, SplitSet> sets;  // "<base>/<count>": parts that disagree on the count are different sets
    std::vector<LocalModel> models;
    for (const QFileInfo& info : infos) {
        const QString path = info.absoluteFilePath();
        if (const SplitName s = parseSplitName(info.fileName()); s.count > 0) {
            SplitSet& set = sets[s.base + QLatin1Char('/') + QString::number(s.count)];
            set.base = s.base;
            set.count = s.count;
            set.parts.insert(s.index, path);
            continue;
        }
        QString stem = info.fileName();
        stem.chop(5);  // ".gguf"
        models.push_back(describeModel(path, {path}, stem, settings, {}));
    }
    for (const SplitSet& set : std::as_const(sets)) {
        QStringList missing;
        for (int part = 1; part <= set.count; ++part) {
            if (!set.parts.contains(part)) {
                missing << splitPartName(set.base, part, set.count);
            }
        }
        const QString error =
            missing.isEmpty()
                ? QString()
                : tr("This split model has %1 of its %2 parts; missing: %3. Download it again, or delete it.")
                      .arg(set.parts.size())
                      .arg(set.count)
                      .arg(missing.join(QStringLiteral(", ")));
        const QStringList files = set.parts.values();  // QMap keeps part order
        models.push_back(describeModel(files.first(), files, set.base, settings, error));
    }
    std::sort(models.begin(), models.end(), [](const LocalModel& a, const LocalModel& b) {
        const int c = a.name.compare(b.name, Qt::CaseInsensitive);
        return c != 0 ? c < 0 : a.path < b.path;
    });
    return models;
}

namespace {
QString usedKey(const QString& path) {
    return QStringLiteral("library/lastUsed/") + QFileInfo(path).fileName();
}
}  // namespace

void markUsed(QSettings& settings, const QString& path) {
    settings.setValue(usedKey(path), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
}

QDateTime lastUsed(QSettings& settings, const QString& path) {
    return QDateTime::fromString(settings.value(usedKey(path)).toString(), Qt::ISODateWithMs);
}

QString deleteModel(const LocalModel& model) {
    const QStringList files = model.files.isEmpty() ? QStringList{model.path} : model.files;
    int deleted = 0;
    for (const QString& f : files) {
        if (!present(f)) {
            continue;  // a part already gone is not a reason to keep the others
        }
        QFile file(f);
        // QFile::remove on a link removes the link, never the file it points to.
        if (!file.remove()) {
            if (deleted == 0) {
                return tr("%1 could not be deleted: %2. Nothing was deleted.")
                    .arg(QDir::toNativeSeparators(f), file.errorString());
            }
            return tr("%1 of the model's files were deleted, but %2 could not be: %3. Delete it by hand.")
                .arg(deleted)
                .arg(QDir::toNativeSeparators(f), file.errorString());
        }
        ++deleted;
    }
    return {};
}

namespace {

// The files a model to import consists of: the file itself, or every part of its split set in order.
QString sourceParts(const QString& source, QStringList* parts) {
    const QFileInfo src(source);
    if (!src.isFile()) {
        return tr("%1 is not a file.").arg(QDir::toNativeSeparators(source));
    }
    const SplitName split = parseSplitName(src.fileName());
    if (split.count == 0) {
        *parts = {src.absoluteFilePath()};
        return {};
    }
    for (int part = 1; part <= split.count; ++part) {
        const QString p = src.dir().absoluteFilePath(splitPartName(split.base, part, split.count));
        if (!QFileInfo(p).isFile()) {
            return tr("%1 is part %2 of a split model, but its part %3 (%4) is not beside it. Put all %5 "
                      "parts in "
                      "one folder and import again.")
                .arg(src.fileName())
                .arg(split.index)
                .arg(part)
                .arg(QFileInfo(p).fileName())
                .arg(split.count);
        }
        *parts << p;
    }
    return {};
}

QString linkParts(const QStringList& parts, const QStringList& targets) {
    for (int i = 0; i < parts.size(); ++i) {
        // The canonical path: a link relative to where the file was found would break when either moves.
        if (!QFile::link(QFileInfo(parts[i]).canonicalFilePath(), targets[i])) {
            for (int j = 0; j < i; ++j) {
                QFile::remove(targets[j]);
            }
            return tr("A link to %1 could not be made in the models folder (the file system may not allow "
                      "links). "
                      "Import it as a copy instead.")
                .arg(QDir::toNativeSeparators(parts[i]));
        }
    }
    return {};
}

QString copyParts(const QStringList& parts, const QStringList& targets, const ProgressFn& progress,
                  const std::atomic<bool>* cancel) {
    qint64 total = 0;
    for (const QString& p : parts) {
        total += QFileInfo(p).size();
    }
    const QStorageInfo storage = storageOf(QFileInfo(targets.first()).path());
    if (storage.isValid() && storage.bytesAvailable() < total) {
        return tr("There is not enough free space for this model in %1: it needs %2 and %3 are free.")
            .arg(QDir::toNativeSeparators(QFileInfo(targets.first()).path()), sizeText(total),
                 sizeText(storage.bytesAvailable()));
    }
    // Every part goes to a temporary name first and is renamed only when all are complete, so a cancel or a
    // failure half-way leaves no model that looks whole.
    QStringList temps;
    for (const QString& t : targets) {
        temps << tempName(t, "importing");
    }
    const auto removeAll = [&] {
        for (const QString& t : temps) {
            QFile::remove(t);
        }
    };
    qint64 done = 0;
    for (int i = 0; i < parts.size(); ++i) {
        bool wasCancelled = false;
        const QString error = copyFile(parts[i], temps[i], total, &done, progress, cancel, &wasCancelled);
        if (wasCancelled || !error.isEmpty()) {
            removeAll();
            return wasCancelled
                       ? tr("The import was cancelled; nothing was added to the models folder.")
                       : tr("The model could not be imported: %1. Nothing was added to the models folder.")
                             .arg(error);
        }
    }
    for (int i = 0; i < parts.size(); ++i) {
        if (!QFile::rename(temps[i], targets[i])) {
            for (int j = 0; j < i; ++j) {
                QFile::remove(targets[j]);
            }
            removeAll();
            return tr("The copy could not be renamed to %1. Nothing was added to the models folder.")
                .arg(QDir::toNativeSeparators(targets[i]));
        }
    }
    return {};
}

}  // namespace

QString importModel(const QString& source, const QString& dir, ImportMode mode, QString* importedPath,
                    const ProgressFn& progress, const std::atomic<bool>* cancel) {
    QStringList parts;
    if (QString error = sourceParts(source, &parts); !error.isEmpty()) {
        return error;
    }
    // The engine's own check, so nothing that Lantern cannot load ends up in the folder.
    if (auto info = Engine::inspect(fsPath(parts.first())); !info) {
        return describeError(info.error());
    }
    if (!QDir().mkpath(dir)) {
        return tr("The models folder %1 could not be created.").arg(QDir::toNativeSeparators(dir));
    }
    QStringList targets;
    for (const QString& p : parts) {
        const QString t = QDir(dir).absoluteFilePath(QFileInfo(p).fileName());
        if (present(t)) {
            return tr("The models folder already has a file named %1. Delete that model first, or rename the "
                      "file "
                      "you import.")
                .arg(QFileInfo(p).fileName());
        }
        targets << t;
    }
    const QString error =
        mode == ImportMode::Link ? linkParts(parts, targets) : copyParts(parts, targets, progress, cancel);
    if (error.isEmpty() && importedPath) {
        *importedPath = targets.first();
    }
    return error;
}

namespace {

struct MoveItem {
    QString relative;  // to the models folder: "a.gguf", ".downloads/x.gguf.part"
    qint64 bytes = 0;  // 0 for a link: moving it copies no data
    bool link = false;
};

std::vector<MoveItem> itemsToMove(const QDir& from) {
    std::vector<MoveItem> items;
    for (const QFileInfo& f :
         from.entryInfoList({QStringLiteral("*.gguf")}, QDir::Files | QDir::System, QDir::Name)) {
        items.push_back({f.fileName(), f.isSymLink() ? 0 : f.size(), f.isSymLink()});
    }
    const QString downloads = from.filePath(QStringLiteral(".downloads"));
    QDirIterator it(downloads, QDir::Files | QDir::System | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo f(it.next());
        items.push_back({from.relativeFilePath(f.filePath()), f.isSymLink() ? 0 : f.size(), f.isSymLink()});
    }
    return items;
}

// Moves one file by copying it (another file system): a temporary name until complete and checked, then the
// final name, then the original is deleted. "" when moved.
QString copyAcross(const MoveItem& item, const QString& src, const QString& dst, qint64 total, qint64* done,
                   const ProgressFn& progress, const std::atomic<bool>* cancel, bool* wasCancelled) {
    if (item.link) {
        // The link itself moves, pointing where it pointed (its target is absolute, see linkParts).
        if (!QFile::link(QFileInfo(src).symLinkTarget(), dst)) {
            return tr("the link could not be made there");
        }
    } else {
        const QString temp = tempName(dst, "moving");
        if (QString error = copyFile(src, temp, total, done, progress, cancel, wasCancelled);
            !error.isEmpty() || *wasCancelled) {
            return error;
        }
        if (!QFile::rename(temp, dst)) {
            QFile::remove(temp);
            return tr("the copy could not be renamed to its name");
        }
    }
    QFile original(src);
    if (!original.remove()) {
        // Both copies exist: the new one is complete, so keep it and say the old one is still there.
        return tr("it was copied, but the original could not be deleted (%1); delete it by hand")
            .arg(original.errorString());
    }
    return {};
}

void removeEmptyFolders(const QString& root) {
    QDirIterator it(root, QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
    QStringList dirs;
    while (it.hasNext()) {
        dirs << it.next();
    }
    // Deepest first, so a parent is empty by the time it comes.
    std::sort(dirs.begin(), dirs.end(),
              [](const QString& a, const QString& b) { return a.size() > b.size(); });
    for (const QString& d : dirs) {
        QDir().rmdir(d);
    }
    QDir().rmdir(root);
}

}  // namespace

namespace {

// Moves one file: a rename on one volume, else (or when the rename says EXDEV) a copy. "" when moved, else
// why (a phrase for the sentence moveModelsFolder makes); *wasCancelled when the copy was cancelled.
QString moveOne(const MoveItem& item, const QString& s, const QString& d, bool sameVolume, qint64 total,
                qint64* done, const ProgressFn& progress, const std::atomic<bool>* cancel,
                bool* wasCancelled) {
    QDir().mkpath(QFileInfo(d).path());
    if (sameVolume) {
        std::error_code ec;
        std::filesystem::rename(fsPath(s), fsPath(d), ec);
        if (!ec) {
            *done += item.bytes;
            if (progress) {
                progress(*done, total);
            }
            return {};
        }
        // Two mounts of one device (a bind mount, a btrfs subvolume) refuse a rename: copy that file.
        if (ec != std::errc::cross_device_link) {
            return QString::fromStdString(ec.message());
        }
        if (storageOf(QFileInfo(d).path()).bytesAvailable() < item.bytes) {
            return tr("there is not enough free space for it");
        }
    }
    const QString error = copyAcross(item, s, d, total, done, progress, cancel, wasCancelled);
    if (error.isEmpty() && !*wasCancelled && item.link && progress) {
        progress(*done, total);
    }
    return error;
}

}  // namespace

QString moveModelsFolder(const QString& from, const QString& to, const ProgressFn& progress,
                         const std::atomic<bool>* cancel) {
    const QDir src(from);
    const QDir dst(to);
    const QString fromText = QDir::toNativeSeparators(src.absolutePath());
    const QString toText = QDir::toNativeSeparators(dst.absolutePath());
    if (!src.exists()) {
        return tr("The models folder %1 does not exist.").arg(fromText);
    }
    if (dst.exists() && src.canonicalPath() == dst.canonicalPath()) {
        return {};
    }
    const QString downloads = src.absoluteFilePath(QStringLiteral(".downloads"));
    if (dst.absolutePath() == downloads || dst.absolutePath().startsWith(downloads + QLatin1Char('/'))) {
        return tr("The models cannot move into their own .downloads folder; choose another folder.");
    }
    const std::vector<MoveItem> items = itemsToMove(src);
    qint64 total = 0;
    for (const MoveItem& item : items) {
        total += item.bytes;
        if (present(dst.filePath(item.relative))) {
            return tr("%1 already has a file named %2, so nothing was moved. Move or delete that file first.")
                .arg(toText, item.relative);
        }
    }
    if (!QDir().mkpath(dst.absolutePath())) {
        return tr("The folder %1 could not be created, so nothing was moved.").arg(toText);
    }
    // One volume means one device and one mount point: every tmpfs is named "tmpfs", and Linux refuses a
    // rename between two mounts of one file system.
    const QStorageInfo fromVolume(src.absolutePath());
    const QStorageInfo toVolume(dst.absolutePath());
    const bool sameVolume =
        fromVolume.device() == toVolume.device() && fromVolume.rootPath() == toVolume.rootPath();
    const qint64 free = toVolume.bytesAvailable();
    if (!sameVolume && free >= 0 && free < total) {
        return tr("There is not enough free space in %1 for the models: they need %2 and %3 are free. "
                  "Nothing "
                  "was moved.")
            .arg(toText, sizeText(total), sizeText(free));
    }
    qint64 done = 0;
    int moved = 0;
    const auto stopped = [&](const QString& what) {
        return tr("%1 %2 of %3 files are now in %4; the rest are still in %5, and nothing was lost.")
            .arg(what)
            .arg(moved)
            .arg(items.size())
            .arg(toText, fromText);
    };
    for (const MoveItem& item : items) {
        bool wasCancelled = cancelled(cancel);
        const QString error = wasCancelled
                                  ? QString()
                                  : moveOne(item, src.filePath(item.relative), dst.filePath(item.relative),
                                            sameVolume, total, &done, progress, cancel, &wasCancelled);
        if (wasCancelled) {
            return stopped(tr("Moving the models was cancelled."));
        }
        if (!error.isEmpty()) {
            return stopped(tr("%1 could not be moved: %2.").arg(item.relative, error));
        }
        ++moved;
    }
    removeEmptyFolders(downloads);
    return {};
}

}  // namespace lantern::service
