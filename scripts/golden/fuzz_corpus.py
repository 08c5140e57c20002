#!/usr/bin/env python3
"""Seed corpus for the GGUF reader's fuzzing (tests/fuzz/corpus), written with gguf-py.

Usage: python fuzz_corpus.py OUT_DIR

valid-*: files the reader must accept: every metadata value type, arrays of several element types and an
array of arrays, tensors in F32, F16 and Q8_0, with GGUF version 3 and the same file marked version 2
(identical layout), and an empty file. bad-*: files it must reject: truncated, wrong magic, unknown version,
tensor data past the end of the file, a duplicate tensor name, an unknown tensor type.
"""
import os
import struct
import sys

import numpy as np
import gguf


def write_full(path):
    w = gguf.GGUFWriter(path, "llama")
    w.add_uint8("t.u8", 200)
    w.add_int8("t.i8", -100)
    w.add_uint16("t.u16", 60000)
    w.add_int16("t.i16", -30000)
    w.add_uint32("t.u32", 4000000000)
    w.add_int32("t.i32", -2000000000)
    w.add_float32("t.f32", 3.5)
    w.add_bool("t.bool", True)
    w.add_string("t.str", "Grüße, 世界")
    w.add_uint64("t.u64", 2**63 + 5)
    w.add_int64("t.i64", -(2**62))
    w.add_float64("t.f64", -1.25e300)
    w.add_array("t.arr_i32", [1, -2, 3])
    w.add_array("t.arr_f32", [0.5, 1.5])
    w.add_array("t.arr_str", ["a", "", "ccc"])
    w.add_array("t.arr_nested", [[1, 2], [3]])
    w.add_block_count(2)
    rng = np.random.default_rng(1)
    w.add_tensor("a.weight", rng.standard_normal(8).astype(np.float32))
    w.add_tensor("b.weight", rng.standard_normal((2, 4)).astype(np.float16))
    q8 = gguf.quants.quantize(rng.standard_normal((1, 32)).astype(np.float32), gguf.GGMLQuantizationType.Q8_0)
    w.add_tensor("c.weight", q8, raw_shape=q8.shape, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    full = os.path.join(out, "valid-v3-everything.gguf")
    write_full(full)
    data = open(full, "rb").read()
    assert data[:4] == b"GGUF" and struct.unpack_from("<I", data, 4)[0] == 3

    def put(name, b):
        with open(os.path.join(out, name), "wb") as f:
            f.write(b)

    put("valid-v2-everything.gguf", data[:4] + struct.pack("<I", 2) + data[8:])
    empty = os.path.join(out, "valid-v3-empty.gguf")
    w = gguf.GGUFWriter(empty, "llama")
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    put("bad-truncated-metadata.gguf", data[:200])
    put("bad-truncated-data.gguf", data[:-40])
    put("bad-magic.gguf", b"GGUX" + data[4:])
    put("bad-version.gguf", data[:4] + struct.pack("<I", 99) + data[8:])
    # Tensor infos follow the metadata: find them by name and corrupt their fields.
    at = data.index(b"c.weight") + len(b"c.weight")  # then n_dims u32, dims u64[n], type u32, offset u64
    n_dims = struct.unpack_from("<I", data, at)[0]
    type_at = at + 4 + 8 * n_dims
    put("bad-tensor-type.gguf", data[:type_at] + struct.pack("<I", 1234) + data[type_at + 4:])
    put("bad-tensor-offset.gguf", data[:type_at + 4] + struct.pack("<Q", 1 << 40) + data[type_at + 12:])
    dup = data.replace(b"b.weight", b"a.weight", 1)
    put("bad-duplicate-tensor.gguf", dup)
    print(sorted(os.listdir(out)))


if __name__ == "__main__":
    main()
