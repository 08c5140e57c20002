#pragma once
// How a conversation becomes the model's prompt text: the GGUF's tokenizer.chat_template run by the Jinja
// interpreter in inference/text. A file without a template is either an instruction model whose template
// was lost in conversion (general.finetune or the name says "it", "instruct", "chat": the family's
// built-in template) or a base model, which has never seen turn markers: it gets a plain transcript
// ("User: ... / Assistant: ...") that base models continue sensibly, with stop strings that end the
// answer when the model starts writing the next turn. The default Gemma 3 270M file is such a base model.
#include <string>
#include <vector>

#include "base/error.h"
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
    bool hasThinkingSwitch() const { return !m_transcript && m_template.hasThinkingSwitch(); }
    // A base model's plain transcript (no chat template in the file).
    bool isTranscript() const { return m_transcript; }
    // Strings that end an answer besides the end-of-turn tokens (the transcript's next-turn markers).
    const std::vector<std::string>& stopStrings() const { return m_stops; }

    // The transcript rendering on its own (tests, and `lantern-cli info`).
    static std::string renderTranscript(const std::vector<ChatMessage>& messages, bool addGenerationPrompt);
    static const std::vector<std::string>& transcriptStops();

private:
    PromptFormat(text::ChatTemplate t) : m_template(std::move(t)) {}
    text::ChatTemplate m_template;
    bool m_transcript = false;
    std::vector<std::string> m_stops;
    std::string m_bos;
    std::string m_eos;
};

}  // namespace lantern::models
