// base/platform.h on Linux and macOS.
#include "base/platform.h"

#include <cstdlib>

namespace lantern::platform {

std::tm localTime(std::time_t t) {
    std::tm tm{};
    localtime_r(&t, &tm);
    return tm;
}

std::filesystem::path userCacheDir() {
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) {
        return x;
    }
    if (const char* h = std::getenv("HOME"); h && *h) {
        return std::filesystem::path(h) / ".cache";
    }
    return {};
}

void useUtf8Console() {}

}  // namespace lantern::platform
