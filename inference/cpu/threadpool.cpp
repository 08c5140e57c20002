// The CPU backend's thread pool (threadpool.h).
//
// Synchronisation, in the order a run sees it:
//  - run() publishes the function, bumps m_generation and, only when some worker has parked, takes the mutex
//    and notifies. A worker parks by incrementing m_parked and re-checking m_generation under the mutex; both
//    sides use sequentially consistent operations, so either the worker sees the new generation or run() sees
//    m_parked > 0 (no lost wake-up).
//  - barrier(): a sense-reversing barrier. Each thread reads the phase, then arrives (m_arrived); the last one
//    resets the arrival count and forChunks' counter and then bumps the phase, which releases the others.
//  - The caller returns from run() once every worker has incremented m_done after fn.
#include "inference/cpu/threadpool.h"

#include <algorithm>
#include <chrono>
#include <string>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <immintrin.h>
#define LANTERN_CPU_PAUSE() _mm_pause()
#elif defined(__aarch64__) && !defined(_MSC_VER)
#define LANTERN_CPU_PAUSE() __asm__ __volatile__("yield")
#else
#define LANTERN_CPU_PAUSE() std::this_thread::yield()
#endif

#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#elif defined(__APPLE__)
#include <sys/sysctl.h>
#include <sys/types.h>
#else
#include <dirent.h>

#include <fstream>
#include <set>
#endif

namespace lantern::cpu {

namespace {

// How long an idle worker spins for the next run before parking: long enough that the runs of a generating
// model (a few ms apart at most) never park, short enough that an idle app stops burning a core at once.
constexpr auto kSpinBeforePark = std::chrono::microseconds(1500);
// Pause iterations a barrier spins before it also yields (more threads than free cores: let the others run).
constexpr unsigned kSpinsBeforeYield = 1u << 14;

// One step of a spin-wait: pause, and yield once the wait has gone on for a while.
inline void relax(unsigned& spins) {
    if (++spins < kSpinsBeforeYield) {
        LANTERN_CPU_PAUSE();
    } else {
        std::this_thread::yield();
    }
}

#if !defined(_WIN32) && !defined(__APPLE__)
// Distinct SMT sibling sets of the CPUs the kernel lists: one per physical core.
unsigned linuxPhysicalCores() {
    DIR* dir = opendir("/sys/devices/system/cpu");
    if (dir == nullptr) {
        return 0;
    }
    std::set<std::string> cores;
    while (const dirent* e = readdir(dir)) {
        const std::string name = e->d_name;
        if (name.size() < 4 || name.compare(0, 3, "cpu") != 0 ||
            !std::all_of(name.begin() + 3, name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            continue;
        }
        const std::string topo = "/sys/devices/system/cpu/" + name + "/topology/";
        std::string siblings;
        for (const char* file : {"core_cpus_list", "thread_siblings_list"}) {
            std::ifstream in(topo + file);
            if (in && std::getline(in, siblings) && !siblings.empty()) {
                break;
            }
            siblings.clear();
        }
        if (!siblings.empty()) {  // offline CPUs have no topology
            cores.insert(siblings);
        }
    }
    closedir(dir);
    return unsigned(cores.size());
}
#endif

}  // namespace

unsigned physicalCores() {
    static const unsigned cores = [] {
        unsigned n = 0;
#if defined(_WIN32)
        DWORD bytes = 0;
        GetLogicalProcessorInformation(nullptr, &bytes);
        std::vector<SYSTEM_LOGICAL_PROCESSOR_INFORMATION> info(bytes / sizeof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION) + 1);
        if (GetLogicalProcessorInformation(info.data(), &bytes)) {
            for (size_t i = 0; i < bytes / sizeof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION); ++i) {
                n += info[i].Relationship == RelationProcessorCore ? 1u : 0u;
            }
        }
#elif defined(__APPLE__)
        int value = 0;
        size_t size = sizeof(value);
        if (sysctlbyname("hw.physicalcpu", &value, &size, nullptr, 0) == 0 && value > 0) {
            n = unsigned(value);
        }
#else
        n = linuxPhysicalCores();
#endif
        const unsigned logical = std::thread::hardware_concurrency();
        if (n == 0) {
            n = logical;
        }
        if (logical > 0) {
            n = std::min(n, logical);
        }
        return std::max(n, 1u);
    }();
    return cores;
}

