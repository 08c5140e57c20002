#pragma once
// The Qt side of the inference thread (../shared/DESIGN.md "Threads"). An InferenceWorker lives in its
// own QThread and owns the Model and its Session; every Vulkan object is therefore created, used and
// destroyed on that thread. The GUI talks to it only with queued signals carrying values:
//   requests in:  loadModel, unloadModel, generate, countTokens   (invoke with Qt::QueuedConnection)
//   results out:  loadProgress, modelLoaded, modelLoadFailed, textArrived (batched ~16 ms),
//                 generationFinished, generationFailed, generationInterrupted, tokensCounted
// cancelGeneration()/cancelLoad() are the only direct calls: they set atomics the engine polls between
// tokens, so Stop takes effect without waiting for the worker's event loop.
#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "inference/engine.h"

namespace lantern::service {

// How the worker obtains a model: by default defaultModelLoader() (engine/engineprocess.h: the lantern-engine
// process installed beside the app, else Engine::load in this process); tests substitute a scripted test double.
using ModelLoader =
    std::function<Result<std::unique_ptr<Model>>(const std::filesystem::path& path, const LoadOptions& options)>;

// What the UI needs to know about the loaded model, as plain values.
struct LoadedModel {
    QString path;
    QString name;
    QString architecture;
    QString quantization;
    QString deviceName;
    quint64 parameters = 0;
    quint64 deviceBytesUsed = 0;
    quint64 deviceBytesFree = 0;
    quint64 hostWeightBytes = 0;  // expert weights kept in host memory (expert offload)
    quint32 contextLength = 0;
};

class InferenceWorker : public QObject {
    Q_OBJECT
public:
    // Texts reach the GUI at most this often; one frame at 60 Hz.
    static constexpr int kBatchIntervalMs = 16;

    explicit InferenceWorker(ModelLoader loader = {}, QObject* parent = nullptr);
    ~InferenceWorker() override;

    // Thread-safe. Stops request `requestId` (and any older one) as soon as the engine checks the flag.
    void cancelGeneration(quint64 requestId);
    // Thread-safe. Makes a running load return Errc::Cancelled.
    void cancelLoad();
    // Inference thread only: the loaded model (nullptr when none), for other workers on this thread that
    // open sessions of their own (the translation worker). modelReleasing() is emitted, on this thread,
    // before the model goes: drop such sessions then (connect with Qt::DirectConnection).
    Model* model() const { return m_model.get(); }

public slots:
    void loadModel(const QString& path, const QString& device, int contextLength);
    void unloadModel();
    void generate(quint64 requestId, const std::vector<lantern::ChatMessage>& messages,
                  const lantern::GenerateOptions& options);
    void countTokens(quint64 requestId, const std::vector<lantern::ChatMessage>& messages);

signals:
    void loadProgress(double progress, const QString& stage);
    void modelLoaded(const lantern::service::LoadedModel& model);
    // `message` is a sentence for a person (see errortext.h), never a raw code.
    void modelLoadFailed(const QString& path, const QString& message);
    void modelUnloaded();
    void modelReleasing();
    void textArrived(quint64 requestId, const QString& text);
    void generationFinished(quint64 requestId, const lantern::GenerateStats& stats);
    void generationFailed(quint64 requestId, const QString& message);
    // The engine process stopped during the answer (crash, device lost, hang, killed) and was restarted: the text
    // that arrived is the answer so far; the next request waits for the model to be loaded again.
    void generationInterrupted(quint64 requestId, const QString& message);
    // tokens < 0: no model loaded, so the count is unknown.
    void tokensCounted(quint64 requestId, int tokens);

private:
    void flushText(quint64 requestId, std::string& pending);
    void releaseModel();

    ModelLoader m_loader;
    std::unique_ptr<Model> m_model;
    std::unique_ptr<Session> m_session;
    std::atomic<bool> m_cancel{false};
    std::atomic<quint64> m_cancelledUpTo{0};
    std::atomic<bool> m_cancelLoad{false};
    QElapsedTimer m_sinceFlush;
};

}  // namespace lantern::service

Q_DECLARE_METATYPE(lantern::service::LoadedModel)
Q_DECLARE_METATYPE(lantern::GenerateStats)
Q_DECLARE_METATYPE(lantern::GenerateOptions)
Q_DECLARE_METATYPE(std::vector<lantern::ChatMessage>)
