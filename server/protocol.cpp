// OpenAI's request and reply JSON (protocol.h).
#include "server/protocol.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <filesystem>

namespace lantern::server {

namespace {

using Value = rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::unexpected<ApiError> bad(std::string param, std::string message, std::string code = {}) {
    return std::unexpected(ApiError{400, std::move(message), "invalid_request_error", std::move(param), std::move(code)});
}

// A number field in [lo, hi]; absent or null leaves `out` alone.
std::expected<void, ApiError> number(const Value& o, const char* name, double lo, double hi, float& out) {
    const auto it = o.FindMember(name);
    if (it == o.MemberEnd() || it->value.IsNull()) {
        return {};
    }
    if (!it->value.IsNumber() || !std::isfinite(it->value.GetDouble())) {
        return bad(name, std::string("'") + name + "' must be a number.");
    }
    const double v = it->value.GetDouble();
    if (v < lo || v > hi) {
        return bad(name, std::string("'") + name + "' must be between " + std::to_string(lo).substr(0, 4) + " and " +
                             std::to_string(hi).substr(0, 4) + ", not " + std::to_string(v) + ".");
    }
    out = float(v);
    return {};
}

// Fields that would change the answer's shape or meaning: refused by name until implemented.
std::expected<void, ApiError> refuseUnsupported(const Value& o) {
    if (const auto it = o.FindMember("n"); it != o.MemberEnd() && !it->value.IsNull()) {
        if (!it->value.IsInt() || it->value.GetInt() != 1) {
            return bad("n", "Only n = 1 is supported: Lantern generates one choice per request.");
        }
    }
    for (const char* name : {"tools", "functions", "logit_bias"}) {
        const auto it = o.FindMember(name);
        if (it != o.MemberEnd() && !it->value.IsNull() &&
            !((it->value.IsArray() && it->value.Empty()) || (it->value.IsObject() && it->value.ObjectEmpty()))) {
            return bad(name, std::string("'") + name + "' is not supported by Lantern's server.");
        }
    }
    for (const char* name : {"tool_choice", "function_call"}) {
        const auto it = o.FindMember(name);
        if (it != o.MemberEnd() && !it->value.IsNull() && !(it->value.IsString() && it->value.GetString() == std::string("none"))) {
            return bad(name, std::string("'") + name + "' is not supported by Lantern's server (no tools).");
        }
    }
    for (const char* name : {"logprobs", "echo"}) {
        const auto it = o.FindMember(name);
        if (it != o.MemberEnd() && !it->value.IsNull() && !(it->value.IsBool() && !it->value.GetBool()) &&
            !(it->value.IsInt() && it->value.GetInt() == 0)) {
            return bad(name, std::string("'") + name + "' is not supported by Lantern's server.");
        }
    }
    for (const char* name : {"top_logprobs", "best_of", "suffix", "audio", "modalities", "prediction"}) {
        const auto it = o.FindMember(name);
        if (it != o.MemberEnd() && !it->value.IsNull()) {
            if (std::string(name) == "best_of" && it->value.IsInt() && it->value.GetInt() == 1) {
                continue;
            }
            if (std::string(name) == "modalities" && it->value.IsArray() && it->value.Size() == 1 &&
                it->value[0].IsString() && it->value[0].GetString() == std::string("text")) {
                continue;
            }
            return bad(name, std::string("'") + name + "' is not supported by Lantern's server.");
        }
    }
    if (const auto it = o.FindMember("response_format"); it != o.MemberEnd() && !it->value.IsNull()) {
        const Value& f = it->value;
        const auto type = f.IsObject() ? f.FindMember("type") : f.MemberEnd();
        if (!f.IsObject() || type == f.MemberEnd() || !type->value.IsString()) {
            return bad("response_format", "'response_format' must be an object with a 'type'.");
        }
        if (type->value.GetString() != std::string("text")) {
            return bad("response_format.type", std::string("response_format type '") + type->value.GetString() +
                                                   "' is not supported: Lantern's sampler cannot constrain output to "
                                                   "JSON yet; only 'text'.");
        }
    }
    return {};
}

std::expected<std::string, ApiError> messageContent(const Value& content, const std::string& where) {
    if (content.IsString()) {
        return std::string(content.GetString(), content.GetStringLength());
    }
    if (content.IsNull()) {
        return std::string();
    }
    if (!content.IsArray()) {
        return bad(where, "'" + where + "' must be a string or an array of text parts.");
    }
    std::string text;
    for (rapidjson::SizeType j = 0; j < content.Size(); ++j) {
        const Value& part = content[j];
        const std::string at = where + "[" + std::to_string(j) + "]";
        const auto type = part.IsObject() ? part.FindMember("type") : part.MemberEnd();
        if (type == part.MemberEnd() || !type->value.IsString()) {
            return bad(at + ".type", "'" + at + "' must be an object with a 'type'.");
        }
        if (type->value.GetString() != std::string("text")) {
            return bad(at + ".type", std::string("content parts of type '") + type->value.GetString() +
                                         "' are not supported; only 'text'.");
        }
        const auto t = part.FindMember("text");
        if (t == part.MemberEnd() || !t->value.IsString()) {
            return bad(at + ".text", "'" + at + ".text' must be a string.");
        }
        text.append(t->value.GetString(), t->value.GetStringLength());
    }
    return text;
}

std::expected<void, ApiError> parseMessages(const Value& o, std::vector<ChatMessage>& out) {
    const auto it = o.FindMember("messages");
    if (it == o.MemberEnd() || !it->value.IsArray()) {
        return bad("messages", "'messages' is required and must be an array.");
    }
    if (it->value.Empty()) {
        return bad("messages", "'messages' must contain at least one message.");
    }
    for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
        const Value& m = it->value[i];
        const std::string at = "messages[" + std::to_string(i) + "]";
        if (!m.IsObject()) {
            return bad(at, "'" + at + "' must be an object.");
        }
        const auto role = m.FindMember("role");
        if (role == m.MemberEnd() || !role->value.IsString()) {
            return bad(at + ".role", "'" + at + ".role' is required.");
        }
        std::string r = role->value.GetString();
        if (r == "developer") {
            r = "system";
        }
        if (r != "system" && r != "user" && r != "assistant") {
            return bad(at + ".role", "role '" + r + "' is not supported; use system, developer, user or assistant.");
        }
        if (const auto calls = m.FindMember("tool_calls");
            calls != m.MemberEnd() && calls->value.IsArray() && !calls->value.Empty()) {
            return bad(at + ".tool_calls", "tool calls are not supported by Lantern's server.");
        }
        const auto content = m.FindMember("content");
        if (content == m.MemberEnd()) {
            return bad(at + ".content", "'" + at + ".content' is required.");
        }
        auto text = messageContent(content->value, at + ".content");
        if (!text) {
            return std::unexpected(text.error());
        }
        out.push_back({std::move(r), std::move(*text)});
    }
    return {};
}

std::expected<void, ApiError> parseStop(const Value& o, std::vector<std::string>& out) {
    const auto it = o.FindMember("stop");
    if (it == o.MemberEnd() || it->value.IsNull()) {
        return {};
    }
    if (it->value.IsString()) {
        if (it->value.GetStringLength() > 0) {
            out.emplace_back(it->value.GetString(), it->value.GetStringLength());
        }
        return {};
    }
    if (!it->value.IsArray() || it->value.Size() > 4) {
        return bad("stop", "'stop' must be a string or an array of at most 4 strings.");
    }
    for (const Value& s : it->value.GetArray()) {
        if (!s.IsString()) {
            return bad("stop", "'stop' must be a string or an array of at most 4 strings.");
        }
        if (s.GetStringLength() > 0) {
            out.emplace_back(s.GetString(), s.GetStringLength());
        }
    }
    return {};
}

void writeUsage(Writer& w, const GenerateStats& s) {
    w.Key("usage");
    w.StartObject();
    w.Key("prompt_tokens");
    w.Uint(s.promptTokens);
    w.Key("completion_tokens");
    w.Uint(s.generatedTokens);
    w.Key("total_tokens");
    w.Uint(s.promptTokens + s.generatedTokens);
    w.Key("prompt_tokens_details");
    w.StartObject();
    w.Key("cached_tokens");
    w.Uint(s.reusedTokens);
    w.EndObject();
    w.EndObject();
}

void writeHead(Writer& w, const ReplyIds& ids, const char* object) {
    w.Key("id");
    w.String(ids.id.c_str(), rapidjson::SizeType(ids.id.size()));
    w.Key("object");
    w.String(object);
    w.Key("created");
    w.Int64(ids.created);
    w.Key("model");
    w.String(ids.model.c_str(), rapidjson::SizeType(ids.model.size()));
    w.Key("system_fingerprint");
    w.String("lantern");
}

void str(Writer& w, std::string_view s) { w.String(s.data(), rapidjson::SizeType(s.size())); }

// The one choice of a reply: chat carries `body` ("message" whole, "delta" streamed) with the role and the
// content; a completion carries `text`. finish = null while a stream goes on.
void writeChoice(Writer& w, bool chat, const char* body, std::string_view text, bool withRole, bool withContent,
                 const char* finish) {
    w.Key("choices");
    w.StartArray();
    w.StartObject();
    w.Key("index");
    w.Int(0);
    if (chat) {
        w.Key(body);
        w.StartObject();
        if (withRole) {
            w.Key("role");
            w.String("assistant");
        }
        if (withContent) {
            w.Key("content");
            str(w, text);
        }
        w.EndObject();
    } else {
        w.Key("text");
        str(w, text);
    }
    w.Key("logprobs");
    w.Null();
    w.Key("finish_reason");
    finish != nullptr ? w.String(finish) : w.Null();
    w.EndObject();
    w.EndArray();
}

}  // namespace

