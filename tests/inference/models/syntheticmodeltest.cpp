// The forward pass of every family on synthetic models (random weights, 2 layers; written by
// scripts/golden/synthetic_models.py and quantized by llama.cpp itself) against llama.cpp's logits, on each
// backend: Vulkan (lavapipe here), the CPU backend with 8-bit activations (its default, as llama.cpp's CPU
// backend) and the CPU backend's exact mode (f32 activations):
// llama (separate output matrix), qwen2 (QKV bias, tied embeddings), qwen3 (per-head Q/K norm), each in
// Q4_K_M (q4_K/q6_K mix) and Q8_0.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include "inference/backend/cpubackend.h"
#include "inference/backend/vulkanbackend.h"
#include "inference/gguf/file.h"
#include "inference/models/config.h"
#include "inference/models/densemodel.h"
#include "inference/models/memoryplan.h"
#include "inference/vulkan/gpu.h"
#include "tests/support/ggufwriter.h"
#include "tests/support/golden.h"
#include "tests/support/gpucontext.h"
#include "tests/support/testenv.h"

using namespace lantern;

namespace {

using test::Golden;
using test::readGolden;

int32_t argmax(const std::vector<float>& v) { return int32_t(std::max_element(v.begin(), v.end()) - v.begin()); }

}  // namespace

class SyntheticModelTest : public QObject {
    Q_OBJECT
    std::unique_ptr<gpu::Context> m_ctx;
    std::unique_ptr<backend::VulkanBackend> m_vulkan;
    std::unique_ptr<backend::CpuBackend> m_cpu, m_cpuExact;

    // "vulkan", "cpu" (8-bit activations) or "cpu-exact".
    backend::Backend& backendNamed(const QString& name) {
        if (name == "cpu") {
            return *m_cpu;
        }
        if (name == "cpu-exact") {
            return *m_cpuExact;
        }
        return *m_vulkan;
    }

private slots:
    void initTestCase() {
        m_ctx = test::requireGpu();
        m_vulkan = std::make_unique<backend::VulkanBackend>(*m_ctx);
        m_cpu = std::make_unique<backend::CpuBackend>(backend::CpuOptions{.threads = 2});
        m_cpuExact = std::make_unique<backend::CpuBackend>(backend::CpuOptions{.threads = 2, .exact = true});
        qInfo("CPU backend: %s", m_cpu->info().name.c_str());
    }

    void matchesLlamaCpp_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("arch");
        QTest::addColumn<double>("maxNmse");
        QTest::addColumn<QString>("backend");
        // Every row on every backend.
        struct Row {
            QString file, arch;
            double maxNmse;
        };
        std::vector<Row> rows;

