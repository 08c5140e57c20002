#pragma once
// A model's chat template: turns a conversation into the exact prompt text the model was trained on.
// The template comes from tokenizer.chat_template (Jinja) or, when a GGUF has none (the Gemma 3 270M
// file), from a built-in template of the architecture's known turn format.
//   auto t = ChatTemplate::forModel(gguf chat_template or "", "gemma3");
//   auto prompt = t->render(turns, {.addGenerationPrompt = true, .bosToken = "<bos>"});
// The rendered text is then tokenized with parseSpecial = true; the user's own text never is.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "inference/text/templateinterpreter.h"
#include "inference/text/templatevalue.h"

namespace lantern::text {

struct ChatTurn {
    std::string role;     // "system", "user", "assistant" (also "tool")
    std::string content;
};

struct RenderOptions {
    bool addGenerationPrompt = true;
    std::optional<bool> enableThinking;  // passed as enable_thinking when set (Qwen3, GLM-4.5+, R1)
    std::string bosToken;                // bos_token as text ("<bos>"); empty when the vocabulary has none
    std::string eosToken;
    ValueDict extra;                     // more variables (e.g. date_string for Llama 3.1)
};

class ChatTemplate {
public:
    // Parses Jinja source; syntax errors carry line and column (Errc::TemplateError).
    static Result<ChatTemplate> parse(std::string_view source, tmpl::Limits limits = {});
    // The model's own template when it has one, else the built-in one of its architecture.
    static Result<ChatTemplate> forModel(std::string_view ggufTemplate, std::string_view architecture);
    // Built-in template source for an architecture ("gemma3" -> Gemma turns, else ChatML).
    static std::string_view builtinSource(std::string_view architecture);

    Result<std::string> render(const std::vector<ChatTurn>& turns, const RenderOptions& options) const;

    const std::string& source() const { return m_source; }
    // Whether the template reacts to enable_thinking (the UI shows a thinking switch then).
    bool hasThinkingSwitch() const { return m_source.find("enable_thinking") != std::string::npos; }

private:
    std::string m_source;
    std::shared_ptr<const tmpl::Body> m_tree;
    tmpl::Limits m_limits;
};

}  // namespace lantern::text
