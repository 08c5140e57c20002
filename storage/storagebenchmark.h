#pragma once
// The storage benchmark of issue 6 (a benchmark, not a timed test): builds a database of N
// conversations x M messages plus one 1,000-message conversation, then reports medians. Meant for
// `lantern-cli bench-storage` (the CLI wires it); the storage tests run it at a small size.
#include "base/error.h"

#include <QString>

namespace lantern::storage {

struct StorageBenchmarkOptions {
    int conversations = 10000;
    int messagesPerConversation = 50;
    int repetitions = 11;  // each figure is the median of this many runs
};

struct StorageBenchmarkResult {
    double buildSeconds = 0;      // creating the database (import in batches of 100 conversations)
    double listAllMs = 0;         // listConversations(), every conversation
    double listFirst100Ms = 0;    // listConversations() with limit 100 (one screen of the sidebar)
    double openLongMs = 0;        // activePath() of the 1,000-message conversation
    double appendMs = 0;          // one appendToMessage() of a 16-token batch of text
    double searchRareMs = 0;      // search() for a word in about 1% of messages
    double searchCommonMs = 0;    // search() for a word in nearly every message (top 50)
};

// Builds the database at path (which must not exist yet) and measures it.
Result<StorageBenchmarkResult> runStorageBenchmark(const QString& path, const StorageBenchmarkOptions& options = {});

}  // namespace lantern::storage
