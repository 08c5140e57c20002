#pragma once
// Picks the next token from a logits vector. The chain follows llama.cpp's default order:
//   penalties (over the last N tokens) -> top-k -> top-p -> min-p -> temperature -> draw,
// so top-p and min-p cut on the model's own distribution and temperature only reshapes what is left.
// temperature <= 0 is greedy (argmax after penalties). A fixed seed gives the same sequence of draws.
#include <cstdint>
#include <deque>
#include <random>
#include <span>
#include <vector>

namespace lantern::sampling {

struct Params {
    float temperature = 0.8f;     // <= 0: greedy
    int32_t topK = 40;            // <= 0: off
    float topP = 0.95f;           // >= 1: off
    float minP = 0.05f;           // <= 0: off
    float repeatPenalty = 1.0f;   // 1: off; > 1 makes a seen token less likely
    float presencePenalty = 0.0f; // subtracted once from the logit of every seen token
    float frequencyPenalty = 0.0f;// subtracted per occurrence
    int32_t penaltyLastN = 64;    // how many recent tokens the penalties look at; 0: off
    uint64_t seed = 0;            // 0: a random seed
};

struct Candidate {
    int32_t id;
    float logit;
};

class Sampler {
public:
    explicit Sampler(const Params& params);

    // The next token for these logits (one per vocabulary entry). Does not record it: call accept().
    int32_t sample(std::span<const float> logits);
    // Records a token of the context (prompt or generated) for the penalties.
    void accept(int32_t token);
    void reset();

    const Params& params() const { return m_params; }
    uint64_t seed() const { return m_seed; }

    // The steps of the chain, public for tests and for callers that want a single step.
    // Penalizes logits of the tokens in history (the most recent penaltyLastN of it) in place.
    static void applyPenalties(std::span<float> logits, std::span<const int32_t> history, const Params& p);
    // The k best candidates, best first (all of them, sorted, when k <= 0 or k >= size).
    static std::vector<Candidate> topK(std::span<const float> logits, int32_t k);
    // Keeps the shortest best-first prefix whose probability mass reaches p (at least one).
    static void topP(std::vector<Candidate>& sorted, float p);
    // Keeps candidates whose probability is at least minP times the best one's.
    static void minP(std::vector<Candidate>& sorted, float minP);
    // Softmax of the candidates' logits divided by temperature.
    static std::vector<double> probabilities(const std::vector<Candidate>& c, float temperature);

private:
    Params m_params;
    uint64_t m_seed = 0;
    std::mt19937_64 m_rng;
    std::deque<int32_t> m_history;
    std::vector<float> m_scratch;
};

}  // namespace lantern::sampling
