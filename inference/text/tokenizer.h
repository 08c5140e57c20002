#pragma once
// Text -> token ids for both vocabulary kinds GGUF models use:
//  - SentencePiece-style (tokenizer.ggml.model = "llama", e.g. Gemma): spaces become U+2581, symbols are
//    merged greedily by token score, unknown characters fall back to <0xXX> byte tokens;
//  - byte-level BPE (tokenizer.ggml.model = "gpt2", e.g. Qwen, Llama 3, DeepSeek): a regex
//    pre-tokenizer splits words, bytes are mapped to GPT-2's printable code points, pairs are merged
//    by rank.
// Special tokens (control, e.g. <|im_end|>) are recognised in the text only when parseSpecial is set:
// the rendered chat template is encoded with it, user text never is, so a user who types
// "<|im_end|>" cannot end their turn. User-defined tokens (Gemma's runs of spaces or newlines) are
// ordinary text and always matched, as llama.cpp and Hugging Face tokenizers do.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "inference/text/pretokenizer.h"
#include "inference/text/vocab.h"

namespace lantern::text {

class Tokenizer {
public:
    static Result<Tokenizer> create(std::shared_ptr<const Vocab> vocab);

    // addSpecial adds BOS/EOS as the vocabulary asks (add_bos_token/add_eos_token).
    std::vector<int32_t> encode(std::string_view text, bool parseSpecial, bool addSpecial = false) const;
    // A text made of pieces, each with its own parseSpecial: a rendered chat template is encoded with
    // special tokens recognised in the template's own text but not inside the users' messages.
    struct Segment {
        std::string_view text;
        bool parseSpecial = false;
    };
    std::vector<int32_t> encode(std::span<const Segment> segments, bool addSpecial = false) const;

    // The bytes a token stands for (control tokens give their text only when withSpecial is set).
    // A byte token or a byte-level BPE token may be an incomplete UTF-8 sequence.
    std::string tokenPiece(int32_t id, bool withSpecial = false) const;

    // The text of a sequence; control tokens are left out unless withSpecial is set.
    std::string decode(const std::vector<int32_t>& ids, bool withSpecial = false) const;

    const Vocab& vocab() const { return *m_vocab; }

private:
    struct Fragment {
        std::string_view text;   // raw text when token < 0
        int32_t token = -1;      // a special token found in the text
    };
    Tokenizer() = default;
    std::vector<Fragment> partition(std::string_view text, bool parseSpecial) const;
    void encodeSpm(std::string_view text, std::vector<int32_t>& out) const;
    void encodeBpeWord(std::string_view word, std::vector<int32_t>& out) const;

    std::shared_ptr<const Vocab> m_vocab;
    std::optional<PreTokenizer> m_pre;  // BPE only
};

}  // namespace lantern::text
