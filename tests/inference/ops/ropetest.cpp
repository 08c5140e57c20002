// rope against the scalar formula in double: normal and NeoX pairing, partial rotation, positions from
// a buffer and from pos0, and Llama 3 style frequency factors.
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
};

void RopeTest::matchesFormula_data() {
    QTest::addColumn<bool>("neox");
    QTest::addColumn<int>("nRot");
    QTest::addColumn<bool>("positionBuffer");
    QTest::addColumn<bool>("freqFactors");
    QTest::newRow("normal full, buffer") << false << 64 << true << false;
    QTest::newRow("neox full, buffer") << true << 64 << true << false;
    QTest::newRow("neox partial, pos0") << true << 32 << false << false;
    QTest::newRow("normal, freq factors") << false << 64 << true << true;
}

void RopeTest::matchesFormula() {
    QFETCH(bool, neox);
    QFETCH(int, nRot);
    QFETCH(bool, positionBuffer);
    QFETCH(bool, freqFactors);
    const uint32_t tokens = 5, heads = 3, hd = 64, pos0 = 17;
    const float base = 10000.0f, fscale = 0.5f;
    const std::vector<int32_t> positions = {3, 100, 7, 2048, 0};
    Rng rng(11);
    const std::vector<float> x = rng.floats(size_t(tokens) * heads * hd);
    const std::vector<float> ff = rng.floats(uint32_t(nRot) / 2, 1.0f, 8.0f);
    std::vector<float> want = x;
    for (uint32_t t = 0; t < tokens; ++t) {
        const double pos = positionBuffer ? positions[t] : pos0 + t;
        for (uint32_t h = 0; h < heads; ++h) {
            for (int i = 0; i < nRot / 2; ++i) {
                double theta = pos * double(fscale) * std::pow(double(base), -2.0 * i / nRot);
                if (freqFactors) {
                    theta /= double(ff[i]);
                }
                const size_t b = (size_t(t) * heads + h) * hd;
                const size_t i0 = b + (neox ? i : 2 * i), i1 = i0 + (neox ? nRot / 2 : 1);
                want[i0] = static_cast<float>(double(x[i0]) * std::cos(theta) - double(x[i1]) * std::sin(theta));
                want[i1] = static_cast<float>(double(x[i0]) * std::sin(theta) + double(x[i1]) * std::cos(theta));
            }
        }
    }
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
    run([&](gpu::Recorder& rec) { return ops::rope(gpuContext(), rec, a, "rope"); });
    const double e = nmse(download(xb, x.size()), want);
    QVERIFY2(e < 1e-9, qPrintable(QString("NMSE %1").arg(e)));
}

QTEST_MAIN(RopeTest)
#include "ropetest.moc"
