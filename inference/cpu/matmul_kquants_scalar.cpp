// Portable K-quant kernels: the unpackers every ISA can fall back on (kScalarUnpack), the scalar product on
// the common form of kquants.h, and the Q8_K quantizer's definition. The fallback on any CPU and the SIMD
// kernels' reference in tests; bounded by instructions (a few per weight per token), not bytes.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "inference/cpu/kquants.h"
#include "inference/cpu/scratch.h"
#include "inference/reference/numbers.h"

namespace lantern::cpu::kq {
namespace {

float half(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return reference::fromHalf(h);
}

void setScales(Unpacked& u, const int (&S)[16], const int (&M)[16]) {
    for (int i = 0; i < 128; ++i) {
        u.s[i] = int16_t(S[i / 8]);
    }
    for (int j = 0; j < 16; ++j) {
        u.m[j] = int16_t(M[j]);
    }
}

// Q2_K: scales[16] (low nibble S, high nibble M), qs[64] (2-bit codes: element e in byte 32*(e/128) + e%32
// at bit 2*((e%128)/32)), f16 d, f16 dmin.
void unpackQ2K(const uint8_t* b, Unpacked& u) {
    int S[16], M[16];
    for (int j = 0; j < 16; ++j) {
        S[j] = b[j] & 0xF;
        M[j] = b[j] >> 4;
    }
    for (int e = 0; e < 256; ++e) {
        u.q[e] = uint8_t((b[16 + 32 * (e / 128) + e % 32] >> (2 * ((e % 128) / 32))) & 3);
    }
    setScales(u, S, M);
    u.d = half(b + 80);
    u.dmin = half(b + 82);
}

// Q3_K: hmask[32] (bit e/32 of byte e%32 set: code not lowered by 4), qs[64] (as Q2_K), 12 bytes of 6-bit
// signed scales, f16 d. Code c - 4 (c = 2 bits + 4 * high bit) is d * S * c - d * (4 S).
void unpackQ3K(const uint8_t* b, Unpacked& u) {
    int S[16], M[16];
    const uint8_t* s = b + 96;
    for (int i = 0; i < 16; ++i) {
        const int lo = (s[i % 8] >> (4 * (i / 8))) & 0xF;
        const int hi = (s[8 + i % 4] >> (2 * (i / 4))) & 3;
        S[i] = (lo | (hi << 4)) - 32;
        M[i] = 4 * S[i];
    }
    for (int e = 0; e < 256; ++e) {
        const int lo = (b[32 + 32 * (e / 128) + e % 32] >> (2 * ((e % 128) / 32))) & 3;
        const int hi = (b[e % 32] >> (e / 32)) & 1;
        u.q[e] = uint8_t(lo | (hi << 2));
    }
    setScales(u, S, M);
    u.d = half(b + 108);
    u.dmin = u.d;
}

// Q4_K / Q5_K: f16 d, f16 dmin, 12 bytes of 6-bit scales and mins per 32 elements, (Q5_K: qh[32], bit
// e/32 of byte e%32 is the fifth bit), qs[128]: element e in byte 32*(e/64) + e%32, low nibble when
// (e/32) is even.
template <bool Five>
void unpackQ45K(const uint8_t* b, Unpacked& u) {
    const uint8_t* sc = b + 4;
    const uint8_t* qh = b + 16;
    const uint8_t* qs = b + (Five ? 48 : 16);
    int S[16], M[16];
    for (int j = 0; j < 8; ++j) {
        int s, m;
        if (j < 4) {
            s = sc[j] & 63;
            m = sc[j + 4] & 63;
        } else {
            s = (sc[j + 4] & 0xF) | ((sc[j - 4] >> 6) << 4);
            m = (sc[j + 4] >> 4) | ((sc[j] >> 6) << 4);
        }
        S[2 * j] = S[2 * j + 1] = s;
        M[2 * j] = M[2 * j + 1] = m;
    }
    for (int e = 0; e < 256; ++e) {
        const uint8_t byte = qs[32 * (e / 64) + e % 32];
        int c = (e / 32) % 2 ? byte >> 4 : byte & 0xF;
        if (Five) {
            c |= ((qh[e % 32] >> (e / 32)) & 1) << 4;
        }
        u.q[e] = uint8_t(c);
    }
    setScales(u, S, M);
    u.d = half(b);
    u.dmin = half(b + 2);
}

// Q6_K: ql[128], qh[64], int8 scales[16], f16 d. Element e = 128 n + 32 k + l (k = 0..3, l = 0..31): low
// 4 bits in ql[64 n + 32 (k % 2) + l] (high nibble when k >= 2), high 2 bits at bit 2k of qh[32 n + l].
// Code c - 32 is d * S * c - d * (32 S).
void unpackQ6K(const uint8_t* b, Unpacked& u) {
    int S[16], M[16];
    for (int j = 0; j < 16; ++j) {
        S[j] = int8_t(b[192 + j]);
        M[j] = 32 * S[j];
    }
    for (int e = 0; e < 256; ++e) {
        const int n = e / 128, k = (e % 128) / 32, l = e % 32;
        const uint8_t lo = b[64 * n + 32 * (k % 2) + l];
        const int c = (k >= 2 ? lo >> 4 : lo & 0xF) | (((b[128 + 32 * n + l] >> (2 * k)) & 3) << 4);
        u.q[e] = uint8_t(c);
    }
    setScales(u, S, M);
    u.d = half(b + 208);
    u.dmin = u.d;
}

// IQ4_XS: f16 d, scales_h (u16: 2 high bits per 32), scales_l[4] (4 low bits per 32), qs[128]: element
// 32 ib + j in byte 16 ib + j % 16, low nibble for j < 16; the nibble indexes the IQ4_NL table.
constexpr int8_t kIq4nl[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

void unpackIQ4XS(const uint8_t* b, Unpacked& u) {
    uint16_t sh;
    std::memcpy(&sh, b + 2, 2);
    int S[16], M[16] = {};
    for (int ib = 0; ib < 8; ++ib) {
        const int ls = ((b[4 + ib / 2] >> (4 * (ib % 2))) & 0xF) | (((sh >> (2 * ib)) & 3) << 4);
        S[2 * ib] = S[2 * ib + 1] = ls - 32;
        for (int j = 0; j < 16; ++j) {
            const uint8_t byte = b[8 + 16 * ib + j];
            u.q[32 * ib + j] = uint8_t(kIq4nl[byte & 0xF]);
            u.q[32 * ib + 16 + j] = uint8_t(kIq4nl[byte >> 4]);
        }
    }
    setScales(u, S, M);
    u.d = half(b);
    u.dmin = 0.0f;
}

// One block of one row against one Q8_K block, exactly as kquants.h writes it.
template <bool Signed>
float blockDot(const Unpacked& u, const BlockQ8K& x) {
    int32_t sum = 0, mins = 0;
    for (int j = 0; j < 16; ++j) {
        int32_t sj = 0;
        for (int e = 16 * j; e < 16 * j + 16; ++e) {
            const int q = Signed ? int(int8_t(u.q[e])) : int(u.q[e]);
            sj += q * x.qs[e];
        }
        sum += u.s[8 * j] * sj;
        mins += u.m[j] * x.bsums[j];
    }
    return x.d * (u.d * float(sum) - u.dmin * float(mins));
}

// Each row's blocks are unpacked once, then used for every token.
template <int K>
void multiply(const MatArgs& a) {
    const uint32_t nb = a.cols / 256;
    const uint64_t rowBytes = uint64_t(nb) * kBlockBytes[K];
    Scratch<Unpacked> row(nb);
    const auto* w = reinterpret_cast<const uint8_t*>(a.w);
    for (uint32_t r = a.r0; r < a.r1; ++r) {
        for (uint32_t b = 0; b < nb; ++b) {
            kScalarUnpack[K](w + r * rowBytes + uint64_t(b) * kBlockBytes[K], row[b]);
        }
        for (uint32_t t = a.t0; t < a.t1; ++t) {
            const auto* x = reinterpret_cast<const BlockQ8K*>(a.x + t * a.xStride);
            float acc = 0.0f;
            for (uint32_t b = 0; b < nb; ++b) {
                acc += blockDot<signedCodes(K)>(row[b], x[b]);
            }
            float& y = a.y[t * a.yStride + r];
            y = a.accumulate ? y + acc : acc;
        }
    }
}

// The Q8_K definition every ISA reproduces bit for bit: d = amax / 127, codes round-half-even(x * 127 /
// amax) (the f32 product as written), so |code| <= 127; bsums the sums of each 16 codes.
void quantizeQ8K(const float* x, uint32_t cols, BlockQ8K* out) {
    for (uint32_t b = 0; b < cols / 256; ++b, x += 256) {
        BlockQ8K& o = out[b];
        float amax = 0.0f;
        for (int i = 0; i < 256; ++i) {
            amax = std::max(amax, std::fabs(x[i]));
        }
        o.d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        for (int j = 0; j < 16; ++j) {
            int sum = 0;
            for (int i = 16 * j; i < 16 * j + 16; ++i) {
                const int q = std::clamp(int(std::nearbyint(x[i] * id)), -127, 127);
                o.qs[i] = int8_t(q);
                sum += q;
            }
            o.bsums[j] = int16_t(sum);
        }
    }
}

}  // namespace

const UnpackFn kScalarUnpack[kKinds] = {unpackQ2K,        unpackQ3K, unpackQ45K<false>,
                                        unpackQ45K<true>, unpackQ6K, unpackIQ4XS};

const IsaTable& scalarTable() {
    static const IsaTable t = {{multiply<kQ2_K>, multiply<kQ3_K>, multiply<kQ4_K>, multiply<kQ5_K>,
                                multiply<kQ6_K>, multiply<kIQ4_XS>},
                               quantizeQ8K};
    return t;
}

}  // namespace lantern::cpu::kq
