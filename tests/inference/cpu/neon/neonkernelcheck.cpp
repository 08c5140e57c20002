// The ARM64 NEON kernels (inference/cpu/*_neon.cpp) against the scalar kernels in the same binary and
// against inference/reference. No Qt: this is cross-built on x86-64 with aarch64-linux-gnu-g++ and run
// under qemu-aarch64 (scripts/lib/aarch64.sh, the `cross` ctest); it also builds natively on ARM64.
//
// What it checks, for Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, F32, F16, BF16 (block32 family) and Q2_K,
// Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS (K-quant family):
//  - the kernel table gives a NEON kernel (not a scalar fallback) for every type;
//  - quantizeRowQ8 / quantizeRowQ8K write the same bytes on NEON as on scalar;
//  - the NEON unpackers write the same Unpacked blocks as kScalarUnpack (every field, byte for byte);
//  - multiply() on random GGUF blocks (every code pattern; scales set to finite halves), at shapes with
//    partial 16-row groups and 4-row tiles (1, 5, 17, 67, 130 rows), 1..7, 17 and 70 tokens (decode,
//    each token-tile remainder, the 64-token chunk), rows split over 1, 2 and 3 threads as the backend
//    splits them (multiples of rowBlock), tokens split over two calls (t0 > 0), accumulate and padded
//    strides; nothing written outside the rows asked for.
// Tolerances (NMSE = sum (y - ref)^2 / sum ref^2):
//  - NEON against scalar: < 1e-11. Both compute the same int32 block sums exactly (sdot is exact, codes
//    and activation bytes are identical); only the f32 scaling per block and the order of the running sum
//    differ (a few ulps of each block term), and the 4/5-bit types apply their offset as mw * sx on NEON
//    but inside the integer sum on scalar (f32 cancellation of a few ulps). A single wrong code in one
//    block of these matrices gives NMSE > 1e-6.
//  - against reference::dequantize(W) times the dequantized activations, in double: < 1e-9 (the same
//    sums; f32 against double).
//  - against the f32 activations: < 2e-4 (rounding x to 8 bits: ~d^2/12 per element; the x86 tests'
//    observed range 7e-7 .. 3.8e-5). Float weights: NEON f32 FMA against double, < 1e-9.
// Also: `--expect-isa neon|scalar` checks what detectIsa() found (qemu's default CPU "max" has the
// dot-product extension; `-cpu cortex-a53` has not), and a rough timing (qemu: meaningless for speed).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "inference/cpu/isa.h"
#include "inference/cpu/kquants.h"
#include "inference/cpu/matmul.h"
#include "inference/cpu/threadpool.h"
#include "inference/reference/numbers.h"
#include "inference/reference/weights.h"

namespace lantern::cpu::kq {
extern const UnpackFn kNeonUnpack[kKinds];  // matmul_kquants_neon.cpp
}

using namespace lantern;
using gguf::GgmlType;

namespace {

int g_failures = 0;
int g_checks = 0;
// Largest NMSE seen per comparison, quantized and float weights apart: [quant/float][scalar, reference, f32].
double g_worst[2][3] = {};

void fail(const std::string& what) {
    ++g_failures;
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
}

struct Rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    float uniform() { return float(double(next() >> 11) / double(1ull << 53) * 2.0 - 1.0); }  // [-1, 1)
};

struct TypeInfo {
    GgmlType type;
    const char* name;
    uint32_t blockElems, blockBytes;
    int halves[2];  // byte offsets of the f16 scale fields in a block (-1: none)
};
constexpr TypeInfo kTypes[] = {
    {GgmlType::Q8_0, "q8_0", 32, 34, {0, -1}},       {GgmlType::Q4_0, "q4_0", 32, 18, {0, -1}},
    {GgmlType::Q4_1, "q4_1", 32, 20, {0, 2}},        {GgmlType::Q5_0, "q5_0", 32, 22, {0, -1}},
    {GgmlType::Q5_1, "q5_1", 32, 24, {0, 2}},        {GgmlType::IQ4_NL, "iq4_nl", 32, 18, {0, -1}},
    {GgmlType::F32, "f32", 32, 128, {-1, -1}},       {GgmlType::F16, "f16", 32, 64, {-1, -1}},
    {GgmlType::BF16, "bf16", 32, 64, {-1, -1}},      {GgmlType::Q2_K, "q2_K", 256, 84, {80, 82}},
    {GgmlType::Q3_K, "q3_K", 256, 110, {108, -1}},   {GgmlType::Q4_K, "q4_K", 256, 144, {0, 2}},
    {GgmlType::Q5_K, "q5_K", 256, 176, {0, 2}},      {GgmlType::Q6_K, "q6_K", 256, 210, {208, -1}},
    {GgmlType::IQ4_XS, "iq4_xs", 256, 136, {0, -1}},
};

