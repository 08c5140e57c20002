// getrows_<type> against the CPU reference's dequantizeRow: out[t] = dequantize(table[ids[t]]) * scale.
// Tolerance: exact up to the f32 rounding of the scale multiply (NMSE < 1e-12).
#include "tests/inference/ops/gputest.h"

using lantern::gguf::GgmlType;
using namespace lantern;
using namespace lantern::test;

class GetRowsTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { gpuContext(); }
    void everyType_data();
    void everyType();
};

void GetRowsTest::everyType_data() {
    QTest::addColumn<int>("type");
    for (GgmlType t : weightTypes()) {
        QTest::newRow(std::string(ops::typeSuffix(t)).c_str()) << static_cast<int>(t);
    }
}

void GetRowsTest::everyType() {
    QFETCH(int, type);
    const auto t = static_cast<GgmlType>(type);
    const uint32_t rows = 67, cols = testCols(t);
    const float scale = 1.5f;
    Rng rng(55 + type);
    const std::vector<std::byte> table = randomWeights(t, rows, cols, rng);
    const std::vector<int32_t> ids = {5, 0, 66, 5, 31, 12};
    const std::vector<float> deq = referenceDequantize(t, table, rows, cols);
    std::vector<float> want;
    for (int32_t id : ids) {
        for (uint32_t c = 0; c < cols; ++c) {
            want.push_back(deq[size_t(id) * cols + c] * scale);
        }
    }
    gpu::Buffer tb = upload(table), ib = upload(ids), ob = makeBuffer(want.size() * 4);
    const ops::Weight weight{&tb, 0, t, rows, cols};
    QVERIFY(ops::prepareGetRows(gpuContext(), weight).has_value());
    const ops::GetRowsArgs args{ib, ob, static_cast<uint32_t>(ids.size()), scale};
    run([&](gpu::Recorder& rec) { return ops::getRows(gpuContext(), rec, weight, args, "get_rows"); });
    const double e = nmse(download(ob, want.size()), want);
    QVERIFY2(e < 1e-12, qPrintable(QString("NMSE %1").arg(e)));
}

QTEST_MAIN(GetRowsTest)
#include "getrowstest.moc"
