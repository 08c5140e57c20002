#include "storage/privatefiles.h"

#include "storage/conversationstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#ifndef Q_OS_WIN
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace lantern::storage {

bool makeOwnerOnly(const QString& path) {
#ifdef Q_OS_WIN
    Q_UNUSED(path);
    return true;
#else
    const QFileInfo info(path);
    if (!info.exists()) {
        return true;
    }
    return ::chmod(QFile::encodeName(path).constData(), info.isDir() ? 0700 : 0600) == 0;
#endif
}

bool createPrivateFolder(const QString& folder) {
    const QString clean = QDir::cleanPath(folder);
    if (QFileInfo(clean).isDir()) {
        return true;
    }
    const QString parent = QFileInfo(clean).path();
    if (parent != clean && !createPrivateFolder(parent)) {
        return false;
    }
#ifdef Q_OS_WIN
    return QDir().mkdir(clean);
#else
    // mkdir's mode is cut by the umask; chmod sets it exactly.
    if (::mkdir(QFile::encodeName(clean).constData(), 0700) != 0 && !QFileInfo(clean).isDir()) {
        return false;
    }
    return makeOwnerOnly(clean);
#endif
}

bool createPrivateFile(const QString& path) {
#ifdef Q_OS_WIN
    QFile f(path);
    return !f.exists() && f.open(QIODevice::NewOnly);
#else
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return false;
    }
    const bool ok = ::fchmod(fd, 0600) == 0;
    ::close(fd);
    return ok;
#endif
}

Result<void> writePrivateFile(const QString& path, const QByteArray& bytes) {
    auto failed = [&](const QString& why) {
        return fail(Errc::StorageError,
                    QStringLiteral("Writing %1 failed: %2. Nothing was written there.").arg(path, why).toStdString());
    };
    if (!createPrivateFolder(QFileInfo(path).absolutePath())) {
        return failed(QStringLiteral("its folder cannot be created"));
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        return failed(f.errorString());
    }
    // Before the first byte: the temporary file (renamed over path at commit) is the owner's only.
    if (!f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        f.cancelWriting();
        return failed(QStringLiteral("its permissions cannot be restricted to you"));
    }
    if (f.write(bytes) != bytes.size() || !f.commit()) {
        return failed(f.errorString());
    }
    return {};
}

// Exports: ConversationStore members, here beside the file writing they share.

Result<void> ConversationStore::exportJsonToFile(const QString& file, const QList<qint64>& ids) const {
    auto json = exportJson(ids);
    if (!json) {
        return std::unexpected(json.error());
    }
    return writePrivateFile(file, *json);
}

Result<void> ConversationStore::exportMarkdownToFile(const QString& file, qint64 conversationId) const {
    auto markdown = exportMarkdown(conversationId);
    if (!markdown) {
        return std::unexpected(markdown.error());
    }
    return writePrivateFile(file, markdown->toUtf8());
}

}  // namespace lantern::storage
