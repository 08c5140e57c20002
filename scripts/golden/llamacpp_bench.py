#!/usr/bin/env python3
"""llama.cpp's speed on a model, measured like `lantern-cli bench` (random prompt of P tokens in one batch,
then N greedy decode steps, R repetitions). Prints one JSON line.
Usage: llamacpp_bench.py MODEL P N R cpu|vulkan"""
import json
import os
import statistics
import sys
import time

import numpy as np
import llama_cpp
from llama_cpp import Llama

model, p, n, r, backend = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
llm = Llama(model_path=model, n_ctx=p + n + 8, n_batch=max(p, 8), logits_all=False, n_gpu_layers=(-1 if backend == "vulkan" else 0),
            verbose=False, n_threads=int(os.environ.get("LANTERN_THREADS", "2")))
rng = np.random.default_rng(42)
prompt = [int(t) for t in rng.integers(0, llm.n_vocab(), p)]
# Logits of the last token only, as Lantern computes them (logits_all would run the vocabulary projection
# for every prompt token and make llama.cpp's prefill look slower than it is).
last = lambda: int(np.argmax(np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm.ctx, -1), shape=(llm.n_vocab(),))))
llm.reset(); llm.eval(prompt[:2])  # warm-up
pre, dec, ttft = [], [], []
for _ in range(r):
    llm.reset()
    t0 = time.perf_counter(); llm.eval(prompt); s = time.perf_counter() - t0
    pre.append(p / s); ttft.append(s * 1000)
    tok = last()
    t0 = time.perf_counter()
    for _ in range(n):
        llm.eval([tok]); tok = last()
    dec.append(n / (time.perf_counter() - t0))
sd = lambda v: statistics.stdev(v) if len(v) > 1 else 0.0
device = "CPU (%s threads)" % os.environ.get("LANTERN_THREADS", "2") if backend == "cpu" else os.environ.get("LANTERN_REF_DEVICE") or "Vulkan device " + os.environ.get("GGML_VK_VISIBLE_DEVICES", "0")
print(json.dumps({"engine": f"llama.cpp-{backend}", "device": device, "prompt_tokens": p, "gen_tokens": n,
                  "prefill_tps": statistics.mean(pre), "prefill_tps_sd": sd(pre), "decode_tps": statistics.mean(dec),
                  "decode_tps_sd": sd(dec), "ttft_ms": statistics.mean(ttft)}))
