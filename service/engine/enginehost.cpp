#include "service/engine/enginehost.h"

#include <QCborArray>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLocalSocket>
#include <QThread>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "service/engine/protocol.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace lantern::service {

using namespace engineproc;

namespace {

struct Fault {
    enum class Kind { None, Crash, DeviceLost, Hang, Kill } kind = Kind::None;
    int atPiece = 0;
};

Fault parseFault(const QString& text) {
    const QStringList parts = text.split(QLatin1Char(':'));
    Fault f;
    if (parts.size() != 2)
        return f;
    bool ok = false;
    f.atPiece = parts[1].toInt(&ok);
    if (!ok || f.atPiece < 1)
        return {};
    const QString kind = parts[0].trimmed();
    if (kind == QLatin1String("crash"))
        f.kind = Fault::Kind::Crash;
    else if (kind == QLatin1String("device-lost"))
        f.kind = Fault::Kind::DeviceLost;
    else if (kind == QLatin1String("hang"))
        f.kind = Fault::Kind::Hang;
    else if (kind == QLatin1String("kill"))
        f.kind = Fault::Kind::Kill;
    return f;
}

[[noreturn]] void crashNow() {
#ifdef _WIN32
    std::abort();
#else
    std::signal(SIGSEGV, SIG_DFL);
    std::raise(SIGSEGV);
    std::abort();
#endif
}

[[noreturn]] void killNow() {
#ifdef _WIN32
    TerminateProcess(GetCurrentProcess(), 9);
    std::_Exit(9);
#else
    ::kill(::getpid(), SIGKILL);
    std::_Exit(9);
#endif
}

class EngineHost : public QObject {
public:
    explicit EngineHost(EngineHostOptions options) : m_options(std::move(options)), m_fault(parseFault(m_options.fault)) {
        if (!m_options.loader)
            m_options.loader = [](const std::filesystem::path& p, const LoadOptions& o) { return Engine::load(p, o); };
        connect(&m_socket, &QLocalSocket::readyRead, this, &EngineHost::onReadyRead);
        // The app is gone (closed, crashed, or it gave up on us): nothing here is worth finishing.
        connect(&m_socket, &QLocalSocket::disconnected, this, [] { std::_Exit(0); });
        m_thread = std::thread([this] { engineLoop(); });
    }

    ~EngineHost() override {
        {
            std::lock_guard lock(m_mutex);
            m_quit = true;
        }
        m_cancel.store(true);
        m_cancelLoad.store(true);
        m_wake.notify_all();
        if (m_thread.joinable())
            m_thread.join();
    }

    bool connectTo(const QString& name) {
        m_socket.connectToServer(name);
        if (!m_socket.waitForConnected(10000)) {
            std::fprintf(stderr, "lantern-engine: cannot connect to %s: %s\n", qPrintable(name),
                         qPrintable(m_socket.errorString()));
            return false;
        }
        QCborMap hello = message(QStringLiteral("hello"));
        hello.insert(QStringLiteral("version"), kProtocolVersion);
        hello.insert(QStringLiteral("pid"), QCoreApplication::applicationPid());
        send(hello);
        return true;
    }

private:
    void send(const QCborMap& m) { m_socket.write(encodeFrame(m)); }
    // From the engine thread: the socket belongs to the main thread.
    void post(QCborMap m) {
        QMetaObject::invokeMethod(this, [this, m = std::move(m)] { send(m); }, Qt::QueuedConnection);
    }
    void postFailure(const Error& e) {
        QCborMap m = message(QStringLiteral("failed"));
        m.insert(QStringLiteral("error"), toCbor(e));
        post(std::move(m));
    }

    void onReadyRead() {
        m_reader.append(m_socket.readAll());
        for (;;) {
            auto next = m_reader.take();
            if (!next) {
                std::fprintf(stderr, "lantern-engine: %s\n", next.error().detail.c_str());
                std::_Exit(3);
            }
            if (!*next)
                return;
            dispatch(**next);
        }
    }

    void dispatch(const QCborMap& m) {
        const QString type = m.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("hello")) {
            if (m.value(QStringLiteral("version")).toInteger() != kProtocolVersion) {
                std::fprintf(stderr, "lantern-engine: the app speaks protocol version %lld, this engine %d\n",
                             static_cast<long long>(m.value(QStringLiteral("version")).toInteger()), kProtocolVersion);
                std::_Exit(2);
            }
            return;
        }
        if (type == QLatin1String("cancel") || type == QLatin1String("cancelLoad")) {
            // A cancel may overtake the request it is for; the engine thread checks the number when it starts.
            const quint64 request = static_cast<quint64>(m.value(QStringLiteral("request")).toInteger());
            quint64 seen = m_cancelledUpTo.load();
            while (seen < request && !m_cancelledUpTo.compare_exchange_weak(seen, request)) {
            }
            if (m_running.load() <= request) {
                m_cancel.store(true);
                m_cancelLoad.store(true);
            }
            return;
        }
        {
            std::lock_guard lock(m_mutex);
            m_jobs.push_back(m);
        }
        m_wake.notify_one();
    }

