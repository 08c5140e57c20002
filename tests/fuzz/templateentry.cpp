#include <string>
#include <string_view>
#include <vector>

#include "inference/text/chattemplate.h"
#include "tests/fuzz/entries.h"

namespace lantern::fuzz {

namespace {

// Tighter than the defaults so that a mutant that loops still ends in milliseconds; the hostile-file test
// checks the defaults themselves (a looping template in a GGUF ends within a second).
constexpr text::tmpl::Limits kLimits{.maxSteps = 200'000, .maxOutput = 1u << 20, .maxDepth = 64};

constexpr char kBadUtf8[] = "bad utf-8 \xFF\xC3 and a NUL \0 end";

const std::vector<text::ChatTurn>& conversation() {
    static const std::vector<text::ChatTurn> turns = {
        {"system", "You are terse."},
        {"user", "Hi {{ not a template }} {% raise %} <|im_end|>"},
        {"assistant", "Hello. \xC3\xA9\xF0\x9F\x98\x80"},
        {"user", std::string(kBadUtf8, sizeof kBadUtf8 - 1)},
    };
    return turns;
}

}  // namespace

bool runTemplate(const uint8_t* data, size_t size) {
    const std::string_view source(reinterpret_cast<const char*>(data), size);
    auto parsed = text::ChatTemplate::parse(source, kLimits);
    if (!parsed) {
        if (parsed.error().code != Errc::TemplateError || parsed.error().detail.empty()) {
            LANTERN_FUZZ_FAIL("a syntax error is a TemplateError with a sentence");
        }
        return false;
    }
    bool rendered = false;
    for (const bool generationPrompt : {true, false}) {
        text::RenderOptions options{.addGenerationPrompt = generationPrompt,
                                    .enableThinking = generationPrompt,
                                    .bosToken = "<s>",
                                    .eosToken = "</s>"};
        auto out = parsed->render(conversation(), options);
        if (!out) {
            if (out.error().code != Errc::TemplateError || out.error().detail.empty()) {
                LANTERN_FUZZ_FAIL("see this line");
            }
            continue;
        }
        if (out->size() > kLimits.maxOutput) {
            LANTERN_FUZZ_FAIL("the output bound holds");
        }
        rendered = true;
    }
    return rendered;
}

}  // namespace lantern::fuzz