bool isFloat(GgmlType t) {
    return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16;
}

// Random GGUF rows: random bytes (every code, fifth-bit and scale pattern), the f16 scales replaced by
// finite values of either sign; float types as uniform [-1, 1) values.
std::vector<std::byte> randomWeights(const TypeInfo& ti, uint32_t rows, uint32_t cols, Rng& rng) {
    const uint64_t blocks = uint64_t(rows) * (cols / ti.blockElems);
    std::vector<std::byte> out(blocks * ti.blockBytes);
    const uint64_t n = uint64_t(rows) * cols;
    if (ti.type == GgmlType::F32) {
        for (uint64_t i = 0; i < n; ++i) {
            const float f = rng.uniform();
            std::memcpy(out.data() + 4 * i, &f, 4);
        }
        return out;
    }
    if (ti.type == GgmlType::F16 || ti.type == GgmlType::BF16) {
        for (uint64_t i = 0; i < n; ++i) {
            const float f = rng.uniform();
            const uint16_t h = ti.type == GgmlType::F16 ? reference::toHalf(f) : reference::toBf16(f);
            std::memcpy(out.data() + 2 * i, &h, 2);
        }
        return out;
    }
    for (uint64_t i = 0; i < out.size(); i += 8) {
        const uint64_t r = rng.next();
        std::memcpy(out.data() + i, &r, std::min<uint64_t>(8, out.size() - i));
    }
    for (uint64_t b = 0; b < blocks; ++b) {
        for (int o : ti.halves) {
            if (o >= 0) {
                const uint16_t h = reference::toHalf(0.002f + 0.02f * rng.uniform());
                std::memcpy(out.data() + b * ti.blockBytes + o, &h, 2);
            }
        }
    }
    return out;
}

double nmse(std::span<const float> got, std::span<const double> want) {
    double e = 0, s = 0;
    for (size_t i = 0; i < want.size(); ++i) {
        e += (double(got[i]) - want[i]) * (double(got[i]) - want[i]);
        s += want[i] * want[i];
    }
    return s > 0 ? e / s : e;
}

struct Shape {
    uint32_t rows, blocks, tokens;  // cols = blocks * the type's block
};
constexpr Shape kShapes[] = {{67, 3, 3}, {1, 20, 17}, {5, 2, 1}, {130, 4, 1}, {17, 2, 2},  {16, 1, 4},
                             {33, 5, 5}, {20, 2, 6},  {9, 3, 7}, {40, 2, 70}, {130, 8, 9}, {64, 10, 1}};

// y (tokens x yStride) = W x over rows [0, rows) split over `threads` threads at rowBlock multiples.
void runKernel(const cpu::MatrixKernel& k, cpu::ThreadPool& pool, const std::byte* w, uint32_t rows,
               uint32_t cols, const std::byte* x, uint64_t xStride, uint32_t tokens, float* y,
               uint64_t yStride, bool accumulate, uint32_t tokenSplit = 0) {
    const uint32_t units = (rows + k.rowBlock - 1) / k.rowBlock;
    pool.run([&](unsigned ith, unsigned nth) {
        const uint32_t per = (units + nth - 1) / nth;
        const uint32_t r0 = std::min(rows, ith * per * k.rowBlock),
                       r1 = std::min(rows, (ith + 1) * per * k.rowBlock);
        if (r0 >= r1) {
            return;
        }
        cpu::MatArgs a;
        a.w = w;
        a.rows = rows;
        a.cols = cols;
        a.x = x;
        a.xStride = xStride;
        a.y = y;
        a.yStride = yStride;
        a.r0 = r0;
        a.r1 = r1;
        a.t0 = 0;
        a.t1 = tokens;
        a.accumulate = accumulate;
        if (tokenSplit > 0 && tokenSplit < tokens) {  // two calls: the second starts at t0 > 0
            a.t1 = tokenSplit;
            k.multiply(a);
            a.t0 = tokenSplit;
            a.t1 = tokens;
        }
        k.multiply(a);
    });
}

