#include "ui/translate/translatecontroller.h"

#include <QClipboard>
#include <algorithm>
#include <QDesktopServices>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QJSEngine>
#include <QLocale>
#include <QSaveFile>
#include <QMetaObject>
#include <QSettings>
#include <QThread>

#include "service/errortext.h"
#include "service/inferenceworker.h"
#include "storage/storagepaths.h"
#include "storage/translationstore.h"
#include "translation/languages.h"
#include "translation/routing.h"
#include "ui/chat/chatcontroller.h"
#include "ui/library/modelmanager.h"

namespace lantern::ui {

namespace {
TranslateController* g_instance = nullptr;
QString qs(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }
const translation::Language* lang(const QString& code) { return translation::findLanguage(code.toStdString()); }
constexpr int kAlternatives = 3;
bool isTmx(const QUrl& file) { return QFileInfo(file.toLocalFile()).suffix().compare(u"tmx", Qt::CaseInsensitive) == 0; }
}  // namespace

TranslateController::TranslateController(ModelManager* models, const QString& databasePath, QObject* parent)
    : QObject(parent), m_models(models) {
    QSettings settings;
    m_target = settings.value(QStringLiteral("translate/target")).toString();
    if (m_target.isEmpty()) {  // first run: into the desktop's language, or English from it
        const QString ui = qs(translation::normalizeLanguage(QLocale().name().toStdString()));
        m_target = ui.startsWith(QLatin1String("en")) || ui.isEmpty() ? QStringLiteral("de") : ui;
    }
    m_source = settings.value(QStringLiteral("translate/source")).toString();
    m_style = settings.value(QStringLiteral("translate/style")).toString();
    m_recent = settings.value(QStringLiteral("translate/recent")).toStringList();
    m_memoryThreshold = settings.value(QStringLiteral("translate/memoryThreshold"), 75).toInt();
    m_routes = settings.value(QStringLiteral("translate/routes")).toString();

    if (auto store = storage::TranslationStore::open(databasePath))
        m_store = std::move(*store);
    else
        m_error = tr("Translation jobs and the glossary cannot be opened: %1").arg(service::describeError(store.error()));

    m_worker = new service::TranslationWorker(m_models->worker(), databasePath);
    m_worker->moveToThread(m_models->worker()->thread());
    connect(m_worker, &service::TranslationWorker::textPlanned, this, [this](quint64 request, const service::PlannedText& p) {
        if (request != m_request)
            return;
        m_segments.reset(p.sources);
        if (p.detected) {
            m_detected = p.sourceLanguage;
            m_confidence = p.confidence;
            m_reliable = p.reliable;
            emit detectionChanged();
            emit languagesChanged();
        }
        setStatus(tr("Translating %n segment(s)…", "", int(p.sources.size())));
    });
    connect(m_worker, &service::TranslationWorker::segmentPreview, this, [this](quint64 request, int row, const QString& text) {
        if (request == m_request)
            m_segments.setPreview(row, text);
    });
    connect(m_worker, &service::TranslationWorker::segmentDone, this,
            [this](quint64 request, int row, const QString& target, const QString& status, const QStringList& problems) {
                if (request == m_request)
                    m_segments.setDone(row, target, status, problems);
            });
    connect(m_worker, &service::TranslationWorker::textDone, this, [this](quint64 request, const QString& out, const QString& summary) {
        if (request != m_request)
            return;
        m_output = out;
        emit outputChanged();
        setBusy(false);
        setStatus(summary);
    });
    connect(m_worker, &service::TranslationWorker::alternativesReady, this,
            [this](quint64 request, int row, const QStringList& alts) {
                if (request != m_request)
                    return;
                m_segments.setAlternatives(row, alts);
                setBusy(false);
                setStatus(alts.isEmpty() ? tr("No alternatives came back.") : QString());
            });
    connect(m_worker, &service::TranslationWorker::editChecked, this, [this](quint64 request, int row, const QStringList& problems) {
        if (request != m_request)
            return;
        if (const SegmentModel::Row* r = m_segments.row(row))
            m_segments.setDone(row, r->target, r->locked ? QStringLiteral("locked") : QStringLiteral("edited"), problems);
    });
    connect(m_worker, &service::TranslationWorker::jobsChanged, this, &TranslateController::reloadJobs);
    connect(m_worker, &service::TranslationWorker::jobProgress, &m_jobs, &JobModel::setProgress);
    connect(m_worker, &service::TranslationWorker::failed, this, [this](const QString& message) {
        setBusy(false);
        setError(message);
    });
    QMetaObject::invokeMethod(m_worker, &service::TranslationWorker::start, Qt::QueuedConnection);
    reloadJobs();
    reloadGlossary();
}

TranslateController::~TranslateController() {
    m_worker->cancelText();
    m_worker->cancelJob(0);  // the job stays Running in the store and resumes at the next start
    m_worker->deleteLater();
    if (g_instance == this)
        g_instance = nullptr;
}

void TranslateController::setInstance(TranslateController* controller) {
    g_instance = controller;
    if (controller)
        QJSEngine::setObjectOwnership(controller, QJSEngine::CppOwnership);
}

TranslateController* TranslateController::create(QQmlEngine* qml, QJSEngine* js) {
    if (!g_instance) {
        ChatController* chat = ChatController::create(qml, js);
        auto* created = new TranslateController(chat->models(), storage::databasePath(), qApp);
        setInstance(created);
    }
    return g_instance;
}

template <class F>
void TranslateController::post(F&& f) {
    QMetaObject::invokeMethod(m_worker, std::forward<F>(f), Qt::QueuedConnection);
}

QVariantList TranslateController::languages() const {
    QVariantList out;
    for (const translation::Language& l : translation::languages())
        out << QVariantMap{{"code", qs(l.code)}, {"name", qs(l.englishName)}, {"nativeName", qs(l.nativeName)},
                           {"rtl", l.rtl}};
    return out;
}

void TranslateController::setSourceLanguage(const QString& code) {
    if (code == m_source)
        return;
    m_source = code;
    QSettings().setValue(QStringLiteral("translate/source"), code);
    emit languagesChanged();
    reloadGlossary();
    retranslateAll();
}

void TranslateController::setTargetLanguage(const QString& code) {
    if (code == m_target || code.isEmpty())
        return;
    m_target = code;
    QSettings().setValue(QStringLiteral("translate/target"), code);
    if (m_formality && !(lang(code) && lang(code)->hasFormality()))
        setFormality(0);
    emit languagesChanged();
    reloadGlossary();
    retranslateAll();
}

// The shown translation is into the old language: translate the same text again (as DeepL does).
void TranslateController::retranslateAll() {
    if (!m_lastText.isEmpty() && m_segments.rowCount() > 0)
        translate(m_lastText);
}

QString TranslateController::detectedName() const {
    return m_detected.isEmpty() ? QString() : qs(translation::englishName(m_detected.toStdString()));
}

QVariantList TranslateController::recentPairs() const {
    QVariantList out;
    for (const QString& p : m_recent) {
        const QStringList parts = p.split(QLatin1Char('>'));
        if (parts.size() != 2)
            continue;
        const QString label = tr("%1 → %2").arg(parts[0].isEmpty() ? tr("Detect") : qs(translation::englishName(parts[0].toStdString())),
                                                 qs(translation::englishName(parts[1].toStdString())));
        out << QVariantMap{{"source", parts[0]}, {"target", parts[1]}, {"label", label}};
    }
    return out;
}

void TranslateController::setStyle(const QString& style) {
    if (style == m_style)
        return;
    m_style = style;
    QSettings().setValue(QStringLiteral("translate/style"), style);
    emit styleChanged();
}

void TranslateController::setRoutes(const QString& text) {
    auto parsed = translation::parseRoutes(text.toStdString());
    m_routesError = parsed ? QString() : QString::fromStdString(parsed.error().detail);
    if (parsed) {
        m_routes = text;
        QSettings().setValue(QStringLiteral("translate/routes"), text);
    }
    emit routesChanged();
}

void TranslateController::withRoutedModel(std::function<void()> work) {
    auto routes = translation::parseRoutes(m_routes.toStdString());
    const auto model = routes ? translation::routeFor(*routes, effectiveSource().toStdString(), m_target.toStdString())
                              : std::nullopt;
    const QString wanted = model && *model != "default" ? QString::fromStdString(*model) : QString();
    if (wanted.isEmpty() || wanted == m_models->modelPath()) {
        work();
        return;
    }
    setStatus(tr("Loading %1 for %2 → %3…").arg(QFileInfo(wanted).fileName(), effectiveSource(), m_target));
    disconnect(m_waitForModel);
    m_waitForModel = connect(m_models, &ModelManager::stateChanged, this, [this, work = std::move(work)] {
        const QString state = m_models->state();
        if (state == QLatin1String("loading"))
            return;
        disconnect(m_waitForModel);
        if (state == QLatin1String("ready"))
            work();
        else {
            setBusy(false);
            setError(tr("The model for this language pair could not be loaded: %1").arg(m_models->errorText()));
        }
    });
    m_models->load(wanted);
}

void TranslateController::setMemoryThreshold(int percent) {
    percent = std::clamp(percent, 50, 100);
    if (percent == m_memoryThreshold)
        return;
    m_memoryThreshold = percent;
    QSettings().setValue(QStringLiteral("translate/memoryThreshold"), percent);
    emit styleChanged();
}

void TranslateController::setFormality(int formality) {
    if (formality == m_formality)
        return;
    m_formality = formality;
    emit styleChanged();
}

QVariantList TranslateController::formalityOptions() const {
    const translation::Language* l = lang(m_target);
    if (!l || !l->hasFormality())
        return {};
    return {QVariantMap{{"value", 0}, {"text", tr("Default formality")}}, QVariantMap{{"value", 1}, {"text", qs(l->formalName)}},
            QVariantMap{{"value", 2}, {"text", qs(l->informalName)}}};
}

bool TranslateController::sourceRtl() const {
    const translation::Language* l = lang(effectiveSource());
    return l && l->rtl;
}

bool TranslateController::targetRtl() const {
    const translation::Language* l = lang(m_target);
    return l && l->rtl;
}

service::TranslateOptions TranslateController::options() const {
    service::TranslateOptions o;
    o.sourceLanguage = m_source;
    o.targetLanguage = m_target;
    o.style = m_style;
    o.formality = m_formality;
    o.memoryThreshold = m_memoryThreshold;
    return o;
}

void TranslateController::setBusy(bool busy) {
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged();
}

void TranslateController::setStatus(const QString& text) {
    if (text == m_status)
        return;
    m_status = text;
    emit statusChanged();
}

void TranslateController::setError(const QString& text) {
    if (text == m_error)
        return;
    m_error = text;
    emit errorTextChanged();
}

void TranslateController::dismissError() { setError({}); }

void TranslateController::rememberPair() {
    const QString pair = m_source + QLatin1Char('>') + m_target;
    m_recent.removeAll(pair);
    m_recent.prepend(pair);
    while (m_recent.size() > 5)
        m_recent.removeLast();
    QSettings().setValue(QStringLiteral("translate/recent"), m_recent);
    emit recentPairsChanged();
}

void TranslateController::translate(const QString& text) {
    if (text.trimmed().isEmpty())
        return;
    m_worker->cancelText();
    m_lastText = text;
    const bool sameTarget = m_segmentsTarget == m_target;
    m_segmentsTarget = m_target;
    QHash<QString, QString> locked;
    for (const SegmentModel::Row& r : m_segments.rows())
        if (r.locked && sameTarget)  // a locked translation is into the language it was locked in
            locked.insert(r.source, r.target);
    const quint64 request = ++m_request;
    const service::TranslateOptions o = options();
    rememberPair();
    setBusy(true);
    setError({});
    setStatus(tr("Preparing…"));
    service::TranslationWorker* w = m_worker;
    withRoutedModel([this, w, request, text, o, locked] {
        if (request == m_request)
            post([w, request, text, o, locked] { w->translateText(request, text, o, locked); });
    });
}

void TranslateController::stop() {
    m_worker->cancelText();
    setStatus(tr("Stopping…"));
}

void TranslateController::swap() {
    const QString from = effectiveSource();
    if (from.isEmpty())
        return;
    const QString to = m_target;
    m_target = from;
    m_source = to;
    QSettings().setValue(QStringLiteral("translate/source"), m_source);
    QSettings().setValue(QStringLiteral("translate/target"), m_target);
    emit languagesChanged();
    reloadGlossary();
    // The translation becomes the source, translated back.
    if (!m_output.trimmed().isEmpty() && !m_busy) {
        const QString text = m_output;
        emit sourceReplaced(text);
        translate(text);
    }
}

void TranslateController::usePair(const QString& source, const QString& target) {
    setSourceLanguage(source);
    setTargetLanguage(target);
}

void TranslateController::retranslate(int row) {
    const SegmentModel::Row* r = m_segments.row(row);
    if (!r || r->locked)
        return;
    setBusy(true);
    service::TranslationWorker* w = m_worker;
    const quint64 request = m_request;
    post([w, request, row] { w->retranslateSegment(request, row); });
}

void TranslateController::requestAlternatives(int row) {
    if (!m_segments.row(row))
        return;
    setBusy(true);
    setStatus(tr("Finding alternatives…"));
    service::TranslationWorker* w = m_worker;
    const quint64 request = m_request;
    post([w, request, row] { w->alternatives(request, row, kAlternatives); });
}

void TranslateController::chooseAlternative(int row, const QString& text) {
    setTarget(row, text);
    m_segments.setAlternatives(row, {});
}

void TranslateController::rewrite(int row, const QString& how) {
    const SegmentModel::Row* r = m_segments.row(row);
    if (!r || r->locked)
        return;
    const int kind = how == QLatin1String("formal") ? int(translation::Rewrite::MoreFormal)
                   : how == QLatin1String("informal") ? int(translation::Rewrite::LessFormal)
                                                      : int(translation::Rewrite::Shorter);
    setBusy(true);
    service::TranslationWorker* w = m_worker;
    const quint64 request = m_request;
    const QString current = r->target;
    post([w, request, row, kind, current] { w->rewriteSegment(request, row, kind, current); });
}

void TranslateController::setTarget(int row, const QString& text) {
    const SegmentModel::Row* r = m_segments.row(row);
    if (!r)
        return;
    m_segments.setDone(row, text, r->locked ? QStringLiteral("locked") : QStringLiteral("edited"), {});
    service::TranslationWorker* w = m_worker;
    const quint64 request = m_request;
    post([w, request, row, text] { w->checkEdit(request, row, text); });
}

void TranslateController::setLocked(int row, bool locked) {
    m_segments.setLocked(row, locked);
    if (const SegmentModel::Row* r = m_segments.row(row); r && locked)
        m_segments.setDone(row, r->target, QStringLiteral("locked"), r->problems);
}

void TranslateController::copyTranslation() {
    if (QClipboard* c = QGuiApplication::clipboard())
        c->setText(m_output);
    setStatus(tr("Translation copied."));
}

void TranslateController::addFiles(const QList<QUrl>& urls) {
    QStringList paths;
    for (const QUrl& u : urls)
        if (u.isLocalFile())
            paths << u.toLocalFile();
    if (paths.isEmpty())
        return;
    rememberPair();
    service::TranslationWorker* w = m_worker;
    const service::TranslateOptions o = options();
    withRoutedModel([this, w, paths, o] { post([w, paths, o] { w->addFiles(paths, o); }); });
    setStatus(tr("Added %n file(s) to the queue.", "", int(paths.size())));
}

void TranslateController::cancelJob(qint64 jobId) { m_worker->cancelJob(jobId); }

void TranslateController::retryJob(qint64 jobId) {
    service::TranslationWorker* w = m_worker;
    post([w, jobId] { w->retryJob(jobId); });
}

void TranslateController::removeJob(qint64 jobId) {
    service::TranslationWorker* w = m_worker;
    if (const storage::TranslationJob* j = m_jobs.job(jobId); j && j->state == storage::JobState::Running)
        m_worker->cancelJob(jobId);
    post([w, jobId] { w->removeJob(jobId); });
}

bool TranslateController::openOutput(qint64 jobId) {
    const storage::TranslationJob* j = m_jobs.job(jobId);
    if (!j || j->outputPath.isEmpty() || !QFileInfo::exists(j->outputPath))
        return false;
    return QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(j->outputPath).absolutePath()));
}

