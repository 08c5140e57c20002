#pragma once
// OpenAI's wire format for the API server: requests parsed and checked into the engine's GenerateOptions,
// replies and stream chunks written as JSON (RapidJSON). No sockets here: tested on its own.
//
// Checked as OpenAI documents it (platform.openai.com/docs/api-reference/chat): `messages` with system,
// developer (= system), user and assistant roles, content as a string or text parts; `stream`,
// `stream_options.include_usage`; `max_tokens` / `max_completion_tokens`; `temperature`, `top_p`, `seed`,
// `stop` (a string or up to 4); `frequency_penalty`, `presence_penalty`; llama.cpp's `top_k`, `min_p`,
// `repeat_penalty` too. A field Lantern does not implement (`n` > 1, `tools`, `logprobs`, JSON mode...) is a
// 400 that names it, never silently ignored; fields that change nothing (`user`, `store`, `metadata`) are.
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "inference/engine.h"

namespace lantern::server {

// An error as the API reports it: HTTP status and OpenAI's {"error": {message, type, param, code}}.
struct ApiError {
    int status = 400;
    std::string message;
    std::string type = "invalid_request_error";
    std::string param;  // the offending field ("messages[1].role"); empty = null
    std::string code;   // "model_not_found", "context_length_exceeded", ...; empty = null
};

struct CompletionRequest {
    bool chat = true;  // /v1/chat/completions; false = /v1/completions (a raw prompt, no chat template)
    std::string model;
    std::vector<ChatMessage> messages;  // /v1/completions: one message holding the prompt
    GenerateOptions options;
    bool stream = false;
    bool includeUsage = false;  // stream_options.include_usage
};

// Lantern's sampling defaults for fields a request leaves out (the app's own: SamplingParams).
std::expected<CompletionRequest, ApiError> parseCompletionRequest(std::string_view body, bool chat);

// What identifies one reply in every chunk of it.
struct ReplyIds {
    std::string id;  // "chatcmpl-..." or "cmpl-..."
    int64_t created = 0;
    std::string model;
};

// OpenAI's finish_reason for the engine's stopReason: "stop" (end of turn, a stop string) or "length".
const char* finishReason(const std::string& stopReason);

std::string errorJson(const ApiError& e);
// The whole non-streamed reply (object chat.completion / text_completion) with usage.
std::string completionJson(const ReplyIds& ids, bool chat, const std::string& text, const GenerateStats& stats);
// One stream chunk: the first of a chat stream carries the assistant role; finish = null until the last.
std::string chunkJson(const ReplyIds& ids, bool chat, std::string_view text, bool withRole, const char* finish);
// The usage chunk of stream_options.include_usage: no choices.
std::string usageChunkJson(const ReplyIds& ids, bool chat, const GenerateStats& stats);
// GET /v1/models: the loaded model (none while nothing is loaded).
std::string modelsJson(const std::vector<std::string>& ids, int64_t created);
// The model id a file is served as: its file name without ".gguf" ("gemma-3-270m-q4_k_m").
std::string modelIdFor(const std::string& path);

}  // namespace lantern::server
