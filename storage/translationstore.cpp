#include "storage/translationstore.h"

#include <QFileInfo>
#include <QHash>
#include <QSqlQuery>
#include <QSqlRecord>
#include <algorithm>
#include <array>

#include "base/strformat.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "translation/glossaryio.h"

namespace lantern::storage {

namespace {

constexpr std::array kJobStates{"queued", "running", "paused", "done", "failed", "cancelled"};
constexpr std::array kSegmentStates{"pending", "translated", "flagged", "edited", "locked", "memory"};

QString jobStateName(JobState s) { return QString::fromLatin1(kJobStates[size_t(s)]); }
JobState jobState(const QString& s) {
    for (size_t i = 0; i < kJobStates.size(); ++i)
        if (s == QLatin1String(kJobStates[i]))
            return JobState(i);
    return JobState::Failed;
}
QString segmentStateName(SegmentStatus s) { return QString::fromLatin1(kSegmentStates[size_t(s)]); }
SegmentStatus segmentState(const QString& s) {
    for (size_t i = 0; i < kSegmentStates.size(); ++i)
        if (s == QLatin1String(kSegmentStates[i]))
            return SegmentStatus(i);
    return SegmentStatus::Pending;
}

qint64 now() { return toStoredTime(QDateTime::currentDateTimeUtc()); }

QString baseOf(const QString& code) { return code.section(QLatin1Char('-'), 0, 0); }

const char* kJobColumns =
    "id, name, source_path, output_path, format, source_language, target_language, model_path, model_hash,"
    " profile_id, settings_json, state, error_text, segments_total, segments_done, segments_flagged, created_ms, updated_ms";

TranslationJob jobFrom(const QSqlQuery& q) {
    TranslationJob j;
    j.id = q.value(0).toLongLong();
    j.name = q.value(1).toString();
    j.sourcePath = q.value(2).toString();
    j.outputPath = q.value(3).toString();
    j.format = q.value(4).toString();
    j.sourceLanguage = q.value(5).toString();
    j.targetLanguage = q.value(6).toString();
    j.modelPath = q.value(7).toString();
    j.modelHash = q.value(8).toString();
    j.profileId = q.value(9).toString();
    j.settingsJson = q.value(10).toString();
    j.state = jobState(q.value(11).toString());
    j.error = q.value(12).toString();
    j.segmentsTotal = q.value(13).toInt();
    j.segmentsDone = q.value(14).toInt();
    j.segmentsFlagged = q.value(15).toInt();
    j.created = fromStoredTime(q.value(16));
    j.updated = fromStoredTime(q.value(17));
    return j;
}

// Edit distance over UTF-16 code units, one row of memory.
int levenshtein(const QString& a, const QString& b) {
    std::vector<int> row(size_t(b.size()) + 1);
    for (int j = 0; j <= b.size(); ++j)
        row[size_t(j)] = j;
    for (int i = 1; i <= a.size(); ++i) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= b.size(); ++j) {
            const int up = row[size_t(j)];
            row[size_t(j)] = std::min({up + 1, row[size_t(j - 1)] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[size_t(b.size())];
}

// The distinct trigrams of text as the FTS5 trigram tokenizer indexes them (case-folded, three characters,
// spaces included), each quoted as an FTS5 string. Trigrams with surrogates are left out: the tokenizer
// counts code points, this counts UTF-16 units, and they would not line up.
QStringList trigramsOf(const QString& text) {
    const QString folded = text.toLower();
    QStringList out;
    for (qsizetype i = 0; i + 3 <= folded.size(); ++i) {
        const QString t = folded.mid(i, 3);
        if (std::ranges::any_of(t, [](QChar c) { return c.isSurrogate(); }))
            continue;
        if (!out.contains(t))
            out << t;
        if (out.size() >= 400)  // a long text: its first 400 trigrams choose the candidates well enough
            break;
    }
    return out;
}

QString ftsString(const QString& t) {
    QString quoted = t;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

// The fuzzy lookup's budget. Each trigram's entry count is probed up to kCommon; the ones below it are
// read, rarest first, while their postings stay within kPostingBudget rowids, counting how many of them each
// entry shares. When the text has too few such trigrams (every one is common), entries holding all of up to
// kAllOf of its trigrams (an FTS5 AND) are added. The kScored entries sharing the most are scored.
constexpr int kProbed = 48;
constexpr int kCommon = 1000;
constexpr qint64 kPostingBudget = 6000;
constexpr int kAllOf = 8;
constexpr int kScored = 60;

// Delete and insert (not an upsert) so the trigram index follows the row id. Inside the caller's transaction.
Result<void> upsertMemory(Database& db, const MemoryEntry& e, qint64 t) {
    if (e.source.isEmpty())
        return fail(Errc::InvalidArgument, "A translation memory entry needs its source text.");
    auto d = db.run(QStringLiteral("DELETE FROM translation_memory WHERE source_language = ? AND target_language = ?"
                                   " AND source = ?"),
                    {e.sourceLanguage, e.targetLanguage, e.source});
    if (!d)
        return std::unexpected(d.error());
    auto q = db.run(QStringLiteral("INSERT INTO translation_memory (source_language, target_language, source, target,"
                                   " origin, updated_ms) VALUES (?, ?, ?, ?, ?, ?)"),
                    {e.sourceLanguage, e.targetLanguage, e.source, e.target, e.origin, t});
    if (!q)
        return std::unexpected(q.error());
    return {};
}

}  // namespace

TranslationStore::TranslationStore(std::unique_ptr<Database> db) : m_db(std::move(db)) {}
TranslationStore::~TranslationStore() = default;

Result<std::unique_ptr<TranslationStore>> TranslationStore::open(const QString& path) {
    auto db = Database::open(path, false);
    if (!db)
        return std::unexpected(db.error());
    if (auto m = migrate(**db, schemaMigrations()); !m)
        return std::unexpected(m.error());
    if (auto w = (*db)->useWal(); !w)
        return std::unexpected(w.error());
    return std::unique_ptr<TranslationStore>(new TranslationStore(std::move(*db)));
}

Result<TranslationJob> TranslationStore::createJob(const TranslationJob& f, const QByteArray& sourceBytes,
                                                   const QList<TranslationSegment>& segments) {
    return m_db->transaction([&]() -> Result<TranslationJob> {
        const qint64 t = now();
        auto q = m_db->run(QStringLiteral("INSERT INTO translation_jobs (name, source_path, output_path, format,"
                                          " source_language, target_language, model_path, model_hash, profile_id,"
                                          " settings_json, state, segments_total, created_ms, updated_ms, source_bytes)"
                                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                           {f.name, f.sourcePath, f.outputPath, f.format, f.sourceLanguage, f.targetLanguage, f.modelPath,
                            f.modelHash, f.profileId, f.settingsJson.isEmpty() ? QStringLiteral("{}") : f.settingsJson,
                            jobStateName(f.state), int(segments.size()), t, t, sourceBytes});
        if (!q)
            return std::unexpected(q.error());
        const qint64 id = q->lastInsertId().toLongLong();
        QSqlQuery insert(m_db->connection());
        insert.prepare(QStringLiteral("INSERT INTO translation_segments (job_id, ordinal, unit, form, part, source,"
                                      " target, status, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        for (const TranslationSegment& s : segments) {
            auto r = m_db->runPrepared(insert, {id, s.ordinal, s.unit, s.form, s.part, s.source, s.target,
                                                segmentStateName(s.status), t});
            if (!r)
                return std::unexpected(r.error());
        }
        return job(id);
    });
}

Result<TranslationJob> TranslationStore::job(qint64 id) const {
    auto q = m_db->run(QStringLiteral("SELECT %1 FROM translation_jobs WHERE id = ?").arg(QLatin1String(kJobColumns)), {id});
    if (!q)
        return std::unexpected(q.error());
    if (!q->next())
        return fail(Errc::StorageError, "The translation job " + std::to_string(id) + " does not exist.");
    return jobFrom(*q);
}

Result<QList<TranslationJob>> TranslationStore::listJobs() const {
    auto q = m_db->run(QStringLiteral("SELECT %1 FROM translation_jobs ORDER BY id DESC").arg(QLatin1String(kJobColumns)));
    if (!q)
        return std::unexpected(q.error());
    QList<TranslationJob> out;
    while (q->next())
        out << jobFrom(*q);
    return out;
}

Result<QList<TranslationJob>> TranslationStore::unfinishedJobs() const {
    auto q = m_db->run(QStringLiteral("SELECT %1 FROM translation_jobs WHERE state IN ('queued', 'running') ORDER BY id")
                           .arg(QLatin1String(kJobColumns)));
    if (!q)
        return std::unexpected(q.error());
    QList<TranslationJob> out;
    while (q->next())
        out << jobFrom(*q);
    return out;
}

Result<QByteArray> TranslationStore::jobSource(qint64 id) const {
    auto q = m_db->run(QStringLiteral("SELECT source_bytes FROM translation_jobs WHERE id = ?"), {id});
    if (!q)
        return std::unexpected(q.error());
    if (!q->next())
        return fail(Errc::StorageError, "The translation job " + std::to_string(id) + " does not exist.");
    return q->value(0).toByteArray();
}

Result<void> TranslationStore::setJobState(qint64 id, JobState state, const QString& error) {
    auto q = m_db->run(QStringLiteral("UPDATE translation_jobs SET state = ?, error_text = ?, updated_ms = ? WHERE id = ?"),
                       {jobStateName(state), error, now(), id});
    if (!q)
        return std::unexpected(q.error());
    return {};
}

Result<void> TranslationStore::setJobOutput(qint64 id, const QString& outputPath) {
    auto q = m_db->run(QStringLiteral("UPDATE translation_jobs SET output_path = ?, updated_ms = ? WHERE id = ?"),
                       {outputPath, now(), id});
    if (!q)
        return std::unexpected(q.error());
    return {};
}

Result<void> TranslationStore::deleteJob(qint64 id) {
    auto q = m_db->run(QStringLiteral("DELETE FROM translation_jobs WHERE id = ?"), {id});
    if (!q)
        return std::unexpected(q.error());
    return {};
}

Result<QList<TranslationSegment>> TranslationStore::segments(qint64 jobId) const {
    auto q = m_db->run(QStringLiteral("SELECT id, job_id, ordinal, unit, form, part, source, target, status, checks_json,"
                                      " model_hash, template_id, settings_json, updated_ms FROM translation_segments"
                                      " WHERE job_id = ? ORDER BY ordinal"),
                       {jobId});
    if (!q)
        return std::unexpected(q.error());
    QList<TranslationSegment> out;
    while (q->next()) {
        TranslationSegment s;
        s.id = q->value(0).toLongLong();
        s.jobId = q->value(1).toLongLong();
        s.ordinal = q->value(2).toInt();
        s.unit = q->value(3).toInt();
        s.form = q->value(4).toInt();
        s.part = q->value(5).toInt();
        s.source = q->value(6).toString();
        s.target = q->value(7).toString();
        s.status = segmentState(q->value(8).toString());
        s.checksJson = q->value(9).toString();
        s.modelHash = q->value(10).toString();
        s.templateId = q->value(11).toString();
        s.settingsJson = q->value(12).toString();
        s.updated = fromStoredTime(q->value(13));
        out << s;
    }
    return out;
}

Result<void> TranslationStore::saveSegment(const TranslationSegment& s, const QString& origin) {
    return m_db->transaction([&]() -> Result<void> {
        auto old = m_db->run(QStringLiteral("SELECT target, status, job_id FROM translation_segments WHERE id = ?"), {s.id});
        if (!old)
            return std::unexpected(old.error());
        if (!old->next())
            return fail(Errc::StorageError, "The segment " + std::to_string(s.id) + " does not exist.");
        const QString oldTarget = old->value(0).toString();
        const SegmentStatus oldStatus = segmentState(old->value(1).toString());
        const qint64 jobId = old->value(2).toLongLong();
        const qint64 t = now();
        auto u = m_db->run(QStringLiteral("UPDATE translation_segments SET target = ?, status = ?, checks_json = ?,"
                                          " model_hash = ?, template_id = ?, settings_json = ?, updated_ms = ? WHERE id = ?"),
                           {s.target, segmentStateName(s.status), s.checksJson.isEmpty() ? QStringLiteral("[]") : s.checksJson,
                            s.modelHash, s.templateId, s.settingsJson.isEmpty() ? QStringLiteral("{}") : s.settingsJson, t, s.id});
        if (!u)
            return std::unexpected(u.error());
        if (oldTarget != s.target || oldStatus != s.status) {
            auto v = m_db->run(QStringLiteral("INSERT INTO segment_versions (segment_id, target, status, origin, at_ms)"
                                              " VALUES (?, ?, ?, ?, ?)"),
                               {s.id, s.target, segmentStateName(s.status), origin, t});
            if (!v)
                return std::unexpected(v.error());
        }
        auto c = m_db->run(QStringLiteral("UPDATE translation_jobs SET"
                                          " segments_done = (SELECT COUNT(*) FROM translation_segments WHERE job_id = ? AND status <> 'pending'),"
                                          " segments_flagged = (SELECT COUNT(*) FROM translation_segments WHERE job_id = ? AND status = 'flagged'),"
                                          " updated_ms = ? WHERE id = ?"),
                           {jobId, jobId, t, jobId});
        if (!c)
            return std::unexpected(c.error());
        return {};
    });
}

Result<QList<SegmentVersion>> TranslationStore::history(qint64 segmentId) const {
    auto q = m_db->run(QStringLiteral("SELECT id, segment_id, target, status, origin, at_ms FROM segment_versions"
                                      " WHERE segment_id = ? ORDER BY id"),
                       {segmentId});
    if (!q)
        return std::unexpected(q.error());
    QList<SegmentVersion> out;
    while (q->next())
        out << SegmentVersion{q->value(0).toLongLong(), q->value(1).toLongLong(), q->value(2).toString(),
                              segmentState(q->value(3).toString()), q->value(4).toString(), fromStoredTime(q->value(5))};
    return out;
}

Result<QList<GlossaryTerm>> TranslationStore::glossary(const QString& src, const QString& tgt, const QString& project) const {
    auto q = m_db->run(QStringLiteral("SELECT id, source_language, target_language, project, source, target, dnt,"
                                      " case_sensitive, note FROM glossary_terms"
                                      " WHERE source_language IN (?, ?) AND target_language IN (?, ?)"
                                      " AND (project = '' OR project = ?) ORDER BY source COLLATE NOCASE"),
                       {src, baseOf(src), tgt, baseOf(tgt), project});
    if (!q)
        return std::unexpected(q.error());
    QList<GlossaryTerm> out;
    while (q->next()) {
        GlossaryTerm t;
        t.id = q->value(0).toLongLong();
        t.sourceLanguage = q->value(1).toString();
        t.targetLanguage = q->value(2).toString();
        t.project = q->value(3).toString();
        t.source = q->value(4).toString();
        t.target = q->value(5).toString();
        t.doNotTranslate = q->value(6).toBool();
        t.caseSensitive = q->value(7).toBool();
        t.note = q->value(8).toString();
        out << t;
    }
    return out;
}

Result<GlossaryTerm> TranslationStore::addTerm(const GlossaryTerm& t) {
    if (t.source.trimmed().isEmpty())
        return fail(Errc::InvalidArgument, "A glossary term needs its source text.");
    auto q = m_db->run(QStringLiteral("INSERT INTO glossary_terms (source_language, target_language, project, source, target,"
                                      " dnt, case_sensitive, note, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                      " ON CONFLICT (source_language, target_language, project, source) DO UPDATE SET"
                                      " target = excluded.target, dnt = excluded.dnt, case_sensitive = excluded.case_sensitive,"
                                      " note = excluded.note"),
                       {t.sourceLanguage, t.targetLanguage, t.project, t.source, t.target, t.doNotTranslate ? 1 : 0,
                        t.caseSensitive ? 1 : 0, t.note, now()});
    if (!q)
        return std::unexpected(q.error());
    auto id = m_db->run(QStringLiteral("SELECT id FROM glossary_terms WHERE source_language = ? AND target_language = ?"
                                       " AND project = ? AND source = ?"),
                        {t.sourceLanguage, t.targetLanguage, t.project, t.source});
    if (!id)
        return std::unexpected(id.error());
    GlossaryTerm out = t;
    out.id = id->next() ? id->value(0).toLongLong() : 0;
    return out;
}

Result<void> TranslationStore::updateTerm(const GlossaryTerm& t) {
    auto q = m_db->run(QStringLiteral("UPDATE glossary_terms SET source = ?, target = ?, dnt = ?, case_sensitive = ?, note = ?"
                                      " WHERE id = ?"),
                       {t.source, t.target, t.doNotTranslate ? 1 : 0, t.caseSensitive ? 1 : 0, t.note, t.id});
    if (!q)
        return std::unexpected(q.error());
    return {};
}

Result<void> TranslationStore::removeTerm(qint64 id) {
    auto q = m_db->run(QStringLiteral("DELETE FROM glossary_terms WHERE id = ?"), {id});
    if (!q)
        return std::unexpected(q.error());
    return {};
}

Result<int> TranslationStore::importGlossary(const QByteArray& bytes, const QString& fileName, const QString& src,
                                             const QString& tgt, const QString& project) {
    const bool tbx = fileName.endsWith(QLatin1String(".tbx"), Qt::CaseInsensitive);
    if (!tbx && !fileName.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive) &&
        !fileName.endsWith(QLatin1String(".txt"), Qt::CaseInsensitive))
        return fail(Errc::FormatUnsupported,
                    format("Lantern imports glossaries from .csv and .tbx files (and translation memories from .tmx"
                           " files); {} is none of them.",
                           QFileInfo(fileName).fileName().toStdString()));
    const std::string data = bytes.toStdString();
    auto entries = tbx
                       ? translation::parseTbx(data, src.toStdString(), tgt.toStdString())
                       : translation::parseGlossaryCsv(data);
    if (!entries)
        return std::unexpected(entries.error());
    return m_db->transaction([&]() -> Result<int> {
        for (const translation::GlossaryEntry& e : *entries) {
            GlossaryTerm t;
            t.sourceLanguage = src;
            t.targetLanguage = tgt;
            t.project = project;
            t.source = QString::fromStdString(e.source);
            t.target = QString::fromStdString(e.target);
            t.doNotTranslate = e.doNotTranslate;
            t.caseSensitive = e.caseSensitive;
            t.note = QString::fromStdString(e.note);
            if (auto a = addTerm(t); !a)
                return std::unexpected(a.error());
        }
        return int(entries->size());
    });
}

Result<QByteArray> TranslationStore::exportGlossary(const QString& fileName, const QString& src, const QString& tgt,
                                                    const QString& project) const {
    auto terms = glossary(src, tgt, project);
    if (!terms)
        return std::unexpected(terms.error());
    std::vector<translation::GlossaryEntry> entries;
    for (const GlossaryTerm& t : *terms)
        entries.push_back({t.source.toStdString(), t.target.toStdString(), t.doNotTranslate, t.caseSensitive, t.note.toStdString()});
    const std::string out = fileName.endsWith(QLatin1String(".tbx"), Qt::CaseInsensitive)
                                ? translation::writeTbx(entries, src.toStdString(), tgt.toStdString())
                                : translation::writeGlossaryCsv(entries);
    return QByteArray::fromStdString(out);
}

Result<void> TranslationStore::remember(const MemoryEntry& e) {
    return m_db->transaction([&]() -> Result<void> { return upsertMemory(*m_db, e, now()); });
}

Result<int> TranslationStore::importTmx(const QByteArray& bytes, const QString& src, const QString& tgt) {
    auto pairs = translation::parseTmx(std::string_view(bytes.constData(), size_t(bytes.size())), src.toStdString(),
                                       tgt.toStdString());
    if (!pairs)
        return std::unexpected(pairs.error());
    return m_db->transaction([&]() -> Result<int> {
        const qint64 t = now();
        for (const translation::MemoryPair& p : *pairs) {
            const MemoryEntry e{0, src, tgt, QString::fromStdString(p.source), QString::fromStdString(p.target),
                                QStringLiteral("tmx"), {}};
            if (auto r = upsertMemory(*m_db, e, t); !r)
                return std::unexpected(r.error());
        }
        return int(pairs->size());
    });
}

Result<QByteArray> TranslationStore::exportTmx(const QString& src, const QString& tgt) const {
    auto q = m_db->run(QStringLiteral("SELECT source, target FROM translation_memory WHERE source_language = ?"
                                      " AND target_language = ? ORDER BY id"),
                       {src, tgt});
    if (!q)
        return std::unexpected(q.error());
    std::vector<translation::MemoryPair> pairs;
    while (q->next())
        pairs.push_back({q->value(0).toString().toStdString(), q->value(1).toString().toStdString()});
    return QByteArray::fromStdString(translation::writeTmx(pairs, src.toStdString(), tgt.toStdString()));
}

Result<int> TranslationStore::memorySize() const {
    auto q = m_db->run(QStringLiteral("SELECT COUNT(*) FROM translation_memory"));
    if (!q)
        return std::unexpected(q.error());
    return q->next() ? q->value(0).toInt() : 0;
}

Result<QList<MemoryMatch>> TranslationStore::lookup(const QString& src, const QString& tgt, const QString& text,
                                                    int minSimilarity, int limit) const {
    QList<MemoryMatch> out;
    auto entryFrom = [](const QSqlQuery& q) {
        MemoryEntry e;
        e.id = q.value(0).toLongLong();
        e.sourceLanguage = q.value(1).toString();
        e.targetLanguage = q.value(2).toString();
        e.source = q.value(3).toString();
        e.target = q.value(4).toString();
        e.origin = q.value(5).toString();
        e.updated = fromStoredTime(q.value(6));
        return e;
    };
    auto exact = m_db->run(QStringLiteral("SELECT id, source_language, target_language, source, target, origin, updated_ms"
                                          " FROM translation_memory WHERE source_language = ? AND target_language = ?"
                                          " AND source = ?"),
                           {src, tgt, text});
    if (!exact)
        return std::unexpected(exact.error());
    if (exact->next())
        out << MemoryMatch{entryFrom(*exact), 100};
    if (minSimilarity >= 100 || out.size() >= limit)
        return out;
    // Candidates: entries sharing the most of the text's rarer trigrams (see kProbed..kScored above), then
    // only those of the pair whose length allows minSimilarity (the distance is at least the length
    // difference), scored by edit distance.
    QStringList grams = trigramsOf(text);
    if (grams.isEmpty())
        return out;
    if (grams.size() > kProbed) {
        QStringList spread;
        for (int i = 0; i < kProbed; ++i)
            spread << grams[qsizetype(i) * grams.size() / kProbed];
        grams = spread;
    }
    QList<std::pair<int, QString>> byRarity;
    for (const QString& g : grams) {
        auto c = m_db->run(QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM memory_search WHERE memory_search MATCH ?"
                                          " LIMIT %1)").arg(kCommon),
                           {ftsString(g)});
        if (!c)
            return std::unexpected(c.error());
        const int n = c->next() ? c->value(0).toInt() : 0;
        if (n > 0)
            byRarity.append({n, g});
    }
    std::ranges::sort(byRarity);
    QHash<qint64, int> shared;
    auto count = [&](const QString& match, int weight, int most) -> Result<void> {
        auto postings = m_db->run(QStringLiteral("SELECT rowid FROM memory_search WHERE memory_search MATCH ? LIMIT ?"),
                                  {match, most});
        if (!postings)
            return std::unexpected(postings.error());
        while (postings->next())
            shared[postings->value(0).toLongLong()] += weight;
        return {};
    };
    qint64 read = 0;
    qsizetype rare = 0;
    for (; rare < byRarity.size(); ++rare) {
        const auto& [docs, gram] = byRarity[rare];
        if (docs >= kCommon || read + docs > kPostingBudget)
            break;
        read += docs;
        if (auto r = count(ftsString(gram), 1, kCommon); !r)
            return std::unexpected(r.error());
    }
    if (shared.size() < kScored && rare < byRarity.size()) {
        QStringList all;
        const qsizetype left = byRarity.size() - rare;
        const qsizetype n = std::min<qsizetype>(left, kAllOf);
        for (qsizetype i = 0; i < n; ++i)
            all << ftsString(byRarity[rare + i * left / n].second);
        if (auto r = count(all.join(QStringLiteral(" AND ")), int(n), kCommon * 2); !r)
            return std::unexpected(r.error());
    }
    QList<std::pair<int, qint64>> ranked;  // (-shared trigrams, id)
    ranked.reserve(shared.size());
    for (auto it = shared.cbegin(); it != shared.cend(); ++it)
        ranked.append({-it.value(), it.key()});
    const qsizetype keep = std::min<qsizetype>(ranked.size(), kScored * 4);
    std::ranges::partial_sort(ranked, ranked.begin() + keep);
    ranked.resize(keep);
    const int floorPercent = std::clamp(minSimilarity, 1, 100);
    const int shortest = int(text.size() * floorPercent / 100);
    const int longest = int(text.size() * 100 / floorPercent) + 1;
    QList<MemoryMatch> fuzzy;
    int scored = 0;
    for (qsizetype from = 0; from < ranked.size() && scored < kScored; from += 40) {
        QVariantList values{src, tgt, shortest, longest};
        QStringList ids;
        for (qsizetype i = from; i < std::min(ranked.size(), from + 40); ++i) {
            values << ranked[i].second;
            ids << QStringLiteral("?");
        }
        auto q = m_db->run(QStringLiteral("SELECT id, source_language, target_language, source, target, origin, updated_ms"
                                          " FROM translation_memory WHERE +source_language = ? AND +target_language = ?"
                                          " AND length(source) BETWEEN ? AND ? AND id IN (%1)")
                               .arg(ids.join(u',')),
                           values);
        if (!q)
            return std::unexpected(q.error());
        while (q->next() && scored < kScored) {
            MemoryEntry e = entryFrom(*q);
            if (e.source == text)
                continue;
            ++scored;
            const int longer = int(std::max(e.source.size(), text.size()));
            const int similarity = int(100.0 * (1.0 - double(levenshtein(e.source, text)) / longer));
            if (similarity >= minSimilarity)
                fuzzy << MemoryMatch{std::move(e), similarity};
        }
    }
    std::ranges::stable_sort(fuzzy, [](const MemoryMatch& a, const MemoryMatch& b) { return a.similarity > b.similarity; });
    for (const MemoryMatch& m : fuzzy) {
        if (out.size() >= limit)
            break;
        out << m;
    }
    return out;
}

}  // namespace lantern::storage
