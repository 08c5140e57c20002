#pragma once
// The model side of the app: the GGUF files in the model folder, which one is loaded, load progress
// and errors (as sentences), device and memory. Owns the inference thread and its InferenceWorker;
// ChatController sends generation requests to worker() with queued calls.
#include <QObject>
#include <QThread>
#include <QThreadPool>
#include <QUrl>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include "service/errortext.h"
#include "service/inferenceworker.h"

namespace lantern::ui {

// The engine service's types, used throughout the UI.
using service::InferenceWorker;
using service::LoadedModel;
using service::ModelLoader;
using service::describeError;
using service::errorAdvice;

class AppSettings;

class ModelManager : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use ChatController.models")
    // "none", "loading", "ready" or "error".
    Q_PROPERTY(QString state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString modelPath READ modelPath NOTIFY stateChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY stateChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY stateChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)
    Q_PROPERTY(QString stageText READ stageText NOTIFY progressChanged)
    Q_PROPERTY(QString deviceName READ deviceName NOTIFY stateChanged)
    Q_PROPERTY(QString memoryText READ memoryText NOTIFY stateChanged)
    Q_PROPERTY(int contextLength READ contextLength NOTIFY stateChanged)
    // [{path, fileName, sizeText, planText, planState}] of the *.gguf files in the model folder. planText says
    // where the model would go before it is loaded (the plan the load follows, worked out in the background
    // with the device and context from the settings); planState is "planning", "fits", "offloaded" (a mixture
    // of experts with expert weights in system memory), "too-big" or "error" (not a usable model).
    Q_PROPERTY(QVariantList library READ library NOTIFY libraryChanged)
    // Shown once after the first start: which model Lantern chose and what it is.
    Q_PROPERTY(QString firstRunNotice READ firstRunNotice NOTIFY firstRunNoticeChanged)
public:
    static constexpr const char* kDefaultModel = "gemma-3-270m-q4_k_m.gguf";

    ModelManager(AppSettings* settings, ModelLoader loader, QObject* parent = nullptr);
    ~ModelManager() override;

    QString state() const { return m_state; }
    QString modelPath() const { return m_path; }
    QString modelName() const { return m_loaded.name.isEmpty() ? fileNameOf(m_path) : m_loaded.name; }
    QString errorText() const { return m_error; }
    double progress() const { return m_progress; }
    QString stageText() const { return m_stage; }
    QString deviceName() const { return m_loaded.deviceName; }
    QString memoryText() const;
    int contextLength() const { return int(m_loaded.contextLength); }
    QVariantList library() const { return m_library; }
    QString firstRunNotice() const { return m_firstRunNotice; }
    bool isReady() const { return m_state == QLatin1String("ready"); }
    InferenceWorker* worker() const { return m_worker; }

    // Loads a model file (the current one is unloaded first). Remembered in the settings.
    Q_INVOKABLE void load(const QString& path);
    Q_INVOKABLE void loadUrl(const QUrl& url) { load(url.toLocalFile()); }
    Q_INVOKABLE void reload() { load(m_path); }
    Q_INVOKABLE void refreshLibrary();
    Q_INVOKABLE void dismissFirstRunNotice();
    // At start: load the configured model, or on first run choose the default model and say so.
    void start();

    static QString fileNameOf(const QString& path);

signals:
    void stateChanged();
    void progressChanged();
    void libraryChanged();
    void firstRunNoticeChanged();

private:
    void setState(const QString& state);
    void onLoaded(const LoadedModel& model);
    void onLoadFailed(const QString& path, const QString& message);
    void onProgress(double progress, const QString& stage);
    void planLibrary();
    void applyPlans(quint64 generation, const QVariantList& plans);

    AppSettings* m_settings;
    QThread m_thread;
    InferenceWorker* m_worker;
    QString m_state = QStringLiteral("none");
    QString m_path;
    QString m_error;
    double m_progress = 0;
    QString m_stage;
    LoadedModel m_loaded;
    QVariantList m_library;
    QString m_firstRunNotice;
    QThreadPool m_planPool;     // one thread: memory plans of the library's files
    quint64 m_planGeneration = 0;  // results of an older request are dropped
};

}  // namespace lantern::ui
