// Tokenizers against llama.cpp: token ids produced by llama.cpp's own tokenizer (llama-cpp-python,
// scripts/golden/text_tokens.py) and llama.cpp's shipped test vectors (ggml-vocab-*.gguf.inp/.out).
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <chrono>

#include "inference/gguf/file.h"
#include "inference/text/tokenizer.h"
#include "tests/support/testenv.h"

using namespace lantern;
using lantern::text::Tokenizer;

namespace {

Tokenizer load(const std::filesystem::path& path) {
    auto file = gguf::File::open(path);
    if (!file) qFatal("%s: %s", path.c_str(), file.error().detail.c_str());
    auto vocab = text::loadVocab(*file);
    if (!vocab) qFatal("%s: %s", path.c_str(), vocab.error().detail.c_str());
    auto tok = Tokenizer::create(std::make_shared<text::Vocab>(std::move(*vocab)));
    if (!tok) qFatal("%s: %s", path.c_str(), tok.error().detail.c_str());
    return std::move(*tok);
}

Tokenizer& gemma() {
    static Tokenizer t = load(test::requireModel("gemma-3-270m-q4_k_m.gguf"));
    return t;
}
Tokenizer& qwen2() {
    static Tokenizer t = load(test::dataDir() / "text/ggml-vocab-qwen2.gguf");
    return t;
}
Tokenizer& llamaBpe() {
    static Tokenizer t = load(test::dataDir() / "text/ggml-vocab-llama-bpe.gguf");
    return t;
}

QString show(const std::vector<int32_t>& ids) {
    QStringList s;
    for (int32_t id : ids) s << QString::number(id);
    return s.join(' ');
}

// Every case of tokens-<name>.json: ids and llama.cpp's detokenization.
void checkGolden(Tokenizer& tok, const char* name) {
    QFile f(QString::fromStdString((test::dataDir() / "text" / (std::string("tokens-") + name + ".json")).string()));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonArray cases = QJsonDocument::fromJson(f.readAll()).object()["cases"].toArray();
    QVERIFY(cases.size() > 20);
    for (const QJsonValue& c : cases) {
        const QJsonObject o = c.toObject();
        const std::string text = o["text"].toString().toStdString();
        std::vector<int32_t> expected;
        for (const QJsonValue& id : o["ids"].toArray()) expected.push_back(id.toInt());
        const auto ids = tok.encode(text, o["parseSpecial"].toBool(), o["addSpecial"].toBool());
        QVERIFY2(ids == expected, qPrintable(QString("%1 \"%2\" special=%3\n got      %4\n expected %5")
                                                 .arg(name, o["text"].toString())
                                                 .arg(o["parseSpecial"].toBool())
                                                 .arg(show(ids), show(expected))));
        QCOMPARE(QString::fromStdString(tok.decode(ids)), o["decoded"].toString());
    }
}

// llama.cpp's test vectors: inputs separated by "\n__ggml_vocab_test__\n", one line of ids each.
void checkVocabTests(Tokenizer& tok, const char* vocabFile) {
    const auto base = test::dataDir() / "text" / vocabFile;
    QFile inp(QString::fromStdString(base.string() + ".inp"));
    QFile out(QString::fromStdString(base.string() + ".out"));
    QVERIFY(inp.open(QIODevice::ReadOnly) && out.open(QIODevice::ReadOnly));
    const std::string all = inp.readAll().toStdString();
    std::vector<std::string> inputs;
    const std::string sep = "\n__ggml_vocab_test__\n";
    for (size_t pos = 0; pos < all.size();) {
        const size_t hit = all.find(sep, pos);
        if (hit == std::string::npos) break;
        inputs.push_back(all.substr(pos, hit - pos));
        pos = hit + sep.size();
    }
    const QStringList lines = QString::fromUtf8(out.readAll()).split('\n');
    QVERIFY(inputs.size() > 30);
    QVERIFY(size_t(lines.size()) >= inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
        std::vector<int32_t> expected;
        for (const QString& s : lines[int(i)].split(' ', Qt::SkipEmptyParts)) expected.push_back(s.toInt());
        const auto ids = tok.encode(inputs[i], false, false);
        QVERIFY2(ids == expected, qPrintable(QString("%1 #%2 \"%3\"\n got      %4\n expected %5")
                                                 .arg(vocabFile).arg(i).arg(QString::fromStdString(inputs[i]))
                                                 .arg(show(ids), show(expected))));
    }
}

}  // namespace

