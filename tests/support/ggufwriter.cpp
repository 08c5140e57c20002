#include "tests/support/ggufwriter.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <set>

#include "base/strformat.h"
#include "inference/reference/weights.h"

namespace lantern::test {
namespace {

constexpr uint32_t kAlignment = 32;

// GGUF metadata value types.
enum : uint32_t {
    kU8 = 0, kI8 = 1, kU16 = 2, kI16 = 3, kU32 = 4, kI32 = 5, kF32 = 6, kBool = 7, kString = 8, kArray = 9,
    kU64 = 10, kI64 = 11, kF64 = 12,
};

class Out {
public:
    template <typename T>
    void put(T v) {
        const auto* p = reinterpret_cast<const std::byte*>(&v);
        bytes.insert(bytes.end(), p, p + sizeof(T));
    }
    void str(const std::string& s) {
        put<uint64_t>(s.size());
        const auto* p = reinterpret_cast<const std::byte*>(s.data());
        bytes.insert(bytes.end(), p, p + s.size());
    }
    void pad() { bytes.resize((bytes.size() + kAlignment - 1) / kAlignment * kAlignment); }
    std::vector<std::byte> bytes;
};

struct ValueWriter {
    Out& out;
    void operator()(uint8_t v) const { typed(kU8, v); }
    void operator()(int8_t v) const { typed(kI8, v); }
    void operator()(uint16_t v) const { typed(kU16, v); }
    void operator()(int16_t v) const { typed(kI16, v); }
    void operator()(uint32_t v) const { typed(kU32, v); }
    void operator()(int32_t v) const { typed(kI32, v); }
    void operator()(float v) const { typed(kF32, v); }
    void operator()(bool v) const { typed(kBool, uint8_t(v ? 1 : 0)); }
    void operator()(uint64_t v) const { typed(kU64, v); }
    void operator()(int64_t v) const { typed(kI64, v); }
    void operator()(double v) const { typed(kF64, v); }
    void operator()(const std::string& v) const {
        out.put<uint32_t>(kString);
        out.str(v);
    }
    void operator()(const GgufWriter::Array& a) const {
        out.put<uint32_t>(kArray);
        std::visit(
            [this](const auto& items) {
                using Item = typename std::decay_t<decltype(items)>::value_type;
                if constexpr (std::is_same_v<Item, std::string>) {
                    out.put<uint32_t>(kString);
                } else if constexpr (std::is_same_v<Item, float>) {
                    out.put<uint32_t>(kF32);
                } else if constexpr (std::is_same_v<Item, int32_t>) {
                    out.put<uint32_t>(kI32);
                } else {
                    out.put<uint32_t>(kU32);
                }
                out.put<uint64_t>(items.size());
                for (const Item& item : items) {
                    if constexpr (std::is_same_v<Item, std::string>) {
                        out.str(item);
                    } else {
                        out.put(item);
                    }
                }
            },
            a);
    }
    template <typename T>
    void typed(uint32_t type, T v) const {
        out.put<uint32_t>(type);
        out.put(v);
    }
};

}  // namespace

void GgufWriter::set(const std::string& key, Value value) {
    for (auto& [k, v] : m_kv) {
        if (k == key) {
            v = std::move(value);
            return;
        }
    }
    m_kv.emplace_back(key, std::move(value));
}

void GgufWriter::erase(const std::string& key) {
    std::erase_if(m_kv, [&](const auto& kv) { return kv.first == key; });
}

Result<GgufWriter> GgufWriter::copyOf(const gguf::File& file) {
    using gguf::ValueType;
    if (file.alignment() != kAlignment) {
        return fail(Errc::InvalidArgument, lantern::format("{}: the writer aligns to {} bytes only",
                                                           file.path().filename().string(), kAlignment));
    }
    GgufWriter w;
    for (std::string_view k : file.keys()) {
        const std::string key(k);
        if (key.starts_with("split.")) {
            continue;  // the copy is one model, whatever it was read from
        }
        switch (*file.typeOf(k)) {
        case ValueType::U8: w.set(key, uint8_t(*file.uint(k))); break;
        case ValueType::I8: w.set(key, int8_t(*file.sint(k))); break;
        case ValueType::U16: w.set(key, uint16_t(*file.uint(k))); break;
        case ValueType::I16: w.set(key, int16_t(*file.sint(k))); break;
        case ValueType::U32: w.set(key, uint32_t(*file.uint(k))); break;
        case ValueType::I32: w.set(key, int32_t(*file.sint(k))); break;
        case ValueType::U64: w.set(key, uint64_t(*file.uint(k))); break;
        case ValueType::I64: w.set(key, int64_t(*file.sint(k))); break;
        case ValueType::F32: w.set(key, *file.f32(k)); break;
        case ValueType::F64: w.set(key, double(*file.f32(k))); break;  // f64 keys are rare; f32 precision here
        case ValueType::Bool: w.set(key, *file.boolean(k)); break;
        case ValueType::String: w.set(key, std::string(*file.str(k))); break;
        case ValueType::Array: {
            const gguf::ArrayView a = *file.array(k);
            const auto copy = [&](auto get) {
                std::vector<decltype(get(size_t(0)))> items;
                for (size_t i = 0; i < a.size(); ++i) {
                    items.push_back(get(i));
                }
                w.set(key, Array(std::move(items)));
            };
            if (a.elementType() == ValueType::String) {
                copy([&](size_t i) { return std::string(a.str(i)); });
            } else if (a.elementType() == ValueType::F32) {
                copy([&](size_t i) { return a.f32(i); });
            } else if (a.elementType() == ValueType::I32) {
                copy([&](size_t i) { return a.i32(i); });
            } else if (a.elementType() == ValueType::U32) {
                copy([&](size_t i) { return a.u32(i); });
            } else {
                return fail(Errc::InvalidArgument, lantern::format("{}: the writer cannot copy the array '{}'",
                                                                   file.path().filename().string(), key));
            }
            break;
        }
        }
    }
    for (const gguf::TensorInfo& t : file.tensors()) {
        std::vector<uint64_t> ne(t.ne.begin(), t.ne.begin() + t.nDims);
        w.addRawTensor(t.name, std::move(ne), t.type, std::vector<std::byte>(t.data.begin(), t.data.end()));
    }
    return w;
}

void GgufWriter::addTensor(const std::string& name, std::vector<uint64_t> ne, gguf::GgmlType type,
                           std::span<const float> values) {
    addRawTensor(name, std::move(ne), type, reference::quantize(type, values));
}

void GgufWriter::addRawTensor(const std::string& name, std::vector<uint64_t> ne, gguf::GgmlType type,
                              std::vector<std::byte> bytes) {
    m_tensors.push_back({name, std::move(ne), type, std::move(bytes)});
}

std::vector<std::byte> GgufWriter::bytes() const {
    Out out;
    out.bytes.insert(out.bytes.end(), {std::byte{'G'}, std::byte{'G'}, std::byte{'U'}, std::byte{'F'}});
    out.put<uint32_t>(3);
    out.put<uint64_t>(m_tensors.size());
    out.put<uint64_t>(m_kv.size());
    for (const auto& [key, value] : m_kv) {
        out.str(key);
        std::visit(ValueWriter{out}, value);
    }
    uint64_t offset = 0;
    for (const Tensor& t : m_tensors) {
        out.str(t.name);
        out.put<uint32_t>(uint32_t(t.ne.size()));
        for (uint64_t n : t.ne) {
            out.put<uint64_t>(n);
        }
        out.put<uint32_t>(static_cast<uint32_t>(t.type));
        out.put<uint64_t>(offset);
        offset += (t.data.size() + kAlignment - 1) / kAlignment * kAlignment;
    }
    out.pad();
    for (const Tensor& t : m_tensors) {
        out.bytes.insert(out.bytes.end(), t.data.begin(), t.data.end());
        out.pad();
    }
    return out.bytes;
}

Result<void> GgufWriter::write(const std::filesystem::path& path) const {
    const std::vector<std::byte> b = bytes();
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
    if (!f.good()) {
        return fail(Errc::FileRead, lantern::format("cannot write {}", path.string()));
    }
    return {};
}

std::vector<GgufWriter> GgufWriter::splitParts(uint32_t parts) const {
    std::vector<GgufWriter> out(parts);
    const size_t n = m_tensors.size();
    for (uint32_t i = 0; i < parts; ++i) {
        // gguf-split copies every key into the first part, then appends the split keys.
        if (i == 0) {
            out[0].m_kv = m_kv;
        }
        out[i].set("split.no", uint16_t(i));
        out[i].set("split.count", uint16_t(parts));
        out[i].set("split.tensors.count", int32_t(n));
    }
    for (size_t t = 0; t < n; ++t) {
        out[t * parts / n].m_tensors.push_back(m_tensors[t]);
    }
    return out;
}

std::filesystem::path GgufWriter::splitPath(const std::filesystem::path& prefix, uint32_t no, uint32_t count) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, "-%05u-of-%05u.gguf", no + 1, count);
    std::filesystem::path p = prefix;
    p += suffix;
    return p;
}

