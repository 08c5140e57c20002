// The real default model read by gguf::File, checked against facts printed by the Python `gguf` package
// (GGUFReader, an independent reader): tensor count, shapes, types, absolute data offsets, vocabulary.
#include <QtTest>

#include "inference/gguf/file.h"
#include "tests/support/testenv.h"

using namespace lantern;

class RealFileTest : public QObject {
    Q_OBJECT
private slots:
    void gemma3() {
        auto f = gguf::File::open(test::requireModel("gemma-3-270m-q4_k_m.gguf"));
        QVERIFY2(f.has_value(), f ? "" : f.error().detail.c_str());
        QCOMPARE(f->version(), 3u);
        QCOMPARE(f->arch(), std::string_view("gemma3"));
        QCOMPARE(f->tensors().size(), size_t(236));
        QCOMPARE(f->keys().size(), size_t(33));
        QCOMPARE(f->alignment(), 32u);
        QCOMPARE(f->u32("gemma3.block_count"), std::optional<uint32_t>(18));
        QCOMPARE(f->u32("gemma3.embedding_length"), std::optional<uint32_t>(640));
        QCOMPARE(f->u32("gemma3.attention.sliding_window"), std::optional<uint32_t>(512));
        QCOMPARE(f->f32("gemma3.rope.freq_base"), std::optional<float>(1000000.f));
        QCOMPARE(f->u32("general.file_type"), std::optional<uint32_t>(15));  // Q4_K_M
        // name, type, shape, absolute offset, bytes — from GGUFReader
        struct Fact {
            const char* name;
            gguf::GgmlType type;
            uint64_t ne0, ne1, offset, bytes;
        };
        const Fact facts[] = {
            {"token_embd.weight", gguf::GgmlType::Q8_0, 640, 262144, 6527680, 178257920},
            {"blk.0.attn_q.weight", gguf::GgmlType::Q5_0, 640, 1024, 185270464, 450560},
            {"blk.17.ffn_down.weight", gguf::GgmlType::Q6_K, 2048, 640, 250227904, 1075200},
            {"output_norm.weight", gguf::GgmlType::F32, 640, 1, 6525120, 2560},
        };
        for (const Fact& fact : facts) {
            const gguf::TensorInfo* t = f->tensor(fact.name);
            QVERIFY2(t, fact.name);
            QCOMPARE(t->type, fact.type);
            QCOMPARE(t->ne[0], fact.ne0);
            QCOMPARE(t->ne[1], fact.ne1);
            QCOMPARE(t->offset, fact.offset);
            QCOMPARE(t->bytes, fact.bytes);
            QCOMPARE(t->data.data(), f->bytes().data() + fact.offset);
        }
        auto tokens = f->array("tokenizer.ggml.tokens");
        QVERIFY(tokens);
        QCOMPARE(tokens->size(), size_t(262144));
        QCOMPARE(tokens->str(0), std::string_view("<pad>"));
        QCOMPARE(tokens->str(2), std::string_view("<bos>"));
        QCOMPARE(tokens->str(105), std::string_view("<start_of_turn>"));
        QCOMPARE(tokens->str(106), std::string_view("<end_of_turn>"));
        QCOMPARE(tokens->str(107), std::string_view("\n"));
        QVERIFY(!f->str("tokenizer.chat_template"));  // this GGUF ships without a template
    }
};

QTEST_GUILESS_MAIN(RealFileTest)
#include "realfiletest.moc"
