// The API server's work queue (scheduler.h).
#include "server/scheduler.h"

#include <algorithm>

namespace lantern::server {

Scheduler::Scheduler(ModelHost& host, SchedulerOptions options) : m_host(host), m_options(options) {
    m_options.sessions = std::max<size_t>(m_options.sessions, 1);
}

Scheduler::~Scheduler() = default;

Scheduler::Submitted Scheduler::submit(Job job) {
    bool post = false;
    {
        const std::lock_guard lock(m_mutex);
        if (m_served.state != ServedModel::State::Ready) {
            return Submitted::NoModel;
        }
        if (m_queue.size() >= m_options.maxQueued) {
            return Submitted::QueueFull;
        }
        m_queue.push_back(std::move(job));
        post = !m_running;
        m_running = true;
    }
    if (post) {
        m_host.post([this] { runNext(); });
    }
    return Submitted::Queued;
}

ServedModel Scheduler::served() const {
    const std::lock_guard lock(m_mutex);
    return m_served;
}

size_t Scheduler::queued() const {
    const std::lock_guard lock(m_mutex);
    return m_queue.size();
}

void Scheduler::setLoading(const std::string& path) {
    const std::lock_guard lock(m_mutex);
    m_served = {ServedModel::State::Loading, "", path, 0};
}

void Scheduler::setFailed(const std::string& message) {
    const std::lock_guard lock(m_mutex);
    m_served = {ServedModel::State::Failed, "", message, 0};
}

void Scheduler::cancelAll() {
    const std::lock_guard lock(m_mutex);
    for (Job& job : m_queue) {
        if (job.cancel) {
            job.cancel->store(true);
        }
    }
    if (m_current) {
        m_current->store(true);
    }
}

void Scheduler::setModel(Model* model, const std::string& id) {
    m_slots.clear();  // sessions hold the old model's buffers
    m_model = model;
    const std::lock_guard lock(m_mutex);
    if (model != nullptr) {
        m_served = {ServedModel::State::Ready, id, "", model->info().contextLength};
    } else {
        m_served = {ServedModel::State::None, "", "", 0};
    }
}

void Scheduler::runNext() {
    std::optional<Job> job;
    {
        const std::lock_guard lock(m_mutex);
        if (m_queue.empty()) {
            m_running = false;
            return;
        }
        job.emplace(std::move(m_queue.front()));
        m_queue.pop_front();
        m_current = job->cancel;
    }
    runJob(*job);
    {
        const std::lock_guard lock(m_mutex);
        m_current.reset();
        if (m_queue.empty()) {
            m_running = false;
            return;
        }
    }
    m_host.post([this] { runNext(); });
}

void Scheduler::runJob(Job& job) {
    if (m_model == nullptr) {
        job.onDone(fail(Errc::InvalidArgument, "No model is loaded."));
        return;
    }
    if (job.cancel && job.cancel->load()) {
        GenerateStats stats;
        stats.stopReason = "cancelled";
        job.onDone(stats);
        return;
    }
    Slot& slot = slotFor(job.messages);
    auto count = slot.session->countTokens(job.messages, job.options);
    if (!count) {
        job.onDone(std::unexpected(count.error()));
        return;
    }
    const uint32_t context = m_model->info().contextLength;
    if (*count >= context) {
        job.onDone(fail(Errc::ContextOverflow, "The prompt is " + std::to_string(*count) + " tokens; the model's context holds " +
                                                   std::to_string(context) + "."));
        return;
    }
    if (job.onStart) {
        job.onStart(*count);
    }
    std::string reply;
    const std::atomic<bool> never{false};
    auto result = slot.session->generate(
        job.messages, job.options,
        [&](std::string_view piece) {
            reply.append(piece);
            job.onText(piece);
        },
        job.cancel ? *job.cancel : never);
    if (result) {
        slot.history = job.messages;
        if (!job.options.rawPrompt) {
            slot.history.push_back({"assistant", reply});
        }
    } else {
        slot.history.clear();
    }
    job.onDone(result);
}

Scheduler::Slot& Scheduler::slotFor(const std::vector<ChatMessage>& messages) {
    const auto shared = [&](const Slot& s) {
        size_t n = 0;
        while (n < s.history.size() && n < messages.size() && s.history[n].role == messages[n].role &&
               s.history[n].content == messages[n].content) {
            ++n;
        }
        return n;
    };
    Slot* best = nullptr;
    size_t bestShared = 0;
    for (Slot& s : m_slots) {
        const size_t n = shared(s);
        if (n > bestShared) {
            best = &s;
            bestShared = n;
        }
    }
    if (best == nullptr) {
        if (m_slots.size() < m_options.sessions) {
            m_slots.push_back({m_model->newSession(), {}, 0});
            best = &m_slots.back();
        } else {
            best = &*std::min_element(m_slots.begin(), m_slots.end(),
                                      [](const Slot& a, const Slot& b) { return a.lastUse < b.lastUse; });
        }
    }
    best->lastUse = ++m_uses;
    return *best;
}

}  // namespace lantern::server
