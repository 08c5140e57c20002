#include "translation/tool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "base/strformat.h"

extern char** environ;

namespace lantern::translation::tool {

namespace {

bool executable(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

// Closes a descriptor once; -1 marks it closed.
void closeFd(int& fd) {
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

struct Fds {
    int in[2] = {-1, -1};
    int out[2] = {-1, -1};
    int err[2] = {-1, -1};
    ~Fds() {
        for (int* pair : {in, out, err}) {
            closeFd(pair[0]);
            closeFd(pair[1]);
        }
    }
};

// Moves bytes between the child's three streams until both outputs close or the deadline passes.
// stdin is a socket so that a child which exits without reading gets no SIGPIPE raised in this process
// (send with MSG_NOSIGNAL), without touching the process's signal dispositions.
bool pump(Fds& fds, std::string_view input, Output& result, std::chrono::steady_clock::time_point deadline) {
    size_t written = 0;
    if (input.empty())
        closeFd(fds.in[0]);
    char buffer[16384];
    while (fds.out[0] >= 0 || fds.err[0] >= 0) {
        pollfd p[3];
        nfds_t count = 0;
        auto add = [&](int fd, short events) {
            if (fd >= 0)
                p[count++] = pollfd{fd, events, 0};
        };
        add(fds.out[0], POLLIN);
        add(fds.err[0], POLLIN);
        add(fds.in[0], POLLOUT);
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return false;
        const int ready = ::poll(p, count, int(left.count()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return false;  // the deadline passed, or poll itself failed: the caller stops the child
        for (nfds_t i = 0; i < count; ++i) {
            if (p[i].revents == 0)
                continue;
            if (p[i].fd == fds.in[0]) {
                const ssize_t n = ::send(fds.in[0], input.data() + written, input.size() - written, MSG_NOSIGNAL);
                if (n > 0)
                    written += size_t(n);
                if (n < 0 && errno != EAGAIN && errno != EINTR)
                    closeFd(fds.in[0]);  // the child stopped reading: what it says about it is in stderr
                else if (written == input.size())
                    closeFd(fds.in[0]);
                continue;
            }
            const ssize_t n = ::read(p[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                (p[i].fd == fds.out[0] ? result.out : result.err).append(buffer, size_t(n));
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                closeFd(p[i].fd == fds.out[0] ? fds.out[0] : fds.err[0]);
            }
        }
    }
    return true;
}

}  // namespace

std::optional<std::filesystem::path> find(std::string_view name, std::span<const std::string> extraDirs) {
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    size_t i = 0;
    while (i <= dirs.size()) {
        const size_t j = std::min(dirs.find(':', i), dirs.size());
        const std::string_view dir = dirs.substr(i, j - i);
        if (!dir.empty() && executable(std::filesystem::path(dir) / name))
            return std::filesystem::path(dir) / name;
        i = j + 1;
    }
    for (const std::string& dir : extraDirs)
        if (executable(std::filesystem::path(dir) / name))
            return std::filesystem::path(dir) / name;
    return std::nullopt;
}

Result<Output> run(const std::filesystem::path& program, std::span<const std::string> args, std::string_view input,
                   int timeoutSeconds) {
    Fds fds;
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds.in) != 0 || ::pipe2(fds.out, O_CLOEXEC) != 0 ||
        ::pipe2(fds.err, O_CLOEXEC) != 0)
        return fail(Errc::ValidationFailed, format("cannot run {}: {}", program.string(), std::strerror(errno)));
    ::fcntl(fds.in[0], F_SETFL, O_NONBLOCK);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds.in[1], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds.out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds.err[1], STDERR_FILENO);
    std::vector<std::string> argvStrings{program.string()};
    argvStrings.insert(argvStrings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argvStrings)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        return fail(Errc::ValidationFailed, format("cannot run {}: {}", program.string(), std::strerror(spawned)));
    closeFd(fds.in[1]);
    closeFd(fds.out[1]);
    closeFd(fds.err[1]);

    Output result;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    const bool finished = pump(fds, input, result, deadline);
    if (!finished)
        ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!finished)
        return fail(Errc::ValidationFailed,
                    format("{} did not finish within {} seconds and was stopped", program.string(), timeoutSeconds));
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

TempFile::TempFile(std::filesystem::path folder, std::filesystem::path path)
    : m_folder(std::move(folder)), m_path(std::move(path)) {}

TempFile::TempFile(TempFile&& other) noexcept : m_folder(std::move(other.m_folder)), m_path(std::move(other.m_path)) {
    other.m_folder.clear();
    other.m_path.clear();
}

TempFile::~TempFile() {
    if (m_folder.empty())
        return;
    std::error_code ec;
    std::filesystem::remove_all(m_folder, ec);
}

Result<TempFile> TempFile::create(std::string_view fileName, std::string_view bytes) {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    if (ec)
        base = "/tmp";
    std::string pattern = (base / "lantern-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        return fail(Errc::ValidationFailed,
                    format("cannot create a temporary folder in {}: {}", base.string(), std::strerror(errno)));
    TempFile file(pattern, std::filesystem::path(pattern) / std::string(fileName));
    const int fd = ::open(file.m_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail(Errc::ValidationFailed, format("cannot write {}: {}", file.m_path.string(), std::strerror(errno)));
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ::close(fd);
            return fail(Errc::ValidationFailed,
                        format("cannot write {}: {}", file.m_path.string(), std::strerror(errno)));
        }
        done += size_t(n);
    }
    ::close(fd);
    return file;
}

}  // namespace lantern::translation::tool
