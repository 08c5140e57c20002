// The K-quant kernel family (inference/cpu/matmul_kquants*.cpp) against inference/reference, for every type
// (Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS) on every ISA this machine runs (scalar, AVX2, AVX-512 VNNI).
// Weights are random GGUF blocks (every code, high bit and packed-scale pattern) read in place from an odd
// address; shapes with rows that are no multiple of the kernels' internal row tiles (67, 130), one row,
// one super-block column (256), 768 and 2048 columns; 1, 3, 17 and 64 tokens; row and token sub-ranges,
// accumulate, padded strides.
//
// Tolerances:
//  - Against reference::matvec of the dequantized weights times the *dequantized Q8_K activations* (what the
//    kernel multiplies): NMSE < 1e-9. The integer sums per super-block are exact (kquants.h bounds them);
//    only the f32 products with d, dmin, dx and the f32 running sum over blocks differ from the double
//    reference (at most 4e-13 observed). The min term d_min * M * bsums is subtracted from the scaled sum, a
//    cancellation of a few ulps of the larger term, still far below the bound. Two wrong codes in one block
//    give NMSE >= 1.6e-7 at these sizes (corruptedWeightsAreDetected checks > 1e-8: 10x over the bound).
//  - Against the f32-activation reference: NMSE < 2e-4, only where the case has >= 64 outputs. Rounding x
//    to 8 bits adds an error uniform in +-dx/2, dx = max|x| / 127 per 256; for x uniform in [-1, 1] its
//    variance dx^2 / 12 ~ 5.2e-6 against var(x) = 1/3, so NMSE(Wx) ~ 1.6e-5 when the errors are
//    independent of W (also with the K-quants' nonzero weight means: both the signal and the error scale
//    with sum w^2). Observed at most 2.9e-5; the bound leaves 7x for the spread of a ratio over >= 64
//    outputs, and a wrong scale or sign gives NMSE ~ 1. Fewer outputs are skipped: one output's ratio is
//    unbounded when y ~ 0.
//  - Each SIMD ISA against scalar: NMSE < 1e-11 (the same integers, f32 rounding in another order; at most
//    4e-13 observed).
//  - quantizeRowQ8K: bit-identical on every ISA to the definition written out here (d = amax / 127 in f32,
//    codes round-half-even(x * (127 / amax)) clamped to +-127, bsums the sums of 16), including ties,
//    an all-zero block and a block whose largest magnitude is negative.
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "inference/cpu/matmul.h"
#include "inference/ops/ops.h"
#include "tests/inference/ops/gputest.h"

// matmul.cpp refers to the exact-mode family, which may not be in the library yet; a weak stand-in keeps
// this test linkable either way (the real definition wins when present). Not used by these tests.
namespace lantern::cpu {
__attribute__((weak)) const MatrixKernel* exactKernel(gguf::GgmlType, Isa) {
    return nullptr;
}
}  // namespace lantern::cpu

using lantern::gguf::GgmlType;
using namespace lantern;
using namespace lantern::test;

