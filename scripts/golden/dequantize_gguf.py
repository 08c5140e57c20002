#!/usr/bin/env python3
"""Writes the F32 twin of a GGUF file: the same metadata and every tensor dequantized to F32, so each weight has
exactly the value the quantized file encodes.

Usage: python dequantize_gguf.py IN.gguf OUT.gguf [--max-gib N]

Why: llama.cpp's CPU backend rounds the activations to 8 bits before every product with quantized weights (its
Q8_0 / Q8_K dot products), which moves its answers away from the function the file describes (for Gemma 3 270M
Q4_K_M by a mean KL of 0.0057 over scripts/golden/llamacpp_teacher.py's text). On the twin its products take
f32 activations: it then computes the same function as Lantern on the quantized file, and the two can be
compared token for token (scripts/compare, tests/inference/models/fidelitytest.cpp).

The twin is about 4 bytes per weight (1.1 GB for a 270M model): refuses, with exit status 3, when it would
be larger than --max-gib (default 8).
"""
import os
import sys

import gguf
import numpy as np


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    max_gib = 8.0
    if "--max-gib" in sys.argv:
        max_gib = float(sys.argv[sys.argv.index("--max-gib") + 1])
        args.remove(sys.argv[sys.argv.index("--max-gib") + 1])
    src, dst = args
    reader = gguf.GGUFReader(src)
    weights = sum(int(np.prod(t.shape)) for t in reader.tensors)
    if weights * 4 > max_gib * 2**30:
        print(f"{src}: its F32 twin would take {weights * 4 / 2**30:.1f} GiB (limit {max_gib:g})", file=sys.stderr)
        sys.exit(3)
    writer = gguf.GGUFWriter(dst + ".part", reader.fields["general.architecture"].contents())
    for name, field in reader.fields.items():
        if name.startswith("GGUF.") or name == "general.architecture":
            continue
        if name == "general.file_type":
            writer.add_file_type(gguf.LlamaFileType.ALL_F32)
            continue
        kind = field.types[0]
        sub = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(name, field.contents(), kind, sub_type=sub)
    for t in reader.tensors:
        writer.add_tensor(t.name, np.asarray(gguf.quants.dequantize(t.data, t.tensor_type), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    os.replace(dst + ".part", dst)
    print(f"{dst}: {len(reader.tensors)} tensors, {weights * 4 / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