        // llama3 = a llama file with a rope_freqs tensor (Llama 3.1 rope scaling). llama.cpp rounds activations
        // to 8 bits inside quantized matmuls as the CPU backend does, while the Vulkan path and the CPU exact mode
        // keep them in f32, hence the looser bounds there;
        // the f16 files isolate everything else.
        for (const char* family : {"llama", "qwen2", "qwen3", "llama3"}) {
            for (const char* quant : {"f16", "q8_0", "q4_0", "q4_k_m"}) {
                const QString name = QString("tiny-%1-%2.gguf").arg(family, quant);
                const QString arch = QString(family) == "llama3" ? QString("llama") : QString(family);
                rows.push_back({name, arch, (QString(quant) == "f16" ? 1e-4 : 5e-3)});
            }
        }
        // qwen3-yarn = a qwen3 file with YaRN rope scaling (factor 4 over an original context of 64).
        rows.push_back({QString("tiny-qwen3-yarn-f16.gguf"), QString("qwen3"), 1e-4});
        rows.push_back({QString("tiny-qwen3-yarn-q8_0.gguf"), QString("qwen3"), 5e-3});
        // qwen3moe = Qwen3-MoE shaped (8 experts, 2 per token), routing and experts on the GPU.
        for (const char* quant : {"f16", "q8_0", "q4_k_m"}) {
            const QString name = QString("tiny-qwen3moe-%1.gguf").arg(quant);
            rows.push_back({name, QString("qwen3moe"), (QString(quant) == "f16" ? 1e-4 : 5e-3)});
        }
        // deepseek2 in two shapes: V2-Lite (latent attention with plain Q, softmax routing, 2 shared experts,
        // YaRN with DeepSeek's attention scale) and V3 (low-rank Q, sigmoid routing with a selection bias,
        // group-limited top-k, routed scaling factor); the first layer of both is dense.
        for (const char* family : {"deepseek2-lite", "deepseek3"}) {
            for (const char* quant : {"f16", "q8_0", "q4_k_m"}) {
                const QString name = QString("tiny-%1-%2.gguf").arg(family, quant);
                rows.push_back({name, QString("deepseek2"), (QString(quant) == "f16" ? 1e-4 : 5e-3)});
            }
        }
        for (const Row& r : rows) {
            for (const char* be : {"vulkan", "cpu", "cpu-exact"}) {
                QTest::newRow(qPrintable(r.file + " " + be)) << r.file << r.arch << r.maxNmse << QString(be);
            }
        }
    }

    void matchesLlamaCpp() {
        QFETCH(QString, file);
        QFETCH(QString, arch);
        QFETCH(double, maxNmse);
        QFETCH(QString, backend);
        const auto path = test::dataDir() / "models" / file.toStdString();
        const Golden g = readGolden(path.string() + ".golden");
        auto gg = gguf::File::open(path);
        QVERIFY2(gg.has_value(), gg ? "" : gg.error().detail.c_str());
        auto config = models::readConfig(*gg);
        QVERIFY2(config.has_value(), config ? "" : config.error().detail.c_str());
        QCOMPARE(QString::fromStdString(config->archName), arch);
        auto model = models::DenseModel::load(backendNamed(backend), *gg, *config, {}, nullptr, nullptr);
        QVERIFY2(model.has_value(), model ? "" : model.error().detail.c_str());
        QCOMPARE((*model)->config().tiedOutput, arch == "qwen2");
        // A mixture of experts prefills both ways on the GPU: pairs of matrix-vector products, and grouped by
        // expert with a tiled product per expert. The CPU groups by expert itself.
        using Prefill = models::DenseModel::MoePrefill;
        const std::vector<Prefill> modes = config->isMoe() && backend == "vulkan"
                                               ? std::vector{Prefill::Grouped, Prefill::Pairs}
                                               : std::vector{Prefill::Auto};
        auto kv = (*model)->newKvCache(64);
        std::vector<float> logits((*model)->config().nVocab);
        for (const Prefill mode : modes) {
            (*model)->setMoePrefill(mode);
            kv = (*model)->newKvCache(64);
            QVERIFY(kv);
            QVERIFY((*model)->forward(*kv, g.prompt, 0, logits));
            double err = 0, norm = 0;
            for (size_t i = 0; i < logits.size(); ++i) {
                const double d = double(logits[i]) - double(g.logits[i]);
                err += d * d;
                norm += double(g.logits[i]) * double(g.logits[i]);
            }
            const double nmse = err / norm;
            qInfo("%s %s%s: logits NMSE vs llama.cpp %.2e, argmax %d vs %d", qPrintable(file), qPrintable(backend),
                  mode == Prefill::Grouped ? " (prefill grouped by expert)" : mode == Prefill::Pairs ? " (prefill by pairs)" : "",
                  nmse, argmax(logits), argmax(g.logits));
            QVERIFY2(nmse < maxNmse, qPrintable(QString("NMSE %1 >= %2").arg(nmse).arg(maxNmse)));
        }
        if (g.margins.empty() || g.margins[0] > 0.05f) {
            QCOMPARE(argmax(logits), argmax(g.logits));
        }
        // Greedy decode (matvec path) agrees while llama.cpp's choice is decisive.
        uint32_t pos = uint32_t(g.prompt.size());
        for (size_t i = 0; i < g.greedy.size() && g.margins[i] >= 0.25f; ++i) {
            const int32_t next = argmax(logits);
            QCOMPARE(next, g.greedy[i]);
            const int32_t one[] = {next};
            QVERIFY((*model)->forward(*kv, one, pos++, logits));
        }
    }

    // DeepSeek's configuration comes from the GGUF keys: latent attention sizes, routing, shared experts, leading
    // dense layers, and YaRN's temperature moved from the rope into the attention scale. A file in the layout
    // before llama.cpp split attn_kv_b is refused with what to do.
    void deepSeekConfigFromKeys() {
        auto v3 = gguf::File::open(test::dataDir() / "models" / "tiny-deepseek3-f16.gguf");
        QVERIFY(v3.has_value());
        auto c = models::readConfig(*v3);
        QVERIFY2(c.has_value(), c ? "" : c.error().detail.c_str());
        QVERIFY(c->mla && c->isMoe() && c->expertSigmoid && c->expertWeightsNorm);
        QCOMPARE(c->qLoraRank, 96u);
        QCOMPARE(c->kvLoraRank, 128u);
        QCOMPARE(c->headDim, 160u);   // attention key: compressed KV + rope key
        QCOMPARE(c->headDimV, 128u);  // attention value: the compressed KV
        QCOMPARE(c->headDimMla, 96u);
        QCOMPARE(c->headDimVMla, 64u);
        QCOMPARE(c->expertGroups, 4u);
        QCOMPARE(c->expertGroupsUsed, 2u);
        QCOMPARE(c->nExpertShared, 1u);
        QCOMPARE(c->nLeadingDense, 1u);
        QCOMPARE(c->expertWeightsScale, 2.5f);
        QVERIFY(!c->isMoeLayer(0) && c->isMoeLayer(1));
        QCOMPARE(c->kvBytesPerToken(), uint64_t(3 * 160 * 2));  // keys only
        QCOMPARE(c->attnScale, 1.0f / std::sqrt(96.0f));

        auto lite = gguf::File::open(test::dataDir() / "models" / "tiny-deepseek2-lite-f16.gguf");
        QVERIFY(lite.has_value());
        auto l = models::readConfig(*lite);
        QVERIFY(l.has_value());
        QVERIFY(!l->expertSigmoid && !l->expertWeightsNorm && l->ropeYarn);
        QCOMPARE(l->qLoraRank, 0u);
        const float mscale = 1.0f + 0.1f * 0.707f * std::log(4.0f);
        QVERIFY(std::abs(l->attnScale - mscale * mscale / std::sqrt(96.0f)) < 1e-6f);
        QVERIFY(std::abs(l->ropeAttnFactor - 1.0f / (1.0f + 0.1f * std::log(4.0f))) < 1e-6f);

        test::GgufWriter w = test::syntheticModel({});
        w.set("general.architecture", std::string("deepseek2"));
        for (auto [k, v] : {std::pair{"block_count", 2u}, std::pair{"embedding_length", 256u},
                            std::pair{"feed_forward_length", 512u}, std::pair{"attention.head_count", 4u},
                            std::pair{"expert_count", 8u}, std::pair{"expert_used_count", 2u},
                            std::pair{"expert_feed_forward_length", 256u}, std::pair{"attention.kv_lora_rank", 128u}}) {
            w.set(std::string("deepseek2.") + k, uint32_t(v));
        }
        const std::vector<std::byte> bytes = w.bytes();
        auto legacy = models::readConfig(*gguf::File::fromMemory(bytes, "legacy-deepseek.gguf"));
        QVERIFY(!legacy.has_value());
        QVERIFY2(legacy.error().detail.find("convert it again") != std::string::npos, legacy.error().detail.c_str());
    }

    // A decode step is recorded once and re-submitted at later positions (position, attention split and grid
    // from buffers): the same logits as steps recorded anew, bit for bit, for global attention over a context
    // long enough to split (llama), sliding-window layers (gemma3) and latent attention (deepseek2).
    void reusedDecodeStepsMatchFreshOnes_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("backend");
        for (const char* be : {"vulkan", "cpu"}) {
            QTest::newRow(qPrintable(QString("llama ") + be)) << QString("tiny-llama-q4_k_m.gguf") << QString(be);
            QTest::newRow(qPrintable(QString("gemma3 (sliding window) ") + be)) << QString("gemma3") << QString(be);
            QTest::newRow(qPrintable(QString("deepseek3 ") + be)) << QString("tiny-deepseek3-q4_k_m.gguf") << QString(be);
        }
    }
    void reusedDecodeStepsMatchFreshOnes() {
        QFETCH(QString, file);
        QFETCH(QString, backend);
        const QTemporaryDir dir;
        std::filesystem::path path = test::dataDir() / "models" / file.toStdString();
        if (file == "gemma3") {
            test::SyntheticModel spec;
            spec.arch = "gemma3";
            spec.type = gguf::GgmlType::Q8_0;
            spec.context = 512;
            path = std::filesystem::path(dir.path().toStdString()) / "gemma3.gguf";
            QVERIFY(test::syntheticModel(spec).write(path).has_value());
        }
        auto gg = gguf::File::open(path);
        QVERIFY(gg.has_value());
        auto config = models::readConfig(*gg);
        QVERIFY(config.has_value());
        auto model = models::DenseModel::load(backendNamed(backend), *gg, *config, {}, nullptr, nullptr);
        QVERIFY2(model.has_value(), model ? "" : model.error().detail.c_str());
        const uint32_t vocab = (*model)->config().nVocab;
        std::vector<int32_t> prompt(300);
        for (size_t i = 0; i < prompt.size(); ++i) {
            prompt[i] = int32_t((i * 7919 + 13) % vocab);
        }
        const std::vector<int32_t> next = {5, 17, 300 % int32_t(vocab), 42, 99, 7};
        std::vector<std::vector<float>> runs;
        std::vector<size_t> recorded;
        for (bool reuse : {true, false}) {
            (*model)->setStepReuse(reuse);
            auto kv = (*model)->newKvCache(400);
            QVERIFY(kv);
            std::vector<float> logits(vocab), trace;
            QVERIFY((*model)->forward(*kv, prompt, 0, logits));
            const size_t before = (*model)->recordings();
            for (size_t i = 0; i < next.size(); ++i) {
                const int32_t one[] = {next[i]};
                QVERIFY((*model)->forward(*kv, one, uint32_t(prompt.size() + i), logits));
                trace.insert(trace.end(), logits.begin(), logits.end());
            }
            recorded.push_back((*model)->recordings() - before);
            runs.push_back(trace);
        }
        QCOMPARE(recorded[0], size_t(1));            // recorded once, then re-submitted
        QCOMPARE(recorded[1], next.size());          // recorded every step
        QVERIFY(runs[0] == runs[1]);
    }

    // Greedy decoding's GPU argmax (forwardGreedy: 4 bytes read back) picks the argmax of the full logits,
    // prompt and decode steps, for a dense model and a mixture of experts.
    void greedyOnTheGpuMatchesTheLogits() {
        for (const char* name : {"tiny-llama-q4_k_m.gguf", "tiny-qwen3moe-f16.gguf", "tiny-deepseek3-q4_k_m.gguf"})
          for (const char* be : {"vulkan", "cpu"}) {
            auto gg = gguf::File::open(test::dataDir() / "models" / name);
            QVERIFY(gg.has_value());
            auto config = models::readConfig(*gg);
            QVERIFY(config.has_value());
            auto model = models::DenseModel::load(backendNamed(be), *gg, *config, {}, nullptr, nullptr);
            QVERIFY(model.has_value());
            auto full = (*model)->newKvCache(64), greedy = (*model)->newKvCache(64);
            QVERIFY(full && greedy);
            std::vector<float> logits((*model)->config().nVocab);
            std::vector<int32_t> input = {1, 17, 300, 42, 511, 260, 99, 5};
            uint32_t pos = 0;
            for (int step = 0; step < 6; ++step) {
                QVERIFY((*model)->forward(*full, input, pos, logits));
                auto next = (*model)->forwardGreedy(*greedy, input, pos);
                QVERIFY2(next.has_value(), next ? "" : next.error().detail.c_str());
                QCOMPARE(*next, argmax(logits));
                pos += uint32_t(input.size());
                input = {*next};
            }
        }
    }

    // Experts on the CPU: under a budget smaller than the model, the offloaded experts are computed by the CPU
    // backend from system memory (read in place from the file) while the GPU runs the rest, a host stage per MoE
    // layer; decode steps are still recorded once and re-run. In the CPU's exact mode (f32 activations) the logits
    // are the resident run's up to the order of additions; with 8-bit activations within the bound llama.cpp's own
    // 8-bit rounding is held to above.
    void expertsOnTheCpuMatchResident_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("qwen3moe") << QString("tiny-qwen3moe-q4_k_m.gguf");
        QTest::newRow("deepseek3") << QString("tiny-deepseek3-q4_k_m.gguf");
    }
    void expertsOnTheCpuMatchResident() {
        QFETCH(QString, file);
        auto gg = gguf::File::open(test::dataDir() / "models" / file.toStdString());
        QVERIFY(gg.has_value());
        auto config = models::readConfig(*gg);
        QVERIFY(config.has_value());
        const models::MemoryPlan all = models::planMemory(*gg, *config, 64, uint64_t(1) << 40);
        models::MemoryPlan tight = models::planMemory(*gg, *config, 64, all.deviceBytes() - (1u << 20), true);
        QVERIFY(!tight.hostTensors.empty());
        QVERIFY(tight.cpuExperts && tight.fits);
        tight.cpuThreads = 2;
        QVERIFY2(tight.summary().find("computed on the CPU") != std::string::npos, tight.summary().c_str());
        const std::vector<int32_t> prompt = {1, 17, 300, 42, 511, 260, 99, 5};
        const uint32_t steps = 8;
        std::vector<int32_t> tokens;
        std::vector<float> resident;
        for (int run = 0; run < 3; ++run) {  // resident, CPU experts exact, CPU experts with 8-bit activations
            if (run == 1) {
                qputenv("LANTERN_CPU_EXACT", "1");
            }
            auto model = models::DenseModel::load(*m_ctx, *gg, *config, {}, nullptr, run == 0 ? &all : &tight);
            qunsetenv("LANTERN_CPU_EXACT");
            QVERIFY2(model.has_value(), model ? "" : model.error().detail.c_str());
            QCOMPARE((*model)->cpuExpertBackend() != nullptr, run > 0);
            QCOMPARE((*model)->hostBytes() > 0, run > 0);
            QVERIFY(!(*model)->expertCache().active());
            auto kv = (*model)->newKvCache(64);
            QVERIFY(kv);
            std::vector<float> logits((*model)->config().nVocab), trace;
            {
                auto ok = (*model)->forward(*kv, prompt, 0, logits);
                QVERIFY2(ok.has_value(), ok ? "" : ok.error().detail.c_str());
            }
            trace = logits;
            const size_t before = (*model)->recordings();
            for (uint32_t i = 0; i < steps; ++i) {
                if (run == 0) {
                    tokens.push_back(argmax(logits));
                }
                const int32_t next[] = {tokens[i]};
                QVERIFY((*model)->forward(*kv, next, uint32_t(prompt.size()) + i, logits));
                trace.insert(trace.end(), logits.begin(), logits.end());
            }
            QCOMPARE((*model)->recordings() - before, size_t(1));  // one recording, host stages included
            if (run == 0) {
                resident = trace;
                continue;
            }
            double err = 0, norm = 0;
            for (size_t i = 0; i < trace.size(); ++i) {
                const double d = double(trace[i]) - double(resident[i]);
                err += d * d;
                norm += double(resident[i]) * double(resident[i]);
            }
            qInfo("%s, experts on the CPU (%s): NMSE vs resident %.2e", qPrintable(file), run == 1 ? "exact" : "8-bit",
                  err / norm);
            QVERIFY2(err / norm < (run == 1 ? 1e-9 : 5e-3), qPrintable(QString("NMSE vs resident %1").arg(err / norm)));
        }
    }

    // Expert offload: under a budget smaller than the model, a mixture of experts keeps its expert tensors
    // in host memory and gives exactly the resident run's logits, prompt and greedy steps alike; a dense
    // model, or an MoE whose other weights alone exceed the budget, is refused with the numbers.
    void offloadedExpertsMatchResident_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("qwen3moe") << QString("tiny-qwen3moe-q4_k_m.gguf");
        QTest::newRow("deepseek3") << QString("tiny-deepseek3-q4_k_m.gguf");
    }
    void offloadedExpertsMatchResident() {
        QFETCH(QString, file);
        const auto path = test::dataDir() / "models" / file.toStdString();
        auto gg = gguf::File::open(path);
        QVERIFY(gg.has_value());
        auto config = models::readConfig(*gg);
        QVERIFY(config.has_value());
        const models::MemoryPlan all = models::planMemory(*gg, *config, 64, uint64_t(1) << 40);
        QVERIFY(all.fits);
        QVERIFY(all.hostTensors.empty());
        // A budget a little smaller than everything: some expert tensors must move.
        const models::MemoryPlan tight = models::planMemory(*gg, *config, 64, all.deviceBytes() - (1u << 20));
        QVERIFY(tight.fits);
        QVERIFY(!tight.hostTensors.empty());
        for (const std::string& t : tight.hostTensors)
            QVERIFY2(t.ends_with("_exps.weight"), t.c_str());
        QVERIFY(tight.deviceBytes() <= tight.budgetBytes);
        qInfo("plan under %.1f MiB: %s", double(tight.budgetBytes) / (1 << 20), tight.summary().c_str());

        // One expert of every offloaded tensor of a layer, and the offloaded layers.
        uint64_t perExpert = 0;
        std::set<std::string> layers;
        for (const std::string& t : tight.hostTensors) {
            perExpert += gg->tensor(t)->bytes / config->nExpert;
            layers.insert(t.substr(0, t.find('.', 4)));
        }
        // Offloaded runs: no device cache, a cache of 2 experts per layer, a cache that can hold every expert.
        models::MemoryPlan noCache = tight, few = tight, big = tight;
        noCache.cacheBytes = 0;
        few.cacheBytes = 2 * perExpert;
        big.cacheBytes = uint64_t(config->nExpert) * perExpert;
        const std::vector<int32_t> prompt = {1, 17, 300, 42, 511, 260, 99, 5};
        const uint32_t steps = 12;
        std::vector<int32_t> tokens;  // the resident run's greedy tokens, fed to every run
        std::vector<float> resident;
        for (const models::MemoryPlan* plan : std::initializer_list<const models::MemoryPlan*>{&all, &noCache, &few, &big}) {
            auto model = models::DenseModel::load(*m_ctx, *gg, *config, {}, nullptr, plan);
            QVERIFY2(model.has_value(), model ? "" : model.error().detail.c_str());
            QCOMPARE((*model)->hostBytes() > 0, plan != &all);
            if (plan == &few) {  // the prompt grouped by expert, reading offloaded experts from host memory
                (*model)->setMoePrefill(models::DenseModel::MoePrefill::Grouped);
            }
            const models::ExpertCache& cache = (*model)->expertCache();
            QCOMPARE(cache.slotCount(), plan == &big ? config->nExpert : plan == &few ? 2u : 0u);
            auto kv = (*model)->newKvCache(64);
            QVERIFY(kv);
            std::vector<float> logits((*model)->config().nVocab), trace;
            QVERIFY((*model)->forward(*kv, prompt, 0, logits));
            trace = logits;
            for (uint32_t i = 0; i < steps; ++i) {
                if (plan == &all) {
                    tokens.push_back(argmax(logits));
                }
                const int32_t next[] = {tokens[i]};
                QVERIFY((*model)->forward(*kv, next, uint32_t(prompt.size()) + i, logits));
                trace.insert(trace.end(), logits.begin(), logits.end());
            }
            if (plan == &all) {
                resident = trace;
                QVERIFY(!cache.active());
                continue;
            }
            // Cached experts are summed in a second dispatch: the same values up to the order of additions.
            double err = 0, norm = 0;
            for (size_t i = 0; i < trace.size(); ++i) {
                const double d = double(trace[i]) - double(resident[i]);
                err += d * d;
                norm += double(resident[i]) * double(resident[i]);
            }
            QVERIFY2(err / norm < 1e-10, qPrintable(QString("NMSE vs resident %1").arg(err / norm)));
            for (uint32_t i = 0; i < steps; ++i) {
                const std::vector<float> step(trace.begin() + i * logits.size(), trace.begin() + (i + 1) * logits.size());
                QCOMPARE(argmax(step), tokens[i]);
            }
            const models::ExpertCache::Stats& s = cache.stats();
            QCOMPARE(s.tokens, uint64_t(prompt.size() + steps));
            QCOMPARE(s.lookups, s.tokens * config->nExpertUsed * layers.size());
            // A miss reads that layer's offloaded experts from host memory (perExpert sums every offloaded layer's).
            QVERIFY(s.hostBytes <= (s.lookups - s.hits) * perExpert && (s.hits == s.lookups || s.hostBytes > 0));
            if (layers.size() == 1) {
                QCOMPARE(s.hostBytes, (s.lookups - s.hits) * perExpert);
            }
            qInfo("cache of %u experts per layer: hit rate %.0f%% (%llu of %llu), %.1f KiB per token from host "
                  "memory, %.1f KiB per token into the cache",
                  cache.slotCount(), 100.0 * s.hitRate(), (unsigned long long)s.hits, (unsigned long long)s.lookups,
                  double(s.hostBytes) / 1024.0 / double(s.tokens), double(s.fillBytes) / 1024.0 / double(s.tokens));
            if (plan == &noCache) {
                QCOMPARE(s.hits, uint64_t(0));
                QCOMPARE(s.fillBytes, uint64_t(0));
            } else {
                // The prompt's experts were all misses; after it the cache serves some (all, when it holds every
                // expert: only first uses miss).
                QVERIFY(s.hits > 0 && s.hits < s.lookups && s.fillBytes > 0);
                if (plan == &big) {  // nothing is evicted: after the prompt, only an expert's first use misses
                    QVERIFY(s.lookups - s.hits <=
                            (prompt.size() * config->nExpertUsed + config->nExpert) * layers.size());
                }
            }
        }

        const models::MemoryPlan impossible = models::planMemory(*gg, *config, 64, all.deviceBytes() / 20);
        QVERIFY(!impossible.fits);
        const std::string why = models::memoryError(impossible, "tiny.gguf").detail;
        QVERIFY2(why.find("Even with its experts in host memory") != std::string::npos, why.c_str());
        auto dense = gguf::File::open(test::dataDir() / "models" / "tiny-llama-q8_0.gguf");
        QVERIFY(dense.has_value());
        const models::MemoryPlan denseTight =
            models::planMemory(*dense, *models::readConfig(*dense), 64, uint64_t(1) << 20);
        QVERIFY(!denseTight.fits);
        QVERIFY(denseTight.hostTensors.empty());
        const std::string denseWhy = models::memoryError(denseTight, "tiny-llama-q8_0.gguf").detail;
        QVERIFY2(denseWhy.find("needs") != std::string::npos && denseWhy.find("are free") != std::string::npos,
                 denseWhy.c_str());
    }
};

QTEST_GUILESS_MAIN(SyntheticModelTest)
#include "syntheticmodeltest.moc"
