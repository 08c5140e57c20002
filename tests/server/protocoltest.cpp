// The API server's OpenAI wire format (server/protocol.h): requests into GenerateOptions, with every refusal
// naming its field; replies and chunks read back with Qt's JSON parser (an independent one) and checked
// against the shapes OpenAI documents and its Python client reads.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "server/protocol.h"

using namespace lantern;
using namespace lantern::server;

namespace {

QJsonObject parseJson(const std::string& s) {
    QJsonParseError e{};
    const QJsonDocument d = QJsonDocument::fromJson(QByteArray::fromStdString(s), &e);
    if (e.error != QJsonParseError::NoError || !d.isObject()) {
        qWarning("not a JSON object: %s", s.c_str());
    }
    return d.object();
}

ApiError refusal(const char* body, bool chat = true) {
    auto r = parseCompletionRequest(body, chat);
    if (r) {
        qWarning("accepted: %s", body);
        return {};
    }
    return r.error();
}

}  // namespace

class ProtocolTest : public QObject {
    Q_OBJECT
private slots:
    void chatRequestFields() {
        auto r = parseCompletionRequest(
            R"({"model":"m","messages":[{"role":"developer","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi "},{"type":"text","text":"there"}]},{"role":"assistant","content":"Hello"},{"role":"user","content":"Again"}],
                "stream":true,"stream_options":{"include_usage":true},"max_tokens":50,"max_completion_tokens":7,
                "temperature":0,"top_p":0.5,"seed":42,"stop":["\n\n","END"],"frequency_penalty":0.5,"presence_penalty":-1,
                "user":"ignored","store":false,"n":1,"tools":[],"logprobs":false})",
            true);
        QVERIFY2(r.has_value(), r ? "" : r.error().message.c_str());
        QCOMPARE(r->model, std::string("m"));
        QCOMPARE(r->messages.size(), size_t(4));
        QCOMPARE(r->messages[0].role, std::string("system"));  // developer = system
        QCOMPARE(r->messages[1].content, std::string("Hi there"));
        QVERIFY(r->stream && r->includeUsage);
        QCOMPARE(r->options.maxTokens, 7);  // max_completion_tokens wins
        QCOMPARE(r->options.sampling.temperature, 0.0f);
        QCOMPARE(r->options.sampling.topP, 0.5f);
        QCOMPARE(r->options.sampling.seed, uint64_t(42));
        QCOMPARE(r->options.sampling.frequencyPenalty, 0.5f);
        QCOMPARE(r->options.sampling.presencePenalty, -1.0f);
        QCOMPARE(r->options.stop, (std::vector<std::string>{"\n\n", "END"}));
        QVERIFY(!r->options.rawPrompt);
    }

    void defaultsAndCompletions() {
        auto r = parseCompletionRequest(R"({"messages":[{"role":"user","content":"x"}],"seed":0,"stop":"."})", true);
        QVERIFY(r.has_value());
        const SamplingParams defaults;
        QCOMPARE(r->options.sampling.temperature, defaults.temperature);  // Lantern's defaults for what is left out
        QCOMPARE(r->options.sampling.topK, defaults.topK);
        QCOMPARE(r->options.maxTokens, -1);
        QVERIFY(r->options.sampling.seed != 0);  // seed 0 is a seed, not the engine's "random"
        QCOMPARE(r->options.stop, std::vector<std::string>{"."});
        QVERIFY(!r->stream);
        auto c = parseCompletionRequest(R"({"prompt":"Once upon","max_tokens":3,"top_k":5,"min_p":0.1})", false);
        QVERIFY(c.has_value());
        QVERIFY(c->options.rawPrompt);
        QCOMPARE(c->messages.size(), size_t(1));
        QCOMPARE(c->messages[0].content, std::string("Once upon"));
        QCOMPARE(c->options.sampling.topK, 5);
        QCOMPARE(c->options.sampling.minP, 0.1f);
    }

    void refusalsNameTheField() {
        const struct {
            const char* body;
            const char* param;
        } cases[] = {
            {R"({"messages":[{"role":"user","content":"x"}],"n":2})", "n"},
            {R"({"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function"}]})", "tools"},
            {R"({"messages":[{"role":"user","content":"x"}],"tool_choice":"auto"})", "tool_choice"},
            {R"({"messages":[{"role":"user","content":"x"}],"logprobs":true})", "logprobs"},
            {R"({"messages":[{"role":"user","content":"x"}],"logit_bias":{"50256":-100}})", "logit_bias"},
            {R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}})", "response_format.type"},
            {R"({"messages":[{"role":"user","content":"x"}],"temperature":3})", "temperature"},
            {R"({"messages":[{"role":"user","content":"x"}],"top_p":"high"})", "top_p"},
            {R"({"messages":[{"role":"user","content":"x"}],"max_tokens":0})", "max_tokens"},
            {R"({"messages":[{"role":"user","content":"x"}],"stop":["a","b","c","d","e"]})", "stop"},
            {R"({"messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}})", "stream_options"},
            {R"({"messages":[{"role":"user","content":"x"}],"seed":1.5})", "seed"},
            {R"({"messages":[]})", "messages"},
            {R"({"messages":[{"role":"tool","content":"x"}]})", "messages[0].role"},
            {R"({"messages":[{"role":"user"}]})", "messages[0].content"},
            {R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]})", "messages[0].content[0].type"},
            {R"({"messages":[{"role":"user","content":"x"},{"role":"assistant","content":null,"tool_calls":[{}]}]})", "messages[1].tool_calls"},
            {R"({"model":5,"messages":[{"role":"user","content":"x"}]})", "model"},
        };
        for (const auto& c : cases) {
            const ApiError e = refusal(c.body);
            QCOMPARE(e.status, 400);
            QVERIFY2(e.param == c.param, qPrintable(QString("%1: param '%2'").arg(c.body, QString::fromStdString(e.param))));
            QVERIFY(!e.message.empty());
        }
        QCOMPARE(refusal(R"({"prompt":["a","b"]})", false).param, std::string("prompt"));
        const ApiError json = refusal("{\"messages\": [");
        QCOMPARE(json.code, std::string("invalid_json"));
        QVERIFY(json.message.find("byte") != std::string::npos);
        QCOMPARE(refusal("[1,2]").status, 400);
    }

    void replyShapes() {
        const ReplyIds ids{"chatcmpl-1", 1700000000, "gemma"};
        GenerateStats stats;
        stats.promptTokens = 10;
        stats.generatedTokens = 3;
        stats.reusedTokens = 4;
        stats.stopReason = "max-tokens";
        const QJsonObject full = parseJson(completionJson(ids, true, "Paris \"x\"\n", stats));
        QCOMPARE(full["object"].toString(), QString("chat.completion"));
        QCOMPARE(full["id"].toString(), QString("chatcmpl-1"));
        const QJsonObject choice = full["choices"].toArray()[0].toObject();
        QCOMPARE(choice["message"].toObject()["role"].toString(), QString("assistant"));
        QCOMPARE(choice["message"].toObject()["content"].toString(), QString("Paris \"x\"\n"));
        QCOMPARE(choice["finish_reason"].toString(), QString("length"));
        QCOMPARE(full["usage"].toObject()["total_tokens"].toInt(), 13);
        QCOMPARE(full["usage"].toObject()["prompt_tokens_details"].toObject()["cached_tokens"].toInt(), 4);

        const QJsonObject first = parseJson(chunkJson(ids, true, "", true, nullptr));
        QCOMPARE(first["object"].toString(), QString("chat.completion.chunk"));
        const QJsonObject delta = first["choices"].toArray()[0].toObject()["delta"].toObject();
        QCOMPARE(delta["role"].toString(), QString("assistant"));
        QVERIFY(first["choices"].toArray()[0].toObject()["finish_reason"].isNull());
        QVERIFY(first["usage"].isNull());
        const QJsonObject last = parseJson(chunkJson(ids, true, "", false, finishReason("eos")));
        QCOMPARE(last["choices"].toArray()[0].toObject()["finish_reason"].toString(), QString("stop"));
        QVERIFY(last["choices"].toArray()[0].toObject()["delta"].toObject().isEmpty());
        const QJsonObject usage = parseJson(usageChunkJson(ids, true, stats));
        QVERIFY(usage["choices"].toArray().isEmpty());
        QCOMPARE(usage["usage"].toObject()["completion_tokens"].toInt(), 3);

        const QJsonObject text = parseJson(chunkJson({"cmpl-2", 1, "g"}, false, "abc", false, nullptr));
        QCOMPARE(text["object"].toString(), QString("text_completion"));
        QCOMPARE(text["choices"].toArray()[0].toObject()["text"].toString(), QString("abc"));

        const QJsonObject err = parseJson(errorJson({404, "gone", "invalid_request_error", "model", "model_not_found"}));
        QCOMPARE(err["error"].toObject()["code"].toString(), QString("model_not_found"));
        QCOMPARE(err["error"].toObject()["param"].toString(), QString("model"));
        QVERIFY(parseJson(errorJson({400, "x", "invalid_request_error", "", ""}))["error"].toObject()["param"].isNull());

        const QJsonObject models = parseJson(modelsJson({"gemma-3-270m-q4_k_m"}, 5));
        QCOMPARE(models["object"].toString(), QString("list"));
        QCOMPARE(models["data"].toArray()[0].toObject()["id"].toString(), QString("gemma-3-270m-q4_k_m"));
        QCOMPARE(modelIdFor("/models/Qwen3-8B-Q4_K_M.gguf"), std::string("Qwen3-8B-Q4_K_M"));
        QCOMPARE(QString(finishReason("stop-string")), QString("stop"));
        QCOMPARE(QString(finishReason("context")), QString("length"));
    }
};

QTEST_MAIN(ProtocolTest)
#include "protocoltest.moc"
