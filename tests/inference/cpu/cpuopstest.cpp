// The CPU backend's f32 ops (inference/cpu/ops.h), its exact-mode matrix kernels and its thread pool, against
// the CPU reference (inference/reference, double accumulation), on odd shapes, with 1, 2 and 3 threads. Each op
// must give the same numbers whatever the thread count (disjoint shares, each element computed by one thread).
//
// Tolerances: dequantizeRow and getRows are exact (the same f32 operations as the reference's block decoders);
// the f32 ops NMSE < 1e-10 against double-precision references (f32 rounding, ~1e-14 observed) except rope and
// attention, whose f32 transcendental and summation order give ~1e-13; a wrong pairing, index or scale is > 1e-3.
// Attention's reference reads the K/V values rounded through f16, as the f16 cache holds them.
#include <QtTest>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "inference/cpu/matmul.h"
#include "inference/cpu/ops.h"
#include "inference/cpu/scratch.h"
#include "inference/cpu/threadpool.h"
#include "tests/inference/ops/gputest.h"

using namespace lantern;
using lantern::test::Rng;
using lantern::test::nmse;

namespace {

// Runs op(ith, nth) on a pool of n threads.
template <class Op>
void onThreads(unsigned n, Op op) {
    cpu::ThreadPool pool(n);
    pool.run([&](unsigned ith, unsigned nth) { op(ith, nth); });
}

double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

}  // namespace

class CpuOpsTest : public QObject {
    Q_OBJECT
private slots:
    void dequantizeRowIsTheReference_data() {
        QTest::addColumn<int>("type");
        for (gguf::GgmlType t : test::weightTypes()) {
            QTest::newRow(gguf::typeTraits(t)->name.data()) << int(t);
        }
    }
    void dequantizeRowIsTheReference() {
        QFETCH(int, type);
        const auto t = gguf::GgmlType(type);
        Rng rng(7 + type);
        const uint32_t rows = 5, cols = test::testCols(t);
        const std::vector<std::byte> w = test::randomWeights(t, rows, cols, rng);
        const std::vector<float> want = reference::dequantize(t, w, uint64_t(rows) * cols);
        std::vector<float> got(uint64_t(rows) * cols);
        const uint64_t rowBytes = cpu::ggufRowBytes(t, cols);
        for (uint32_t r = 0; r < rows; ++r) {
            cpu::dequantizeRow(t, w.data() + r * rowBytes, cols, got.data() + uint64_t(r) * cols);
        }
        QVERIFY2(got == want, qPrintable(QString("NMSE %1").arg(nmse(got, want))));
        // getRows: ids out of range are skipped, the scale applies.
        const int32_t ids[] = {3, 99, 0};
        std::vector<float> out(3 * cols, -7.0f);
        onThreads(2, [&](unsigned i, unsigned n) { cpu::getRows(t, w.data(), rowBytes, rows, cols, ids, 3, 2.0f, out.data(), i, n); });
        for (uint32_t c = 0; c < cols; ++c) {
            QCOMPARE(out[c], want[3 * cols + c] * 2.0f);
            QCOMPARE(out[cols + c], -7.0f);
            QCOMPARE(out[2 * cols + c], want[c] * 2.0f);
        }
    }

    void exactKernelsMatchTheReference_data() { dequantizeRowIsTheReference_data(); }
    void exactKernelsMatchTheReference() {
        QFETCH(int, type);
        const auto t = gguf::GgmlType(type);
        Rng rng(100 + type);
        const uint32_t rows = 67, cols = test::testCols(t), nTok = 3;
        const std::vector<std::byte> w = test::randomWeights(t, rows, cols, rng);
        const std::vector<float> x = rng.floats(size_t(nTok) * cols);
        for (cpu::Isa isa : {cpu::Isa::Scalar, cpu::Isa::Avx2, cpu::Isa::Avx512Vnni}) {
            if (!cpu::isaSupported(isa)) {
                continue;
            }
            cpu::setIsa(isa);
            const cpu::MatrixKernel* k = cpu::matrixKernel(t, isa, true);
            QVERIFY(k != nullptr && k->act == cpu::ActFormat::F32);
            std::vector<float> y(size_t(nTok) * rows, 1.0f);
            cpu::MatArgs a;
            a.w = w.data();
            a.rows = rows;
            a.cols = cols;
            a.x = reinterpret_cast<const std::byte*>(x.data());
            a.xStride = uint64_t(cols) * 4;
            a.y = y.data();
            a.yStride = rows;
            a.t0 = 0;
            a.t1 = nTok;
            a.accumulate = true;  // y starts at 1
            for (uint32_t r0 = 0; r0 < rows; r0 += 16) {
                a.r0 = r0;
                a.r1 = std::min(rows, r0 + 16);
                k->multiply(a);
            }
            for (uint32_t tk = 0; tk < nTok; ++tk) {
                std::vector<float> want = reference::matvec(t, w, rows, cols, std::span(x).subspan(size_t(tk) * cols, cols));
                for (float& v : want) {
                    v += 1.0f;
                }
                const double e = nmse(std::span(y).subspan(size_t(tk) * rows, rows), want);
                QVERIFY2(e < 1e-9, qPrintable(QString("%1 token %2: NMSE %3").arg(cpu::isaName(isa).data()).arg(tk).arg(e)));
            }
        }
        cpu::setIsa(cpu::detectIsa());
    }

