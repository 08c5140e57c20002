#include "inference/text/tokenizer.h"

#include <algorithm>
#include <array>
#include <queue>

#include "inference/text/utf8.h"

namespace lantern::text {

namespace {

constexpr std::string_view kSpmSpace = "\xE2\x96\x81";  // U+2581 LOWER ONE EIGHTH BLOCK

struct Symbol {
    int prev = -1;
    int next = -1;
    size_t start = 0;  // byte offset in the text being merged
    size_t n = 0;      // byte length; 0 once merged into its left neighbour
};

// Splits text into one symbol per UTF-8 character (a stray continuation byte is its own symbol).
std::vector<Symbol> charSymbols(std::string_view text) {
    std::vector<Symbol> symbols;
    size_t offset = 0;
    while (offset < text.size()) {
        const size_t len = std::min(utf8SequenceLength(static_cast<uint8_t>(text[offset])), text.size() - offset);
        const int index = static_cast<int>(symbols.size());
        symbols.push_back({index - 1, offset + len == text.size() ? -1 : index + 1, offset, len});
        offset += len;
    }
    return symbols;
}

// A candidate merge of two neighbouring symbols. `order` is the priority: SPM takes the highest
// score, BPE the lowest rank; ties go to the leftmost pair, as SentencePiece and llama.cpp do.
struct Bigram {
    int left = 0;
    int right = 0;
    float order = 0;
    size_t leftN = 0;   // sizes when queued: a later merge of either side makes the pair stale
    size_t rightN = 0;
    bool operator<(const Bigram& o) const { return order < o.order || (order == o.order && left > o.left); }
};

// Merges the pair of best priority until no adjacent pair has one; priorityOf returns nullopt for
// a pair that may not merge.
template <class Priority>
void mergeSymbols(std::string_view text, std::vector<Symbol>& symbols, Priority priorityOf) {
    std::priority_queue<Bigram> queue;
    auto tryAdd = [&](int left, int right) {
        if (left < 0 || right < 0) {
            return;
        }
        const Symbol& l = symbols[static_cast<size_t>(left)];
        const Symbol& r = symbols[static_cast<size_t>(right)];
        if (auto p = priorityOf(text.substr(l.start, l.n), text.substr(r.start, r.n))) {
            queue.push({left, right, *p, l.n, r.n});
        }
    };
    for (int i = 1; i < static_cast<int>(symbols.size()); ++i) {
        tryAdd(i - 1, i);
    }
    while (!queue.empty()) {
        const Bigram b = queue.top();
        queue.pop();
        Symbol& l = symbols[static_cast<size_t>(b.left)];
        Symbol& r = symbols[static_cast<size_t>(b.right)];
        if (l.n != b.leftN || r.n != b.rightN || l.next != b.right) {
            continue;
        }
        l.n += r.n;
        r.n = 0;
        l.next = r.next;
        if (r.next >= 0) {
            symbols[static_cast<size_t>(r.next)].prev = b.left;
        }
        tryAdd(l.prev, b.left);
        tryAdd(b.left, l.next);
    }
}

std::string replaceAll(std::string_view s, std::string_view from, std::string_view to) {
    std::string out;
    out.reserve(s.size());
    size_t pos = 0;
    while (true) {
        const size_t hit = s.find(from, pos);
        if (hit == std::string_view::npos) {
            out.append(s.substr(pos));
            return out;
        }
        out.append(s.substr(pos, hit - pos)).append(to);
        pos = hit + from.size();
    }
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

}  // namespace

Result<Tokenizer> Tokenizer::create(std::shared_ptr<const Vocab> vocab) {
    if (!vocab || vocab->tokenIds.empty()) {
        return fail(Errc::TokenizerInvalid, "The tokenizer was given an empty or unfinished vocabulary.");
    }
    Tokenizer t;
    if (vocab->model == VocabModel::Bpe) {
        auto pre = PreTokenizer::create(vocab->pre);
        if (!pre) {
            return std::unexpected(pre.error());
        }
        t.m_pre.emplace(std::move(*pre));
    }
    t.m_vocab = std::move(vocab);
    return t;
}

std::vector<Tokenizer::Fragment> Tokenizer::partition(std::string_view text, bool parseSpecial) const {
    std::vector<Fragment> fragments{{text, -1}};
    std::array<bool, 256> present{};  // bytes in the text: most special tokens can be skipped at once
    for (char c : text) {
        present[static_cast<uint8_t>(c)] = true;
    }
    const Vocab& v = *m_vocab;
    for (int32_t id : v.specialIds) {
        const TokenType type = v.type(id);
        if (!parseSpecial && (type == TokenType::Control || type == TokenType::Unknown)) {
            continue;
        }
        const std::string& special = v.text(id);
        if (special.empty() || !present[static_cast<uint8_t>(special[0])]) {
            continue;
        }
        const bool occurs = std::any_of(fragments.begin(), fragments.end(), [&](const Fragment& f) {
            return f.token < 0 && f.text.find(special) != std::string_view::npos;
        });
        if (!occurs) {
            continue;
        }
        std::vector<Fragment> next;
        for (const Fragment& f : fragments) {
            if (f.token >= 0) {
                next.push_back(f);
                continue;
            }
            size_t pos = 0;
            for (size_t hit; (hit = f.text.find(special, pos)) != std::string_view::npos; pos = hit + special.size()) {
                if (hit > pos) {
                    next.push_back({f.text.substr(pos, hit - pos), -1});
                }
                next.push_back({{}, id});
            }
            if (pos < f.text.size()) {
                next.push_back({f.text.substr(pos), -1});
            }
        }
        fragments = std::move(next);
    }
    return fragments;
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool parseSpecial, bool addSpecial) const {
    const Segment one{text, parseSpecial};
    return encode(std::span<const Segment>(&one, 1), addSpecial);
}

std::vector<int32_t> Tokenizer::encode(std::span<const Segment> segments, bool addSpecial) const {
    const Vocab& v = *m_vocab;
    std::vector<int32_t> out;
    if (addSpecial && v.addBos && v.bos >= 0) {
        out.push_back(v.bos);
    }
    bool prevSpecial = true;  // SPM: a space prefix goes before the first text and after each special token
    for (const Segment& segment : segments) {
        if (segment.text.empty()) {
            continue;
        }
        for (const Fragment& f : partition(segment.text, segment.parseSpecial)) {
            if (f.token >= 0) {
                out.push_back(f.token);
                prevSpecial = true;
                continue;
            }
            if (v.model == VocabModel::Spm) {
                std::string prefixed = (v.addSpacePrefix && prevSpecial) ? " " : "";
                prefixed.append(f.text);
                encodeSpm(replaceAll(prefixed, " ", kSpmSpace), out);
            } else {
                for (std::string_view word : m_pre->split(f.text)) {
                    std::string encoded;
                    for (char c : word) {
                        encoded += byteToUnicode(static_cast<uint8_t>(c));
                    }
                    encodeBpeWord(encoded, out);
                }
            }
            prevSpecial = false;
        }
    }
    if (addSpecial && v.addEos && v.eos >= 0) {
        out.push_back(v.eos);
    }
    return out;
}

void Tokenizer::encodeSpm(std::string_view text, std::vector<int32_t>& out) const {
    const Vocab& v = *m_vocab;
    std::vector<Symbol> symbols = charSymbols(text);
    std::string joined;
    mergeSymbols(text, symbols, [&](std::string_view l, std::string_view r) -> std::optional<float> {
        joined.assign(l).append(r);
        const int32_t id = v.find(joined);
        if (id < 0) {
            return std::nullopt;
        }
        return v.scores[static_cast<size_t>(id)];
    });
    for (int i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[static_cast<size_t>(i)].next) {
        const Symbol& s = symbols[static_cast<size_t>(i)];
        const std::string_view piece = text.substr(s.start, s.n);
        if (const int32_t id = v.find(piece); id >= 0) {
            out.push_back(id);
            continue;
        }
        for (char c : piece) {  // byte fallback
            const int32_t byteId = v.byteTokens[static_cast<uint8_t>(c)];
            if (byteId >= 0) {
                out.push_back(byteId);
            } else if (v.unk >= 0) {
                out.push_back(v.unk);
            }
        }
    }
}

void Tokenizer::encodeBpeWord(std::string_view word, std::vector<int32_t>& out) const {
    const Vocab& v = *m_vocab;
    if (v.ignoreMerges) {
        if (const int32_t id = v.find(word); id >= 0) {
            out.push_back(id);
            return;
        }
    }
    std::vector<Symbol> symbols = charSymbols(word);
    mergeSymbols(word, symbols, [&](std::string_view l, std::string_view r) -> std::optional<float> {
        const int32_t rank = v.mergeRank(l, r);
        if (rank < 0) {
            return std::nullopt;
        }
        return -static_cast<float>(rank);  // lower rank first; exact for ranks below 2^24
    });
    for (int i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[static_cast<size_t>(i)].next) {
        const Symbol& s = symbols[static_cast<size_t>(i)];
        const std::string_view piece = word.substr(s.start, s.n);
        if (const int32_t id = v.find(piece); id >= 0) {
            out.push_back(id);
            continue;
        }
        // Not a token (a vocabulary without all 256 byte symbols): emit each character that is one.
        for (const Symbol& c : charSymbols(piece)) {
            if (const int32_t id = v.find(piece.substr(c.start, c.n)); id >= 0) {
                out.push_back(id);
            } else if (v.unk >= 0) {
                out.push_back(v.unk);
            }
        }
    }
}

std::string Tokenizer::tokenPiece(int32_t id, bool withSpecial) const {
    const Vocab& v = *m_vocab;
    if (id < 0 || static_cast<size_t>(id) >= v.size()) {
        return {};
    }
    const std::string& text = v.text(id);
    switch (v.type(id)) {
    case TokenType::Control:
    case TokenType::Unknown:
        return withSpecial ? text : std::string();
    case TokenType::UserDefined:
        return text;
    case TokenType::Normal:
        if (v.model == VocabModel::Spm) {
            return replaceAll(text, kSpmSpace, " ");
        } else {
            std::string bytes;
            for (size_t pos = 0; pos < text.size();) {
                const size_t start = pos;
                const uint32_t cp = utf8Decode(text, pos);
                const int b = byteFromUnicode(cp);
                if (b >= 0) {
                    bytes += static_cast<char>(b);
                } else {
                    bytes.append(text, start, pos - start);
                }
            }
            return bytes;
        }
    case TokenType::Byte:
        if (text.size() == 6 && text.starts_with("<0x") && text.back() == '>') {
            const int hi = hexDigit(text[3]);
            const int lo = hexDigit(text[4]);
            if (hi >= 0 && lo >= 0) {
                return std::string(1, static_cast<char>(hi * 16 + lo));
            }
        }
        return text;
    case TokenType::Unused:
    case TokenType::Undefined:
        break;
    }
    return {};
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool withSpecial) const {
    std::string out;
    for (int32_t id : ids) {
        out += tokenPiece(id, withSpecial);
    }
    return out;
}

}  // namespace lantern::text
