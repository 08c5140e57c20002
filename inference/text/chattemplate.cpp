#include "inference/text/chattemplate.h"

namespace lantern::text {

namespace {

// Gemma 3's official template (google/gemma-3-*-it tokenizer_config.json): Gemma has no system
// role, so a system prompt is folded into the first user turn, followed by a blank line.
constexpr std::string_view kGemmaTemplate = R"({{ bos_token }}
{%- if messages[0]['role'] == 'system' -%}
    {%- set first_user_prefix = messages[0]['content'] + '\n\n' -%}
    {%- set loop_messages = messages[1:] -%}
{%- else -%}
    {%- set first_user_prefix = "" -%}
    {%- set loop_messages = messages -%}
{%- endif -%}
{%- for message in loop_messages -%}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}
        {{ raise_exception("Conversation roles must alternate user/assistant/user/assistant/...") }}
    {%- endif -%}
    {%- if (message['role'] == 'assistant') -%}
        {%- set role = "model" -%}
    {%- else -%}
        {%- set role = message['role'] -%}
    {%- endif -%}
    {{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else "") }}
    {{- message['content'] | trim }}
    {{- '<end_of_turn>\n' }}
{%- endfor -%}
{%- if add_generation_prompt -%}
    {{'<start_of_turn>model\n'}}
{%- endif -%}
)";

// ChatML (Qwen and most fine-tunes) for every other architecture without a template.
constexpr std::string_view kChatMlTemplate = R"({%- for message in messages -%}
{{- '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\n' -}}{%- endif -%}
)";

}  // namespace

std::string_view ChatTemplate::builtinSource(std::string_view architecture) {
    return architecture.starts_with("gemma") ? kGemmaTemplate : kChatMlTemplate;
}

Result<ChatTemplate> ChatTemplate::parse(std::string_view source, tmpl::Limits limits) {
    auto tree = tmpl::parseTemplate(source);
    if (!tree) {
        return std::unexpected(tree.error());
    }
    ChatTemplate t;
    t.m_source = std::string(source);
    t.m_tree = std::make_shared<const tmpl::Body>(std::move(*tree));
    t.m_limits = limits;
    return t;
}

Result<ChatTemplate> ChatTemplate::forModel(std::string_view ggufTemplate, std::string_view architecture) {
    return parse(ggufTemplate.empty() ? builtinSource(architecture) : ggufTemplate);
}

Result<std::string> ChatTemplate::render(const std::vector<ChatTurn>& turns, const RenderOptions& options) const {
    ValueList messages;
    for (const ChatTurn& turn : turns) {
        ValueDict m;
        m.set("role", Value(turn.role));
        m.set("content", Value(turn.content));
        messages.emplace_back(std::move(m));
    }
    ValueDict vars;
    vars.set("messages", Value(std::move(messages)));
    vars.set("add_generation_prompt", Value(options.addGenerationPrompt));
    vars.set("bos_token", Value(options.bosToken));
    vars.set("eos_token", Value(options.eosToken));
    if (options.enableThinking) {
        vars.set("enable_thinking", Value(*options.enableThinking));
    }
    for (const auto& [k, v] : options.extra.items) {
        vars.set(k, v);
    }
    return tmpl::render(*m_tree, vars, m_limits);
}

}  // namespace lantern::text
