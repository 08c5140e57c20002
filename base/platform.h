#pragma once
// What differs between Windows and POSIX systems, behind one small interface. base/platform/posix.cpp and
// base/platform/windows.cpp implement it; base/CMakeLists.txt compiles the one for the target, so no other
// file needs an #ifdef for the operating system (inference/gguf/file.cpp keeps its own file mapping: the GGUF
// fuzzer compiles that file alone).
#include <ctime>
#include <filesystem>
#include <string>
#include <string_view>

namespace lantern::platform {

// The calendar time of `t` in the local time zone (localtime_r / localtime_s).
std::tm localTime(std::time_t t);

// The per-user folder for caches that may be deleted: $XDG_CACHE_HOME or ~/.cache on POSIX systems,
// %LOCALAPPDATA% on Windows. Empty when the environment names none.
std::filesystem::path userCacheDir();

// Makes the console show the UTF-8 that Lantern prints (Windows consoles use an ANSI code page by default);
// nothing to do elsewhere. Called once at the start of a command-line program.
void useUtf8Console();

// Lantern keeps paths in std::string as UTF-8. These convert without the ANSI code page that
// std::filesystem::path uses for char strings on Windows (where a non-ASCII user name would break).
inline std::filesystem::path pathFromUtf8(std::string_view utf8) {
    return std::filesystem::path(std::u8string(utf8.begin(), utf8.end()));
}
inline std::string utf8(const std::filesystem::path& path) {
    const std::u8string s = path.u8string();
    return std::string(s.begin(), s.end());
}

}  // namespace lantern::platform