void TranslateController::reloadJobs() {
    if (!m_store)
        return;
    if (auto jobs = m_store->listJobs())
        m_jobs.setJobs(*jobs);
}

void TranslateController::reloadGlossary() {
    m_glossary.clear();
    if (m_store) {
        if (auto terms = m_store->glossary(effectiveSource(), m_target)) {
            for (const storage::GlossaryTerm& t : *terms)
                m_glossary << QVariantMap{{"id", t.id}, {"source", t.source}, {"target", t.target}, {"dnt", t.doNotTranslate}};
        }
    }
    emit glossaryChanged();
}

void TranslateController::addTerm(const QString& source, const QString& target, bool doNotTranslate) {
    if (!m_store || source.trimmed().isEmpty() || (!doNotTranslate && target.trimmed().isEmpty()))
        return;
    storage::GlossaryTerm t;
    t.sourceLanguage = effectiveSource();
    t.targetLanguage = m_target;
    t.source = source.trimmed();
    t.target = doNotTranslate ? QString() : target.trimmed();
    t.doNotTranslate = doNotTranslate;
    if (auto added = m_store->addTerm(t); !added)
        m_glossaryMessage = service::describeError(added.error());
    else
        m_glossaryMessage.clear();
    reloadGlossary();
}

void TranslateController::removeTerm(qint64 termId) {
    if (m_store)
        (void)m_store->removeTerm(termId);
    reloadGlossary();
}

