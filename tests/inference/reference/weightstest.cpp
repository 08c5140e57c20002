// The CPU reference of the weight types (inference/reference/weights.h), checked two ways:
//  - against llama.cpp: every tensor llama.cpp itself quantized (the synthetic models of tests/data/models
//    and the blocks files of tests/data/quant, made by scripts/golden/synthetic_models.py and quant_blocks.py
//    from one set of weights each; together every type but F32),
//    dequantized by the reference, is close to the same tensor of the F16 file; and the reference's
//    quantizer, applied to those F16 weights, is about as accurate as llama.cpp's for the same type;
//  - round trips for every type: quantize then dequantize is within the type's usual error, all-zero and
//    constant blocks stay exact, and no code produces NaN.
#include <QtTest>
#include <cmath>
#include <random>

#include "inference/gguf/file.h"
#include "inference/reference/numbers.h"
#include "inference/reference/weights.h"
#include "tests/support/measure.h"
#include "tests/support/testenv.h"

using namespace lantern;
using gguf::GgmlType;
using test::nmse;
using test::typeName;

namespace {

// Usual relative error (NMSE) of each type on Gaussian weights, with head room; F32 is exact.
double bound(GgmlType t) {
    switch (t) {
    case GgmlType::F32: return 0.0;
    case GgmlType::F16: return 1e-6;
    case GgmlType::BF16: return 1e-4;
    case GgmlType::Q8_0: return 1e-4;
    case GgmlType::Q5_0: case GgmlType::Q5_1: case GgmlType::Q5_K: case GgmlType::Q6_K: return 3e-3;
    case GgmlType::Q4_0: case GgmlType::Q4_1: case GgmlType::Q4_K: case GgmlType::IQ4_NL: case GgmlType::IQ4_XS: return 1.2e-2;
    case GgmlType::Q3_K: return 5e-2;
    case GgmlType::Q2_K: return 0.15;
    default: return 0.0;
    }
}

}  // namespace

