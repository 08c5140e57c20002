// rmsnorm, add, mul, scale, geglu, swiglu and softmax against the CPU reference (inference/reference/ops.h)
// and, for add/mul/scale, the formula itself.
// Tolerance: NMSE < 1e-10 (f32 on the GPU vs double; exp/tanh of the GPU add ~1e-7 relative).
#include <cmath>

#include "tests/inference/ops/gputest.h"

using namespace lantern;
using namespace lantern::test;

namespace {
void expectClose(const std::vector<float>& got, const std::vector<float>& want, double tol = 1e-10) {
    QCOMPARE(got.size(), want.size());
    const double e = nmse(got, want);
    QVERIFY2(e < tol, qPrintable(QString("NMSE %1").arg(e)));
}
}  // namespace

class ElementwiseTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        gpuContext();
        QVERIFY(ops::prepareCommon(gpuContext()).has_value());
    }
    void rmsnorm_data();
    void rmsnorm();
    void addAndMulBroadcast();
    void scale();
    void gatedActivations();
    void softmax();
};

void ElementwiseTest::rmsnorm_data() {
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("cols");
    QTest::addColumn<bool>("weighted");
    QTest::addColumn<bool>("inPlace");
    QTest::newRow("5x643 weighted") << 5 << 643 << true << false;
    QTest::newRow("3x1000 plain") << 3 << 1000 << false << false;
    QTest::newRow("per-head 12x256 in place") << 12 << 256 << true << true;
}

void ElementwiseTest::rmsnorm() {
    QFETCH(int, rows);
    QFETCH(int, cols);
    QFETCH(bool, weighted);
    QFETCH(bool, inPlace);
    const float eps = 1e-6f;
    Rng rng(3);
    const std::vector<float> x = rng.floats(size_t(rows) * cols, -3.0f, 3.0f), w = rng.floats(cols, 0.5f, 2.0f);
    const std::vector<float> want =
        reference::rmsnorm(x, weighted ? std::span<const float>(w) : std::span<const float>(), uint32_t(rows),
                           uint32_t(cols), eps);
    gpu::Buffer xb = upload(x), wb = upload(w), ob = makeBuffer(x.size() * 4);
    const gpu::BufferRange out = inPlace ? gpu::BufferRange(xb) : gpu::BufferRange(ob);
    const ops::RmsNormArgs args{xb, weighted ? gpu::BufferRange(wb) : gpu::BufferRange(), out, uint32_t(rows),
                                uint32_t(cols), eps};
    run([&](gpu::Recorder& rec) { return ops::rmsnorm(gpuContext(), rec, args, "norm"); });
    expectClose(download(inPlace ? xb : ob, x.size()), want);
}

void ElementwiseTest::addAndMulBroadcast() {
    const uint32_t rowsN = 7, nb = 130, n = rowsN * nb;
    Rng rng(4);
    const std::vector<float> a = rng.floats(n), b = rng.floats(nb), full = rng.floats(n);
    std::vector<float> wantAdd(n), wantMul(n), wantSum(n);
    for (uint32_t i = 0; i < n; ++i) {
        wantAdd[i] = a[i] + b[i % nb];
        wantMul[i] = a[i] * b[i % nb];
        wantSum[i] = a[i] + full[i];
    }
    gpu::Buffer ab = upload(a), bb = upload(b), fb = upload(full);
    gpu::Buffer o1 = makeBuffer(n * 4), o2 = makeBuffer(n * 4), o3 = makeBuffer(n * 4);
    run([&](gpu::Recorder& rec) -> Result<void> {
        if (auto r = ops::add(gpuContext(), rec, ab, bb, o1, n, nb, "bias"); !r) {
            return r;
        }
        if (auto r = ops::mul(gpuContext(), rec, ab, bb, o2, n, nb, "mul"); !r) {
            return r;
        }
        return ops::add(gpuContext(), rec, ab, fb, o3, n, n, "residual");
    });
    expectClose(download(o1, n), wantAdd);
    expectClose(download(o2, n), wantMul);
    expectClose(download(o3, n), wantSum);
}

void ElementwiseTest::scale() {
    const uint32_t n = 100003;  // more than one row of workgroups' worth, odd
    Rng rng(5);
    const std::vector<float> a = rng.floats(n);
    std::vector<float> want(n);
    for (uint32_t i = 0; i < n; ++i) {
        want[i] = a[i] * 25.298221f;
    }
    gpu::Buffer ab = upload(a);
    run([&](gpu::Recorder& rec) { return ops::scale(gpuContext(), rec, ab, ab, n, 25.298221f, "scale"); });
    expectClose(download(ab, n), want);
}

void ElementwiseTest::gatedActivations() {
    const uint32_t n = 10007;
    Rng rng(6);
    std::vector<float> g = rng.floats(n, -8.0f, 8.0f);
    g[0] = 60.0f;  // large arguments: tanh/exp must not overflow into NaN
    g[1] = -60.0f;
    const std::vector<float> u = rng.floats(n);
    const std::vector<float> wantGe = reference::geglu(g, u), wantSw = reference::swiglu(g, u);
    gpu::Buffer gb = upload(g), ub = upload(u), o1 = makeBuffer(n * 4), o2 = makeBuffer(n * 4);
    run([&](gpu::Recorder& rec) -> Result<void> {
        if (auto r = ops::geglu(gpuContext(), rec, gb, ub, o1, n, "geglu"); !r) {
            return r;
        }
        return ops::swiglu(gpuContext(), rec, gb, ub, o2, n, "swiglu");
    });
    expectClose(download(o1, n), wantGe);
    expectClose(download(o2, n), wantSw);
}

void ElementwiseTest::softmax() {
    const uint32_t rows = 3, cols = 1001;
    const float scale = 0.5f;
    Rng rng(8);
    const std::vector<float> x = rng.floats(size_t(rows) * cols, -20.0f, 20.0f);
    const std::vector<float> want = reference::softmax(x, rows, cols, scale);
    gpu::Buffer xb = upload(x);
    run([&](gpu::Recorder& rec) { return ops::softmax(gpuContext(), rec, xb, rows, cols, scale, "softmax"); });
    expectClose(download(xb, x.size()), want);
}

QTEST_MAIN(ElementwiseTest)
#include "elementwisetest.moc"
