// The recorder: a real compute shader against CPU sums, barriers only where the data flow needs them
// (counted, with results checked), copies, timestamps, reuse and recording errors.
#include <QtTest>

#include <random>

#include "tests/inference/vulkan/gputest.h"

using namespace lantern;
using test::AddPush;

class RecorderTest : public QObject {
    Q_OBJECT
    std::unique_ptr<gpu::Context> m_ctx;
    const gpu::Pipeline* m_add = nullptr;

    gpu::Buffer filled(uint32_t n, float value) {
        auto b = m_ctx->createBuffer(uint64_t(n) * 4);
        if (!b) {
            qFatal("buffer: %s", b.error().detail.c_str());
        }
        std::vector<float> v(n, value);
        if (!b->upload(test::bytesOf(v))) {
            qFatal("upload failed");
        }
        return std::move(*b);
    }

    static std::vector<float> read(const gpu::Buffer& b) {
        std::vector<float> v(b.size() / 4);
        if (!b.download(test::writableBytesOf(v))) {
            qFatal("download failed");
        }
        return v;
    }

    static bool allEqual(const std::vector<float>& v, float x) {
        return std::all_of(v.begin(), v.end(), [&](float y) { return y == x; });
    }

private slots:
    void initTestCase() {
        m_ctx = test::requireGpu();
        auto p = m_ctx->pipeline({"add_f32", 3, sizeof(AddPush), {64}});
        QVERIFY2(p.has_value(), p ? "" : p.error().detail.c_str());
        m_add = *p;
    }

    // add_f32 over a length that is no multiple of the workgroup size (64, specialization constant 0).
    void addMatchesCpu() {
        const uint32_t n = 1000003;
        std::vector<float> a(n), b(n);
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> d(-100.f, 100.f);
        for (uint32_t i = 0; i < n; ++i) {
            a[i] = d(rng);
            b[i] = d(rng);
        }
        auto ba = m_ctx->createBuffer(n * 4), bb = m_ctx->createBuffer(n * 4), bo = m_ctx->createBuffer(n * 4);
        QVERIFY(ba && bb && bo);
        QVERIFY(ba->upload(test::bytesOf(a)) && bb->upload(test::bytesOf(b)));
        std::vector<float> sentinel(n, -1.f);
        QVERIFY(bo->upload(test::bytesOf(sentinel)));
        auto rec = m_ctx->record();
        QVERIFY(rec);
        rec->dispatch(*m_add, {{*ba}, {*bb}, {*bo, true}}, AddPush{n}, (n + 63) / 64, 1, 1, "add");
        QCOMPARE(rec->dispatchCount(), size_t(1));
        auto r = rec->submitAndWait();
        QVERIFY2(r.has_value(), r ? "" : r.error().detail.c_str());
        const std::vector<float> out = read(*bo);
        for (uint32_t i = 0; i < n; ++i) {
            if (out[i] != a[i] + b[i]) {
                QFAIL(qPrintable(QString("element %1: %2 != %3").arg(i).arg(out[i]).arg(a[i] + b[i])));
            }
        }
    }

    // a -> t1 -> t2 -> u needs a barrier before each dependent step; the values prove the order held.
    void dependentChainIsBarriered() {
        const uint32_t n = 5000;
        gpu::Buffer a = filled(n, 1.f), t1 = filled(n, 0.f), t2 = filled(n, 0.f), u = filled(n, 0.f);
        auto rec = m_ctx->record();
        QVERIFY(rec);
        const uint32_t g = (n + 63) / 64;
        rec->dispatch(*m_add, {{a}, {a}, {t1, true}}, AddPush{n}, g);   // t1 = 2
        rec->dispatch(*m_add, {{t1}, {a}, {t2, true}}, AddPush{n}, g);  // t2 = 3 (reads t1: barrier)
        rec->dispatch(*m_add, {{t2}, {t1}, {u, true}}, AddPush{n}, g);  // u = 5  (reads t2: barrier)
        QCOMPARE(rec->barrierCount(), size_t(2));
        QVERIFY(rec->submitAndWait());
        QVERIFY(allEqual(read(u), 5.f));
    }

    void independentDispatchesNeedNoBarrier() {
        const uint32_t n = 5000;
        gpu::Buffer a = filled(n, 1.f), b = filled(n, 2.f), t1 = filled(n, 0.f), t2 = filled(n, 0.f);
        auto big = m_ctx->createBuffer(2 * n * 4);
        QVERIFY(big);
        auto rec = m_ctx->record();
        QVERIFY(rec);
        const uint32_t g = (n + 63) / 64;
        rec->dispatch(*m_add, {{a}, {a}, {t1, true}}, AddPush{n}, g);
        rec->dispatch(*m_add, {{a}, {b}, {t2, true}}, AddPush{n}, g);
        // Two halves of one buffer are independent too.
        rec->dispatch(*m_add, {{b}, {b}, {gpu::BufferRange(*big, 0, n * 4), true}}, AddPush{n}, g);
        rec->dispatch(*m_add, {{a}, {b}, {gpu::BufferRange(*big, n * 4, n * 4), true}}, AddPush{n}, g);
        QCOMPARE(rec->barrierCount(), size_t(0));
        QVERIFY(rec->submitAndWait());
        QVERIFY(allEqual(read(t1), 2.f));
        QVERIFY(allEqual(read(t2), 3.f));
        const auto halves = read(*big);
        QVERIFY(allEqual({halves.begin(), halves.begin() + n}, 4.f));
        QVERIFY(allEqual({halves.begin() + n, halves.end()}, 3.f));
    }

