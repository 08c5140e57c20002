// chrF, chrF++ and BLEU as sacrebleu 2.4.3 computes them (sacrebleu/metrics/chrf.py, bleu.py, helpers.py).
// Every step that decides a figure is done the way sacrebleu does it, down to the order of the floating
// point operations, so the figures agree to the last printed digit and almost always to the last bit.
#include "translation/eval/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "base/strformat.h"
#include "base/text.h"
#include "translation/eval/pytext.h"

namespace lantern::translation::eval {

namespace {

using Counts = std::unordered_map<std::u32string, int64_t>;

// Every reference of segment i, in stream order.
std::vector<std::string_view> referencesOf(ReferenceStreams refs, size_t i) {
    std::vector<std::string_view> out;
    out.reserve(refs.size());
    for (const std::vector<std::string>& stream : refs) {
        out.emplace_back(stream[i]);
    }
    return out;
}

Result<void> checkStreams(std::span<const std::string> hyps, ReferenceStreams refs) {
    if (hyps.empty()) {
        return fail(Errc::InvalidArgument, "There are no hypotheses to score.");
    }
    if (refs.empty()) {
        return fail(Errc::InvalidArgument, "There are no references to score the hypotheses against.");
    }
    for (size_t r = 0; r < refs.size(); ++r) {
        if (refs[r].size() != hyps.size()) {
            return fail(Errc::InvalidArgument,
                        format("Reference {} has {} segments but there are {} hypotheses.", r + 1,
                               refs[r].size(), hyps.size()));
        }
    }
    return {};
}

// `what` names the segment for the error: "hypothesis 3", "reference 2 of segment 3".
Result<std::u32string> decodeSegment(std::string_view text, bool lower, const std::string& what) {
    auto decoded = decodeUtf8(text);
    if (!decoded) {
        return fail(Errc::FormatInvalid, format("{}: {}.", what, decoded.error().detail));
    }
    return lower ? lowercase(*decoded) : std::move(*decoded);
}

std::string hypName(size_t i) {
    return format("hypothesis {}", i + 1);
}
std::string refName(size_t r, size_t i) {
    return format("reference {} of segment {}", r + 1, i + 1);
}

// ---- chrF -------------------------------------------------------------------------------------------

Result<void> checkOptions(const ChrfOptions& o) {
    if (o.charOrder < 0 || o.wordOrder < 0 || o.charOrder + o.wordOrder == 0 || o.beta < 0) {
        return fail(
            Errc::InvalidArgument,
            format("chrF needs character and word orders of 0 or more, not both 0, and a beta of 0 or "
                   "more (got {}, {} and {}).",
                   o.charOrder, o.wordOrder, o.beta));
    }
    return {};
}

// string.punctuation, which chrF++ splits off the ends of words.
bool isAsciiPunctuation(char32_t c) {
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
}

// chrF++'s words (CHRF._remove_punctuation): one punctuation mark comes off the end of a word, or else
// off its start; "(hi)" becomes "(hi" and ")" (sacrebleu issue #124, kept for the same figures).
std::vector<std::u32string_view> chrfWords(std::u32string_view text) {
    std::vector<std::u32string_view> words;
    for (const std::u32string_view w : splitWhitespace(text)) {
        if (w.size() == 1) {
            words.push_back(w);
        } else if (isAsciiPunctuation(w.back())) {
            words.push_back(w.substr(0, w.size() - 1));
            words.push_back(w.substr(w.size() - 1));
        } else if (isAsciiPunctuation(w.front())) {
            words.push_back(w.substr(0, 1));
            words.push_back(w.substr(1));
        } else {
            words.push_back(w);
        }
    }
    return words;
}

// Counters for character orders 1..charOrder, then word orders 1..wordOrder.
std::vector<Counts> chrfNgrams(std::u32string_view text, const ChrfOptions& o) {
    std::vector<Counts> orders;
    orders.reserve(size_t(o.charOrder + o.wordOrder));
    // ''.join(text.split()) unless whitespace counts
    std::u32string chars;
    chars.reserve(text.size());
    for (const char32_t c : text) {
        if (o.whitespace || !isPythonSpace(c)) {
            chars.push_back(c);
        }
    }
    for (size_t n = 1; n <= size_t(o.charOrder); ++n) {
        Counts& c = orders.emplace_back();
        for (size_t i = 0; i + n <= chars.size(); ++i) {
            ++c[chars.substr(i, n)];
        }
    }
    const std::vector<std::u32string_view> words =
        o.wordOrder > 0 ? chrfWords(text) : std::vector<std::u32string_view>{};
    for (size_t n = 1; n <= size_t(o.wordOrder); ++n) {
        Counts& c = orders.emplace_back();
        for (size_t i = 0; i + n <= words.size(); ++i) {
            std::u32string key(words[i]);
            for (size_t k = 1; k < n; ++k) {
                key.push_back(U' ');
                key.append(words[i + k]);
            }
            ++c[key];
        }
    }
    return orders;
}

// [hypothesis n-grams, reference n-grams, matches]; hypothesis n-grams count only when the reference has
// n-grams of that order at all (CHRF._get_match_statistics).
void addMatchStatistics(const Counts& hyp, const Counts& ref, std::vector<int64_t>& out) {
    int64_t hypCount = 0;
    int64_t matches = 0;
    for (const auto& [ngram, count] : hyp) {
        hypCount += count;
        if (auto it = ref.find(ngram); it != ref.end()) {
            matches += std::min(count, it->second);
        }
    }
    int64_t refCount = 0;
    for (const auto& entry : ref) {
        refCount += entry.second;
    }
    out.push_back(ref.empty() ? 0 : hypCount);
    out.push_back(refCount);
    out.push_back(matches);
}

// CHRF._compute_f_score.
double chrfF(std::span<const int64_t> stats, const ChrfOptions& o) {
    constexpr double kEps = 1e-16;
    const int order = o.charOrder + o.wordOrder;
    const int factor = o.beta * o.beta;
    double score = 0.0;
    double avgPrec = 0.0;
    double avgRec = 0.0;
    int effectiveOrder = 0;
    for (size_t i = 0; i < size_t(order); ++i) {
        const int64_t nHyp = stats[3 * i];
        const int64_t nRef = stats[3 * i + 1];
        const int64_t nMatch = stats[3 * i + 2];
        const double prec = nHyp > 0 ? double(nMatch) / double(nHyp) : kEps;
        const double rec = nRef > 0 ? double(nMatch) / double(nRef) : kEps;
        const double denom = factor * prec + rec;
        score += denom > 0 ? double(1 + factor) * prec * rec / denom : kEps;
        if (nHyp > 0 && nRef > 0) {
            avgPrec += prec;
            avgRec += rec;
            ++effectiveOrder;
        }
    }
    if (o.epsSmoothing) {
        return 100 * score / order;
    }
    if (effectiveOrder == 0) {
        avgPrec = avgRec = 0.0;
    } else {
        avgPrec /= effectiveOrder;
        avgRec /= effectiveOrder;
    }
    if (avgPrec + avgRec == 0.0) {
        return 0.0;
    }
    score = double(1 + factor) * avgPrec * avgRec;
    score /= (factor * avgPrec) + avgRec;
    return 100 * score;
}

// The statistics of segment `index` against the reference whose F is highest (the first of equals).
Result<std::vector<int64_t>> chrfSegment(std::string_view hyp, std::span<const std::string_view> refs,
                                         const ChrfOptions& o, size_t index) {
    auto hypText = decodeSegment(hyp, o.lowercase, hypName(index));
    if (!hypText) {
        return std::unexpected(hypText.error());
    }
    const std::vector<Counts> hypNgrams = chrfNgrams(*hypText, o);
    std::vector<int64_t> best;
    double bestF = -1.0;
    for (size_t r = 0; r < refs.size(); ++r) {
        auto refText = decodeSegment(refs[r], o.lowercase, refName(r, index));
        if (!refText) {
            return std::unexpected(refText.error());
        }
        const std::vector<Counts> refNgrams = chrfNgrams(*refText, o);
        std::vector<int64_t> stats;
        stats.reserve(3 * hypNgrams.size());
        for (size_t k = 0; k < hypNgrams.size(); ++k) {
            addMatchStatistics(hypNgrams[k], refNgrams[k], stats);
        }
        const double f = chrfF(stats, o);
        if (f > bestF) {
            bestF = f;
            best = std::move(stats);
        }
    }
    return best;
}

ChrfScore chrfScore(std::vector<int64_t> stats, const ChrfOptions& o) {
    ChrfScore s;
    s.score = chrfF(stats, o);
    s.name = format("chrF{}", o.beta) + std::string(size_t(o.wordOrder), '+');
    s.stats = std::move(stats);
    return s;
}

// ---- BLEU -------------------------------------------------------------------------------------------

Result<void> checkOptions(const BleuOptions& o) {
    if (o.maxOrder < 1) {
        return fail(Errc::InvalidArgument,
                    format("BLEU needs an n-gram order of 1 or more (got {}).", o.maxOrder));
    }
    return {};
}

double smoothValueOf(const BleuOptions& o) {
    if (o.smoothValue) {
        return *o.smoothValue;
    }
    return o.smoothing == Smoothing::Floor ? 0.1 : o.smoothing == Smoothing::AddK ? 1.0 : 0.0;
}

// BLEU._preprocess_segment, then the whitespace normalisation that makes each word n-gram a substring.
Result<std::u32string> bleuWords(std::string_view text, const BleuOptions& o, const std::string& what) {
    auto decoded = decodeSegment(text, o.lowercase, what);
    if (!decoded) {
        return std::unexpected(decoded.error());
    }
    return joinWords(tokenize(o.tokenizer, rstripSpace(*decoded)));
}

// extract_all_word_ngrams: counters for orders 1..maxOrder; returns the number of words.
int64_t wordNgrams(std::u32string_view words, int maxOrder, std::vector<Counts>& orders) {
    orders.assign(size_t(maxOrder), Counts{});
    std::vector<size_t> starts;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i == 0 || words[i - 1] == U' ') {
            starts.push_back(i);
        }
    }
    for (size_t n = 1; n <= size_t(maxOrder); ++n) {
        for (size_t i = 0; i + n <= starts.size(); ++i) {
            const size_t end = i + n < starts.size() ? starts[i + n] - 1 : words.size();
            ++orders[n - 1][std::u32string(words.substr(starts[i], end - starts[i]))];
        }
    }
    return int64_t(starts.size());
}