namespace {

constexpr GgmlType kTypes[] = {GgmlType::Q4_K, GgmlType::Q6_K, GgmlType::Q5_K,
                               GgmlType::Q3_K, GgmlType::Q2_K, GgmlType::IQ4_XS};

std::vector<cpu::Isa> isas() {
    std::vector<cpu::Isa> out{cpu::Isa::Scalar};
    for (cpu::Isa i : {cpu::Isa::Avx2, cpu::Isa::Avx512Vnni}) {
        if (cpu::isaSupported(i)) {
            out.push_back(i);
        }
    }
    return out;
}

struct Case {
    uint32_t rows, cols, tokens;
    uint32_t r0, r1, t0, t1;  // r1 / t1 == 0: to the end
    bool accumulate;
};
constexpr Case kCases[] = {
    {67, 768, 1, 0, 0, 0, 0, false},     // decode, odd rows
    {8, 256, 3, 0, 0, 0, 0, false},      // one super-block column
    {1, 2048, 17, 0, 0, 0, 0, true},     // one row, accumulate
    {130, 2048, 64, 0, 0, 0, 0, false},  // prefill tile shapes with tails both ways
    {67, 768, 17, 3, 50, 2, 15, true},   // row and token sub-ranges, accumulate
    {130, 256, 64, 64, 130, 5, 38, false},
    {67, 1024, 3, 66, 67, 1, 2, false},  // the last row alone
    {9, 768, 64, 1, 9, 0, 0, true},
    {13, 512, 130, 0, 0, 60, 130, true},  // token ranges across the kernels' 64-token chunks
    {67, 768, 5, 3, 50, 4, 5, true},      // decode of a row range not on a 4-row tile, accumulate
    {130, 2048, 1, 0, 0, 0, 0, false},    // decode with rows longer than the prefetch distance
};

// A Q8_K row of `cols` floats by the definition (independent of the kernels' code).
std::vector<cpu::BlockQ8K> defineQ8K(const float* x, uint32_t cols) {
    std::vector<cpu::BlockQ8K> out(cols / 256);
    for (uint32_t b = 0; b < cols / 256; ++b) {
        const float* v = x + 256 * b;
        float amax = 0.0f;
        for (int i = 0; i < 256; ++i) {
            amax = std::max(amax, std::fabs(v[i]));
        }
        out[b].d = amax / 127.0f;
        const float id = amax == 0.0f ? 0.0f : 127.0f / amax;
        for (int j = 0; j < 16; ++j) {
            int s = 0;
            for (int i = 16 * j; i < 16 * j + 16; ++i) {
                const int q = std::clamp(int(std::nearbyint(v[i] * id)), -127, 127);
                out[b].qs[i] = int8_t(q);
                s += q;
            }
            out[b].bsums[j] = int16_t(s);
        }
    }
    return out;
}

std::vector<float> dequantQ8K(const cpu::BlockQ8K* blocks, uint32_t cols) {
    std::vector<float> x(cols);
    for (uint32_t e = 0; e < cols; ++e) {
        x[e] = blocks[e / 256].d * float(blocks[e / 256].qs[e % 256]);
    }
    return x;
}

// One problem: weights at an odd address, activations quantized by `isa` with padded stride, y with
// padded stride pre-filled with values that must survive outside the computed range.
struct Problem {
    GgmlType type;
    Case c;
    std::vector<std::byte> wStore;  // weights start at wStore.data() + 1
    std::vector<float> xf;          // tokens x cols f32
    std::vector<std::byte> xq;      // Q8_K rows, stride xStride
    uint64_t xStride = 0;
    uint64_t yStride = 0;
    std::vector<float> y0;  // y before the multiply

