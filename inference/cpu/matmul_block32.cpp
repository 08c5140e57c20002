// The block32 family's registration (block32Kernel, quantizeRowQ8) and its packing into the R16 layout
// that every ISA's kernels read (block32.h). The kernels themselves live in matmul_block32_<isa>.cpp.
#include <array>
#include <cstring>

#include "inference/cpu/block32.h"

namespace lantern::cpu {
namespace b32 {
namespace {

// GGUF block bytes and field offsets of the quantized kinds (ggml's block_q4_0 ... block_iq4_nl).
struct GgufBlock {
    uint32_t bytes, qs, qh;  // qh: offset of the 32 fifth bits, 0 when none
};
constexpr GgufBlock kGguf[kQuantKinds] = {
    {18, 2, 0},   // Q4_0: d, qs[16]
    {20, 4, 0},   // Q4_1: d, m, qs[16]
    {22, 6, 2},   // Q5_0: d, qh[4], qs[16]
    {24, 8, 4},   // Q5_1: d, m, qh[4], qs[16]
    {34, 2, 0},   // Q8_0: d, qs[32]
    {18, 2, 0},   // IQ4_NL: d, qs[16]
};

// The 32 codes of one GGUF block, as R16 stores them.
template <int K>
void rowCodes(const uint8_t* b, uint8_t (&c)[32]) {
    const GgufBlock& g = kGguf[K];
    if constexpr (K == kQ8_0) {
        for (int k = 0; k < 32; ++k) {
            c[k] = uint8_t(b[g.qs + k] ^ 0x80);
        }
        return;
    }
    for (int k = 0; k < 16; ++k) {
        c[k] = b[g.qs + k] & 0xF;
        c[k + 16] = b[g.qs + k] >> 4;
    }
    if constexpr (hasHighBits(K)) {
        uint32_t qh;
        std::memcpy(&qh, b + g.qh, 4);
        for (int k = 0; k < 32; ++k) {
            c[k] |= uint8_t(((qh >> k) & 1) << 4);
        }
    }
}

// Writes one block column of one group: `blocks[r]` is row r's GGUF block, nullptr for a padding row
// (scale 0 and codes 0: it contributes nothing). Codes are gathered in position order first, then encoded.
template <int K>
void packBlock(const uint8_t* const* blocks, uint8_t* dst) {
    std::memset(dst, 0, headerBytes(K));
    uint8_t pos[512] = {};
    for (uint32_t r = 0; r < kGroupRows; ++r) {
        const uint8_t* b = blocks[r];
        if (b == nullptr) {
            continue;
        }
        std::memcpy(dst + 2 * r, b, 2);
        if constexpr (hasMin(K)) {
            std::memcpy(dst + 32 + 2 * r, b + 2, 2);
        }
        uint8_t c[32];
        rowCodes<K>(b, c);
        for (uint32_t q = 0; q < 8; ++q) {
            std::memcpy(pos + 64 * q + 4 * r, c + 4 * q, 4);
        }
    }
    uint8_t* codes = dst + headerBytes(K);
    if constexpr (K == kQ8_0) {
        std::memcpy(codes, pos, 512);
        return;
    }
    for (int l = 0; l < 4; ++l) {
        for (int p = 0; p < 64; ++p) {
            codes[64 * l + p] = uint8_t((pos[128 * l + p] & 0xF) | ((pos[128 * l + 64 + p] & 0xF) << 4));
        }
    }
    if constexpr (hasHighBits(K)) {
        for (int p = 0; p < 64; ++p) {
            uint8_t bits = 0;
            for (int q = 0; q < 8; ++q) {
                bits |= uint8_t(((pos[64 * q + p] >> 4) & 1) << q);
            }
            codes[256 + p] = bits;
        }
    }
}

template <int K>
void packAll(const std::byte* src, uint32_t rows, uint32_t cols, std::byte* dst) {
    const uint32_t nb = cols / 32;
    const uint64_t rowBytes = uint64_t(nb) * kGguf[K].bytes;
    const auto* s = reinterpret_cast<const uint8_t*>(src);
    auto* d = reinterpret_cast<uint8_t*>(dst);
    const uint8_t* blocks[kGroupRows];
    for (uint32_t g = 0; g * kGroupRows < rows; ++g) {
        for (uint32_t b = 0; b < nb; ++b) {
            for (uint32_t r = 0; r < kGroupRows; ++r) {
                const uint32_t row = g * kGroupRows + r;
                blocks[r] = row < rows ? s + row * rowBytes + uint64_t(b) * kGguf[K].bytes : nullptr;
            }
            packBlock<K>(blocks, d + g * groupBytes(K, cols) + uint64_t(b) * packedBlockBytes(K));
        }
    }
}

}  // namespace

uint64_t packedBytes(int kind, uint32_t rows, uint32_t cols) {
    return uint64_t((rows + kGroupRows - 1) / kGroupRows) * groupBytes(kind, cols);
}

void pack(int kind, const std::byte* src, uint32_t rows, uint32_t cols, std::byte* dst) {
    switch (kind) {
    case kQ4_0: packAll<kQ4_0>(src, rows, cols, dst); return;
    case kQ4_1: packAll<kQ4_1>(src, rows, cols, dst); return;
    case kQ5_0: packAll<kQ5_0>(src, rows, cols, dst); return;
    case kQ5_1: packAll<kQ5_1>(src, rows, cols, dst); return;
    case kQ8_0: packAll<kQ8_0>(src, rows, cols, dst); return;
    case kIQ4_NL: packAll<kIQ4_NL>(src, rows, cols, dst); return;
    default: return;
    }
}

}  // namespace b32

namespace {

using gguf::GgmlType;

int kindOf(GgmlType t) {
    switch (t) {
    case GgmlType::Q4_0: return b32::kQ4_0;
    case GgmlType::Q4_1: return b32::kQ4_1;
    case GgmlType::Q5_0: return b32::kQ5_0;
    case GgmlType::Q5_1: return b32::kQ5_1;
    case GgmlType::Q8_0: return b32::kQ8_0;
    case GgmlType::IQ4_NL: return b32::kIQ4_NL;
    case GgmlType::F32: return b32::kF32;
    case GgmlType::F16: return b32::kF16;
    case GgmlType::BF16: return b32::kBF16;
    default: return -1;
    }
}

constexpr GgmlType kTypes[b32::kKinds] = {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0,
                                          GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::IQ4_NL,
                                          GgmlType::F32,  GgmlType::F16,  GgmlType::BF16};

template <int K>
uint64_t packedBytesOf(uint32_t rows, uint32_t cols) {
    return b32::packedBytes(K, rows, cols);
}
template <int K>
void packOf(const std::byte* src, uint32_t rows, uint32_t cols, std::byte* dst) {
    b32::pack(K, src, rows, cols, dst);
}
uint64_t inPlace(uint32_t, uint32_t) { return 0; }

using PackedBytesFn = uint64_t (*)(uint32_t, uint32_t);
using PackFn = void (*)(const std::byte*, uint32_t, uint32_t, std::byte*);
constexpr PackedBytesFn kPackedBytes[b32::kQuantKinds] = {packedBytesOf<0>, packedBytesOf<1>,
                                                          packedBytesOf<2>, packedBytesOf<3>,
                                                          packedBytesOf<4>, packedBytesOf<5>};
constexpr PackFn kPack[b32::kQuantKinds] = {packOf<0>, packOf<1>, packOf<2>, packOf<3>, packOf<4>, packOf<5>};

// The tables from the requested ISA down to scalar, best first; what the CPU cannot run is skipped so a
// request above the machine degrades instead of faulting.
struct Chain {
    const b32::IsaTable* tables[3] = {};
    Isa isas[3] = {};
    int n = 0;
};

Chain chainFor(Isa isa) {
    Chain c;
    Isa isas[3];
    for (int i = 0, n = isaChain(isa, isas); i < n; ++i) {
#if defined(__x86_64__) || defined(_M_X64)
        c.tables[c.n] = isas[i] == Isa::Avx512Vnni ? &b32::avx512Table()
                        : isas[i] == Isa::Avx2     ? &b32::avx2Table()
                                                   : &b32::scalarTable();
#elif defined(__aarch64__) || defined(_M_ARM64)
        c.tables[c.n] = isas[i] == Isa::Neon ? &b32::neonTable() : &b32::scalarTable();
#else
        c.tables[c.n] = &b32::scalarTable();
#endif
        c.isas[c.n++] = isas[i];
    }
    return c;
}

struct Registry {
    // [isa][kind]; an entry with multiply == nullptr is unused.
    std::array<std::array<MatrixKernel, b32::kKinds>, 4> kernels{};
    std::array<b32::QuantFn, 4> quantizeQ8{};  // [isa], chosen once: quantizeRowQ8 runs per activation row
    Registry() {
        for (int i = 0; i < 4; ++i) {
            const Chain c = chainFor(static_cast<Isa>(i));
            for (int j = c.n - 1; j >= 0; --j) {
                if (c.tables[j]->quantizeQ8) {
                    quantizeQ8[size_t(i)] = c.tables[j]->quantizeQ8;
                }
            }
            for (int k = 0; k < b32::kKinds; ++k) {
                MatrixKernel& m = kernels[size_t(i)][size_t(k)];
                for (int j = 0; j < c.n && !m.multiply; ++j) {
                    if (c.tables[j]->multiply[k]) {
                        m.multiply = c.tables[j]->multiply[k];
                        m.isa = c.isas[j];
                    }
                }
                m.type = kTypes[k];
                if (k < b32::kQuantKinds) {
                    m.act = ActFormat::Q8;
                    m.rowBlock = b32::kGroupRows;
                    m.packedBytes = kPackedBytes[k];
                    m.pack = kPack[k];
                } else {
                    m.act = ActFormat::F32;
                    m.rowBlock = 1;
                    m.packedBytes = inPlace;
                }
            }
        }
    }
};

const Registry& registry() {
    static const Registry r;
    return r;
}

}  // namespace

const MatrixKernel* block32Kernel(gguf::GgmlType type, Isa isa) {
    const int k = kindOf(type);
    if (k < 0) {
        return nullptr;
    }
    const MatrixKernel& m = registry().kernels[size_t(isa)][size_t(k)];
    return m.multiply ? &m : nullptr;
}

void quantizeRowQ8(Isa isa, const float* x, uint32_t cols, BlockQ8* out) {
    registry().quantizeQ8[size_t(isa)](x, cols, out);
}

}  // namespace lantern::cpu
