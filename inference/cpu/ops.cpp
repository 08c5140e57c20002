// The CPU backend's f32 operators (ops.h), each a share (ith of nth) of one op; attention is in
// ops_attention.cpp, dequantizeRow in dequant.cpp. Every element's value is computed by one thread with an
// order of operations that does not depend on nth, so results are identical whatever the split.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "inference/cpu/isa.h"
#include "inference/cpu/ops.h"

namespace lantern::cpu {

#if defined(__x86_64__) || defined(_M_X64)
// ops_avx2.cpp (F16C).
void toF16Avx2(const float* x, uint16_t* out, uint64_t n);
void fromF16Avx2(const uint16_t* x, float* out, uint64_t n);
#endif

namespace {

// [begin, end) of thread ith's share of n items, in whole units of `align` items.
struct Share {
    uint64_t begin, end;
};
Share share(uint64_t n, unsigned ith, unsigned nth, uint64_t align = 1) {
    const uint64_t units = (n + align - 1) / align, per = units / nth, rem = units % nth;
    const uint64_t b = ith * per + std::min<uint64_t>(ith, rem), e = b + per + (ith < rem ? 1 : 0);
    return {std::min(n, b * align), std::min(n, e * align)};
}

bool hasF16c() {
#if defined(__x86_64__) || defined(_M_X64)
    const Isa isa = activeIsa();
    return isa == Isa::Avx2 || isa == Isa::Avx512Vnni;
#else
    return false;
#endif
}

float bitsToFloat(uint32_t b) {
    float f;
    std::memcpy(&f, &b, 4);
    return f;
}

}  // namespace

// ---- half precision ------------------------------------------------------------------------------

float f16ToF32(uint16_t h) {
    const uint32_t sign = uint32_t(h & 0x8000u) << 16, exp = (h >> 10) & 0x1Fu, mant = h & 0x3FFu;
    if (exp == 0x1F) {
        return bitsToFloat(sign | 0x7F800000u | (mant << 13));
    }
    if (exp != 0) {
        return bitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
    // Zero or subnormal: mant * 2^-24 is exact in f32.
    const float v = float(mant) * 0x1p-24f;
    return sign ? -v : v;
}

uint16_t f32ToF16(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    const uint32_t sign = (x >> 16) & 0x8000u, ax = x & 0x7FFFFFFFu;
    if (ax >= 0x7F800000u) {  // infinity, NaN (kept quiet)
        return uint16_t(sign | 0x7C00u | (ax > 0x7F800000u ? 0x200u | ((ax >> 13) & 0x3FFu) : 0u));
    }
    if (ax >= 0x477FF000u) {  // rounds to 65536 or more
        return uint16_t(sign | 0x7C00u);
    }
    if (ax < 0x38800000u) {  // below the smallest normal half: round at a fixed point of 2^-24
        const uint32_t mant = (ax & 0x7FFFFFu) | 0x800000u;
        const int shift = 126 - int(ax >> 23);  // 2^-24 units: value = mant * 2^(e-150) / 2^-24
        if (shift > 24) {
            return uint16_t(sign);
        }
        uint32_t h = mant >> shift;
        const uint32_t rem = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
        h += (rem > half || (rem == half && (h & 1u))) ? 1u : 0u;
        return uint16_t(sign | h);
    }
    // Normal: rebias the exponent, round the 13 dropped bits to nearest even (a carry bumps the exponent).
    const uint32_t h = ((ax >> 13) - (112u << 10));
    const uint32_t rem = ax & 0x1FFFu;
    return uint16_t(sign | (h + ((rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ? 1u : 0u)));
}

void toF16(const float* x, uint16_t* out, uint64_t n) {
#if defined(__x86_64__) || defined(_M_X64)
    if (hasF16c()) {
        toF16Avx2(x, out, n);
        return;
    }
#endif
    for (uint64_t i = 0; i < n; ++i) {
        out[i] = f32ToF16(x[i]);
    }
}

void fromF16(const uint16_t* x, float* out, uint64_t n) {
#if defined(__x86_64__) || defined(_M_X64)
    if (hasF16c()) {
        fromF16Avx2(x, out, n);
        return;
    }
#endif
    for (uint64_t i = 0; i < n; ++i) {
        out[i] = f16ToF32(x[i]);
    }
}

// ---- lookups, norms, element-wise ------------------------------------------------------------------

void getRows(gguf::GgmlType type, const std::byte* table, uint64_t rowBytes, uint32_t tableRows, uint32_t cols,
             const int32_t* ids, uint32_t nIds, float scale, float* out, unsigned ith, unsigned nth) {
    const Share s = share(nIds, ith, nth);
    for (uint64_t t = s.begin; t < s.end; ++t) {
        const uint32_t id = uint32_t(ids[t]);  // a negative id is out of range too
        if (id >= tableRows) {
            continue;
        }
        float* o = out + t * cols;
        dequantizeRow(type, table + id * rowBytes, cols, o);
        if (scale != 1.0f) {
            for (uint32_t c = 0; c < cols; ++c) {
                o[c] *= scale;
            }
        }
    }
}

void rmsnorm(const float* x, const float* w, float* out, uint32_t rows, uint32_t cols, float eps, uint32_t stride,
             unsigned ith, unsigned nth) {
    const uint64_t st = stride ? stride : cols;
    const Share s = share(rows, ith, nth);
    for (uint64_t r = s.begin; r < s.end; ++r) {
        const float* xr = x + r * st;
        float* o = out + r * st;
        float acc[8] = {};
        uint32_t c = 0;
        for (; c + 8 <= cols; c += 8) {
            for (int j = 0; j < 8; ++j) {
                acc[j] += xr[c + j] * xr[c + j];
            }
        }
        for (; c < cols; ++c) {
            acc[0] += xr[c] * xr[c];
        }
        const float ss = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
        const float inv = 1.0f / std::sqrt(ss / float(cols) + eps);
        if (w) {
            for (c = 0; c < cols; ++c) {
                o[c] = xr[c] * inv * w[c];
            }
        } else {
            for (c = 0; c < cols; ++c) {
                o[c] = xr[c] * inv;
            }
        }
    }
}

namespace {
template <typename F>
void binary(const float* a, const float* b, float* out, uint64_t n, uint64_t nb, unsigned ith, unsigned nth, F f) {
    const Share s = share(n, ith, nth, 16);
    if (nb == n || nb == 0) {
        for (uint64_t i = s.begin; i < s.end; ++i) {
            out[i] = f(a[i], b[i]);
        }
        return;
    }
    uint64_t j = s.begin % nb;
    for (uint64_t i = s.begin; i < s.end; ++i) {
        out[i] = f(a[i], b[j]);
        j = j + 1 == nb ? 0 : j + 1;
    }
}

float silu(float x) { return x / (1.0f + std::exp(-x)); }

float geluTanh(float x) {
    // As shaders/common/activation.glsl: tanh through exp of a clamped argument.
    const float t = std::clamp(0.7978845608028654f * (x + 0.044715f * x * x * x), -15.0f, 15.0f);
    const float e = std::exp(2.0f * t);
    return 0.5f * x * (1.0f + (e - 1.0f) / (e + 1.0f));
}
}  // namespace

void add(const float* a, const float* b, float* out, uint64_t n, uint64_t nb, unsigned ith, unsigned nth) {
    binary(a, b, out, n, nb, ith, nth, [](float u, float v) { return u + v; });
}

void mul(const float* a, const float* b, float* out, uint64_t n, uint64_t nb, unsigned ith, unsigned nth) {
    binary(a, b, out, n, nb, ith, nth, [](float u, float v) { return u * v; });
}

void scale(const float* a, float* out, uint64_t n, float s, unsigned ith, unsigned nth) {
    const Share r = share(n, ith, nth, 16);
    for (uint64_t i = r.begin; i < r.end; ++i) {
        out[i] = a[i] * s;
    }
}

void swiglu(const float* gate, const float* up, float* out, uint64_t n, unsigned ith, unsigned nth) {
    const Share r = share(n, ith, nth, 16);
    for (uint64_t i = r.begin; i < r.end; ++i) {
        out[i] = silu(gate[i]) * up[i];
    }
}

void geglu(const float* gate, const float* up, float* out, uint64_t n, unsigned ith, unsigned nth) {
    const Share r = share(n, ith, nth, 16);
    for (uint64_t i = r.begin; i < r.end; ++i) {
        out[i] = geluTanh(gate[i]) * up[i];
    }
}

void copyRows(const float* src, float* dst, uint32_t rows, uint32_t cols, uint32_t srcStride, uint32_t dstStride,
              unsigned ith, unsigned nth) {
    const Share s = share(rows, ith, nth);
    for (uint64_t r = s.begin; r < s.end; ++r) {
        std::memmove(dst + r * dstStride, src + r * srcStride, size_t(cols) * sizeof(float));
    }
}

void softmax(float* x, uint32_t rows, uint32_t cols, float scale, unsigned ith, unsigned nth) {
    const Share s = share(rows, ith, nth);
    for (uint64_t r = s.begin; r < s.end; ++r) {
        float* row = x + r * cols;
        float m = -std::numeric_limits<float>::infinity();
        for (uint32_t c = 0; c < cols; ++c) {
            m = std::max(m, row[c] * scale);
        }
        double sum = 0.0;
        for (uint32_t c = 0; c < cols; ++c) {
            row[c] = std::exp(row[c] * scale - m);
            sum += double(row[c]);
        }
        const float inv = float(1.0 / sum);
        for (uint32_t c = 0; c < cols; ++c) {
            row[c] *= inv;
        }
    }
}

// ---- rope, KV store ----------------------------------------------------------------------------------

void rope(float* x, const RopeParams& p, unsigned ith, unsigned nth) {
    const uint32_t nRot = p.nRot ? p.nRot : p.headDim, half = nRot / 2;
    const uint64_t tokenStride = p.tokenStride ? p.tokenStride : uint64_t(p.nHeads) * p.headDim;
    // ops::ropeMscale: YaRN's temperature on top of attnFactor.
    const double mscale = p.extFactor != 0.0f && p.freqScale > 0.0f
                              ? double(p.attnFactor) * (1.0 + 0.1 * std::log(1.0 / double(p.freqScale)))
                              : double(p.attnFactor);
    // Per pair: the trained frequency and how much of it YaRN keeps; the angles in double (positions reach 1e5+).
    std::vector<double> freq(half), keep(half);
    for (uint32_t i = 0; i < half; ++i) {
        freq[i] = std::pow(double(p.freqBase), -2.0 * i / nRot) / (p.freqFactors ? double(p.freqFactors[i]) : 1.0);
        const double y = (i - double(p.corrLow)) / std::max(0.001, double(p.corrHigh) - double(p.corrLow));
        keep[i] = p.extFactor != 0.0f ? (1.0 - std::clamp(y, 0.0, 1.0)) * double(p.extFactor) : 0.0;
    }
    std::vector<float> cs(2 * size_t(half));
    int64_t tokenOfTable = -1;
    const Share s = share(uint64_t(p.nTokens) * p.nHeads, ith, nth);
    for (uint64_t row = s.begin; row < s.end; ++row) {
        const uint64_t t = row / p.nHeads, h = row % p.nHeads;
        if (int64_t(t) != tokenOfTable) {
            tokenOfTable = int64_t(t);
            const double pos = p.positions ? double(p.positions[t]) : double(p.pos0) + double(t);
            for (uint32_t i = 0; i < half; ++i) {
                const double trained = pos * freq[i];
                const double theta = keep[i] * trained + (1.0 - keep[i]) * (double(p.freqScale) * trained);
                cs[2 * i] = float(std::cos(theta) * mscale);
                cs[2 * i + 1] = float(std::sin(theta) * mscale);
            }
        }
        float* head = x + t * tokenStride + h * p.headDim;
        for (uint32_t i = 0; i < half; ++i) {
            float& a = head[p.neox ? i : 2 * i];
            float& b = head[p.neox ? i + half : 2 * i + 1];
            const float a0 = a, b0 = b, c = cs[2 * i], sn = cs[2 * i + 1];
            a = a0 * c - b0 * sn;
            b = a0 * sn + b0 * c;
        }
    }
}

void kvStore(const float* src, void* cache, uint32_t nTokens, uint32_t width, uint32_t pos0, bool f16,
             uint32_t srcStride, uint32_t cacheStride, unsigned ith, unsigned nth) {
    const uint64_t ss = srcStride ? srcStride : width, cs = cacheStride ? cacheStride : width;
    // A share of the nTokens x width elements, cut into per-token segments.
    const Share s = share(uint64_t(nTokens) * width, ith, nth, 16);
    for (uint64_t i = s.begin; i < s.end;) {
        const uint64_t t = i / width, c = i % width, n = std::min<uint64_t>(width - c, s.end - i);
        const float* from = src + t * ss + c;
        const uint64_t at = (pos0 + t) * cs + c;
        if (f16) {
            toF16(from, static_cast<uint16_t*>(cache) + at, n);
        } else {
            std::memcpy(static_cast<float*>(cache) + at, from, n * sizeof(float));
        }
        i += n;
    }
}

// ---- selection: top-k, MoE routing and combine ----------------------------------------------------------

void topK(const float* values, uint32_t n, uint32_t k, float* outValues, uint32_t* outIndices) {
    // Insertion into the sorted best-k list; NaN as the lowest finite value (as shaders/topk.comp).
    constexpr float kLowest = std::numeric_limits<float>::lowest();
    uint32_t have = 0;
    for (uint32_t i = 0; i < n; ++i) {
        const float v = std::isnan(values[i]) ? kLowest : values[i];
        if (have == k && !(v > outValues[k - 1])) {
            continue;  // ties keep the earlier (lower) index
        }
        uint32_t j = have < k ? have++ : k - 1;
        while (j > 0 && v > outValues[j - 1]) {
            outValues[j] = outValues[j - 1];
            outIndices[j] = outIndices[j - 1];
            --j;
        }
        outValues[j] = v;
        outIndices[j] = i;
    }
    for (uint32_t j = have; j < k; ++j) {
        outValues[j] = kLowest;
        outIndices[j] = 0xFFFFFFFFu;
    }
}

void moeRoute(const MoeRouteParams& p, unsigned ith, unsigned nth) {
    const Share s = share(p.nTokens, ith, nth);
    std::vector<double> prob(p.nExpert), key(p.nExpert);
    std::vector<char> out(p.nExpert);  // 1: not selectable (chosen, or in a group left out)
    for (uint64_t t = s.begin; t < s.end; ++t) {
        const float* l = p.logits + t * p.nExpert;
        if (p.sigmoid) {
            for (uint32_t e = 0; e < p.nExpert; ++e) {
                prob[e] = 1.0 / (1.0 + std::exp(-double(l[e])));
            }
        } else {
            const double m = double(*std::max_element(l, l + p.nExpert));
            double sum = 0.0;
            for (uint32_t e = 0; e < p.nExpert; ++e) {
                prob[e] = std::exp(double(l[e]) - m);
                sum += prob[e];
            }
            for (double& v : prob) {
                v /= sum;
            }
        }
        for (uint32_t e = 0; e < p.nExpert; ++e) {
            key[e] = prob[e] + (p.bias ? double(p.bias[e]) : 0.0);
        }
        std::fill(out.begin(), out.end(), char(0));
        if (p.nGroups > 1) {
            // A group scores the sum of its two best keys; only the groupsUsed best groups (ties: lower) stay.
            const uint32_t per = p.nExpert / p.nGroups;
            std::vector<double> score(p.nGroups);
            for (uint32_t g = 0; g < p.nGroups; ++g) {
                double a = -INFINITY, b = -INFINITY;
                for (uint32_t e = g * per; e < (g + 1) * per; ++e) {
                    if (key[e] > a) {
                        b = a;
                        a = key[e];
                    } else if (key[e] > b) {
                        b = key[e];
                    }
                }
                score[g] = per > 1 ? a + b : a;
            }
            std::vector<char> kept(p.nGroups, 0);
            for (uint32_t j = 0; j < std::min(p.groupsUsed, p.nGroups); ++j) {
                uint32_t best = p.nGroups;
                for (uint32_t g = 0; g < p.nGroups; ++g) {
                    if (!kept[g] && (best == p.nGroups || score[g] > score[best])) {
                        best = g;
                    }
                }
                kept[best] = 1;
            }
            for (uint32_t e = 0; e < p.nExpert; ++e) {
                out[e] = char(e / per < p.nGroups && kept[e / per] ? 0 : 1);
            }
        }
        uint32_t* ids = p.ids + t * p.used;
        float* w = p.weights + t * p.used;
        double chosen = 0.0;
        for (uint32_t j = 0; j < p.used; ++j) {
            uint32_t best = p.nExpert;
            for (uint32_t e = 0; e < p.nExpert; ++e) {
                if (!out[e] && (best == p.nExpert || key[e] > key[best])) {
                    best = e;
                }
            }
            if (best == p.nExpert) {  // fewer selectable experts than used: a programmer error upstream
                best = 0;
            }
            out[best] = 1;
            ids[j] = best;
            chosen += prob[best];
        }
        const double norm = p.normalize && chosen > 0.0 ? 1.0 / chosen : 1.0;
        for (uint32_t j = 0; j < p.used; ++j) {
            w[j] = float(prob[ids[j]] * norm * double(p.scale));
        }
    }
}

void moeCombine(const float* y, const float* weights, float* out, uint32_t nTokens, uint32_t width, uint32_t used,
                bool accumulate, unsigned ith, unsigned nth) {
    const Share s = share(uint64_t(nTokens) * width, ith, nth, 16);
    for (uint64_t i = s.begin; i < s.end;) {
        const uint64_t t = i / width, c0 = i % width, n = std::min<uint64_t>(width - c0, s.end - i);
        const float* wt = weights + t * used;
        float* o = out + t * width;
        for (uint64_t c = c0; c < c0 + n; ++c) {
            float sum = 0.0f;
            for (uint32_t j = 0; j < used; ++j) {
                sum += wt[j] * y[(t * used + j) * width + c];
            }
            o[c] = accumulate ? o[c] + sum : sum;
        }
        i += n;
    }
}

}  // namespace lantern::cpu
