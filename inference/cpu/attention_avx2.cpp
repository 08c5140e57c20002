// The vector loops of the CPU backend's attention and exact kernels on x86-64 with AVX2, FMA and F16C
// (attentionimpl.h).
#include <immintrin.h>

#include "inference/cpu/attentionimpl.h"
#include "inference/cpu/ops.h"

namespace lantern::cpu::attn {

namespace {

float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

}  // namespace

float dotF16Avx2(const float* q, const uint16_t* k, uint32_t n) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    uint32_t i = 0;
    for (; i + 16 <= n; i += 16) {
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i),
                             _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k + i))), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8),
                             _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k + i + 8))), a1);
    }
    float s = hsum(_mm256_add_ps(a0, a1));
    for (; i < n; ++i) {
        s += q[i] * f16ToF32(k[i]);
    }
    return s;
}

void axpyF16Avx2(float* acc, float w, const uint16_t* v, uint32_t n) {
    const __m256 wv = _mm256_set1_ps(w);
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v + i)));
        _mm256_storeu_ps(acc + i, _mm256_fmadd_ps(wv, x, _mm256_loadu_ps(acc + i)));
    }
    for (; i < n; ++i) {
        acc[i] += w * f16ToF32(v[i]);
    }
}

float dotF32Avx2(const float* a, const float* b, uint32_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    uint32_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
    }
    float s = hsum(_mm256_add_ps(s0, s1));
    for (; i < n; ++i) {
        s += a[i] * b[i];
    }
    return s;
}

void axpyF32Avx2(float* acc, float w, const float* v, uint32_t n) {
    const __m256 wv = _mm256_set1_ps(w);
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        _mm256_storeu_ps(acc + i, _mm256_fmadd_ps(wv, _mm256_loadu_ps(v + i), _mm256_loadu_ps(acc + i)));
    }
    for (; i < n; ++i) {
        acc[i] += w * v[i];
    }
}

float sumSquaresAvx2(const float* x, uint32_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    uint32_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + 8);
        s0 = _mm256_fmadd_ps(a, a, s0);
        s1 = _mm256_fmadd_ps(b, b, s1);
    }
    float s = hsum(_mm256_add_ps(s0, s1));
    for (; i < n; ++i) {
        s += x[i] * x[i];
    }
    return s;
}

}  // namespace lantern::cpu::attn

namespace lantern::cpu {

// The F16C conversions ops.cpp dispatches to.
void toF16Avx2(const float* x, uint16_t* out, uint64_t n) {
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    }
    for (; i < n; ++i) {
        out[i] = f32ToF16(x[i]);
    }
}

void fromF16Avx2(const uint16_t* x, float* out, uint64_t n) {
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i))));
    }
    for (; i < n; ++i) {
        out[i] = f16ToF32(x[i]);
    }
}

}  // namespace lantern::cpu
