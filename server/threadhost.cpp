// A model thread of its own (threadhost.h).
#include "server/threadhost.h"

namespace lantern::server {

ThreadModelHost::ThreadModelHost() : m_thread([this] { loop(); }) {}

ThreadModelHost::~ThreadModelHost() { join(); }

void ThreadModelHost::post(std::function<void()> work) {
    const std::lock_guard lock(m_mutex);
    m_work.push_back(std::move(work));
    m_wake.notify_one();
}

void ThreadModelHost::join() {
    {
        const std::lock_guard lock(m_mutex);
        m_quit = true;
        m_wake.notify_one();
    }
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void ThreadModelHost::loop() {
    for (;;) {
        std::function<void()> work;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_quit || !m_work.empty(); });
            if (m_work.empty()) {
                return;
            }
            work = std::move(m_work.front());
            m_work.pop_front();
        }
        work();
    }
}

}  // namespace lantern::server