std::expected<CompletionRequest, ApiError> parseCompletionRequest(std::string_view body, bool chat) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (doc.HasParseError()) {
        return std::unexpected(ApiError{400,
                                        "The body is not valid JSON: " + std::string(rapidjson::GetParseError_En(doc.GetParseError())) +
                                            " (at byte " + std::to_string(doc.GetErrorOffset()) + ").",
                                        "invalid_request_error", "", "invalid_json"});
    }
    if (!doc.IsObject()) {
        return bad("", "The body must be a JSON object.");
    }
    CompletionRequest req;
    req.chat = chat;
    if (const auto it = doc.FindMember("model"); it != doc.MemberEnd() && !it->value.IsNull()) {
        if (!it->value.IsString()) {
            return bad("model", "'model' must be a string.");
        }
        req.model = it->value.GetString();
    }
    if (auto r = refuseUnsupported(doc); !r) {
        return std::unexpected(r.error());
    }
    if (chat) {
        if (auto r = parseMessages(doc, req.messages); !r) {
            return std::unexpected(r.error());
        }
    } else {
        const auto it = doc.FindMember("prompt");
        if (it == doc.MemberEnd() || !it->value.IsString()) {
            return bad("prompt", "'prompt' is required and must be a string (token arrays and batches are not supported).");
        }
        req.messages.push_back({"user", std::string(it->value.GetString(), it->value.GetStringLength())});
        req.options.rawPrompt = true;
    }
    if (const auto it = doc.FindMember("stream"); it != doc.MemberEnd() && !it->value.IsNull()) {
        if (!it->value.IsBool()) {
            return bad("stream", "'stream' must be true or false.");
        }
        req.stream = it->value.GetBool();
    }
    if (const auto it = doc.FindMember("stream_options"); it != doc.MemberEnd() && !it->value.IsNull()) {
        if (!it->value.IsObject()) {
            return bad("stream_options", "'stream_options' must be an object.");
        }
        if (!req.stream) {
            return bad("stream_options", "'stream_options' is only allowed when 'stream' is true.");
        }
        const auto u = it->value.FindMember("include_usage");
        req.includeUsage = u != it->value.MemberEnd() && u->value.IsBool() && u->value.GetBool();
    }
    for (const char* name : {"max_completion_tokens", "max_tokens"}) {
        const auto it = doc.FindMember(name);
        if (it == doc.MemberEnd() || it->value.IsNull()) {
            continue;
        }
        if (!it->value.IsInt64() || it->value.GetInt64() < 1 || it->value.GetInt64() > (int64_t(1) << 30)) {
            return bad(name, std::string("'") + name + "' must be a positive integer.");
        }
        req.options.maxTokens = int32_t(it->value.GetInt64());
        break;  // max_completion_tokens wins
    }
    SamplingParams& s = req.options.sampling;
    float topK = float(s.topK), penaltyN = float(s.penaltyLastN);
    for (const auto& [name, lo, hi, out] : {std::tuple{"temperature", 0.0, 2.0, &s.temperature}, {"top_p", 0.0, 1.0, &s.topP},
                                            {"min_p", 0.0, 1.0, &s.minP}, {"frequency_penalty", -2.0, 2.0, &s.frequencyPenalty},
                                            {"presence_penalty", -2.0, 2.0, &s.presencePenalty},
                                            {"repeat_penalty", 0.0, 10.0, &s.repeatPenalty}, {"top_k", 0.0, 1e6, &topK},
                                            {"repeat_last_n", 0.0, 1e6, &penaltyN}}) {
        if (auto r = number(doc, name, lo, hi, *out); !r) {
            return std::unexpected(r.error());
        }
    }
    s.topK = int32_t(topK);
    s.penaltyLastN = int32_t(penaltyN);
    if (const auto it = doc.FindMember("seed"); it != doc.MemberEnd() && !it->value.IsNull()) {
        if (!it->value.IsInt64() && !it->value.IsUint64()) {
            return bad("seed", "'seed' must be an integer.");
        }
        const uint64_t seed = it->value.IsUint64() ? it->value.GetUint64() : uint64_t(it->value.GetInt64());
        s.seed = seed == 0 ? 0x9E3779B97F4A7C15ull : seed;  // the engine's 0 means "random"
    }
    if (auto r = parseStop(doc, req.options.stop); !r) {
        return std::unexpected(r.error());
    }
    return req;
}

