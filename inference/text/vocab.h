#pragma once
// The vocabulary of a model as GGUF stores it (tokenizer.ggml.*): token texts, scores, types, BPE
// merges and the special ids. Both tokenizers and the detokenizer read it; nothing here tokenizes.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/error.h"

namespace lantern::gguf {
class File;
}

namespace lantern::text {

// tokenizer.ggml.token_type values (llama.cpp's llama_token_type numbering).
enum class TokenType : uint8_t {
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
};

enum class VocabModel : uint8_t {
    Spm,  // tokenizer.ggml.model = "llama": SentencePiece-style, merges by score, <0xXX> byte fallback
    Bpe,  // tokenizer.ggml.model = "gpt2": byte-level BPE, merges by rank, regex pre-tokenizer
};

// Hash that lets unordered_map<std::string, ...> be searched with a string_view, without a copy.
struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

struct Vocab {
    VocabModel model = VocabModel::Spm;
    std::string pre;                     // tokenizer.ggml.pre ("qwen2", "llama-bpe", "default", ...)
    std::vector<std::string> tokens;     // tokenizer.ggml.tokens
    std::vector<float> scores;           // tokenizer.ggml.scores (SPM merge priority; may be empty)
    std::vector<TokenType> types;        // tokenizer.ggml.token_type (all Normal when absent)
    std::vector<std::string> merges;     // tokenizer.ggml.merges, "left right", rank = index (BPE)

    int32_t bos = -1;                    // tokenizer.ggml.bos_token_id
    int32_t eos = -1;                    // tokenizer.ggml.eos_token_id
    int32_t eot = -1;                    // tokenizer.ggml.eot_token_id, else found by text
    int32_t unk = -1;                    // tokenizer.ggml.unknown_token_id
    int32_t pad = -1;                    // tokenizer.ggml.padding_token_id
    bool addBos = false;                 // tokenizer.ggml.add_bos_token (SPM and llama3 default true)
    bool addEos = false;                 // tokenizer.ggml.add_eos_token
    bool addSpacePrefix = false;         // tokenizer.ggml.add_space_prefix (SPM default true)
    bool ignoreMerges = false;           // llama3-style BPE: a word that is a whole token skips merging

    // Built by finalize() from the fields above.
    StringMap<int32_t> tokenIds;         // text -> id (the first id when a text repeats)
    StringMap<int32_t> mergeRanks;       // "left right" -> rank
    std::unordered_set<int32_t> endOfGeneration;  // ids that end an answer (eos, eot, <|im_end|>, ...)
    std::vector<int32_t> specialIds;     // control/user-defined/unknown ids, longest text first
    std::array<int32_t, 256> byteTokens{};  // byte -> its token (<0xXX> or the byte-encoded char); -1

    size_t size() const { return tokens.size(); }
    TokenType type(int32_t id) const { return types[static_cast<size_t>(id)]; }
    const std::string& text(int32_t id) const { return tokens[static_cast<size_t>(id)]; }
    // -1 when no token has this exact text.
    int32_t find(std::string_view text) const;
    // Rank of merging left+right (BPE), -1 when the pair is no merge.
    int32_t mergeRank(std::string_view left, std::string_view right) const;
    bool isEndOfGeneration(int32_t id) const { return endOfGeneration.contains(id); }

    // Checks consistency (array lengths, ids in range) and builds the lookup tables.
    Result<void> finalize();
};

// Reads tokenizer.ggml.* of an opened GGUF file.
Result<Vocab> loadVocab(const gguf::File& file);

// GPT-2's reversible map between bytes and printable code points (byte-level BPE token texts).
// The UTF-8 of the code point byte b stands for.
const std::string& byteToUnicode(uint8_t b);
// The byte a code point stands for, or -1.
int byteFromUnicode(uint32_t codepoint);

}  // namespace lantern::text
