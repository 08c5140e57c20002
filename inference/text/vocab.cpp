#include "inference/text/vocab.h"

#include <algorithm>
#include <cstdio>

#include "inference/gguf/file.h"

namespace lantern::text {

namespace {

// Texts that end a turn in the chat formats we know; llama.cpp treats the same set as end of generation.
constexpr std::string_view kEndOfTurnTexts[] = {
    "<|eot_id|>",     "<|im_end|>", "<|end|>",          "<end_of_turn>", "<|endoftext|>",
    "<|eom_id|>",     "<EOT>",      "<|end_of_text|>",  "<｜end▁of▁sentence｜>", "<|return|>",
    "<|user|>",  // GLM-4: the model hands the turn back by starting a user turn
};

struct ByteMap {
    std::array<std::string, 256> toUnicode;
    std::unordered_map<uint32_t, int> fromUnicode;
};

std::string utf8(uint32_t cp) {
    std::string s;
    if (cp < 0x80) {
        s += static_cast<char>(cp);
    } else if (cp < 0x800) {
        s += static_cast<char>(0xC0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        s += static_cast<char>(0xE0 | (cp >> 12));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
}

// GPT-2's bytes_to_unicode(): printable Latin-1 bytes stand for themselves, the other 68 bytes are
// moved to U+0100.. in byte order, so every token text is printable and contains no space.
const ByteMap& byteMap() {
    static const ByteMap map = [] {
        ByteMap m;
        uint32_t next = 256;
        for (uint32_t b = 0; b < 256; ++b) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174);
            const uint32_t cp = printable ? b : next++;
            m.toUnicode[b] = utf8(cp);
            m.fromUnicode[cp] = static_cast<int>(b);
        }
        return m;
    }();
    return map;
}

}  // namespace

const std::string& byteToUnicode(uint8_t b) { return byteMap().toUnicode[b]; }

int byteFromUnicode(uint32_t codepoint) {
    const auto& m = byteMap().fromUnicode;
    auto it = m.find(codepoint);
    return it == m.end() ? -1 : it->second;
}

int32_t Vocab::find(std::string_view t) const {
    auto it = tokenIds.find(t);
    return it == tokenIds.end() ? -1 : it->second;
}

int32_t Vocab::mergeRank(std::string_view left, std::string_view right) const {
    std::string key;
    key.reserve(left.size() + right.size() + 1);
    key.append(left).append(1, ' ').append(right);
    auto it = mergeRanks.find(key);
    return it == mergeRanks.end() ? -1 : it->second;
}

Result<void> Vocab::finalize() {
    const size_t n = tokens.size();
    if (n == 0) {
        return fail(Errc::TokenizerInvalid, "The vocabulary has no tokens (tokenizer.ggml.tokens).");
    }
    if (types.empty()) {
        types.assign(n, TokenType::Normal);
    }
    if (scores.empty()) {
        scores.assign(n, 0.0f);
    }
    if (types.size() != n || scores.size() != n) {
        return fail(Errc::TokenizerInvalid,
                    "tokenizer.ggml.scores/token_type have " + std::to_string(scores.size()) + "/" +
                        std::to_string(types.size()) + " entries, expected " + std::to_string(n) + ".");
    }
    for (int32_t* id : {&bos, &eos, &eot, &unk, &pad}) {
        if (*id >= static_cast<int32_t>(n)) {
            return fail(Errc::TokenizerInvalid,
                        "A special token id (" + std::to_string(*id) + ") is outside the vocabulary of " +
                            std::to_string(n) + " tokens.");
        }
    }
    tokenIds.clear();
    tokenIds.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        tokenIds.emplace(tokens[i], static_cast<int32_t>(i));
    }
    mergeRanks.clear();
    mergeRanks.reserve(merges.size());
    for (size_t i = 0; i < merges.size(); ++i) {
        mergeRanks.emplace(merges[i], static_cast<int32_t>(i));
    }

    if (eot < 0) {
        for (std::string_view t : kEndOfTurnTexts) {
            if (int32_t id = find(t); id >= 0 && t != "<|user|>") {
                eot = id;
                break;
            }
        }
    }
    endOfGeneration.clear();
    for (int32_t id : {eos, eot}) {
        if (id >= 0) {
            endOfGeneration.insert(id);
        }
    }
    for (std::string_view t : kEndOfTurnTexts) {
        if (int32_t id = find(t); id >= 0 && type(id) == TokenType::Control) {
            endOfGeneration.insert(id);
        }
    }

    specialIds.clear();
    for (size_t i = 0; i < n; ++i) {
        const TokenType t = types[i];
        if (t == TokenType::Control || t == TokenType::UserDefined || t == TokenType::Unknown) {
            specialIds.push_back(static_cast<int32_t>(i));
        }
    }
    // Longest first, so "<|im_end|>" is matched before any shorter special token inside it.
    std::stable_sort(specialIds.begin(), specialIds.end(),
                     [&](int32_t a, int32_t b) { return text(a).size() > text(b).size(); });