// BLEU._get_closest_ref_len: the nearest length, the shorter of two equally near.
int64_t closestReferenceLength(int64_t hypLength, std::span<const int64_t> refLengths) {
    int64_t closestDiff = -1;
    int64_t closest = -1;
    for (const int64_t len : refLengths) {
        const int64_t diff = std::abs(hypLength - len);
        if (closestDiff == -1 || diff < closestDiff) {
            closestDiff = diff;
            closest = len;
        } else if (diff == closestDiff && len < closest) {
            closest = len;
        }
    }
    return closest;
}

// [hypothesis length, reference length, matches per order..., totals per order...]. Matches are clipped
// by the most often any one reference has the n-gram.
Result<std::vector<int64_t>> bleuSegment(std::string_view hyp, std::span<const std::string_view> refs,
                                         const BleuOptions& o, size_t index) {
    const size_t maxOrder = size_t(o.maxOrder);
    std::vector<Counts> refNgrams(maxOrder);
    std::vector<int64_t> refLengths;
    std::vector<Counts> one;
    for (size_t r = 0; r < refs.size(); ++r) {
        auto words = bleuWords(refs[r], o, refName(r, index));
        if (!words) {
            return std::unexpected(words.error());
        }
        refLengths.push_back(wordNgrams(*words, o.maxOrder, one));
        for (size_t n = 0; n < maxOrder; ++n) {
            for (auto& [ngram, count] : one[n]) {
                int64_t& merged = refNgrams[n][ngram];
                merged = std::max(merged, count);
            }
        }
    }
    auto words = bleuWords(hyp, o, hypName(index));
    if (!words) {
        return std::unexpected(words.error());
    }
    std::vector<Counts> hypNgrams;
    const int64_t hypLength = wordNgrams(*words, o.maxOrder, hypNgrams);
    std::vector<int64_t> stats(2 + 2 * maxOrder, 0);
    stats[0] = hypLength;
    stats[1] = closestReferenceLength(hypLength, refLengths);
    for (size_t n = 0; n < maxOrder; ++n) {
        for (const auto& [ngram, count] : hypNgrams[n]) {
            stats[2 + maxOrder + n] += count;
            if (auto it = refNgrams[n].find(ngram); it != refNgrams[n].end()) {
                stats[2 + n] += std::min(count, it->second);
            }
        }
    }
    return stats;
}

