// CPU reference for GGUF weight types (see weights.h). The block layouts are facts of the GGUF format
// (ggml's block_q4_0 ... block_iq4_xs); the code is written for clarity, one block at a time.
#include "inference/reference/weights.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "inference/reference/numbers.h"

namespace lantern::reference {
namespace {

using gguf::GgmlType;

float half(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return fromHalf(h);
}

void putHalf(uint8_t* p, float f) {
    const uint16_t h = toHalf(f);
    std::memcpy(p, &h, 2);
}

constexpr int8_t kIq4nl[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

// 6-bit scale and min j (0..7) of Q4_K / Q5_K from their 12 packed bytes.
void scaleMin(int j, const uint8_t* q, int& sc, int& m) {
    if (j < 4) {
        sc = q[j] & 63;
        m = q[j + 4] & 63;
    } else {
        sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// One block of `type` at b into y (blockElems floats).
void dequantBlock(gguf::GgmlType type, const uint8_t* b, float* y) {
    using gguf::GgmlType;
    switch (type) {
    case GgmlType::Q4_0: case GgmlType::IQ4_NL: {
        const float d = half(b);
        for (int j = 0; j < 16; ++j) {
            const int lo = b[2 + j] & 0xF, hi = b[2 + j] >> 4;
            y[j] = type == GgmlType::Q4_0 ? d * (lo - 8) : d * kIq4nl[lo];
            y[j + 16] = type == GgmlType::Q4_0 ? d * (hi - 8) : d * kIq4nl[hi];
        }
        return;
    }
    case GgmlType::Q4_1: {
        const float d = half(b), m = half(b + 2);
        for (int j = 0; j < 16; ++j) {
            y[j] = d * (b[4 + j] & 0xF) + m;
            y[j + 16] = d * (b[4 + j] >> 4) + m;
        }
        return;
    }
    case GgmlType::Q5_0: case GgmlType::Q5_1: {
        const bool one = type == GgmlType::Q5_1;
        const float d = half(b), m = one ? half(b + 2) : 0.0f;
        const uint8_t* p = b + (one ? 4 : 2);
        uint32_t qh;
        std::memcpy(&qh, p, 4);
        for (int j = 0; j < 16; ++j) {
            const int x0 = (p[4 + j] & 0xF) | (((qh >> j) & 1) << 4);
            const int x1 = (p[4 + j] >> 4) | (((qh >> (j + 16)) & 1) << 4);
            y[j] = one ? d * x0 + m : d * (x0 - 16);
            y[j + 16] = one ? d * x1 + m : d * (x1 - 16);
        }
        return;
    }
    case GgmlType::Q8_0: {
        const float d = half(b);
        for (int j = 0; j < 32; ++j) {
            y[j] = d * static_cast<int8_t>(b[2 + j]);
        }
        return;
    }
    case GgmlType::Q2_K: {
        const float d = half(b + 80), dmin = half(b + 82);
        const uint8_t* q = b + 16;
        int is = 0;
        for (int n = 0; n < 256; n += 128, q += 32) {
            for (int shift = 0; shift < 8; shift += 2) {
                for (int half16 = 0; half16 < 2; ++half16) {
                    const uint8_t sc = b[is++];
                    for (int l = 0; l < 16; ++l) {
                        *y++ = d * (sc & 0xF) * ((q[l + 16 * half16] >> shift) & 3) - dmin * (sc >> 4);
                    }
                }
            }
        }
        return;
    }
    case GgmlType::Q3_K: {
        const float d = half(b + 108);
        const uint8_t* hm = b;
        const uint8_t* q = b + 32;
        const uint8_t* s = b + 96;
        int scales[16];
        for (int i = 0; i < 16; ++i) {
            const int lo = (s[i % 8] >> (4 * (i / 8))) & 0xF;
            const int hi = (s[8 + i % 4] >> (2 * (i / 4))) & 3;
            scales[i] = (lo | (hi << 4)) - 32;
        }
        int is = 0;
        uint8_t m = 1;
        for (int n = 0; n < 256; n += 128, q += 32) {
            for (int shift = 0; shift < 8; shift += 2, m <<= 1) {
                for (int half16 = 0; half16 < 2; ++half16) {
                    const float dl = d * scales[is++];
                    for (int l = 16 * half16; l < 16 * half16 + 16; ++l) {
                        *y++ = dl * (((q[l] >> shift) & 3) - ((hm[l] & m) ? 0 : 4));
                    }
                }
            }
        }
        return;
    }
    case GgmlType::Q4_K: case GgmlType::Q5_K: {
        const bool five = type == GgmlType::Q5_K;
        const float d = half(b), dmin = half(b + 2);
        const uint8_t* sc = b + 4;
        const uint8_t* qh = b + 16;
        const uint8_t* q = b + (five ? 48 : 16);
        for (int j = 0; j < 4; ++j, q += 32) {
            int s0, m0, s1, m1;
            scaleMin(2 * j, sc, s0, m0);
            scaleMin(2 * j + 1, sc, s1, m1);
            for (int l = 0; l < 32; ++l) {
                const int h0 = five ? ((qh[l] >> (2 * j)) & 1) << 4 : 0;
                y[l] = d * s0 * ((q[l] & 0xF) + h0) - dmin * m0;
            }
            for (int l = 0; l < 32; ++l) {
                const int h1 = five ? ((qh[l] >> (2 * j + 1)) & 1) << 4 : 0;
                y[32 + l] = d * s1 * ((q[l] >> 4) + h1) - dmin * m1;
            }
            y += 64;
        }
        return;
    }
    case GgmlType::Q6_K: {
        const float d = half(b + 208);
        const uint8_t* ql = b;
        const uint8_t* qh = b + 128;
        const int8_t* sc = reinterpret_cast<const int8_t*>(b + 192);
        for (int n = 0; n < 256; n += 128, ql += 64, qh += 32, sc += 8, y += 128) {
            for (int l = 0; l < 32; ++l) {
                const int is = l / 16;
                const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * sc[is] * q1;
                y[l + 32] = d * sc[is + 2] * q2;
                y[l + 64] = d * sc[is + 4] * q3;
                y[l + 96] = d * sc[is + 6] * q4;
            }
        }
        return;
    }
    case GgmlType::IQ4_XS: {
        const float d = half(b);
        uint16_t sh;
        std::memcpy(&sh, b + 2, 2);
        const uint8_t* q = b + 8;
        for (int ib = 0; ib < 8; ++ib, q += 16, y += 32) {
            const int ls = ((b[4 + ib / 2] >> (4 * (ib % 2))) & 0xF) | (((sh >> (2 * ib)) & 3) << 4);
            const float dl = d * (ls - 32);
            for (int j = 0; j < 16; ++j) {
                y[j] = dl * kIq4nl[q[j] & 0xF];
                y[j + 16] = dl * kIq4nl[q[j] >> 4];
            }
        }
        return;
    }
    default: return;
    }
}

// ---- quantization ----------------------------------------------------------------------------------

int clampRound(float v, int lo, int hi) { return std::clamp(static_cast<int>(std::lround(v)), lo, hi); }

// The element of largest magnitude, with its sign.
float signedMax(const float* x, int n) {
    float m = 0.0f;
    for (int i = 0; i < n; ++i) {
        if (std::fabs(x[i]) > std::fabs(m)) {
            m = x[i];
        }
    }
    return m;
}

// Stores d as f16 at p and returns what a reader gets back, so codes are chosen for the stored scale.
float storeScale(uint8_t* p, float d) {
    putHalf(p, d);
    return half(p);
}

int nearestIq4nl(float v) {
    int best = 0;
    for (int i = 1; i < 16; ++i) {
        if (std::fabs(v - kIq4nl[i]) < std::fabs(v - kIq4nl[best])) {
            best = i;
        }
    }
    return best;
}

// Asymmetric (scale, min) pairs of `subs` sub-blocks of `len` elements for codes 0..maxCode, with
// min = -min(0, smallest element): value = scale * code - min.
void scalesAndMins(const float* x, int subs, int len, int maxCode, float* scale, float* min) {
    for (int s = 0; s < subs; ++s) {
        const float* v = x + s * len;
        const float lo = std::min(0.0f, *std::min_element(v, v + len));
        const float hi = *std::max_element(v, v + len);
        scale[s] = (hi - lo) / float(maxCode);
        min[s] = -lo;
    }
}

// Improves one sub-block's (scale, min), value = scale * code - min, by alternating: codes for the
// current pair, then the least-squares pair for those codes (kept only while the error drops and the pair
// stays storable: scale > 0, min >= 0).
void refitScaleMin(const float* x, int n, int maxCode, float& scale, float& min) {
    const auto error = [&](float a, float m) {
        double e = 0.0;
        for (int i = 0; i < n; ++i) {
            const int q = a > 0.0f ? clampRound((x[i] + m) / a, 0, maxCode) : 0;
            const double d = double(a) * q - double(m) - double(x[i]);
            e += d * d;
        }
        return e;
    };
    double best = error(scale, min);
    for (int iter = 0; iter < 4 && scale > 0.0f; ++iter) {
        double sq = 0, sx = 0, sqq = 0, sqx = 0;
        for (int i = 0; i < n; ++i) {
            const int q = clampRound((x[i] + min) / scale, 0, maxCode);
            sq += q;
            sx += double(x[i]);
            sqq += double(q) * q;
            sqx += double(q) * double(x[i]);
        }
        const double det = n * sqq - sq * sq;
        if (det <= 0.0) {
            return;
        }
        const float a = float((n * sqx - sq * sx) / det);
        const float m = float((double(a) * sq - sx) / n);
        if (!(a > 0.0f) || m < 0.0f) {
            return;
        }
        const double e = error(a, m);
        if (e >= best) {
            return;
        }
        best = e;
        scale = a;
        min = m;
    }
}

void quantBlock(GgmlType type, const float* x, uint8_t* b) {
    switch (type) {
    case GgmlType::Q4_0: case GgmlType::IQ4_NL: {
        const bool nl = type == GgmlType::IQ4_NL;
        const float d = storeScale(b, signedMax(x, 32) / (nl ? float(kIq4nl[0]) : -8.0f));
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        for (int j = 0; j < 16; ++j) {
            const int lo = nl ? nearestIq4nl(x[j] * id) : clampRound(x[j] * id + 8.0f, 0, 15);
            const int hi = nl ? nearestIq4nl(x[j + 16] * id) : clampRound(x[j + 16] * id + 8.0f, 0, 15);
            b[2 + j] = static_cast<uint8_t>(lo | (hi << 4));
        }
        return;
    }
    case GgmlType::Q4_1: case GgmlType::Q5_1: {
        const bool five = type == GgmlType::Q5_1;
        const int maxCode = five ? 31 : 15;
        const float lo = *std::min_element(x, x + 32), hi = *std::max_element(x, x + 32);
        const float d = storeScale(b, (hi - lo) / float(maxCode));
        const float m = storeScale(b + 2, lo);
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        uint8_t* qs = b + (five ? 8 : 4);
        uint32_t qh = 0;
        for (int j = 0; j < 16; ++j) {
            const int q0 = clampRound((x[j] - m) * id, 0, maxCode);
            const int q1 = clampRound((x[j + 16] - m) * id, 0, maxCode);
            qs[j] = static_cast<uint8_t>((q0 & 0xF) | ((q1 & 0xF) << 4));
            qh |= uint32_t(q0 >> 4) << j | uint32_t(q1 >> 4) << (j + 16);
        }
        if (five) {
            std::memcpy(b + 4, &qh, 4);
        }
        return;
    }
    case GgmlType::Q5_0: {
        const float d = storeScale(b, signedMax(x, 32) / -16.0f);
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        uint32_t qh = 0;
        for (int j = 0; j < 16; ++j) {
            const int q0 = clampRound(x[j] * id + 16.0f, 0, 31);
            const int q1 = clampRound(x[j + 16] * id + 16.0f, 0, 31);
            b[6 + j] = static_cast<uint8_t>((q0 & 0xF) | ((q1 & 0xF) << 4));
            qh |= uint32_t(q0 >> 4) << j | uint32_t(q1 >> 4) << (j + 16);
        }
        std::memcpy(b + 2, &qh, 4);
        return;
    }
    case GgmlType::Q8_0: {
        const float d = storeScale(b, std::fabs(signedMax(x, 32)) / 127.0f);
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        for (int j = 0; j < 32; ++j) {
            b[2 + j] = static_cast<uint8_t>(static_cast<int8_t>(clampRound(x[j] * id, -127, 127)));
        }
        return;
    }
    case GgmlType::Q2_K: {  // 16 sub-blocks of 16, 4-bit scale and min each, codes 0..3
        // With only four codes the min/max fit wastes much of the range; a few least-squares refits of
        // (scale, min) to the codes they give roughly halve the error.
        float scale[16], min[16];
        scalesAndMins(x, 16, 16, 3, scale, min);
        for (int s = 0; s < 16; ++s) {
            refitScaleMin(x + 16 * s, 16, 3, scale[s], min[s]);
        }
        const float d = storeScale(b + 80, *std::max_element(scale, scale + 16) / 15.0f);
        const float dmin = storeScale(b + 82, *std::max_element(min, min + 16) / 15.0f);
        std::memset(b + 16, 0, 64);
        for (int s = 0; s < 16; ++s) {
            const int ls = d > 0.0f ? clampRound(scale[s] / d, 0, 15) : 0;
            const int lm = dmin > 0.0f ? clampRound(min[s] / dmin, 0, 15) : 0;
            b[s] = static_cast<uint8_t>(ls | (lm << 4));
            const float dl = d * float(ls), ml = dmin * float(lm);
            for (int i = 0; i < 16; ++i) {
                const int e = 16 * s + i;
                const int q = dl > 0.0f ? clampRound((x[e] + ml) / dl, 0, 3) : 0;
                b[16 + 32 * (e / 128) + e % 32] |= static_cast<uint8_t>(q << (2 * ((e % 128) / 32)));
            }
        }
        return;
    }
    case GgmlType::Q3_K: {  // 16 sub-blocks of 16, 6-bit signed scales, codes -4..3 (2 bits + high mask)
        // Each sub-block's scale maps its largest-magnitude element onto code -4 (the sign goes into the scale).
        float scale[16], largest = 0.0f;
        for (int s = 0; s < 16; ++s) {
            scale[s] = signedMax(x + 16 * s, 16) / -4.0f;
            largest = std::max(largest, std::fabs(scale[s]));
        }
        const float d = storeScale(b + 108, largest / 31.0f);
        std::memset(b, 0, 108);
        for (int s = 0; s < 16; ++s) {
            const int ls = d > 0.0f ? clampRound(scale[s] / d, -32, 31) : 0;
            const int v = ls + 32;
            b[96 + s % 8] |= static_cast<uint8_t>((v & 0xF) << (4 * (s / 8)));
            b[104 + s % 4] |= static_cast<uint8_t>((v >> 4) << (2 * (s / 4)));
            const float dl = d * float(ls);
            for (int i = 0; i < 16; ++i) {
                const int e = 16 * s + i;
                const int u = (dl != 0.0f ? clampRound(x[e] / dl, -4, 3) : 0) + 4;
                b[32 + 32 * (e / 128) + e % 32] |= static_cast<uint8_t>((u & 3) << (2 * ((e % 128) / 32)));
                b[e % 32] |= static_cast<uint8_t>((u >> 2) << (e / 32));
            }
        }
        return;
    }
    case GgmlType::Q4_K: case GgmlType::Q5_K: {  // 8 sub-blocks of 32, 6-bit scale and min each
        const bool five = type == GgmlType::Q5_K;
        const int maxCode = five ? 31 : 15;
        float scale[8], min[8];
        scalesAndMins(x, 8, 32, maxCode, scale, min);
        const float d = storeScale(b, *std::max_element(scale, scale + 8) / 63.0f);
        const float dmin = storeScale(b + 2, *std::max_element(min, min + 8) / 63.0f);
        uint8_t* sc = b + 4;
        uint8_t* qh = b + 16;
        uint8_t* qs = b + (five ? 48 : 16);
        std::memset(sc, 0, 12);
        std::memset(qh, 0, five ? 160 : 128);
        for (int j = 0; j < 8; ++j) {
            const int ls = d > 0.0f ? clampRound(scale[j] / d, 0, 63) : 0;
            const int lm = dmin > 0.0f ? clampRound(min[j] / dmin, 0, 63) : 0;
            if (j < 4) {
                sc[j] |= static_cast<uint8_t>(ls);
                sc[j + 4] |= static_cast<uint8_t>(lm);
            } else {
                sc[j + 4] = static_cast<uint8_t>((ls & 0xF) | ((lm & 0xF) << 4));
                sc[j - 4] |= static_cast<uint8_t>((ls >> 4) << 6);
                sc[j] |= static_cast<uint8_t>((lm >> 4) << 6);
            }
            const float dl = d * float(ls), ml = dmin * float(lm);
            for (int l = 0; l < 32; ++l) {
                const int q = dl > 0.0f ? clampRound((x[32 * j + l] + ml) / dl, 0, maxCode) : 0;
                qs[32 * (j / 2) + l] |= static_cast<uint8_t>((q & 0xF) << (4 * (j % 2)));
                if (five) {
                    qh[l] |= static_cast<uint8_t>((q >> 4) << j);
                }
            }
        }
        return;
    }
    case GgmlType::Q6_K: {  // 16 sub-blocks of 16, int8 scales, codes -32..31 (4 + 2 bits)
        // Each sub-block's scale maps its largest-magnitude element onto code -32 (the sign goes into the scale).
        float scale[16], largest = 0.0f;
        for (int s = 0; s < 16; ++s) {
            scale[s] = signedMax(x + 16 * s, 16) / -32.0f;
            largest = std::max(largest, std::fabs(scale[s]));
        }
        const float d = storeScale(b + 208, largest / 127.0f);
        std::memset(b, 0, 192);
        for (int s = 0; s < 16; ++s) {
            const int ls = d > 0.0f ? clampRound(scale[s] / d, -127, 127) : 0;
            b[192 + s] = static_cast<uint8_t>(static_cast<int8_t>(ls));
            const float dl = d * float(ls);
            for (int i = 0; i < 16; ++i) {
                const int e = 16 * s + i, n = e / 128, k = (e % 128) / 32, l = e % 32;
                const int q = (dl != 0.0f ? clampRound(x[e] / dl, -32, 31) : 0) + 32;
                b[64 * n + l + 32 * (k % 2)] |= static_cast<uint8_t>((q & 0xF) << (4 * (k / 2)));
                b[128 + 32 * n + l] |= static_cast<uint8_t>((q >> 4) << (2 * k));
            }
        }
        return;
    }
    case GgmlType::IQ4_XS: {  // 8 sub-blocks of 32, 6-bit signed scales, codes from the IQ4_NL table
        float scale[8];
        float largest = 0.0f;
        for (int ib = 0; ib < 8; ++ib) {
            scale[ib] = signedMax(x + 32 * ib, 32) / float(kIq4nl[0]);
            largest = std::max(largest, std::fabs(scale[ib]));
        }
        const float d = storeScale(b, largest / 31.0f);
        uint16_t sh = 0;
        std::memset(b + 4, 0, 4);
        for (int ib = 0; ib < 8; ++ib) {
            const int ls = d > 0.0f ? clampRound(scale[ib] / d, -32, 31) : 0;
            const int v = ls + 32;
            b[4 + ib / 2] |= static_cast<uint8_t>((v & 0xF) << (4 * (ib % 2)));
            sh |= static_cast<uint16_t>((v >> 4) << (2 * ib));
            const float dl = d * float(ls);
            const float id = dl != 0.0f ? 1.0f / dl : 0.0f;
            for (int j = 0; j < 16; ++j) {
                const int lo = nearestIq4nl(x[32 * ib + j] * id), hi = nearestIq4nl(x[32 * ib + j + 16] * id);
                b[8 + 16 * ib + j] = static_cast<uint8_t>(lo | (hi << 4));
            }
        }
        std::memcpy(b + 2, &sh, 2);
        return;
    }
    default: return;
    }
}

constexpr std::array kWeightTypes = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q4_0,   GgmlType::Q4_1,
                                     GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q2_K,   GgmlType::Q3_K,
                                     GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K, GgmlType::IQ4_NL, GgmlType::IQ4_XS};

}  // namespace

std::span<const GgmlType> weightTypes() { return kWeightTypes; }

uint64_t byteSize(GgmlType type, uint64_t n) {
    const auto traits = gguf::typeTraits(type);
    return traits && traits->blockElems ? n / traits->blockElems * traits->blockBytes : 0;
}

std::vector<float> dequantize(GgmlType type, std::span<const std::byte> data, uint64_t n) {
    std::vector<float> out(n);
    const auto* p = reinterpret_cast<const uint8_t*>(data.data());
    if (type == GgmlType::F32) {
        std::memcpy(out.data(), p, n * 4);
    } else if (type == GgmlType::F16 || type == GgmlType::BF16) {
        for (uint64_t i = 0; i < n; ++i) {
            uint16_t h;
            std::memcpy(&h, p + 2 * i, 2);
            out[i] = type == GgmlType::F16 ? fromHalf(h) : fromBf16(h);
        }
    } else {
        const auto traits = gguf::typeTraits(type);
        for (uint64_t blk = 0; blk < n / traits->blockElems; ++blk) {
            dequantBlock(type, p + blk * traits->blockBytes, out.data() + blk * traits->blockElems);
        }
    }
    return out;
}

std::vector<std::byte> quantize(GgmlType type, std::span<const float> x) {
    std::vector<std::byte> out(byteSize(type, x.size()));
    auto* p = reinterpret_cast<uint8_t*>(out.data());
    if (type == GgmlType::F32) {
        std::memcpy(p, x.data(), x.size() * 4);
    } else if (type == GgmlType::F16 || type == GgmlType::BF16) {
        for (size_t i = 0; i < x.size(); ++i) {
            const uint16_t h = type == GgmlType::F16 ? toHalf(x[i]) : toBf16(x[i]);
            std::memcpy(p + 2 * i, &h, 2);
        }
    } else {
        const auto traits = gguf::typeTraits(type);
        for (size_t blk = 0; blk < x.size() / traits->blockElems; ++blk) {
            quantBlock(type, x.data() + blk * traits->blockElems, p + blk * traits->blockBytes);
        }
    }
    return out;
}

}  // namespace lantern::reference
