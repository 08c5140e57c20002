#pragma once
// Keeps a UI test's settings, data and models in its own temporary directory, away from the user's.
#include <QTemporaryDir>
#include <QtGlobal>

namespace lantern::test {

inline void keepUserDirsIn(const QTemporaryDir& dir) {
    qputenv("XDG_CONFIG_HOME", dir.filePath(QStringLiteral("config")).toUtf8());
    qputenv("XDG_DATA_HOME", dir.filePath(QStringLiteral("data")).toUtf8());
    qputenv("LANTERN_MODELS", dir.filePath(QStringLiteral("models")).toUtf8());
}

}  // namespace lantern::test
