#include "service/engine/engineprocess.h"

#include <QCborArray>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>
#include <QProcess>
#include <QRandomGenerator>

#include <csignal>
#include <cstring>

#include "base/strformat.h"
#include "service/engine/protocol.h"

namespace lantern::service {

using namespace engineproc;

namespace {

constexpr int kPollMs = 20;

std::string signalName(int signal) {
#ifdef _WIN32
    (void)signal;
    return {};
#else
    const char* name = ::strsignal(signal);
    return name ? std::string(name) : std::string();
#endif
}

// One engine process and the connection to it. Destroying it ends the process.
class Connection {
public:
    static Result<std::unique_ptr<Connection>> start(const EngineProcessOptions& options, const QString& fault) {
        std::unique_ptr<Connection> c(new Connection);
        if (auto r = c->launch(options, fault); !r)
            return std::unexpected(r.error());
        return c;
    }

    ~Connection() {
        // The engine ends by itself when the socket closes; a hung one is killed.
        if (m_socket)
            m_socket->abort();
        if (m_process.state() != QProcess::NotRunning && !m_process.waitForFinished(2000)) {
            m_process.kill();
            m_process.waitForFinished(2000);
        }
    }

    // Whether the process still runs and its socket is open (a kill while idle shows here).
    bool alive() {
        if (m_socket)
            m_socket->waitForReadyRead(0);  // lets the socket notice a closed peer
        return m_process.state() == QProcess::Running && m_socket &&
               m_socket->state() == QLocalSocket::ConnectedState;
    }

    void send(const QCborMap& m) {
        if (m_socket && m_socket->state() == QLocalSocket::ConnectedState) {
            m_socket->write(encodeFrame(m));
            m_socket->flush();
        }
    }

    // The next message from the engine, waiting at most watchdogMs of silence; `poll` runs every few ms (to send
    // a cancel). An error means the process is gone or was stopped (Errc::EngineStopped, detail says why).
    Result<QCborMap> next(int watchdogMs, const std::function<void()>& poll) {
        QElapsedTimer silence;
        silence.start();
        for (;;) {
            m_reader.append(m_socket->readAll());
            auto frame = m_reader.take();
            if (!frame)
                return stop(frame.error().detail);
            if (*frame)
                return std::move(**frame);
            if (m_socket->state() != QLocalSocket::ConnectedState || m_process.state() == QProcess::NotRunning) {
                m_reader.append(m_socket->readAll());
                if (auto last = m_reader.take(); last && *last)
                    return std::move(**last);
                return stop(exitSentence());
            }
            if (poll)
                poll();
            if (silence.elapsed() > watchdogMs)
                return stop(lantern::format("The GPU driver stopped responding: the engine gave no sign of life "
                                            "for {} s, so Lantern stopped it.", (watchdogMs + 999) / 1000));
            if (m_socket->waitForReadyRead(kPollMs))
                silence.restart();
        }
    }

private:
    Connection() = default;

    Result<void> launch(const EngineProcessOptions& options, const QString& fault) {
        const QString program = options.program.isEmpty() ? defaultEngineProgram() : options.program;
        if (program.isEmpty() || !QFileInfo(program).isExecutable())
            return fail(Errc::Internal, "The engine program lantern-engine was not found next to Lantern (" +
                                                 program.toStdString() + "); reinstall Lantern.");
        static std::atomic<int> counter{0};
        const QString name = QStringLiteral("lantern-engine-%1-%2-%3")
                                 .arg(QCoreApplication::applicationPid())
                                 .arg(counter.fetch_add(1))
                                 .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
        m_server.setSocketOptions(QLocalServer::UserAccessOption);  // only this user may connect
        if (!m_server.listen(name))
            return fail(Errc::Internal, "Lantern could not open the local socket for its engine (" +
                                                 m_server.errorString().toStdString() + ").");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("LANTERN_ENGINE_FAULT"));
        if (!fault.isEmpty())
            env.insert(QStringLiteral("LANTERN_ENGINE_FAULT"), fault);
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::ForwardedChannels);
        m_process.setInputChannelMode(QProcess::ForwardedInputChannel);
        m_process.start(program, {QStringLiteral("--connect"), m_server.fullServerName()});
        if (!m_process.waitForStarted(options.startTimeoutMs))
            return fail(Errc::Internal, "The engine program " + program.toStdString() + " could not be started (" +
                                                 m_process.errorString().toStdString() + ").");
        QElapsedTimer waited;
        waited.start();
        while (!m_socket) {
            bool timedOut = false;
            if (m_server.waitForNewConnection(50, &timedOut)) {
                m_socket = m_server.nextPendingConnection();
                break;
            }
            if (m_process.state() == QProcess::NotRunning)
                return fail(Errc::Internal, "The engine process ended as it started. " + exitSentence());
            if (waited.elapsed() > options.startTimeoutMs)
                return fail(Errc::Internal, lantern::format("The engine process did not connect within {} s.",
                                                                 options.startTimeoutMs / 1000));
        }
        m_server.close();  // one engine per server
        QCborMap hello = message(QStringLiteral("hello"));
        hello.insert(QStringLiteral("version"), kProtocolVersion);
        send(hello);
        auto answer = next(options.startTimeoutMs, {});
        if (!answer)
            return std::unexpected(answer.error());
        if (answer->value(QStringLiteral("type")).toString() != QLatin1String("hello") ||
            answer->value(QStringLiteral("version")).toInteger() != kProtocolVersion)
            return fail(Errc::Internal, lantern::format("The engine program {} speaks another protocol version "
                                                             "({}; Lantern speaks {}); reinstall Lantern.",
                                                             program.toStdString(),
                                                             answer->value(QStringLiteral("version")).toInteger(),
                                                             kProtocolVersion));
        return {};
    }

