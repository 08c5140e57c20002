#include "service/translationworker.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QMetaObject>

#include "service/errortext.h"
#include "service/inferenceworker.h"
#include "service/translationworkerprivate.h"
#include "storage/translationstore.h"
#include "translation/enginegenerate.h"
#include "translation/formats/formats.h"
#include "translation/languages.h"

namespace lantern::service {

using namespace lantern::translation;

namespace {
void registerTypes() {
    static const bool done = [] {
        qRegisterMetaType<TranslateOptions>();
        qRegisterMetaType<PlannedText>();
        return true;
    }();
    (void)done;
}
}  // namespace

QString qs(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }
std::string ss(const QString& s) { return s.toStdString(); }

QStringList problemsOf(const std::vector<Check>& checks) {
    QStringList out;
    for (const std::string& p : problems(checks))
        out << qs(p);
    return out;
}

TranslationWorker::TranslationWorker(InferenceWorker* engine, QString databasePath, QObject* parent)
    : QObject(parent), m_engine(engine), m_databasePath(std::move(databasePath)) {
    registerTypes();
    // The engine thread is ours too: drop the session before the model it borrows goes away.
    connect(m_engine, &InferenceWorker::modelReleasing, this, [this] { m_session.reset(); }, Qt::DirectConnection);
    connect(m_engine, &InferenceWorker::modelLoaded, this, &TranslationWorker::runQueue);
}

TranslationWorker::~TranslationWorker() = default;

void TranslationWorker::cancelText() { m_cancelText.store(true); }

void TranslationWorker::cancelJob(qint64 jobId) {
    m_cancelJobId.store(jobId);
    m_cancelJob.store(true);
}

void TranslationWorker::start() {
    auto store = storage::TranslationStore::open(m_databasePath);
    if (!store) {
        emit failed(describeError(store.error()));
        return;
    }
    m_store = std::move(*store);
    emit jobsChanged();
    runQueue();
}

Session* TranslationWorker::session() {
    if (!m_session && m_engine->model())
        m_session = m_engine->model()->newSession();
    return m_session.get();
}

std::unique_ptr<Translator> TranslationWorker::makeTranslator(const TranslateOptions& o, const QString& sourceLanguage,
                                                              const std::atomic<bool>& cancel) {
    Session* s = session();
    if (!s)
        return nullptr;
    const ModelInfo& info = m_engine->model()->info();
    TranslateSettings ts;
    ts.sourceLanguage = ss(sourceLanguage);
    ts.targetLanguage = ss(o.targetLanguage);
    ts.style = ss(o.style);
    ts.formality = static_cast<Formality>(o.formality);
    ts.profile = o.profile.isEmpty() ? nullptr : findProfile(ss(o.profile));
    if (!ts.profile)
        ts.profile = &selectProfile({info.name, info.architecture, info.path.filename().string(), info.basePrompt});
    if (m_store) {
        if (auto terms = m_store->glossary(sourceLanguage, o.targetLanguage, o.project)) {
            for (const storage::GlossaryTerm& t : *terms)
                ts.glossary.push_back({ss(t.source), ss(t.target), t.doNotTranslate, t.caseSensitive, ss(t.note)});
        }
    }
    return std::make_unique<Translator>(generateWith(*s, cancel), std::move(ts));
}

void TranslationWorker::saveMemory(const TranslateOptions& o, const QString& src, const QString& source,
                                   const QString& target, const QString& origin) {
    if (!m_store || src.isEmpty() || target.trimmed().isEmpty())
        return;
    storage::MemoryEntry e;
    e.sourceLanguage = src;
    e.targetLanguage = o.targetLanguage;
    e.source = source;
    e.target = target;
    e.origin = origin;
    (void)m_store->remember(e);
}

// --- the text view ---------------------------------------------------------------------------------

void TranslationWorker::translateText(quint64 request, const QString& text, const TranslateOptions& options,
                                      const QHash<QString, QString>& locked) {
    m_cancelText.store(false);
    auto doc = formats::open(ss(text), formats::Format::PlainText);
    if (!doc) {
        emit textDone(request, {}, describeError(doc.error()));
        return;
    }
    auto t = std::make_unique<Text>();
    t->request = request;
    t->options = options;
    t->document = std::move(*doc);
    PlannedText planned;
    if (options.sourceLanguage.isEmpty()) {
        const Detection d = detectLanguage(ss(text));
        planned.sourceLanguage = qs(d.code);
        planned.confidence = d.confidence;
        planned.reliable = d.reliable;
        planned.detected = true;
    } else {
        planned.sourceLanguage = options.sourceLanguage;
        planned.confidence = 100;
        planned.reliable = true;
    }
    t->sourceLanguage = planned.sourceLanguage;
    PlanOptions po;
    po.splitSentences = options.splitSentences;
    po.which = PlanOptions::Which::All;
    po.targetLanguage = ss(options.targetLanguage);
    po.sourceLanguage = ss(planned.sourceLanguage);
    t->plan = planSegments(*t->document, po);
    // Pasted text is often a UI string or a message with printf/Qt placeholders: protect those too (the
    // guard tells "%1" and "%s" from "50% off").
    for (PlannedSegment& p : t->plan)
        p.source.placeholders |= placeholder::Printf | placeholder::Qt;
    t->targets.resize(t->plan.size());
    for (const PlannedSegment& p : t->plan)
        planned.sources << qs(p.source.text);
    emit textPlanned(request, planned);
    m_text = std::move(t);
    Text& cur = *m_text;

    cur.translator = makeTranslator(options, cur.sourceLanguage, m_cancelText);
    if (!cur.translator) {
        emit textDone(request, {}, tr("No model is loaded. Choose a model in the model menu at the top."));
        return;
    }
    JobHooks hooks;
    hooks.known = [&](size_t, const PlannedSegment& seg) -> std::optional<SegmentTarget> {
        if (auto it = locked.find(qs(seg.source.text)); it != locked.end()) {
            const guard::Restored placed = cur.translator->placeInlines(seg.source, ss(*it));
            return SegmentTarget{SegmentStatus::Locked, placed.text, placed.inlines,
                                 cur.translator->evaluate(seg.source, ss(*it))};
        }
        if (!m_store || cur.sourceLanguage.isEmpty())
            return std::nullopt;
        auto match = m_store->lookup(cur.sourceLanguage, options.targetLanguage, qs(seg.source.text), 100, 1);
        if (!match || match->isEmpty() || match->first().similarity < 100)
            return std::nullopt;
        const std::string target = ss(match->first().entry.target);
        std::vector<Check> checks = cur.translator->evaluate(seg.source, target);
        if (!allPassed(checks))
            return std::nullopt;  // a memory entry that no longer passes (a glossary term since) is not reused
        const guard::Restored placed = cur.translator->placeInlines(seg.source, target);
        return SegmentTarget{SegmentStatus::Memory, placed.text, placed.inlines, std::move(checks)};
    };
    hooks.memory = [&](const PlannedSegment& seg) {
        std::vector<std::pair<std::string, std::string>> pairs;
        if (!m_store || cur.sourceLanguage.isEmpty())
            return pairs;
        auto matches = m_store->lookup(cur.sourceLanguage, options.targetLanguage, qs(seg.source.text),
                                       options.memoryThreshold, 1);
        if (matches)
            for (const storage::MemoryMatch& m : *matches)
                pairs.emplace_back(ss(m.entry.source), ss(m.entry.target));
        return pairs;
    };
    hooks.preview = [&](size_t i, std::string_view preview) { emit segmentPreview(request, int(i), qs(preview)); };
    hooks.finished = [&](size_t i, const PlannedSegment& seg, const SegmentTarget& target, const SegmentResult*) {
        cur.targets[i] = target;
        emit segmentDone(request, int(i), qs(target.target), qs(statusName(target.status)), problemsOf(target.checks));
        if (target.status == SegmentStatus::Translated)
            saveMemory(options, cur.sourceLanguage, qs(seg.source.text), qs(target.target), QStringLiteral("model"));
    };
    const JobReport report = runJob(cur.plan, *cur.translator, hooks, m_cancelText);
    QString summary;
    if (!report.error.empty())
        summary = qs(report.error);
    else if (report.cancelled)
        summary = tr("Stopped.");
    else if (report.flagged)
        summary = tr("%n segment(s) need review.", "", int(report.flagged));
    emit textDone(request, currentOutput(), summary);
}

QString TranslationWorker::currentOutput() const {
    if (!m_text)
        return {};
    const auto units = assemble(*m_text->document, m_text->plan, m_text->targets, {true, false});
    auto written = m_text->document->write(units, {ss(m_text->options.targetLanguage)});
    return written ? qs(*written) : QString();
}

void TranslationWorker::retranslateSegment(quint64 request, int index) {
    if (!segmentOf(request, index))
        return;
    m_cancelText.store(false);
    const PlannedSegment& seg = m_text->plan[size_t(index)];
    const SegmentResult r = m_text->translator->translate(seg.source, {}, [&](std::string_view p) {
        emit segmentPreview(request, index, qs(p));
    });
    settle(request, index, r);
}

// Whether `index` is a segment of the text `request` that can be worked on (a newer text replaces older ones).
bool TranslationWorker::segmentOf(quint64 request, int index) const {
    return m_text && m_text->request == request && index >= 0 && size_t(index) < m_text->plan.size() && m_text->translator;
}

// A segment's new translation (again, rewritten) replaces the shown one, flagged if a check failed.
void TranslationWorker::settle(quint64 request, int index, const SegmentResult& r) {
    if (!r.error.empty() || r.cancelled) {
        emit failed(qs(r.error));
        return;
    }
    SegmentTarget& t = m_text->targets[size_t(index)];
    t = {r.accepted ? SegmentStatus::Translated : SegmentStatus::Flagged, r.target, r.targetInlines, r.checks};
    emit segmentDone(request, index, qs(t.target), qs(statusName(t.status)), problemsOf(t.checks));
    emit textDone(request, currentOutput(), {});
}

void TranslationWorker::alternatives(quint64 request, int index, int count) {
    if (!segmentOf(request, index))
        return;
    m_cancelText.store(false);
    QStringList out;
    for (const SegmentResult& r : m_text->translator->alternatives(m_text->plan[size_t(index)].source, count))
        if (r.error.empty())
            out << qs(r.target);
    emit alternativesReady(request, index, out);
}

void TranslationWorker::rewriteSegment(quint64 request, int index, int how, const QString& current) {
    if (!segmentOf(request, index))
        return;
    m_cancelText.store(false);
    const SegmentResult r =
        m_text->translator->rewrite(m_text->plan[size_t(index)].source, ss(current), static_cast<Rewrite>(how));
    settle(request, index, r);
}

void TranslationWorker::checkEdit(quint64 request, int index, const QString& target) {
    if (!segmentOf(request, index))
        return;
    const PlannedSegment& seg = m_text->plan[size_t(index)];
    std::vector<Check> checks = m_text->translator->evaluate(seg.source, ss(target));
    const guard::Restored placed = m_text->translator->placeInlines(seg.source, ss(target));
    m_text->targets[size_t(index)] = {SegmentStatus::Edited, placed.text, placed.inlines, checks};
    // A person's edit is what the memory should learn, checked or not: they meant it.
    saveMemory(m_text->options, m_text->sourceLanguage, qs(seg.source.text), target, QStringLiteral("edit"));
    emit editChecked(request, index, problemsOf(checks));
    emit textDone(request, currentOutput(), {});
}

}  // namespace lantern::service
