#include "ui/library/librarycontroller.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QJSEngine>
#include <QSettings>

#include <utility>

#include "service/library/localmodels.h"
#include "ui/chat/chatcontroller.h"
#include "ui/library/modelmanager.h"
#include "ui/settings/appsettings.h"

namespace lantern::ui {

namespace {
LibraryController* g_instance = nullptr;
}

template <class Work, class Done>
void LibraryController::inBackground(Work work, Done done) {
    m_pool.start([this, work, done] {
        auto result = work();
        QMetaObject::invokeMethod(
            this, [done, result] { done(result); }, Qt::QueuedConnection);
    });
}

LibraryController::LibraryController(ModelManager* models, AppSettings* settings, LibrarySetup setup,
                                     QObject* parent)
    : QObject(parent),
      m_models(models),
      m_settings(settings),
      m_configOverride(std::move(setup.hubConfig)),
      m_planBudgetBytes(setup.planBudgetBytes),
      m_hub(setup.hubSettingsFile.isEmpty()
                ? std::make_unique<service::HubSettings>()
                : std::make_unique<service::HubSettings>(setup.hubSettingsFile, setup.keychainService)),
      m_client(service::HubConfig{}, &m_nam) {
    m_pool.setMaxThreadCount(1);
    m_catalogue.setCatalogue(setup.catalogue ? std::move(*setup.catalogue) : service::Catalogue::builtIn());
    m_client.setConfig(hubConfig());
    connect(m_hub.get(), &service::HubSettings::changed, this, &LibraryController::applyHubConfig);
    connect(m_hub.get(), &service::HubSettings::tokenLoaded, this, &LibraryController::applyHubConfig);
    connect(m_hub.get(), &service::HubSettings::keychainFailed, this, [this](const QString& sentence) {
        m_keychainText = sentence;
        m_keychainFailed = true;
        emit keychainTextChanged();
    });
    connect(m_hub.get(), &service::HubSettings::tokenSaved, this, [this] {
        m_keychainText = m_hub->hasToken() ? tr("The token is stored in the system keychain.")
                                           : tr("The token was removed from the system keychain.");
        m_keychainFailed = false;
        emit keychainTextChanged();
    });
    connect(&m_downloadsModel, &DownloadsModel::activeChanged, this,
            [this] { m_catalogue.setActiveDownloads(m_downloadsModel.activeKeys()); });
    makeDownloadManager();

    connect(m_settings, &AppSettings::modelFolderChanged, this, &LibraryController::onModelsFolderChanged);
    connect(m_settings, &AppSettings::deviceChanged, this, &LibraryController::planFits);
    connect(m_settings, &AppSettings::contextSizeChanged, this, &LibraryController::planFits);
    // A load changes which model is in use and its "last used" (ModelManager marks it).
    connect(m_models, &ModelManager::stateChanged, this, [this] {
        m_local.setLoadedPath(m_models->isReady() ? m_models->modelPath() : QString());
        if (m_models->isReady())
            refreshLocal();
    });
    planFits();
    refreshLocal();
}

LibraryController::~LibraryController() {
    m_cancelBusy = true;
    m_pool.waitForDone();  // work in flight posts to this object: let it finish first
    m_downloadsModel.setManager(nullptr);
    if (g_instance == this)
        g_instance = nullptr;
}

void LibraryController::setInstance(LibraryController* controller) {
    g_instance = controller;
    if (controller)
        QJSEngine::setObjectOwnership(controller, QJSEngine::CppOwnership);
}

LibraryController* LibraryController::instance() {
    return g_instance;
}

LibraryController* LibraryController::create(QQmlEngine* qml, QJSEngine* js) {
    if (!g_instance) {
        ChatController* chat = ChatController::create(qml, js);
        auto* created = new LibraryController(chat->models(), AppSettings::instance());
        // ChatController's destroyed() comes before its children (the ModelManager) go.
        connect(chat, &QObject::destroyed, created, [created] { delete created; });
        setInstance(created);
    }
    return g_instance;
}

// ---- hub settings

service::HubConfig LibraryController::hubConfig() const {
    service::HubConfig config = m_hub->config();
    if (m_configOverride) {
        if (!m_configOverride->endpoint.isEmpty())
            config.endpoint = m_configOverride->endpoint;
        config.stallTimeoutMs = m_configOverride->stallTimeoutMs;
        config.maxRetries = m_configOverride->maxRetries;
        config.retryDelayMs = m_configOverride->retryDelayMs;
    }
    return config;
}

void LibraryController::applyHubConfig() {
    const service::HubConfig config = hubConfig();
    m_client.setConfig(config);
    if (m_downloadManager)
        m_downloadManager->setConfig(config);
    emit hubChanged();
}

bool LibraryController::networkAllowed() const {
    return m_hub->networkAllowed();
}
void LibraryController::setNetworkAllowed(bool allowed) {
    m_hub->setNetworkAllowed(allowed);
}
QString LibraryController::offlineText() const {
    return service::offlineSentence();
}
QString LibraryController::sandboxText() const {
    static const QString text = service::sandboxNetworkSentence();
    return text;
}
QString LibraryController::hubEndpoint() const {
    return m_hub->endpoint();
}
QString LibraryController::defaultEndpoint() const {
    return service::HubSettings::defaultEndpoint();
}
QString LibraryController::effectiveEndpoint() const {
    return hubConfig().endpoint.toString();
}
QString LibraryController::endpointHost() const {
    const QUrl url = hubConfig().endpoint;
    return url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
}
bool LibraryController::hasToken() const {
    return m_hub->hasToken();
}

QString LibraryController::setHubEndpoint(const QString& url) {
    if (m_hub->setEndpoint(url.trimmed()))
        return {};
    const QString why = m_hub->endpointError();
    return why.isEmpty() ? tr("The hub's address must be an http:// or https:// URL, such as %1.")
                               .arg(defaultEndpoint())
                         : why;
}

void LibraryController::setHubToken(const QString& token) {
    m_keychainText.clear();
    m_keychainFailed = false;
    emit keychainTextChanged();
    m_hub->setToken(token.trimmed());
}

// ---- catalogue

void LibraryController::planFits() {
    const quint64 generation = ++m_planGeneration;
    m_planning = true;
    emit planningChanged();
    m_catalogue.setPlanning();
    LoadOptions options;
    options.device = m_settings->device().toStdString();
    options.contextLength = uint32_t(std::max(0, m_settings->contextSize()));
    options.vramBudgetBytes = m_planBudgetBytes;
    const service::Catalogue catalogue = m_catalogue.catalogue();
    inBackground([catalogue, options] { return service::planCatalogue(catalogue, options); },
                 [this, generation](const std::vector<service::CatalogueFit>& fits) {
                     if (generation != m_planGeneration)
                         return;  // the settings changed since: a newer plan is on its way
                     m_catalogue.setFits(fits);
                     m_planning = false;
                     emit planningChanged();
                     emit fitsPlanned();
                 });
}

bool LibraryController::download(const QString& entryId, const QString& quant) {
    const service::CatalogueEntry* entry = m_catalogue.catalogue().find(entryId);
    if (!entry)
        return false;
    for (const service::CatalogueQuant& q : entry->quants) {
        if (q.quant != quant)
            continue;
        service::DownloadRequest request;
        request.repo = entry->repo;
        if (!entry->revision.isEmpty())
            request.revision = entry->revision;
        request.files = q.files;
        request.name = tr("%1 · %2").arg(entry->name, q.quant);
        request.expectedBytes = q.approxBytes;
        request.quant = q.quant;
        return enqueue(request);
    }
    return false;
}

bool LibraryController::enqueue(const service::DownloadRequest& request) {
    if (!m_downloadManager) {
        setStatus(tr("Downloads wait until the models folder has moved."), true);
        return false;
    }
    QString error;
    if (m_downloadManager->enqueue(request, &error).isEmpty()) {
        setStatus(error, true);
        return false;
    }
    setStatus(tr("%1 is in the download queue.").arg(request.name), false);
    return true;
}

// ---- downloads

void LibraryController::makeDownloadManager() {
    m_downloadsModel.setManager(nullptr);
    m_downloadManager.reset();  // its transfers stop; partial files stay and resume in the next one
    m_downloadManager = std::make_unique<service::DownloadManager>(hubConfig(), modelsDir(), &m_nam);
    connect(m_downloadManager.get(), &service::DownloadManager::finished, this,
            [this](const QString& id, const QString& path) {
                const service::DownloadStatus* job = m_downloadManager->job(id);
                m_finishedName = job ? job->name : QFileInfo(path).fileName();
                m_finishedPath = path;
                emit finishedChanged();
                m_models->refreshLibrary();  // the model menu lists it
                refreshLocal();
            });
    connect(m_downloadManager.get(), &service::DownloadManager::failed, this,
            [this](const QString&, const QString& sentence) { setStatus(sentence, true); });
    m_downloadsModel.setManager(m_downloadManager.get());
}

void LibraryController::pause(const QString& jobId) {
    if (m_downloadManager)
        m_downloadManager->pause(jobId);
}

bool LibraryController::resume(const QString& jobId) {
    if (!m_downloadManager)
        return false;
    QString error;
    if (m_downloadManager->resume(jobId, &error))
        return true;
    setStatus(error, true);
    return false;
}

void LibraryController::cancel(const QString& jobId) {
    if (m_downloadManager)
        m_downloadManager->cancel(jobId);
}

void LibraryController::remove(const QString& jobId) {
    if (m_downloadManager)
        m_downloadManager->remove(jobId);
}

void LibraryController::loadFinished() {
    if (!m_finishedPath.isEmpty())
        load(m_finishedPath);
    dismissFinished();
}

void LibraryController::dismissFinished() {
    m_finishedName.clear();
    m_finishedPath.clear();
    emit finishedChanged();
}

// ---- on this computer

QString LibraryController::modelsDir() const {
    return m_settings->modelFolder();
}

void LibraryController::onModelsFolderChanged() {
    emit modelsDirChanged();
    if (busy())
        return;  // moving: done() makes the new manager
    makeDownloadManager();
    refreshLocal();
}

void LibraryController::refreshLocal() {
    const quint64 generation = ++m_scanGeneration;
    const QString dir = modelsDir();
    inBackground(
        [dir] {
            QSettings settings;  // where ModelManager keeps "last used"
            return service::scanModels(dir, &settings);
        },
        [this, generation](const std::vector<service::LocalModel>& models) {
            if (generation != m_scanGeneration)
                return;
            m_local.setModels(models);
            m_local.setLoadedPath(m_models->isReady() ? m_models->modelPath() : QString());
            m_catalogue.setLocalFiles(m_local.fileNames());
            emit localModelsScanned();
        });
}

void LibraryController::load(const QString& path) {
    m_models->load(path);
}

void LibraryController::deleteModel(const QString& path) {
    const service::LocalModel* found = m_local.find(path);
    if (!found)
        return;
    const service::LocalModel model = *found;
    const QString name = QFileInfo(model.path).fileName();
    if (model.path == m_models->modelPath() && m_models->state() != QLatin1String("error")) {
        setStatus(tr("%1 is the model in use. Choose another model first, then delete this one.").arg(name),
                  true);
        return;
    }
    inBackground([model] { return service::deleteModel(model); },
                 [this, name](const QString& error) {
                     if (error.isEmpty())
                         setStatus(tr("Deleted %1.").arg(name), false);
                     else
                         setStatus(error, true);
                     refreshLocal();
                     m_models->refreshLibrary();
                 });
}

void LibraryController::reveal(const QString& path) {
    const QString folder = path.isEmpty() ? modelsDir() : QFileInfo(path).absolutePath();
    QDesktopServices::openUrl(QUrl::fromLocalFile(folder));
}

// Progress of the busy operation, reported from the worker thread and shown on this one.
service::ProgressFn LibraryController::busyProgressReporter() {
    return [this](qint64 done, qint64 total) {
        const double p = total > 0 ? double(done) / double(total) : -1;
        QMetaObject::invokeMethod(
            this,
            [this, p] {
                if (busy())
                    setBusy(m_busyText, p);
            },
            Qt::QueuedConnection);
    };
}

void LibraryController::importModel(const QUrl& file, bool link) {
    if (busy())
        return;
    const QString source = file.isLocalFile() ? file.toLocalFile() : file.toString();
    const QString dir = modelsDir();
    m_cancelBusy = false;
    setBusy(link ? tr("Linking %1…").arg(QFileInfo(source).fileName())
                 : tr("Copying %1…").arg(QFileInfo(source).fileName()),
            link ? -1 : 0);
    const service::ImportMode mode = link ? service::ImportMode::Link : service::ImportMode::Copy;
    const service::ProgressFn progress = busyProgressReporter();
    inBackground(
        [this, source, dir, mode, progress] {
            QString imported;
            QString error = service::importModel(source, dir, mode, &imported, progress, &m_cancelBusy);
            return std::make_pair(error, imported);
        },
        [this](const std::pair<QString, QString>& outcome) {
            setBusy({}, -1);
            if (outcome.first.isEmpty())
                setStatus(tr("%1 is now in the models folder.").arg(QFileInfo(outcome.second).fileName()),
                          false);
            else
                setStatus(outcome.first, true);
            refreshLocal();
            m_models->refreshLibrary();
        });
}

void LibraryController::moveModelsFolder(const QUrl& folder) {
    const QString to = QDir::cleanPath(folder.isLocalFile() ? folder.toLocalFile() : folder.toString());
    const QString from = QDir::cleanPath(modelsDir());
    if (busy() || to.isEmpty() || to == from)
        return;
    m_cancelBusy = false;
    setBusy(tr("Moving the models to %1…").arg(QDir::toNativeSeparators(to)), 0);
    // The queue's partial files move too: stop its transfers first (they resume from the new folder).
    m_downloadsModel.setManager(nullptr);
    m_downloadManager.reset();
    const service::ProgressFn progress = busyProgressReporter();
    inBackground(
        [this, from, to, progress] { return service::moveModelsFolder(from, to, progress, &m_cancelBusy); },
        [this, from, to](const QString& error) {
            setBusy({}, -1);
            if (!error.isEmpty()) {
                setStatus(error, true);
                makeDownloadManager();
                refreshLocal();
                return;
            }
            // The model in use moved with the others: the next start opens it from there.
            const QString current = m_settings->modelPath();
            if (current.startsWith(from + QLatin1Char('/')))
                m_settings->setModelPath(to + current.mid(from.size()));
            setStatus(tr("The models are now in %1.").arg(QDir::toNativeSeparators(to)), false);
            if (QDir::cleanPath(m_settings->modelFolder()) == to)
                onModelsFolderChanged();
            else
                m_settings->setModelFolder(to);  // makes the new manager and scans
        });
}

void LibraryController::cancelBusy() {
    m_cancelBusy = true;
}

// ---- search the hub

void LibraryController::search(const QString& query) {
    const quint64 generation = ++m_searchGeneration;
    m_searchedFor = query.trimmed();
    m_searchError.clear();
    if (!networkAllowed()) {
        m_searchError = offlineText();
        emit searchChanged();
        return;
    }
    m_searching = true;
    emit searchChanged();
    m_client.search(m_searchedFor, 30,
                    [this, generation](const std::vector<service::HubRepo>& repos, const QString& error) {
                        if (generation != m_searchGeneration)
                            return;
                        m_searching = false;
                        m_searchError = error;
                        m_search.setRepos(error.isEmpty() ? repos : std::vector<service::HubRepo>{});
                        emit searchChanged();
                    });
}

void LibraryController::listFiles(const QString& repo) {
    m_search.setListing(repo);
    m_client.listFiles(repo, QStringLiteral("main"),
                       [this, repo](const std::vector<service::HubFile>& files, const QString& error) {
                           m_search.setFiles(repo,
                                             error.isEmpty() ? service::groupGgufFiles(files)
                                                             : std::vector<service::HubModelFiles>{},
                                             error);
                       });
}

bool LibraryController::downloadHubFiles(const QString& repo, int filesIndex) {
    const service::HubModelFiles* files = m_search.files(repo, filesIndex);
    if (!files)
        return false;
    service::DownloadRequest request;
    request.repo = repo;
    request.files = files->paths;
    const QString shortName = repo.section(QLatin1Char('/'), -1);
    request.name = files->quant.isEmpty() ? shortName : tr("%1 · %2").arg(shortName, files->quant);
    request.expectedBytes = files->totalSize;
    return enqueue(request);
}

// ---- state

void LibraryController::setStatus(const QString& text, bool error) {
    if (text == m_statusText && error == m_statusIsError)
        return;
    m_statusText = text;
    m_statusIsError = error;
    emit statusChanged();
}

void LibraryController::dismissStatus() {
    setStatus({}, false);
}

void LibraryController::setBusy(const QString& text, double progress) {
    m_busyText = text;
    m_busyProgress = progress;
    emit busyChanged();
}

}  // namespace lantern::ui
