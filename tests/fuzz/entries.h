#pragma once
// The fuzzing entry points beside the GGUF reader's (ggufentry.h). Each takes arbitrary bytes, runs them
// through the real code the way the app would, traps when an invariant breaks, and returns whether the
// input was accepted (parsed, rendered). Shared by the replay tests (every build) and the libFuzzer binaries
// (fuzzmain.cpp, clang + libc++), so nothing here may use Qt.
#include <cstddef>
#include <cstdint>
#include <cstdio>

namespace lantern::fuzz {

// An invariant broke: say which on stderr (the replay test's log, libFuzzer's report), then trap.
[[noreturn]] inline void violated(const char* what, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
    __builtin_trap();
}
#define LANTERN_FUZZ_FAIL(what) ::lantern::fuzz::violated(what, __FILE__, __LINE__)

// Chat template source (Jinja subset), rendered with a fixed conversation. Errors are TemplateError with
// a sentence; every run ends within the step, output and depth limits.
bool runTemplate(const uint8_t* data, size_t size);

// Tokenizer of a test GGUF (loaded once per process). Byte 0 picks the vocabulary (bit 0: SPM llama /
// BPE qwen2) and the mode (bit 1: encode the rest / decode the rest as 16-bit token ids, out-of-range ones
// included, through decode() and the streaming Detokenizer); bit 2: parseSpecial / withSpecial.
bool runTokenizer(const uint8_t* data, size_t size);

// A translation file: the first line names the format ("po", "ts", "xliff", "json", "markdown", "html",
// "srt", "vtt", "text", "android", "docx", "odt"; an unknown name picks one from its first byte), the rest
// is the file. A file that opens is written back with every unit translated and opened again.
bool runTranslationFormat(const uint8_t* data, size_t size);

// An API server request body: byte 0 picks /v1/chat/completions (even) or /v1/completions (odd); the rest
// is the body as parseCompletionRequest gets it. A refusal is a 4xx with a message; an accepted request
// has sane options.
bool runServerRequest(const uint8_t* data, size_t size);

}  // namespace lantern::fuzz
