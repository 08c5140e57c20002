#include "ui/library/modelmanager.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>

#include "ui/settings/appsettings.h"

namespace lantern::ui {

namespace {
QString bytesText(quint64 bytes) { return QLocale().formattedDataSize(qint64(bytes), 1); }
}  // namespace

ModelManager::ModelManager(AppSettings* settings, ModelLoader loader, QObject* parent)
    : QObject(parent), m_settings(settings), m_worker(new InferenceWorker(std::move(loader))) {
    m_thread.setObjectName(QStringLiteral("inference"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &InferenceWorker::modelLoaded, this, &ModelManager::onLoaded);
    connect(m_worker, &InferenceWorker::modelLoadFailed, this, &ModelManager::onLoadFailed);
    connect(m_worker, &InferenceWorker::loadProgress, this, &ModelManager::onProgress);
    connect(m_settings, &AppSettings::modelFolderChanged, this, &ModelManager::refreshLibrary);
    m_thread.start();
    refreshLibrary();
}

ModelManager::~ModelManager() {
    // Stop whatever runs, let the worker finish its current call, then destroy it on its thread.
    m_worker->cancelGeneration(~quint64(0));
    m_worker->cancelLoad();
    m_thread.quit();
    m_thread.wait();
}

QString ModelManager::fileNameOf(const QString& path) { return QFileInfo(path).fileName(); }

QString ModelManager::memoryText() const {
    if (m_state != QLatin1String("ready") || m_loaded.deviceBytesUsed == 0)
        return {};
    QString text = m_loaded.deviceBytesFree == 0
                       ? tr("Uses %1 of graphics memory").arg(bytesText(m_loaded.deviceBytesUsed))
                       : tr("Uses %1 of graphics memory, %2 free")
                             .arg(bytesText(m_loaded.deviceBytesUsed), bytesText(m_loaded.deviceBytesFree));
    if (m_loaded.hostWeightBytes > 0)
        text += QLatin1Char(' ') + tr("(%1 of expert weights stay in system memory, which makes answers slower)")
                                       .arg(bytesText(m_loaded.hostWeightBytes));
    return text;
}

void ModelManager::setState(const QString& state) {
    m_state = state;
    emit stateChanged();
}

void ModelManager::load(const QString& path) {
    if (path.isEmpty())
        return;
    m_path = path;
    m_error.clear();
    m_loaded = {};
    m_progress = 0;
    m_stage = tr("Opening the model file");
    m_settings->setModelPath(path);
    if (!QFileInfo::exists(path)) {
        // Said here rather than by the engine: the sentence can name the folder the user knows.
        onLoadFailed(path, tr("The model file %1 could not be found. Check that it still exists, or choose "
                              "another model.").arg(QDir::toNativeSeparators(path)));
        return;
    }
    m_worker->cancelLoad();  // a load still running for an older choice gives up
    setState(QStringLiteral("loading"));
    emit progressChanged();
    QMetaObject::invokeMethod(m_worker, "loadModel", Qt::QueuedConnection, Q_ARG(QString, path),
                              Q_ARG(QString, m_settings->device()), Q_ARG(int, m_settings->contextSize()));
}

void ModelManager::onLoaded(const LoadedModel& model) {
    if (fileNameOf(model.path) != fileNameOf(m_path))
        return;  // an older request finished after a newer one was made
    m_loaded = model;
    m_progress = 1;
    emit progressChanged();
    setState(QStringLiteral("ready"));
}

void ModelManager::onLoadFailed(const QString& path, const QString& message) {
    if (path != m_path)
        return;
    m_error = message;
    setState(QStringLiteral("error"));
}

void ModelManager::onProgress(double progress, const QString& stage) {
    m_progress = progress;
    if (stage == QLatin1String("reading"))
        m_stage = tr("Reading the model file");
    else if (stage == QLatin1String("uploading"))
        m_stage = tr("Copying the weights to the graphics device");
    else if (stage == QLatin1String("pipelines"))
        m_stage = tr("Preparing the compute shaders");
    else
        m_stage = tr("Loading");
    emit progressChanged();
}

void ModelManager::refreshLibrary() {
    QVariantList files;
    const QDir dir(m_settings->modelFolder());
    for (const QFileInfo& info : dir.entryInfoList({QStringLiteral("*.gguf")}, QDir::Files, QDir::Name)) {
        files.append(QVariantMap{{QStringLiteral("path"), info.absoluteFilePath()},
                                 {QStringLiteral("fileName"), info.fileName()},
                                 {QStringLiteral("sizeText"), bytesText(quint64(info.size()))}});
    }
    if (files == m_library)
        return;
    m_library = files;
    emit libraryChanged();
}

void ModelManager::start() {
    QString path = m_settings->modelPath();
    if (path.isEmpty()) {
        const QString candidate = QDir(m_settings->modelFolder()).filePath(QString::fromLatin1(kDefaultModel));
        if (QFileInfo::exists(candidate)) {
            path = candidate;
            m_firstRunNotice =
                tr("Lantern selected Gemma 3 270M, a small, fast model from Google that runs on any computer. It is a "
                   "base model, not trained to chat, so its answers are short and often off the mark; for real help "
                   "choose a larger chat model (Qwen, Llama, Gemma \"it\") from the model menu at any time.");
        } else {
            m_firstRunNotice = tr("No model is installed yet. Put a GGUF model file in %1, or choose Open GGUF… in "
                                  "the model menu.").arg(QDir::toNativeSeparators(m_settings->modelFolder()));
        }
        emit firstRunNoticeChanged();
    }
    load(path);
}

void ModelManager::dismissFirstRunNotice() {
    if (m_firstRunNotice.isEmpty())
        return;
    m_firstRunNotice.clear();
    emit firstRunNoticeChanged();
}

}  // namespace lantern::ui
