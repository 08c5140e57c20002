// Every weight type through the whole forward pass: synthetic models written by the C++ GGUF writer
// (tests/support/ggufwriter.h) hold the same float weights stored as each of the 15 types the engine runs.
// Prefill (matmul, get_rows) and a decode step (matvec) of each are compared with the F32 file of the same
// weights: the logits may differ only by the weight type's rounding (NMSE within a bound per type, a few
// times the type's own weight error: 2-bit weights measure 0.34, 3-bit 0.14), and a broken decoder gives
// errors of 1 or more. The F32 path itself is
// checked against llama.cpp by syntheticmodeltest. Also run: qwen2, qwen3 and gemma3 shapes in Q4_K and F16.
#include <QTemporaryDir>
#include <QtTest>

#include "inference/gguf/file.h"
#include "inference/models/config.h"
#include "inference/models/densemodel.h"
#include "inference/reference/weights.h"
#include "inference/vulkan/gpu.h"
#include "tests/support/ggufwriter.h"
#include "tests/support/measure.h"
#include "tests/support/gpucontext.h"
#include "tests/support/testenv.h"

using namespace lantern;
using gguf::GgmlType;
using test::nmse;
using test::typeName;

namespace {

// Logits NMSE allowed against the F32 model (weight NMSE of the type, measured by weightstest, times ~4).
double bound(GgmlType t) {
    switch (t) {
    case GgmlType::F32: return 1e-10;
    case GgmlType::F16: return 1e-5;
    case GgmlType::BF16: return 1e-4;
    case GgmlType::Q8_0: return 5e-4;
    case GgmlType::Q5_0: case GgmlType::Q5_1: case GgmlType::Q5_K: case GgmlType::Q6_K: return 1.5e-2;
    case GgmlType::Q4_0: case GgmlType::Q4_1: case GgmlType::Q4_K: case GgmlType::IQ4_NL: case GgmlType::IQ4_XS: return 5e-2;
    case GgmlType::Q3_K: return 0.2;
    case GgmlType::Q2_K: return 0.5;
    default: return 0.0;
    }
}

}  // namespace

class WeightTypesTest : public QObject {
    Q_OBJECT
    std::unique_ptr<gpu::Context> m_ctx;
    QTemporaryDir m_dir;

    struct Run {
        std::vector<float> prefill, decode;
    };

    // Writes, loads and runs one synthetic model: logits after an 8-token prompt and after one more token.
    Run run(const test::SyntheticModel& spec) {
        const auto path = std::filesystem::path(m_dir.path().toStdString()) /
                          (spec.arch + "-" + std::string(gguf::typeTraits(spec.type)->name) + ".gguf");
        Run out;
        auto written = test::syntheticModel(spec).write(path);
        [&] { QVERIFY2(written.has_value(), written ? "" : written.error().detail.c_str()); }();
        auto file = gguf::File::open(path);
        [&] { QVERIFY2(file.has_value(), file ? "" : file.error().detail.c_str()); }();
        if (!file)
            return out;
        auto config = models::readConfig(*file);
        [&] { QVERIFY2(config.has_value(), config ? "" : config.error().detail.c_str()); }();
        if (!config)
            return out;
        auto model = models::DenseModel::load(*m_ctx, *file, *config, {}, nullptr);
        [&] { QVERIFY2(model.has_value(), model ? "" : model.error().detail.c_str()); }();
        if (!model)
            return out;
        auto kv = (*model)->newKvCache(32);
        const std::vector<int32_t> prompt = {1, 17, 300, 42, 511, 260, 99, 5};
        out.prefill.resize((*model)->config().nVocab);
        if (!(*model)->forward(*kv, prompt, 0, out.prefill))
            out.prefill.clear();
        out.decode.resize(out.prefill.size());
        const int32_t next[] = {123};
        if (!(*model)->forward(*kv, next, uint32_t(prompt.size()), out.decode))
            out.decode.clear();
        return out;
    }

    void compareWithF32(const std::string& arch, const std::vector<GgmlType>& types) {
        test::SyntheticModel spec;
        spec.arch = arch;
        spec.seed = 7;
        const Run f32 = run(spec);
        QVERIFY(!f32.prefill.empty() && !f32.decode.empty());
        for (GgmlType t : types) {
            spec.type = t;
            const Run r = run(spec);
            QVERIFY2(!r.prefill.empty() && !r.decode.empty(), qPrintable(typeName(t)));
            const double pe = nmse(r.prefill, f32.prefill), de = nmse(r.decode, f32.decode);
            qInfo("%s %s: logits NMSE vs F32 prefill %.2e, decode %.2e", arch.c_str(), qPrintable(typeName(t)), pe, de);
            QVERIFY2(pe < bound(t) && de < bound(t),
                     qPrintable(QStringLiteral("%1 %2: NMSE %3 / %4 over %5")
                                    .arg(QString::fromStdString(arch), typeName(t))
                                    .arg(pe)
                                    .arg(de)
                                    .arg(bound(t))));
        }
    }

private slots:
    void initTestCase() {
        m_ctx = test::requireGpu();
        QVERIFY(m_dir.isValid());
    }

    void everyTypeInALlamaModel() {
        const auto types = reference::weightTypes();
        compareWithF32("llama", std::vector<GgmlType>(types.begin() + 1, types.end()));
    }

    void otherFamilies() {
        for (const char* arch : {"qwen2", "qwen3", "gemma3"})
            compareWithF32(arch, {GgmlType::F16, GgmlType::Q4_K});
    }
};

QTEST_GUILESS_MAIN(WeightTypesTest)
#include "weighttypestest.moc"
