#pragma once
// How a conversation becomes the model's prompt text: the GGUF's tokenizer.chat_template run by the Jinja
// interpreter in inference/text, or the family's built-in template when the file has none (the Gemma 3
// 270M GGUF ships without one).
#include <string>
#include <vector>

#include "inference/core/error.h"
#include "inference/engine.h"
#include "inference/text/chattemplate.h"

namespace lantern::gguf {
class File;
}
namespace lantern::text {
struct Vocab;
}

namespace lantern::models {

class PromptFormat {
public:
    static Result<PromptFormat> fromFile(const gguf::File& file, const text::Vocab& vocab);
    Result<std::string> render(const std::vector<ChatMessage>& messages, bool addGenerationPrompt,
                               bool enableThinking) const;
    bool hasThinkingSwitch() const { return m_template.hasThinkingSwitch(); }

private:
    PromptFormat(text::ChatTemplate t) : m_template(std::move(t)) {}
    text::ChatTemplate m_template;
    std::string m_bos;
    std::string m_eos;
};

}  // namespace lantern::models