    for (int b = 0; b < 256; ++b) {
        if (model == VocabModel::Spm) {
            char name[8];
            std::snprintf(name, sizeof name, "<0x%02X>", b);
            byteTokens[static_cast<size_t>(b)] = find(name);
        } else {
            byteTokens[static_cast<size_t>(b)] = find(byteToUnicode(static_cast<uint8_t>(b)));
        }
    }
    return {};
}

namespace {

// Pre-tokenizers whose vocabularies llama.cpp marks "ignore_merges": a word that is a token as a
// whole is taken as is (the merges alone would not always rebuild it).
bool ignoresMerges(std::string_view pre) {
    for (std::string_view p : {"llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral", "glm4", "glm5", "lfm2"}) {
        if (p == pre) return true;
    }
    return false;
}

Result<std::vector<std::string>> stringArray(const gguf::File& file, std::string_view key, bool required) {
    std::vector<std::string> out;
    auto a = file.array(key);
    if (!a) {
        if (required) return fail(Errc::TokenizerInvalid, "The model has no " + std::string(key) + ".");
        return out;
    }
    if (a->elementType() != gguf::ValueType::String) {
        return fail(Errc::TokenizerInvalid, std::string(key) + " is not an array of strings.");
    }
    out.reserve(a->size());
    for (size_t i = 0; i < a->size(); ++i) out.emplace_back(a->str(i));
    return out;
}

}  // namespace

Result<Vocab> loadVocab(const gguf::File& file) {
    Vocab v;
    const std::string_view model = file.str("tokenizer.ggml.model").value_or("");
    if (model == "llama") {
        v.model = VocabModel::Spm;
    } else if (model == "gpt2") {
        v.model = VocabModel::Bpe;
    } else {
        return fail(Errc::ModelUnsupported, "The tokenizer \"" + std::string(model) +
                                                "\" (tokenizer.ggml.model) is not supported; Lantern reads "
                                                "\"llama\" (SentencePiece) and \"gpt2\" (byte-level BPE).");
    }
    v.pre = std::string(file.str("tokenizer.ggml.pre").value_or(v.model == VocabModel::Bpe ? "default" : ""));

    auto tokens = stringArray(file, "tokenizer.ggml.tokens", true);
    if (!tokens) return std::unexpected(tokens.error());
    v.tokens = std::move(*tokens);
    if (v.model == VocabModel::Bpe) {
        auto merges = stringArray(file, "tokenizer.ggml.merges", true);
        if (!merges) return std::unexpected(merges.error());
        v.merges = std::move(*merges);
    }
    if (auto scores = file.array("tokenizer.ggml.scores"); scores && scores->elementType() == gguf::ValueType::F32) {
        v.scores.resize(scores->size());
        for (size_t i = 0; i < scores->size(); ++i) v.scores[i] = scores->f32(i);
    }
    if (auto types = file.array("tokenizer.ggml.token_type"); types && types->elementType() == gguf::ValueType::I32) {
        v.types.resize(types->size());
        for (size_t i = 0; i < types->size(); ++i) {
            const int32_t t = types->i32(i);
            v.types[i] = t >= 1 && t <= 6 ? static_cast<TokenType>(t) : TokenType::Undefined;
        }
    }
    auto id = [&](const char* key) {
        auto value = file.u32(key);
        return value ? static_cast<int32_t>(*value) : -1;
    };
    v.bos = id("tokenizer.ggml.bos_token_id");
    v.eos = id("tokenizer.ggml.eos_token_id");
    v.eot = id("tokenizer.ggml.eot_token_id");
    v.unk = id("tokenizer.ggml.unknown_token_id");
    v.pad = id("tokenizer.ggml.padding_token_id");

    // Defaults per kind as llama.cpp applies them, then what the file says.
    const bool spm = v.model == VocabModel::Spm;
    v.ignoreMerges = !spm && ignoresMerges(v.pre);
    v.addBos = spm || ignoresMerges(v.pre);
    v.addSpacePrefix = spm;
    if (v.pre == "glm4" || v.pre == "glm5" || v.pre == "chatglm-bpe") v.bos = -1;
    v.addBos = file.boolean("tokenizer.ggml.add_bos_token").value_or(v.addBos);
    v.addEos = file.boolean("tokenizer.ggml.add_eos_token").value_or(false);
    v.addSpacePrefix = file.boolean("tokenizer.ggml.add_space_prefix").value_or(v.addSpacePrefix);

    if (auto ok = v.finalize(); !ok) return std::unexpected(ok.error());
    return v;
}

}  // namespace lantern::text