const cpu::MatrixKernel* kernelFor(GgmlType t, cpu::Isa isa) {
    const cpu::MatrixKernel* k = cpu::block32Kernel(t, isa);
    return k != nullptr ? k : cpu::kquantKernel(t, isa);
}

// One type at one shape on `threads` threads: NEON against scalar and the references.
void checkMultiply(const TypeInfo& ti, Shape s, unsigned threads, cpu::ThreadPool& pool, uint64_t seed) {
    Rng rng{seed};
    const uint32_t cols = s.blocks * ti.blockElems;
    const std::vector<std::byte> gguf = randomWeights(ti, s.rows, cols, rng);
    const cpu::MatrixKernel* kn = kernelFor(ti.type, cpu::Isa::Neon);
    const cpu::MatrixKernel* ks = kernelFor(ti.type, cpu::Isa::Scalar);
    const std::string tag = std::string(ti.name) + " " + std::to_string(s.rows) + "x" + std::to_string(cols) +
                            " t" + std::to_string(s.tokens) + " th" + std::to_string(threads);
    ++g_checks;
    if (kn == nullptr || ks == nullptr || kn->isa != cpu::Isa::Neon || ks->isa != cpu::Isa::Scalar) {
        fail(tag + ": no NEON kernel (or a fallback)");
        return;
    }
    // Pack from a source at an odd address, as a mapped file may give.
    std::vector<std::byte> src(gguf.size() + 1);
    std::memcpy(src.data() + 1, gguf.data(), gguf.size());
    std::vector<std::byte> packed;
    const std::byte* w = src.data() + 1;
    if (const uint64_t pb = kn->packedBytes(s.rows, cols); pb > 0) {
        packed.resize(pb);
        kn->pack(src.data() + 1, s.rows, cols, packed.data());
        w = packed.data();
    }
    // Activations: f32, and in the kernel's format, padded strides (one spare block per row).
    std::vector<float> x(size_t(s.tokens) * cols);
    for (float& f : x) {
        f = rng.uniform();
    }
    const uint64_t rowBytes = cpu::actRowBytes(kn->act, cols);
    const uint64_t xStride = rowBytes + 64;
    std::vector<std::byte> actN(s.tokens * xStride), actS(s.tokens * xStride);
    std::vector<double> xq(x.size());  // the activations as the kernel multiplies them
    for (uint32_t t = 0; t < s.tokens; ++t) {
        const float* xt = x.data() + size_t(t) * cols;
        if (kn->act == cpu::ActFormat::Q8) {
            cpu::quantizeRowQ8(cpu::Isa::Neon, xt, cols,
                               reinterpret_cast<cpu::BlockQ8*>(actN.data() + t * xStride));
            cpu::quantizeRowQ8(cpu::Isa::Scalar, xt, cols,
                               reinterpret_cast<cpu::BlockQ8*>(actS.data() + t * xStride));
            const auto* b = reinterpret_cast<const cpu::BlockQ8*>(actN.data() + t * xStride);
            for (uint32_t i = 0; i < cols; ++i) {
                xq[size_t(t) * cols + i] = double(b[i / 32].d) * b[i / 32].qs[i % 32];
            }
        } else if (kn->act == cpu::ActFormat::Q8K) {
            cpu::quantizeRowQ8K(cpu::Isa::Neon, xt, cols,
                                reinterpret_cast<cpu::BlockQ8K*>(actN.data() + t * xStride));
            cpu::quantizeRowQ8K(cpu::Isa::Scalar, xt, cols,
                                reinterpret_cast<cpu::BlockQ8K*>(actS.data() + t * xStride));
            const auto* b = reinterpret_cast<const cpu::BlockQ8K*>(actN.data() + t * xStride);
            for (uint32_t i = 0; i < cols; ++i) {
                xq[size_t(t) * cols + i] = double(b[i / 256].d) * b[i / 256].qs[i % 256];
            }
        } else {
            std::memcpy(actN.data() + t * xStride, xt, cols * sizeof(float));
            std::memcpy(actS.data() + t * xStride, xt, cols * sizeof(float));
            for (uint32_t i = 0; i < cols; ++i) {
                xq[size_t(t) * cols + i] = xt[i];
            }
        }
        if (std::memcmp(actN.data() + t * xStride, actS.data() + t * xStride, rowBytes) != 0) {
            fail(tag + ": NEON and scalar activation quantizers differ");
        }
    }
    // References in double from the dequantized weights.
    const std::vector<float> wf = reference::dequantize(ti.type, gguf, uint64_t(s.rows) * cols);
    std::vector<double> refQ(size_t(s.tokens) * s.rows), refF(refQ.size());
    for (uint32_t t = 0; t < s.tokens; ++t) {
        for (uint32_t r = 0; r < s.rows; ++r) {
            double q = 0, f = 0;
            for (uint32_t c = 0; c < cols; ++c) {
                q += double(wf[size_t(r) * cols + c]) * xq[size_t(t) * cols + c];
                f += double(wf[size_t(r) * cols + c]) * x[size_t(t) * cols + c];
            }
            refQ[size_t(t) * s.rows + r] = q;
            refF[size_t(t) * s.rows + r] = f;
        }
    }
    // y with a padded stride; accumulate on half the runs (onto a known start).
    const uint64_t yStride = s.rows + 3;
    const bool accumulate = (seed & 1) != 0;
    std::vector<float> yN(s.tokens * yStride, accumulate ? 0.5f : -7.0f), yS = yN;
    // On one thread the NEON run also splits its tokens (at an odd place), as a caller may.
    const uint32_t split = threads == 1 && s.tokens >= 3 ? s.tokens / 2 + 1 : 0;
    runKernel(*kn, pool, w, s.rows, cols, actN.data(), xStride, s.tokens, yN.data(), yStride, accumulate,
              split);
    runKernel(*ks, pool, w, s.rows, cols, actS.data(), xStride, s.tokens, yS.data(), yStride, accumulate);
    std::vector<float> gotN(refQ.size()), gotS(refQ.size());
    std::vector<double> gotSd(refQ.size());
    for (uint32_t t = 0; t < s.tokens; ++t) {
        for (uint32_t r = 0; r < s.rows; ++r) {
            gotN[t * s.rows + r] = yN[t * yStride + r] - (accumulate ? 0.5f : 0.0f);
            gotS[t * s.rows + r] = yS[t * yStride + r] - (accumulate ? 0.5f : 0.0f);
            gotSd[t * s.rows + r] = gotS[t * s.rows + r];
        }
        for (uint64_t r = s.rows; r < yStride; ++r) {
            if (yN[t * yStride + r] != (accumulate ? 0.5f : -7.0f)) {
                fail(tag + ": wrote outside its rows");
                break;
            }
        }
    }
    const double eScalar = nmse(gotN, gotSd), eRef = nmse(gotN, refQ), eF32 = nmse(gotN, refF);
    double* worst = g_worst[isFloat(ti.type) ? 1 : 0];
    if (!accumulate) {
        worst[0] = std::max(worst[0], eScalar);
        worst[1] = std::max(worst[1], eRef);
    }
    worst[2] = std::max(worst[2], eF32);
    const double fTol = isFloat(ti.type) ? 1e-9 : 2e-4;
    // The sum of 0.5 and a small value loses the low bits: the accumulate runs compare at f32 of 0.5.
    const double sTol = accumulate ? 1e-9 : 1e-11, rTol = accumulate ? 1e-8 : 1e-9;
    if (!(eScalar < sTol) || !(eRef < rTol) || !(eF32 < fTol)) {
        char msg[256];
        std::snprintf(msg, sizeof msg,
                      ": nmse vs scalar %.2e (< %.0e), vs reference %.2e (< %.0e), vs f32 %.2e (< %.0e)",
                      eScalar, sTol, eRef, rTol, eF32, fTol);
        fail(tag + msg);
    }
}

