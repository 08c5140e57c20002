#pragma once
// How a conversation becomes the model's prompt text. Uses the GGUF's tokenizer.chat_template through the
// Jinja interpreter in inference/text when the file has one, and the family's known turn format when it
// has none (the Gemma 3 270M GGUF ships without a template).
#include <string>
#include <vector>

#include "inference/core/error.h"
#include "inference/engine.h"

namespace lantern::gguf {
class File;
}
namespace lantern::text {
struct Vocab;
}

namespace lantern::models {

class PromptFormat {
public:
    enum class Builtin { None, Gemma, ChatMl, Llama3 };
    static Result<PromptFormat> fromFile(const gguf::File& file, const text::Vocab& vocab);
    Result<std::string> render(const std::vector<ChatMessage>& messages, bool addGenerationPrompt,
                               bool enableThinking) const;
    Builtin builtin() const { return m_builtin; }

private:
    Builtin m_builtin = Builtin::ChatMl;
    std::string m_template;  // the GGUF's Jinja template (empty = builtin)
    std::string m_bos;
    std::string m_eos;
};

}  // namespace lantern::models
