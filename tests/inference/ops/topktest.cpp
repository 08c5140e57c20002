// topK (shaders/topk.comp) against the CPU reference (inference/reference/ops.h: value descending, index
// ascending, NaN as the lowest finite float): vocabulary-sized vectors with ties and NaNs, k = 1 (argmax) to 64,
// vectors shorter than k, and sizes that do not divide into the slices evenly.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "tests/inference/ops/gputest.h"

using namespace lantern;
using namespace lantern::test;


class TopKTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { gpuContext(); }

    void matchesSortedOrder_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("k");
        QTest::newRow("argmax over a 262144 vocabulary") << 262144 << 1;
        QTest::newRow("top-40 over 262144") << 262144 << 40;
        QTest::newRow("top-64 over 151936 (Qwen)") << 151936 << 64;
        QTest::newRow("top-8 over 100003") << 100003 << 8;
        QTest::newRow("top-3 over 1000") << 1000 << 3;
        QTest::newRow("k larger than n") << 5 << 8;
    }

    void matchesSortedOrder() {
        QFETCH(int, n);
        QFETCH(int, k);
        Rng rng(uint64_t(n) * 131 + uint64_t(k));
        std::vector<float> v(static_cast<size_t>(n));
        for (float& f : v) {
            // Coarse values, so many ties; a few NaNs and infinities.
            f = std::round(rng.uniform(-20.f, 20.f) * 4.f) / 4.f;
        }
        for (int i = 0; i < n / 5000; ++i) {
            v[size_t(rng.next() % uint64_t(n))] = std::nanf("");
        }
        if (n > 10) {
            v[size_t(n) - 1] = 25.f;   // the maximum at the very end
            v[size_t(n) / 3] = 25.f;   // and a tie with it earlier: the lower index comes first
            v[7] = -INFINITY;
        }
        const std::vector<uint32_t> want = reference::topK(v, uint32_t(k));

        gpu::Buffer vb = upload(v), scratch = makeBuffer(ops::topKScratchBytes(uint32_t(n), uint32_t(k)));
        gpu::Buffer ov = makeBuffer(uint64_t(k) * 4), oi = makeBuffer(uint64_t(k) * 4);
        run([&](gpu::Recorder& rec) {
            return ops::topK(gpuContext(), rec, {vb, scratch, ov, oi, uint32_t(n), uint32_t(k)}, "topk");
        });
        const std::vector<float> gotVal = download(ov, size_t(k));
        const std::vector<float> raw = download(oi, size_t(k));
        std::vector<uint32_t> gotIdx(static_cast<size_t>(k));
        std::memcpy(gotIdx.data(), raw.data(), gotIdx.size() * 4);
        for (size_t j = 0; j < size_t(k); ++j) {
            if (j < want.size()) {
                QVERIFY2(gotIdx[j] == want[j],
                         qPrintable(QString("rank %1: index %2, want %3 (value %4 vs %5)")
                                        .arg(j).arg(gotIdx[j]).arg(want[j]).arg(gotVal[j]).arg(v[want[j]])));
                const float expect = std::isnan(v[want[j]]) ? -3.402823466e38f : v[want[j]];
                QCOMPARE(gotVal[j], expect);
            } else {
                QCOMPARE(gotIdx[j], 0xFFFFFFFFu);  // fewer than k values
            }
        }
    }

    void rejectsBadK() {
        gpu::Buffer vb = makeBuffer(64), scratch = makeBuffer(1024), ov = makeBuffer(1024), oi = makeBuffer(1024);
        auto rec = gpuContext().record();
        QVERIFY(rec);
        QVERIFY(!ops::topK(gpuContext(), *rec, {vb, scratch, ov, oi, 16, 0}, "topk"));
        QVERIFY(!ops::topK(gpuContext(), *rec, {vb, scratch, ov, oi, 16, ops::kMaxTopK + 1}, "topk"));
    }
};

QTEST_GUILESS_MAIN(TopKTest)
#include "topktest.moc"
