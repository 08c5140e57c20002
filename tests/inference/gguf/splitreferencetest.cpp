// The split sets the test writer makes (tests/support/ggufwriter.h, the layout inference/gguf/split.cpp
// reads) against the independent reference: llama.cpp (llama-cpp-python, the ref-cpu environment
// scripts/compare installs) loads each set from its first part and continues a prompt greedily exactly as it
// continues the file the set was split from, with the same weights loaded; without a part it refuses the set.
// So the writer, and the reader that the split tests check against the writer, follow llama.cpp's gguf-split
// format, not only each other. And the reader opens the sets gguf-py (the converters' writer, in the same
// environment) writes. The reference: LANTERN_REF_PYTHON, else <XDG data>/lantern/ref-cpu/bin/python; absent,
// the test skips.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>
#include <cstring>

#include "inference/gguf/file.h"
#include "tests/support/ggufwriter.h"
#include "tests/support/testenv.h"

using namespace lantern;
namespace fs = std::filesystem;

namespace {

fs::path referencePython() {
    if (const char* p = std::getenv("LANTERN_REF_PYTHON"); p && *p) {
        return p;
    }
    const char* xdg = std::getenv("XDG_DATA_HOME");
    const char* home = std::getenv("HOME");
    const fs::path data = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : "") / ".local" / "share";
    return data / "lantern" / "ref-cpu" / "bin" / "python";
}

struct Continuation {
    bool ok = false;
    QString error;
    qint64 parameters = 0;
    std::vector<int32_t> greedy;
};

// llama.cpp's greedy continuation of `prompt` on `model` (tests/inference/gguf/llamacpp_greedy_ids.py).
Continuation llamaCpp(const fs::path& model, const std::vector<int32_t>& prompt, int n) {
    QStringList ids;
    for (int32_t t : prompt) {
        ids << QString::number(t);
    }
    QProcess p;
    p.start(QString::fromStdString(referencePython().string()),
            {QStringLiteral(LANTERN_SOURCE_DIR "/tests/inference/gguf/llamacpp_greedy_ids.py"),
             QString::fromStdString(model.string()), QString::number(n), ids.join(',')});
    Continuation c;
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        c.error = QStringLiteral("exit %1: %2")
                      .arg(p.exitCode())
                      .arg(QString::fromUtf8(p.readAllStandardError()).right(1500));
        return c;
    }
    const QJsonObject o = QJsonDocument::fromJson(p.readAllStandardOutput().trimmed()).object();
    for (const QJsonValue& v : o["greedy"].toArray()) {
        c.greedy.push_back(int32_t(v.toInt()));
    }
    c.parameters = o["parameters"].toInteger();
    c.ok = !c.greedy.empty();
    return c;
}

}  // namespace

class SplitReferenceTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    fs::path dir() const { return fs::path(m_dir.path().toStdString()); }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        if (!fs::exists(referencePython())) {
            const std::string why = "the reference (llama-cpp-python) is not installed at " +
                                    referencePython().string() +
                                    "; ./scripts/compare installs it, or set LANTERN_REF_PYTHON";
            test::skipAll(why.c_str());
        }
    }

    void llamaCppReadsTheSetAsTheFile_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("parts");
        // Written whole and split by the test writer: a dense llama (SentencePiece vocabulary) in Q8_0 and
        // qwen3 in F16; llama.cpp's own quantized MoE files, split by the writer.
        QTest::newRow("synthetic llama q8_0, 3 parts") << QString("llama") << 3;
        QTest::newRow("synthetic qwen3 f16, 2 parts") << QString("qwen3") << 2;
        QTest::newRow("tiny-qwen3moe-q4_k_m, 3 parts") << QString("tiny-qwen3moe-q4_k_m") << 3;
        QTest::newRow("tiny-deepseek3-q4_k_m, 5 parts") << QString("tiny-deepseek3-q4_k_m") << 5;
    }
    void llamaCppReadsTheSetAsTheFile() {
        QFETCH(QString, model);
        QFETCH(int, parts);
        const std::string name = model.toStdString();
        fs::path whole = test::dataDir() / "models" / (name + ".gguf");
        test::GgufWriter writer;
        if (name == "llama" || name == "qwen3") {
            test::SyntheticModel spec;
            spec.arch = name;
            spec.type = name == "llama" ? gguf::GgmlType::Q8_0 : gguf::GgmlType::F16;
            writer = test::syntheticModel(spec);
            whole = dir() / (name + ".gguf");
            QVERIFY(writer.write(whole).has_value());
        } else {
            auto file = gguf::File::open(whole);
            QVERIFY2(file.has_value(), file ? "" : file.error().detail.c_str());
            auto copy = test::GgufWriter::copyOf(*file);
            QVERIFY2(copy.has_value(), copy ? "" : copy.error().detail.c_str());
            writer = std::move(*copy);
        }
        auto set = writer.writeSplit(dir() / (name + "-split"), uint32_t(parts));
        QVERIFY(set.has_value());
        const std::vector<int32_t> prompt = {1, 300, 301, 302, 17, 400};
        const Continuation a = llamaCpp(whole, prompt, 12);
        QVERIFY2(a.ok, qPrintable("llama.cpp on the whole file: " + a.error));
        const Continuation b = llamaCpp(set->front(), prompt, 12);
        QVERIFY2(b.ok, qPrintable("llama.cpp on the split set: " + b.error));
        QCOMPARE(b.parameters, a.parameters);
        QCOMPARE(b.greedy, a.greedy);
        // What Lantern reads from the set is the file's parameters too.
        auto ours = gguf::File::open(set->front());
        QVERIFY(ours.has_value());
        qint64 params = 0;
        for (const gguf::TensorInfo& t : ours->tensors()) {
            params += qint64(t.elements);
        }
        QCOMPARE(params, a.parameters);

        // Without its last part llama.cpp refuses the set, so above it read every part.
        fs::remove(set->back());
        const Continuation c = llamaCpp(set->front(), prompt, 1);
        QVERIFY2(!c.ok, "llama.cpp loaded a set with a part missing");
    }

    // The other way round: sets written by gguf-py (the converters' writer, an implementation of its own)
    // open in Lantern as the file they were split from, every key and every tensor's bytes the same.
    void readsSetsGgufPyWrites_data() {
        QTest::addColumn<QString>("model");
        QTest::newRow("tiny-qwen3moe-q4_k_m") << QString("tiny-qwen3moe-q4_k_m");
        QTest::newRow("tiny-llama-q4_k_m") << QString("tiny-llama-q4_k_m");
    }
    void readsSetsGgufPyWrites() {
        QFETCH(QString, model);
        const fs::path whole = test::dataDir() / "models" / (model.toStdString() + ".gguf");
        const fs::path prefix = dir() / (model.toStdString() + "-ggufpy");
        QProcess p;
        p.start(
            QString::fromStdString(referencePython().string()),
            {QStringLiteral(LANTERN_SOURCE_DIR "/tests/inference/gguf/ggufpy_split.py"),
             QString::fromStdString(whole.string()), QString::fromStdString(prefix.string() + ".gguf"), "8"});
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().right(1500).constData());
        auto original = gguf::File::open(whole);
        QVERIFY(original.has_value());
        const auto count = uint32_t((original->tensors().size() + 7) / 8);
        auto set = gguf::File::open(test::GgufWriter::splitPath(prefix, 0, count));
        QVERIFY2(set.has_value(), set ? "" : set.error().detail.c_str());
        QCOMPARE(set->parts().size(), size_t(count));
        for (std::string_view k : original->keys()) {
            QCOMPARE(set->describe(k), original->describe(k));
        }
        QCOMPARE(set->tensors().size(), original->tensors().size());
        for (const gguf::TensorInfo& a : original->tensors()) {
            const gguf::TensorInfo* b = set->tensor(a.name);
            QVERIFY2(b, a.name.c_str());
            QCOMPARE(b->type, a.type);
            QCOMPARE(b->ne, a.ne);
            QVERIFY(b->bytes == a.bytes && std::memcmp(b->data.data(), a.data.data(), a.bytes) == 0);
        }
    }
};

QTEST_GUILESS_MAIN(SplitReferenceTest)
#include "splitreferencetest.moc"
