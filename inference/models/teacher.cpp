#include "inference/models/teacher.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "inference/core/strformat.h"

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

}  // namespace lantern::models
