// TranslationWorker's file jobs: created from dropped files and folders, kept in SQLite segment by segment,
// run one model segment per event-loop turn, written validated and atomically, resumed after a kill.
#include <QCryptographicHash>
#include <QDateTime>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include "service/errortext.h"
#include "service/inferenceworker.h"
#include "service/translationworkerprivate.h"
#include "storage/translationstore.h"
#include "translation/formats/formats.h"
#include "translation/languages.h"

namespace lantern::service {

using namespace lantern::translation;

QString checksJson(const std::vector<Check>& checks) {
    QJsonArray a;
    for (const Check& c : checks)
        a.append(QJsonObject{{"id", qs(c.id)}, {"passed", c.passed}, {"detail", qs(c.detail)}});
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

std::vector<Check> checksFromJson(const QString& json) {
    std::vector<Check> out;
    for (const QJsonValue& v : QJsonDocument::fromJson(json.toUtf8()).array()) {
        const QJsonObject o = v.toObject();
        out.push_back({ss(o.value("id").toString()), o.value("passed").toBool(), ss(o.value("detail").toString())});
    }
    return out;
}

QString optionsJson(const TranslateOptions& o) {
    const QJsonObject j{{"sourceLanguage", o.sourceLanguage}, {"targetLanguage", o.targetLanguage}, {"style", o.style},
                        {"formality", o.formality}, {"splitSentences", o.splitSentences}, {"final", o.final},
                        {"writeFlagged", o.writeFlagged}, {"memoryThreshold", o.memoryThreshold},
                        {"profile", o.profile}, {"project", o.project}};
    return QString::fromUtf8(QJsonDocument(j).toJson(QJsonDocument::Compact));
}

TranslateOptions optionsFromJson(const QString& json) {
    const QJsonObject j = QJsonDocument::fromJson(json.toUtf8()).object();
    TranslateOptions o;
    o.sourceLanguage = j.value("sourceLanguage").toString();
    o.targetLanguage = j.value("targetLanguage").toString();
    o.style = j.value("style").toString();
    o.formality = j.value("formality").toInt();
    o.splitSentences = j.value("splitSentences").toBool(true);
    o.final = j.value("final").toBool();
    o.writeFlagged = j.value("writeFlagged").toBool();
    o.memoryThreshold = j.value("memoryThreshold").toInt(75);
    o.profile = j.value("profile").toString();
    o.project = j.value("project").toString();
    return o;
}

namespace {

PlanOptions planOptions(const TranslateOptions& o, const QString& sourceLanguage) {
    PlanOptions po;
    po.splitSentences = o.splitSentences;
    po.which = PlanOptions::Which::NotFinal;
    po.targetLanguage = ss(o.targetLanguage);
    po.sourceLanguage = ss(sourceLanguage);
    return po;
}

QString detectSource(const Document& doc) {
    std::string sample;
    for (const Unit& u : doc.units()) {
        if (!u.translatable)
            continue;
        sample += u.source + "\n";
        if (sample.size() > 8192)
            break;
    }
    return qs(detectLanguage(sample).code);
}

// Which model made a segment: the file's name, size and modification time, hashed (reading a 5 GB file
// for a content hash at every start would cost more than a job).
QString fingerprint(const ModelInfo& info) {
    const QFileInfo fi(QString::fromStdString(info.path.string()));
    const QByteArray key = fi.absoluteFilePath().toUtf8() + '|' + QByteArray::number(fi.size()) + '|' +
                           QByteArray::number(fi.lastModified().toMSecsSinceEpoch());
    return QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(16));
}

QStringList expand(const QStringList& paths) {
    QStringList files;
    for (const QString& p : paths) {
        const QFileInfo fi(p);
        if (!fi.isDir()) {
            files << p;
            continue;
        }
        QDirIterator it(p, QDir::Files, QDirIterator::Subdirectories);
        QStringList found;
        while (it.hasNext())
            found << it.next();
        found.sort();
        for (const QString& f : found) {
            QFile file(f);
            if (!file.open(QIODevice::ReadOnly))
                continue;
            if (formats::detect(f.toStdString(), file.read(4096).toStdString()))
                files << f;  // a folder's files Lantern cannot translate are left alone
        }
    }
    return files;
}

}  // namespace

void TranslationWorker::addFiles(const QStringList& paths, const TranslateOptions& options) {
    if (!m_store)
        return;
    for (const QString& path : expand(paths)) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            emit failed(tr("Cannot read %1: %2").arg(path, file.errorString()));
            continue;
        }
        const QByteArray bytes = file.readAll();
        auto format = formats::detect(path.toStdString(), bytes.toStdString());
        if (!format) {
            emit failed(describeError(format.error()));
            continue;
        }
        auto doc = formats::open(bytes.toStdString(), *format);
        if (!doc) {
            emit failed(tr("%1: %2").arg(QFileInfo(path).fileName(), describeError(doc.error())));
            continue;
        }
        QString source = !options.sourceLanguage.isEmpty() ? options.sourceLanguage : qs((*doc)->sourceLanguage());
        if (source.isEmpty())
            source = detectSource(**doc);
        const std::vector<PlannedSegment> plan = planSegments(**doc, planOptions(options, source));
        storage::TranslationJob job;
        job.name = QFileInfo(path).fileName();
        job.sourcePath = QFileInfo(path).absoluteFilePath();
        job.outputPath = QString::fromStdString(formats::translatedName(job.sourcePath.toStdString(),
                                                                        ss(options.targetLanguage)).string());
        job.format = qs(formats::name(*format));
        job.sourceLanguage = source;
        job.targetLanguage = options.targetLanguage;
        if (m_engine->model())
            job.modelPath = QString::fromStdString(m_engine->model()->info().path.string());
        job.profileId = options.profile;
        job.settingsJson = optionsJson(options);
        job.state = storage::JobState::Queued;
        job.segmentsTotal = int(plan.size());
        QList<storage::TranslationSegment> segments;
        for (size_t i = 0; i < plan.size(); ++i) {
            storage::TranslationSegment s;
            s.ordinal = int(i);
            s.unit = int(plan[i].unit);
            s.form = int(plan[i].form);
            s.part = int(plan[i].part);
            s.source = qs(plan[i].source.text);
            s.status = storage::SegmentStatus::Pending;
            segments << s;
        }
        if (auto created = m_store->createJob(job, bytes, segments); !created)
            emit failed(describeError(created.error()));
    }
    emit jobsChanged();
    runQueue();
}

