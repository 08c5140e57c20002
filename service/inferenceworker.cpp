#include "service/inferenceworker.h"

#include <QMetaType>
#include <QThread>

#include "service/engine/engineprocess.h"
#include "service/errortext.h"

namespace lantern::service {

namespace {
// Registered once so queued connections can copy these values across threads.
void registerTypes() {
    static const bool done = [] {
        qRegisterMetaType<LoadedModel>();
        qRegisterMetaType<GenerateStats>();
        qRegisterMetaType<GenerateOptions>();
        qRegisterMetaType<std::vector<ChatMessage>>();
        return true;
    }();
    (void)done;
}

LoadedModel toLoadedModel(const ModelInfo& info) {
    LoadedModel m;
    m.path = QString::fromStdString(info.path.string());
    m.name = QString::fromStdString(info.name);
    m.architecture = QString::fromStdString(info.architecture);
    m.quantization = QString::fromStdString(info.quantization);
    m.deviceName = QString::fromStdString(info.deviceName);
    m.parameters = info.parameters;
    m.deviceBytesUsed = info.deviceBytesUsed;
    m.deviceBytesFree = info.deviceBytesFree;
    m.hostWeightBytes = info.hostWeightBytes;
    m.contextLength = info.contextLength;
    return m;
}
}  // namespace

InferenceWorker::InferenceWorker(ModelLoader loader, QObject* parent)
    : QObject(parent), m_loader(std::move(loader)) {
    registerTypes();
    if (!m_loader)
        m_loader = defaultModelLoader();  // the engine process beside the app, else this process
}

// The session borrows the model; destroy it first.
InferenceWorker::~InferenceWorker() {
    releaseModel();
}

void InferenceWorker::releaseModel() {
    if (m_model)
        emit modelReleasing();  // sessions borrowed by others (the translator) go first
    m_session.reset();
    m_model.reset();
}

void InferenceWorker::cancelGeneration(quint64 requestId) {
    quint64 seen = m_cancelledUpTo.load();
    while (seen < requestId && !m_cancelledUpTo.compare_exchange_weak(seen, requestId)) {
    }
    m_cancel.store(true);
}

void InferenceWorker::cancelLoad() { m_cancelLoad.store(true); }

void InferenceWorker::loadModel(const QString& path, const QString& device, int contextLength) {
    releaseModel();
    m_cancelLoad.store(false);

    LoadOptions options;
    options.device = device.toStdString();
    options.contextLength = contextLength > 0 ? static_cast<uint32_t>(contextLength) : 0;
    options.cancel = &m_cancelLoad;
    // Progress is throttled like text: the bar needs a few updates a second, not one per tensor.
    QElapsedTimer sinceProgress;
    sinceProgress.start();
    options.progress = [this, &sinceProgress](float progress, std::string_view stage) {
        if (sinceProgress.elapsed() < 50 && progress < 1.0f)
            return;
        sinceProgress.restart();
        emit loadProgress(progress, QString::fromUtf8(stage.data(), static_cast<qsizetype>(stage.size())));
    };
    emit loadProgress(0.0, QStringLiteral("reading"));
    auto model = m_loader(std::filesystem::path(path.toStdString()), options);
    if (!model) {
        emit modelLoadFailed(path, describeError(model.error()));
        return;
    }
    m_model = std::move(*model);
    m_session = m_model->newSession();
    LoadedModel loaded = toLoadedModel(m_model->info());
    if (loaded.path.isEmpty())
        loaded.path = path;
    emit modelLoaded(loaded);
}

void InferenceWorker::unloadModel() {
    releaseModel();
    emit modelUnloaded();
}

void InferenceWorker::flushText(quint64 requestId, std::string& pending) {
    if (pending.empty())
        return;
    emit textArrived(requestId, QString::fromUtf8(pending.data(), static_cast<qsizetype>(pending.size())));
    pending.clear();
    m_sinceFlush.restart();
}

void InferenceWorker::generate(quint64 requestId, const std::vector<ChatMessage>& messages,
                               const GenerateOptions& options) {
    // A Stop pressed before this request started still counts (see cancelGeneration).
    m_cancel.store(requestId <= m_cancelledUpTo.load());
    if (!m_session) {
        emit generationFailed(requestId, tr("No model is loaded. Choose a model in the model menu at the top."));
        return;
    }
    std::string pending;
    m_sinceFlush.start();
    auto onText = [&](std::string_view piece) {
        pending.append(piece);
        if (m_sinceFlush.elapsed() >= kBatchIntervalMs)
            flushText(requestId, pending);
    };
    auto stats = m_session->generate(messages, options, onText, m_cancel);
    flushText(requestId, pending);
    if (!stats) {
        if (stats.error().code == Errc::Cancelled) {
            GenerateStats cancelled;
            cancelled.stopReason = "cancelled";
            emit generationFinished(requestId, cancelled);
            return;
        }
        if (stats.error().code == Errc::EngineStopped) {
            emit generationInterrupted(requestId, describeError(stats.error()));
            return;
        }
        emit generationFailed(requestId, describeError(stats.error()));
        return;
    }
    emit generationFinished(requestId, *stats);
}

void InferenceWorker::countTokens(quint64 requestId, const std::vector<ChatMessage>& messages) {
    if (!m_session) {
        emit tokensCounted(requestId, -1);
        return;
    }
    GenerateOptions options;
    auto count = m_session->countTokens(messages, options);
    emit tokensCounted(requestId, count ? static_cast<int>(*count) : -1);
}

}  // namespace lantern::service
