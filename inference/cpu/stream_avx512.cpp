#include <immintrin.h>

#include "inference/cpu/stream.h"

namespace lantern::cpu {

uint64_t readStreamAvx512(const std::byte* p, uint64_t bytes) {
    __m512i a = _mm512_setzero_si512(), b = a, c = a, d = a;
    for (uint64_t i = 0; i + 256 <= bytes; i += 256) {
        a = _mm512_add_epi64(a, _mm512_loadu_si512(p + i));
        b = _mm512_add_epi64(b, _mm512_loadu_si512(p + i + 64));
        c = _mm512_add_epi64(c, _mm512_loadu_si512(p + i + 128));
        d = _mm512_add_epi64(d, _mm512_loadu_si512(p + i + 192));
    }
    alignas(64) uint64_t w[8];
    _mm512_store_si512(w, _mm512_add_epi64(_mm512_add_epi64(a, b), _mm512_add_epi64(c, d)));
    return w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7];
}

}  // namespace lantern::cpu
