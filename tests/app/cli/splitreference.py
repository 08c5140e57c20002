#!/usr/bin/env python3
"""A split GGUF set as llama.cpp's own tools write it loads in Lantern as the same model.

The real default model is re-written with gguf-py (PyPI `gguf`, llama.cpp's GGUF package: its GGUFWriter with
split_max_tensors is what convert_hf_to_gguf.py --split-max-tensors uses) into three parts,
name-0000k-of-00003.gguf. Then, through `lantern-cli` as a user runs it:
  - greedy answers from the first part equal the single file's, token for token (CPU backend, exact);
  - `info` on the set shows the single file's parameter count and size;
  - with part 2 missing, or part 3 cut short, loading fails with a sentence naming the file (exit code != 0).
Usage: splitreference.py LANTERN_CLI MODEL.gguf  (exit 77 when the model or gguf-py is not installed)."""
import os
import re
import subprocess
import sys
import tempfile

try:
    import gguf
except ImportError:
    print("SKIP: gguf-py is not installed in this Python (scripts/lib/setup.sh installs it)")
    sys.exit(77)


def resplit(source, prefix, parts):
    reader = gguf.GGUFReader(source)
    per_part = -(-len(reader.tensors) // parts)
    arch = str(bytes(reader.fields["general.architecture"].parts[-1]), "utf-8")
    writer = gguf.GGUFWriter(prefix + ".gguf", arch, split_max_tensors=per_part)
    for field in reader.fields.values():
        if field.name == "general.architecture" or field.name.startswith("GGUF."):
            continue  # written by GGUFWriter itself
        kind = field.types[0]
        sub = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), kind, sub_type=sub)
    for t in reader.tensors:
        writer.add_tensor_info(t.name, t.data.shape, t.data.dtype, t.data.nbytes, t.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for t in reader.tensors:
        writer.write_tensor_data(t.data, tensor_endianess=reader.endianess)
    writer.close()
    names = [f"{prefix}-{i:05d}-of-{parts:05d}.gguf" for i in range(1, parts + 1)]
    for n in names:
        assert os.path.exists(n), f"gguf-py did not write {n}: {sorted(os.listdir(os.path.dirname(prefix)))}"
    return names


def cli(*args, ok=True):
    r = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)
    if ok and r.returncode != 0:
        sys.exit(f"FAIL: lantern-cli {' '.join(args)} exited {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


def answer(model, prompt):
    return cli("run", "-m", model, "--device", "cpu", "--greedy", "--raw", "--quiet", "-n", "24", "-p", prompt).stdout


def info_fields(model):
    out = cli("info", model).stdout
    tensors = re.search(r"(?m)^tensors\s+(.*)$", out)   # "236, 268.1 M parameters, 0.23 GiB"
    weights = re.search(r"(?m)^  weights\s+(.*)$", out)  # the memory plan's weight bytes
    return (out, tensors.group(1).strip() if tensors else None,
            weights.group(1).strip() if weights else None)


CLI, MODEL = sys.argv[1], sys.argv[2]
if not os.path.exists(MODEL):
    print(f"SKIP: {MODEL} is not installed (scripts/run installs it)")
    sys.exit(77)

with tempfile.TemporaryDirectory() as tmp:
    parts = resplit(MODEL, os.path.join(tmp, "gemma-split"), 3)
    assert sum(os.path.getsize(p) for p in parts) > os.path.getsize(MODEL) * 0.99
    for prompt in ("The capital of France is", "def fibonacci(n):"):
        whole, split = answer(MODEL, prompt), answer(parts[0], prompt)
        assert whole.strip(), f"no answer from the single file for {prompt!r}"
        assert whole == split, f"split set answers differently for {prompt!r}:\nwhole: {whole!r}\nsplit: {split!r}"
        print(f"ok: same greedy answer for {prompt!r}: {whole.strip()[:60]!r}")
    whole_info, whole_tensors, whole_weights = info_fields(MODEL)
    split_info, split_tensors, split_weights = info_fields(parts[0])
    assert whole_tensors and whole_tensors == split_tensors, f"tensors differ:\n{whole_info}\n---\n{split_info}"
    assert whole_weights and whole_weights == split_weights, f"weights differ:\n{whole_info}\n---\n{split_info}"
    print(f"ok: info on the set: {split_tensors}; weights {split_weights}")

    # A part missing: a clear refusal naming it, not a crash.
    os.rename(parts[1], parts[1] + ".away")
    r = cli("run", "-m", parts[0], "--device", "cpu", "--greedy", "-n", "4", "-p", "Hi", ok=False)
    assert r.returncode not in (0, -11, -6), f"missing part: exit {r.returncode}"
    assert os.path.basename(parts[1]) in r.stderr + r.stdout, f"missing part not named:\n{r.stderr}"
    print(f"ok: missing part refused: {r.stderr.strip().splitlines()[-1]}")
    os.rename(parts[1] + ".away", parts[1])

    # The last part cut short.
    with open(parts[2], "r+b") as f:
        f.truncate(os.path.getsize(parts[2]) // 2)
    r = cli("run", "-m", parts[0], "--device", "cpu", "--greedy", "-n", "4", "-p", "Hi", ok=False)
    assert r.returncode not in (0, -11, -6), f"truncated part: exit {r.returncode}"
    assert os.path.basename(parts[2]) in r.stderr + r.stdout, f"truncated part not named:\n{r.stderr}"
    print(f"ok: truncated part refused: {r.stderr.strip().splitlines()[-1]}")
print("PASS")