    void elementwiseMatchTheReference() {
        Rng rng(3);
        const uint32_t rows = 7, cols = 333;
        const std::vector<float> x = rng.floats(size_t(rows) * cols, -3.f, 3.f), w = rng.floats(cols),
                                 u = rng.floats(size_t(rows) * cols);
        for (unsigned n : {1u, 2u, 3u}) {
            std::vector<float> out(x.size());
            onThreads(n, [&](unsigned i, unsigned nth) { cpu::rmsnorm(x.data(), w.data(), out.data(), rows, cols, 1e-6f, 0, i, nth); });
            QVERIFY(nmse(out, reference::rmsnorm(x, w, rows, cols, 1e-6f)) < 1e-10);
            onThreads(n, [&](unsigned i, unsigned nth) { cpu::swiglu(x.data(), u.data(), out.data(), x.size(), i, nth); });
            QVERIFY(nmse(out, reference::swiglu(x, u)) < 1e-10);
            onThreads(n, [&](unsigned i, unsigned nth) { cpu::geglu(x.data(), u.data(), out.data(), x.size(), i, nth); });
            QVERIFY(nmse(out, reference::geglu(x, u)) < 1e-10);
            out = x;
            onThreads(n, [&](unsigned i, unsigned nth) { cpu::softmax(out.data(), rows, cols, 0.7f, i, nth); });
            QVERIFY(nmse(out, reference::softmax(x, rows, cols, 0.7f)) < 1e-10);
            onThreads(n, [&](unsigned i, unsigned nth) { cpu::add(x.data(), w.data(), out.data(), x.size(), cols, i, nth); });
            for (size_t j = 0; j < x.size(); ++j) {
                QCOMPARE(out[j], x[j] + w[j % cols]);
            }
        }
    }

    void ropeMatchesTheReference_data() {
        QTest::addColumn<bool>("neox");
        QTest::addColumn<bool>("yarn");
        QTest::addColumn<bool>("factors");
        QTest::newRow("normal") << false << false << false;
        QTest::newRow("neox") << true << false << false;
        QTest::newRow("neox yarn") << true << true << false;
        QTest::newRow("freq factors") << false << false << true;
    }
    void ropeMatchesTheReference() {
        QFETCH(bool, neox);
        QFETCH(bool, yarn);
        QFETCH(bool, factors);
        Rng rng(11);
        const uint32_t nTok = 5, heads = 3, dim = 64, nRot = 48;
        const std::vector<float> x0 = rng.floats(size_t(nTok) * heads * dim);
        const std::vector<float> ff = rng.floats(nRot / 2, 1.0f, 4.0f);
        const std::vector<int32_t> positions = {7, 8, 9, 30, 1000};
        reference::Rope r;
        r.nRot = nRot;
        r.neox = neox;
        r.freqBase = 10000.f;
        r.freqScale = yarn ? 0.25f : 1.0f;
        if (factors) {
            r.freqFactors = ff;
        }
        if (yarn) {
            r.extFactor = 1.0f;
            r.corrLow = 4.0f;
            r.corrHigh = 15.0f;
        }
        std::vector<float> want = x0;
        reference::rope(want, positions, heads, dim, r);
        for (unsigned n : {1u, 2u, 3u}) {
            std::vector<float> got = x0;
            cpu::RopeParams p;
            p.nTokens = nTok;
            p.nHeads = heads;
            p.headDim = dim;
            p.nRot = nRot;
            p.positions = positions.data();
            p.freqBase = r.freqBase;
            p.freqScale = r.freqScale;
            p.neox = neox;
            p.freqFactors = factors ? ff.data() : nullptr;
            p.extFactor = r.extFactor;
            p.corrLow = r.corrLow;
            p.corrHigh = r.corrHigh;
            onThreads(n, [&](unsigned i, unsigned nth) { cpu::rope(got.data(), p, i, nth); });
            const double e = nmse(got, want);
            QVERIFY2(e < 1e-9, qPrintable(QString("%1 threads: NMSE %2").arg(n).arg(e)));
        }
    }

