#include "inference/sampling/sampler.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace lantern::sampling {

namespace {

uint64_t randomSeed() {
    std::random_device device;
    const uint64_t s = (static_cast<uint64_t>(device()) << 32) ^ device();
    return s == 0 ? 1 : s;
}

bool better(const Candidate& a, const Candidate& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

}  // namespace

Sampler::Sampler(const Params& params)
    : m_params(params), m_seed(params.seed != 0 ? params.seed : randomSeed()), m_rng(m_seed) {}

void Sampler::reset() {
    m_history.clear();
    m_rng.seed(m_seed);
}

void Sampler::accept(int32_t token) {
    if (m_params.penaltyLastN <= 0) {
        return;
    }
    m_history.push_back(token);
    while (m_history.size() > static_cast<size_t>(m_params.penaltyLastN)) {
        m_history.pop_front();
    }
}

void Sampler::applyPenalties(std::span<float> logits, std::span<const int32_t> history, const Params& p) {
    if (p.penaltyLastN <= 0 || history.empty()) {
        return;
    }
    const bool off = p.repeatPenalty == 1.0f && p.presencePenalty == 0.0f && p.frequencyPenalty == 0.0f;
    if (off) {
        return;
    }
    const size_t n = std::min(history.size(), static_cast<size_t>(p.penaltyLastN));
    std::unordered_map<int32_t, int> counts;
    for (int32_t t : history.subspan(history.size() - n)) {
        if (t >= 0 && static_cast<size_t>(t) < logits.size()) {
            ++counts[t];
        }
    }
    for (const auto& [token, count] : counts) {
        float& l = logits[static_cast<size_t>(token)];
        // Dividing a negative logit would raise it; multiplying lowers it (CTRL's rule, as llama.cpp).
        l = l > 0 ? l / p.repeatPenalty : l * p.repeatPenalty;
        l -= static_cast<float>(count) * p.frequencyPenalty + p.presencePenalty;
    }
}

std::vector<Candidate> Sampler::topK(std::span<const float> logits, int32_t k) {
    std::vector<Candidate> c(logits.size());
    for (size_t i = 0; i < logits.size(); ++i) {
        c[i] = {static_cast<int32_t>(i), logits[i]};
    }
    if (k > 0 && static_cast<size_t>(k) < c.size()) {
        // O(n) selection, then a sort of only k elements: the 262144-entry vocabularies stay cheap.
        std::nth_element(c.begin(), c.begin() + k, c.end(), better);
        c.resize(static_cast<size_t>(k));
    }
    std::sort(c.begin(), c.end(), better);
    return c;
}

std::vector<double> Sampler::probabilities(const std::vector<Candidate>& c, float temperature) {
    std::vector<double> p(c.size());
    if (c.empty()) {
        return p;
    }
    double maxLogit = -INFINITY;
    for (const Candidate& x : c) {
        maxLogit = std::max(maxLogit, static_cast<double>(x.logit));
    }
    const double t = temperature > 0 ? static_cast<double>(temperature) : 1.0;
    double sum = 0;
    for (size_t i = 0; i < c.size(); ++i) {
        p[i] = std::exp((static_cast<double>(c[i].logit) - maxLogit) / t);
        sum += p[i];
    }
    for (double& x : p) {
        x /= sum;
    }
    return p;
}

void Sampler::topP(std::vector<Candidate>& sorted, float p) {
    if (p >= 1.0f || sorted.size() <= 1) {
        return;
    }
    const std::vector<double> probs = probabilities(sorted, 1.0f);
    double mass = 0;
    size_t keep = sorted.size();
    for (size_t i = 0; i < probs.size(); ++i) {
        mass += probs[i];
        if (mass >= static_cast<double>(p)) {
            keep = i + 1;
            break;
        }
    }
    sorted.resize(keep);
}

void Sampler::minP(std::vector<Candidate>& sorted, float minP) {
    if (minP <= 0.0f || sorted.empty()) {
        return;
    }
    // p_i >= minP * p_max  <=>  logit_i >= logit_max + log(minP): no softmax needed.
    const float threshold = sorted.front().logit + std::log(minP);
    size_t keep = 1;
    while (keep < sorted.size() && sorted[keep].logit >= threshold) {
        ++keep;
    }
    sorted.resize(keep);
}

int32_t Sampler::sample(std::span<const float> logits) {
    if (logits.empty()) {
        return -1;
    }
    std::span<const float> view = logits;
    const bool penalize = m_params.penaltyLastN > 0 && !m_history.empty();
    if (penalize) {
        m_scratch.assign(logits.begin(), logits.end());
        const std::vector<int32_t> history(m_history.begin(), m_history.end());
        applyPenalties(m_scratch, history, m_params);
        view = m_scratch;
    }
    if (m_params.temperature <= 0.0f) {
        const auto best = std::max_element(view.begin(), view.end());  // first of equal maxima
        return static_cast<int32_t>(best - view.begin());
    }
    std::vector<Candidate> c = topK(view, m_params.topK);
    topP(c, m_params.topP);
    minP(c, m_params.minP);
    const std::vector<double> probs = probabilities(c, m_params.temperature);
    // 53 random bits -> a double in [0, 1); independent of the standard library's distributions.
    const double u = static_cast<double>(m_rng() >> 11) * 0x1.0p-53;
    double cumulative = 0;
    for (size_t i = 0; i < probs.size(); ++i) {
        cumulative += probs[i];
        if (u < cumulative) {
            return c[i].id;
        }
    }
    return c.back().id;
}

}  // namespace lantern::sampling
