#include "storage/records.h"

#include <array>

namespace lantern::storage {

namespace {

// Index = enum value. These strings are stored in the database and in exports: never change them.
constexpr std::array<const char*, 4> kRoleNames = {"system", "user", "assistant", "tool"};
constexpr std::array<const char*, 5> kStateNames = {"complete", "streaming", "interrupted", "cancelled", "error"};

}  // namespace

QString roleName(Role role) { return QString::fromLatin1(kRoleNames[static_cast<size_t>(role)]); }

QString stateName(MessageState state) { return QString::fromLatin1(kStateNames[static_cast<size_t>(state)]); }

std::optional<Role> roleFromName(const QString& name) {
    for (size_t i = 0; i < kRoleNames.size(); ++i) {
        if (name == QLatin1String(kRoleNames[i])) {
            return static_cast<Role>(i);
        }
    }
    return std::nullopt;
}

std::optional<MessageState> stateFromName(const QString& name) {
    for (size_t i = 0; i < kStateNames.size(); ++i) {
        if (name == QLatin1String(kStateNames[i])) {
            return static_cast<MessageState>(i);
        }
    }
    return std::nullopt;
}

}  // namespace lantern::storage
