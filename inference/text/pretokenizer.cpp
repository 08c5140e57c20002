#include "inference/text/pretokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <utility>

namespace lantern::text {

namespace {

// The expressions are those of the tokenizer.json files the vocabularies come with, with llama.cpp's
// adaptation of the case-insensitive contractions "(?i:'s|...)" to explicit classes.
constexpr std::string_view kGpt2 =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))";
constexpr std::string_view kLlama3 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kQwen2 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kQwen35 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

struct Family {
    std::vector<std::string_view> names;
    std::vector<std::string_view> regexes;
};

const std::vector<Family>& families() {
    static const std::vector<Family> table = {
        {{"", "default"},
         {R"([\p{P}\$\+<=>\^~\|]+)", kGpt2, R"(\p{N}+)", "[0-9][0-9][0-9]"}},
        {{"llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral", "dbrx", "smaug-bpe", "chatglm-bpe", "glm4",
          "glm5", "lfm2"},
         {kLlama3}},
        {{"qwen2", "deepseek-r1-qwen", "stablelm2", "hunyuan"}, {kQwen2}},
        {{"qwen35"}, {kQwen35}},
        {{"gpt-2", "phi-2", "mpt", "olmo", "jina-es", "jina-de", "jina-v1-en", "jina-v2-es", "jina-v2-de",
          "jina-v2-code", "roberta-bpe", "gigachat"},
         {kGpt2}},
        {{"starcoder", "refact", "command-r", "smollm", "codeshell", "exaone"}, {R"(\p{N})", kGpt2}},
        {{"falcon"}, {R"([\p{P}\$\+<=>\^~\|`]+)", kGpt2, "[0-9][0-9][0-9]"}},
        {{"deepseek-llm"},
         {"[\r\n]",
          "\\s?[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF\u01C4-\u0293\u0295-\u02AF\u0370-\u0373\u0376\u0377\u037B-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F\u0531-\u0556\u10A0-\u10C5\u13A0-\u13F5\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77\u1D79-\u1D9A\u1E00-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2134\u2139\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184\u2C00-\u2C7B\u2C7E-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17\uFF21-\uFF3A\uFF41-\uFF5A\U00010400-\U0001044F\U000104B0-\U000104D3\U000104D8-\U000104FB\U00010C80-\U00010CB2\U00010CC0-\U00010CF2\U000118A0-\U000118DF\U0001E900-\U0001E943]+",
          "\\s?[!-/:-~\uFF01-\uFF0F\uFF1A-\uFF5E\u2018-\u201F\u3000-\u3002]+", "\\s+$", "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+", "\\p{N}+"}},
        {{"deepseek-coder"}, {"[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+", "\\p{N}"}},
        {{"deepseek-v3"},
         {"\\p{N}{1,3}", "[\u4E00-\u9FA5\u3040-\u309F\u30A0-\u30FF]+",
          "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| "
          "?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"}},
    };
    return table;
}

const Family* findFamily(std::string_view pre) {
    for (const Family& f : families()) {
        for (std::string_view n : f.names) {
            if (n == pre) {
                return &f;
            }
        }
    }
    return nullptr;
}

}  // namespace

struct PreTokenizer::Regex {
    pcre2_code* code = nullptr;
    pcre2_match_data* match = nullptr;
    ~Regex() {
        pcre2_match_data_free(match);
        pcre2_code_free(code);
    }
};

PreTokenizer::PreTokenizer(PreTokenizer&&) noexcept = default;
PreTokenizer& PreTokenizer::operator=(PreTokenizer&&) noexcept = default;
PreTokenizer::~PreTokenizer() = default;

bool PreTokenizer::known(std::string_view pre) { return findFamily(pre) != nullptr; }

Result<PreTokenizer> PreTokenizer::create(std::string_view pre) {
    const Family* family = findFamily(pre);
    if (!family) {
        return fail(Errc::TokenizerInvalid,
                    "The pre-tokenizer \"" + std::string(pre) + "\" (tokenizer.ggml.pre) is not supported.");
    }
    PreTokenizer result;
    for (std::string_view expr : family->regexes) {
        auto r = std::make_unique<Regex>();
        int code = 0;
        PCRE2_SIZE offset = 0;
        // MATCH_INVALID_UTF: bytes that are no valid UTF-8 are never matched and stay in the gaps, so
        // arbitrary input cannot make matching fail.
        r->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expr.data()), expr.size(),
                                PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &code, &offset, nullptr);
        if (!r->code) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(code, msg, sizeof msg);
            return fail(Errc::Internal, "Pre-tokenizer expression of \"" + std::string(pre) +
                                            "\" does not compile at " + std::to_string(offset) + ": " +
                                            reinterpret_cast<const char*>(msg));
        }
        pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE);  // optional speed-up; interpretation still works
        r->match = pcre2_match_data_create_from_pattern(r->code, nullptr);
        result.m_regexes.push_back(std::move(r));
    }
    return result;
}

std::vector<std::string_view> PreTokenizer::split(std::string_view text) const {
    std::vector<std::string_view> pieces{text};
    if (text.empty()) {
        return {};
    }
    for (const auto& regex : m_regexes) {
        std::vector<std::string_view> next;
        for (std::string_view piece : pieces) {
            // Each piece is matched on its own: a lookahead never sees past the end of its piece.
            const auto* subject = reinterpret_cast<PCRE2_SPTR>(piece.data());
            size_t pos = 0;
            size_t gapStart = 0;
            while (pos < piece.size()) {
                int rc = pcre2_match(regex->code, subject, piece.size(), pos, 0, regex->match, nullptr);
                if (rc < 0) {
                    break;
                }
                const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(regex->match);
                const size_t start = ov[0];
                const size_t end = ov[1];
                if (end == start) {  // an empty match: move on by one byte, keep it in the gap
                    pos = start + 1;
                    continue;
                }
                if (start > gapStart) {
                    next.push_back(piece.substr(gapStart, start - gapStart));
                }
                next.push_back(piece.substr(start, end - start));
                pos = gapStart = end;
            }
            if (gapStart < piece.size()) {
                next.push_back(piece.substr(gapStart));
            }
        }
        pieces = std::move(next);
    }
    return pieces;
}

}  // namespace lantern::text
