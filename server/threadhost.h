#pragma once
// A ModelHost that is a thread of its own (scheduler.h): what lantern-cli serve and the tests use. The app
// hosts the scheduler on its inference thread instead (service/apiserver.h).
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "server/scheduler.h"

namespace lantern::server {

class ThreadModelHost final : public ModelHost {
public:
    ThreadModelHost();
    ~ThreadModelHost() override;  // join()
    ThreadModelHost(const ThreadModelHost&) = delete;
    ThreadModelHost& operator=(const ThreadModelHost&) = delete;

    void post(std::function<void()> work) override;
    // Runs what was posted, then ends the thread.
    void join();
    std::thread::id threadId() const { return m_thread.get_id(); }

private:
    void loop();
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_work;
    bool m_quit = false;
    std::thread m_thread;
};

}  // namespace lantern::server