    Problem(GgmlType t, const Case& cs, uint64_t seed) : type(t), c(cs) {
        if (c.r1 == 0)
            c.r1 = c.rows;
        if (c.t1 == 0)
            c.t1 = c.tokens;
        Rng rng(seed);
        const std::vector<std::byte> w = randomWeights(t, c.rows, c.cols, rng);
        wStore.resize(w.size() + 1);
        std::memcpy(wStore.data() + 1, w.data(), w.size());
        xf = rng.floats(size_t(c.tokens) * c.cols);
        xStride = cpu::actRowBytes(cpu::ActFormat::Q8K, c.cols) + 292 * 2 + 4;  // padded, 4-byte aligned
        xq.assign(xStride * c.tokens + 8, std::byte{0});
        yStride = c.rows + 5;
        y0 = rng.floats(yStride * c.tokens);
    }
    std::span<const std::byte> weights() const { return {wStore.data() + 1, wStore.size() - 1}; }
    const cpu::BlockQ8K* xRow(uint32_t t) const {
        return reinterpret_cast<const cpu::BlockQ8K*>(xq.data() + 4 + t * xStride);
    }
    void quantize(cpu::Isa isa) {
        for (uint32_t t = 0; t < c.tokens; ++t) {
            cpu::quantizeRowQ8K(isa, xf.data() + size_t(t) * c.cols, c.cols,
                                reinterpret_cast<cpu::BlockQ8K*>(xq.data() + 4 + t * xStride));
        }
    }
    std::vector<float> run(const cpu::MatrixKernel& k) const {
        std::vector<float> y = y0;
        cpu::MatArgs a;
        a.w = wStore.data() + 1;
        a.rows = c.rows;
        a.cols = c.cols;
        a.x = xq.data() + 4;
        a.xStride = xStride;
        a.y = y.data();
        a.yStride = yStride;
        a.r0 = c.r0;
        a.r1 = c.r1;
        a.t0 = c.t0;
        a.t1 = c.t1;
        a.accumulate = c.accumulate;
        k.multiply(a);
        return y;
    }
    // The computed outputs, in (token, row) order; and checks that nothing else changed.
    std::vector<float> inside(const std::vector<float>& y, bool subtractY0) const {
        std::vector<float> out;
        for (uint32_t t = c.t0; t < c.t1; ++t) {
            for (uint32_t r = c.r0; r < c.r1; ++r) {
                const size_t i = t * yStride + r;
                out.push_back(subtractY0 && c.accumulate ? float(double(y[i]) - double(y0[i])) : y[i]);
            }
        }
        return out;
    }
    bool outsideUntouched(const std::vector<float>& y) const {
        for (uint32_t t = 0; t < c.tokens; ++t) {
            for (uint32_t r = 0; r < yStride; ++r) {
                const bool in = t >= c.t0 && t < c.t1 && r >= c.r0 && r < c.r1;
                if (!in && std::memcmp(&y[t * yStride + r], &y0[t * yStride + r], 4) != 0) {
                    return false;
                }
            }
        }
        return true;
    }
    // reference::matvec per token on the given activations (f32 or dequantized Q8_K), computed range.
    std::vector<float> want(bool quantized, std::span<const std::byte> w) const {
        std::vector<float> out;
        for (uint32_t t = c.t0; t < c.t1; ++t) {
            const std::vector<float> x = quantized ? dequantQ8K(xRow(t), c.cols)
                                                   : std::vector<float>(xf.begin() + size_t(t) * c.cols,
                                                                        xf.begin() + size_t(t + 1) * c.cols);
            const std::vector<float> y = reference::matvec(type, w, c.rows, c.cols, x);
            out.insert(out.end(), y.begin() + c.r0, y.begin() + c.r1);
        }
        return out;
    }
};

QString name(GgmlType t) {
    return QString::fromStdString(std::string(ops::typeSuffix(t)));
}

}  // namespace

class KquantsTest : public QObject {
    Q_OBJECT
private slots:
    void everyTypeAndIsa_data();
    void everyTypeAndIsa();
    void corruptedWeightsAreDetected();
    void quantizeRowQ8KMatchesDefinition();
    void kernelsReportTheirIsa();
};

void KquantsTest::everyTypeAndIsa_data() {
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("isa");
    for (GgmlType t : kTypes) {
        for (cpu::Isa i : isas()) {
            QTest::newRow(qPrintable(name(t) + " " + QString::fromLatin1(cpu::isaName(i).data())))
                << int(t) << int(i);
        }
    }
}

void KquantsTest::everyTypeAndIsa() {
    QFETCH(int, type);
    QFETCH(int, isa);
    const auto t = static_cast<GgmlType>(type);
    const auto i = static_cast<cpu::Isa>(isa);
    const cpu::MatrixKernel* k = cpu::kquantKernel(t, i);
    const cpu::MatrixKernel* scalar = cpu::kquantKernel(t, cpu::Isa::Scalar);
    QVERIFY(k && scalar && k->multiply && k->act == cpu::ActFormat::Q8K);
    QCOMPARE(k->packedBytes(67, 768), uint64_t{0});
    uint64_t seed = 100 + uint64_t(type) * 31;
    for (const Case& cs : kCases) {
        Problem p(t, cs, seed++);
        p.quantize(i);
        const QString where = QString("rows %1 cols %2 tokens %3 r [%4,%5) t [%6,%7)")
                                  .arg(p.c.rows)
                                  .arg(p.c.cols)
                                  .arg(p.c.tokens)
                                  .arg(p.c.r0)
                                  .arg(p.c.r1)
                                  .arg(p.c.t0)
                                  .arg(p.c.t1);
        const std::vector<float> y = p.run(*k);
        QVERIFY2(p.outsideUntouched(y), qPrintable("wrote outside its range: " + where));
        const std::vector<float> got = p.inside(y, true);
        const double eq = nmse(got, p.want(true, p.weights()));
        QVERIFY2(eq < 1e-9, qPrintable(QString("vs Q8_K reference NMSE %1, ").arg(eq) + where));
        if (got.size() >= 64) {
            const double ef = nmse(got, p.want(false, p.weights()));
            QVERIFY2(ef < 2e-4, qPrintable(QString("vs f32 reference NMSE %1, ").arg(ef) + where));
        }
        if (i != cpu::Isa::Scalar) {
            const double es = nmse(got, p.inside(p.run(*scalar), true));
            QVERIFY2(es < 1e-11, qPrintable(QString("vs scalar NMSE %1, ").arg(es) + where));
        }
    }
}