    std::string exitSentence() {
        if (m_process.state() != QProcess::NotRunning && !m_process.waitForFinished(2000)) {
            m_process.kill();
            m_process.waitForFinished(2000);
            return "The engine closed its connection and was stopped.";
        }
        const int code = m_process.exitCode();
        if (m_process.exitStatus() == QProcess::CrashExit) {
#ifndef _WIN32
            if (code == SIGKILL)
                return "The system stopped the engine (signal 9), usually because memory ran out.";
            const std::string name = signalName(code);
            return lantern::format("The engine crashed (signal {}{}), which is usually the GPU driver.", code,
                                   name.empty() ? std::string() : ", " + name);
#else
            return lantern::format("The engine crashed (code {}), which is usually the GPU driver.", code);
#endif
        }
        return lantern::format("The engine ended unexpectedly (exit code {}).", code);
    }

    std::unexpected<Error> stop(std::string why) {
        if (m_socket)
            m_socket->abort();
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(2000);
        }
        return std::unexpected(Error{Errc::EngineStopped, std::move(why)});
    }

    QLocalServer m_server;
    QProcess m_process;
    QLocalSocket* m_socket = nullptr;  // owned by m_server
    FrameReader m_reader;
};

class ProcessModel final : public Model {
public:
    ProcessModel(std::filesystem::path path, LoadOptions options, EngineProcessOptions processOptions)
        : m_path(std::move(path)), m_options(std::move(options)), m_processOptions(std::move(processOptions)) {
        m_options.progress = nullptr;
        m_options.cancel = nullptr;
    }

    const ModelInfo& info() const override { return m_info; }
    std::unique_ptr<Session> newSession() override;

    // The first load: progress and cancel as Engine::load has them; the first process gets the injected fault.
    Result<void> firstLoad(const LoadOptions& caller) {
        if (auto r = launch(m_processOptions.fault); !r)
            return r;
        return awaitLoaded(caller.progress, caller.cancel, true);
    }

    // The running engine with the model loaded, starting one or waiting for a reload as needed. A cancel while
    // waiting gives Errc::Cancelled and lets the reload go on.
    Result<Connection*> ready(const std::atomic<bool>& cancel) {
        // Gone while nobody was asking (killed by the system while idle): start again quietly, no answer was lost.
        if (m_connection && !m_loading && !m_connection->alive())
            m_connection.reset();
        if (!m_connection)
            if (auto r = launch(restartFault()); !r)
                return std::unexpected(r.error());
        if (m_loading)
            if (auto r = awaitLoaded({}, &cancel, false); !r)
                return std::unexpected(r.error());
        return m_connection.get();
    }

    // The engine failed: end the process, start the next one loading the model (unless it failed too often), and
    // give the error the request in flight returns.
    Error fault(std::string why) {
        m_connection.reset();
        m_loading = false;
        if (++m_faults > m_processOptions.maxRestarts)
            return Error{Errc::DeviceLost, lantern::format("{} The engine stopped {} times in a row, so Lantern did not "
                                                           "start it again.", why, m_faults)};
        if (auto r = launch(restartFault()); !r)
            return Error{Errc::DeviceLost, why + " " + r.error().detail};
        return Error{Errc::EngineStopped, std::move(why)};
    }

