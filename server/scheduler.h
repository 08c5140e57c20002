#pragma once
// The API server's work queue. HTTP handlers run on the HTTP library's threads; the model belongs to one
// thread (the inference thread: every Vulkan object, every CPU-backend buffer). Handlers submit jobs here;
// the scheduler runs them one at a time on the model's thread through a ModelHost, each in the session
// (KV cache) that last saw the longest prefix of its conversation, so a client's next turn re-reads nothing.
//
// Each finished job posts the next one rather than looping, so other work on the same thread (the chat
// window's generation in the app) takes turns with the server's. A full queue refuses at once (503).
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "inference/engine.h"

namespace lantern::server {

// The thread that owns the model, as the scheduler sees it.
class ModelHost {
public:
    virtual ~ModelHost() = default;
    // Runs work on the model's thread, after what was posted before it.
    virtual void post(std::function<void()> work) = 0;
};

// What the server says about its model.
struct ServedModel {
    enum class State { None, Loading, Ready, Failed };
    State state = State::None;
    std::string id;          // protocol.h modelIdFor
    std::string message;     // Failed: why; Loading: the file
    uint32_t contextLength = 0;
};

struct SchedulerOptions {
    size_t maxQueued = 64;   // jobs waiting (the running one not counted); more are refused
    size_t sessions = 4;     // KV caches kept for returning clients
};

class Scheduler {
public:
    struct Job {
        std::vector<ChatMessage> messages;
        GenerateOptions options;
        std::shared_ptr<std::atomic<bool>> cancel;  // set by the handler when the client leaves or times out
        // All three are called on the model's thread. onStart: the prompt fits and generation begins.
        std::function<void(uint32_t promptTokens)> onStart;
        std::function<void(std::string_view piece)> onText;
        std::function<void(const Result<GenerateStats>& result)> onDone;  // always called exactly once
    };
    enum class Submitted { Queued, QueueFull, NoModel };

    explicit Scheduler(ModelHost& host, SchedulerOptions options = {});
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // Any thread.
    Submitted submit(Job job);
    ServedModel served() const;
    size_t queued() const;
    void setLoading(const std::string& path);
    void setFailed(const std::string& message);
    // Cancels the running job and every queued one (shutting down).
    void cancelAll();

    // The model's thread only: the model jobs run on (nullptr: none). Drops every session of the old one, so
    // call it before a model is released.
    void setModel(Model* model, const std::string& id);

private:
    struct Slot {
        std::unique_ptr<Session> session;
        std::vector<ChatMessage> history;  // what its KV cache holds, as messages
        uint64_t lastUse = 0;
    };
    void runNext();  // on the model's thread
    void runJob(Job& job);
    Slot& slotFor(const std::vector<ChatMessage>& messages);

    ModelHost& m_host;
    SchedulerOptions m_options;
    mutable std::mutex m_mutex;
    std::deque<Job> m_queue;
    bool m_running = false;  // a runNext is posted or running
    std::shared_ptr<std::atomic<bool>> m_current;  // the running job's cancel flag
    ServedModel m_served;
    // Model thread only.
    Model* m_model = nullptr;
    std::vector<Slot> m_slots;
    uint64_t m_uses = 0;
};

}  // namespace lantern::server