Result<std::vector<std::filesystem::path>> GgufWriter::writeSplit(const std::filesystem::path& prefix,
                                                                  uint32_t parts) const {
    std::vector<std::filesystem::path> paths;
    const std::vector<GgufWriter> split = splitParts(parts);
    for (uint32_t i = 0; i < parts; ++i) {
        paths.push_back(splitPath(prefix, i, parts));
        if (auto r = split[i].write(paths.back()); !r) {
            return std::unexpected(r.error());
        }
    }
    return paths;
}

GgufWriter syntheticModel(const SyntheticModel& s) {
    GgufWriter w;
    const std::string a = s.arch;
    const bool qwen2 = a == "qwen2", qwen3 = a == "qwen3", gemma3 = a == "gemma3";
    const uint32_t head = s.nEmbd / s.nHead;
    w.set("general.architecture", a);
    w.set("general.name", "synthetic-" + a);
    w.set("general.alignment", kAlignment);
    w.set(a + ".block_count", s.nLayer);
    w.set(a + ".context_length", s.context);
    w.set(a + ".embedding_length", s.nEmbd);
    w.set(a + ".feed_forward_length", s.nFf);
    w.set(a + ".attention.head_count", s.nHead);
    w.set(a + ".attention.head_count_kv", s.nHeadKv);
    w.set(a + ".attention.layer_norm_rms_epsilon", 1e-6f);
    w.set(a + ".rope.freq_base", a == "llama" ? 10000.0f : 1000000.0f);
    if (gemma3) {
        w.set(a + ".attention.key_length", head);
        w.set(a + ".attention.value_length", head);
        w.set(a + ".attention.sliding_window", 16u);
    }

    std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
    std::vector<int32_t> types = {2, 3, 3};
    for (int b = 0; b < 256; ++b) {
        char byteToken[8];
        std::snprintf(byteToken, sizeof byteToken, "<0x%02X>", b);  // lantern::format has no {:02X}
        tokens.push_back(byteToken);
        types.push_back(6);
    }
    std::mt19937_64 gen(s.seed);
    std::set<std::string> seen(tokens.begin(), tokens.end());
    while (tokens.size() < s.nVocab) {
        std::string word = "\xE2\x96\x81";  // U+2581, SentencePiece's word start
        const int len = 2 + int(gen() % 5);
        for (int i = 0; i < len; ++i) {
            word += char('a' + gen() % 26);
        }
        if (seen.insert(word).second) {
            tokens.push_back(word);
            types.push_back(1);
        }
    }
    std::vector<float> scores(tokens.size());
    for (size_t i = 259; i < tokens.size(); ++i) {
        scores[i] = -float(i - 259);
    }
    w.set("tokenizer.ggml.model", std::string("llama"));
    w.set("tokenizer.ggml.pre", std::string("default"));
    w.set("tokenizer.ggml.tokens", GgufWriter::Array(tokens));
    w.set("tokenizer.ggml.scores", GgufWriter::Array(scores));
    w.set("tokenizer.ggml.token_type", GgufWriter::Array(types));
    w.set("tokenizer.ggml.bos_token_id", 1u);
    w.set("tokenizer.ggml.eos_token_id", 2u);
    w.set("tokenizer.ggml.unknown_token_id", 0u);

    std::normal_distribution<float> normal(0.0f, 1.0f);
    const auto matrix = [&](const std::string& name, uint32_t rows, uint32_t cols, float scale) {
        std::vector<float> v(size_t(rows) * cols);
        for (float& x : v) {
            x = normal(gen) * scale;
        }
        w.addTensor(name, {cols, rows}, s.type, v);
    };
    const auto vec = [&](const std::string& name, uint32_t n, float mean, float spread) {
        std::vector<float> v(n);
        for (float& x : v) {
            x = mean + spread * normal(gen);
        }
        w.addTensor(name, {n}, gguf::GgmlType::F32, v);
    };
    const float in = 1.0f / std::sqrt(float(s.nEmbd)), ff = 1.0f / std::sqrt(float(s.nFf));
    const float normMean = 1.0f;  // GGUF files hold norm weights near 1 (Gemma's converter adds its 1 in)
    matrix("token_embd.weight", s.nVocab, s.nEmbd, 1.0f);
    for (uint32_t l = 0; l < s.nLayer; ++l) {
        const std::string p = lantern::format("blk.{}.", l);
        vec(p + "attn_norm.weight", s.nEmbd, normMean, 0.1f);
        matrix(p + "attn_q.weight", s.nHead * head, s.nEmbd, in);
        matrix(p + "attn_k.weight", s.nHeadKv * head, s.nEmbd, in);
        matrix(p + "attn_v.weight", s.nHeadKv * head, s.nEmbd, in);
        if (qwen2) {
            vec(p + "attn_q.bias", s.nHead * head, 0.0f, 0.1f);
            vec(p + "attn_k.bias", s.nHeadKv * head, 0.0f, 0.1f);
            vec(p + "attn_v.bias", s.nHeadKv * head, 0.0f, 0.1f);
        }
        if (qwen3 || gemma3) {
            vec(p + "attn_q_norm.weight", head, normMean, 0.1f);
            vec(p + "attn_k_norm.weight", head, normMean, 0.1f);
        }
        matrix(p + "attn_output.weight", s.nEmbd, s.nHead * head, in);
        if (gemma3) {
            vec(p + "post_attention_norm.weight", s.nEmbd, normMean, 0.1f);
        }
        vec(p + "ffn_norm.weight", s.nEmbd, normMean, 0.1f);
        matrix(p + "ffn_gate.weight", s.nFf, s.nEmbd, in);
        matrix(p + "ffn_up.weight", s.nFf, s.nEmbd, in);
        matrix(p + "ffn_down.weight", s.nEmbd, s.nFf, ff);
        if (gemma3) {
            vec(p + "post_ffw_norm.weight", s.nEmbd, normMean, 0.1f);
        }
    }
    vec("output_norm.weight", s.nEmbd, normMean, 0.1f);
    if (!qwen2 && !gemma3) {
        matrix("output.weight", s.nVocab, s.nEmbd, in);
    }
    return w;
}

}  // namespace lantern::test
