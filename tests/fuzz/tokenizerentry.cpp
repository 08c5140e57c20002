#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "inference/gguf/file.h"
#include "inference/text/detokenizer.h"
#include "inference/text/tokenizer.h"
#include "tests/fuzz/entries.h"

#ifndef LANTERN_FUZZ_DATA
#define LANTERN_FUZZ_DATA "tests/data"
#endif

namespace lantern::fuzz {

namespace {

// The smallest test GGUF (tests/data/models/tiny-qwen2-q4_0.gguf: its small synthetic vocabulary is
// SentencePiece with byte fallback, as every tiny model's) and the real Qwen2 vocabulary (tests/data/text,
// byte-level BPE with its pre-tokenizer regex). Loaded once per process.
const text::Tokenizer& tokenizer(bool spm) {
    static const auto load = [](const char* name) {
        const char* root = std::getenv("LANTERN_TEST_DATA");
        const std::filesystem::path path = std::filesystem::path(root ? root : LANTERN_FUZZ_DATA) / name;
        auto file = gguf::File::open(path);
        if (!file) {
            std::fprintf(stderr, "%s\n", file.error().detail.c_str());
            std::abort();
        }
        auto vocab = text::loadVocab(*file);
        auto tok = vocab ? text::Tokenizer::create(std::make_shared<const text::Vocab>(std::move(*vocab)))
                         : Result<text::Tokenizer>(std::unexpected(vocab.error()));
        if (!tok) {
            std::fprintf(stderr, "%s\n", tok.error().detail.c_str());
            std::abort();
        }
        return std::move(*tok);
    };
    static const text::Tokenizer bpe = load("text/ggml-vocab-qwen2.gguf");
    static const text::Tokenizer sp = load("models/tiny-qwen2-q4_0.gguf");
    return spm ? sp : bpe;
}

bool validUtf8(std::string_view s) {
    return text::Detokenizer::sanitize(s) == s;
}

}  // namespace

bool runTokenizer(const uint8_t* data, size_t size) {
    if (size == 0) {
        return false;
    }
    const bool spm = data[0] & 1, decodeMode = data[0] & 2, special = data[0] & 4;
    const text::Tokenizer& tok = tokenizer(spm);
    const size_t vocabSize = tok.vocab().size();
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    if (!decodeMode) {
        const std::vector<int32_t> ids = tok.encode(rest, special, data[0] & 8);
        for (int32_t id : ids) {
            if (id < 0 || size_t(id) >= vocabSize) {
                LANTERN_FUZZ_FAIL("every id the encoder gives is a token of the vocabulary");
            }
        }
        // Byte-level BPE loses nothing: plain text (no special tokens parsed) decodes to the same bytes.
        if (!spm && !special && !(data[0] & 8) && tok.decode(ids) != rest) {
            std::fprintf(stderr, "[%.*s] decodes as [%s]\n", int(rest.size()), rest.data(),
                         tok.decode(ids).c_str());
            LANTERN_FUZZ_FAIL("see this line");
        }
        return true;
    }
    std::vector<int32_t> ids;
    for (size_t i = 0; i + 1 < rest.size(); i += 2) {
        const uint32_t raw = uint8_t(rest[i]) | uint32_t(uint8_t(rest[i + 1])) << 8;
        // Mostly real ids; some past the end of the vocabulary and some negative (a corrupt sampler, a bug).
        const int32_t id = raw >= 0xFF00 ? -int32_t(raw & 0xFF) : int32_t(raw % (vocabSize + 16));
        ids.push_back(id);
    }
    const std::string whole = tok.decode(ids, special);
    text::Detokenizer stream(tok, data[0] & 8);
    std::string streamed;
    for (int32_t id : ids) {
        const std::string piece = stream.feed(id);
        if (!validUtf8(piece)) {
            LANTERN_FUZZ_FAIL("the stream only hands out whole characters");
        }
        streamed += piece;
    }
    const std::string tail = stream.flush();
    if (!validUtf8(tail)) {
        LANTERN_FUZZ_FAIL("see this line");
    }
    streamed += tail;
    if (streamed.size() > whole.size() * 3 + 16 * ids.size() + 16) {
        LANTERN_FUZZ_FAIL("replacement characters at most triple the bytes");
    }
    return !ids.empty();
}

}  // namespace lantern::fuzz
