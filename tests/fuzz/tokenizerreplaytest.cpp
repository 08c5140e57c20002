// The tokenizer (encode) and detokenizer (decode, streaming) against its corpus (tests/fuzz/corpus-tokenizer,
// written by scripts/golden/fuzz_inputs.py) and 1500 deterministic mutants of each seed (replay.h), in every
// build, label fuzz. The libFuzzer run of the same entry point is fuzz_tokenizer_libfuzzer
// (-DLANTERN_FUZZ=ON).
#include "tests/fuzz/entries.h"
#include "tests/fuzz/replay.h"

int main() {
    return lantern::fuzz::replay(
        "tokenizer", "corpus-tokenizer", lantern::fuzz::runTokenizer, 150,
        {"<|im_start|>", "<|im_end|>", "<s>", "</s>", "<0x0A>", "\xF0\x9F\x98", "\xC3", " \t\n",
         "\xE2\x80\x8B", "\xEF\xBF\xBD", "aaaaaaaaaaaaaaaa", "\xFF\xFF"});
}
