#!/usr/bin/env python3
"""Teacher-forced golden data from llama.cpp (llama-cpp-python): its next-token distribution at every position
of a fixed text, for top-1 agreement and KL divergence tests (tests/inference/models/fidelitytest.cpp).

Usage: python llamacpp_teacher.py MODEL.gguf OUT.bin [K] [cpu|vulkan]
  cpu (default): llama.cpp's CPU backend. vulkan: every layer on the Vulkan device (a llama-cpp-python built
  with -DGGML_VULKAN=on, see scripts/compare; on lavapipe set GGML_VK_VISIBLE_DEVICES=0).
Also writes the text itself next to OUT (OUT with .txt instead of .bin) for the tokenizer check.

The text is fixed (below): English prose, a little Python, German and Japanese. It is tokenized by llama.cpp
(with BOS) and evaluated in one batch with logits for every position.

Output, little-endian:
  u32 magic 'LTCH', u32 n_tokens, u32 k, u32 n_vocab
  i32[n_tokens]              token ids (llama.cpp's tokenizer, BOS first)
  then for each position p = 0 .. n_tokens-2 (the distribution over token p+1):
    i32[k]                   the k most likely token ids, most likely first
    f32[k]                   their log-probabilities (log-softmax of llama.cpp's logits)

Only the top k are stored (k = 256: 380 KB instead of 190 MB of full distributions). KL(ref || ours) is then
computed over those k tokens plus one bucket holding the rest of the probability mass on each side: a lower
bound of the full KL, tight when the top k carry most of the mass (for Gemma 3 270M: 95% on average).
"""
import struct
import sys

import numpy as np
from llama_cpp import Llama

TEXT = (
    "The lighthouse keeper climbed the spiral stairs every evening at dusk. From the lantern room he could see "
    "the whole bay: the fishing boats returning with their nets, the gulls circling above the harbour, and the "
    "long grey line of the cliffs to the north. He wrote the weather in a leather notebook, as his father had "
    "done before him, and when the fog rolled in he wound the clockwork that turned the great lens. Most nights "
    "were quiet. Sometimes a storm came, and then he stayed awake until morning, listening to the wind.\n\n"
    "def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n\n"
    "Der Leuchtturm steht seit über hundert Jahren auf dem Felsen.\n"
    "灯台守は毎晩、階段を上って明かりをともした。"
)


def main():
    model, out = sys.argv[1], sys.argv[2]
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 256
    gpu = len(sys.argv) > 4 and sys.argv[4] == "vulkan"
    llm = Llama(model_path=model, n_ctx=1024, n_batch=1024, logits_all=True, verbose=False, n_threads=2,
                n_gpu_layers=-1 if gpu else 0)
    tokens = llm.tokenize(TEXT.encode(), add_bos=True, special=False)
    # A small vocabulary (synthetic models) spells the text byte by byte: keep what fits the context.
    tokens = tokens[:1000]
    llm.eval(tokens)
    n_vocab = llm.n_vocab()
    with open(out, "wb") as f:
        f.write(struct.pack("<4I", 0x4843544C, len(tokens), k, n_vocab))
        f.write(np.array(tokens, dtype="<i4").tobytes())
        mass = []
        for p in range(len(tokens) - 1):
            logits = np.array(llm.scores[p], dtype=np.float64)
            logp = logits - (logits.max() + np.log(np.exp(logits - logits.max()).sum()))
            top = np.argsort(-logp)[:k]
            f.write(top.astype("<i4").tobytes())
            f.write(logp[top].astype("<f4").tobytes())
            mass.append(np.exp(logp[top]).sum())
    with open(out.rsplit(".", 1)[0] + ".txt", "w", encoding="utf-8") as f:
        f.write(TEXT)
    print(f"{len(tokens)} tokens, top-{k} mass: mean {np.mean(mass):.4f}, min {np.min(mass):.4f}")


if __name__ == "__main__":
    main()