// sacrebleu.utils.my_log: log with log(0) floored, so that a zero precision gives a score of 0.
double flooredLog(double x) {
    return x == 0.0 ? -9999999999.0 : std::log(x);
}

// BLEU.compute_bleu.
BleuScore bleuScore(std::span<const int64_t> stats, const BleuOptions& o) {
    const size_t maxOrder = size_t(o.maxOrder);
    BleuScore s;
    s.hypLength = stats[0];
    s.refLength = stats[1];
    s.counts.assign(stats.begin() + 2, stats.begin() + 2 + std::ptrdiff_t(maxOrder));
    s.totals.assign(stats.begin() + 2 + std::ptrdiff_t(maxOrder), stats.end());
    s.precisions.assign(maxOrder, 0.0);
    s.ratio = s.refLength ? double(s.hypLength) / double(s.refLength) : 0.0;
    if (s.hypLength < s.refLength) {
        s.brevityPenalty = s.hypLength > 0 ? std::exp(1 - double(s.refLength) / double(s.hypLength)) : 0.0;
    }
    if (std::all_of(s.counts.begin(), s.counts.end(), [](double c) { return c == 0.0; })) {
        return s;  // no match at all (sacrebleu #141): 0 without smoothing
    }
    const double value = smoothValueOf(o);
    double smoothMteval = 1.0;
    size_t effectiveOrder = maxOrder;
    for (size_t n = 1; n <= maxOrder; ++n) {
        if (o.smoothing == Smoothing::AddK && n > 1) {
            s.counts[n - 1] += value;
            s.totals[n - 1] += value;
        }
        if (s.totals[n - 1] == 0) {
            break;
        }
        if (o.effectiveOrder) {
            effectiveOrder = n;
        }
        if (s.counts[n - 1] == 0) {
            if (o.smoothing == Smoothing::Exp) {
                smoothMteval *= 2;
                s.precisions[n - 1] = 100. / (smoothMteval * s.totals[n - 1]);
            } else if (o.smoothing == Smoothing::Floor) {
                s.precisions[n - 1] = 100. * value / s.totals[n - 1];
            }
        } else {
            s.precisions[n - 1] = 100. * s.counts[n - 1] / s.totals[n - 1];
        }
    }
    double logSum = 0.0;
    for (size_t n = 0; n < effectiveOrder; ++n) {
        logSum += flooredLog(s.precisions[n]);
    }
    s.score = s.brevityPenalty * std::exp(logSum / double(effectiveOrder));
    return s;
}