class TokenizerTest : public QObject {
    Q_OBJECT
private slots:
    void gemmaMatchesLlamaCpp() { checkGolden(gemma(), "gemma3"); }
    void qwen2MatchesLlamaCpp() { checkGolden(qwen2(), "qwen2"); }
    void llamaBpeMatchesLlamaCpp() { checkGolden(llamaBpe(), "llama-bpe"); }
    void qwen2VocabTests() { checkVocabTests(qwen2(), "ggml-vocab-qwen2.gguf"); }
    void llamaBpeVocabTests() { checkVocabTests(llamaBpe(), "ggml-vocab-llama-bpe.gguf"); }

    // A user who types a control token gets text, never the token: only the rendered template is
    // encoded with parseSpecial.
    void typedControlTokensStayText() {
        struct Case { Tokenizer* tok; const char* special; };
        for (auto [tok, special] : {Case{&gemma(), "<end_of_turn>"}, Case{&qwen2(), "<|im_end|>"},
                                    Case{&llamaBpe(), "<|eot_id|>"}}) {
            const int32_t id = tok->vocab().find(special);
            QVERIFY(id >= 0);
            QVERIFY(tok->vocab().isEndOfGeneration(id));
            const std::string text = std::string("bye ") + special + " now";
            const auto asText = tok->encode(text, false);
            QVERIFY(std::find(asText.begin(), asText.end(), id) == asText.end());
            QCOMPARE(tok->decode(asText), text);
            const auto asSpecial = tok->encode(text, true);
            QCOMPARE(std::count(asSpecial.begin(), asSpecial.end(), id), 1);
            QCOMPARE(tok->decode(asSpecial), std::string("bye  now"));  // control tokens print nothing
            QCOMPARE(tok->decode(asSpecial, true), text);
        }
    }

    void specialIdsOfGemma() {
        const auto& v = gemma().vocab();
        QCOMPARE(v.bos, 2);
        QCOMPARE(v.eos, 1);
        QVERIFY(v.isEndOfGeneration(v.find("<end_of_turn>")));
        QVERIFY(!v.isEndOfGeneration(v.find("<start_of_turn>")));
        QCOMPARE(v.model, text::VocabModel::Spm);
        QVERIFY(!v.addSpacePrefix);
    }

    void encodeSpeed() {
        // A long conversation: ~40 KB of mixed text, encoded as a rendered template would be.
        std::string text;
        for (int i = 0; i < 200; ++i) {
            text += "<start_of_turn>user\nThe quick brown fox, 12345 times; 你好世界 😀 def f(x): return x\n"
                    "<end_of_turn>\n<start_of_turn>model\nSure! Here is the answer.<end_of_turn>\n";
        }
        for (auto [tok, name] : {std::pair{&gemma(), "gemma3"}, std::pair{&qwen2(), "qwen2"}}) {
            const auto t0 = std::chrono::steady_clock::now();
            const auto ids = tok->encode(text, true);
            const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            qInfo("%s: %zu bytes -> %zu tokens in %.1f ms", name, text.size(), ids.size(), ms);
            QVERIFY(ids.size() > 4000);
            QVERIFY2(ms < 2000, "tokenizing a long conversation must not stall the first token");
        }
    }

    void bytesRoundTrip() {
        // Arbitrary bytes (not valid UTF-8) survive encode/decode in both vocabulary kinds.
        std::string bytes;
        for (int i = 1; i < 256; i += 3) bytes += static_cast<char>(i);
        QCOMPARE(qwen2().decode(qwen2().encode(bytes, false)), bytes);
        QCOMPARE(gemma().decode(gemma().encode(bytes, false)), bytes);
    }
};

QTEST_MAIN(TokenizerTest)
#include "tokenizertest.moc"
