#include "inference/models/prompt.h"

#include "inference/gguf/file.h"
#include "inference/text/vocab.h"

namespace lantern::models {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) {
        return {};
    }
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// Gemma 3's official turn format: the system prompt is folded into the first user turn; the assistant
// is called "model"; contents are trimmed.
std::string renderGemma(const std::vector<ChatMessage>& messages, bool addGenerationPrompt, const std::string& bos) {
    std::string out = bos;
    std::string prefix;
    size_t first = 0;
    if (!messages.empty() && messages[0].role == "system") {
        prefix = trim(messages[0].content) + "\n\n";
        first = 1;
    }
    for (size_t i = first; i < messages.size(); ++i) {
        const ChatMessage& m = messages[i];
        const std::string role = m.role == "assistant" ? "model" : m.role;
        out += "<start_of_turn>" + role + "\n" + (i == first ? prefix : std::string()) + trim(m.content) +
               "<end_of_turn>\n";
    }
    if (addGenerationPrompt) {
        out += "<start_of_turn>model\n";
    }
    return out;
}

std::string renderChatMl(const std::vector<ChatMessage>& messages, bool addGenerationPrompt) {
    std::string out;
    for (const ChatMessage& m : messages) {
        out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
    }
    if (addGenerationPrompt) {
        out += "<|im_start|>assistant\n";
    }
    return out;
}

std::string renderLlama3(const std::vector<ChatMessage>& messages, bool addGenerationPrompt, const std::string& bos) {
    std::string out = bos;
    for (const ChatMessage& m : messages) {
        out += "<|start_header_id|>" + m.role + "<|end_header_id|>\n\n" + trim(m.content) + "<|eot_id|>";
    }
    if (addGenerationPrompt) {
        out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
    }
    return out;
}

}  // namespace

Result<PromptFormat> PromptFormat::fromFile(const gguf::File& file, const text::Vocab& vocab) {
    PromptFormat p;
    if (vocab.bos >= 0 && size_t(vocab.bos) < vocab.size()) {
        p.m_bos = vocab.text(vocab.bos);
    }
    if (vocab.eos >= 0 && size_t(vocab.eos) < vocab.size()) {
        p.m_eos = vocab.text(vocab.eos);
    }
    p.m_template = std::string(file.str("tokenizer.chat_template").value_or(""));
    const std::string arch(file.arch());
    const std::string& t = p.m_template;
    if (t.find("<start_of_turn>") != std::string::npos || (t.empty() && arch.starts_with("gemma"))) {
        p.m_builtin = Builtin::Gemma;
    } else if (t.find("<|start_header_id|>") != std::string::npos || (t.empty() && arch == "llama")) {
        p.m_builtin = Builtin::Llama3;
    } else {
        p.m_builtin = Builtin::ChatMl;
    }
    return p;
}

Result<std::string> PromptFormat::render(const std::vector<ChatMessage>& messages, bool addGenerationPrompt,
                                         bool /*enableThinking*/) const {
    switch (m_builtin) {
    case Builtin::Gemma: return renderGemma(messages, addGenerationPrompt, m_bos);
    case Builtin::Llama3: return renderLlama3(messages, addGenerationPrompt, m_bos);
    case Builtin::ChatMl:
    case Builtin::None: break;
    }
    return renderChatMl(messages, addGenerationPrompt);
}

}  // namespace lantern::models