// Sums the statistics of every segment (sacrebleu's sum_of_lists).
template <class Segment>
Result<std::vector<int64_t>> corpusStatistics(std::span<const std::string> hyps, ReferenceStreams refs,
                                              Segment segment) {
    std::vector<int64_t> total;
    for (size_t i = 0; i < hyps.size(); ++i) {
        const std::vector<std::string_view> segmentRefs = referencesOf(refs, i);
        auto stats = segment(hyps[i], segmentRefs, i);
        if (!stats) {
            return std::unexpected(stats.error());
        }
        if (total.empty()) {
            total = std::move(*stats);
        } else {
            for (size_t k = 0; k < total.size(); ++k) {
                total[k] += (*stats)[k];
            }
        }
    }
    return total;
}

}  // namespace

Result<ChrfScore> corpusChrf(std::span<const std::string> hyps, ReferenceStreams refs,
                             const ChrfOptions& options) {
    if (auto ok = checkOptions(options); !ok) {
        return std::unexpected(ok.error());
    }
    if (auto ok = checkStreams(hyps, refs); !ok) {
        return std::unexpected(ok.error());
    }
    auto stats =
        corpusStatistics(hyps, refs, [&](std::string_view h, std::span<const std::string_view> r, size_t i) {
            return chrfSegment(h, r, options, i);
        });
    if (!stats) {
        return std::unexpected(stats.error());
    }
    return chrfScore(std::move(*stats), options);
}