void TranslationWorker::retryJob(qint64 jobId) {
    if (!m_store)
        return;
    (void)m_store->setJobState(jobId, storage::JobState::Queued);
    emit jobsChanged();
    runQueue();
}

void TranslationWorker::removeJob(qint64 jobId) {
    if (!m_store)
        return;
    if (m_job && m_job->id == jobId)
        m_job.reset();
    (void)m_store->deleteJob(jobId);
    emit jobsChanged();
    runQueue();
}

void TranslationWorker::runQueue() {
    if (!m_store || m_job || m_stepQueued || !m_engine->model())
        return;  // without a model the queue waits; modelLoaded starts it
    auto pending = m_store->unfinishedJobs();
    if (!pending || pending->isEmpty())
        return;
    const qint64 id = pending->first().id;
    if (!beginJob(id)) {
        m_job.reset();
        emit jobsChanged();
        QMetaObject::invokeMethod(this, &TranslationWorker::runQueue, Qt::QueuedConnection);
        return;
    }
    m_stepQueued = true;
    QMetaObject::invokeMethod(this, &TranslationWorker::stepJob, Qt::QueuedConnection);
}

bool TranslationWorker::beginJob(qint64 jobId) {
    auto failJob = [&](const QString& why) {
        (void)m_store->setJobState(jobId, storage::JobState::Failed, why);
        return false;
    };
    auto job = m_store->job(jobId);
    auto bytes = m_store->jobSource(jobId);
    auto stored = m_store->segments(jobId);
    if (!job || !bytes || !stored)
        return failJob(tr("The job could not be read from the database."));
    formats::Format format;
    if (!formats::fromName(ss(job->format), format))
        return failJob(tr("Unknown format %1.").arg(job->format));
    auto doc = formats::open(bytes->toStdString(), format);
    if (!doc)
        return failJob(describeError(doc.error()));
    m_cancelJob.store(false);
    auto a = std::make_unique<ActiveJob>();
    a->id = jobId;
    a->options = optionsFromJson(job->settingsJson);
    a->sourceLanguage = job->sourceLanguage;
    a->outputPath = job->outputPath;
    a->document = std::move(*doc);
    a->plan = planSegments(*a->document, planOptions(a->options, a->sourceLanguage));
    if (a->plan.size() != size_t(stored->size()))
        return failJob(tr("The job's segments no longer match its file (%1 planned, %2 stored).")
                           .arg(a->plan.size()).arg(stored->size()));
    a->translator = makeTranslator(a->options, a->sourceLanguage, m_cancelJob);
    if (!a->translator)
        return false;
    a->modelFingerprint = fingerprint(m_engine->model()->info());
    a->targets.resize(a->plan.size());
    for (const storage::TranslationSegment& s : *stored) {
        const size_t i = size_t(s.ordinal);
        if (i >= a->plan.size())
            continue;
        a->segmentIds.resize(a->plan.size());
        a->segmentIds[i] = s.id;
        if (s.status == storage::SegmentStatus::Pending)
            continue;
        const guard::Restored placed = a->translator->placeInlines(a->plan[i].source, ss(s.target));
        a->targets[i] = {static_cast<SegmentStatus>(s.status), placed.text, placed.inlines, checksFromJson(s.checksJson)};
        ++a->done;
        a->flagged += s.status == storage::SegmentStatus::Flagged ? 1 : 0;
    }
    a->segmentIds.resize(a->plan.size());
    (void)m_store->setJobState(jobId, storage::JobState::Running);
    m_job = std::move(a);
    emit jobsChanged();
    emit jobProgress(jobId, m_job->done, int(m_job->plan.size()), m_job->flagged);
    return true;
}