    void attentionMatchesTheReference_data() {
        QTest::addColumn<int>("nTokens");
        QTest::addColumn<int>("pos0");
        QTest::addColumn<int>("window");
        QTest::addColumn<double>("softcap");
        QTest::addColumn<bool>("f16");
        QTest::newRow("prefill, GQA") << 9 << 0 << 0 << 0.0 << true;
        QTest::newRow("prefill after a prefix, window") << 6 << 37 << 16 << 0.0 << true;
        QTest::newRow("decode, long cache") << 1 << 300 << 0 << 0.0 << true;
        QTest::newRow("decode, softcap, f32 cache") << 1 << 70 << 0 << 20.0 << false;
        QTest::newRow("decode, window") << 1 << 120 << 32 << 0.0 << true;
    }
    void attentionMatchesTheReference() {
        QFETCH(int, nTokens);
        QFETCH(int, pos0);
        QFETCH(int, window);
        QFETCH(double, softcap);
        QFETCH(bool, f16);
        const uint32_t nHead = 8, nHeadKv = 2, dim = 64, positions = uint32_t(pos0 + nTokens);
        Rng rng(uint64_t(pos0 * 31 + nTokens));
        const std::vector<float> q = rng.floats(size_t(nTokens) * nHead * dim);
        std::vector<float> k = rng.floats(size_t(positions) * nHeadKv * dim), v = rng.floats(k.size());
        std::vector<uint16_t> k16(k.size()), v16(v.size());
        cpu::toF16(k.data(), k16.data(), k.size());
        cpu::toF16(v.data(), v16.data(), v.size());
        if (f16) {  // the reference sees what the cache holds
            cpu::fromF16(k16.data(), k.data(), k.size());
            cpu::fromF16(v16.data(), v.data(), v.size());
        }
        reference::Attention ra;
        ra.nTokens = uint32_t(nTokens);
        ra.pos0 = uint32_t(pos0);
        ra.nHead = nHead;
        ra.nHeadKv = nHeadKv;
        ra.headDim = dim;
        ra.window = uint32_t(window);
        ra.scale = 0.125f;
        ra.softcap = float(softcap);
        const std::vector<float> want = reference::attention(ra, q, k, v);
        for (unsigned n : {1u, 2u, 3u}) {
            std::vector<float> out(want.size(), 0.f);
            std::vector<float> scratch(cpu::attentionScratchFloats(positions, dim, n) + 1);
            cpu::AttentionParams p;
            p.q = q.data();
            p.k = f16 ? static_cast<const void*>(k16.data()) : k.data();
            p.v = f16 ? static_cast<const void*>(v16.data()) : v.data();
            p.out = out.data();
            p.nTokens = uint32_t(nTokens);
            p.nHead = nHead;
            p.nHeadKv = nHeadKv;
            p.headDim = dim;
            p.headDimV = dim;
            p.pos0 = uint32_t(pos0);
            p.window = uint32_t(window);
            p.scale = 0.125f;
            p.softcap = float(softcap);
            p.kvF16 = f16;
            p.scratch = scratch.data();
            onThreads(n, [&](unsigned i, unsigned nth) { cpu::attention(p, i, nth); });
            const double e = nmse(out, want);
            QVERIFY2(e < 1e-9, qPrintable(QString("%1 threads: NMSE %2").arg(n).arg(e)));
        }
    }

    void routingAndTopKMatchTheReference() {
        Rng rng(5);
        const uint32_t nTok = 6, nExpert = 16, used = 4;
        const std::vector<float> logits = rng.floats(size_t(nTok) * nExpert, -4.f, 4.f), bias = rng.floats(nExpert, 0.f, 0.5f);
        for (bool sigmoid : {false, true}) {
            const uint32_t groups = sigmoid ? 4 : 0, groupsUsed = sigmoid ? 2 : 0;
            const reference::MoeRoute want = reference::moeRoute(logits, nTok, nExpert, used, sigmoid,
                                                                 sigmoid ? std::span<const float>(bias) : std::span<const float>(),
                                                                 true, sigmoid ? 2.5f : 1.f, groups, groupsUsed);
            std::vector<uint32_t> ids(nTok * used);
            std::vector<float> w(nTok * used);
            cpu::MoeRouteParams p;
            p.logits = logits.data();
            p.bias = sigmoid ? bias.data() : nullptr;
            p.ids = ids.data();
            p.weights = w.data();
            p.nTokens = nTok;
            p.nExpert = nExpert;
            p.used = used;
            p.sigmoid = sigmoid;
            p.scale = sigmoid ? 2.5f : 1.f;
            p.nGroups = groups;
            p.groupsUsed = groupsUsed;
            onThreads(2, [&](unsigned i, unsigned nth) { cpu::moeRoute(p, i, nth); });
            QVERIFY(ids == want.ids);
            QVERIFY(nmse(w, want.weights) < 1e-12);
        }
        std::vector<float> v = rng.floats(1000);
        v[10] = v[20] = 5.f;  // a tie: the lower index first
        v[30] = std::nanf("");
        const std::vector<uint32_t> want = reference::topK(v, 5);
        float values[5];
        uint32_t idx[5];
        cpu::topK(v.data(), uint32_t(v.size()), 5, values, idx);
        QVERIFY(std::equal(want.begin(), want.end(), idx));
        cpu::topK(v.data(), uint32_t(v.size()), 1, values, idx);
        QCOMPARE(idx[0], 10u);
    }

