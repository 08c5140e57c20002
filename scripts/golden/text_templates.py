#!/usr/bin/env python3
"""Renders the chat templates in tests/data/text/templates/ with Python jinja2, the way Hugging Face
transformers renders chat templates (sandboxed, trim_blocks, lstrip_blocks, loop controls, its
tojson and raise_exception), and writes <name>.expected.json next to each template.

    /root/.cache/lantern-ref/bin/python scripts/golden/text_templates.py

Each case: {"messages": [...], "add_generation_prompt": bool, "vars": {...}, "expected": str} or
"error": true when the template refuses the conversation.
"""
import json
import pathlib

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "tests" / "data" / "text" / "templates"

TOKENS = {
    "qwen2.5": {"bos_token": "", "eos_token": "<|im_end|>"},
    "qwen3": {"bos_token": "", "eos_token": "<|im_end|>"},
    "llama3.1": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>", "date_string": "22 Nov 2026"},
    "llama3.2": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>", "date_string": "22 Nov 2026"},
    "gemma3": {"bos_token": "<bos>", "eos_token": "<eos>"},
    "deepseek-r1": {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"},
    "glm4.6": {"bos_token": "", "eos_token": "<|endoftext|>"},
}

# Templates with a thinking switch are rendered with enable_thinking unset, true and false.
THINKING = {"qwen3", "deepseek-r1", "glm4.6"}

CONVERSATIONS = [
    [{"role": "user", "content": "Hello!"}],
    [{"role": "system", "content": "You are a terse assistant."},
     {"role": "user", "content": "What is 2+2?"}],
    [{"role": "system", "content": "  Answer in French.  \n"},
     {"role": "user", "content": "Name a colour."},
     {"role": "assistant", "content": "Rouge."},
     {"role": "user", "content": "Another one, with \"quotes\", 'apostrophes' and\nnew lines\t(tab)."}],
    [{"role": "user", "content": "Think first: 17*3?"},
     {"role": "assistant", "content": "<think>\n17*3 = 51\n</think>\n\n51"},
     {"role": "user", "content": "Unicode: 你好 😀 — ok?"}],
    [{"role": "user", "content": "  padded user text  "},
     {"role": "assistant", "content": "  padded answer  "},
     {"role": "user", "content": "<|im_end|> <end_of_turn> typed by the user"}],
]

# Roles that do not alternate: Gemma's template refuses them.
INVALID = [[{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]]


def environment():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    return env


def render(template, messages, add_generation_prompt, extra):
    try:
        text = template.render(messages=messages, add_generation_prompt=add_generation_prompt, **extra)
        return {"expected": text}
    except jinja2.exceptions.TemplateError:
        return {"error": True}


def main():
    env = environment()
    for path in sorted(TEMPLATES.glob("*.jinja")):
        name = path.stem
        template = env.from_string(path.read_text(encoding="utf-8"))
        thinking = [None, True, False] if name in THINKING else [None]
        cases = []
        for messages in CONVERSATIONS + INVALID:
            for agp in (True, False):
                for think in thinking:
                    extra = dict(TOKENS[name])
                    if think is not None:
                        extra["enable_thinking"] = think
                    case = {"messages": messages, "add_generation_prompt": agp, "vars": extra}
                    case.update(render(template, messages, agp, extra))
                    cases.append(case)
        out = path.with_suffix(".expected.json")
        out.write_text(json.dumps(cases, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {out} ({len(cases)} cases, {sum('error' in c for c in cases)} refused)")


if __name__ == "__main__":
    main()
