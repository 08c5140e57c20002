#pragma once
// Translation jobs, their segments and each segment's history, the glossary and the translation memory,
// in the same SQLite file as the conversations (schema v3, storage/migrations.cpp). One connection per
// thread: every open() makes its own, so the translate view and the translation worker each hold one.
// Every call is one transaction with bound parameters; a job and all its segments are created together
// and each segment is saved as it is done, so a killed process loses at most the segment it was
// translating, and the job resumes from unfinishedJobs() after the next open().
#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <memory>

#include "base/error.h"

namespace lantern::storage {

enum class JobState { Queued, Running, Paused, Done, Failed, Cancelled };

struct TranslationJob {
    qint64 id = 0;
    QString name, sourcePath, outputPath, format, sourceLanguage, targetLanguage, modelPath, modelHash, profileId,
        settingsJson;
    JobState state = JobState::Queued;
    QString error;                                         // why it failed, for the user
    int segmentsTotal = 0, segmentsDone = 0, segmentsFlagged = 0;  // kept by createJob/saveSegment
    QDateTime created, updated;
};

enum class SegmentStatus { Pending, Translated, Flagged, Edited, Locked, Memory };

struct TranslationSegment {
    qint64 id = 0;
    qint64 jobId = 0;
    int ordinal = 0;  // position in the job (segments() orders by it)
    int unit = 0;     // the document unit, its plural form and the sentence part within it
    int form = 0;
    int part = 0;
    QString source;
    QString target;
    SegmentStatus status = SegmentStatus::Pending;
    QString checksJson;  // the checks' verdicts, as the worker wrote them ("[]" when none)
    QString modelHash, templateId, settingsJson;  // what produced the target
    QDateTime updated;
};

// One change of a segment's target or status, oldest first in history().
struct SegmentVersion {
    qint64 id = 0;
    qint64 segmentId = 0;
    QString target;
    SegmentStatus status = SegmentStatus::Pending;
    QString origin;  // "model", "edit", "memory", "retry", "alternative"
    QDateTime at;
};

struct GlossaryTerm {
    qint64 id = 0;
    QString sourceLanguage, targetLanguage, project, source, target;  // project "" = global
    bool doNotTranslate = false, caseSensitive = false;
    QString note;
};

struct MemoryEntry {
    qint64 id = 0;
    QString sourceLanguage, targetLanguage, source, target, origin;
    QDateTime updated;
};

struct MemoryMatch {
    MemoryEntry entry;
    int similarity = 0;  // 0..100, 100 = exact
};

class Database;

class TranslationStore {
public:
    // Opens (creating or migrating) the database at path with its own connection, in WAL mode.
    static Result<std::unique_ptr<TranslationStore>> open(const QString& path);
    ~TranslationStore();
    TranslationStore(const TranslationStore&) = delete;
    TranslationStore& operator=(const TranslationStore&) = delete;

    // --- jobs ------------------------------------------------------------------------------------------
    // The job row, its source file's bytes and every segment, in one transaction. Returns the stored job.
    Result<TranslationJob> createJob(const TranslationJob&, const QByteArray& sourceBytes,
                                     const QList<TranslationSegment>& segments);
    Result<TranslationJob> job(qint64 id) const;
    Result<QList<TranslationJob>> listJobs() const;  // newest first
    Result<QByteArray> jobSource(qint64 id) const;   // the bytes given to createJob, exactly
    Result<void> setJobState(qint64 id, JobState, const QString& error = {});
    Result<void> setJobOutput(qint64 id, const QString& outputPath);
    // Queued or Running (a Running job after open() was killed mid-job), oldest first.
    Result<QList<TranslationJob>> unfinishedJobs() const;
    Result<void> deleteJob(qint64 id);  // with its segments and their history

    // --- segments --------------------------------------------------------------------------------------
    Result<QList<TranslationSegment>> segments(qint64 jobId) const;  // by ordinal
    // Stores target/status/checks/model/template/settings (by the segment's id); appends a SegmentVersion
    // when the target or the status changed; keeps the job's segmentsDone (status not Pending) and
    // segmentsFlagged counters.
    Result<void> saveSegment(const TranslationSegment&, const QString& origin);
    Result<QList<SegmentVersion>> history(qint64 segmentId) const;  // oldest first

    // --- glossary --------------------------------------------------------------------------------------
    // The pair's terms; base languages match ("de" terms apply to "de-AT"); project "" = global terms only,
    // else the global ones and that project's. Sorted by source, case-insensitively.
    Result<QList<GlossaryTerm>> glossary(const QString& src, const QString& tgt, const QString& project = {}) const;
    // Adds a term, or replaces the translation/flags/note of the same (pair, project, source). Returns it with its id.
    Result<GlossaryTerm> addTerm(const GlossaryTerm&);
    Result<void> updateTerm(const GlossaryTerm&);  // by id
    Result<void> removeTerm(qint64 id);
    // A .csv or .tbx file (by fileName's extension) into the pair and project, all or nothing. Returns how many terms.
    Result<int> importGlossary(const QByteArray& bytes, const QString& fileName, const QString& src, const QString& tgt,
                               const QString& project);
    // glossary(src, tgt, project) as a .csv or .tbx file (by fileName's extension).
    Result<QByteArray> exportGlossary(const QString& fileName, const QString& src, const QString& tgt,
                                      const QString& project) const;

    // --- translation memory ----------------------------------------------------------------------------
    // Upsert on (pair, source): a later translation of the same source replaces the earlier one.
    Result<void> remember(const MemoryEntry&);
    // Exact match first (100), then fuzzy ones: 100 * (1 - edit distance / longer length), from candidates of
    // a similar length that share text with it (an FTS5 trigram index), best first, at least minSimilarity.
    Result<QList<MemoryMatch>> lookup(const QString& src, const QString& tgt, const QString& text, int minSimilarity,
                                      int limit = 3) const;
    Result<int> memorySize() const;  // entries, all pairs
    // A TMX 1.4 file's pairs for src -> tgt (base languages match) into the memory, all or nothing; returns how many.
    Result<int> importTmx(const QByteArray& bytes, const QString& src, const QString& tgt);
    // The pair's memory as a TMX 1.4 file.
    Result<QByteArray> exportTmx(const QString& src, const QString& tgt) const;

private:
    explicit TranslationStore(std::unique_ptr<Database> db);
    std::unique_ptr<Database> m_db;
};

}  // namespace lantern::storage
