#!/usr/bin/env python3
"""llama.cpp's greedy continuation of a prompt given as token ids, for tests/inference/gguf/splitreferencetest.cpp:
llama.cpp (llama-cpp-python) loads MODEL (the first part of a split set opens the whole set, as in llama.cpp's own
loader) and prints one JSON line: {"parameters": <weights loaded>, "greedy": [ids...]}.

Usage: python llamacpp_greedy_ids.py MODEL.gguf N_TOKENS ID,ID,...
"""
import json
import sys

import llama_cpp
import numpy as np
from llama_cpp import Llama


def main():
    model, n, prompt = sys.argv[1], int(sys.argv[2]), [int(t) for t in sys.argv[3].split(",")]
    llm = Llama(model_path=model, n_ctx=64, n_batch=64, logits_all=True, verbose=False, n_threads=2, n_gpu_layers=0)
    llm.eval(prompt)
    greedy = []
    for _ in range(n):
        logits = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)
        greedy.append(int(np.argmax(logits)))
        llm.eval([greedy[-1]])
    print(json.dumps({"parameters": int(llama_cpp.llama_model_n_params(llm.model)), "greedy": greedy}))


if __name__ == "__main__":
    main()
