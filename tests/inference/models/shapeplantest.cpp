// Engine::planShapes (inference/models/shapeplan.cpp) against Engine::plan on real files: for the committed
// llama.cpp-quantized models of every family (dense, tied, MoE, latent attention) and a synthetic gemma3, the
// plan from the shape the file's metadata describes at the file's size decides what the plan from the file's
// own tensors decides (fits, offloads experts), for budgets where everything fits, where a mixture of experts
// must keep its experts in host memory (computed by the CPU, or read by the GPU) and where nothing fits; its
// device memory within 3% and its offloaded bytes within 5% of the file's. Unknown architectures and
// incomplete shapes are errors.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "inference/engine.h"
#include "inference/gguf/file.h"
#include "inference/models/config.h"
#include "inference/models/memoryplan.h"
#include "inference/models/shapeplan.h"
#include "inference/vulkan/gpu.h"
#include "tests/support/ggufwriter.h"
#include "tests/support/testenv.h"

using namespace lantern;
namespace fs = std::filesystem;

namespace {

// The shape a catalogue would publish for this file: its config's counts, its size.
ModelShape shapeOf(const gguf::File& file, const models::ModelConfig& c) {
    ModelShape s;
    s.architecture = c.archName;
    s.layers = c.nLayers;
    s.embd = c.nEmbd;
    s.ff = c.nFf;
    s.heads = c.nHead;
    s.kvHeads = c.mla ? 0 : c.nHeadKv;
    s.headDim = c.mla ? c.headDimMla : c.headDim;
    s.vocab = c.nVocab;
    s.contextLength = c.trainedContext;
    s.experts = c.nExpert;
    s.expertsUsed = c.nExpertUsed;
    s.expertFf = c.nFfExp;
    s.sharedExperts = c.nExpertShared;
    s.denseLayers = c.nLeadingDense;
    s.kvLoraRank = c.kvLoraRank;
    s.ropeDim = c.mla ? c.ropeDim : 0;
    s.qLoraRank = c.qLoraRank;
    s.tiedEmbeddings = file.tensor("output.weight") == nullptr;
    s.fileBytes = file.fileBytes();
    return s;
}

double relative(double a, double b) {
    return std::abs(a - b) / std::max(b, 1.0);
}

}  // namespace

class ShapePlanTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    bool m_vulkan = false;

    fs::path pathOf(const QString& model) const {
        return model == "gemma3" ? fs::path(m_dir.path().toStdString()) / "gemma3.gguf"
                                 : test::dataDir() / "models" / (model.toStdString() + ".gguf");
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        test::SyntheticModel spec;
        spec.arch = "gemma3";
        spec.type = gguf::GgmlType::Q8_0;
        QVERIFY(test::syntheticModel(spec).write(pathOf("gemma3")).has_value());
        m_vulkan = gpu::Context::pick("").has_value();
    }

    void decidesAsTheFile_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("experts");  // LoadOptions::expertCompute
        for (const char* m :
             {"tiny-llama-q4_k_m", "tiny-qwen2-q4_k_m", "tiny-qwen3-q8_0", "gemma3", "tiny-qwen3moe-q4_k_m",
              "tiny-qwen3moe-q8_0", "tiny-deepseek2-lite-q4_k_m", "tiny-deepseek3-q4_k_m"}) {
            QTest::newRow(m) << QString(m) << QString();
        }
        for (const char* m : {"tiny-qwen3moe-q4_k_m", "tiny-deepseek3-q4_k_m"}) {
            QTest::newRow(qPrintable(QString(m) + ", experts read by the GPU"))
                << QString(m) << QString("gpu");
        }
    }
    void decidesAsTheFile() {
        QFETCH(QString, model);
        QFETCH(QString, experts);
        if (!m_vulkan) {
            QSKIP("no Vulkan device: the GPU plans need one (lavapipe will do)");
        }
        const fs::path path = pathOf(model);
        auto file = gguf::File::open(path);
        QVERIFY2(file.has_value(), file ? "" : file.error().detail.c_str());
        auto config = models::readConfig(*file);
        QVERIFY2(config.has_value(), config ? "" : config.error().detail.c_str());
        const ModelShape shape = shapeOf(*file, *config);

        // The budgets, from the file's own plan: everything, the non-expert part plus 3% of the experts (a
        // mixture of experts must keep all of them in host memory), half the non-expert part (nothing fits).
        const uint32_t context = std::min<uint32_t>(config->trainedContext, 8192);
        const models::MemoryPlan all = models::planMemory(*file, *config, context, UINT64_MAX);
        uint64_t expertBytes = 0;
        for (const gguf::TensorInfo& t : file->tensors()) {
            expertBytes += t.name.ends_with("_exps.weight") ? t.bytes : 0;
        }
        const uint64_t rest = all.deviceBytes() - expertBytes;
        std::vector<uint64_t> budgets = {uint64_t(1) << 40, all.deviceBytes() + all.deviceBytes() / 20,
                                         rest / 2};
        if (config->isMoe()) {
            budgets.push_back(rest + expertBytes * 3 / 100);
        }
        const std::vector<fs::path> paths = {path};
        const std::vector<ModelShape> shapes = {shape};
        for (uint64_t budget : budgets) {
            LoadOptions lo;
            lo.device = "vulkan";
            lo.vramBudgetBytes = budget;
            lo.expertCompute = experts.toStdString();
            const auto fromFile = Engine::plan(paths, lo);
            const auto fromShape = Engine::planShapes(shapes, lo);
            QVERIFY2(fromFile[0].has_value(), fromFile[0] ? "" : fromFile[0].error().detail.c_str());
            QVERIFY2(fromShape[0].has_value(), fromShape[0] ? "" : fromShape[0].error().detail.c_str());
            const MemoryPlanInfo& f = *fromFile[0];
            const MemoryPlanInfo& s = *fromShape[0];
            const QByteArray what = QByteArray::number(qulonglong(budget)) + " bytes: file '" +
                                    f.text.c_str() + "', shape '" + s.text.c_str() + "'";
            QVERIFY2(s.fits == f.fits, what.constData());
            QVERIFY2(s.offloaded == f.offloaded, what.constData());
            QCOMPARE(s.contextLength, f.contextLength);
            QCOMPARE(s.cpuBackend, f.cpuBackend);
            QVERIFY2(relative(double(s.deviceBytes), double(f.deviceBytes)) <= 0.03, what.constData());

            // The offloaded bytes, from the same plans one level down.
            auto tensors = models::shapeTensors(*models::shapeConfig(shape), shape.fileBytes);
            QVERIFY(tensors.has_value());
            const bool cpuExperts = lo.expertCompute != "gpu";
            const models::MemoryPlan pf = models::planMemory(*file, *config, context, budget, cpuExperts);
            const models::MemoryPlan ps =
                models::planMemory(*tensors, *models::shapeConfig(shape), context, budget, cpuExperts);
            QCOMPARE(ps.offloadedBytes > 0, pf.offloadedBytes > 0);
            const double onDevice = relative(double(ps.weightBytes - ps.offloadedBytes),
                                             double(pf.weightBytes - pf.offloadedBytes));
            qInfo("budget %llu: device %.2f%% off, weights on the device %.2f%% off, offloaded %.2f%% off",
                  (unsigned long long)budget, 100 * relative(double(s.deviceBytes), double(f.deviceBytes)),
                  100 * onDevice, 100 * relative(double(ps.offloadedBytes), double(pf.offloadedBytes)));
            QVERIFY2(relative(double(ps.offloadedBytes), double(pf.offloadedBytes)) <= 0.05,
                     what.constData());
            QVERIFY2(relative(double(ps.weightBytes), double(pf.weightBytes)) <= 0.01, what.constData());
        }
        // The decisions these budgets were chosen for did happen (the comparisons above are not vacuous).
        LoadOptions tight;
        tight.device = "vulkan";
        tight.vramBudgetBytes = budgets.back();
        tight.expertCompute = experts.toStdString();
        const auto last = Engine::planShapes(shapes, tight);
        QVERIFY(last[0].has_value());
        QCOMPARE(last[0]->offloaded, config->isMoe());
        QCOMPARE(last[0]->fits, config->isMoe());
    }

    // The CPU backend plans system memory: the same decision and size from the shape.
    void cpuPlanMatches() {
        const fs::path path = pathOf("tiny-qwen3moe-q4_k_m");
        auto file = gguf::File::open(path);
        QVERIFY(file.has_value());
        LoadOptions lo;
        lo.device = "cpu";
        const auto fromFile = Engine::plan(std::vector<fs::path>{path}, lo);
        const auto fromShape =
            Engine::planShapes(std::vector<ModelShape>{shapeOf(*file, *models::readConfig(*file))}, lo);
        QVERIFY(fromFile[0].has_value() && fromShape[0].has_value());
        QVERIFY(fromShape[0]->cpuBackend && fromShape[0]->fits == fromFile[0]->fits);
        QVERIFY(relative(double(fromShape[0]->deviceBytes), double(fromFile[0]->deviceBytes)) <= 0.03);
    }

    // One entry per shape, in order; what cannot be laid out is an error for that entry only.
    void unknownOrIncompleteShapes() {
        ModelShape mamba;
        mamba.architecture = "mamba";
        mamba.layers = 24;
        mamba.embd = 768;
        mamba.heads = 12;
        mamba.vocab = 50280;
        mamba.ff = 1536;
        mamba.fileBytes = 100 << 20;
        ModelShape noLayers;
        noLayers.architecture = "qwen3";
        noLayers.embd = 1024;
        noLayers.heads = 16;
        noLayers.ff = 3072;
        noLayers.vocab = 151936;
        noLayers.fileBytes = 600 << 20;
        ModelShape moeWithoutExperts = noLayers;
        moeWithoutExperts.architecture = "qwen3moe";
        moeWithoutExperts.layers = 48;
        ModelShape tooSmall = noLayers;
        tooSmall.layers = 28;
        tooSmall.fileBytes = 1000;
        ModelShape good = noLayers;
        good.layers = 28;
        LoadOptions lo;
        lo.device = "cpu";
        const auto plans = Engine::planShapes(
            std::vector<ModelShape>{mamba, noLayers, moeWithoutExperts, tooSmall, good}, lo);
        QCOMPARE(plans.size(), size_t(5));
        QVERIFY(!plans[0]);
        QCOMPARE(plans[0].error().code, Errc::ModelUnsupported);
        QVERIFY2(plans[0].error().detail.find("Lantern cannot run mamba models yet") != std::string::npos,
                 plans[0].error().detail.c_str());
        for (size_t i = 1; i < 4; ++i) {
            QVERIFY(!plans[i]);
            QCOMPARE(plans[i].error().code, Errc::ModelInvalid);
        }
        QVERIFY2(plans[4].has_value(), plans[4] ? "" : plans[4].error().detail.c_str());
        QVERIFY(plans[4]->fits && plans[4]->cpuBackend);
        QCOMPARE(plans[4]->contextLength, 4096u);  // no trained context given: readConfig's default
    }
};

QTEST_GUILESS_MAIN(ShapePlanTest)
#include "shapeplantest.moc"
