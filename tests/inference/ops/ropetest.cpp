// rope against the CPU reference (inference/reference/ops.h, double precision): normal and NeoX pairing, partial rotation, positions from
// a buffer and from pos0, Llama 3 style frequency factors, and YaRN (ramp between trained and interpolated
// angles, attention temperature).
// Tolerance: NMSE < 1e-9. The GPU computes sin/cos of f32 angles; at position 2048 the f32 angle carries
// ~1e-4 rad of rounding, which bounds the error.
#include <cmath>

#include "tests/inference/ops/gputest.h"

using namespace lantern;
using namespace lantern::test;

class RopeTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { gpuContext(); }
    void matchesFormula_data();
    void matchesFormula();
    void yarnRampBounds();
};

// The pairs YaRN blends, worked out by hand from the YaRN paper's definition (see ops.h) for three shapes.
void RopeTest::yarnRampBounds() {
    const ops::YarnRamp a = ops::yarnRamp(64, 64, 1e6f);
    QCOMPARE(a.corrLow, 0.0f);  // the fast bound falls below pair 0
    QCOMPARE(a.corrHigh, 6.0f);
    const ops::YarnRamp b = ops::yarnRamp(128, 4096, 1e4f);
    QCOMPARE(b.corrLow, 20.0f);
    QCOMPARE(b.corrHigh, 46.0f);
    const ops::YarnRamp c = ops::yarnRamp(64, 32768, 1e6f);
    QCOMPARE(c.corrLow, 11.0f);
    QCOMPARE(c.corrHigh, 20.0f);
    QCOMPARE(c.extFactor, 1.0f);
    QCOMPARE(ops::ropeMscale(0.25f, c), 1.0f + 0.1f * std::log(4.0f));
    QCOMPARE(ops::ropeMscale(0.25f, ops::YarnRamp{}), 1.0f);  // linear scaling has no temperature
}

void RopeTest::matchesFormula_data() {
    QTest::addColumn<bool>("neox");
    QTest::addColumn<int>("nRot");
    QTest::addColumn<bool>("positionBuffer");
    QTest::addColumn<bool>("freqFactors");
    QTest::addColumn<bool>("yarn");
    QTest::newRow("normal full, buffer") << false << 64 << true << false << false;
    QTest::newRow("neox full, buffer") << true << 64 << true << false << false;
    QTest::newRow("neox partial, pos0") << true << 32 << false << false << false;
    QTest::newRow("normal, freq factors") << false << 64 << true << true << false;
    QTest::newRow("neox, yarn") << true << 64 << true << false << true;
    QTest::newRow("normal partial, yarn, freq factors") << false << 48 << true << true << true;
}

void RopeTest::matchesFormula() {
    QFETCH(bool, neox);
    QFETCH(int, nRot);
    QFETCH(bool, positionBuffer);
    QFETCH(bool, freqFactors);
    QFETCH(bool, yarn);
    const uint32_t tokens = 5, heads = 3, hd = 64, pos0 = 17;
    const float base = 10000.0f, fscale = 0.5f;
    const std::vector<int32_t> positions = {3, 100, 7, 2048, 0};
    Rng rng(11);
    const std::vector<float> x = rng.floats(size_t(tokens) * heads * hd);
    const std::vector<float> ff = rng.floats(uint32_t(nRot) / 2, 1.0f, 8.0f);
    // YaRN: pairs up to `low` keep the trained angle, from `high` on are interpolated, a linear blend between.
    const float low = 5, high = 13;
    std::vector<int32_t> at(tokens);
    for (uint32_t t = 0; t < tokens; ++t) {
        at[t] = positionBuffer ? positions[t] : int32_t(pos0 + t);
    }
    reference::Rope r;
    r.nRot = uint32_t(nRot);
    r.neox = neox;
    r.freqBase = base;
    r.freqScale = fscale;
    r.freqFactors = freqFactors ? std::span<const float>(ff) : std::span<const float>();
    r.extFactor = yarn ? 1.0f : 0.0f;
    r.corrLow = low;
    r.corrHigh = high;
    std::vector<float> want = x;
    reference::rope(want, at, heads, hd, r);
    gpu::Buffer xb = upload(x), pb = upload(positions), fb = upload(ff);
    ops::RopeArgs a;
    a.x = xb;
    a.positions = positionBuffer ? gpu::BufferRange(pb) : gpu::BufferRange();
    a.freqFactors = freqFactors ? gpu::BufferRange(fb) : gpu::BufferRange();
    a.nTokens = tokens;
    a.nHeads = heads;
    a.headDim = hd;
    a.nRot = uint32_t(nRot);
    a.pos0 = pos0;
    a.freqBase = base;
    a.freqScale = fscale;
    a.neox = neox;
    if (yarn) {
        a.yarn.extFactor = 1.0f;
        a.yarn.corrLow = low;
        a.yarn.corrHigh = high;
    }
    run([&](gpu::Recorder& rec) { return ops::rope(gpuContext(), rec, a, "rope"); });
    const double e = nmse(download(xb, x.size()), want);
    QVERIFY2(e < 1e-9, qPrintable(QString("NMSE %1").arg(e)));
}

QTEST_MAIN(RopeTest)
#include "ropetest.moc"
