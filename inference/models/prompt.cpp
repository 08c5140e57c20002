#include "inference/models/prompt.h"

#include <algorithm>
#include <cctype>

#include "inference/gguf/file.h"
#include "inference/text/vocab.h"

namespace lantern::models {
namespace {

// Whether a template-less file is an instruction-tuned model: general.finetune, or a word of
// general.name, is "it", "instruct" or "chat" (as HF repository names put it: "gemma-3-270m-it").
bool looksInstructionTuned(const gguf::File& file) {
    std::string words = std::string(file.str("general.finetune").value_or("")) + " " +
                        std::string(file.str("general.name").value_or(""));
    std::ranges::transform(words, words.begin(), [](unsigned char c) { return std::isalnum(c) ? std::tolower(c) : ' '; });
    std::string word;
    for (size_t i = 0; i <= words.size(); ++i) {
        if (i < words.size() && words[i] != ' ') {
            word += words[i];
            continue;
        }
        if (word == "it" || word == "instruct" || word == "chat") {
            return true;
        }
        word.clear();
    }
    return false;
}

std::string roleLabel(const std::string& role) {
    if (role == "assistant") {
        return "Assistant";
    }
    if (role == "user") {
        return "User";
    }
    std::string label = role;
    if (!label.empty()) {
        label[0] = char(std::toupper(static_cast<unsigned char>(label[0])));
    }
    return label;
}

}  // namespace

const std::vector<std::string>& PromptFormat::transcriptStops() {
    // The next turn's markers, and a blank line: a base model that has answered tends to carry on with a
    // new paragraph of narration ("The assistant is friendly...") rather than end its turn.
    static const std::vector<std::string> stops = {"\nUser:", "\nAssistant:", "\n\n"};
    return stops;
}

std::string PromptFormat::renderTranscript(const std::vector<ChatMessage>& messages, bool addGenerationPrompt) {
    // A system message leads the transcript as a paragraph of its own; without one a short preamble
    // sets the scene (base models continue the kind of text they are shown).
    std::string out;
    size_t first = 0;
    if (!messages.empty() && messages.front().role == "system") {
        out = messages.front().content + "\n\n";
        first = 1;
    } else {
        out = "A conversation between a user and a helpful, knowledgeable assistant. The assistant answers "
              "clearly and concisely.\n\n";
    }
    for (size_t i = first; i < messages.size(); ++i) {
        // Trimmed, so that a stored answer (" Paris.", as generated after "Assistant:") renders to the
        // tokens it was generated as and the next turn reuses them from the KV cache.
        std::string_view content = messages[i].content;
        content.remove_prefix(std::min(content.find_first_not_of(" \t\r\n"), content.size()));
        content.remove_suffix(content.size() - std::min(content.find_last_not_of(" \t\r\n") + 1, content.size()));
        out += roleLabel(messages[i].role) + ": " + std::string(content) + "\n";
    }
    if (addGenerationPrompt) {
        out += "Assistant:";
    }
    return out;
}

Result<PromptFormat> PromptFormat::fromFile(const gguf::File& file, const text::Vocab& vocab) {
    const std::string_view source = file.str("tokenizer.chat_template").value_or("");
    auto t = text::ChatTemplate::forModel(source, file.arch());
    if (!t) {
        return std::unexpected(t.error());
    }
    PromptFormat p(std::move(*t));
    if (source.empty() && !looksInstructionTuned(file)) {
        p.m_transcript = true;
        p.m_stops = transcriptStops();
    }
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
    if (m_transcript) {
        return renderTranscript(messages, addGenerationPrompt);
    }
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