void checkUnpackers() {
    Rng rng{42};
    for (int k = 0; k < cpu::kq::kKinds; ++k) {
        const TypeInfo& ti = kTypes[9 + k];
        ++g_checks;
        for (int rep = 0; rep < 200; ++rep) {
            const std::vector<std::byte> blk = randomWeights(ti, 1, 256, rng);
            alignas(64) cpu::kq::Unpacked a{}, b{};
            cpu::kq::kScalarUnpack[k](reinterpret_cast<const uint8_t*>(blk.data()), a);
            cpu::kq::kNeonUnpack[k](reinterpret_cast<const uint8_t*>(blk.data()), b);
            if (std::memcmp(a.q, b.q, sizeof a.q) != 0 || std::memcmp(a.s, b.s, sizeof a.s) != 0 ||
                std::memcmp(a.m, b.m, sizeof a.m) != 0 || a.d != b.d || a.dmin != b.dmin) {
                fail(std::string(ti.name) + ": NEON unpacker differs from kScalarUnpack");
                break;
            }
        }
    }
}

// Edge values for the quantizers: zeros, exact halves of the code step, the largest magnitude.
void checkQuantizers() {
    ++g_checks;
    std::vector<float> x(512);
    Rng rng{7};
    for (int rep = 0; rep < 50; ++rep) {
        for (size_t i = 0; i < x.size(); ++i) {
            x[i] = rep == 0 ? 0.0f : rep == 1 ? float(int(i % 255) - 127) + 0.5f : rng.uniform() * float(rep);
        }
        cpu::BlockQ8 qa[16], qb[16];
        cpu::quantizeRowQ8(cpu::Isa::Neon, x.data(), 512, qa);
        cpu::quantizeRowQ8(cpu::Isa::Scalar, x.data(), 512, qb);
        cpu::BlockQ8K ka[2], kb[2];
        cpu::quantizeRowQ8K(cpu::Isa::Neon, x.data(), 512, ka);
        cpu::quantizeRowQ8K(cpu::Isa::Scalar, x.data(), 512, kb);
        if (std::memcmp(qa, qb, sizeof qa) != 0 || std::memcmp(ka, kb, sizeof ka) != 0) {
            fail("quantizers: NEON and scalar bytes differ (rep " + std::to_string(rep) + ")");
            return;
        }
    }
}

