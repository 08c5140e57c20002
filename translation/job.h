#pragma once
// A document through the translator: its units planned as segments (a unit, one plural form of it, or a
// sentence of a long paragraph), each segment translated, checked and put back into its unit, and the
// units handed to the format's writer. Segments are the unit of storage (jobs in SQLite), of alignment in
// the view, of redo and of resume: `known` returns what an earlier run already settled.
#include <atomic>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "translation/document.h"
#include "translation/translator.h"

namespace lantern::translation {

struct PlanOptions {
    bool splitSentences = true;   // prose units (paragraphs) a sentence at a time
    enum class Which { Untranslated, NotFinal, All } which = Which::NotFinal;  // which units get translated
    std::string targetLanguage;   // for plural forms
    std::string sourceLanguage;   // for sentence rules; empty = detect per document
};

struct PlannedSegment {
    size_t unit = 0;          // index into Document::units()
    size_t form = 0;          // plural form of the target (0 for non-plural units)
    size_t part = 0;          // sentence index inside the unit's text (0 when not split)
    size_t begin = 0, end = 0;  // the segment's byte range in the unit's source text (or plural source)
    bool prose = false;         // from a document's paragraph: earlier segments are context for it
    SegmentSource source;
};

std::vector<PlannedSegment> planSegments(const Document& document, const PlanOptions& options);

// What became of a segment.
enum class SegmentStatus { Pending, Translated, Flagged, Edited, Locked, Memory };
struct SegmentTarget {
    SegmentStatus status = SegmentStatus::Pending;
    std::string target;
    std::vector<Inline> targetInlines;
    std::vector<Check> checks;
};

struct AssembleOptions {
    bool writeFlagged = false;  // write flagged units too (always marked unfinished)
    bool final = false;         // mark accepted units finished (localization files: else unfinished/fuzzy)
};
// The units' translations from their segments: a unit is written when all its segments have a target
// (Translated, Edited, Locked, Memory; Flagged only with writeFlagged). Sentences are joined with the
// source's bytes between them; plural forms in order.
std::vector<UnitTranslation> assemble(const Document& document, std::span<const PlannedSegment> plan,
                                      std::span<const SegmentTarget> targets, const AssembleOptions& options);

struct JobHooks {
    // A segment's settled target from an earlier run or the translation memory (nullopt: translate it).
    std::function<std::optional<SegmentTarget>(size_t index, const PlannedSegment&)> known;
    // Fuzzy translation-memory context for a segment: (source, target) pairs given to the model.
    std::function<std::vector<std::pair<std::string, std::string>>(const PlannedSegment&)> memory;
    // After each segment (persist it, update progress).
    std::function<void(size_t index, const PlannedSegment&, const SegmentTarget&, const SegmentResult*)> finished;
    // The growing translation of the segment being translated.
    std::function<void(size_t index, std::string_view preview)> preview;
};

struct JobReport {
    std::vector<SegmentTarget> targets;   // one per planned segment
    std::vector<SegmentResult> results;   // the translator's result per segment (empty for known ones)
    size_t translated = 0, flagged = 0, reused = 0;
    uint64_t generatedTokens = 0;
    double modelMilliseconds = 0;
    double totalMilliseconds = 0;
    bool cancelled = false;
    std::string error;                    // the engine failed: the job stops there
};

// Translates every planned segment in order. Prose segments get the two previous segments of the same
// document as context. Stops at cancel (what was done is in the report and was passed to `finished`).
JobReport runJob(std::span<const PlannedSegment> plan, Translator& translator, const JobHooks& hooks,
                 const std::atomic<bool>& cancel);

std::string_view statusName(SegmentStatus status);  // "pending", "translated", "flagged", ...
bool statusFromName(std::string_view name, SegmentStatus& out);

}  // namespace lantern::translation
