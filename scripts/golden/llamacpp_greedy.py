#!/usr/bin/env python3
"""Greedy continuations from llama.cpp (llama-cpp-python) for a fixed set of prompts, for the free-running
agreement test (tests/inference/models/fidelitytest.cpp, greedyMatchesLlamaCpp).

Usage: python llamacpp_greedy.py MODEL.gguf OUT.bin [N_TOKENS] [cpu|vulkan]

Output, little-endian: u32 magic 'LGRD', u32 n_prompts, u32 n_tokens, then per prompt:
  u32 n_prompt_tokens, i32[n_prompt_tokens] prompt ids (llama.cpp's tokenizer, BOS first),
  i32[n_tokens] greedy ids, f32[n_tokens] top-1 minus top-2 logit at each step.
"""
import struct
import sys

import numpy as np
from llama_cpp import Llama

PROMPTS = [
    "The capital of France is",
    "Once upon a time, in a small village,",
    "def fibonacci(n):",
    "The three primary colors are",
    "In 1969, the first humans",
    "Water boils at",
    "The quick brown fox",
    "Photosynthesis is the process by which",
    "My favorite recipe for pancakes",
    "The largest planet in the solar system is",
]


def main():
    model, out = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 32
    gpu = len(sys.argv) > 4 and sys.argv[4] == "vulkan"
    llm = Llama(model_path=model, n_ctx=256, logits_all=True, verbose=False, n_threads=2,
                n_gpu_layers=-1 if gpu else 0)
    with open(out, "wb") as f:
        f.write(struct.pack("<3I", 0x4452474C, len(PROMPTS), n))
        for prompt in PROMPTS:
            llm.reset()
            tokens = llm.tokenize(prompt.encode(), add_bos=True, special=False)
            llm.eval(tokens)
            greedy, margins = [], []
            for _ in range(n):
                logits = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)
                order = np.argsort(-logits)
                greedy.append(int(order[0]))
                margins.append(float(logits[order[0]] - logits[order[1]]))
                llm.eval([int(order[0])])
            f.write(struct.pack("<I", len(tokens)))
            f.write(np.array(tokens, dtype="<i4").tobytes())
            f.write(np.array(greedy, dtype="<i4").tobytes())
            f.write(np.array(margins, dtype="<f4").tobytes())
            print(repr(prompt + llm.detokenize(greedy).decode(errors="replace")), "min margin", round(min(margins), 3))


if __name__ == "__main__":
    main()
