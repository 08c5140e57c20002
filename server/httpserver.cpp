// The OpenAI-compatible HTTP server (httpserver.h) over cpp-httplib.
#include "server/httpserver.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>

#include "server/protocol.h"
#include "server/scheduler.h"

namespace lantern::server {

namespace {

using Clock = std::chrono::steady_clock;

// What one request's generation hands from the model's thread to the handler's.
struct Channel {
    std::mutex mutex;
    std::condition_variable changed;
    std::string text;  // not yet sent
    bool started = false;
    bool done = false;
    std::optional<Result<GenerateStats>> result;
    std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
};

int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string replyId(bool chat) {
    static std::atomic<uint64_t> counter{0};
    static const uint64_t salt = [] {
        std::random_device rd;
        return (uint64_t(rd()) << 32) ^ rd();
    }();
    char buf[48];
    std::snprintf(buf, sizeof(buf), "%s-%016llx%06llx", chat ? "chatcmpl" : "cmpl",
                  static_cast<unsigned long long>(salt), static_cast<unsigned long long>(++counter));
    return buf;
}

void sendError(httplib::Response& res, const ApiError& e) {
    res.status = e.status;
    res.set_content(errorJson(e), "application/json");
}

ApiError statusError(int status) {
    switch (status) {
    case 400: return {400, "The request could not be read.", "invalid_request_error", "", ""};
    case 401: return {401, "A valid API key is required (Authorization: Bearer KEY).", "invalid_request_error", "", "invalid_api_key"};
    case 404: return {404, "No such endpoint. Lantern serves /health, /v1/models, /v1/chat/completions and /v1/completions.", "invalid_request_error", "", "not_found"};
    case 405: return {405, "Method not allowed.", "invalid_request_error", "", ""};
    case 413: return {413, "The request body is too large.", "invalid_request_error", "", "request_too_large"};
    case 414: return {414, "The request URI is too long.", "invalid_request_error", "", ""};
    default: return {status, "The server could not handle the request.", status >= 500 ? "server_error" : "invalid_request_error", "", ""};
    }
}

// An engine error as the API reports it.
ApiError engineError(const Error& e) {
    if (e.code == Errc::ContextOverflow) {
        return {400, e.detail, "invalid_request_error", "messages", "context_length_exceeded"};
    }
    if (e.code == Errc::InvalidArgument || e.code == Errc::TemplateError) {
        return {400, e.detail, "invalid_request_error", "", ""};
    }
    return {500, std::string(errcName(e.code)) + ": " + e.detail, "server_error", "", ""};
}

// The host part of a Host header ("localhost:8080", "[::1]:8080").
std::string hostOnly(std::string host) {
    if (!host.empty() && host.front() == '[') {
        const size_t close = host.find(']');
        return close == std::string::npos ? host : host.substr(1, close - 1);
    }
    const size_t colon = host.find(':');
    return colon == std::string::npos ? host : host.substr(0, colon);
}

bool equalConstantTime(const std::string& a, const std::string& b) {
    unsigned diff = unsigned(a.size() ^ b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        diff |= unsigned(uint8_t(a[i]) ^ uint8_t(b[i % std::max<size_t>(b.size(), 1)]));
    }
    return diff == 0;
}

// Whether the client has gone, by whatever this cpp-httplib offers: 0.11 (Debian 12) has DataSink::is_writable,
// later releases dropped it (yhirose/cpp-httplib#1483) for Request::is_connection_closed.
template <class Req>
bool requestGone(const Req& req) {
    if constexpr (requires { req.is_connection_closed(); }) {
        return req.is_connection_closed && req.is_connection_closed();
    } else {
        return false;
    }
}
template <class Sink, class Req>
bool clientGone(Sink& sink, const Req& req) {
    if constexpr (requires { sink.is_writable(); }) {
        if (sink.is_writable && !sink.is_writable()) {
            return true;
        }
    }
    return requestGone(req);
}

std::string sse(std::string_view json) {
    std::string s = "data: ";
    s.append(json);
    s.append("\n\n");
    return s;
}

}  // namespace

HttpServer::HttpServer(Scheduler& scheduler, ServerOptions options)
    : m_scheduler(scheduler), m_options(std::move(options)), m_http(std::make_unique<httplib::Server>()) {}

HttpServer::~HttpServer() { stop(); }

bool HttpServer::isLoopbackAddress(const std::string& host) {
    const std::string h = hostOnly(host);
    return h == "localhost" || h == "::1" || h.starts_with("127.");
}

bool HttpServer::running() const { return m_http->is_running(); }

Result<int> HttpServer::start() {
    const bool loopback = isLoopbackAddress(m_options.host);
    if (!loopback && m_options.apiKey.empty()) {
        return fail(Errc::InvalidArgument, "Serving on " + m_options.host +
                                               " makes the model reachable from other machines: set an API key "
                                               "(--api-key) or bind 127.0.0.1.");
    }
    const unsigned threads = std::max(m_options.httpThreads, 2u);
    m_http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    m_http->set_payload_max_length(m_options.maxBodyBytes);
    m_http->set_keep_alive_timeout(5);
    m_http->set_read_timeout(30);
    m_http->set_write_timeout(30);
    m_http->set_tcp_nodelay(true);
    // cpp-httplib's default options add SO_REUSEPORT, with which a second server binds the same port and the
    // two share its connections silently. Only SO_REUSEADDR (a restart binds through TIME_WAIT; it does not let
    // two listeners share a port on Linux or macOS), and on Windows the port exclusively.
    m_http->set_socket_options([](socket_t sock) {
        int yes = 1;
#ifdef _WIN32
        setsockopt(sock, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&yes), sizeof(yes));
#else
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
#endif
    });
    routes();
    const int port = m_options.port == 0 ? m_http->bind_to_any_port(m_options.host)
                                         : (m_http->bind_to_port(m_options.host, m_options.port) ? m_options.port : -1);
    if (port < 0) {
        return fail(Errc::InvalidArgument, "Could not listen on " + m_options.host + ":" + std::to_string(m_options.port) +
                                               " (in use, or not an address of this machine).");
    }
    m_port = port;
    m_thread = std::thread([this] { m_http->listen_after_bind(); });
    // Until its loop runs, cpp-httplib's stop() does nothing (and a stop() then would wait forever).
    const auto until = Clock::now() + std::chrono::seconds(10);
    while (!m_http->is_running() && Clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return port;
}

void HttpServer::stop() {
    if (m_thread.joinable()) {
        m_http->stop();
        m_thread.join();
    }
}

void HttpServer::routes() {
    httplib::Server& http = *m_http;
    const bool loopbackBind = isLoopbackAddress(m_options.host);

    http.set_pre_routing_handler([this, loopbackBind](const httplib::Request& req, httplib::Response& res) {
        if (loopbackBind && !isLoopbackAddress(req.get_header_value("Host"))) {
            sendError(res, {403, "Host '" + req.get_header_value("Host") +
                                     "' is not this machine: a loopback server answers only to localhost "
                                     "(DNS rebinding protection).",
                            "invalid_request_error", "", "host_not_allowed"});
            return httplib::Server::HandlerResponse::Handled;
        }
        const std::string origin = req.get_header_value("Origin");
        if (!origin.empty()) {
            const auto& allowed = m_options.corsOrigins;
            const bool listed = std::find(allowed.begin(), allowed.end(), origin) != allowed.end() ||
                                std::find(allowed.begin(), allowed.end(), "*") != allowed.end();
            if (!listed) {
                sendError(res, {403, "Requests from web pages at " + origin +
                                         " are not allowed; list the origin in the server's settings (--cors).",
                                "invalid_request_error", "", "origin_not_allowed"});
                return httplib::Server::HandlerResponse::Handled;
            }
            res.set_header("Access-Control-Allow-Origin", origin);
            res.set_header("Vary", "Origin");
            if (req.method == "OPTIONS") {
                res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
                res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
                res.set_header("Access-Control-Max-Age", "600");
                res.status = 204;
                return httplib::Server::HandlerResponse::Handled;
            }
        }
        if (!m_options.apiKey.empty() && req.path != "/health") {
            const std::string auth = req.get_header_value("Authorization");
            if (!equalConstantTime(auth, "Bearer " + m_options.apiKey)) {
                sendError(res, statusError(401));
                return httplib::Server::HandlerResponse::Handled;
            }
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
    http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (res.body.empty()) {
            res.set_content(errorJson(statusError(res.status)), "application/json");
        }
    });
    http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        sendError(res, {500, "The server failed while handling the request.", "server_error", "", ""});
    });

