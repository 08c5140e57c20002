#pragma once
// Per-thread scratch memory for the CPU kernels (unpacked weight rows, a dequantized row) without
// thread_local objects. mingw-w64's emulated TLS can free a thread's thread_local storage before the
// destructors of its objects run at thread exit: a thread_local std::vector of over-aligned blocks crashed
// every CPU worker thread of lantern-cli.exe as its pool shut down. Only a trivially destructible pointer is
// thread-local here.
//
// A ThreadPool gives each of its threads an arena that lives as long as the pool (bound for the length of a
// run on the calling thread). Scratch<T> takes its block from the calling thread's arena, stack-wise; a
// thread with no arena, or a nested Scratch the arena has no room left for, gets a heap block of its own.
#include <cstddef>
#include <new>
#include <type_traits>

namespace lantern::cpu {

class ScratchArena {
public:
    static constexpr size_t kAlign = 64;
    static constexpr size_t kMinCapacity = size_t(64) << 10;  // room for small nested blocks
    ScratchArena() = default;
    ~ScratchArena();
    ScratchArena(const ScratchArena&) = delete;
    ScratchArena& operator=(const ScratchArena&) = delete;

    // bytes at kAlign from the top of the arena, or null when a live block above prevents growing.
    std::byte* take(size_t bytes);
    // Gives back the most recent take() of that size.
    void release(size_t bytes);
    size_t capacity() const { return m_capacity; }

private:
    std::byte* m_data = nullptr;
    size_t m_capacity = 0;
    size_t m_used = 0;
};

// The calling thread's arena (null outside a pool's run).
ScratchArena* threadArena();
// Binds arena to the calling thread; returns the previous binding.
ScratchArena* bindThreadArena(ScratchArena* arena);

// n default-initialised Ts (uninitialised for the trivial types kernels use) of scratch for this thread.
template <class T>
class Scratch {
    static_assert(std::is_trivially_destructible_v<T> && std::is_trivially_default_constructible_v<T>,
                  "scratch holds plain blocks only");
    static_assert(alignof(T) <= ScratchArena::kAlign);

public:
    explicit Scratch(size_t n) : m_bytes(roundUp(n * sizeof(T))) {
        ScratchArena* arena = threadArena();
        std::byte* p = arena != nullptr ? arena->take(m_bytes) : nullptr;
        if (p != nullptr) {
            m_arena = arena;
        } else {
            p = static_cast<std::byte*>(::operator new(m_bytes, std::align_val_t(ScratchArena::kAlign)));
        }
        m_data = new (p) T[n];
    }
    ~Scratch() {
        if (m_arena != nullptr) {
            m_arena->release(m_bytes);
        } else {
            ::operator delete(static_cast<void*>(m_data), std::align_val_t(ScratchArena::kAlign));
        }
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    T* data() { return m_data; }
    T& operator[](size_t i) { return m_data[i]; }

private:
    static size_t roundUp(size_t bytes) {
        return (bytes + ScratchArena::kAlign - 1) / ScratchArena::kAlign * ScratchArena::kAlign;
    }
    size_t m_bytes;
    ScratchArena* m_arena = nullptr;
    T* m_data = nullptr;
};

}  // namespace lantern::cpu