class WeightsTest : public QObject {
    Q_OBJECT
    QSet<GgmlType> m_seen;  // weight types met in llama.cpp's files

private slots:
    void halfConversions() {
        using namespace reference;
        QCOMPARE(fromHalf(0x3C00), 1.0f);
        QCOMPARE(fromHalf(0xC000), -2.0f);
        QCOMPARE(fromHalf(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
        QCOMPARE(fromHalf(0x7BFF), 65504.0f);
        QVERIFY(std::isinf(fromHalf(0x7C00)));
        QVERIFY(std::isnan(fromHalf(0x7E00)));
        QCOMPARE(toHalf(1.0f), uint16_t(0x3C00));
        QCOMPARE(toHalf(65520.0f), uint16_t(0x7C00));            // rounds up to infinity
        QCOMPARE(toHalf(1.0f + std::ldexp(1.0f, -11)), uint16_t(0x3C00));  // tie to even
        QCOMPARE(toHalf(std::ldexp(1.0f, -24)), uint16_t(0x0001));
        QVERIFY(std::isnan(fromHalf(toHalf(NAN))));
        for (uint32_t h = 0; h < 0x7C00; ++h) {  // every finite positive half survives the round trip
            QCOMPARE(toHalf(fromHalf(uint16_t(h))), uint16_t(h));
        }
        QCOMPARE(fromBf16(toBf16(3.140625f)), 3.140625f);
        QCOMPARE(toBf16(1.0f + std::ldexp(1.0f, -8)), uint16_t(0x3F80));  // tie to even
    }

    void dequantizeMatchesLlamaCppFiles_data() {
        QTest::addColumn<QString>("f16File");
        QTest::addColumn<QStringList>("quantFiles");
        for (const char* f : {"llama", "qwen2", "qwen3"}) {
            const QString base = QStringLiteral("models/tiny-%1-").arg(QLatin1String(f));
            QTest::newRow(f) << base + "f16.gguf"
                             << QStringList{base + "q4_0.gguf", base + "q8_0.gguf", base + "q4_k_m.gguf"};
        }
        QStringList blocks;
        for (const char* t : {"q4_1", "q5_0", "q5_1", "q2_k", "q3_k_m", "q5_k_m", "iq4_nl", "iq4_xs", "bf16"})
            blocks << QStringLiteral("quant/blocks-%1.gguf").arg(QLatin1String(t));
        QTest::newRow("other types") << QStringLiteral("quant/blocks-f16.gguf") << blocks;
    }
    void dequantizeMatchesLlamaCppFiles() {
        QFETCH(QString, f16File);
        QFETCH(QStringList, quantFiles);
        auto f16 = gguf::File::open(test::dataDir() / f16File.toStdString());
        QVERIFY2(f16.has_value(), f16 ? "" : f16.error().detail.c_str());
        int compared = 0;
        for (const QString& quant : quantFiles) {
            auto q = gguf::File::open(test::dataDir() / quant.toStdString());
            QVERIFY2(q.has_value(), q ? "" : q.error().detail.c_str());
            for (const gguf::TensorInfo& t : q->tensors()) {
                if (t.type == GgmlType::F32 || t.nDims < 2)
                    continue;  // norms stay f32
                const gguf::TensorInfo* ref = f16->tensor(t.name);
                QVERIFY(ref);
                const std::vector<float> want = reference::dequantize(ref->type, ref->data, ref->elements);
                const std::vector<float> got = reference::dequantize(t.type, t.data, t.elements);
                const double e = nmse(got, want);
                // The error of llama.cpp's quantizer, seen through our dequantizer: a misread layout gives
                // errors near 1 or more, not these.
                const double limit = std::max(bound(t.type), 1e-6);
                QVERIFY2(e < limit, qPrintable(QStringLiteral("%1 %2 (%3): NMSE %4 >= %5")
                                                   .arg(quant, QString::fromStdString(t.name), typeName(t.type))
                                                   .arg(e)
                                                   .arg(limit)));
                // Our quantizer on the same weights: within 1.5x of llama.cpp's error for that type (llama.cpp
                // searches scales per block; ours mostly maps the extremes).
                if (t.type != GgmlType::F16 && t.type != GgmlType::BF16) {
                    const std::vector<float> ours =
                        reference::dequantize(t.type, reference::quantize(t.type, want), t.elements);
                    const double mine = nmse(ours, want);
                    QVERIFY2(mine < 1.5 * e + 1e-7,
                             qPrintable(QStringLiteral("%1 on %2: our NMSE %3 vs llama.cpp %4")
                                            .arg(typeName(t.type), QString::fromStdString(t.name))
                                            .arg(mine)
                                            .arg(e)));
                }
                m_seen.insert(t.type);
                ++compared;
            }
        }
        QVERIFY(compared >= 9);
    }

    // Every type was among the llama.cpp-made tensors above, but F32 (plain floats) and F16 (the side every
    // comparison reads as the truth; its decoding is checked bit by bit in halfConversions).
    void llamaCppFilesCoverEveryType() {
        for (GgmlType t : reference::weightTypes())
            if (t != GgmlType::F32 && t != GgmlType::F16)
                QVERIFY2(m_seen.contains(t), qPrintable(typeName(t) + " not covered"));
    }

    void roundTripEveryType_data() {
        QTest::addColumn<int>("type");
        for (GgmlType t : reference::weightTypes())
            QTest::newRow(qPrintable(typeName(t))) << int(t);
    }
    void roundTripEveryType() {
        QFETCH(int, type);
        const auto t = GgmlType(type);
        const uint64_t n = 256 * 12;
        std::mt19937 gen(42);
        std::normal_distribution<float> normal(0.0f, 0.02f);
        std::vector<float> x(n);
        for (float& v : x)
            v = normal(gen);
        x[5] = 0.2f;  // an outlier, as real weights have
        const std::vector<std::byte> q = reference::quantize(t, x);
        QCOMPARE(uint64_t(q.size()), reference::byteSize(t, n));
        const std::vector<float> back = reference::dequantize(t, q, n);
        const double e = nmse(back, x);
        qInfo("%s: NMSE %.2e", qPrintable(typeName(t)), e);
        QVERIFY2(e <= bound(t), qPrintable(QStringLiteral("NMSE %1 > %2").arg(e).arg(bound(t))));

        // Blocks of zeros and of one constant (also negative) come back exactly or nearly so, never NaN.
        for (const float c : {0.0f, 0.5f, -0.25f}) {
            const std::vector<float> flat(n, c);
            const std::vector<float> got = reference::dequantize(t, reference::quantize(t, flat), n);
            for (float v : got) {
                QVERIFY(std::isfinite(v));
                QVERIFY2(std::fabs(v - c) <= std::fabs(c) * 0.02f + 1e-6f,
                         qPrintable(QStringLiteral("constant %1 came back as %2").arg(c).arg(v)));
            }
        }
    }
};

QTEST_GUILESS_MAIN(WeightsTest)
#include "weightstest.moc"
