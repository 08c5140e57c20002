#include <cmath>
#include <string_view>

#include "server/protocol.h"
#include "tests/fuzz/entries.h"

namespace lantern::fuzz {

bool runServerRequest(const uint8_t* data, size_t size) {
    if (size == 0) {
        return false;
    }
    const bool chat = (data[0] & 1) == 0;
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    auto request = server::parseCompletionRequest(body, chat);
    if (!request) {
        const server::ApiError& e = request.error();
        if (e.status < 400 || e.status > 499 || e.message.empty()) {
            LANTERN_FUZZ_FAIL("a bad body is the client's error (4xx), said in a sentence");
        }
        if (server::errorJson(e).find("\"message\"") == std::string::npos) {
            LANTERN_FUZZ_FAIL("see this line");
        }
        return false;
    }
    if (request->chat != chat || request->messages.empty()) {
        LANTERN_FUZZ_FAIL("an accepted request has something to answer");
    }
    const auto& s = request->options.sampling;
    if (!(s.temperature >= 0) || !std::isfinite(s.temperature) || !std::isfinite(s.topP) ||
        !std::isfinite(s.minP) || !std::isfinite(s.repeatPenalty) || !std::isfinite(s.presencePenalty) ||
        !std::isfinite(s.frequencyPenalty)) {
        LANTERN_FUZZ_FAIL("sampling options are numbers the sampler can use");
    }
    return true;
}

}  // namespace lantern::fuzz
