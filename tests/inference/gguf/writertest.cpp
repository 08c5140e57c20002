// The test GGUF writer (tests/support/ggufwriter.h) against the engine's reader: every metadata value type
// and array kind, tensors of every weight type with shapes and alignment, read back exactly; and a
// synthetic model of each family opens and passes the model config checks.
#include <QtTest>
#include <cmath>

#include "inference/gguf/file.h"
#include "inference/models/config.h"
#include "inference/reference/weights.h"
#include "tests/support/ggufwriter.h"

using namespace lantern;
using gguf::GgmlType;
using gguf::ValueType;

namespace {
std::string tensorName(size_t i) { return QStringLiteral("w%1").arg(i).toStdString(); }
}  // namespace

class WriterTest : public QObject {
    Q_OBJECT
private slots:
    void metadataOfEveryType() {
        test::GgufWriter w;
        w.set("t.u8", uint8_t(200));
        w.set("t.i8", int8_t(-100));
        w.set("t.u16", uint16_t(60000));
        w.set("t.i16", int16_t(-30000));
        w.set("t.u32", uint32_t(4000000000u));
        w.set("t.i32", int32_t(-2000000000));
        w.set("t.f32", 0.15625f);
        w.set("t.bool", true);
        w.set("t.str", std::string("Grüße, 世界"));
        w.set("t.u64", uint64_t(1) << 40);
        w.set("t.i64", -(int64_t(1) << 40));
        w.set("t.f64", 2.5);
        w.set("t.strs", test::GgufWriter::Array(std::vector<std::string>{"a", "", "ü"}));
        w.set("t.f32s", test::GgufWriter::Array(std::vector<float>{1.5f, -2.0f}));
        w.set("t.i32s", test::GgufWriter::Array(std::vector<int32_t>{-1, 7}));
        w.set("t.u32", uint32_t(5));  // replaced, not duplicated
        const std::vector<std::byte> bytes = w.bytes();
        auto f = gguf::File::fromMemory(bytes, "writer");
        QVERIFY2(f.has_value(), f ? "" : f.error().detail.c_str());
        QCOMPARE(f->version(), 3u);
        QCOMPARE(f->keys().size(), size_t(15));
        QCOMPARE(f->typeOf("t.u8"), ValueType::U8);
        QCOMPARE(f->uint("t.u8"), uint64_t(200));
        QCOMPARE(f->sint("t.i8"), int64_t(-100));
        QCOMPARE(f->uint("t.u16"), uint64_t(60000));
        QCOMPARE(f->sint("t.i16"), int64_t(-30000));
        QCOMPARE(f->u32("t.u32"), 5u);
        QCOMPARE(f->sint("t.i32"), int64_t(-2000000000));
        QCOMPARE(f->f32("t.f32"), 0.15625f);
        QCOMPARE(f->boolean("t.bool"), true);
        QCOMPARE(f->str("t.str"), std::string_view("Grüße, 世界"));
        QCOMPARE(f->uint("t.u64"), uint64_t(1) << 40);
        QCOMPARE(f->sint("t.i64"), -(int64_t(1) << 40));
        QCOMPARE(f->typeOf("t.f64"), ValueType::F64);
        QCOMPARE(f->f32("t.f64"), 2.5f);
        auto strs = f->array("t.strs");
        QVERIFY(strs);
        QCOMPARE(strs->size(), size_t(3));
        QCOMPARE(strs->str(2), std::string_view("ü"));
        QCOMPARE(strs->str(1), std::string_view(""));
        QCOMPARE(f->array("t.f32s")->f32(1), -2.0f);
        QCOMPARE(f->array("t.i32s")->i32(0), -1);
    }

    void tensorsOfEveryType() {
        test::GgufWriter w;
        std::vector<std::vector<float>> values;
        const auto types = reference::weightTypes();
        for (size_t i = 0; i < types.size(); ++i) {
            std::vector<float> v(256 * 3);
            for (size_t j = 0; j < v.size(); ++j)
                v[j] = std::sin(float(j) * 0.37f + float(i)) * 0.05f;
            w.addTensor(tensorName(i), {256, 3}, types[i], v);
            values.push_back(v);
        }
        const std::vector<std::byte> bytes = w.bytes();
        auto f = gguf::File::fromMemory(bytes, "writer");
        QVERIFY2(f.has_value(), f ? "" : f.error().detail.c_str());
        QCOMPARE(f->tensors().size(), types.size());
        for (size_t i = 0; i < types.size(); ++i) {
            const gguf::TensorInfo* t = f->tensor(tensorName(i));
            QVERIFY(t);
            QCOMPARE(t->type, types[i]);
            QCOMPARE(t->ne[0], uint64_t(256));
            QCOMPARE(t->rows, uint64_t(3));
            QCOMPARE(t->offset % f->alignment(), uint64_t(0));
            const std::vector<std::byte> want = reference::quantize(types[i], values[i]);
            QVERIFY(std::equal(want.begin(), want.end(), t->data.begin(), t->data.end()));
        }
    }

    void syntheticModelsPassTheConfigChecks() {
        for (const char* arch : {"llama", "qwen2", "qwen3", "gemma3"}) {
            test::SyntheticModel spec;
            spec.arch = arch;
            spec.type = GgmlType::Q4_K;
            const std::vector<std::byte> bytes = test::syntheticModel(spec).bytes();
            auto f = gguf::File::fromMemory(bytes, arch);
            QVERIFY2(f.has_value(), f ? "" : f.error().detail.c_str());
            auto c = models::readConfig(*f);
            QVERIFY2(c.has_value(), c ? "" : c.error().detail.c_str());
            QCOMPARE(c->nVocab, spec.nVocab);
            QCOMPARE(c->nLayers, spec.nLayer);
            QCOMPARE(f->tensor("blk.0.ffn_down.weight")->type, GgmlType::Q4_K);
            QCOMPARE(f->tensor("blk.0.ffn_down.weight")->ne[0], uint64_t(spec.nFf));
        }
    }

    // Rope scaling: YaRN is read with its defaults; a kind Lantern does not implement is refused by name.
    void ropeScalingKinds() {
        test::GgufWriter w = test::syntheticModel({});
        w.set("llama.rope.scaling.type", std::string("yarn"));
        w.set("llama.rope.scaling.factor", 4.0f);
        std::vector<std::byte> bytes = w.bytes();
        auto yarn = models::readConfig(*gguf::File::fromMemory(bytes, "yarn"));
        QVERIFY(yarn.has_value());
        QVERIFY(yarn->ropeYarn);
        QCOMPARE(yarn->ropeFreqScale, 0.25f);
        QCOMPARE(yarn->yarnOrigContext, 256u);  // the trained context when the file does not say
        QCOMPARE(yarn->yarnBetaFast, 32.0f);
        w.set("llama.rope.scaling.type", std::string("longrope"));
        bytes = w.bytes();
        auto other = models::readConfig(*gguf::File::fromMemory(bytes, "longrope"));
        QVERIFY(!other.has_value());
        QVERIFY2(other.error().detail.find("longrope") != std::string::npos, other.error().detail.c_str());
    }
};

QTEST_GUILESS_MAIN(WriterTest)
#include "writertest.moc"
