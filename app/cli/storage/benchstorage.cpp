// lantern-cli bench-storage: the conversation store's benchmark (issue 6) at full size, in a temporary
// folder: 10,000 conversations x 50 messages plus one of 1,000 messages, each figure a median.
#include <QCoreApplication>
#include <QTemporaryDir>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "app/cli/command.h"
#include "storage/storagebenchmark.h"

namespace lantern::cli {
namespace {

constexpr const char* kUsage =
    "usage: lantern-cli bench-storage [-c CONVERSATIONS] [-m MESSAGES_EACH] [-r REPETITIONS] [--json]\n";

int benchStorage(std::span<char*> args) {
    storage::StorageBenchmarkOptions o;
    bool json = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string a = args[i];
        const bool hasValue = i + 1 < args.size();
        if (a == "--json") {
            json = true;
        } else if (a == "-c" && hasValue) {
            o.conversations = std::atoi(args[++i]);
        } else if (a == "-m" && hasValue) {
            o.messagesPerConversation = std::atoi(args[++i]);
        } else if (a == "-r" && hasValue) {
            o.repetitions = std::atoi(args[++i]);
        } else {
            std::fputs(kUsage, stderr);
            return 2;
        }
    }
    if (o.conversations < 1 || o.messagesPerConversation < 1 || o.repetitions < 1) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    int argc = 1;
    char name[] = "lantern-cli";
    char* argv[] = {name, nullptr};
    QCoreApplication app(argc, argv);  // QtSql wants an application object for its driver plugins
    QTemporaryDir dir;
    dir.setAutoRemove(std::getenv("LANTERN_KEEP_BENCH_DB") == nullptr);
    if (!dir.isValid()) {
        std::fprintf(stderr, "lantern-cli: cannot create a temporary folder: %s\n", qPrintable(dir.errorString()));
        return 1;
    }
    if (!json) {
        std::printf("building %d conversations x %d messages (+1 of 1,000 messages) in %s ...\n", o.conversations,
                    o.messagesPerConversation, qPrintable(dir.path()));
        std::fflush(stdout);
    }
    auto r = storage::runStorageBenchmark(dir.filePath(QStringLiteral("bench.sqlite3")), o);
    if (!r) {
        std::fprintf(stderr, "lantern-cli: %s\n", r.error().detail.c_str());
        return 1;
    }
    if (json) {
        std::printf("{\"conversations\": %d, \"messages_each\": %d, \"build_s\": %.1f, \"list_all_ms\": %.2f, "
                    "\"list_first100_ms\": %.2f, \"open_1000_ms\": %.2f, \"append_ms\": %.3f, "
                    "\"search_rare_ms\": %.2f, \"search_common_ms\": %.2f}\n",
                    o.conversations, o.messagesPerConversation, r->buildSeconds, r->listAllMs, r->listFirst100Ms,
                    r->openLongMs, r->appendMs, r->searchRareMs, r->searchCommonMs);
        return 0;
    }
    std::printf("built in %.1f s; medians of %d runs:\n", r->buildSeconds, o.repetitions);
    std::printf("  %-34s %9.2f ms   (goal <= 20 ms)\n", "list conversations (first 100)", r->listFirst100Ms);
    std::printf("  %-34s %9.2f ms\n", "list conversations (all)", r->listAllMs);
    std::printf("  %-34s %9.2f ms   (goal <= 50 ms)\n", "open a 1,000-message conversation", r->openLongMs);
    std::printf("  %-34s %9.3f ms   (goal <= 2 ms)\n", "append a streamed 16-token batch", r->appendMs);
    std::printf("  %-34s %9.2f ms   (goal <= 30 ms)\n", "search a rare word", r->searchRareMs);
    std::printf("  %-34s %9.2f ms   (goal <= 30 ms)\n", "search a common word (top 50)", r->searchCommonMs);
    return 0;
}

const Registrar registrar({"bench-storage", "benchmark the conversation store (10,000 x 50 messages)", benchStorage});

}  // namespace
}  // namespace lantern::cli
