#!/usr/bin/env python3
"""Weight blocks made by llama.cpp's own quantizer, for the CPU reference's dequantization test
(tests/inference/reference/weightstest.cpp): one small llama-shaped model (1 layer, 320 tokens, random
weights from synthetic_models.py) in F16 and in every file type whose tensors cover a weight type the
synthetic models of synthetic_models.py do not (Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q5_K, IQ4_NL, IQ4_XS, BF16).

Usage: quant_blocks.py OUT_DIR      (writes OUT_DIR/blocks-<type>.gguf; needs llama-cpp-python and gguf)"""
import os
import sys

import synthetic_models as sm

# llama.cpp file types (llama_ftype).
FTYPES = {"f16": 1, "q4_1": 3, "q5_0": 8, "q5_1": 9, "q2_k": 10, "q3_k_m": 12, "q5_k_m": 17,
          "iq4_nl": 25, "iq4_xs": 30, "bf16": 32}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    sm.N_LAYER, sm.N_VOCAB = 1, 320
    f32 = os.path.join(out, "blocks-f32.gguf")
    sm.write_f32(f32, "llama", 900)
    for name, ftype in FTYPES.items():
        sm.quantize(f32, os.path.join(out, f"blocks-{name}.gguf"), ftype)
    os.remove(f32)


if __name__ == "__main__":
    main()
