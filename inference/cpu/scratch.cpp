// Per-thread scratch arenas (scratch.h).
#include "inference/cpu/scratch.h"

#include <algorithm>

namespace lantern::cpu {

namespace {
thread_local ScratchArena* t_arena = nullptr;  // a pointer: nothing for thread exit to destroy
}

ScratchArena::~ScratchArena() {
    if (m_data != nullptr) {
        ::operator delete(m_data, std::align_val_t(kAlign));
    }
}

std::byte* ScratchArena::take(size_t bytes) {
    if (m_used + bytes > m_capacity) {
        if (m_used > 0) {
            return nullptr;  // a live block would move
        }
        const size_t capacity = std::max({bytes, m_capacity * 2, kMinCapacity});
        if (m_data != nullptr) {
            ::operator delete(m_data, std::align_val_t(kAlign));
            m_data = nullptr;
            m_capacity = 0;
        }
        m_data = static_cast<std::byte*>(::operator new(capacity, std::align_val_t(kAlign)));
        m_capacity = capacity;
    }
    std::byte* p = m_data + m_used;
    m_used += bytes;
    return p;
}

void ScratchArena::release(size_t bytes) { m_used -= bytes; }

ScratchArena* threadArena() { return t_arena; }

ScratchArena* bindThreadArena(ScratchArena* arena) {
    ScratchArena* previous = t_arena;
    t_arena = arena;
    return previous;
}

}  // namespace lantern::cpu