// The 1e-9 bound must see a wrong code: flip the top bit of two codes (bits 3 and 7 of one code byte, not a
// scale) in one block of one row.
void KquantsTest::corruptedWeightsAreDetected() {
    for (GgmlType t : kTypes) {
        for (cpu::Isa i : isas()) {
            Problem p(t, {67, 768, 3, 0, 0, 0, 0, false}, 7);
            p.quantize(i);
            const std::vector<float> good = p.want(true, p.weights());
            // Byte 40 of the first block of row 30 is a code byte in every one of these layouts.
            const uint64_t rowBytes = cpu::ggufRowBytes(t, 768);
            p.wStore[1 + 30 * rowBytes + 40] ^= std::byte{0x88};
            const double e = nmse(p.inside(p.run(*cpu::kquantKernel(t, i)), false), good);
            QVERIFY2(e > 1e-8,
                     qPrintable(name(t) + QString(" two flipped codes went unseen: NMSE %1").arg(e)));
        }
    }
}

void KquantsTest::quantizeRowQ8KMatchesDefinition() {
    const uint32_t cols = 256 * 6;
    Rng rng(99);
    std::vector<float> x = rng.floats(cols, -3.0f, 3.0f);
    std::fill(x.begin() + 256, x.begin() + 512, 0.0f);  // block 1: all zero
    x[512 + 17] = -7.5f;                                // block 2: the largest magnitude is negative
    for (int i = 0; i < 256; ++i) {                     // block 3: ties x * 127 / amax = k + 0.5
        x[768 + i] = i == 0 ? 127.0f : float(i % 64 - 32) + 0.5f;
    }
    for (int i = 0; i < 256; ++i) {  // block 4: tiny values
        x[1024 + i] *= 1e-30f;
    }
    const std::vector<cpu::BlockQ8K> want = defineQ8K(x.data(), cols);
    for (cpu::Isa isa : isas()) {
        std::vector<cpu::BlockQ8K> got(cols / 256);
        cpu::quantizeRowQ8K(isa, x.data(), cols, got.data());
        for (uint32_t b = 0; b < cols / 256; ++b) {
            const QString where = QString("%1 block %2").arg(cpu::isaName(isa).data()).arg(b);
            QVERIFY2(std::memcmp(&got[b].d, &want[b].d, 4) == 0, qPrintable("d differs: " + where));
            QVERIFY2(std::memcmp(got[b].qs, want[b].qs, 256) == 0, qPrintable("qs differ: " + where));
            QVERIFY2(std::memcmp(got[b].bsums, want[b].bsums, 32) == 0, qPrintable("bsums differ: " + where));
        }
    }
    // The definition itself: ties round to even, the negative maximum maps to -127.
    QCOMPARE(int(want[3].qs[1]), -30);  // -30.5 -> -30
    QCOMPARE(int(want[3].qs[2]), -30);  // -29.5 -> -30
    QCOMPARE(int(want[2].qs[17]), -127);
    QCOMPARE(want[1].d, 0.0f);
}

// A kernel that silently fell back to scalar would pass everything above; each supported ISA must have
// its own implementation of every type.
void KquantsTest::kernelsReportTheirIsa() {
    for (GgmlType t : kTypes) {
        for (cpu::Isa i : isas()) {
            const cpu::MatrixKernel* k = cpu::kquantKernel(t, i);
            QVERIFY(k);
            QVERIFY2(k->isa == i, qPrintable(name(t) + " on " + cpu::isaName(i).data() + " falls back to " +
                                             cpu::isaName(k->isa).data()));
            QCOMPARE(int(k->type), int(t));
        }
    }
}

QTEST_MAIN(KquantsTest)
#include "kquantstest.moc"
