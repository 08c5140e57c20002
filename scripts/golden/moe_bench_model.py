#!/usr/bin/env python3
"""A synthetic mixture-of-experts model for speed comparisons (not for fidelity: random weights): the layer
shapes of Qwen3-30B-A3B (embedding 2048, 128 heads' worth of attention at head size 128 with 4 KV heads,
128 experts of 768 rows, 8 used per token) but 2 layers and a 1,024-token vocabulary, so a token's cost is
the MoE layers. Quantized to Q4_K_M by llama.cpp.

Usage: moe_bench_model.py OUT.gguf     (needs llama-cpp-python and gguf; about 5 GB of temporary disk)"""
import os
import sys

import synthetic_models as sm


def main():
    out = sys.argv[1]
    sm.N_EMBD, sm.N_FF, sm.N_HEAD, sm.N_HEAD_KV, sm.N_LAYER, sm.N_VOCAB, sm.CTX = 2048, 6144, 16, 4, 2, 1024, 4096
    sm.HEAD = sm.N_EMBD // sm.N_HEAD
    sm.N_EXPERT, sm.N_EXPERT_USED, sm.N_FF_EXP = 128, 8, 768
    f32 = out + ".f32.tmp"
    sm.write_f32(f32, "qwen3moe", 4242)
    sm.quantize(f32, out, 15)  # Q4_K_M
    os.remove(f32)


if __name__ == "__main__":
    main()
