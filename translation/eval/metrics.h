#pragma once
// Translation quality metrics that give the same figures as sacrebleu 2.4.3 (Post 2018, "A Call for
// Clarity in Reporting BLEU Scores"): chrF and chrF++ (Popović 2015, 2017) and BLEU (Papineni et al. 2002)
// with its tokenizers and smoothing. Same definitions, same conventions, same signature string, so a
// figure printed here can be put beside a published sacrebleu figure with the same signature.
//
//   std::vector<std::string> hyps = ..., ref = ...;          // one segment per line, UTF-8
//   std::vector<std::vector<std::string>> refs{ref};         // one stream per reference translation
//   auto chrf = eval::corpusChrf(hyps, refs);                // chrf->score: 0..100
//   auto line = eval::formatText(eval::describe(*chrf, {}, refs.size()), 1);
//   // "chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.4.3 = 51.0"
//
// Corpus scores are not averages of sentence scores: the n-gram statistics of all segments are summed
// first and the score is computed once from the sums (as sacrebleu does). Sentence scores are for showing
// the quality of one segment.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "translation/eval/tokenizers.h"

namespace lantern::translation::eval {

// The sacrebleu release these definitions and the signatures follow (tests compare against it).
inline constexpr std::string_view kSacrebleuVersion = "2.4.3";

// refs[r][i]: reference translation r of segment i. Every stream has as many segments as the hypotheses.
using ReferenceStreams = std::span<const std::vector<std::string>>;

struct ChrfOptions {
    int charOrder = 6;          // character n-grams 1..charOrder
    int wordOrder = 0;          // word n-grams 1..wordOrder; 2 is chrF++
    int beta = 2;               // recall weighs beta times as much as precision
    bool lowercase = false;     // compare case-insensitively (str.lower())
    bool whitespace = false;    // keep whitespace in character n-grams (sacrebleu removes it by default)
    bool epsSmoothing = false;  // average F over all orders with 1e-16 for empty ones (chrF++.py, NLTK,
                                // Moses) instead of averaging precision and recall over the orders that
                                // have n-grams on both sides (sacrebleu's default, "eff:yes")
    static ChrfOptions chrfPlusPlus() {
        ChrfOptions o;
        o.wordOrder = 2;
        return o;
    }
};

struct ChrfScore {
    double score = 0.0;  // 0..100
    std::string name;    // "chrF2", "chrF2++"
    // [hypothesis n-grams, reference n-grams, matches] for each order: characters 1..charOrder, then words.
    std::vector<int64_t> stats;
};

enum class Smoothing {
    None,   // 'none': a zero precision makes the score zero
    Floor,  // 'floor': a zero count of matches becomes smoothValue (0.1)
    AddK,   // 'add-k': smoothValue (1) added to matches and totals of orders 2 and up
    Exp,    // 'exp': the k-th zero precision becomes 1 / (2^k * total) (mteval-v13a, the default)
};

struct BleuOptions {
    Tokenizer tokenizer = Tokenizer::T13a;
    Smoothing smoothing = Smoothing::Exp;
    std::optional<double> smoothValue;  // floor and add-k only; unset = sacrebleu's default for the method
    bool lowercase = false;
    bool effectiveOrder = false;  // stop at the highest order with n-grams: for short segments
    int maxOrder = 4;
    // What sacrebleu's sentence_bleu uses: effective order on, as a segment often has no 4-grams.
    static BleuOptions forSentences() {
        BleuOptions o;
        o.effectiveOrder = true;
        return o;
    }
};

struct BleuScore {
    double score = 0.0;              // 0..100
    std::vector<double> counts;      // matched n-grams per order (after add-k smoothing, if any)
    std::vector<double> totals;      // hypothesis n-grams per order
    std::vector<double> precisions;  // per order, 0..100, smoothed
    double brevityPenalty = 1.0;
    int64_t hypLength = 0;  // words in the hypotheses
    int64_t refLength = 0;  // words in the closest reference of each segment, summed
    double ratio = 0.0;     // hypLength / refLength
};

// Corpus-level scores. Fails on text that is not UTF-8, on a stream whose length differs from the
// hypotheses', on no segments or no references, and on options out of range.
Result<ChrfScore> corpusChrf(std::span<const std::string> hyps, ReferenceStreams refs,
                             const ChrfOptions& options = {});
Result<BleuScore> corpusBleu(std::span<const std::string> hyps, ReferenceStreams refs,
                             const BleuOptions& options = {});

// One segment against its references (each reference a different translation of the same segment).
Result<ChrfScore> sentenceChrf(std::string_view hyp, std::span<const std::string> refs,
                               const ChrfOptions& options = {});
Result<BleuScore> sentenceBleu(std::string_view hyp, std::span<const std::string> refs,
                               const BleuOptions& options = BleuOptions::forSentences());

// A score ready to print: its name, value, the signature that makes it reproducible and, for BLEU, the
// details sacrebleu prints after it.
struct MetricReport {
    std::string name;  // "BLEU", "chrF2", "chrF2++"
    double score = 0.0;
    std::vector<std::pair<std::string, std::string>> signature;  // ("nrefs", "1"), ("case", "mixed"), ...
    std::string verbose;  // BLEU: "62.5/40.0/25.0/10.0 (BP = 1.000 ratio = 1.000 hyp_len = 8 ref_len = 8)"
    std::string signatureText() const;  // "nrefs:1|case:mixed|...|version:2.4.3"
};

MetricReport describe(const ChrfScore& score, const ChrfOptions& options, size_t nrefs);
MetricReport describe(const BleuScore& score, const BleuOptions& options, size_t nrefs);

// sacrebleu's text output with `width` decimals: "BLEU|nrefs:1|...|version:2.4.3 = 35.2 62.5/40.0/...".
// Several reports are right-aligned on their '=' as sacrebleu aligns them; each line ends with '\n'.
std::string formatText(const MetricReport& report, int width);
std::string formatText(std::span<const MetricReport> reports, int width);
// sacrebleu's JSON output (its default format): one object, or a list of them for several metrics; the
// score is rounded to `width` decimals as sacrebleu rounds it.
std::string formatJson(std::span<const MetricReport> reports, int width);

// Line-aligned text as sacrebleu's command line reads a file: lines end at '\n' only, trailing whitespace
// (str.rstrip()) is dropped from each, a final '\n' does not start another line. Fails on text that is
// not UTF-8, naming the line and the byte within it.
Result<std::vector<std::string>> splitLines(std::string_view bytes);

}  // namespace lantern::translation::eval