void TranslateController::importGlossary(const QUrl& file) {
    if (!m_store)
        return;
    QFile f(file.toLocalFile());
    if (!f.open(QIODevice::ReadOnly)) {
        m_glossaryMessage = tr("Cannot read %1: %2").arg(file.toLocalFile(), f.errorString());
    } else if (isTmx(file)) {
        if (auto n = m_store->importTmx(f.readAll(), effectiveSource(), m_target); !n)
            m_glossaryMessage = service::describeError(n.error());
        else
            m_glossaryMessage = tr("%n translation(s) added to the memory.", "", *n);
    } else if (auto n = m_store->importGlossary(f.readAll(), f.fileName(), effectiveSource(), m_target, {}); !n) {
        m_glossaryMessage = service::describeError(n.error());
    } else {
        m_glossaryMessage = tr("%n term(s) imported.", "", *n);
    }
    reloadGlossary();
}

void TranslateController::exportGlossary(const QUrl& file) {
    if (!m_store)
        return;
    const bool memory = isTmx(file);
    auto bytes = memory ? m_store->exportTmx(effectiveSource(), m_target)
                        : m_store->exportGlossary(file.toLocalFile(), effectiveSource(), m_target, {});
    QSaveFile f(file.toLocalFile());
    if (!bytes)
        m_glossaryMessage = service::describeError(bytes.error());
    else if (!f.open(QIODevice::WriteOnly) || f.write(*bytes) != bytes->size() || !f.commit())
        m_glossaryMessage = tr("Cannot write %1: %2").arg(file.toLocalFile(), f.errorString());
    else
        m_glossaryMessage = memory ? tr("Translation memory saved to %1.").arg(file.toLocalFile())
                                   : tr("Glossary saved to %1.").arg(file.toLocalFile());
    emit glossaryChanged();
}

}  // namespace lantern::ui