ThreadPool::ThreadPool(unsigned threads) : m_n(threads == 0 ? physicalCores() : threads) {
    for (unsigned i = 0; i < m_n; ++i) {
        m_arenas.push_back(std::make_unique<ScratchArena>());
    }
    m_threads.reserve(m_n - 1);
    for (unsigned i = 1; i < m_n; ++i) {
        m_threads.emplace_back([this, i] { worker(i); });
    }
}

ThreadPool::~ThreadPool() {
    m_stop.store(true, std::memory_order_seq_cst);
    {
        // Under the mutex: a worker between its predicate check and its wait cannot miss this.
        const std::lock_guard lock(m_mutex);
        m_generation.fetch_add(1, std::memory_order_seq_cst);
    }
    m_wake.notify_all();
    for (std::thread& t : m_threads) {
        t.join();
    }
}

namespace {
// Binds an arena to the calling thread for one scope.
class ArenaScope {
public:
    explicit ArenaScope(ScratchArena* arena) : m_previous(bindThreadArena(arena)) {}
    ~ArenaScope() { bindThreadArena(m_previous); }
    ArenaScope(const ArenaScope&) = delete;
    ArenaScope& operator=(const ArenaScope&) = delete;

private:
    ScratchArena* m_previous;
};
}  // namespace

void ThreadPool::run(const std::function<void(unsigned ith, unsigned nth)>& fn) {
    const ArenaScope arena(m_arenas[0].get());
    if (m_n == 1) {
        fn(0, 1);
        return;
    }
    m_fn = &fn;
    m_done.store(0, std::memory_order_relaxed);
    m_arrived.store(0, std::memory_order_relaxed);
    m_next.store(0, std::memory_order_relaxed);
    m_generation.fetch_add(1, std::memory_order_seq_cst);  // releases m_fn and the resets above
    if (m_parked.load(std::memory_order_seq_cst) > 0) {
        { const std::lock_guard lock(m_mutex); }  // a parking worker holds it from its check to its wait
        m_wake.notify_all();
    }
    fn(0, m_n);
    unsigned spins = 0;
    while (m_done.load(std::memory_order_acquire) != m_n - 1) {
        relax(spins);
    }
    m_fn = nullptr;
}

void ThreadPool::worker(unsigned ith) {
    bindThreadArena(m_arenas[ith].get());
    uint64_t seen = 0;
    for (;;) {
        // Spin for the next run, then park.
        uint64_t gen = m_generation.load(std::memory_order_acquire);
        if (gen == seen) {
            const auto until = std::chrono::steady_clock::now() + kSpinBeforePark;
            unsigned spins = 0;
            while ((gen = m_generation.load(std::memory_order_acquire)) == seen) {
                LANTERN_CPU_PAUSE();
                if ((++spins & 255u) == 0 && std::chrono::steady_clock::now() > until) {
                    std::unique_lock lock(m_mutex);
                    m_parked.fetch_add(1, std::memory_order_seq_cst);
                    m_wake.wait(lock, [&] { return m_generation.load(std::memory_order_seq_cst) != seen; });
                    m_parked.fetch_sub(1, std::memory_order_relaxed);
                    gen = m_generation.load(std::memory_order_acquire);
                    break;
                }
            }
        }
        seen = gen;
        if (m_stop.load(std::memory_order_acquire)) {
            return;
        }
        (*m_fn)(ith, m_n);
        m_done.fetch_add(1, std::memory_order_acq_rel);
    }
}

void ThreadPool::barrier() {
    if (m_n == 1) {
        m_barrierCount.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    const uint64_t phase = m_phase.load(std::memory_order_acquire);
    if (m_arrived.fetch_add(1, std::memory_order_acq_rel) == m_n - 1) {
        // Last to arrive: nobody reads the counters until the phase moves on.
        m_arrived.store(0, std::memory_order_relaxed);
        m_next.store(0, std::memory_order_relaxed);
        m_barrierCount.fetch_add(1, std::memory_order_relaxed);
        m_phase.store(phase + 1, std::memory_order_release);
        return;
    }
    unsigned spins = 0;
    while (m_phase.load(std::memory_order_acquire) == phase) {
        relax(spins);
    }
}

void ThreadPool::forChunks(uint64_t total, uint64_t chunk,
                           const std::function<void(uint64_t begin, uint64_t end)>& body) {
    chunk = std::max<uint64_t>(chunk, 1);
    for (;;) {
        const uint64_t begin = m_next.fetch_add(chunk, std::memory_order_relaxed);
        if (begin >= total) {
            break;
        }
        body(begin, std::min(total, begin + chunk));
    }
    barrier();  // also resets m_next for the next call
}

}  // namespace lantern::cpu
