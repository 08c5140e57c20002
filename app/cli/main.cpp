// lantern-cli: run Lantern's engine from a terminal (devices, info, run, chat, bench).
#include "app/cli/command.h"
#include "base/platform.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace lantern::cli {

std::vector<Command>& registry() {
    static std::vector<Command> commands;
    return commands;
}

static int usage(FILE* out) {
    std::fprintf(out, "usage: lantern-cli <command> [options]\n\ncommands:\n");
    auto cmds = registry();
    std::sort(cmds.begin(), cmds.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
    for (const Command& c : cmds) {
        std::fprintf(out, "  %-10.*s %.*s\n", int(c.name.size()), c.name.data(), int(c.summary.size()),
                     c.summary.data());
    }
    std::fprintf(out, "  %-10s %s\n", "version", "print the version");
    return out == stdout ? 0 : 2;
}

}  // namespace lantern::cli

int main(int argc, char** argv) {
    using namespace lantern::cli;
    lantern::platform::useUtf8Console();  // model output and device names are UTF-8
    if (argc < 2 || !std::strcmp(argv[1], "help") || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        return usage(argc < 2 ? stderr : stdout);
    }
    if (!std::strcmp(argv[1], "version") || !std::strcmp(argv[1], "--version")) {
        std::printf("lantern-cli %s\n", LANTERN_VERSION);
        return 0;
    }
    for (const Command& c : registry()) {
        if (c.name == argv[1]) {
            return c.run(std::span<char*>(argv + 2, size_t(argc - 2)));
        }
    }
    std::fprintf(stderr, "lantern-cli: unknown command '%s'\n\n", argv[1]);
    return usage(stderr);
}
