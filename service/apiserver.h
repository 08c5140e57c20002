#pragma once
// The OpenAI-compatible API server (server/) inside the app, on the app's own engine thread (issue 18).
// The scheduler runs the server's jobs on the InferenceWorker's thread, one posted call per job, so chat
// answers, translations and server requests take turns there; each has its own Session (KV cache), so none
// sees another's text. The scheduler follows the worker's model: modelLoaded hands it the model, modelReleasing
// takes it back before the model goes (both on the inference thread, as Scheduler::setModel requires).
//
// Lifetime: everything the inference thread touches (the scheduler and its host) lives in a shared Core that
// every posted call holds, so a call still queued when this object goes finds its scheduler alive; the last
// one, posted by the destructor, drops the server's sessions on the inference thread and frees the Core there.
// The worker and its thread must outlive this object (the app destroys it before the ModelManager).
#include <QObject>
#include <QPointer>
#include <QString>

#include <future>
#include <memory>
#include <vector>

namespace lantern::server {
class HttpServer;
}

namespace lantern::service {

class InferenceWorker;

class ApiServer : public QObject {
    Q_OBJECT
    Q_PROPERTY(bool running READ running NOTIFY runningChanged)
    Q_PROPERTY(QString host READ host NOTIFY runningChanged)
    Q_PROPERTY(int port READ port NOTIFY runningChanged)
    // The base URL clients on this computer use, "http://127.0.0.1:8080/v1"; "" while stopped.
    Q_PROPERTY(QString url READ url NOTIFY runningChanged)
    // Why the last start() failed, as a sentence; "" after a successful start.
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
public:
    explicit ApiServer(InferenceWorker* worker, QObject* parent = nullptr);
    ~ApiServer() override;

    bool running() const { return m_http != nullptr; }
    QString host() const { return m_host; }
    int port() const { return m_port; }
    QString url() const;
    QString lastError() const { return m_lastError; }

public slots:
    // Listens on host:port (0 = any free port); a host other than loopback needs an API key. A running
    // server is stopped first. False with lastError set when it cannot listen.
    bool start(const QString& host, int port, const QString& apiKey);
    // Stops listening; the server's running and queued jobs are cancelled. Waits at most half a second: jobs
    // queued behind a chat answer come back later, and the rest of the stop happens on a thread of its own.
    void stop();

signals:
    void runningChanged();
    void lastErrorChanged();

private:
    struct Core;
    void setLastError(const QString& error);

    QPointer<InferenceWorker> m_worker;
    std::shared_ptr<Core> m_core;
    std::unique_ptr<server::HttpServer> m_http;
    // Stopped servers finishing on threads of their own: their handlers wait for their cancelled jobs to come
    // back from the inference thread, which may be busy with a chat answer, and the GUI thread must not wait.
    std::vector<std::future<void>> m_retiring;
    QString m_host;
    int m_port = 0;
    QString m_lastError;
};

}  // namespace lantern::service
