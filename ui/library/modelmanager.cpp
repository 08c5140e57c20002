#include "ui/library/modelmanager.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QSettings>

#include <filesystem>
#include <vector>

#include "inference/engine.h"
#include "service/library/localmodels.h"

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
    // The plans depend on the device and the context too.
    connect(m_settings, &AppSettings::deviceChanged, this, &ModelManager::planLibrary);
    connect(m_settings, &AppSettings::contextSizeChanged, this, &ModelManager::planLibrary);
    m_planPool.setMaxThreadCount(1);
    m_thread.start();
    refreshLibrary();
}

ModelManager::~ModelManager() {
    // Stop whatever runs, let the worker finish its current call, then destroy it on its thread.
    m_worker->cancelGeneration(~quint64(0));
    m_worker->cancelLoad();
    m_thread.quit();
    m_thread.wait();
    m_planPool.waitForDone();  // a plan being worked out posts to this object: let it finish first
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
    QSettings settings;  // the model library's "last used" (LibraryController lists it)
    service::markUsed(settings, model.path);
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
    // Unchanged files keep their plans.
    QVariantList known;
    for (const QVariant& entry : m_library) {
        QVariantMap m = entry.toMap();
        m.remove(QStringLiteral("planText"));
        m.remove(QStringLiteral("planState"));
        known.append(m);
    }
    if (files == known && !m_library.isEmpty())
        return;
    m_library = files;
    planLibrary();
}

void ModelManager::planLibrary() {
    QStringList paths;
    for (QVariant& entry : m_library) {
        QVariantMap m = entry.toMap();
        m[QStringLiteral("planText")] = tr("Checking whether it fits…");
        m[QStringLiteral("planState")] = QStringLiteral("planning");
        entry = m;
        paths.append(m.value(QStringLiteral("path")).toString());
    }
    emit libraryChanged();
    if (paths.isEmpty())
        return;
    const quint64 generation = ++m_planGeneration;
    LoadOptions options;
    options.device = m_settings->device().toStdString();
    options.contextLength = uint32_t(std::max(0, m_settings->contextSize()));
    m_planPool.start([this, paths, options, generation] {
        std::vector<std::filesystem::path> files;
        for (const QString& p : paths)
            files.emplace_back(p.toStdString());
        const auto plans = Engine::plan(files, options);
        QVariantList out;
        for (const auto& plan : plans) {
            QVariantMap m;
            if (!plan) {
                m[QStringLiteral("state")] = QStringLiteral("error");
                m[QStringLiteral("text")] = QString::fromStdString(plan.error().detail);
            } else if (!plan->fits) {
                m[QStringLiteral("state")] = QStringLiteral("too-big");
                m[QStringLiteral("text")] = QString::fromStdString(plan->text);
            } else {
                const QString device = QString::fromStdString(plan->deviceName);
                const QString memory = bytesText(plan->deviceBytes);
                m[QStringLiteral("state")] = plan->offloaded ? QStringLiteral("offloaded") : QStringLiteral("fits");
                m[QStringLiteral("text")] =
                    plan->offloaded
                        ? tr("Runs on %1 with part of its experts in system memory (slower): %2")
                              .arg(device, QString::fromStdString(plan->text))
                    : plan->cpuBackend
                        ? tr("Fits on %1: %2 of system memory with %3 tokens of context")
                              .arg(device, memory, QLocale().toString(plan->contextLength))
                        : tr("Fits on %1: %2 of graphics memory with %3 tokens of context")
                              .arg(device, memory, QLocale().toString(plan->contextLength));
            }
            out.append(m);
        }
        QMetaObject::invokeMethod(this, [this, generation, out] { applyPlans(generation, out); }, Qt::QueuedConnection);
    });
}

void ModelManager::applyPlans(quint64 generation, const QVariantList& plans) {
    if (generation != m_planGeneration || plans.size() != m_library.size())
        return;  // the library or the settings changed since: a newer plan is on its way
    for (qsizetype i = 0; i < m_library.size(); ++i) {
        QVariantMap m = m_library[i].toMap();
        const QVariantMap p = plans[i].toMap();
        m[QStringLiteral("planText")] = p.value(QStringLiteral("text"));
        m[QStringLiteral("planState")] = p.value(QStringLiteral("state"));
        m_library[i] = m;
    }
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
                   "base model, not trained to chat, so its answers are short and often off the mark. For chat, get an "
                   "instruction model from the model library (Ctrl+L), or choose one from the model menu at any time.");
        } else {
            m_firstRunNotice =
                tr("No model is installed yet, and Lantern never downloads one by itself. Download a chat model as a "
                   "GGUF file (for example Qwen3 1.7B or Gemma 3 1B \"it\", Q4_K_M, 1–2 GB, from Hugging Face), then "
                   "put it in %1 or choose Open GGUF… in the model menu. The model library (Ctrl+L) downloads one once you "
                   "allow it.")
                    .arg(QDir::toNativeSeparators(m_settings->modelFolder()));
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