// Rough kernel timing; under qemu it measures the emulator, not the kernels.
void timing() {
    struct Case {
        GgmlType type;
        uint32_t rows, cols, tokens;
    };
    const Case cases[] = {{GgmlType::Q8_0, 512, 640, 1},
                          {GgmlType::Q5_0, 512, 640, 8},
                          {GgmlType::Q4_K, 256, 2048, 1},
                          {GgmlType::Q6_K, 256, 2048, 8}};
    cpu::ThreadPool pool(1);
    std::printf("timing (qemu-user emulates: these figures say nothing about speed on real ARM64):\n");
    for (const Case& c : cases) {
        const TypeInfo* ti = nullptr;
        for (const TypeInfo& t : kTypes) {
            ti = t.type == c.type ? &t : ti;
        }
        Rng rng{99};
        const std::vector<std::byte> gguf = randomWeights(*ti, c.rows, c.cols, rng);
        std::vector<float> x(size_t(c.tokens) * c.cols);
        for (float& f : x) {
            f = rng.uniform();
        }
        double ms[2];
        for (int i = 0; i < 2; ++i) {
            const cpu::MatrixKernel* k = kernelFor(c.type, i == 0 ? cpu::Isa::Neon : cpu::Isa::Scalar);
            std::vector<std::byte> packed(k->packedBytes(c.rows, c.cols));
            if (!packed.empty()) {
                k->pack(gguf.data(), c.rows, c.cols, packed.data());
            }
            const uint64_t xs = cpu::actRowBytes(k->act, c.cols);
            std::vector<std::byte> act(c.tokens * xs);
            for (uint32_t t = 0; t < c.tokens; ++t) {
                cpu::quantizeRow(k->act, x.data() + size_t(t) * c.cols, c.cols, act.data() + t * xs);
            }
            std::vector<float> y(size_t(c.tokens) * c.rows);
            // One run first: qemu translates code on its first execution.
            runKernel(*k, pool, packed.empty() ? gguf.data() : packed.data(), c.rows, c.cols, act.data(), xs,
                      c.tokens, y.data(), c.rows, false);
            const auto t0 = std::chrono::steady_clock::now();
            for (int rep = 0; rep < 3; ++rep) {
                runKernel(*k, pool, packed.empty() ? gguf.data() : packed.data(), c.rows, c.cols, act.data(),
                          xs, c.tokens, y.data(), c.rows, false);
            }
            ms[i] =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / 3;
        }
        const double macs = double(c.rows) * c.cols * c.tokens;
        std::printf("  %-6s %4ux%-5u t%-2u  neon %8.2f ms (%6.1f M MAC/s)  scalar %8.2f ms  ratio %.1fx\n",
                    ti->name, c.rows, c.cols, c.tokens, ms[0], macs / ms[0] / 1e3, ms[1], ms[1] / ms[0]);
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string expect;
    bool time = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--expect-isa" && i + 1 < argc) {
            expect = argv[++i];
        } else if (a == "--timing") {
            time = true;
        } else {
            std::fprintf(stderr, "usage: %s [--expect-isa neon|scalar] [--timing]\n", argv[0]);
            return 2;
        }
    }
    const cpu::Isa found = cpu::detectIsa();
    std::printf("detectIsa: %s, activeIsa: %s\n", std::string(cpu::isaName(found)).c_str(),
                std::string(cpu::isaName(cpu::activeIsa())).c_str());
    if (!expect.empty() && cpu::isaName(found) != expect) {
        std::fprintf(stderr, "FAIL: expected ISA %s, detected %s\n", expect.c_str(),
                     std::string(cpu::isaName(found)).c_str());
        return 1;
    }
    if (found != cpu::Isa::Neon) {
        // Without the extension the NEON kernels must not run; the table must fall back to scalar.
        const cpu::MatrixKernel* k = kernelFor(GgmlType::Q8_0, cpu::Isa::Neon);
        if (k == nullptr || k->isa != cpu::Isa::Scalar) {
            std::fprintf(stderr, "FAIL: no scalar fallback for a request of NEON on a CPU without it\n");
            return 1;
        }
        std::printf("no dot-product extension: the kernels fall back to scalar; kernel checks skipped\n");
        return 0;
    }
    // What the backend asks for (the active ISA, 8-bit activations) must be the NEON kernel.
    for (const TypeInfo& ti : kTypes) {
        ++g_checks;
        const cpu::MatrixKernel* k = cpu::matrixKernel(ti.type);
        if (k == nullptr || k->isa != cpu::Isa::Neon) {
            fail(std::string(ti.name) + ": matrixKernel() does not give the NEON kernel");
        }
    }
    checkQuantizers();
    checkUnpackers();
    cpu::ThreadPool pools[3] = {cpu::ThreadPool(1), cpu::ThreadPool(2), cpu::ThreadPool(3)};
    uint64_t seed = 1;
    for (const TypeInfo& ti : kTypes) {
        for (const Shape& s : kShapes) {
            // Three thread counts on the shapes with enough rows to split; one elsewhere.
            const unsigned maxThreads = s.rows >= 17 ? 3 : 1;
            for (unsigned th = 1; th <= maxThreads; ++th) {
                checkMultiply(ti, s, th, pools[th - 1], seed++);
            }
        }
    }
    if (time) {
        timing();
    }
    for (int f = 0; f < 2; ++f) {
        std::printf("worst NMSE, %s weights: vs scalar %.2e, vs reference %.2e, vs f32 activations %.2e\n",
                    f ? "float" : "quantized", g_worst[f][0], g_worst[f][1], g_worst[f][2]);
    }
    std::printf("%d checks, %d failures\n", g_checks, g_failures);
    return g_failures == 0 ? 0 : 1;
}
