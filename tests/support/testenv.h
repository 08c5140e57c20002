#pragma once
// Helpers every Lantern test uses to find its data and to skip honestly.
#include <QString>
#include <QtTest>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace lantern::test {

// Exit code ctest maps to "skipped" (SKIP_RETURN_CODE in tests/CMakeLists.txt).
inline constexpr int kSkipExitCode = 77;

// Ends the whole test executable as skipped, saying why. Use only for absent hardware.
[[noreturn]] inline void skipAll(const char* why) {
    std::fprintf(stdout, "SKIP: %s\n", why);
    std::fflush(stdout);
    std::_Exit(kSkipExitCode);
}

// The folder of committed test data (tests/data).
inline std::filesystem::path dataDir() {
    const char* d = std::getenv("LANTERN_TEST_DATA");
    return d ? std::filesystem::path(d) : std::filesystem::path(LANTERN_SOURCE_DIR "/tests/data");
}

// The real model a model test needs. Absent model = failure, not skip: CI always installs them.
inline std::filesystem::path requireModel(const char* fileName) {
    const char* d = std::getenv("LANTERN_TEST_MODELS");
    std::filesystem::path p = (d && *d) ? std::filesystem::path(d) / fileName : std::filesystem::path(fileName);
    if (!std::filesystem::exists(p)) {
        qFatal("model %s not found (LANTERN_TEST_MODELS=%s); run ./scripts/test, which installs it",
               fileName, d ? d : "");
    }
    return p;
}

}  // namespace lantern::test
