#pragma once
// Running an installed validator (msgfmt, lrelease) on a written document before it is saved. Plain
// POSIX processes: the translation layer links no Qt, and the validators are optional (absent: skipped
// by the caller, which says so).
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace lantern::translation::tool {

// The program `name` on PATH, else in one of `extraDirs` (Qt's tools live in /usr/lib/qt6/bin, off PATH).
std::optional<std::filesystem::path> find(std::string_view name, std::span<const std::string> extraDirs = {});

struct Output {
    int exitCode = -1;   // the program's exit status; -1 when a signal ended it
    std::string out;     // what it wrote to stdout
    std::string err;     // what it wrote to stderr
};

// Runs `program` with `args`, feeding `input` on its stdin, and waits at most `timeoutSeconds`. Fails
// (ValidationFailed) only when the program cannot be started or runs too long; a non-zero exit is the
// caller's to judge.
Result<Output> run(const std::filesystem::path& program, std::span<const std::string> args,
                   std::string_view input = {}, int timeoutSeconds = 60);

// A file in a fresh private temporary folder, removed with the folder when this object goes.
class TempFile {
public:
    // Writes `bytes` to <tmpdir>/lantern-XXXXXX/<fileName>.
    static Result<TempFile> create(std::string_view fileName, std::string_view bytes);
    TempFile(TempFile&& other) noexcept;
    TempFile& operator=(TempFile&&) = delete;
    TempFile(const TempFile&) = delete;
    ~TempFile();
    const std::filesystem::path& path() const { return m_path; }
    const std::filesystem::path& folder() const { return m_folder; }

private:
    TempFile(std::filesystem::path folder, std::filesystem::path path);
    std::filesystem::path m_folder;
    std::filesystem::path m_path;
};

}  // namespace lantern::translation::tool
