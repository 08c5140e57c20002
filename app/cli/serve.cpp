// lantern-cli serve: the OpenAI-compatible API server on one model (server/). The model is loaded on a thread
// of its own (the model's thread: server/scheduler.h) while the server already answers /health with
// "loading"; Ctrl-C or SIGTERM stops it, cancelling what runs.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/options.h"
#include "inference/engine.h"
#include "server/httpserver.h"
#include "server/protocol.h"
#include "server/scheduler.h"
#include "server/threadhost.h"

namespace lantern::cli {

namespace {

std::atomic<bool> g_stop{false};

void onSignal(int) { g_stop.store(true); }

const char* kServeUsage =
    "usage: lantern-cli serve -m FILE [options]\n"
    "  -m, --model FILE      GGUF model to serve\n"
    "  --host ADDRESS        address to listen on (default 127.0.0.1; any other needs --api-key)\n"
    "  --port N              port (default 8080; 0 = any free port, printed on start)\n"
    "  --api-key KEY         require 'Authorization: Bearer KEY' (default: LANTERN_API_KEY, else none)\n"
    "  --cors ORIGIN         let web pages at ORIGIN call the server (repeatable; '*' = any)\n"
    "  --sessions N          KV caches kept for returning clients (default 4)\n"
    "  --queue N             requests that may wait (default 64; more get 503)\n"
    "  --timeout SECONDS     longest generation (default 600)\n"
    "  --ping-interval-ms N  SSE keep-alive comment after N ms without output (default 15000)\n"
    "  -c, --context N       context length\n"
    "  --device NAME         cpu, vulkan, or a Vulkan device (index or name part)\n"
    "  -t, --threads N       CPU backend threads\n"
    "  --experts cpu|gpu     who computes a mixture of experts' offloaded experts\n"
    "  --vram-budget MIB     GPU memory the model may use\n";

int serve(std::span<char*> args) {
    server::ServerOptions so;
    server::SchedulerOptions sched;
    if (const char* key = std::getenv("LANTERN_API_KEY")) {
        so.apiKey = key;
    }
    std::vector<char*> rest;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string a = args[i];
        const bool takes = a == "--host" || a == "--port" || a == "--api-key" || a == "--cors" || a == "--sessions" ||
                           a == "--queue" || a == "--timeout" || a == "--ping-interval-ms";
        if (!takes) {
            rest.push_back(args[i]);
            continue;
        }
        if (i + 1 >= args.size()) {
            std::fprintf(stderr, "lantern-cli: %s needs a value\n%s", a.c_str(), kServeUsage);
            return 2;
        }
        const std::string v = args[++i];
        char* end = nullptr;
        const long n = std::strtol(v.c_str(), &end, 10);
        const bool number = end != v.c_str() && *end == '\0' && n >= 0;
        if (a == "--host") {
            so.host = v;
        } else if (a == "--api-key") {
            so.apiKey = v;
        } else if (a == "--cors") {
            so.corsOrigins.push_back(v);
        } else if (!number || (a == "--port" && n > 65535)) {
            std::fprintf(stderr, "lantern-cli: %s wants a number, not '%s'\n", a.c_str(), v.c_str());
            return 2;
        } else if (a == "--port") {
            so.port = int(n);
        } else if (a == "--sessions") {
            sched.sessions = size_t(std::max(n, 1L));
        } else if (a == "--ping-interval-ms") {
            so.pingInterval = std::chrono::milliseconds(std::max(n, 10L));
        } else if (a == "--queue") {
            sched.maxQueued = size_t(n);
        } else {
            so.requestTimeout = std::chrono::seconds(std::max(n, 1L));
        }
    }
    auto parsed = parseOptions(rest, kServeUsage);
    if (!parsed) {
        return 2;
    }
    const Options& o = *parsed;
    if (o.model.empty()) {
        std::fputs(kServeUsage, stderr);
        return 2;
    }

    server::ThreadModelHost host;
    server::Scheduler scheduler(host, sched);
    scheduler.setLoading(o.model);
    server::HttpServer http(scheduler, so);
    auto port = http.start();
    if (!port) {
        std::fprintf(stderr, "lantern-cli: %s\n", port.error().detail.c_str());
        return 1;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::printf("lantern-cli serve: listening on http://%s:%d/v1 (loading %s)\n", so.host.c_str(), *port, o.model.c_str());
    std::fflush(stdout);

    std::unique_ptr<Model> model;
    std::atomic<bool> loadFailed{false};
    host.post([&] {
        LoadOptions lo;
        lo.device = o.device;
        lo.threads = o.threads;
        lo.expertCompute = o.experts;
        lo.contextLength = o.context;
        lo.vramBudgetBytes = o.vramBudgetMiB << 20;
        auto loaded = Engine::load(o.model, lo);
        if (!loaded) {
            scheduler.setFailed(loaded.error().detail);
            std::fprintf(stderr, "lantern-cli: %s\n", loaded.error().detail.c_str());
            loadFailed.store(true);
            g_stop.store(true);
            return;
        }
        model = std::move(*loaded);
        scheduler.setModel(model.get(), server::modelIdFor(o.model));
        const ModelInfo& info = model->info();
        std::printf("lantern-cli serve: ready: %s on %s, context %u tokens, model id '%s'\n", info.name.c_str(),
                    info.deviceName.c_str(), info.contextLength, server::modelIdFor(o.model).c_str());
        std::fflush(stdout);
    });
    while (!g_stop.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::printf("lantern-cli serve: stopping\n");
    std::fflush(stdout);
    scheduler.cancelAll();
    http.stop();
    host.post([&] {
        scheduler.setModel(nullptr, "");
        model.reset();  // on the model's thread, like everything else it owns
    });
    host.join();
    return loadFailed.load() ? 1 : 0;
}

const Registrar kServe{{"serve", "serve a model over an OpenAI-compatible HTTP API (127.0.0.1 by default)", serve}};

}  // namespace

}  // namespace lantern::cli