    http.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
        const ServedModel m = m_scheduler.served();
        switch (m.state) {
        case ServedModel::State::Ready:
            res.set_content("{\"status\":\"ok\",\"model\":\"" + m.id + "\"}", "application/json");
            return;
        case ServedModel::State::Loading:
            res.status = 503;
            res.set_header("Retry-After", "2");
            res.set_content("{\"status\":\"loading\"}", "application/json");
            return;
        default:
            res.status = 503;
            res.set_content("{\"status\":\"no model\"}", "application/json");
        }
    });
    http.Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
        const ServedModel m = m_scheduler.served();
        std::vector<std::string> ids;
        if (m.state == ServedModel::State::Ready) {
            ids.push_back(m.id);
        }
        res.set_content(modelsJson(ids, unixNow()), "application/json");
    });
    const auto completions = [this](bool chat) {
        return [this, chat](const httplib::Request& req, httplib::Response& res) { complete(req, res, chat); };
    };
    http.Post("/v1/chat/completions", completions(true));
    http.Post("/v1/completions", completions(false));
    // The same routes without /v1, as llama.cpp's server also answers them.
    http.Post("/chat/completions", completions(true));
    http.Post("/completions", completions(false));
}

void HttpServer::complete(const httplib::Request& req, httplib::Response& res, bool chat) {
    auto parsed = parseCompletionRequest(req.body, chat);
    if (!parsed) {
        sendError(res, parsed.error());
        return;
    }
    const ServedModel served = m_scheduler.served();
    if (served.state == ServedModel::State::Loading) {
        res.set_header("Retry-After", "2");
        sendError(res, {503, "The model is still loading.", "server_error", "", "model_loading"});
        return;
    }
    if (served.state != ServedModel::State::Ready) {
        sendError(res, {503, "No model is loaded.", "server_error", "", "no_model"});
        return;
    }
    if (!parsed->model.empty() && parsed->model != served.id) {
        sendError(res, {404, "The model '" + parsed->model + "' is not loaded; this server serves '" + served.id + "'.",
                        "invalid_request_error", "model", "model_not_found"});
        return;
    }
    auto request = std::make_shared<CompletionRequest>(std::move(*parsed));
    auto channel = std::make_shared<Channel>();
    Scheduler::Job job;
    job.messages = request->messages;
    job.options = request->options;
    job.cancel = channel->cancel;
    job.onStart = [channel](uint32_t) {
        const std::lock_guard lock(channel->mutex);
        channel->started = true;
        channel->changed.notify_all();
    };
    job.onText = [channel](std::string_view piece) {
        const std::lock_guard lock(channel->mutex);
        channel->text.append(piece);
        channel->changed.notify_all();
    };
    job.onDone = [channel](const Result<GenerateStats>& result) {
        const std::lock_guard lock(channel->mutex);
        channel->result = result;
        channel->done = true;
        channel->changed.notify_all();
    };
    switch (m_scheduler.submit(std::move(job))) {
    case Scheduler::Submitted::Queued: break;
    case Scheduler::Submitted::QueueFull:
        res.set_header("Retry-After", "1");
        sendError(res, {503, "The server is busy: too many requests are waiting. Try again shortly.", "server_error", "",
                        "server_busy"});
        return;
    case Scheduler::Submitted::NoModel:
        sendError(res, {503, "No model is loaded.", "server_error", "", "no_model"});
        return;
    }
    const auto deadline = Clock::now() + m_options.requestTimeout;
    ReplyIds ids{replyId(chat), unixNow(), served.id};

    if (!request->stream) {
        std::unique_lock lock(channel->mutex);
        while (!channel->changed.wait_for(lock, std::chrono::milliseconds(100), [&] { return channel->done; })) {
            if (Clock::now() > deadline || requestGone(req)) {
                channel->cancel->store(true);
            }
        }
        const Result<GenerateStats>& result = *channel->result;
        if (!result) {
            sendError(res, engineError(result.error()));
            return;
        }
        res.set_content(completionJson(ids, chat, channel->text, *result), "application/json");
        return;
    }

    {
        // Errors known before the first token get their own status; a request still queued does not wait.
        std::unique_lock lock(channel->mutex);
        channel->changed.wait_for(lock, m_options.admissionWait, [&] { return channel->started || channel->done; });
        if (channel->done && !*channel->result) {
            sendError(res, engineError(channel->result->error()));
            return;
        }
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    const auto ping = m_options.pingInterval;
    auto sentRole = std::make_shared<bool>(false);
    auto lastWrite = std::make_shared<Clock::time_point>(Clock::now());
    res.set_chunked_content_provider(
        "text/event-stream",
        // req outlives the provider: cpp-httplib keeps the request until the response is written.
        [channel, request, ids, chat, ping, deadline, sentRole, lastWrite, &req](size_t, httplib::DataSink& sink) {
            const auto write = [&](const std::string& s) {
                if (!sink.write(s.data(), s.size())) {
                    channel->cancel->store(true);  // the client is gone
                    return false;
                }
                *lastWrite = Clock::now();
                return true;
            };
            if (chat && !*sentRole) {
                *sentRole = true;
                if (!write(sse(chunkJson(ids, chat, "", true, nullptr)))) {
                    return false;
                }
            }
            std::string text;
            bool done = false;
            std::optional<Result<GenerateStats>> result;
            {
                std::unique_lock lock(channel->mutex);
                channel->changed.wait_for(lock, std::chrono::milliseconds(100),
                                          [&] { return !channel->text.empty() || channel->done; });
                text.swap(channel->text);
                done = channel->done;
                if (done) {
                    result = channel->result;
                }
            }
            if (Clock::now() > deadline) {
                channel->cancel->store(true);
            }
            if (!text.empty() && !write(sse(chunkJson(ids, chat, text, false, nullptr)))) {
                return false;
            }
            if (!done) {
                if (text.empty()) {
                    if (clientGone(sink, req)) {
                        channel->cancel->store(true);
                        return false;
                    }
                    if (Clock::now() - *lastWrite >= ping && !write(": ping\n\n")) {
                        return false;
                    }
                }
                return true;
            }
            if (!*result) {
                write(sse(errorJson(engineError(result->error()))));
            } else {
                if (!write(sse(chunkJson(ids, chat, "", false, finishReason((*result)->stopReason))))) {
                    return false;
                }
                if (request->includeUsage && !write(sse(usageChunkJson(ids, chat, **result)))) {
                    return false;
                }
            }
            if (write("data: [DONE]\n\n")) {
                sink.done();
            }
            return true;
        },
        [channel](bool success) {
            if (!success) {
                channel->cancel->store(true);
            }
        });
}

}  // namespace lantern::server
