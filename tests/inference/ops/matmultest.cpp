// ops::matmul against the CPU reference: Y = X dequantize(W)^T in double, W from random GGUF blocks, at shapes
// that leave partial tiles in every dimension (67 rows). Both of its kernels: matmul_<type>_f32 (37 tokens) and,
// for short batches (<= ops::kShortBatchTokens), matvec_multi_<type>_f32 (13 tokens: a dispatch of 8, one of 5).
// Tolerance: NMSE < 1e-9 (f32 accumulation only; a decoding error gives > 1e-4).
#include "tests/inference/ops/gputest.h"

using lantern::gguf::GgmlType;
using namespace lantern;
using namespace lantern::test;

class MatmulTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { gpuContext(); }
    void everyType_data();
    void everyType();
};

void MatmulTest::everyType_data() {
    QTest::addColumn<int>("type");
    QTest::addColumn<bool>("accumulate");
    QTest::addColumn<int>("tokens");
    static_assert(ops::kShortBatchTokens >= 13 && ops::kShortBatchTokens < 37);
    for (GgmlType t : weightTypes()) {
        const std::string name(ops::typeSuffix(t));
        QTest::newRow((name + " tiled").c_str()) << static_cast<int>(t) << false << 37;
        QTest::newRow((name + " short").c_str()) << static_cast<int>(t) << false << 13;
    }
    QTest::newRow("q4k tiled accumulate") << static_cast<int>(GgmlType::Q4_K) << true << 37;
    QTest::newRow("q4k short accumulate") << static_cast<int>(GgmlType::Q4_K) << true << 13;
    QTest::newRow("f32 short accumulate") << static_cast<int>(GgmlType::F32) << true << 13;
    QTest::newRow("q8_0 one token") << static_cast<int>(GgmlType::Q8_0) << false << 1;
}

void MatmulTest::everyType() {
    QFETCH(int, type);
    QFETCH(bool, accumulate);
    QFETCH(int, tokens);
    const auto t = static_cast<GgmlType>(type);
    const uint32_t rows = 67, cols = testCols(t);
    Rng rng(4321 + type);
    const std::vector<std::byte> w = randomWeights(t, rows, cols, rng);
    const std::vector<float> x = rng.floats(size_t(tokens) * cols);
    const std::vector<float> y0 = rng.floats(size_t(tokens) * rows);
    const std::vector<float> wf = referenceDequantize(t, w, rows, cols);
    std::vector<float> want(size_t(tokens) * rows);
    for (size_t k = 0; k < size_t(tokens); ++k) {
        for (uint32_t r = 0; r < rows; ++r) {
            double s = accumulate ? double(y0[size_t(k) * rows + r]) : 0.0;
            for (uint32_t c = 0; c < cols; ++c) {
                s += double(x[size_t(k) * cols + c]) * double(wf[size_t(r) * cols + c]);
            }
            want[size_t(k) * rows + r] = static_cast<float>(s);
        }
    }
    gpu::Buffer wb = upload(w), xb = upload(x), yb = upload(y0);
    const ops::Weight weight{&wb, 0, t, rows, cols};
    QVERIFY(ops::prepareMatmul(gpuContext(), weight).has_value());
    run([&](gpu::Recorder& rec) {
        return ops::matmul(gpuContext(), rec, weight, xb, yb, uint32_t(tokens), accumulate, "matmul");
    });
    const double e = nmse(download(yb, want.size()), want);
    QVERIFY2(e < 1e-9, qPrintable(QString("NMSE %1").arg(e)));
}

QTEST_MAIN(MatmulTest)
#include "matmultest.moc"