Result<ChrfScore> sentenceChrf(std::string_view hyp, std::span<const std::string> refs,
                               const ChrfOptions& options) {
    if (auto ok = checkOptions(options); !ok) {
        return std::unexpected(ok.error());
    }
    if (refs.empty()) {
        return fail(Errc::InvalidArgument, "There is no reference to score the sentence against.");
    }
    const std::vector<std::string_view> views(refs.begin(), refs.end());
    auto stats = chrfSegment(hyp, views, options, 0);
    if (!stats) {
        return std::unexpected(stats.error());
    }
    return chrfScore(std::move(*stats), options);
}

Result<BleuScore> corpusBleu(std::span<const std::string> hyps, ReferenceStreams refs,
                             const BleuOptions& options) {
    if (auto ok = checkOptions(options); !ok) {
        return std::unexpected(ok.error());
    }
    if (auto ok = checkStreams(hyps, refs); !ok) {
        return std::unexpected(ok.error());
    }
    auto stats =
        corpusStatistics(hyps, refs, [&](std::string_view h, std::span<const std::string_view> r, size_t i) {
            return bleuSegment(h, r, options, i);
        });
    if (!stats) {
        return std::unexpected(stats.error());
    }
    return bleuScore(*stats, options);
}

Result<BleuScore> sentenceBleu(std::string_view hyp, std::span<const std::string> refs,
                               const BleuOptions& options) {
    if (auto ok = checkOptions(options); !ok) {
        return std::unexpected(ok.error());
    }
    if (refs.empty()) {
        return fail(Errc::InvalidArgument, "There is no reference to score the sentence against.");
    }
    const std::vector<std::string_view> views(refs.begin(), refs.end());
    auto stats = bleuSegment(hyp, views, options, 0);
    if (!stats) {
        return std::unexpected(stats.error());
    }
    return bleuScore(*stats, options);
}

// ---- Reports ----------------------------------------------------------------------------------------

namespace {

// Python's f"{x:.{width}f}": both round the exact binary value half to even, as glibc's printf does.
std::string fixed(double x, int width) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", std::clamp(width, 0, 17), x);
    return buf;
}

// json.dumps(float(f"{x:.{width}f}")): Python's repr of the rounded figure, the shortest text that reads
// back as the same double, in fixed notation from 1e-4 on ("51.0", "12.3", "100.0"; "1e-05" below).
std::string pythonRoundedRepr(double x, int width) {
    const double rounded = std::strtod(fixed(x, width).c_str(), nullptr);
    const bool scientific = rounded != 0.0 && std::fabs(rounded) < 1e-4;
    char buf[64];
    const auto result = std::to_chars(buf, buf + sizeof buf, rounded,
                                      scientific ? std::chars_format::scientific : std::chars_format::fixed);
    std::string text(buf, result.ptr);
    if (!scientific && text.find('.') == std::string::npos) {
        text += ".0";  // repr keeps a float a float: 51.0, not 51
    }
    return text;
}

std::string jsonString(std::string_view s) { return "\"" + jsonEscaped(s) + "\""; }

std::string smoothingText(const BleuOptions& o) {
    switch (o.smoothing) {
        case Smoothing::None:
            return "none";
        case Smoothing::Exp:
            return "exp";
        case Smoothing::Floor:
            return "floor[" + fixed(smoothValueOf(o), 2) + "]";
        case Smoothing::AddK:
            return "add-k[" + fixed(smoothValueOf(o), 2) + "]";
    }
    return "exp";
}

}  // namespace

std::string MetricReport::signatureText() const {
    std::string out;
    for (const auto& [key, value] : signature) {
        if (!out.empty()) {
            out += '|';
        }
        out += key + ":" + value;
    }
    return out;
}

