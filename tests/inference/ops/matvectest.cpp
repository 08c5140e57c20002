// matvec_<type>_f32 against the CPU reference: y = dequantize(W) x computed in double from
// lantern::reference::dequantizeRow. Weights are random GGUF blocks (every code and packed-scale
// pattern), so the comparison isolates the shader's decoding and accumulation.
//
// Tolerance: NMSE < 1e-9 for every type. The reference dequantization is exact in f32 and the GPU
// accumulates in f32, so the only error is f32 rounding (~1e-13 observed); a wrong nibble, scale or
// sign in one block gives NMSE > 1e-4.
#include "tests/inference/ops/gputest.h"

using lantern::gguf::GgmlType;
using namespace lantern;
using namespace lantern::test;

class MatvecTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { gpuContext(); }
    void everyType_data();
    void everyType();
    void gluOfAdjacentGateAndUp_data();
    void gluOfAdjacentGateAndUp();
    void accumulateAddsToY();
    void splitsTensorsBeyondOneStorageRange();
    void rejectsUnsupportedType();
};

void MatvecTest::everyType_data() {
    QTest::addColumn<int>("type");
    for (GgmlType t : weightTypes()) {
        QTest::newRow(std::string(ops::typeSuffix(t)).c_str()) << static_cast<int>(t);
    }
}

void MatvecTest::everyType() {
    QFETCH(int, type);
    const auto t = static_cast<GgmlType>(type);
    const uint32_t rows = 67, cols = testCols(t);
    Rng rng(1234 + type);
    const std::vector<std::byte> w = randomWeights(t, rows, cols, rng);
    const std::vector<float> x = rng.floats(cols);
    const std::vector<float> want = reference::matvec(t, w, rows, cols, x);

    gpu::Buffer wb = upload(w), xb = upload(x), yb = makeBuffer(rows * 4);
    const ops::Weight weight{&wb, 0, t, rows, cols};
    QVERIFY(ops::prepareMatvec(gpuContext(), weight).has_value());
    run([&](gpu::Recorder& rec) { return ops::matvec(gpuContext(), rec, weight, xb, yb, false, "matvec"); });
    const std::vector<float> got = download(yb, rows);
    const double e = nmse(got, want);
    QVERIFY2(e < 1e-9, qPrintable(QString("NMSE %1").arg(e)));
}

// matvec_glu_<type>_f32 (the dense FFN at decode): gate and up stored back to back in one buffer, y = act(gate x) *
// (up x) against the reference products and activations. 67 rows leave a partial workgroup; up starts wherever
// 67 gate rows end (half-word aligned for some types).
void MatvecTest::gluOfAdjacentGateAndUp_data() {
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("act");
    for (GgmlType t : weightTypes()) {
        QTest::newRow((std::string(ops::typeSuffix(t)) + " gelu").c_str()) << static_cast<int>(t) << 1;
    }
    QTest::newRow("q4k silu") << static_cast<int>(GgmlType::Q4_K) << 0;
    QTest::newRow("q8_0 silu") << static_cast<int>(GgmlType::Q8_0) << 0;
}

void MatvecTest::gluOfAdjacentGateAndUp() {
    QFETCH(int, type);
    QFETCH(int, act);
    const auto t = static_cast<GgmlType>(type);
    const uint32_t rows = 67, cols = testCols(t);
    Rng rng(777 + type);
    const std::vector<std::byte> gate = randomWeights(t, rows, cols, rng), up = randomWeights(t, rows, cols, rng);
    const std::vector<float> x = rng.floats(cols);
    const std::vector<float> g = reference::matvec(t, gate, rows, cols, x), u = reference::matvec(t, up, rows, cols, x);
    std::vector<float> want(rows);
    for (uint32_t r = 0; r < rows; ++r) {
        want[r] = float((act == 1 ? reference::geluTanh(g[r]) : reference::silu(g[r])) * double(u[r]));
    }
    std::vector<std::byte> both = gate;
    both.insert(both.end(), up.begin(), up.end());
    gpu::Buffer wb = upload(both), xb = upload(x), yb = makeBuffer(rows * 4);
    const ops::Weight gw{&wb, 0, t, rows, cols}, uw{&wb, gate.size(), t, rows, cols};
    QVERIFY(ops::gluAdjacent(gpuContext(), gw, uw));
    QVERIFY(!ops::gluAdjacent(gpuContext(), uw, gw));  // up before gate is not the layout
    QVERIFY(ops::prepareMatvecGlu(gpuContext(), gw).has_value());
    run([&](gpu::Recorder& rec) { return ops::matvecGlu(gpuContext(), rec, gw, uw, xb, yb, uint32_t(act), "glu"); });
    const double e = nmse(download(yb, rows), want);
    QVERIFY2(e < 1e-9, qPrintable(QString("NMSE %1").arg(e)));
}

