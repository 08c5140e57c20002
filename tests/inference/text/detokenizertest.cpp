// Streaming detokenization: fed one id at a time, the pieces must join to llama.cpp's detokenization
// of the whole sequence (tokens-*.json, from llama.cpp), and every piece must be whole UTF-8.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>
#include <QtTest>

#include "inference/gguf/file.h"
#include "inference/text/detokenizer.h"
#include "tests/support/testenv.h"

using namespace lantern;
using namespace lantern::text;

namespace {

Tokenizer load(const std::filesystem::path& path) {
    auto file = gguf::File::open(path);
    if (!file) qFatal("%s: %s", path.c_str(), file.error().detail.c_str());
    auto vocab = loadVocab(*file);
    if (!vocab) qFatal("%s", vocab.error().detail.c_str());
    auto tok = Tokenizer::create(std::make_shared<Vocab>(std::move(*vocab)));
    if (!tok) qFatal("%s", tok.error().detail.c_str());
    return std::move(*tok);
}

bool validUtf8(const std::string& s) {
    QStringDecoder d(QStringDecoder::Utf8);
    const QString decoded = d.decode(QByteArrayView(s.data(), qsizetype(s.size())));
    return !d.hasError() && decoded.toUtf8().toStdString() == s;
}

void checkStreaming(const std::filesystem::path& model, const char* golden) {
    const Tokenizer tok = load(model);
    QFile f(QString::fromStdString((test::dataDir() / "text" / golden).string()));
    QVERIFY(f.open(QIODevice::ReadOnly));
    int pieces = 0;
    int heldBack = 0;
    for (const QJsonValue& c : QJsonDocument::fromJson(f.readAll()).object()["cases"].toArray()) {
        const QJsonObject o = c.toObject();
        Detokenizer d(tok);
        std::string joined;
        for (const QJsonValue& id : o["ids"].toArray()) {
            const std::string piece = d.feed(id.toInt());
            QVERIFY2(validUtf8(piece), qPrintable(o["text"].toString()));
            heldBack += piece.empty() && !tok.tokenPiece(id.toInt()).empty();
            joined += piece;
            ++pieces;
        }
        joined += d.flush();
        QCOMPARE(QString::fromStdString(joined), o["decoded"].toString());
    }
    QVERIFY(pieces > 200);
    QVERIFY2(heldBack > 0, "the golden texts contain characters split over tokens");
}

}  // namespace

class DetokenizerTest : public QObject {
    Q_OBJECT
private slots:
    void gemmaStreamsLikeLlamaCpp() { checkStreaming(test::requireModel("gemma-3-270m-q4_k_m.gguf"), "tokens-gemma3.json"); }
    void qwen2StreamsLikeLlamaCpp() { checkStreaming(test::dataDir() / "text/ggml-vocab-qwen2.gguf", "tokens-qwen2.json"); }

    void byteFallbackIsHeldBack() {
        // Gemma spells a character it has no token for with <0xXX> byte tokens.
        const Tokenizer tok = load(test::requireModel("gemma-3-270m-q4_k_m.gguf"));
        const std::string euro = "\xE2\x82\xAC";
        std::vector<int32_t> bytes;
        for (char c : euro) bytes.push_back(tok.vocab().byteTokens[static_cast<uint8_t>(c)]);
        Detokenizer d(tok);
        QCOMPARE(d.feed(bytes[0]), std::string());
        QCOMPARE(d.feed(bytes[1]), std::string());
        QCOMPARE(d.feed(bytes[2]), euro);
        // An unfinished character at the end becomes U+FFFD instead of broken bytes.
        QCOMPARE(d.feed(bytes[0]), std::string());
        QCOMPARE(d.flush(), std::string("\xEF\xBF\xBD"));
    }

    void controlTokensPrintNothing() {
        const Tokenizer tok = load(test::dataDir() / "text/ggml-vocab-qwen2.gguf");
        Detokenizer d(tok);
        QCOMPARE(d.feed(tok.vocab().find("<|im_end|>")), std::string());
        QCOMPARE(d.feed(tok.vocab().find("<|im_start|>")), std::string());
    }

    void sanitizeReplacesMalformedSequences() {
        QCOMPARE(Detokenizer::sanitize("a\x80" "b"), std::string("a\xEF\xBF\xBD" "b"));
        QCOMPARE(Detokenizer::sanitize("\xC0\xAF"), std::string("\xEF\xBF\xBD"));  // overlong '/'
        QCOMPARE(Detokenizer::sanitize("\xED\xA0\x80"), std::string("\xEF\xBF\xBD"));  // surrogate
        QCOMPARE(Detokenizer::sanitize("ok \xF0\x9F\x98\x80"), std::string("ok \xF0\x9F\x98\x80"));
    }
};

QTEST_MAIN(DetokenizerTest)
#include "detokenizertest.moc"
