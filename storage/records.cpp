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

bool isValidPrivacy(const QString& privacy) {
    return privacy == QLatin1String("private") || privacy == QLatin1String("remote");
}

// The same rule as the CHECK constraint of schema v4 (a prefix followed by at least one character).
bool isValidRouting(const QString& routing) {
    if (routing == QLatin1String("local") || routing == QLatin1String("auto")) {
        return true;
    }
    for (const QLatin1String prefix : {QLatin1String("auto:"), QLatin1String("remote:")}) {
        if (routing.startsWith(prefix) && routing.size() > prefix.size()) {
            return true;
        }
    }
    return false;
}

Result<void> checkRoutingFields(const QString& privacy, const QString& routing) {
    if (!isValidPrivacy(privacy)) {
        return fail(Errc::InvalidArgument, QStringLiteral("\"%1\" is not a conversation privacy level (private or remote).")
                                               .arg(privacy)
                                               .toStdString());
    }
    if (!isValidRouting(routing)) {
        return fail(Errc::InvalidArgument, QStringLiteral("\"%1\" is not a routing policy (local, auto, auto:<endpoint> "
                                                          "or remote:<endpoint>).")
                                               .arg(routing)
                                               .toStdString());
    }
    return {};
}

}  // namespace lantern::storage
