#include "inference/cpu/stream.h"

#include <cstring>

#include "inference/cpu/isa.h"

namespace lantern::cpu {

#if defined(__x86_64__) || defined(_M_X64)
uint64_t readStreamAvx2(const std::byte* p, uint64_t bytes);    // stream_avx2.cpp
uint64_t readStreamAvx512(const std::byte* p, uint64_t bytes);  // stream_avx512.cpp
#endif

uint64_t readStream(const std::byte* p, uint64_t bytes) {
#if defined(__x86_64__) || defined(_M_X64)
    if (activeIsa() == Isa::Avx512Vnni) {
        return readStreamAvx512(p, bytes);
    }
    if (activeIsa() == Isa::Avx2) {
        return readStreamAvx2(p, bytes);
    }
#endif
    uint64_t a = 0, b = 0;
    for (uint64_t i = 0; i + 16 <= bytes; i += 16) {
        uint64_t w[2];
        std::memcpy(w, p + i, 16);
        a += w[0];
        b += w[1];
    }
    return a + b;
}

}  // namespace lantern::cpu