    void completed() { m_faults = 0; }
    quint64 epoch() const { return m_epoch; }
    quint64 nextRequest() { return ++m_request; }
    qint64 nextSessionId() { return ++m_sessions; }
    Connection* connection() const { return m_loading ? nullptr : m_connection.get(); }
    int watchdogMs() const { return m_processOptions.watchdogMs; }

private:
    QString restartFault() const { return m_processOptions.faultOnRestarts ? m_processOptions.fault : QString(); }

    Result<void> launch(const QString& fault) {
        auto c = Connection::start(m_processOptions, fault);
        if (!c)
            return std::unexpected(c.error());
        m_connection = std::move(*c);
        ++m_epoch;
        m_loadRequest = nextRequest();
        QCborMap load = message(QStringLiteral("load"));
        load.insert(QStringLiteral("request"), static_cast<qint64>(m_loadRequest));
        load.insert(QStringLiteral("path"), QString::fromStdString(m_path.string()));
        load.insert(QStringLiteral("options"), toCbor(m_options));
        m_connection->send(load);
        m_loading = true;
        return {};
    }

    Result<void> awaitLoaded(const std::function<void(float, std::string_view)>& progress,
                             const std::atomic<bool>* cancel, bool cancelLoads) {
        bool cancelSent = false;
        for (;;) {
            auto m = m_connection->next(m_processOptions.watchdogMs, [&] {
                if (!cancel || !cancel->load() || cancelSent)
                    return;
                cancelSent = true;
                if (cancelLoads) {
                    QCborMap c = message(QStringLiteral("cancelLoad"));
                    c.insert(QStringLiteral("request"), static_cast<qint64>(m_loadRequest));
                    m_connection->send(c);
                }
            });
            if (!m) {
                m_connection.reset();
                m_loading = false;
                return fail(Errc::DeviceLost, "The engine stopped while loading " + m_path.filename().string() +
                                                  ". " + m.error().detail);
            }
            if (!cancelLoads && cancelSent)
                return fail(Errc::Cancelled, "Cancelled while the engine was loading the model again.");
            const QString type = m->value(QStringLiteral("type")).toString();
            if (type == QLatin1String("progress")) {
                if (progress)
                    progress(static_cast<float>(m->value(QStringLiteral("value")).toDouble()),
                             m->value(QStringLiteral("stage")).toString().toStdString());
            } else if (type == QLatin1String("loaded")) {
                m_info = modelInfoFrom(m->value(QStringLiteral("info")).toMap());
                m_loading = false;
                return {};
            } else if (type == QLatin1String("failed")) {
                m_connection.reset();
                m_loading = false;
                return std::unexpected(errorFrom(m->value(QStringLiteral("error")).toMap()));
            }
        }
    }

    std::filesystem::path m_path;
    LoadOptions m_options;
    EngineProcessOptions m_processOptions;
    ModelInfo m_info;
    std::unique_ptr<Connection> m_connection;
    bool m_loading = false;
    quint64 m_epoch = 0;       // bumped for each engine process
    quint64 m_request = 0;
    quint64 m_loadRequest = 0;
    qint64 m_sessions = 0;
    int m_faults = 0;          // in a row, with no request completed in between
};

class ProcessSession final : public Session {
public:
    explicit ProcessSession(ProcessModel& model) : m_model(model), m_id(model.nextSessionId()) {}

    ~ProcessSession() override {
        if (Connection* c = m_model.connection(); c && m_epoch == m_model.epoch())
            c->send(sessionMessage(QStringLiteral("closeSession")));
    }

    Result<GenerateStats> generate(std::span<const ChatMessage> messages, const GenerateOptions& options,
                                   const std::function<void(std::string_view piece)>& onText,
                                   const std::atomic<bool>& cancel) override {
        auto answer = request(QStringLiteral("generate"), messages, options, cancel, [&](const QCborMap& m) {
            const QByteArray piece = m.value(QStringLiteral("piece")).toString().toUtf8();
            onText(std::string_view(piece.constData(), static_cast<size_t>(piece.size())));
        });
        if (!answer)
            return std::unexpected(answer.error());
        return statsFrom(answer->value(QStringLiteral("stats")).toMap());
    }

    Result<uint32_t> countTokens(std::span<const ChatMessage> messages, const GenerateOptions& options) override {
        const std::atomic<bool> never{false};
        auto answer = request(QStringLiteral("count"), messages, options, never, {});
        if (!answer)
            return std::unexpected(answer.error());
        return static_cast<uint32_t>(answer->value(QStringLiteral("tokens")).toInteger());
    }

