#pragma once
// Comparison with a reference engine, used by the fidelity test and by `lantern-cli fidelity` (scripts/compare):
// - teacher-forced: the reference's next-token distributions at every position of a fixed text (written by
//   scripts/golden/llamacpp_teacher.py: its top-k log-probabilities per position), and how close our logits
//   for the same tokens come: top-1 agreement and mean KL(reference || ours);
// - greedy: the reference's greedy answers to a few prompts (scripts/golden/llamacpp_greedy.py), and how many
//   of them we give token for token.
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "base/error.h"

namespace lantern::models {
class DenseModel;
}

namespace lantern::models {

struct Teacher {
    std::vector<int32_t> tokens;  // the reference's token ids of the text (BOS first)
    uint32_t k = 0;               // log-probabilities kept per position
    uint32_t nVocab = 0;
    std::vector<int32_t> topIds;  // (tokens - 1) x k, most likely first
    std::vector<float> topLogp;   // (tokens - 1) x k
};

// Reads the file format described in scripts/golden/llamacpp_teacher.py; a clear error when it is not one.
Result<Teacher> readTeacher(const std::filesystem::path& path);

struct Agreement {
    size_t positions = 0;
    size_t agree = 0;       // positions where our most likely token is the reference's
    double top1 = 0.0;      // agree / positions
    double meanKl = 0.0;    // mean KL(reference || ours) over the reference's top k plus one bucket for the
                            // rest of the mass on each side (a lower bound of the full KL)
    double maxKl = 0.0;
    size_t maxKlAt = 0;
};

// logits: ours for positions 0 .. tokens-2, (tokens - 1) x nVocab floats.
Agreement compareWithTeacher(const Teacher& teacher, std::span<const float> logits);

// One prompt of a greedy file: its token ids (BOS first), the reference's greedy continuation, and the
// reference's margin (top-1 minus top-2 logit) at each continuation step.
struct GreedyCase {
    std::vector<int32_t> prompt;
    std::vector<int32_t> greedy;
    std::vector<float> margins;
};

// Reads the file format described in scripts/golden/llamacpp_greedy.py; a clear error when it is not one.
Result<std::vector<GreedyCase>> readGreedy(const std::filesystem::path& path);

struct GreedyAgreement {
    size_t identical = 0;       // prompts whose whole continuation is the reference's
    std::vector<size_t> same;   // per prompt: how many leading tokens are the reference's
};

// Teacher-forced greedy check: each prompt and the reference's continuation but its last token go through the
// model, and our argmax is compared at every step. Up to the first difference this is exactly free-running
// greedy decoding, so a fully identical prompt means our own greedy answer is the reference's, token for
// token. Stops a prompt at its first difference (the rest cannot change the verdict).
Result<GreedyAgreement> compareGreedy(DenseModel& model, const std::vector<GreedyCase>& cases);

}  // namespace lantern::models
