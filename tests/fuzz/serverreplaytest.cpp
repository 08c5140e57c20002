// The API server's request parsing (/v1/chat/completions and /v1/completions bodies) against its corpus
// (tests/fuzz/corpus-server, written by scripts/golden/fuzz_inputs.py) and 3000 deterministic mutants of each
// seed (replay.h), in every build, label fuzz. The libFuzzer run of the same entry point is
// fuzz_server_libfuzzer (-DLANTERN_FUZZ=ON).
#include "tests/fuzz/entries.h"
#include "tests/fuzz/replay.h"

int main() {
    return lantern::fuzz::replay("server", "corpus-server", lantern::fuzz::runServerRequest, 3000,
                                 {"{",
                                  "}",
                                  "[",
                                  "]",
                                  ",",
                                  ":",
                                  "\"messages\":",
                                  "\"role\":\"user\"",
                                  "\"content\":",
                                  "\"prompt\":",
                                  "\"stream\":true",
                                  "\"max_tokens\":",
                                  "\"temperature\":",
                                  "\"stop\":",
                                  "\"n\":2",
                                  "\"tools\":[]",
                                  "null",
                                  "true",
                                  "1e999",
                                  "-0",
                                  "\"\\\\ud800\"",
                                  "\"type\":\"text\"",
                                  "\"text\":"});
}
