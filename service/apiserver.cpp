#include "service/apiserver.h"

#include <QMetaObject>

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

#include "server/httpserver.h"
#include "server/protocol.h"
#include "server/scheduler.h"
#include "service/inferenceworker.h"

namespace lantern::service {

namespace {

// The model's thread as the scheduler sees it: the worker's event loop. Each posted call holds `keep` (the
// Core), so the scheduler it calls is alive whenever it runs, even after the ApiServer is gone.
class WorkerHost final : public server::ModelHost {
public:
    explicit WorkerHost(InferenceWorker* worker) : m_worker(worker) {}
    void post(std::function<void()> work) override {
        QMetaObject::invokeMethod(
            m_worker, [keep = self.lock(), work = std::move(work)] { work(); }, Qt::QueuedConnection);
    }
    std::weak_ptr<void> self;  // the Core this host belongs to

private:
    InferenceWorker* m_worker;  // outlives every post: posts go to its event queue
};

bool isLoopback(const QString& host) { return server::HttpServer::isLoopbackAddress(host.toStdString()); }

}  // namespace

struct ApiServer::Core {
    explicit Core(InferenceWorker* worker) : host(worker), scheduler(host) {}
    WorkerHost host;
    server::Scheduler scheduler;
};

ApiServer::ApiServer(InferenceWorker* worker, QObject* parent)
    : QObject(parent), m_worker(worker), m_core(std::make_shared<Core>(worker)) {
    m_core->host.self = m_core;
    using server::ServedModel;
    const std::weak_ptr<Core> weak = m_core;
    // The worker emits these on its thread; DirectConnection runs them there, where setModel must be called.
    // The worker is their context (not this object), so the model is still taken back from a scheduler that
    // outlives this object in a queued call.
    connect(
        worker, &InferenceWorker::modelReleasing, worker,
        [weak] {
            if (auto core = weak.lock())
                core->scheduler.setModel(nullptr, {});
        },
        Qt::DirectConnection);
    connect(
        worker, &InferenceWorker::modelLoaded, worker,
        [weak, worker](const LoadedModel& loaded) {
            if (auto core = weak.lock())
                core->scheduler.setModel(worker->model(), server::modelIdFor(loaded.path.toStdString()));
        },
        Qt::DirectConnection);
    connect(
        worker, &InferenceWorker::loadProgress, worker,
        [weak](double progress, const QString&) {
            auto core = weak.lock();
            // The worker does not say which file; /health only says "loading".
            if (core && progress < 1.0 && core->scheduler.served().state != ServedModel::State::Loading)
                core->scheduler.setLoading({});
        },
        Qt::DirectConnection);
    connect(
        worker, &InferenceWorker::modelLoadFailed, worker,
        [weak](const QString&, const QString& message) {
            if (auto core = weak.lock())
                core->scheduler.setFailed(message.toStdString());
        },
        Qt::DirectConnection);
    // A model loaded before this object existed (the worker starts loading while the window appears).
    m_core->host.post([weak, worker] {
        auto core = weak.lock();
        if (!core || worker->model() == nullptr || core->scheduler.served().state == ServedModel::State::Ready)
            return;
        const std::string path = worker->model()->info().path.string();
        core->scheduler.setModel(worker->model(), server::modelIdFor(path.empty() ? "model" : path));
    });
}

ApiServer::~ApiServer() {
    stop();
    for (std::future<void>& retiring : m_retiring)
        retiring.wait();  // their handlers use the scheduler
    if (!m_worker)
        return;  // the model went with the worker, and modelReleasing dropped the sessions
    // After every call posted before it: the server's sessions go on the inference thread, and with the last
    // reference so does the Core.
    QMetaObject::invokeMethod(
        m_worker.data(), [core = std::move(m_core)] { core->scheduler.setModel(nullptr, {}); }, Qt::QueuedConnection);
}

QString ApiServer::url() const {
    if (!running())
        return {};
    // A server on every address is reached from this computer through loopback.
    const bool any = m_host == QLatin1String("0.0.0.0") || m_host == QLatin1String("::");
    const QString host = any                                 ? QStringLiteral("127.0.0.1")
                         : m_host.contains(QLatin1Char(':')) ? QStringLiteral("[%1]").arg(m_host)
                                                             : m_host;
    return QStringLiteral("http://%1:%2/v1").arg(host).arg(m_port);
}

void ApiServer::setLastError(const QString& error) {
    if (error == m_lastError)
        return;
    m_lastError = error;
    emit lastErrorChanged();
}

bool ApiServer::start(const QString& host, int port, const QString& apiKey) {
    stop();
    if (!isLoopback(host) && apiKey.isEmpty()) {
        setLastError(tr("Other devices may only use the API server with an API key. Generate a key, or allow "
                        "only this computer."));
        return false;
    }
    server::ServerOptions options;
    options.host = host.toStdString();
    options.port = port;
    options.apiKey = apiKey.toStdString();
    auto http = std::make_unique<server::HttpServer>(m_core->scheduler, options);
    auto bound = http->start();
    // A server stopped just before (a new key, say) may not have closed its socket yet: it stops on its own thread.
    const auto stillRetiring = [this] {
        return std::any_of(m_retiring.begin(), m_retiring.end(), [](const std::future<void>& f) {
            return f.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
        });
    };
    for (int tries = 0; !bound && tries < 50 && stillRetiring(); ++tries) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        http = std::make_unique<server::HttpServer>(m_core->scheduler, options);
        bound = http->start();
    }
    if (!bound) {
        setLastError(tr("The API server could not listen on port %1: another program may be using it. Choose "
                        "another port.").arg(port));
        return false;
    }
    // cpp-httplib's stop() does nothing until its thread has begun to listen, and HttpServer::stop() would then
    // wait for ever: a stop() right after this start() must find it listening.
    for (int waited = 0; !http->running() && waited < 2000; ++waited)
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    m_http = std::move(http);
    m_host = host;
    m_port = *bound;
    setLastError({});
    emit runningChanged();
    return true;
}

void ApiServer::stop() {
    if (!m_http)
        return;
    m_core->scheduler.cancelAll();
    std::erase_if(m_retiring, [](const std::future<void>& f) {
        return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    });
    m_retiring.push_back(std::async(std::launch::async, [http = std::move(m_http), core = m_core]() mutable {
        http->stop();
        http.reset();  // before `core`, whose scheduler it uses
    }));
    // As a rule nothing holds it up and it is done at once; then the port is free when stop() returns.
    m_retiring.back().wait_for(std::chrono::milliseconds(500));
    m_port = 0;
    emit runningChanged();
    // The server's KV caches are not needed while it is off; the model stays served to the next start.
    if (m_worker) {
        QMetaObject::invokeMethod(
            m_worker.data(),
            [core = m_core, worker = m_worker.data()] {
                const server::ServedModel served = core->scheduler.served();
                if (served.state == server::ServedModel::State::Ready && worker->model() != nullptr)
                    core->scheduler.setModel(worker->model(), served.id);
            },
            Qt::QueuedConnection);
    }
}

}  // namespace lantern::service
