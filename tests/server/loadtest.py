#!/usr/bin/env python3
"""A bounded load test of lantern-cli serve on loopback: CLIENTS threads, each with its own `openai` client, send
REQUESTS short chat requests one after another (half streamed). Asserts 0 errors and a flat server memory
(resident set after the run within 32 MiB of what it was after a warm-up); prints latency percentiles and
throughput.

Usage: loadtest.py LANTERN_CLI MODEL.gguf [CLIENTS REQUESTS]   (exits 77 when the model is absent)
"""
import os
import re
import statistics
import subprocess
import sys
import threading
import time

if len(sys.argv) not in (3, 5):
    sys.exit(__doc__)
CLI, MODEL = sys.argv[1], sys.argv[2]
CLIENTS, REQUESTS = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) == 5 else (32, 20)
if not os.path.isfile(MODEL):
    print(f"SKIP: no model at {MODEL}")
    sys.exit(77)
import openai  # noqa: E402


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1)) / 1024


proc = subprocess.Popen([CLI, "serve", "-m", MODEL, "--port", "0", "--queue", "128"], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True)
port = int(re.search(r":(\d+)/v1", proc.stdout.readline()).group(1))
while "ready" not in proc.stdout.readline():
    pass
threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
base = f"http://127.0.0.1:{port}/v1"
model_id = os.path.basename(MODEL)[:-len(".gguf")]
CITIES = ["France", "Germany", "Italy", "Spain", "Japan", "Canada", "Egypt", "Peru"]


def one(client, i, latencies, errors):
    question = [{"role": "user", "content": f"What is the capital of {CITIES[i % len(CITIES)]}?"}]
    t0 = time.monotonic()
    try:
        if i % 2:
            text = "".join(c.choices[0].delta.content or "" for c in client.chat.completions.create(
                model=model_id, messages=question, max_tokens=4, temperature=0, stream=True) if c.choices)
        else:
            text = client.chat.completions.create(model=model_id, messages=question, max_tokens=4,
                                                  temperature=0).choices[0].message.content
        if not text:
            errors.append(f"request {i}: empty answer")
    except Exception as e:  # noqa: BLE001 - every failure counts
        errors.append(f"request {i}: {type(e).__name__}: {e}")
    latencies.append(time.monotonic() - t0)


try:
    warm = openai.OpenAI(base_url=base, api_key="x", max_retries=0, timeout=300)
    for i in range(16):  # every session (KV cache) made, every code path run once
        one(warm, i, [], [])
    before = rss_mib(proc.pid)
    latencies, errors = [], []

    def client_loop(c):
        client = openai.OpenAI(base_url=base, api_key="x", max_retries=0, timeout=300)
        for r in range(REQUESTS):
            one(client, c * REQUESTS + r, latencies, errors)
    t0 = time.monotonic()
    threads = [threading.Thread(target=client_loop, args=(c,)) for c in range(CLIENTS)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    wall = time.monotonic() - t0
    after = rss_mib(proc.pid)
    q = statistics.quantiles(latencies, n=100)
    print(f"{CLIENTS} clients x {REQUESTS} requests: {len(latencies)} done in {wall:.1f} s = {len(latencies) / wall:.1f} "
          f"requests/s; latency p50 {q[49]:.2f} s, p90 {q[89]:.2f} s, p99 {q[98]:.2f} s, max {max(latencies):.2f} s; "
          f"errors {len(errors)}; server memory {before:.0f} -> {after:.0f} MiB")
    for e in errors[:10]:
        print("  " + e)
    ok = not errors and len(latencies) == CLIENTS * REQUESTS and after - before < 32
finally:
    proc.terminate()
    proc.wait(timeout=60)
sys.exit(0 if ok else 1)
