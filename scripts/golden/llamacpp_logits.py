#!/usr/bin/env python3
"""Golden data from llama.cpp (llama-cpp-python, CPU) for the GPU forward-pass tests.

Usage: python llamacpp_logits.py MODEL.gguf OUT.bin [PROMPT] [N_GREEDY]

Writes a little-endian binary file:
  u32 magic 'LGLD', u32 n_prompt, u32 n_vocab, u32 n_greedy
  i32[n_prompt]       prompt token ids (llama.cpp's tokenizer, with BOS)
  f32[n_vocab]        logits of the last prompt position
  i32[n_greedy]       llama.cpp's greedy continuation
  f32[n_greedy]       top-1 minus top-2 logit margin at each greedy step (how decisive each choice was)
"""
import struct
import sys

import numpy as np
from llama_cpp import Llama


def main():
    model, out = sys.argv[1], sys.argv[2]
    prompt = sys.argv[3] if len(sys.argv) > 3 else "The capital of France is"
    n_greedy = int(sys.argv[4]) if len(sys.argv) > 4 else 24
    llm = Llama(model_path=model, n_ctx=512, logits_all=True, verbose=False, n_threads=2, n_batch=512)
    tokens = llm.tokenize(prompt.encode(), add_bos=True, special=True)
    llm.eval(tokens)
    n_vocab = llm.n_vocab()
    last = np.array(llm.scores[len(tokens) - 1], dtype=np.float32)
    greedy, margins = [], []
    logits = last.copy()
    for _ in range(n_greedy):
        order = np.argsort(-logits)
        greedy.append(int(order[0]))
        margins.append(float(logits[order[0]] - logits[order[1]]))
        llm.eval([int(order[0])])
        logits = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)
    with open(out, "wb") as f:
        f.write(struct.pack("<4I", 0x444C474C, len(tokens), n_vocab, n_greedy))
        f.write(np.array(tokens, dtype="<i4").tobytes())
        f.write(last.astype("<f4").tobytes())
        f.write(np.array(greedy, dtype="<i4").tobytes())
        f.write(np.array(margins, dtype="<f4").tobytes())
    print("prompt", tokens, "greedy", greedy)
    print("margins", [round(m, 3) for m in margins])
    print(repr(llm.detokenize(greedy).decode(errors="replace")))


if __name__ == "__main__":
    main()
