// The K-quant family's registration (kquantKernel, quantizeRowQ8K): per (type, ISA) the best
// implementation this build and CPU have, from matmul_kquants_<isa>.cpp (kquants.h). The kernels read the
// GGUF rows in place, so there is no packing and any row range works (rowBlock 1).
#include <array>

#include "inference/cpu/kquants.h"

namespace lantern::cpu {
namespace {

using gguf::GgmlType;

constexpr GgmlType kTypes[kq::kKinds] = {GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::Q4_K,
                                         GgmlType::Q5_K, GgmlType::Q6_K, GgmlType::IQ4_XS};

int kindOf(GgmlType t) {
    for (int k = 0; k < kq::kKinds; ++k) {
        if (kTypes[k] == t) {
            return k;
        }
    }
    return -1;
}

uint64_t inPlace(uint32_t, uint32_t) {
    return 0;
}

// The tables from the requested ISA down to scalar, best first; what the CPU cannot run is skipped so a
// request above the machine degrades instead of faulting.
struct Chain {
    const kq::IsaTable* tables[3] = {};
    Isa isas[3] = {};
    int n = 0;
};

Chain chainFor(Isa isa) {
    Chain c;
    Isa isas[3];
    for (int i = 0, n = isaChain(isa, isas); i < n; ++i) {
#if defined(__x86_64__) || defined(_M_X64)
        c.tables[c.n] = isas[i] == Isa::Avx512Vnni ? &kq::avx512Table()
                        : isas[i] == Isa::Avx2     ? &kq::avx2Table()
                                                   : &kq::scalarTable();
#elif defined(__aarch64__) || defined(_M_ARM64)
        c.tables[c.n] = isas[i] == Isa::Neon ? &kq::neonTable() : &kq::scalarTable();
#else
        c.tables[c.n] = &kq::scalarTable();
#endif
        c.isas[c.n++] = isas[i];
    }
    return c;
}

struct Registry {
    std::array<std::array<MatrixKernel, kq::kKinds>, 4> kernels{};  // [isa][kind]
    std::array<kq::QuantFn, 4> quantize{};                          // [isa]
    Registry() {
        for (int i = 0; i < 4; ++i) {
            const Chain c = chainFor(static_cast<Isa>(i));
            for (int j = 0; j < c.n && !quantize[size_t(i)]; ++j) {
                quantize[size_t(i)] = c.tables[j]->quantizeQ8K;
            }
            for (int k = 0; k < kq::kKinds; ++k) {
                MatrixKernel& m = kernels[size_t(i)][size_t(k)];
                for (int j = 0; j < c.n && !m.multiply; ++j) {
                    if (c.tables[j]->multiply[k]) {
                        m.multiply = c.tables[j]->multiply[k];
                        m.isa = c.isas[j];
                    }
                }
                m.type = kTypes[k];
                m.act = ActFormat::Q8K;
                m.rowBlock = 1;
                m.packedBytes = inPlace;
            }
        }
    }
};

const Registry& registry() {
    static const Registry r;
    return r;
}

}  // namespace

const MatrixKernel* kquantKernel(gguf::GgmlType type, Isa isa) {
    const int k = kindOf(type);
    if (k < 0 || size_t(isa) >= 4) {
        return nullptr;
    }
    return &registry().kernels[size_t(isa)][size_t(k)];
}

void quantizeRowQ8K(Isa isa, const float* x, uint32_t cols, BlockQ8K* out) {
    registry().quantize[size_t(isa) < 4 ? size_t(isa) : 0](x, cols, out);
}

}  // namespace lantern::cpu
