#pragma once
// Scalar dequantization of GGUF blocks for the op tests, written block by block from the GGUF
// specification (the loops of ggml's dequantize_row_* / gguf-py quants.py), independently of the
// shaders' 32-element-unit decoders. Stand-in until inference/reference's dequantizeRow lands.
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "inference/gguf/types.h"

namespace lantern::test::local {

// IEEE half to float.
inline float fromHalfBits(uint16_t h) {
    const uint32_t sign = (h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1F, mant = h & 0x3FFu;
    uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {
            int e = -1;
            do {
                mant <<= 1;
                ++e;
            } while ((mant & 0x400u) == 0);
            bits = sign | (static_cast<uint32_t>(127 - 15 - e) << 23) | ((mant & 0x3FFu) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7F800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

inline float half(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return fromHalfBits(h);
}

inline constexpr int8_t kIq4nl[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

// 6-bit scale and min j (0..7) of Q4_K / Q5_K from their 12 packed bytes.
inline void scaleMin(int j, const uint8_t* q, int& sc, int& m) {
    if (j < 4) {
        sc = q[j] & 63;
        m = q[j + 4] & 63;
    } else {
        sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// One block of `type` at b into y (blockElems floats).
inline void dequantBlock(gguf::GgmlType type, const uint8_t* b, float* y) {
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

// rows x cols floats of a GGUF tensor.
inline std::vector<float> dequantize(gguf::GgmlType type, std::span<const std::byte> data, uint32_t rows,
                                     uint32_t cols) {
    using gguf::GgmlType;
    const size_t n = size_t(rows) * cols;
    std::vector<float> out(n);
    const auto* p = reinterpret_cast<const uint8_t*>(data.data());
    if (type == GgmlType::F32) {
        std::memcpy(out.data(), p, n * 4);
    } else if (type == GgmlType::F16 || type == GgmlType::BF16) {
        for (size_t i = 0; i < n; ++i) {
            uint16_t h;
            std::memcpy(&h, p + 2 * i, 2);
            if (type == GgmlType::F16) {
                out[i] = fromHalfBits(h);
            } else {
                const uint32_t bits = uint32_t{h} << 16;
                std::memcpy(&out[i], &bits, 4);
            }
        }
    } else {
        const auto traits = gguf::typeTraits(type);
        for (size_t blk = 0; blk < n / traits->blockElems; ++blk) {
            dequantBlock(type, p + blk * traits->blockBytes, out.data() + blk * traits->blockElems);
        }
    }
    return out;
}

}  // namespace lantern::test::local
