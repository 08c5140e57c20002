#pragma once
// Translation jobs, their segments and each segment's history, the glossary and the translation memory,
// in the same SQLite file as the conversations (schema v3, storage/migrations.cpp). One connection per
// thread: the translate view and the translation worker each open their own. Every call is one
// transaction; a job and all its segments are created together, each segment is saved as it is done, so
// a killed process loses at most the segment it was translating and the job resumes (unfinishedJobs).
#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <memory>
#include "base/error.h"
namespace lantern::storage {
enum class JobState { Queued, Running, Paused, Done, Failed, Cancelled };
struct TranslationJob { qint64 id = 0; QString name, sourcePath, outputPath, format, sourceLanguage, targetLanguage, modelPath, modelHash, profileId, settingsJson; JobState state = JobState::Queued; QString error; int segmentsTotal = 0, segmentsDone = 0, segmentsFlagged = 0; QDateTime created, updated; };
enum class SegmentStatus { Pending, Translated, Flagged, Edited, Locked, Memory };
struct TranslationSegment { qint64 id = 0; qint64 jobId = 0; int ordinal = 0; int unit = 0; int form = 0; int part = 0; QString source; QString target; SegmentStatus status = SegmentStatus::Pending; QString checksJson; QString modelHash, templateId, settingsJson; QDateTime updated; };
struct GlossaryTerm { qint64 id = 0; QString sourceLanguage, targetLanguage, project, source, target; bool doNotTranslate = false, caseSensitive = false; QString note; };
struct MemoryEntry { qint64 id = 0; QString sourceLanguage, targetLanguage, source, target, origin; QDateTime updated; };
struct MemoryMatch { MemoryEntry entry; int similarity = 0; };
struct SegmentVersion { qint64 id = 0; qint64 segmentId = 0; QString target; SegmentStatus status = SegmentStatus::Pending; QString origin; QDateTime at; };

class Database;

class TranslationStore {
public:
  static Result<std::unique_ptr<TranslationStore>> open(const QString& path);
  ~TranslationStore();
  Result<TranslationJob> createJob(const TranslationJob&, const QByteArray& sourceBytes, const QList<TranslationSegment>& segments);
  Result<TranslationJob> job(qint64) const; Result<QList<TranslationJob>> listJobs() const;
  Result<QByteArray> jobSource(qint64) const;
  Result<void> setJobState(qint64, JobState, const QString& error = {});
  Result<void> setJobOutput(qint64, const QString& outputPath);
  Result<QList<TranslationJob>> unfinishedJobs() const;
  Result<void> deleteJob(qint64);
  Result<QList<TranslationSegment>> segments(qint64 jobId) const;
  Result<void> saveSegment(const TranslationSegment&, const QString& origin);
  Result<QList<SegmentVersion>> history(qint64 segmentId) const;
  Result<QList<GlossaryTerm>> glossary(const QString& src, const QString& tgt, const QString& project = {}) const;
  Result<GlossaryTerm> addTerm(const GlossaryTerm&); Result<void> updateTerm(const GlossaryTerm&);
  Result<void> removeTerm(qint64);
  Result<int> importGlossary(const QByteArray& bytes, const QString& fileName, const QString& src, const QString& tgt, const QString& project);
  Result<QByteArray> exportGlossary(const QString& fileName, const QString& src, const QString& tgt, const QString& project) const;
  Result<void> remember(const MemoryEntry&);
  // Exact match first (100), then fuzzy ones: 100 * (1 - edit distance / longer length), from candidates that
  // share words with the text (an FTS5 trigram index), best first.
  Result<QList<MemoryMatch>> lookup(const QString& src, const QString& tgt, const QString& text, int minSimilarity, int limit = 3) const;
  Result<int> memorySize() const;

private:
  explicit TranslationStore(std::unique_ptr<Database> db);
  std::unique_ptr<Database> m_db;
};
}
