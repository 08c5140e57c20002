#include "storage/storagepaths.h"

#include "storage/privatefiles.h"

#include <QDir>
#include <QStandardPaths>

namespace lantern::storage {

QString dataDir() {
    // GenericDataLocation + "lantern" so the set-up scripts (which know only XDG_DATA_HOME) agree.
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    const QString dir = base + QStringLiteral("/lantern");
    createPrivateFolder(dir);
    makeOwnerOnly(dir);  // Lantern's own folder: the conversations in it are nobody else's business
    return dir;
}

QString modelsDir() {
    const QString overridden = qEnvironmentVariable("LANTERN_MODELS");
    const QString dir = overridden.isEmpty() ? dataDir() + QStringLiteral("/models") : overridden;
    QDir().mkpath(dir);
    return dir;
}

QString databasePath() { return dataDir() + QStringLiteral("/conversations.sqlite3"); }

}  // namespace lantern::storage
