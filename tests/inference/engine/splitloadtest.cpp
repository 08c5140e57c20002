// Split GGUF sets through the engine (gguf-split's layout, inference/gguf/split.cpp): a model split in parts
// computes exactly what the file it was split from computes, bit for bit, on the CPU backend and on Vulkan;
// the facade loads, inspects and plans the set from its first part (or any part) with the sizes of all parts,
// and a broken set is an error, not a crash. Models: a synthetic llama written by the test writer, and
// llama.cpp's own Q4_K_M files of the MoE families (tests/data/models) split by the writer.
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <map>

#include "inference/backend/cpubackend.h"
#include "inference/backend/vulkanbackend.h"
#include "inference/engine.h"
#include "inference/gguf/file.h"
#include "inference/models/config.h"
#include "inference/models/densemodel.h"
#include "inference/vulkan/gpu.h"
#include "tests/support/ggufwriter.h"
#include "tests/support/testenv.h"

using namespace lantern;
namespace fs = std::filesystem;

namespace {

// Prompt then decode steps, every step's logits one after the other.
std::vector<float> logitsTrace(backend::Backend& be, const gguf::File& file) {
    auto config = models::readConfig(file);
    if (!config) {
        qFatal("%s", config.error().detail.c_str());
    }
    auto model = models::DenseModel::load(be, file, *config, {}, nullptr, nullptr);
    if (!model) {
        qFatal("%s", model.error().detail.c_str());
    }
    const auto vocab = int32_t((*model)->config().nVocab);
    auto kv = (*model)->newKvCache(64);
    if (!kv) {
        qFatal("%s", kv.error().detail.c_str());
    }
    std::vector<float> logits(static_cast<size_t>(vocab));
    const std::vector<int32_t> prompt = {1, 260 % vocab, 300 % vocab, 17, 411 % vocab};
    if (!(*model)->forward(*kv, prompt, 0, logits)) {
        qFatal("forward failed");
    }
    std::vector<float> trace = logits;
    for (uint32_t i = 0; i < 3; ++i) {
        const int32_t one[] = {int32_t((97 + 31 * i) % uint32_t(vocab))};
        if (!(*model)->forward(*kv, one, uint32_t(prompt.size() + i), logits)) {
            qFatal("forward failed");
        }
        trace.insert(trace.end(), logits.begin(), logits.end());
    }
    return trace;
}

}  // namespace

class SplitLoadTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<gpu::Context> m_ctx;  // null without a Vulkan device: the Vulkan rows skip
    std::unique_ptr<backend::VulkanBackend> m_vulkan;
    std::unique_ptr<backend::CpuBackend> m_cpu;
    // name -> the whole file and the parts of its split set
    std::map<QString, std::pair<fs::path, std::vector<fs::path>>> m_models;

    fs::path dir() const { return fs::path(m_dir.path().toStdString()); }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_cpu = std::make_unique<backend::CpuBackend>(backend::CpuOptions{.threads = 2});
        if (auto ctx = gpu::Context::create({}); ctx) {
            m_ctx = std::move(*ctx);
            m_vulkan = std::make_unique<backend::VulkanBackend>(*m_ctx);
        }
        test::SyntheticModel spec;
        spec.type = gguf::GgmlType::Q8_0;
        const test::GgufWriter llama = test::syntheticModel(spec);
        const fs::path whole = dir() / "llama.gguf";
        QVERIFY(llama.write(whole).has_value());
        auto parts = llama.writeSplit(dir() / "llama", 3);
        QVERIFY(parts.has_value());
        m_models["llama"] = {whole, *parts};
        // llama.cpp's files as they are, against the writer's split of them.
        for (auto [name, count] :
             {std::pair{"tiny-qwen3moe-q4_k_m", 3u}, std::pair{"tiny-deepseek3-q4_k_m", 4u}}) {
            const fs::path file = test::dataDir() / "models" / (std::string(name) + ".gguf");
            auto f = gguf::File::open(file);
            QVERIFY2(f.has_value(), f ? "" : f.error().detail.c_str());
            auto copy = test::GgufWriter::copyOf(*f);
            QVERIFY2(copy.has_value(), copy ? "" : copy.error().detail.c_str());
            auto written = copy->writeSplit(dir() / name, count);
            QVERIFY(written.has_value());
            m_models[name] = {file, *written};
        }
    }

    void sameLogitsBitForBit_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("backend");
        for (const char* m : {"llama", "tiny-qwen3moe-q4_k_m", "tiny-deepseek3-q4_k_m"}) {
            for (const char* be : {"cpu", "vulkan"}) {
                QTest::newRow(qPrintable(QString("%1 %2").arg(m, be))) << QString(m) << QString(be);
            }
        }
    }
    void sameLogitsBitForBit() {
        QFETCH(QString, model);
        QFETCH(QString, backend);
        if (backend == "vulkan" && !m_vulkan) {
            QSKIP("no Vulkan device on this machine");
        }
        backend::Backend& be = backend == "cpu" ? static_cast<backend::Backend&>(*m_cpu) : *m_vulkan;
        const auto& [whole, parts] = m_models.at(model);
        auto single = gguf::File::open(whole);
        auto split = gguf::File::open(parts.front());
        QVERIFY2(single.has_value() && split.has_value(), split ? "" : split.error().detail.c_str());
        QCOMPARE(split->parts().size(), parts.size());
        const std::vector<float> a = logitsTrace(be, *single);
        const std::vector<float> b = logitsTrace(be, *split);
        QCOMPARE(b.size(), a.size());
        QVERIFY2(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0, "logits differ");
    }

    // Through the facade: greedy text identical, sizes of all parts, the same plan; named by any part.
    void engineLoadsTheSet_data() {
        QTest::addColumn<QString>("device");
        QTest::newRow("cpu") << QString("cpu");
        QTest::newRow("vulkan") << QString("vulkan");
    }
    void engineLoadsTheSet() {
        QFETCH(QString, device);
        if (device == "vulkan" && !m_vulkan) {
            QSKIP("no Vulkan device on this machine");
        }
        const auto& [whole, parts] = m_models.at("llama");
        LoadOptions lo;
        lo.device = device.toStdString();
        lo.contextLength = 64;
        const auto generate = [&](const fs::path& path, ModelInfo& info) {
            auto model = Engine::load(path, lo);
            if (!model) {
                qFatal("%s", model.error().detail.c_str());
            }
            info = (*model)->info();
            auto session = (*model)->newSession();
            GenerateOptions o;
            o.sampling.temperature = 0.f;
            o.maxTokens = 12;
            o.rawPrompt = true;
            std::string text;
            std::atomic<bool> cancel{false};
            const std::vector<ChatMessage> msgs{{"user", "abc def"}};
            auto stats = session->generate(
                msgs, o, [&](std::string_view p) { text += p; }, cancel);
            if (!stats) {
                qFatal("%s", stats.error().detail.c_str());
            }
            return text;
        };
        ModelInfo one, set;
        const std::string expected = generate(whole, one);
        QCOMPARE(generate(parts[1], set), expected);  // the second part names the set as well as the first
        QVERIFY(!expected.empty());
        uint64_t sum = 0;
        for (const fs::path& p : parts) {
            sum += fs::file_size(p);
        }
        QCOMPARE(set.fileBytes, sum);
        QCOMPARE(set.path, parts.front());
        QCOMPARE(set.name, one.name);
        QCOMPARE(set.parameters, one.parameters);
        QCOMPARE(set.deviceBytesUsed, one.deviceBytesUsed);
        auto inspected = Engine::inspect(parts[2]);
        QVERIFY(inspected.has_value());
        QCOMPARE(inspected->fileBytes, sum);
        const std::vector<fs::path> both = {whole, parts.front()};
        const auto plans = Engine::plan(both, lo);
        QVERIFY(plans[0].has_value() && plans[1].has_value());
        QCOMPARE(plans[1]->deviceBytes, plans[0]->deviceBytes);
        QCOMPARE(plans[1]->fits, plans[0]->fits);
    }

    // A set without its last part: every entry point says which part is missing.
    void brokenSetIsAnError() {
        test::SyntheticModel spec;
        spec.nLayer = 1;
        auto parts = test::syntheticModel(spec).writeSplit(dir() / "broken", 3);
        QVERIFY(parts.has_value());
        fs::remove(parts->back());
        LoadOptions lo;
        lo.device = "cpu";
        auto model = Engine::load(parts->front(), lo);
        QVERIFY(!model);
        QCOMPARE(model.error().code, Errc::FileNotFound);
        QVERIFY2(model.error().detail.find("broken-00003-of-00003.gguf") != std::string::npos,
                 model.error().detail.c_str());
        QVERIFY(!Engine::inspect(parts->front()));
        const auto plans = Engine::plan(std::vector<fs::path>{parts->front()}, lo);
        QVERIFY(!plans[0].has_value());
    }
};

QTEST_GUILESS_MAIN(SplitLoadTest)
#include "splitloadtest.moc"