    // The pool: forChunks hands out every chunk exactly once; a barrier is cheap; idle workers park.
    void threadPoolChunksBarriersAndParking() {
        cpu::ThreadPool pool(2);
        QCOMPARE(pool.size(), 2u);
        QVERIFY(cpu::physicalCores() >= 1);
        std::vector<std::atomic<int>> seen(1001);
        for (int round = 0; round < 50; ++round) {
            for (auto& s : seen) {
                s.store(0);
            }
            pool.run([&](unsigned, unsigned) {
                pool.forChunks(seen.size(), 7, [&](uint64_t b, uint64_t e) {
                    for (uint64_t i = b; i < e; ++i) {
                        seen[i].fetch_add(1);
                    }
                });
            });
            for (auto& s : seen) {
                QCOMPARE(s.load(), 1);
            }
        }
        constexpr int kBarriers = 100000;
        const auto t0 = std::chrono::steady_clock::now();
        pool.run([&](unsigned, unsigned) {
            for (int i = 0; i < kBarriers; ++i) {
                pool.barrier();
            }
        });
        const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / kBarriers;
        qInfo("barrier: %.0f ns each with 2 threads", ns);
        QVERIFY2(ns < 20000, qPrintable(QString("%1 ns per barrier").arg(ns)));  // loose: CI cores are shared
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // past the spin window
        const double before = cpuSeconds();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const double idle = cpuSeconds() - before;
        qInfo("CPU time while idle for 300 ms: %.1f ms", idle * 1000);
        QVERIFY2(idle < 0.05, qPrintable(QString("idle workers used %1 s of CPU").arg(idle)));
    }

    // Kernel scratch (scratch.h): inside a run each thread reuses its own pool arena, 64-byte aligned, and a
    // nested block sits above the outer one; a thread with no arena gets heap blocks; threads exit cleanly.
    void scratchPerThreadArenas() {
        QVERIFY(cpu::threadArena() == nullptr);
        {
            cpu::Scratch<float> heap(100);  // no arena here
            QCOMPARE(reinterpret_cast<uintptr_t>(heap.data()) % 64, uintptr_t(0));
            heap[99] = 1.0f;
        }
        cpu::ThreadPool pool(3);
        std::vector<float*> first(3), again(3), inner(3);
        std::vector<cpu::ScratchArena*> arenas(3);
        const auto take = [&](std::vector<float*>& out) {
            pool.run([&](unsigned ith, unsigned) {
                arenas[ith] = cpu::threadArena();
                cpu::Scratch<float> outer(1000);
                out[ith] = outer.data();
                std::fill(outer.data(), outer.data() + 1000, float(ith));
                cpu::Scratch<float> nested(10);  // fits: taken above `outer`
                inner[ith] = nested.data();
                std::fill(nested.data(), nested.data() + 10, -1.0f);
                for (int i = 0; i < 1000; ++i) {
                    QCOMPARE(outer[i], float(ith));
                }
            });
        };
        take(first);
        take(again);
        for (unsigned i = 0; i < 3; ++i) {
            QVERIFY(arenas[i] != nullptr);
            QCOMPARE(again[i], first[i]);  // the same memory run after run: no allocation per kernel call
            QCOMPARE(reinterpret_cast<uintptr_t>(first[i]) % 64, uintptr_t(0));
            QVERIFY(inner[i] >= first[i] + 1000);
            for (unsigned j = 0; j < i; ++j) {
                QVERIFY(arenas[i] != arenas[j]);
            }
        }
        QVERIFY(cpu::threadArena() == nullptr);  // the caller's binding ends with the run
        pool.run([&](unsigned, unsigned) {
            cpu::Scratch<float> outer(16);
            cpu::Scratch<float> bigger(1 << 20);  // no room above `outer`: a heap block of its own
            bigger[(1 << 20) - 1] = 2.0f;
            outer[0] = 1.0f;
        });
    }
};

QTEST_MAIN(CpuOpsTest)
#include "cpuopstest.moc"