void TranslationWorker::stepJob() {
    m_stepQueued = false;
    if (!m_job)
        return runQueue();
    ActiveJob& job = *m_job;
    if (!session()) {  // the model went away: the job waits, Running, for the next one
        m_job.reset();
        return;
    }
    m_yield.store(false);
    JobHooks hooks;
    hooks.known = [&](size_t i, const PlannedSegment& seg) -> std::optional<SegmentTarget> {
        if (job.targets[i].status != SegmentStatus::Pending)
            return job.targets[i];
        auto match = m_store->lookup(job.sourceLanguage, job.options.targetLanguage, qs(seg.source.text), 100, 1);
        if (!match || match->isEmpty() || match->first().similarity < 100)
            return std::nullopt;
        std::vector<Check> checks = job.translator->evaluate(seg.source, ss(match->first().entry.target));
        if (!allPassed(checks))
            return std::nullopt;
        const guard::Restored placed = job.translator->placeInlines(seg.source, ss(match->first().entry.target));
        return SegmentTarget{SegmentStatus::Memory, placed.text, placed.inlines, std::move(checks)};
    };
    hooks.memory = [&](const PlannedSegment& seg) {
        std::vector<std::pair<std::string, std::string>> pairs;
        auto matches = m_store->lookup(job.sourceLanguage, job.options.targetLanguage, qs(seg.source.text),
                                       job.options.memoryThreshold, 1);
        if (matches)
            for (const storage::MemoryMatch& m : *matches)
                pairs.emplace_back(ss(m.entry.source), ss(m.entry.target));
        return pairs;
    };
    hooks.finished = [&](size_t i, const PlannedSegment& seg, const SegmentTarget& target, const SegmentResult* result) {
        const bool fresh = job.targets[i].status == SegmentStatus::Pending;
        if (!fresh)
            return;  // settled in an earlier step
        job.targets[i] = target;
        storage::TranslationSegment s;
        s.id = job.segmentIds[i];
        s.jobId = job.id;
        s.ordinal = int(i);
        s.unit = int(seg.unit);
        s.form = int(seg.form);
        s.part = int(seg.part);
        s.source = qs(seg.source.text);
        s.target = qs(target.target);
        s.status = static_cast<storage::SegmentStatus>(target.status);
        s.checksJson = checksJson(target.checks);
        s.modelHash = job.modelFingerprint;
        s.templateId = result ? qs(result->templateId) : QString();
        s.settingsJson = optionsJson(job.options);
        (void)m_store->saveSegment(s, result ? QStringLiteral("model") : QStringLiteral("memory"));
        if (target.status == SegmentStatus::Translated)
            saveMemory(job.options, job.sourceLanguage, s.source, s.target, QStringLiteral("model"));
        ++job.done;
        job.flagged += target.status == SegmentStatus::Flagged ? 1 : 0;
        emit jobProgress(job.id, job.done, int(job.plan.size()), job.flagged);
        if (result)
            m_yield.store(true);  // one model segment per turn of the event loop
    };
    const JobReport report = runJob(job.plan, *job.translator, hooks, m_yield);
    if (!report.error.empty()) {
        (void)m_store->setJobState(job.id, storage::JobState::Failed, qs(report.error));
        m_job.reset();
        emit jobsChanged();
        emit failed(qs(report.error));
        return;
    }
    if (m_cancelJob.load() && (m_cancelJobId.load() == 0 || m_cancelJobId.load() == job.id)) {
        (void)m_store->setJobState(job.id, storage::JobState::Cancelled);
        m_job.reset();
        emit jobsChanged();
        return runQueue();
    }
    const bool remaining = std::ranges::any_of(job.targets, [](const SegmentTarget& t) { return t.status == SegmentStatus::Pending; });
    if (remaining) {
        m_stepQueued = true;
        QMetaObject::invokeMethod(this, &TranslationWorker::stepJob, Qt::QueuedConnection);
        return;
    }
    finishJob(job);
    m_job.reset();
    emit jobsChanged();
    runQueue();
}

void TranslationWorker::finishJob(ActiveJob& job) {
    const auto units = assemble(*job.document, job.plan, job.targets, {job.options.writeFlagged, job.options.final});
    auto written = job.document->write(units, {ss(job.options.targetLanguage)});
    if (written) {
        if (auto valid = job.document->validate(*written); !valid)
            written = std::unexpected(valid.error());
    }
    if (!written) {
        (void)m_store->setJobState(job.id, storage::JobState::Failed, describeError(written.error()));
        return;
    }
    QSaveFile out(job.outputPath);
    if (!out.open(QIODevice::WriteOnly) || out.write(written->data(), qint64(written->size())) != qint64(written->size()) ||
        !out.commit()) {
        (void)m_store->setJobState(job.id, storage::JobState::Failed,
                                   tr("Cannot write %1: %2").arg(job.outputPath, out.errorString()));
        return;
    }
    (void)m_store->setJobOutput(job.id, job.outputPath);
    (void)m_store->setJobState(job.id, storage::JobState::Done,
                               job.flagged ? tr("%n segment(s) need review and were left untranslated.", "", job.flagged)
                                           : QString());
}

}  // namespace lantern::service
