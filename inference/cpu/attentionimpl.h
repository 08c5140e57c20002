#pragma once
// Internal to attention.cpp and exactkernels.cpp: how work is split between threads, and the vector loops that
// live in attention_avx2.cpp (built with AVX2/FMA/F16C; baseline files are not).
#include <algorithm>
#include <cstdint>

namespace lantern::cpu::attn {

// Thread ith's share [begin, end) of n items, in contiguous ranges that differ by at most one item.
inline void share(uint64_t n, unsigned ith, unsigned nth, uint64_t& begin, uint64_t& end) {
    const uint64_t per = n / nth, extra = n % nth;
    begin = ith * per + std::min<uint64_t>(ith, extra);
    end = begin + per + (ith < extra ? 1 : 0);
}

#if defined(__x86_64__) || defined(_M_X64)
float dotF16Avx2(const float* q, const uint16_t* k, uint32_t n);
void axpyF16Avx2(float* acc, float w, const uint16_t* v, uint32_t n);
float dotF32Avx2(const float* a, const float* b, uint32_t n);
void axpyF32Avx2(float* acc, float w, const float* v, uint32_t n);
float sumSquaresAvx2(const float* x, uint32_t n);
#endif

}  // namespace lantern::cpu::attn
