// The chat's Markdown formatter (ui/chat/messageformatter) against its corpus (tests/fuzz/markdown/corpus:
// answers with every kind of image, raw HTML, fences, <think>, tables, lists) and 400 deterministic mutants of
// each seed (replay.h), each also cut at several points as a streaming answer is; in every build, label fuzz.
// With -DLANTERN_FUZZ=ON the libFuzzer binary of the same entry point runs as fuzz_markdown_libfuzzer.
#include "tests/fuzz/markdown/markdownentry.h"
#include "tests/fuzz/replay.h"

int main() {
    return lantern::fuzz::replay(
        "markdown", "markdown/corpus", lantern::fuzz::runMarkdown, 400,
        {"![", "](", ")", "![a](http://127.0.0.1/x.png)", "<img src=\"http://x/i.png\">", "<IMG SRC=//x/y>",
         "\n```", "\n~~~~", "`", "<think>", "</think>", "\n\n", "\n    ", "[1]: http://x/r.png", "![r][1]",
         "**", "_", "| a | b |\n|---|---|\n", "\n- ", "\n1. ", "> ", "<", ">", "\"", "'", "&lt;", "\\", "qrc:/a.png",
         "data:image/png;base64,AAAA", "\xF0\x9F\x98\x80", "\xC3", "\r\n"});
}
