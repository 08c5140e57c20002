// Statistical properties of the sampler with fixed seeds: every assertion is a property of the
// distribution (which tokens may appear, how often), computed in the test from the logits alone.
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include "inference/sampling/sampler.h"

using lantern::sampling::Params;
using lantern::sampling::Sampler;

namespace {

std::vector<float> randomLogits(size_t n, uint32_t seed, float scale = 3.0f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0.0f, scale);
    std::vector<float> v(n);
    for (float& x : v) {
        x = d(rng);
    }
    return v;
}

Params plain(float temperature, uint64_t seed) {
    Params p;
    p.temperature = temperature;
    p.topK = 0;
    p.topP = 1.0f;
    p.minP = 0.0f;
    p.seed = seed;
    return p;
}

// Logits whose softmax is exactly the given probabilities.
std::vector<float> logitsOf(const std::vector<double>& probs) {
    std::vector<float> l;
    for (double p : probs) {
        l.push_back(static_cast<float>(std::log(p)));
    }
    return l;
}

std::map<int32_t, int> histogram(Sampler& s, const std::vector<float>& logits, int draws) {
    std::map<int32_t, int> h;
    for (int i = 0; i < draws; ++i) {
        ++h[s.sample(logits)];
    }
    return h;
}

}  // namespace

class SamplerTest : public QObject {
    Q_OBJECT
private slots:
    void greedyIsArgmax() {
        for (uint32_t seed = 1; seed <= 20; ++seed) {
            const auto logits = randomLogits(5000, seed);
            Sampler s(plain(0.0f, seed));
            const auto expected = std::max_element(logits.begin(), logits.end()) - logits.begin();
            QCOMPARE(s.sample(logits), static_cast<int32_t>(expected));
        }
    }

