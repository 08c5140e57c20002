#!/usr/bin/env python3
"""Writes golden token ids for Lantern's tokenizer tests, produced by llama.cpp (llama-cpp-python).

Run with the reference venv:
    /root/.cache/lantern-ref/bin/python scripts/golden/text_tokens.py \
        --gemma /root/.local/share/lantern/models/gemma-3-270m-q4_k_m.gguf

Writes tests/data/text/tokens-<name>.json, one file per vocabulary:
    {"vocab": "<file name>", "cases": [{"text": str, "parseSpecial": bool, "addSpecial": bool,
                                         "ids": [int], "decoded": str}]}
"decoded" is llama.cpp's detokenization of "ids" (token_to_piece of each id, control tokens omitted).
"""
import argparse
import json
import pathlib

from llama_cpp import Llama

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "text"

TEXTS = [
    "Hello world",
    " Hello world",
    "Hello  world   with   runs of spaces",
    "The quick brown fox jumps over the lazy dog. It's 12:45, isn't it? I'll say we'd've gone.",
    "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n",
    "int main() {\n\treturn printf(\"%d\\n\", 42);\n}\n",
    "Numbers: 1 12 123 1234 12345 3.14159 -7 1e10 0x1F",
    "Emoji: 😀👍🏽 🇩🇪 👨‍👩‍👧‍👦 ❤️",
    "中文测试：你好，世界！日本語のテキスト。한국어 텍스트",
    "العربية: مرحبا بالعالم",
    "Ελληνικά και русский текст, Ünïcödé àccents",
    "\n\n\nleading newlines and trailing   \n",
    "   \t  mixed \t whitespace\r\n windows line\r\n",
    "User typed <|im_end|> and <end_of_turn> and <|eot_id|> as plain text",
    "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n",
    "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
    "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
    "URLs https://example.com/a_b-c?d=1&e=%20 and e-mail a.b@c.de",
    "a" * 40 + " " + "ab" * 20,
    "Markdown **bold** _it_ `code` ```python\nprint('x')\n```",
    "   ",
    "\u00a0non-breaking\u2009thin\u3000ideographic spaces",
    "tabs\t\t\tand\u200bzero width",
]

# Texts that are also encoded with special-token parsing (the rendered-template case).
SPECIAL_TEXTS = [t for t in TEXTS if "<" in t]


def detok(llm, ids):
    # llama-cpp-python drops a leading space when the first id is BOS (a Llama 1 convenience of the
    # wrapper, not of llama.cpp); BOS prints nothing here, so decoding without it is llama.cpp's text.
    if ids and ids[0] == llm.token_bos():
        ids = ids[1:]
    return llm.detokenize(ids, special=False).decode("utf-8", errors="replace")


def cases_for(llm):
    cases = []
    for text in TEXTS:
        for parse_special in ([False, True] if text in SPECIAL_TEXTS else [False]):
            ids = llm.tokenize(text.encode("utf-8"), add_bos=False, special=parse_special)
            decoded = detok(llm, ids)
            cases.append({"text": text, "parseSpecial": parse_special, "addSpecial": False,
                          "ids": ids, "decoded": decoded})
    for text in TEXTS[:2]:
        ids = llm.tokenize(text.encode("utf-8"), add_bos=True, special=False)
        cases.append({"text": text, "parseSpecial": False, "addSpecial": True, "ids": ids,
                      "decoded": detok(llm, ids)})
    return cases


def write(name, model_path):
    llm = Llama(model_path=str(model_path), vocab_only=True, verbose=False)
    out = {"vocab": pathlib.Path(model_path).name, "cases": cases_for(llm)}
    path = DATA / f"tokens-{name}.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path} ({len(out['cases'])} cases)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gemma", required=True, help="gemma-3-270m GGUF (the real model)")
    args = ap.parse_args()
    write("gemma3", args.gemma)
    write("qwen2", DATA / "ggml-vocab-qwen2.gguf")
    write("llama-bpe", DATA / "ggml-vocab-llama-bpe.gguf")


if __name__ == "__main__":
    main()
