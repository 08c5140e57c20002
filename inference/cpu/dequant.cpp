// dequantizeRow (ops.h): one GGUF row to floats, for every weight type the engine runs. Each value is
// computed with the same f32 operations, in the same order, as inference/reference/weights.cpp
// (e.g. Q4_K: (d * scale) * code - dmin * min), so the two agree bit for bit; the loops are shaped for
// the compiler (whole sub-blocks, scales decoded once per sub-block) rather than for reading.
#include <cstring>

#include "inference/cpu/ops.h"

namespace lantern::cpu {

namespace {

using gguf::GgmlType;

constexpr int8_t kIq4nl[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

float half(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return f16ToF32(h);
}

void q4_0(const uint8_t* b, float* y, bool nl) {
    const float d = half(b);
    for (int j = 0; j < 16; ++j) {
        const int lo = b[2 + j] & 0xF, hi = b[2 + j] >> 4;
        y[j] = nl ? d * float(kIq4nl[lo]) : d * float(lo - 8);
        y[j + 16] = nl ? d * float(kIq4nl[hi]) : d * float(hi - 8);
    }
}

void q4_1(const uint8_t* b, float* y) {
    const float d = half(b), m = half(b + 2);
    for (int j = 0; j < 16; ++j) {
        y[j] = d * float(b[4 + j] & 0xF) + m;
        y[j + 16] = d * float(b[4 + j] >> 4) + m;
    }
}

void q5(const uint8_t* b, float* y, bool one) {
    const float d = half(b), m = one ? half(b + 2) : 0.0f;
    const uint8_t* p = b + (one ? 4 : 2);
    uint32_t qh;
    std::memcpy(&qh, p, 4);
    for (int j = 0; j < 16; ++j) {
        const int x0 = (p[4 + j] & 0xF) | int(((qh >> j) & 1) << 4);
        const int x1 = (p[4 + j] >> 4) | int(((qh >> (j + 16)) & 1) << 4);
        y[j] = one ? d * float(x0) + m : d * float(x0 - 16);
        y[j + 16] = one ? d * float(x1) + m : d * float(x1 - 16);
    }
}

void q8_0(const uint8_t* b, float* y) {
    const float d = half(b);
    for (int j = 0; j < 32; ++j) {
        y[j] = d * float(static_cast<int8_t>(b[2 + j]));
    }
}

void q2_K(const uint8_t* b, float* y) {
    const float d = half(b + 80), dmin = half(b + 82);
    const uint8_t* q = b + 16;
    int is = 0;
    for (int n = 0; n < 256; n += 128, q += 32) {
        for (int shift = 0; shift < 8; shift += 2) {
            for (int h = 0; h < 2; ++h, y += 16) {
                const uint8_t sc = b[is++];
                const float dl = d * float(sc & 0xF), ml = dmin * float(sc >> 4);
                for (int l = 0; l < 16; ++l) {
                    y[l] = dl * float((q[l + 16 * h] >> shift) & 3) - ml;
                }
            }
        }
    }
}

void q3_K(const uint8_t* b, float* y) {
    const float d = half(b + 108);
    const uint8_t* hm = b;
    const uint8_t* q = b + 32;
    const uint8_t* s = b + 96;
    float dl[16];
    for (int i = 0; i < 16; ++i) {
        const int lo = (s[i % 8] >> (4 * (i / 8))) & 0xF;
        const int hi = (s[8 + i % 4] >> (2 * (i / 4))) & 3;
        dl[i] = d * float((lo | (hi << 4)) - 32);
    }
    int is = 0;
    unsigned m = 1;
    for (int n = 0; n < 256; n += 128, q += 32) {
        for (int shift = 0; shift < 8; shift += 2, m <<= 1) {
            for (int h = 0; h < 2; ++h, y += 16) {
                const float scale = dl[is++];
                for (int l = 0; l < 16; ++l) {
                    const int i = 16 * h + l;
                    y[l] = scale * float(((q[i] >> shift) & 3) - ((hm[i] & m) ? 0 : 4));
                }
            }
        }
    }
}

// 6-bit scale and min j of Q4_K / Q5_K.
void scaleMin(int j, const uint8_t* q, int& sc, int& m) {
    if (j < 4) {
        sc = q[j] & 63;
        m = q[j + 4] & 63;
    } else {
        sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

void q45_K(const uint8_t* b, float* y, bool five) {
    const float d = half(b), dmin = half(b + 2);
    const uint8_t* sc = b + 4;
    const uint8_t* qh = b + 16;
    const uint8_t* q = b + (five ? 48 : 16);
    for (int j = 0; j < 4; ++j, q += 32, y += 64) {
        int s0, m0, s1, m1;
        scaleMin(2 * j, sc, s0, m0);
        scaleMin(2 * j + 1, sc, s1, m1);
        const float d0 = d * float(s0), n0 = dmin * float(m0), d1 = d * float(s1), n1 = dmin * float(m1);
        if (five) {
            for (int l = 0; l < 32; ++l) {
                y[l] = d0 * float((q[l] & 0xF) + (((qh[l] >> (2 * j)) & 1) << 4)) - n0;
                y[32 + l] = d1 * float((q[l] >> 4) + (((qh[l] >> (2 * j + 1)) & 1) << 4)) - n1;
            }
        } else {
            for (int l = 0; l < 32; ++l) {
                y[l] = d0 * float(q[l] & 0xF) - n0;
                y[32 + l] = d1 * float(q[l] >> 4) - n1;
            }
        }
    }
}

void q6_K(const uint8_t* b, float* y) {
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
            y[l] = d * float(sc[is]) * float(q1);
            y[l + 32] = d * float(sc[is + 2]) * float(q2);
            y[l + 64] = d * float(sc[is + 4]) * float(q3);
            y[l + 96] = d * float(sc[is + 6]) * float(q4);
        }
    }
}

void iq4_xs(const uint8_t* b, float* y) {
    const float d = half(b);
    uint16_t sh;
    std::memcpy(&sh, b + 2, 2);
    const uint8_t* q = b + 8;
    for (int ib = 0; ib < 8; ++ib, q += 16, y += 32) {
        const int ls = ((b[4 + ib / 2] >> (4 * (ib % 2))) & 0xF) | (((sh >> (2 * ib)) & 3) << 4);
        const float dl = d * float(ls - 32);
        for (int j = 0; j < 16; ++j) {
            y[j] = dl * float(kIq4nl[q[j] & 0xF]);
            y[j + 16] = dl * float(kIq4nl[q[j] >> 4]);
        }
    }
}

}  // namespace

void dequantizeRow(gguf::GgmlType type, const std::byte* row, uint32_t cols, float* out) {
    const auto* p = reinterpret_cast<const uint8_t*>(row);
    switch (type) {
    case GgmlType::F32: std::memcpy(out, p, size_t(cols) * 4); return;
    case GgmlType::F16: fromF16(reinterpret_cast<const uint16_t*>(row), out, cols); return;
    case GgmlType::BF16:
        for (uint32_t i = 0; i < cols; ++i) {
            uint16_t h;
            std::memcpy(&h, p + 2 * i, 2);
            const uint32_t bits = uint32_t(h) << 16;
            std::memcpy(out + i, &bits, 4);
        }
        return;
    default: break;
    }
    const auto traits = gguf::typeTraits(type);
    if (!traits || traits->blockElems == 0) {
        return;
    }
    const uint32_t blocks = cols / traits->blockElems, be = traits->blockElems;
    const uint64_t bb = traits->blockBytes;
    for (uint32_t i = 0; i < blocks; ++i, p += bb, out += be) {
        switch (type) {
        case GgmlType::Q4_0: q4_0(p, out, false); break;
        case GgmlType::IQ4_NL: q4_0(p, out, true); break;
        case GgmlType::Q4_1: q4_1(p, out); break;
        case GgmlType::Q5_0: q5(p, out, false); break;
        case GgmlType::Q5_1: q5(p, out, true); break;
        case GgmlType::Q8_0: q8_0(p, out); break;
        case GgmlType::Q2_K: q2_K(p, out); break;
        case GgmlType::Q3_K: q3_K(p, out); break;
        case GgmlType::Q4_K: q45_K(p, out, false); break;
        case GgmlType::Q5_K: q45_K(p, out, true); break;
        case GgmlType::Q6_K: q6_K(p, out); break;
        case GgmlType::IQ4_XS: iq4_xs(p, out); break;
        default: return;
        }
    }
}

}  // namespace lantern::cpu