    void topKNeverLeavesTheKBest() {
        const auto logits = randomLogits(1000, 7, 1.0f);
        std::vector<int32_t> order(logits.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return logits[a] > logits[b]; });
        const std::set<int32_t> best(order.begin(), order.begin() + 5);
        Params p = plain(2.0f, 42);  // a hot temperature would reach far outside the top 5 if it could
        p.topK = 5;
        Sampler s(p);
        const auto h = histogram(s, logits, 4000);
        for (const auto& [id, n] : h) {
            QVERIFY2(best.contains(id), qPrintable(QString("token %1 is not among the 5 best").arg(id)));
        }
        QCOMPARE(h.size(), size_t(5));  // and at this temperature each of them shows up
    }

    void temperatureOneFollowsSoftmax() {
        const std::vector<double> probs = {0.4, 0.3, 0.2, 0.1};
        Sampler s(plain(1.0f, 3));
        const int draws = 20000;
        const auto h = histogram(s, logitsOf(probs), draws);
        for (size_t i = 0; i < probs.size(); ++i) {
            const double freq = h.count(int32_t(i)) ? h.at(int32_t(i)) / double(draws) : 0.0;
            const double sigma = std::sqrt(probs[i] * (1 - probs[i]) / draws);
            QVERIFY2(std::abs(freq - probs[i]) < 5 * sigma, qPrintable(QString("token %1: %2 vs %3").arg(i).arg(freq).arg(probs[i])));
        }
    }

    void temperatureReshapes() {
        // At T = 0.5 the distribution is p^2 renormalised.
        const std::vector<double> probs = {0.5, 0.3, 0.2};
        std::vector<double> sharp;
        for (double p : probs) sharp.push_back(p * p);
        const double z = std::accumulate(sharp.begin(), sharp.end(), 0.0);
        Sampler s(plain(0.5f, 11));
        const int draws = 20000;
        const auto h = histogram(s, logitsOf(probs), draws);
        for (size_t i = 0; i < probs.size(); ++i) {
            const double expected = sharp[i] / z;
            const double freq = h.at(int32_t(i)) / double(draws);
            QVERIFY(std::abs(freq - expected) < 5 * std::sqrt(expected * (1 - expected) / draws));
        }
    }

    void topPKeepsSmallestPrefixReachingMass() {
        // Cumulative 0.5, 0.8, 0.95, 1.0: top-p 0.75 keeps the first two, 0.85 the first three, 0.3 one.
        const std::vector<double> probs = {0.5, 0.3, 0.15, 0.05};
        for (auto [p, allowed] : {std::pair{0.75f, 2}, std::pair{0.85f, 3}, std::pair{0.3f, 1}}) {
            Params params = plain(1.0f, 5);
            params.topP = p;
            Sampler s(params);
            const int draws = 6000;
            const auto h = histogram(s, logitsOf(probs), draws);
            QCOMPARE(int(h.size()), allowed);
            QVERIFY(h.rbegin()->first == allowed - 1);
            double kept = 0;
            for (int i = 0; i < allowed; ++i) kept += probs[size_t(i)];
            // Within the kept set the relative frequencies are the renormalised probabilities.
            const double expected0 = probs[0] / kept;
            const double freq0 = h.at(0) / double(draws);
            QVERIFY(expected0 == 1.0 ? freq0 == 1.0 : std::abs(freq0 - expected0) < 5 * std::sqrt(expected0 * (1 - expected0) / draws));
        }
    }

    void minPDropsTokensBelowThreshold() {
        // min-p 0.25 with p_max 0.4: threshold 0.1, so 0.09 and 0.01 can never be drawn.
        const std::vector<double> probs = {0.4, 0.3, 0.2, 0.09, 0.01};
        Params params = plain(1.5f, 9);
        params.minP = 0.25f;
        Sampler s(params);
        const auto h = histogram(s, logitsOf(probs), 6000);
        QCOMPARE(h.size(), size_t(3));
        QVERIFY(!h.contains(3) && !h.contains(4));
    }

    void penaltiesChangeTheRightLogitsByTheRightAmounts() {
        std::vector<float> logits = {2.0f, -1.0f, 0.5f, 3.0f, -2.0f};
        const std::vector<float> before = logits;
        Params p;
        p.repeatPenalty = 2.0f;
        p.frequencyPenalty = 0.25f;
        p.presencePenalty = 0.5f;
        p.penaltyLastN = 4;
        // Token 4 is outside the last 4 entries, so it is not penalised; token 0 appears twice.
        const std::vector<int32_t> history = {4, 0, 1, 0, 2};
        Sampler::applyPenalties(logits, history, p);
        QCOMPARE(logits[0], before[0] / 2.0f - 2 * 0.25f - 0.5f);  // positive: divided
        QCOMPARE(logits[1], before[1] * 2.0f - 1 * 0.25f - 0.5f);  // negative: multiplied
        QCOMPARE(logits[2], before[2] / 2.0f - 1 * 0.25f - 0.5f);
        QCOMPARE(logits[3], before[3]);
        QCOMPARE(logits[4], before[4]);
    }

    void penaltyTurnsGreedyAway() {
        std::vector<float> logits = {5.0f, 4.0f, 1.0f};
        Params p = plain(0.0f, 1);
        p.repeatPenalty = 1.5f;  // 5 / 1.5 = 3.33 < 4
        Sampler s(p);
        QCOMPARE(s.sample(logits), 0);
        s.accept(0);
        QCOMPARE(s.sample(logits), 1);
    }

    void sameSeedSameSequence() {
        const auto logits = randomLogits(2000, 5, 1.0f);
        Params p;
        p.seed = 1234;
        p.topK = 50;
        p.temperature = 1.0f;
        Sampler a(p), b(p);
        Params q = p;
        q.seed = 4321;
        Sampler c(q);
        std::vector<int32_t> sa, sb, sc;
        for (int i = 0; i < 200; ++i) {
            sa.push_back(a.sample(logits));
            sb.push_back(b.sample(logits));
            sc.push_back(c.sample(logits));
        }
        QCOMPARE(sa, sb);
        QVERIFY(sa != sc);
        a.reset();  // reset rewinds the generator to the seed
        for (int i = 0; i < 200; ++i) QCOMPARE(a.sample(logits), sb[size_t(i)]);
    }

    void largeVocabularyIsFast() {
        const auto logits = randomLogits(262144, 17);
        Params p;
        p.seed = 1;
        p.penaltyLastN = 64;
        p.repeatPenalty = 1.1f;
        Sampler s(p);
        for (int i = 0; i < 64; ++i) s.accept(i * 97);
        const auto t0 = std::chrono::steady_clock::now();
        const int rounds = 50;
        for (int i = 0; i < rounds; ++i) {
            const int32_t id = s.sample(logits);
            QVERIFY(id >= 0 && id < 262144);
        }
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / rounds;
        qInfo("sample() over 262144 logits with top-k 40 and penalties: %.2f ms", ms);
        QVERIFY2(ms < 50.0, "sampling must stay far below the time of a decode step");
    }
};

QTEST_MAIN(SamplerTest)
#include "samplertest.moc"