MetricReport describe(const ChrfScore& score, const ChrfOptions& o, size_t nrefs) {
    MetricReport r;
    r.name = score.name;
    r.score = score.score;
    r.signature = {{"nrefs", std::to_string(nrefs)},           {"case", o.lowercase ? "lc" : "mixed"},
                   {"eff", o.epsSmoothing ? "no" : "yes"},     {"nc", std::to_string(o.charOrder)},
                   {"nw", std::to_string(o.wordOrder)},        {"space", o.whitespace ? "yes" : "no"},
                   {"version", std::string(kSacrebleuVersion)}};
    return r;
}

MetricReport describe(const BleuScore& score, const BleuOptions& o, size_t nrefs) {
    MetricReport r;
    r.name = "BLEU";
    r.score = score.score;
    r.signature = {{"nrefs", std::to_string(nrefs)},
                   {"case", o.lowercase ? "lc" : "mixed"},
                   {"eff", o.effectiveOrder ? "yes" : "no"},
                   {"tok", std::string(tokenizerName(o.tokenizer))},
                   {"smooth", smoothingText(o)},
                   {"version", std::string(kSacrebleuVersion)}};
    for (size_t n = 0; n < score.precisions.size(); ++n) {
        r.verbose += (n ? "/" : "") + fixed(score.precisions[n], 1);
    }
    r.verbose += format(" (BP = {} ratio = {} hyp_len = {} ref_len = {})", fixed(score.brevityPenalty, 3),
                        fixed(score.ratio, 3), score.hypLength, score.refLength);
    return r;
}

std::string formatText(const MetricReport& report, int width) {
    std::string line = report.name + "|" + report.signatureText() + " = " + fixed(report.score, width);
    if (!report.verbose.empty()) {
        line += " " + report.verbose;
    }
    return line + "\n";
}

std::string formatText(std::span<const MetricReport> reports, int width) {
    std::vector<std::string> lines;
    size_t align = 0;
    for (const MetricReport& r : reports) {
        lines.push_back(formatText(r, width));
        align = std::max(align, lines.back().find('=') - 1);
    }
    if (lines.size() == 1) {
        return lines.front();
    }
    // print_single_results: each name|signature right-aligned so that the '=' line up.
    std::string out;
    for (const std::string& line : lines) {
        const size_t left = line.find('=') - 1;
        out += std::string(align - left, ' ') + line;
    }
    return out;
}

std::string formatJson(std::span<const MetricReport> reports, int width) {
    std::vector<std::string> objects;
    for (const MetricReport& r : reports) {
        // Score.format(is_json=True) through json.dumps(indent=1): the keys in sacrebleu's order.
        std::string o = "{\n";
        o += " \"name\": " + jsonString(r.name) + ",\n";
        o += " \"score\": " + pythonRoundedRepr(r.score, width) + ",\n";
        o += " \"signature\": " + jsonString(r.signatureText());
        if (!r.verbose.empty()) {
            o += ",\n \"verbose_score\": " + jsonString(r.verbose);
        }
        for (const auto& [key, value] : r.signature) {
            o += ",\n " + jsonString(key) + ": " + jsonString(value);
        }
        objects.push_back(o + "\n}");
    }
    if (objects.size() == 1) {
        return objects.front() + "\n";
    }
    std::string out = "[\n";
    for (size_t i = 0; i < objects.size(); ++i) {
        out += objects[i] + (i + 1 < objects.size() ? ",\n" : "\n");
    }
    return out + "]\n";
}

Result<std::vector<std::string>> splitLines(std::string_view bytes) {
    if (auto problem = findInvalidUtf8(bytes)) {
        const std::string_view before = bytes.substr(0, problem->offset);
        const size_t line = size_t(std::count(before.begin(), before.end(), '\n')) + 1;
        const size_t lineStart = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
        return fail(Errc::FormatInvalid, format("line {}, byte {} of the line: the text is not UTF-8 ({}).",
                                                line, problem->offset - lineStart + 1, problem->reason));
    }
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < bytes.size()) {
        size_t end = bytes.find('\n', start);
        if (end == std::string_view::npos) {
            end = bytes.size();
        }
        const std::u32string text = *decodeUtf8(bytes.substr(start, end - start));
        lines.push_back(encodeUtf8(rstripSpace(text)));
        start = end + 1;
    }
    return lines;
}

}  // namespace lantern::translation::eval
