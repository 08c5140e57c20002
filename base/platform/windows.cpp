// base/platform.h on Windows (MSVC and mingw-w64).
#include "base/platform.h"

#include <windows.h>

namespace lantern::platform {

std::tm localTime(std::time_t t) {
    std::tm tm{};
    localtime_s(&tm, &t);
    return tm;
}

std::filesystem::path userCacheDir() {
    // _wgetenv, not getenv: the folder holds the user's name, which need not fit the ANSI code page.
    if (const wchar_t* d = _wgetenv(L"LOCALAPPDATA"); d && *d) {
        return d;
    }
    return {};
}

void useUtf8Console() {
    SetConsoleOutputCP(CP_UTF8);
    SetConsoleCP(CP_UTF8);
}

}  // namespace lantern::platform