    // Overwriting what an earlier dispatch still reads needs a barrier too (write after read).
    void writeAfterReadIsBarriered() {
        const uint32_t n = 5000;
        gpu::Buffer a = filled(n, 1.f), t = filled(n, 0.f), c = filled(n, 7.f);
        auto rec = m_ctx->record();
        QVERIFY(rec);
        const uint32_t g = (n + 63) / 64;
        rec->dispatch(*m_add, {{a}, {a}, {t, true}}, AddPush{n}, g);  // t = 2
        rec->dispatch(*m_add, {{c}, {c}, {a, true}}, AddPush{n}, g);  // a = 14, after a was read
        QCOMPARE(rec->barrierCount(), size_t(1));
        QVERIFY(rec->submitAndWait());
        QVERIFY(allEqual(read(t), 2.f));
        QVERIFY(allEqual(read(a), 14.f));
    }

    // copy() is ordered with the dispatches around it.
    void copyOrderedWithDispatches() {
        const uint32_t n = 3000;
        gpu::Buffer a = filled(n, 1.f), t = filled(n, 0.f), u = filled(2 * n, 0.f), v = filled(n, 0.f);
        auto rec = m_ctx->record();
        QVERIFY(rec);
        const uint32_t g = (n + 63) / 64;
        rec->dispatch(*m_add, {{a}, {a}, {t, true}}, AddPush{n}, g);                        // t = 2
        rec->copy(gpu::BufferRange(t), gpu::BufferRange(u, n * 4));                         // u[n..] = 2
        rec->dispatch(*m_add, {{gpu::BufferRange(u, n * 4)}, {t}, {v, true}}, AddPush{n}, g);  // v = 4
        QCOMPARE(rec->copyCount(), size_t(1));
        QCOMPARE(rec->barrierCount(), size_t(2));
        QVERIFY(rec->submitAndWait());
        QVERIFY(allEqual(read(v), 4.f));
        const auto uu = read(u);
        QVERIFY(allEqual({uu.begin(), uu.begin() + n}, 0.f));
        QVERIFY(allEqual({uu.begin() + n, uu.end()}, 2.f));
    }

    void timestampsWhenProfiling() {
        const uint32_t n = 1 << 20;
        gpu::Buffer a = filled(n, 1.f), b = filled(n, 0.f);
        auto rec = m_ctx->record(true);
        QVERIFY(rec);
        rec->dispatch(*m_add, {{a}, {a}, {b, true}}, AddPush{n}, n / 64, 1, 1, "add L0");
        rec->dispatch(*m_add, {{b}, {a}, {a, true}}, AddPush{n}, n / 64, 1, 1, "add L1");
        QVERIFY(rec->submitAndWait());
        const auto t = rec->timings();
        QCOMPARE(t.size(), size_t(2));
        QCOMPARE(QString::fromStdString(t[0].label), QString("add L0"));
        QCOMPARE(QString::fromStdString(t[1].label), QString("add L1"));
        QVERIFY2(t[0].microseconds > 0.0 && t[1].microseconds > 0.0, qPrintable(QString::number(t[0].microseconds)));
        QVERIFY(t[0].microseconds < 60e6);
        auto plain = m_ctx->record();
        QVERIFY(plain);
        plain->dispatch(*m_add, {{a}, {a}, {b, true}}, AddPush{n}, n / 64);
        QVERIFY(plain->submitAndWait());
        QVERIFY(plain->timings().empty());
    }

    // Recordings reuse command buffers and descriptor pools; many in a row stay correct.
    void manyRecordingsReuseResources() {
        const uint32_t n = 1000;
        gpu::Buffer acc = filled(n, 0.f), one = filled(n, 1.f);
        for (int i = 0; i < 50; ++i) {
            auto rec = m_ctx->record();
            QVERIFY(rec);
            for (int k = 0; k < 300; ++k) {  // more sets than one descriptor pool holds
                rec->dispatch(*m_add, {{acc}, {one}, {acc, true}}, AddPush{n}, (n + 63) / 64);
            }
            QCOMPARE(rec->descriptorSetCount(), size_t(300));
            QCOMPARE(rec->barrierCount(), size_t(299));
            QVERIFY(rec->submitAndWait());
            if (i == 0 || i == 49) {
                QVERIFY(allEqual(read(acc), float(300 * (i + 1))));
            }
        }
    }

    void recordingErrorsComeBackFromSubmit() {
        gpu::Buffer a = filled(64, 1.f);
        {
            auto rec = m_ctx->record();
            QVERIFY(rec);
            rec->dispatch(*m_add, {{a}, {a, true}}, AddPush{64}, 1);  // one binding short
            auto r = rec->submitAndWait();
            QVERIFY(!r);
            QCOMPARE(r.error().code, Errc::InvalidArgument);
        }
        {
            auto rec = m_ctx->record();
            QVERIFY(rec);
            rec->dispatch(*m_add, {{gpu::BufferRange(a, 4)}, {a}, {a, true}}, AddPush{60}, 1);  // misaligned
            auto r = rec->submitAndWait();
            QVERIFY(!r);
            QVERIFY(r.error().detail.find("offset 4") != std::string::npos);
        }
        {
            auto rec = m_ctx->record();
            QVERIFY(rec);
            rec->dispatch(*m_add, {{a}, {a}, {a, true}}, AddPush{64}, 1);
            QVERIFY(rec->submitAndWait());
            QVERIFY(!rec->submitAndWait());  // once only
        }
    }
};

QTEST_GUILESS_MAIN(RecorderTest)
#include "recordertest.moc"
