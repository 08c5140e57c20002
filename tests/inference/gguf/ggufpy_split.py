#!/usr/bin/env python3
"""Re-writes a GGUF file as a split set with gguf-py's own writer (GGUFWriter(split_max_tensors=N), the writer
llama.cpp's converters use for --split-max-tensors), for tests/inference/gguf/splitreferencetest.cpp: a set
written by an independent writer, which Lantern's reader must open as the original file.

Usage: python ggufpy_split.py IN.gguf OUT_PREFIX.gguf MAX_TENSORS  (writes OUT_PREFIX-00001-of-0000N.gguf, ...)
"""
import sys

import gguf


def main():
    src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    r = gguf.GGUFReader(src)
    w = gguf.GGUFWriter(out, r.fields["general.architecture"].contents(), split_max_tensors=n)
    for name, field in r.fields.items():
        if name.startswith("GGUF.") or name == "general.architecture":
            continue  # the header's own fields, and the key the writer sets itself
        kind = field.types[0]
        if kind == gguf.GGUFValueType.ARRAY:
            w.add_key_value(name, field.contents(), kind, sub_type=field.types[-1])
        else:
            w.add_key_value(name, field.contents(), kind)
    for t in r.tensors:
        w.add_tensor(t.name, t.data, raw_dtype=t.tensor_type)  # the bytes as they are, quantized or not
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    main()
