// Portable block32 kernels: the fallback on any CPU and the other ISAs' reference in tests. They read the
// same R16 packed layout as the SIMD kernels (block32.h), decode one block column of a 16-row group to int8
// values once and use it for a tile of up to 8 tokens; integer dot products per block, scaled in f32, in
// the same order of operations as the SIMD kernels up to f32 rounding. Bounded by instructions (about 3 per
// weight per token), not bytes.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "inference/cpu/block32.h"
#include "inference/reference/numbers.h"

namespace lantern::cpu::b32 {
namespace {

constexpr uint32_t kTokTile = 8;

float half(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return reference::fromHalf(h);
}

// The weight values of one packed block column: v[r][k] as multiplied with the activation codes, so that
// the row's block value is d[r] * dx * sum v q + m[r] * sx. Decoded in position order first (plain loops
// the compiler vectorizes, also for ARM64 where this is the kernel), then moved to rows 4 bytes at a time.
template <int K>
void decodeBlock(const uint8_t* blk, int8_t (&v)[kGroupRows][32], float (&d)[kGroupRows],
                 float (&m)[kGroupRows]) {
    for (uint32_t r = 0; r < kGroupRows; ++r) {
        d[r] = half(blk + 2 * r);
        m[r] = hasMin(K) ? half(blk + 32 + 2 * r) : 0.0f;
    }
    const uint8_t* codes = blk + headerBytes(K);
    uint8_t pos[512];
    if constexpr (K == kQ8_0) {
        for (int u = 0; u < 512; ++u) {
            pos[u] = uint8_t(codes[u] ^ 0x80);
        }
    } else {
        for (int l = 0; l < 4; ++l) {
            for (int p = 0; p < 64; ++p) {
                pos[128 * l + p] = codes[64 * l + p] & 0xF;
                pos[128 * l + 64 + p] = codes[64 * l + p] >> 4;
            }
        }
        if constexpr (hasHighBits(K)) {
            for (int q = 0; q < 8; ++q) {
                for (int p = 0; p < 64; ++p) {
                    pos[64 * q + p] |= uint8_t(((codes[256 + p] >> q) & 1) << 4);
                }
            }
        }
        constexpr int offset = K == kQ4_0 ? 8 : K == kQ5_0 ? 16 : 0;
        for (int u = 0; u < 512; ++u) {
            pos[u] = K == kIQ4_NL ? uint8_t(kIq4nlValues[pos[u]]) : uint8_t(pos[u] - offset);
        }
    }
    for (uint32_t q = 0; q < 8; ++q) {
        for (uint32_t r = 0; r < kGroupRows; ++r) {
            std::memcpy(&v[r][4 * q], pos + 64 * q + 4 * r, 4);
        }
    }
}

template <int K>
void multiplyQuant(const MatArgs& a) {
    const uint32_t nb = a.cols / 32;
    const uint64_t gBytes = groupBytes(K, a.cols);
    const auto* w = reinterpret_cast<const uint8_t*>(a.w);
    int8_t v[kGroupRows][32];
    float d[kGroupRows], m[kGroupRows];
    for (uint32_t g = a.r0 / kGroupRows; g * kGroupRows < a.r1; ++g) {
        const uint32_t rLo = std::max(a.r0, g * kGroupRows), rHi = std::min(a.r1, (g + 1) * kGroupRows);
        for (uint32_t t0 = a.t0; t0 < a.t1; t0 += kTokTile) {
            const uint32_t nt = std::min(kTokTile, a.t1 - t0);
            float acc[kTokTile][kGroupRows] = {};
            for (uint32_t b = 0; b < nb; ++b) {
                decodeBlock<K>(w + g * gBytes + uint64_t(b) * packedBlockBytes(K), v, d, m);
                for (uint32_t t = 0; t < nt; ++t) {
                    const auto* xb = reinterpret_cast<const BlockQ8*>(a.x + (t0 + t) * a.xStride) + b;
                    for (uint32_t r = 0; r < kGroupRows; ++r) {
                        int32_t s = 0;
                        for (int k = 0; k < 32; ++k) {
                            s += int32_t(v[r][k]) * xb->qs[k];
                        }
                        acc[t][r] += d[r] * xb->d * float(s) + m[r] * xb->s;
                    }
                }
            }
            for (uint32_t t = 0; t < nt; ++t) {
                float* y = a.y + (t0 + t) * a.yStride;
                for (uint32_t r = rLo; r < rHi; ++r) {
                    const float val = acc[t][r - g * kGroupRows];
                    y[r] = a.accumulate ? y[r] + val : val;
                }
            }
        }
    }
}

float loadF32(const std::byte* row, uint32_t i) {
    float f;
    std::memcpy(&f, row + 4 * uint64_t(i), 4);
    return f;
}
float loadF16(const std::byte* row, uint32_t i) {
    return half(reinterpret_cast<const uint8_t*>(row) + 2 * uint64_t(i));
}
float loadBF16(const std::byte* row, uint32_t i) {
    uint16_t h;
    std::memcpy(&h, row + 2 * uint64_t(i), 2);
    const uint32_t bits = uint32_t(h) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

// Float weights in place (GGUF rows), f32 activations, f32 accumulation.
template <float (*Load)(const std::byte*, uint32_t), uint32_t ElemBytes>
void multiplyFloat(const MatArgs& a) {
    const uint64_t rowBytes = uint64_t(a.cols) * ElemBytes;
    for (uint32_t r = a.r0; r < a.r1; ++r) {
        const std::byte* wr = a.w + r * rowBytes;
        for (uint32_t t = a.t0; t < a.t1; ++t) {
            const auto* x = reinterpret_cast<const float*>(a.x + t * a.xStride);
            float s = 0.0f;
            for (uint32_t c = 0; c < a.cols; ++c) {
                s += Load(wr, c) * x[c];
            }
            float& y = a.y[t * a.yStride + r];
            y = a.accumulate ? y + s : s;
        }
    }
}

void quantizeQ8(const float* x, uint32_t cols, BlockQ8* out) {
    for (uint32_t b = 0; b < cols / 32; ++b, x += 32) {
        float amax = 0.0f;
        for (int i = 0; i < 32; ++i) {
            amax = std::max(amax, std::fabs(x[i]));
        }
        const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        int32_t sum = 0;
        for (int i = 0; i < 32; ++i) {
            // nearbyint rounds half to even, as the SIMD conversions do in the default rounding mode.
            const int q = int(std::nearbyint(x[i] * id));
            out[b].qs[i] = int8_t(q);
            sum += q;
        }
        out[b].d = d;
        out[b].s = d * float(sum);
    }
}

}  // namespace

const IsaTable& scalarTable() {
    static const IsaTable t = {
        {multiplyQuant<kQ4_0>, multiplyQuant<kQ4_1>, multiplyQuant<kQ5_0>, multiplyQuant<kQ5_1>,
         multiplyQuant<kQ8_0>, multiplyQuant<kIQ4_NL>, multiplyFloat<loadF32, 4>, multiplyFloat<loadF16, 2>,
         multiplyFloat<loadBF16, 2>},
        quantizeQ8,
    };
    return t;
}

}  // namespace lantern::cpu::b32
