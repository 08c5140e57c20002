// Fidelity of the real Gemma 3 270M model (Q4_K_M) against llama.cpp 0.3.36 (llama-cpp-python): teacher-forced
// over a fixed text (prose, code, German, Japanese; scripts/golden/llamacpp_teacher.py) -- at every position,
// does our most likely next token agree with llama.cpp's, and how far apart are the next-token distributions
// (mean KL(llama.cpp || ours)) -- and greedy answers to 10 prompts (scripts/golden/llamacpp_greedy.py).
// Three references, each with its own bound:
//
// - llama.cpp's CPU backend on the same weights stored as F32 (scripts/golden/dequantize_gguf.py writes that
//   twin: every tensor dequantized, values identical). Its products then take f32 activations, as ours do, so
//   both engines compute the same function; this is where issue 4's targets apply: >= 99% top-1, mean KL
//   <= 0.005, >= 9 of 10 greedy answers identical. Measured: 100%, 0.000001, 10 of 10.
// - llama.cpp's CPU backend on the Q4_K_M file. It rounds the activations to 8 bits before every quantized
//   product (Q8_0 blocks for Q5_0/Q8_0 weights, Q8_K for Q4_K/Q6_K), which moves its answers away from the
//   exact function by mean KL 0.0057 on this text. Checked op by op on its dumped tensors: each rounding is
//   reproduced to 1e-7, but reproducing the chain is not possible -- a 1-ulp difference in a product's input
//   flips some roundings (57 of 118400 in layer 0's first product), and the flips compound over 18 layers, so
//   an emulation ends further away (KL 0.0077) than the exact function. llama.cpp's own Vulkan backend is
//   further still (95.7%, 0.0076). Measured: 97.3%, 0.0057, 5 of 10; bound: >= 97% and <= 0.0075.
// - llama.cpp's Vulkan backend on lavapipe on the Q4_K_M file. Measured: 98.4%, 0.0013, 6 of 10; bound: >= 98%
//   and <= 0.002.
//
// Each teacher file holds the reference's top 256 log-probabilities per position; the KL is computed over
// those tokens plus one bucket for the rest of the mass on each side (a lower bound of the full KL; the 256
// tokens carry 95% of the mass on average). Our own tokenizer must give llama.cpp's token ids for the text.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>

#include "inference/gguf/file.h"
#include "inference/models/config.h"
#include "inference/models/densemodel.h"
#include "inference/models/teacher.h"
#include "inference/text/tokenizer.h"
#include "inference/text/vocab.h"
#include "inference/vulkan/gpu.h"
#include "tests/support/realmodel.h"
#include "tests/support/testenv.h"

using namespace lantern;
using models::Teacher;

class FidelityTest : public QObject {
    Q_OBJECT
    // Per backend ("vulkan", "cpu", "cpu-exact"): the model, loaded at first use, and its logits over the text,
    // (tokens - 1) x vocabulary, computed once.
    std::map<QString, test::RealModel> m_models;
    std::map<QString, std::vector<float>> m_logits;
    std::optional<gguf::File> m_file;
    Teacher m_teacher;

    models::DenseModel& model(const QString& backend) {
        auto it = m_models.find(backend);
        if (it == m_models.end()) {
            it = m_models.emplace(backend, test::loadRealModel("gemma-3-270m-q4_k_m.gguf", backend.toStdString())).first;
        }
        return *it->second.model;
    }

private slots:
    void initTestCase() {
        auto teacher = models::readTeacher(test::dataDir() / "reference/gemma3-270m-teacher.bin");  // for the ids
        QVERIFY2(teacher.has_value(), teacher ? "" : teacher.error().detail.c_str());
        m_teacher = std::move(*teacher);
        auto file = gguf::File::open(test::requireModel("gemma-3-270m-q4_k_m.gguf"));
        QVERIFY2(file.has_value(), file ? "" : file.error().detail.c_str());
        m_file = std::move(*file);
        QCOMPARE(model("vulkan").config().nVocab, m_teacher.nVocab);
    }