    void engineLoop() {
        for (;;) {
            QCborMap job;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [&] { return m_quit || !m_jobs.empty(); });
                if (m_quit)
                    return;
                job = std::move(m_jobs.front());
                m_jobs.pop_front();
            }
            run(job);
        }
    }

    void startRequest(const QCborMap& job) {
        const quint64 request = static_cast<quint64>(job.value(QStringLiteral("request")).toInteger());
        m_running.store(request);
        const bool cancelled = request != 0 && request <= m_cancelledUpTo.load();
        m_cancel.store(cancelled);
        m_cancelLoad.store(cancelled);
    }

    Session* session(const QCborMap& job) {
        auto it = m_sessions.find(job.value(QStringLiteral("session")).toInteger());
        return it == m_sessions.end() ? nullptr : it->second.get();
    }

    void run(const QCborMap& job) {
        const QString type = job.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("load"))
            return load(job);
        if (type == QLatin1String("newSession")) {
            if (m_model)
                m_sessions[job.value(QStringLiteral("session")).toInteger()] = m_model->newSession();
            return;
        }
        if (type == QLatin1String("closeSession")) {
            m_sessions.erase(job.value(QStringLiteral("session")).toInteger());
            return;
        }
        if (type == QLatin1String("reset")) {
            if (Session* s = session(job))
                s->reset();
            return;
        }
        Session* s = session(job);
        if (type == QLatin1String("generate") || type == QLatin1String("count")) {
            startRequest(job);
            if (!s)
                return postFailure({Errc::Internal, "The engine has no such session (no model is loaded)."});
            const auto messages = messagesFrom(job.value(QStringLiteral("messages")).toArray());
            const auto options = generateOptionsFrom(job.value(QStringLiteral("options")).toMap());
            if (type == QLatin1String("count")) {
                auto count = s->countTokens(messages, options);
                if (!count)
                    return postFailure(count.error());
                QCborMap m = message(QStringLiteral("counted"));
                m.insert(QStringLiteral("tokens"), static_cast<qint64>(*count));
                return post(std::move(m));
            }
            return generate(*s, messages, options);
        }
        std::fprintf(stderr, "lantern-engine: unknown request '%s' ignored\n", qPrintable(type));
    }

    void load(const QCborMap& job) {
        startRequest(job);
        m_sessions.clear();
        m_model.reset();
        LoadOptions options = loadOptionsFrom(job.value(QStringLiteral("options")).toMap());
        options.cancel = &m_cancelLoad;
        QElapsedTimer since;
        since.start();
        options.progress = [&](float value, std::string_view stage) {
            if (since.elapsed() < 100 && value < 1.0f)
                return;
            since.restart();
            QCborMap m = message(QStringLiteral("progress"));
            m.insert(QStringLiteral("value"), value);
            m.insert(QStringLiteral("stage"), QString::fromUtf8(stage.data(), static_cast<qsizetype>(stage.size())));
            post(std::move(m));
        };
        const std::string path = job.value(QStringLiteral("path")).toString().toStdString();
        auto model = m_options.loader(std::filesystem::path(path), options);
        if (!model)
            return postFailure(model.error());
        m_model = std::move(*model);
        QCborMap m = message(QStringLiteral("loaded"));
        m.insert(QStringLiteral("info"), toCbor(m_model->info()));
        post(std::move(m));
    }

    void generate(Session& s, const std::vector<ChatMessage>& messages, const GenerateOptions& options) {
        int pieces = 0;
        bool deviceLost = false;
        auto onText = [&](std::string_view piece) {
            QCborMap m = message(QStringLiteral("text"));
            m.insert(QStringLiteral("piece"), QString::fromUtf8(piece.data(), static_cast<qsizetype>(piece.size())));
            post(std::move(m));
            if (m_fault.kind == Fault::Kind::None || ++pieces != m_fault.atPiece)
                return;
            switch (m_fault.kind) {
            case Fault::Kind::Crash: crashNow();
            case Fault::Kind::Kill: killNow();
            case Fault::Kind::Hang:
                for (;;)
                    std::this_thread::sleep_for(std::chrono::hours(1));
            case Fault::Kind::DeviceLost:
                deviceLost = true;
                m_cancel.store(true);
                break;
            case Fault::Kind::None: break;
            }
        };
        auto stats = s.generate(messages, options, onText, m_cancel);
        if (deviceLost)
            return postFailure({Errc::DeviceLost, "The device was lost during the answer (VK_ERROR_DEVICE_LOST, "
                                                  "injected by LANTERN_ENGINE_FAULT)."});
        if (!stats)
            return postFailure(stats.error());
        QCborMap m = message(QStringLiteral("done"));
        m.insert(QStringLiteral("stats"), toCbor(*stats));
        post(std::move(m));
    }

    EngineHostOptions m_options;
    Fault m_fault;
    QLocalSocket m_socket;
    FrameReader m_reader;
    // Engine thread state: touched only by engineLoop and what it calls.
    std::unique_ptr<Model> m_model;
    std::map<qint64, std::unique_ptr<Session>> m_sessions;
    // Shared with the main thread.
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_cancelLoad{false};
    std::atomic<quint64> m_running{0};
    std::atomic<quint64> m_cancelledUpTo{0};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<QCborMap> m_jobs;
    bool m_quit = false;
    std::thread m_thread;  // last: started once everything above exists
};

}  // namespace

int runEngineHost(const QString& serverName, EngineHostOptions options) {
    EngineHost host(std::move(options));
    if (!host.connectTo(serverName))
        return 1;
    return QCoreApplication::exec();
}

}  // namespace lantern::service
