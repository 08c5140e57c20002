#pragma once
// Lantern's OpenAI-compatible HTTP server (cpp-httplib: Debian's libcpp-httplib-dev, vcpkg and Homebrew
// cpp-httplib). Routes: GET /health, GET /v1/models, POST /v1/chat/completions, POST /v1/completions.
//
// Safe by default: binds 127.0.0.1; any other address needs an API key (start() refuses without one); while
// bound to loopback a request whose Host is not loopback is refused (DNS rebinding); a request from a web page
// (an Origin header) is refused unless its origin is listed, and only listed origins get CORS headers.
// Streams are SSE: `data: {chunk}` events, `: ping` comments while a long prompt runs, `data: [DONE]`. A client
// that goes away cancels its generation: the stream's next write, or a liveness check every 100 ms, fails.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}

namespace lantern::server {

class Scheduler;

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 8080;  // 0 = any free port (start() returns it)
    std::string apiKey;  // required as "Authorization: Bearer KEY" on everything but /health when set
    std::vector<std::string> corsOrigins;  // e.g. "http://localhost:3000"; "*" = any origin
    size_t maxBodyBytes = size_t(8) << 20;  // larger bodies are refused with 413
    std::chrono::seconds requestTimeout{600};  // a generation running longer is stopped
    std::chrono::milliseconds pingInterval{15000};  // SSE comment while nothing else was sent
    // A streamed request waits this long for its prompt to be checked before the 200 goes out, so that
    // a prompt too long for the context is a 400, not an error event (a queued request stops waiting).
    std::chrono::milliseconds admissionWait{2000};
    unsigned httpThreads = 48;  // connections served at once (idle keep-alive connections hold one too)
};

class HttpServer {
public:
    HttpServer(Scheduler& scheduler, ServerOptions options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and serves on a thread of its own; returns the port.
    Result<int> start();
    // Stops accepting and closes connections; running generations are cancelled by their streams.
    void stop();
    bool running() const;
    const ServerOptions& options() const { return m_options; }

    static bool isLoopbackAddress(const std::string& host);

private:
    void routes();
    void complete(const httplib::Request& req, httplib::Response& res, bool chat);

    Scheduler& m_scheduler;
    ServerOptions m_options;
    std::unique_ptr<httplib::Server> m_http;
    std::thread m_thread;
    int m_port = 0;
};

}  // namespace lantern::server
