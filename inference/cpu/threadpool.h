#pragma once
// The CPU backend's threads: one persistent pool sized to the physical cores. A forward pass is one run():
// every thread walks the same op list, splits each op's work (disjoint ranges, or chunks taken from an
// atomic counter) and meets the others at a spinning barrier between ops (about 250 per decoded token, so a
// barrier must cost well under a microsecond). Between runs the workers spin briefly, then park on a
// condition variable: an idle desktop app burns no core.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "inference/cpu/scratch.h"

namespace lantern::cpu {

// Physical cores of this machine (SMT siblings counted once; at least 1).
unsigned physicalCores();

class ThreadPool {
public:
    // threads: all threads of a run, the caller included; 0 = physicalCores().
    explicit ThreadPool(unsigned threads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    unsigned size() const { return m_n; }
    // Runs fn(ith, nth) on every thread (ith 0 is the caller) and returns when all have returned. Not
    // re-entrant: fn must not call run().
    void run(const std::function<void(unsigned ith, unsigned nth)>& fn);
    // Inside run(): waits until every thread of the run has arrived (then all go on). Spins, no syscall.
    void barrier();
    // Runs body(begin, end) over [0, total) in chunks of `chunk`, taken by whichever thread is free (an
    // atomic counter): call from inside run() on every thread; ends with a barrier. The counter is reset by
    // the barrier before the next call.
    void forChunks(uint64_t total, uint64_t chunk, const std::function<void(uint64_t begin, uint64_t end)>& body);

    // Barriers passed since the pool was made (for tests and the profile).
    uint64_t barriers() const { return m_barrierCount.load(std::memory_order_relaxed); }

private:
    void worker(unsigned ith);
    unsigned m_n = 1;
    std::vector<std::unique_ptr<ScratchArena>> m_arenas;  // one per thread of a run (scratch.h)
    std::vector<std::thread> m_threads;
    const std::function<void(unsigned, unsigned)>* m_fn = nullptr;
    // Run generation: workers wait for it to change (spinning first, then parked).
    alignas(64) std::atomic<uint64_t> m_generation{0};
    alignas(64) std::atomic<unsigned> m_done{0};
    alignas(64) std::atomic<unsigned> m_arrived{0};
    alignas(64) std::atomic<uint64_t> m_phase{0};
    alignas(64) std::atomic<uint64_t> m_next{0};  // forChunks' counter
    std::atomic<uint64_t> m_barrierCount{0};
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::atomic<unsigned> m_parked{0};
};

}  // namespace lantern::cpu
