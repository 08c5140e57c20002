#!/usr/bin/env python3
"""lantern-cli serve against the official `openai` Python client and curl, on the real default model.

Usage: openai_client.py LANTERN_CLI MODEL.gguf
Exits 77 (ctest: skipped) when the model file is absent; fails when the `openai` package is missing (the
test venv must have it: scripts/lib/setup.sh). Every request goes to 127.0.0.1.
"""
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request

if len(sys.argv) != 3:
    sys.exit(__doc__)
CLI, MODEL = sys.argv[1], sys.argv[2]
if not os.path.isfile(MODEL):
    print(f"SKIP: no model at {MODEL}")
    sys.exit(77)
import openai  # noqa: E402  (after the skip: a missing model must not need the package)

FAILURES = []


def check(cond, what):
    print(("PASS  " if cond else "FAIL  ") + what, flush=True)
    if not cond:
        FAILURES.append(what)


def start_server(*extra):
    proc = subprocess.Popen([CLI, "serve", "-m", MODEL, "--port", "0", *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    m = re.search(r"listening on http://([\d.]+):(\d+)/v1", line)
    if not m:
        proc.kill()
        sys.exit(f"lantern-cli serve did not start: {line!r} {proc.stdout.read()}")
    port = int(m.group(2))
    for _ in range(600):  # until the model is loaded
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
                if json.load(r)["status"] == "ok":
                    break
        except urllib.error.HTTPError as e:
            if e.code != 503:
                raise
        time.sleep(0.1)
    else:
        sys.exit("the model did not load within 60 s")
    # Keep reading the log so the pipe never fills.
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    return proc, port


def raw_request(port, request: bytes, read_until=None, timeout=30):
    """Sends bytes, returns what came back (until the peer closes, or until read_until appears)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if read_until and read_until in data:
                break
        return data


def post(port, path, body: dict, headers=None):
    payload = json.dumps(body).encode()
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n" \
           f"Content-Length: {len(payload)}\r\nConnection: close\r\n"
    for k, v in (headers or {}).items():
        head += f"{k}: {v}\r\n"
    return raw_request(port, head.encode() + b"\r\n" + payload)


QUESTION = [{"role": "user", "content": "What is the capital of France?"}]

proc, port = start_server("--ping-interval-ms", "150")  # keep-alive comments wherever output pauses
try:
    base = f"http://127.0.0.1:{port}/v1"
    client = openai.OpenAI(base_url=base, api_key="unused", max_retries=0, timeout=120)

    taken = subprocess.run([CLI, "serve", "-m", MODEL, "--port", str(port)], capture_output=True, text=True, timeout=30)
    check(taken.returncode != 0 and "in use" in taken.stderr, "a second server on the same port is refused (no SO_REUSEPORT sharing)")

    models = client.models.list()
    model_id = os.path.basename(MODEL)[:-len(".gguf")]
    check([m.id for m in models.data] == [model_id], f"models.list() names the loaded model ({model_id})")

    # Non-streamed, greedy: the same answer as `lantern-cli run --greedy`.
    native = subprocess.run([CLI, "run", "-m", MODEL, "-p", QUESTION[0]["content"], "-n", "16", "--greedy", "--quiet"],
                            capture_output=True, text=True, check=True).stdout.strip()
    r = client.chat.completions.create(model=model_id, messages=QUESTION, max_tokens=16, temperature=0)
    answer = r.choices[0].message.content
    check(answer == native, f"non-streamed greedy answer {answer!r} = lantern-cli run's {native!r}")
    check(r.object == "chat.completion" and r.choices[0].message.role == "assistant", "reply object and role")
    check(r.usage.prompt_tokens > 0 and r.usage.completion_tokens > 0 and
          r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens, f"usage {r.usage}")
    check(r.choices[0].finish_reason in ("stop", "length"), f"finish_reason {r.choices[0].finish_reason}")

    # Streamed: role first, content deltas, a finish_reason, the usage chunk, then [DONE].
    stream = client.chat.completions.create(model=model_id, messages=QUESTION, max_tokens=16, temperature=0, stream=True,
                                            stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    check(text == native, f"streamed text {text!r} = the non-streamed answer")
    check(chunks[0].choices[0].delta.role == "assistant", "the first chunk carries the role")
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    check(finishes == ["stop"] or finishes == ["length"], f"exactly one finish_reason ({finishes})")
    check(chunks[-1].choices == [] and chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0,
          "the last chunk is the usage chunk")
    check(len({c.id for c in chunks}) == 1, "one id across the stream")

    # max_tokens gives finish_reason length with exactly that many tokens.
    r = client.chat.completions.create(model=model_id, messages=[{"role": "user", "content": "Count from 1 to 50."}],
                                       max_tokens=5, temperature=0)
    check(r.choices[0].finish_reason == "length" and r.usage.completion_tokens == 5, "max_tokens=5 → length, 5 tokens")

    # stop: the text ends before the stop string.
    full = client.chat.completions.create(model=model_id, messages=QUESTION, max_tokens=16, temperature=0)
    cut = full.choices[0].message.content.split(" ")[3]  # "The capital of France is Paris." → stop at "is"
    r = client.chat.completions.create(model=model_id, messages=QUESTION, max_tokens=16, temperature=0, stop=[" " + cut])
    check(r.choices[0].message.content == full.choices[0].message.content.split(" " + cut)[0] and
          r.choices[0].finish_reason == "stop", f"stop={' ' + cut!r} → {r.choices[0].message.content!r}")

    # seed: the same seed samples the same text at temperature 1; another seed (very likely) differs.
    story = [{"role": "user", "content": "Write one sentence about a cat."}]
    a = client.chat.completions.create(model=model_id, messages=story, max_tokens=24, temperature=1.0, seed=1234)
    b = client.chat.completions.create(model=model_id, messages=story, max_tokens=24, temperature=1.0, seed=1234)
    c = [client.chat.completions.create(model=model_id, messages=story, max_tokens=24, temperature=1.0, seed=s)
         .choices[0].message.content for s in (1, 2, 3)]
    check(a.choices[0].message.content == b.choices[0].message.content, "seed 1234 twice → the same text")
    check(any(t != a.choices[0].message.content for t in c), "other seeds → other text")

    # /v1/completions: a raw continuation.
    r = client.completions.create(model=model_id, prompt="The capital of France is", max_tokens=4, temperature=0)
    check(r.object == "text_completion" and len(r.choices[0].text) > 0, f"completions: {r.choices[0].text!r}")

    # Two clients at once: both complete, each with its own answer.
    results = {}

    def ask(name, question):
        c2 = openai.OpenAI(base_url=base, api_key="unused", max_retries=0, timeout=120)
        results[name] = c2.chat.completions.create(model=model_id, messages=[{"role": "user", "content": question}],
                                                   max_tokens=16, temperature=0).choices[0].message.content
    threads = [threading.Thread(target=ask, args=(n, q)) for n, q in
               (("fr", "What is the capital of France?"), ("de", "What is the capital of Germany?"))]
    [t.start() for t in threads]
    [t.join() for t in threads]
    check(results.get("fr") == native and results.get("de") and "Berlin" in results["de"],
          f"two clients at once: {results}")

    # Bad requests: OpenAI's error shape and status, raised by the client as the matching exception.
    for kwargs, exc, what in (
            (dict(model="no-such-model", messages=QUESTION), openai.NotFoundError, "unknown model → 404"),
            (dict(model=model_id, messages=QUESTION, n=2), openai.BadRequestError, "n=2 → 400"),
            (dict(model=model_id, messages=QUESTION, tools=[{"type": "function", "function": {"name": "f"}}]),
             openai.BadRequestError, "tools → 400"),
            (dict(model=model_id, messages=[{"role": "user", "content": "word " * 9000}]), openai.BadRequestError,
             "a prompt longer than the context → 400"),
    ):
        try:
            client.chat.completions.create(max_tokens=4, **kwargs)
            check(False, what)
        except exc as e:
            check(isinstance(e.body, dict) and "message" in e.body, f"{what} ({e.body.get('code') or e.body.get('param')})")
    try:
        client.chat.completions.create(model=model_id, messages=[{"role": "user", "content": "word " * 9000}],
                                       max_tokens=4, stream=True)
        check(False, "a streamed prompt longer than the context → 400")
    except openai.BadRequestError as e:
        check(e.body.get("code") == "context_length_exceeded", "a streamed prompt longer than the context → 400 before any chunk")
    bad = post(port, "/v1/chat/completions", {})
    check(bad.startswith(b"HTTP/1.1 400") and b'"param":"messages"' in bad, "no messages → 400 naming 'messages'")
    broken = raw_request(port, f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
                               f"Connection: close\r\n\r\n{{bad}}".encode())
    check(broken.startswith(b"HTTP/1.1 400") and b"invalid_json" in broken, "bad JSON → 400 invalid_json")
    big = b"x" * (9 << 20)
    huge = raw_request(port, f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(big)}\r\n"
                             f"Connection: close\r\n\r\n".encode() + big)
    check(huge.startswith(b"HTTP/1.1 413") and b'"error"' in huge, "a 9 MiB body → 413 with an error object")
    rebinding = raw_request(port, b"GET /v1/models HTTP/1.1\r\nHost: attacker.example:80\r\nConnection: close\r\n\r\n")
    check(rebinding.startswith(b"HTTP/1.1 403"), "a non-loopback Host header → 403 (DNS rebinding)")
    page = raw_request(port, b"GET /v1/models HTTP/1.1\r\nHost: localhost\r\nOrigin: https://evil.example\r\n"
                             b"Connection: close\r\n\r\n")
    check(page.startswith(b"HTTP/1.1 403") and b"Access-Control-Allow-Origin" not in page,
          "a web page's request (unlisted Origin) → 403, no CORS header")

    # curl: the raw SSE framing. Every event is `data: ...` + a blank line, JSON but the last, which is [DONE].
    raw = subprocess.run(["curl", "-sN", f"{base}/chat/completions", "-H", "Content-Type: application/json", "-d",
                          json.dumps({"model": model_id, "messages": QUESTION, "max_tokens": 8, "stream": True})],
                         capture_output=True, text=True, timeout=60).stdout
    events = raw.split("\n\n")
    check(events[-1] == "" and events[-2] == "data: [DONE]", "curl: the stream ends with 'data: [DONE]' and a blank line")
    payloads = [e for e in events[:-2] if not e.startswith(":")]
    check(all(e.startswith("data: ") and json.loads(e[6:]) for e in payloads) and len(payloads) >= 3,
          f"curl: {len(payloads)} events, each 'data: {{json}}'")

    # A long prompt: the stream's keep-alives are SSE comments, which the client skips and curl shows.
    long_prompt = json.dumps({"model": model_id, "max_tokens": 4, "stream": True,
                              "messages": [{"role": "user", "content": "Summarise: " + "the cat sat on the mat. " * 350}]})
    raw = subprocess.run(["curl", "-sN", f"{base}/chat/completions", "-H", "Content-Type: application/json", "-d", long_prompt],
                         capture_output=True, text=True, timeout=120).stdout
    pings = raw.count("\n\n: ping\n\n")
    check(pings >= 1 and raw.endswith("data: [DONE]\n\n"), f"a 2,800-token prompt: {pings} ': ping' comments, then the answer")
    text = "".join(c.choices[0].delta.content or "" for c in client.chat.completions.create(
        model=model_id, messages=json.loads(long_prompt)["messages"], max_tokens=4, stream=True) if c.choices)
    check(len(text) > 0, f"the openai client reads through the pings: {text!r}")

    # A client that leaves mid-stream stops its generation: a 4000-token request, abandoned after its first chunk,
    # must not delay the next request (which would wait ~25 s for it otherwise).
    body = json.dumps({"model": model_id, "messages": [{"role": "user", "content": "Tell me a very long story."}],
                       "max_tokens": 4000, "temperature": 1.0, "seed": 7, "stream": True}).encode()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    got = b""
    while got.count(b"data: ") < 3:
        got += s.recv(4096)
    s.close()
    t0 = time.monotonic()
    r = client.chat.completions.create(model=model_id, messages=QUESTION, max_tokens=16, temperature=0)
    waited = time.monotonic() - t0
    check(r.choices[0].message.content == native and waited < 3.0,
          f"after a client left mid-stream the next answer took {waited:.2f} s (its generation was cancelled)")
finally:
    proc.terminate()
    try:
        rc = proc.wait(timeout=30)
        check(rc == 0, f"SIGTERM stops the server cleanly (exit {rc})")
    except subprocess.TimeoutExpired:
        proc.kill()
        check(False, "SIGTERM stops the server within 30 s")

# An API key: required on everything but /health; a non-loopback address without one is refused.
proc, port = start_server("--api-key", "sekrit")
try:
    base = f"http://127.0.0.1:{port}/v1"
    try:
        openai.OpenAI(base_url=base, api_key="wrong", max_retries=0).models.list()
        check(False, "a wrong key → 401")
    except openai.AuthenticationError:
        check(True, "a wrong key → 401")
    ok = openai.OpenAI(base_url=base, api_key="sekrit", max_retries=0).models.list()
    check(len(ok.data) == 1, "the right key → the model list")
    health = raw_request(port, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    check(health.startswith(b"HTTP/1.1 200"), "/health needs no key")
finally:
    proc.terminate()
    proc.wait(timeout=30)
open_lan = subprocess.run([CLI, "serve", "-m", MODEL, "--host", "0.0.0.0", "--port", "0"], capture_output=True, text=True,
                          timeout=30, env={k: v for k, v in os.environ.items() if k != "LANTERN_API_KEY"})
check(open_lan.returncode != 0 and "API key" in open_lan.stderr, "--host 0.0.0.0 without a key is refused")

print(f"\n{len(FAILURES)} failed" if FAILURES else "\nall passed")
sys.exit(1 if FAILURES else 0)
