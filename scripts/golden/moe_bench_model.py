#!/usr/bin/env python3
"""Synthetic mixture-of-experts models for speed comparisons (not for fidelity: random weights), 2 layers and a
1,024-token vocabulary so that a token's cost is the MoE layers, quantized to Q4_K_M by llama.cpp.
  qwen3moe (default): the layer shapes of Qwen3-30B-A3B (embedding 2048, 32 query heads of 128 with 4 KV heads,
    128 experts of 768 rows, 8 used per token).
  deepseek2: the layer shapes of DeepSeek-V2-Lite (embedding 2048, 16 heads, latent attention with a KV rank of
    512, no-rope 128 + rope 64 per query head, values of 128; 64 experts of 1408 rows, 6 used, 2 shared; YaRN),
    both layers MoE.

Usage: moe_bench_model.py OUT.gguf [qwen3moe|deepseek2]   (needs llama-cpp-python and gguf; a few GB of temporary disk)"""
import os
import sys

import synthetic_models as sm


def main():
    out = sys.argv[1]
    arch = sys.argv[2] if len(sys.argv) > 2 else "qwen3moe"
    sm.N_EMBD, sm.N_FF, sm.N_HEAD, sm.N_HEAD_KV, sm.N_LAYER, sm.N_VOCAB, sm.CTX = 2048, 6144, 16, 4, 2, 1024, 4096
    sm.HEAD = sm.N_EMBD // sm.N_HEAD
    sm.N_EXPERT, sm.N_EXPERT_USED, sm.N_FF_EXP = 128, 8, 768
    f32 = out + ".f32.tmp"
    if arch == "deepseek2":
        sm.DS_NOPE, sm.DS_ROPE, sm.DS_V, sm.DS_KV_LORA, sm.DS_LAYERS, sm.DS_FF_EXP = 128, 64, 128, 512, 2, 1408
        sm.DS_LEADING_DENSE = 0
        sm.DS_EXPERTS["deepseek2-lite"] = (64, 6, 2)
        sm.write_f32(f32, "deepseek2-lite", 4243)
    else:
        sm.write_f32(f32, "qwen3moe", 4242)
    sm.quantize(f32, out, 15)  # Q4_K_M
    os.remove(f32)


if __name__ == "__main__":
    main()
