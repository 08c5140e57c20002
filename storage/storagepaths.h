#pragma once
// Where Lantern keeps the user's data on this machine (XDG data dir on Linux, AppData on Windows,
// Application Support on macOS).
#include <QString>

namespace lantern::storage {

// Folder of Lantern's own data; created when missing.
QString dataDir();
// Default folder of GGUF models (<dataDir>/models); LANTERN_MODELS overrides.
QString modelsDir();
// The conversation database (<dataDir>/conversations.sqlite3).
QString databasePath();

}  // namespace lantern::storage
