#include "inference/models/teacher.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "base/strformat.h"
#include "inference/models/densemodel.h"

namespace lantern::models {
namespace {

// log-softmax of one row of logits, in double.
std::vector<double> logSoftmax(std::span<const float> logits) {
    const double mx = *std::max_element(logits.begin(), logits.end());
    double sum = 0;
    for (float v : logits) {
        sum += std::exp(double(v) - mx);
    }
    const double lse = mx + std::log(sum);
    std::vector<double> out(logits.size());
    for (size_t i = 0; i < logits.size(); ++i) {
        out[i] = double(logits[i]) - lse;
    }
    return out;
}

}  // namespace

Result<Teacher> readTeacher(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    uint32_t head[4] = {};
    in.read(reinterpret_cast<char*>(head), sizeof head);
    if (!in || head[0] != 0x4843544Cu) {
        return fail(Errc::FileRead, lantern::format("{} is not a teacher file (scripts/golden/llamacpp_teacher.py)",
                                                    path.string()));
    }
    Teacher t;
    t.tokens.resize(head[1]);
    t.k = head[2];
    t.nVocab = head[3];
    if (t.tokens.size() < 2 || t.k == 0 || t.k > t.nVocab || t.tokens.size() > (1u << 20)) {
        return fail(Errc::FileRead, lantern::format("{}: implausible header ({} tokens, k {}, vocabulary {})",
                                                    path.string(), t.tokens.size(), t.k, t.nVocab));
    }
    in.read(reinterpret_cast<char*>(t.tokens.data()), std::streamsize(t.tokens.size() * 4));
    const size_t rows = t.tokens.size() - 1;
    t.topIds.resize(rows * t.k);
    t.topLogp.resize(rows * t.k);
    for (size_t p = 0; p < rows; ++p) {
        in.read(reinterpret_cast<char*>(t.topIds.data() + p * t.k), std::streamsize(t.k * 4));
        in.read(reinterpret_cast<char*>(t.topLogp.data() + p * t.k), std::streamsize(t.k * 4));
    }
    if (!in) {
        return fail(Errc::FileRead, lantern::format("{} is truncated", path.string()));
    }
    for (int32_t id : t.topIds) {
        if (id < 0 || uint32_t(id) >= t.nVocab) {
            return fail(Errc::FileRead, lantern::format("{}: token id {} outside the vocabulary", path.string(), id));
        }
    }
    return t;
}

Agreement compareWithTeacher(const Teacher& t, std::span<const float> logits) {
    Agreement a;
    a.positions = t.tokens.size() - 1;
    double klSum = 0;
    for (size_t p = 0; p < a.positions; ++p) {
        const std::vector<double> ours = logSoftmax(logits.subspan(p * t.nVocab, t.nVocab));
        const int32_t* ids = t.topIds.data() + p * t.k;
        const float* ref = t.topLogp.data() + p * t.k;
        const auto best = std::max_element(ours.begin(), ours.end()) - ours.begin();
        a.agree += best == ids[0] ? 1 : 0;
        double kl = 0, refMass = 0, ourMass = 0;
        for (uint32_t j = 0; j < t.k; ++j) {
            const double pr = std::exp(double(ref[j]));
            kl += pr * (double(ref[j]) - ours[size_t(ids[j])]);
            refMass += pr;
            ourMass += std::exp(ours[size_t(ids[j])]);
        }
        const double restRef = std::max(1.0 - refMass, 1e-12), restOurs = std::max(1.0 - ourMass, 1e-12);
        kl += restRef * (std::log(restRef) - std::log(restOurs));
        klSum += kl;
        if (kl > a.maxKl) {
            a.maxKl = kl;
            a.maxKlAt = p;
        }
    }
    a.top1 = double(a.agree) / double(a.positions);
    a.meanKl = klSum / double(a.positions);
    return a;
}

Result<std::vector<GreedyCase>> readGreedy(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    uint32_t head[3] = {};
    in.read(reinterpret_cast<char*>(head), sizeof head);
    if (!in || head[0] != 0x4452474Cu) {
        return fail(Errc::FileRead, lantern::format("{} is not a greedy file (scripts/golden/llamacpp_greedy.py)",
                                                    path.string()));
    }
    if (head[1] == 0 || head[1] > 4096 || head[2] == 0 || head[2] > 4096) {
        return fail(Errc::FileRead, lantern::format("{}: implausible header ({} prompts of {} tokens)", path.string(),
                                                    head[1], head[2]));
    }
    std::vector<GreedyCase> cases(head[1]);
    for (GreedyCase& c : cases) {
        uint32_t n = 0;
        in.read(reinterpret_cast<char*>(&n), 4);
        if (!in || n == 0 || n > 4096) {
            return fail(Errc::FileRead, lantern::format("{}: a prompt of {} tokens", path.string(), n));
        }
        c.prompt.resize(n);
        c.greedy.resize(head[2]);
        c.margins.resize(head[2]);
        in.read(reinterpret_cast<char*>(c.prompt.data()), std::streamsize(n * 4));
        in.read(reinterpret_cast<char*>(c.greedy.data()), std::streamsize(c.greedy.size() * 4));
        in.read(reinterpret_cast<char*>(c.margins.data()), std::streamsize(c.margins.size() * 4));
    }
    if (!in) {
        return fail(Errc::FileRead, lantern::format("{} is truncated", path.string()));
    }
    return cases;
}

Result<GreedyAgreement> compareGreedy(DenseModel& model, const std::vector<GreedyCase>& cases) {
    constexpr size_t kChunk = 8;
    const uint32_t vocab = model.config().nVocab;
    GreedyAgreement out;
    std::vector<float> logits(kChunk * vocab);
    for (const GreedyCase& c : cases) {
        for (int32_t id : c.prompt) {
            if (id < 0 || uint32_t(id) >= vocab) {
                return fail(Errc::InvalidArgument,
                            lantern::format("token id {} is outside the model's vocabulary of {}", id, vocab));
            }
        }
        auto kv = model.newKvCache(uint32_t(c.prompt.size() + c.greedy.size()) + 8);
        if (!kv) {
            return std::unexpected(kv.error());
        }
        // The prompt but its last token needs no logits; then the last prompt token and the reference's tokens
        // in chunks.
        const size_t lead = c.prompt.size() - 1;
        if (lead > 0) {
            if (auto r = model.forward(*kv, std::span(c.prompt).first(lead), 0, logits); !r) {
                return std::unexpected(r.error());
            }
        }
        std::vector<int32_t> fed{c.prompt.back()};
        fed.insert(fed.end(), c.greedy.begin(), c.greedy.end() - 1);
        size_t same = 0;
        bool differs = false;
        for (size_t at = 0; at < fed.size() && !differs; at += kChunk) {
            const size_t n = std::min(kChunk, fed.size() - at);
            if (auto r = model.forwardAll(*kv, std::span(fed).subspan(at, n), uint32_t(lead + at), logits); !r) {
                return std::unexpected(r.error());
            }
            for (size_t j = 0; j < n && !differs; ++j) {
                const auto row = std::span(logits).subspan(j * vocab, vocab);
                differs = std::max_element(row.begin(), row.end()) - row.begin() != c.greedy[same];
                same += differs ? 0 : 1;
            }
        }
        out.same.push_back(same);
        out.identical += same == c.greedy.size() ? 1 : 0;
    }
    return out;
}

}  // namespace lantern::models