    void ourTokenizerGivesTheSameIds() {
        auto vocab = text::loadVocab(*m_file);
        QVERIFY(vocab);
        auto tok = text::Tokenizer::create(std::make_shared<const text::Vocab>(std::move(*vocab)));
        QVERIFY(tok);
        std::ifstream in(test::dataDir() / "reference/gemma3-270m-teacher.txt", std::ios::binary);
        const std::string plain((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QVERIFY(!plain.empty());
        std::vector<int32_t> ours = tok->encode(plain, false, true);
        QCOMPARE(ours.size(), m_teacher.tokens.size());
        QVERIFY(ours == m_teacher.tokens);
    }

    // The CPU backend: its exact mode computes the Vulkan path's function (f32 activations), so it is held to the
    // same bounds; with 8-bit activations (its default, as llama.cpp's CPU backend) it rounds like llama.cpp-CPU
    // though not bit for bit (different orders of additions flip some roundings, which compound over 18 layers).
    // Measured: cpu-exact exactly the Vulkan path's figures (100%, 0.000000, 10 of 10 against the F32 twin); cpu
    // 94.6% / 0.0071 against the twin, 94.0% / 0.0088 against llama.cpp-Vulkan, 95.1% / 0.0082 against
    // llama.cpp-CPU; greedy 5, 5 and 3 of 10.
    void teacherForcedAgreesWithLlamaCpp_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<double>("minTop1");
        QTest::addColumn<double>("maxMeanKl");
        QTest::addColumn<QString>("backend");
        for (const char* be : {"vulkan", "cpu-exact"}) {
            QTest::newRow(qPrintable(QString("llama.cpp-cpu-f32-twin ") + be))
                << QString("reference/gemma3-270m-teacher-f32.bin") << 0.99 << 0.005 << QString(be);
            QTest::newRow(qPrintable(QString("llama.cpp-vulkan ") + be))
                << QString("reference/gemma3-270m-teacher-vulkan.bin") << 0.98 << 0.002 << QString(be);
            QTest::newRow(qPrintable(QString("llama.cpp-cpu ") + be))
                << QString("reference/gemma3-270m-teacher.bin") << 0.97 << 0.0075 << QString(be);
        }
        QTest::newRow("llama.cpp-cpu-f32-twin cpu") << QString("reference/gemma3-270m-teacher-f32.bin") << 0.93
                                                    << 0.009 << QString("cpu");
        QTest::newRow("llama.cpp-vulkan cpu") << QString("reference/gemma3-270m-teacher-vulkan.bin") << 0.92
                                              << 0.011 << QString("cpu");
        QTest::newRow("llama.cpp-cpu cpu") << QString("reference/gemma3-270m-teacher.bin") << 0.93 << 0.0105
                                           << QString("cpu");
    }

    void teacherForcedAgreesWithLlamaCpp() {
        QFETCH(QString, file);
        QFETCH(double, minTop1);
        QFETCH(double, maxMeanKl);
        QFETCH(QString, backend);
        auto read = models::readTeacher(test::dataDir() / file.toStdString());
        QVERIFY2(read.has_value(), read ? "" : read.error().detail.c_str());
        const Teacher& t = *read;
        QVERIFY(t.tokens == m_teacher.tokens);
        const size_t n = t.tokens.size() - 1;  // positions with a next token
        std::vector<float>& logits = m_logits[backend];
        if (logits.empty()) {
            models::DenseModel& m = model(backend);
            auto kv = m.newKvCache(uint32_t(t.tokens.size()) + 8);
            QVERIFY(kv);
            logits.resize(n * t.nVocab);
            auto r = m.forwardAll(*kv, std::span(t.tokens).first(n), 0, logits);
            QVERIFY2(r.has_value(), r ? "" : r.error().detail.c_str());
        }
        const models::Agreement a = models::compareWithTeacher(t, logits);
        const double top1 = a.top1, meanKl = a.meanKl;
        qInfo("%s: %zu positions: top-1 agreement %.2f%% (%zu/%zu), mean KL %.5f, max KL %.4f at position %zu", qPrintable(backend), n,
              100.0 * top1, a.agree, n, meanKl, a.maxKl, a.maxKlAt);
        QVERIFY2(top1 >= minTop1, qPrintable(QString("top-1 agreement %1% < %2%").arg(100.0 * top1).arg(100.0 * minTop1)));
        QVERIFY2(meanKl <= maxMeanKl, qPrintable(QString("mean KL %1 > %2").arg(meanKl).arg(maxMeanKl)));
    }

    // Issue 4: 10 prompts x 32 greedy tokens (scripts/golden/llamacpp_greedy.py), checked teacher-forced by
    // models::compareGreedy: "all 32 equal" means our own greedy answer is llama.cpp's, token for token.
    void greedyMatchesLlamaCpp_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("minIdentical");
        // Against the quantized file's references the bound is what was measured (6 of 10 with llama.cpp-Vulkan,
        // 5 of 10 with llama.cpp-CPU): llama.cpp's two backends agree with EACH OTHER on only 5 of these 10
        // prompts, because this base model's greedy paths fork at near ties (every difference is at a llama.cpp
        // margin under 0.12 logits). Against the F32 twin both engines compute the same function: issue 4's 9.
        QTest::addColumn<QString>("backend");
        for (const char* be : {"vulkan", "cpu-exact"}) {
            QTest::newRow(qPrintable(QString("llama.cpp-cpu-f32-twin ") + be))
                << QString("reference/gemma3-270m-greedy-f32.bin") << 9 << QString(be);
            QTest::newRow(qPrintable(QString("llama.cpp-vulkan ") + be))
                << QString("reference/gemma3-270m-greedy-vulkan.bin") << 6 << QString(be);
            QTest::newRow(qPrintable(QString("llama.cpp-cpu ") + be)) << QString("reference/gemma3-270m-greedy.bin") << 5
                                                                      << QString(be);
        }
        QTest::newRow("llama.cpp-cpu-f32-twin cpu") << QString("reference/gemma3-270m-greedy-f32.bin") << 4
                                                    << QString("cpu");
        QTest::newRow("llama.cpp-vulkan cpu") << QString("reference/gemma3-270m-greedy-vulkan.bin") << 4
                                              << QString("cpu");
        QTest::newRow("llama.cpp-cpu cpu") << QString("reference/gemma3-270m-greedy.bin") << 2 << QString("cpu");
    }