void MatvecTest::accumulateAddsToY() {
    const GgmlType t = GgmlType::Q4_K;
    const uint32_t rows = 33, cols = 512;
    Rng rng(7);
    const std::vector<std::byte> w = randomWeights(t, rows, cols, rng);
    const std::vector<float> x = rng.floats(cols), y0 = rng.floats(rows, -5.0f, 5.0f);
    std::vector<float> want = reference::matvec(t, w, rows, cols, x);
    for (uint32_t r = 0; r < rows; ++r) {
        want[r] += y0[r];
    }
    gpu::Buffer wb = upload(w), xb = upload(x), yb = upload(y0);
    const ops::Weight weight{&wb, 0, t, rows, cols};
    run([&](gpu::Recorder& rec) { return ops::matvec(gpuContext(), rec, weight, xb, yb, true, "matvec acc"); });
    const double e = nmse(download(yb, rows), want);
    QVERIFY2(e < 1e-9, qPrintable(QString("NMSE %1").arg(e)));
}

// A Q8_0 matrix of 140 MB (more than lavapipe's 128 MiB maxStorageBufferRange, and more rows than one
// grid dimension holds) at a row offset that is not range-aligned: the op must split it into ranges.
// Rows near the chunk boundary and a sample elsewhere are checked.
void MatvecTest::splitsTensorsBeyondOneStorageRange() {
    const GgmlType t = GgmlType::Q8_0;
    const uint32_t rows = 130001, cols = 1024;
    const uint64_t rb = ops::rowBytes(t, cols);
    const uint64_t lead = 1088 + 8;  // weight starts 8 bytes past an aligned offset
    Rng rng(99);
    std::vector<std::byte> w = randomWeights(t, rows, cols, rng);
    w.insert(w.begin(), lead, std::byte{0});
    const std::vector<float> x = rng.floats(cols);
    gpu::Buffer wb = upload(w), xb = upload(x), yb = makeBuffer(uint64_t{rows} * 4);
    const ops::Weight weight{&wb, lead, t, rows, cols};
    run([&](gpu::Recorder& rec) { return ops::matvec(gpuContext(), rec, weight, xb, yb, false, "matvec big"); });
    const std::vector<float> got = download(yb, rows);

    const uint64_t maxRange = gpuContext().info().maxStorageBufferRange;
    const uint64_t boundary = maxRange / rb;  // first chunk ends near here
    std::vector<uint32_t> sample;
    for (uint64_t r = boundary > 300 ? boundary - 300 : 0; r < std::min<uint64_t>(rows, boundary + 300); ++r) {
        sample.push_back(static_cast<uint32_t>(r));
    }
    for (uint32_t r = 0; r < rows; r += 997) {
        sample.push_back(r);
    }
    sample.push_back(rows - 1);
    std::vector<float> g, want;
    for (uint32_t r : sample) {
        const std::span<const std::byte> row(w.data() + lead + r * rb, rb);
        want.push_back(reference::matvec(t, std::vector<std::byte>(row.begin(), row.end()), 1, cols, x)[0]);
        g.push_back(got[r]);
    }
    const double e = nmse(g, want);
    QVERIFY2(e < 1e-9, qPrintable(QString("NMSE %1").arg(e)));
}

void MatvecTest::rejectsUnsupportedType() {
    gpu::Buffer wb = makeBuffer(1024);
    const ops::Weight weight{&wb, 0, GgmlType::IQ2_XXS, 1, 256};
    auto r = ops::prepareMatvec(gpuContext(), weight);
    QVERIFY(!r.has_value());
    QCOMPARE(r.error().code, Errc::ShaderMissing);
}

QTEST_MAIN(MatvecTest)
#include "matvectest.moc"