    void reset() override {
        if (Connection* c = m_model.connection(); c && m_epoch == m_model.epoch())
            c->send(sessionMessage(QStringLiteral("reset")));
    }

private:
    QCborMap sessionMessage(const QString& type) const {
        QCborMap m = message(type);
        m.insert(QStringLiteral("session"), m_id);
        return m;
    }

    // Sends one request and reads until its answer ("done", "counted" or "failed"), handing "text" to onText.
    Result<QCborMap> request(const QString& type, std::span<const ChatMessage> messages,
                             const GenerateOptions& options, const std::atomic<bool>& cancel,
                             const std::function<void(const QCborMap&)>& onText) {
        auto c = m_model.ready(cancel);
        if (!c)
            return std::unexpected(c.error());
        Connection* connection = *c;
        if (m_epoch != m_model.epoch()) {  // a new engine process: this session is new there
            connection->send(sessionMessage(QStringLiteral("newSession")));
            m_epoch = m_model.epoch();
        }
        const quint64 id = m_model.nextRequest();
        QCborMap m = sessionMessage(type);
        m.insert(QStringLiteral("request"), static_cast<qint64>(id));
        m.insert(QStringLiteral("messages"), toCbor(messages));
        m.insert(QStringLiteral("options"), toCbor(options));
        connection->send(m);
        bool cancelSent = false;
        for (;;) {
            auto answer = connection->next(m_model.watchdogMs(), [&] {
                if (cancelSent || !cancel.load())
                    return;
                cancelSent = true;
                QCborMap stop = message(QStringLiteral("cancel"));
                stop.insert(QStringLiteral("request"), static_cast<qint64>(id));
                connection->send(stop);
            });
            if (!answer)
                return std::unexpected(m_model.fault(answer.error().detail));
            const QString kind = answer->value(QStringLiteral("type")).toString();
            if (kind == QLatin1String("text")) {
                if (onText)
                    onText(*answer);
                continue;
            }
            if (kind == QLatin1String("failed")) {
                Error e = errorFrom(answer->value(QStringLiteral("error")).toMap());
                if (e.code == Errc::DeviceLost)  // the device is gone for this process; a new one gets a new device
                    return std::unexpected(m_model.fault("The GPU driver stopped responding. " + e.detail));
                return std::unexpected(std::move(e));
            }
            if (kind == QLatin1String("done") || kind == QLatin1String("counted")) {
                m_model.completed();
                return std::move(*answer);
            }
        }
    }

    ProcessModel& m_model;
    qint64 m_id;
    quint64 m_epoch = 0;  // the engine process this session exists in (0 = none yet)
};

std::unique_ptr<Session> ProcessModel::newSession() { return std::make_unique<ProcessSession>(*this); }

}  // namespace

EngineProcessOptions engineProcessOptionsFromEnvironment() {
    EngineProcessOptions o;
    o.fault = qEnvironmentVariable("LANTERN_ENGINE_FAULT");
    bool ok = false;
    const int watchdog = qEnvironmentVariableIntValue("LANTERN_ENGINE_WATCHDOG_MS", &ok);
    if (ok && watchdog > 0)
        o.watchdogMs = watchdog;
    return o;
}

QString defaultEngineProgram() {
#ifdef _WIN32
    const QString name = QStringLiteral("lantern-engine.exe");
#else
    const QString name = QStringLiteral("lantern-engine");
#endif
    const QString path = QDir(QCoreApplication::applicationDirPath()).filePath(name);
    return QFileInfo(path).isExecutable() ? path : QString();
}

Result<std::unique_ptr<Model>> loadInEngineProcess(const std::filesystem::path& path, const LoadOptions& options,
                                                   const EngineProcessOptions& processOptions) {
    auto model = std::make_unique<ProcessModel>(path, options, processOptions);
    if (auto r = model->firstLoad(options); !r)
        return std::unexpected(r.error());
    return std::unique_ptr<Model>(std::move(model));
}

ModelLoader defaultModelLoader() {
    if (qEnvironmentVariableIntValue("LANTERN_ENGINE_IN_PROCESS") == 1 || defaultEngineProgram().isEmpty())
        return [](const std::filesystem::path& path, const LoadOptions& options) { return Engine::load(path, options); };
    return [](const std::filesystem::path& path, const LoadOptions& options) {
        return loadInEngineProcess(path, options, engineProcessOptionsFromEnvironment());
    };
}

}  // namespace lantern::service
