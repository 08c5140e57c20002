#include "inference/models/prompt.h"

#include "inference/gguf/file.h"
#include "inference/text/vocab.h"

namespace lantern::models {

Result<PromptFormat> PromptFormat::fromFile(const gguf::File& file, const text::Vocab& vocab) {
    auto t = text::ChatTemplate::forModel(file.str("tokenizer.chat_template").value_or(""), file.arch());
    if (!t) {
        return std::unexpected(t.error());
    }
    PromptFormat p(std::move(*t));
    if (vocab.bos >= 0 && size_t(vocab.bos) < vocab.size()) {
        p.m_bos = vocab.text(vocab.bos);
    }
    if (vocab.eos >= 0 && size_t(vocab.eos) < vocab.size()) {
        p.m_eos = vocab.text(vocab.eos);
    }
    return p;
}

Result<std::string> PromptFormat::render(const std::vector<ChatMessage>& messages, bool addGenerationPrompt,
                                         bool enableThinking) const {
    std::vector<text::ChatTurn> turns;
    turns.reserve(messages.size());
    for (const ChatMessage& m : messages) {
        turns.push_back({m.role, m.content});
    }
    text::RenderOptions options;
    options.addGenerationPrompt = addGenerationPrompt;
    if (m_template.hasThinkingSwitch()) {
        options.enableThinking = enableThinking;
    }
    options.bosToken = m_bos;
    options.eosToken = m_eos;
    return m_template.render(turns, options);
}

}  // namespace lantern::models