const char* finishReason(const std::string& stopReason) {
    return stopReason == "max-tokens" || stopReason == "context" ? "length" : "stop";
}

std::string errorJson(const ApiError& e) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    w.Key("error");
    w.StartObject();
    w.Key("message");
    str(w, e.message);
    w.Key("type");
    str(w, e.type);
    w.Key("param");
    e.param.empty() ? w.Null() : w.String(e.param.c_str(), rapidjson::SizeType(e.param.size()));
    w.Key("code");
    e.code.empty() ? w.Null() : w.String(e.code.c_str(), rapidjson::SizeType(e.code.size()));
    w.EndObject();
    w.EndObject();
    return buf.GetString();
}

std::string completionJson(const ReplyIds& ids, bool chat, const std::string& text, const GenerateStats& stats) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    writeHead(w, ids, chat ? "chat.completion" : "text_completion");
    writeChoice(w, chat, "message", text, true, true, finishReason(stats.stopReason));
    writeUsage(w, stats);
    w.EndObject();
    return buf.GetString();
}

std::string chunkJson(const ReplyIds& ids, bool chat, std::string_view text, bool withRole, const char* finish) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    writeHead(w, ids, chat ? "chat.completion.chunk" : "text_completion");
    writeChoice(w, chat, "delta", text, withRole, !text.empty() || withRole, finish);
    w.Key("usage");
    w.Null();
    w.EndObject();
    return buf.GetString();
}

std::string usageChunkJson(const ReplyIds& ids, bool chat, const GenerateStats& stats) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    writeHead(w, ids, chat ? "chat.completion.chunk" : "text_completion");
    w.Key("choices");
    w.StartArray();
    w.EndArray();
    writeUsage(w, stats);
    w.EndObject();
    return buf.GetString();
}

std::string modelsJson(const std::vector<std::string>& ids, int64_t created) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    w.Key("object");
    w.String("list");
    w.Key("data");
    w.StartArray();
    for (const std::string& id : ids) {
        w.StartObject();
        w.Key("id");
        str(w, id);
        w.Key("object");
        w.String("model");
        w.Key("created");
        w.Int64(created);
        w.Key("owned_by");
        w.String("lantern");
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return buf.GetString();
}

std::string modelIdFor(const std::string& path) {
    std::string name = std::filesystem::path(path).filename().string();
    if (name.size() > 5 && name.ends_with(".gguf")) {
        name.resize(name.size() - 5);
    }
    return name;
}

}  // namespace lantern::server