    void greedyMatchesLlamaCpp() {
        QFETCH(QString, file);
        QFETCH(int, minIdentical);
        QFETCH(QString, backend);
        auto cases = models::readGreedy(test::dataDir() / file.toStdString());
        QVERIFY2(cases.has_value(), cases ? "" : cases.error().detail.c_str());
        QCOMPARE(cases->size(), size_t(10));
        auto g = models::compareGreedy(model(backend), *cases);
        QVERIFY2(g.has_value(), g ? "" : g.error().detail.c_str());
        for (size_t i = 0; i < cases->size(); ++i) {
            const models::GreedyCase& c = (*cases)[i];
            if (g->same[i] < c.greedy.size()) {
                qInfo("prompt %zu: first %zu of %zu tokens identical; llama.cpp's margin there %.3f", i, g->same[i],
                      c.greedy.size(), double(c.margins[g->same[i]]));
            }
        }
        qInfo("%s: %zu of %zu prompts: all %zu greedy tokens identical", qPrintable(backend), g->identical, cases->size(),
              (*cases)[0].greedy.size());
        QVERIFY2(g->identical >= size_t(minIdentical),
                 qPrintable(QString("%1 < %2 identical").arg(g->identical).arg(minIdentical)));
    }
};

QTEST_MAIN(FidelityTest)
#include "fidelitytest.moc"
