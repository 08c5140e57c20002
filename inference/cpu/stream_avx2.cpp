#include <immintrin.h>

#include "inference/cpu/stream.h"

namespace lantern::cpu {

uint64_t readStreamAvx2(const std::byte* p, uint64_t bytes) {
    __m256i a = _mm256_setzero_si256(), b = a, c = a, d = a;
    for (uint64_t i = 0; i + 128 <= bytes; i += 128) {
        a = _mm256_add_epi64(a, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)));
        b = _mm256_add_epi64(b, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32)));
        c = _mm256_add_epi64(c, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 64)));
        d = _mm256_add_epi64(d, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 96)));
    }
    const __m256i s = _mm256_add_epi64(_mm256_add_epi64(a, b), _mm256_add_epi64(c, d));
    alignas(32) uint64_t w[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(w), s);
    return w[0] + w[1] + w[2] + w[3];
}

}  // namespace lantern::cpu
