#!/usr/bin/env python3
"""`lantern-cli pull` against fakehub.py on 127.0.0.1 (no other network).

  pulltest.py LANTERN_CLI FAKEHUB_PY [REAL_MODEL_GGUF]

The central case: a pull killed with SIGKILL at ~40 % (the fake CDN is throttled so the moment is certain) and
run again resumes from the partial file: the file ends complete and verified, and the server's log shows that
the second run asked for "Range: bytes=K-" and was sent only the missing bytes. Also: HF_HUB_OFFLINE and
LANTERN_OFFLINE refuse with no request at all, --list, the quant choice, and Ctrl+C (SIGINT) pausing.

With REAL_MODEL_GGUF (a small model the engine runs), the issue's "network cable": the hub dies at ~40 % of
that model, the app is killed and started again, the hub comes back at another address (the endpoint setting),
the pull resumes with only the missing bytes, and the downloaded model answers exactly as the original file does.
"""
import shutil
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

CLI, FAKEHUB = sys.argv[1], sys.argv[2]
REAL_MODEL = sys.argv[3] if len(sys.argv) > 3 else None
REPO = "lantern-test/Tiny-GGUF"
SIZE = 4 << 20
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def write_model(path, size, seed):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = bytearray(hashlib.sha256(str(seed).encode()).digest() * (size // 32))
    data[0:4] = b"GGUF"
    with open(path, "wb") as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Hub:
    def __init__(self, root):
        self.proc = subprocess.Popen([sys.executable, FAKEHUB, "--root", root], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        ports = json.loads(self.proc.stdout.readline())
        self.url = "http://127.0.0.1:%d" % ports["hub"]
        # The test's own requests never go through a proxy the environment may name.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def post(self, path, body):
        req = urllib.request.Request(self.url + path, json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
        self.opener.open(req).read()

    def log(self):
        return json.loads(self.opener.open(self.url + "/_log").read())

    def cdn_gets(self):
        # Leaves out a copy of a request that Qt re-sends by itself after a cut and abandons before any byte.
        return [r for r in self.log()["requests"] if r["server"] == "cdn" and r["method"] == "GET"
                and not (r.get("client_closed") and r["bytes"] == 0)]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(5)


def wait_for_part(proc, part, size):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        if os.path.exists(part) and os.path.getsize(part) >= size:
            return True
        time.sleep(0.02)  # polling a file another process writes: there is no signal to wait for
    return False


def network_cable(env, models, tmp):
    repo, name = "lantern-test/Real-GGUF", "Real-Q4_K_M.gguf"
    root = os.path.join(tmp, "hub-real")
    os.makedirs(os.path.join(root, repo))
    shutil.copyfile(REAL_MODEL, os.path.join(root, repo, name))
    size, sha = os.path.getsize(REAL_MODEL), sha256_of(REAL_MODEL)
    part = os.path.join(models, ".downloads", name + ".part")
    hub = Hub(root)
    hub.post("/_control", {"throttle": size // 8})  # ~8 s for all of it: 40 % comes at a certain moment
    pull = subprocess.Popen([CLI, "pull", repo + ":Q4_K_M", "--endpoint", hub.url, "--models", models], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(wait_for_part(pull, part, size * 2 // 5), "cable: 40 % of the real model arrived")
    hub.proc.kill()  # the cable is pulled: the server is gone mid-body
    hub.proc.wait(5)
    time.sleep(1.5)  # the pull sees the cut and the refused reconnects
    check(pull.poll() is None, "cable: the pull keeps retrying while the hub is gone")
    pull.send_signal(signal.SIGKILL)  # and the app is closed the hard way
    pull.communicate(timeout=10)
    kept = os.path.getsize(part)
    check(size // 3 < kept < size, "cable: %d of %d bytes kept" % (kept, size))

    hub = Hub(root)  # back, at another port: the endpoint setting points the restarted app to it
    try:
        r = subprocess.run([CLI, "pull", repo + ":Q4_K_M", "--endpoint", hub.url, "--models", models], env=env,
                           capture_output=True, text=True, timeout=60)
        final = os.path.join(models, name)
        check(r.returncode == 0 and "Resuming" in r.stdout and "verified (SHA-256)" in r.stdout,
              "cable: the restarted pull resumed and verified: " + (r.stderr.strip() or "ok"))
        check(os.path.exists(final) and sha256_of(final) == sha, "cable: the model's SHA-256 matches")
        gets = hub.cdn_gets()
        check(len(gets) == 1 and gets[0]["range"] == "bytes=%d-" % kept and gets[0]["bytes"] == size - kept,
              "cable: only the missing %d bytes came (%s)" % (size - kept, [(g["range"], g["bytes"]) for g in gets]))
    finally:
        hub.close()
    # The model loads and answers, token for token as the original file does.
    answer = [CLI, "run", "-p", "The library", "--raw", "--greedy", "-n", "8", "--device", "cpu", "-m"]
    got = subprocess.run(answer + [final], env=env, capture_output=True, text=True, timeout=120)
    want = subprocess.run(answer + [REAL_MODEL], env=env, capture_output=True, text=True, timeout=120)
    check(got.returncode == 0 and got.stdout.strip() != "" and got.stdout == want.stdout,
          "cable: the downloaded model answers as the original does: %r (%s)" % (got.stdout, got.stderr.strip()[-200:]))


def main():
    tmp = tempfile.mkdtemp(prefix="lantern-pulltest-")
    root, models = os.path.join(tmp, "hub"), os.path.join(tmp, "models")
    sha = write_model(os.path.join(root, REPO, "Tiny-Q4_K_M.gguf"), SIZE, 1)
    sha8 = write_model(os.path.join(root, REPO, "Tiny-Q8_0.gguf"), 1 << 20, 2)
    write_model(os.path.join(root, "lantern-test/NoQ4-GGUF", "NoQ4-Q8_0.gguf"), 4096, 3)
    hub = Hub(root)
    env = dict(os.environ)
    for v in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "HF_TOKEN",
              "HF_HUB_OFFLINE", "LANTERN_OFFLINE", "HF_ENDPOINT"):
        env.pop(v, None)
    # Settings and data of its own, never the user's.
    env.update({"XDG_CONFIG_HOME": os.path.join(tmp, "config"), "XDG_DATA_HOME": os.path.join(tmp, "data"),
                "HOME": tmp})
    base = [CLI, "pull"]
    opts = ["--endpoint", hub.url, "--models", models]

    def run(args, extra_env=None, timeout=60):
        return subprocess.run(base + args + opts, env=dict(env, **(extra_env or {})), capture_output=True,
                              text=True, timeout=timeout)

    try:
        # Offline: refused before any request.
        hub.post("/_reset", {})
        for var in ("HF_HUB_OFFLINE", "LANTERN_OFFLINE"):
            r = run([REPO + ":Q4_K_M"], {var: "1"})
            check(r.returncode != 0 and "makes no network request" in r.stderr, var + " refuses: " + r.stderr.strip())
        check(len(hub.log()["requests"]) == 0, "offline: zero requests in the server log")

        # --list shows the GGUF models with sizes.
        r = run([REPO, "--list"])
        check(r.returncode == 0 and "Q4_K_M" in r.stdout and "Q8_0" in r.stdout and "4.2 MB" in r.stdout,
              "--list: " + r.stdout.strip().replace("\n", " | "))

        # No Q4_K_M and no :QUANT: says which quants exist.
        r = run(["lantern-test/NoQ4-GGUF"])
        check(r.returncode == 1 and "Q8_0" in r.stderr, "no Q4_K_M: " + r.stderr.strip())

        # A catalogue id that is not there names the ones that are.
        r = run(["no-such-model-anywhere"])
        check(r.returncode == 1 and "not in Lantern's catalogue" in r.stderr, "unknown id: " + r.stderr.strip())

        # Killed at ~40 %, then run again: only the missing bytes come.
        hub.post("/_reset", {})
        hub.post("/_control", {"throttle": 1 << 20})
        part = os.path.join(models, ".downloads", "Tiny-Q4_K_M.gguf.part")
        proc = subprocess.Popen(base + [REPO + ":Q4_K_M"] + opts, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            if os.path.exists(part) and os.path.getsize(part) >= SIZE * 2 // 5:
                break
            time.sleep(0.02)  # polling a file another process writes: there is no signal to wait for
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=10)
        kept = os.path.getsize(part) if os.path.exists(part) else 0
        check(SIZE // 3 < kept < SIZE, "killed with %d of %d bytes on disk" % (kept, SIZE))
        check(os.path.exists(part + ".json"), "the sidecar survived the kill")
        check(not os.path.exists(os.path.join(models, "Tiny-Q4_K_M.gguf")), "nothing in the models folder yet")
        check("%" in out, "plain progress lines when stdout is not a terminal")

        hub.post("/_reset", {})  # the log now holds only the second run
        r = run([REPO + ":Q4_K_M"])
        final = os.path.join(models, "Tiny-Q4_K_M.gguf")
        check(r.returncode == 0, "second run succeeded: " + (r.stderr.strip() or "ok"))
        check("Resuming" in r.stdout, "second run resumed")
        check(final in r.stdout and "verified (SHA-256)" in r.stdout, "prints the path and 'verified (SHA-256)'")
        check(os.path.exists(final) and sha256_of(final) == sha, "the file is complete and its SHA-256 matches")
        check(not os.path.exists(part) and not os.path.exists(part + ".json"), "no partial file is left")
        gets = hub.cdn_gets()
        check(len(gets) == 1 and gets[0]["range"] == "bytes=%d-" % kept,
              "second run asked for Range: bytes=%d- (%s)" % (kept, [g["range"] for g in gets]))
        # Per request: the killed run's connection may still be winding down on the server's side.
        sent = gets[0]["bytes"] if gets else -1
        check(sent == SIZE - kept, "second run was sent only the missing %d bytes (sent %d)" % (SIZE - kept, sent))

        # The file form names one file; one already in the models folder is not fetched again.
        hub.post("/_reset", {})
        r = run([REPO + "/Tiny-Q4_K_M.gguf"])
        check(r.returncode == 1 and "already in the models folder" in r.stderr, "file form: " + r.stderr.strip())
        check(len(hub.cdn_gets()) == 0, "file form: nothing fetched again")

        # Ctrl+C pauses and says how to resume; the next run finishes.
        hub.post("/_reset", {})
        hub.post("/_control", {"throttle": 512 << 10})
        part8 = os.path.join(models, ".downloads", "Tiny-Q8_0.gguf.part")
        proc = subprocess.Popen(base + [REPO + ":Q8_0"] + opts, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            if os.path.exists(part8) and os.path.getsize(part8) > 0:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        check(proc.returncode == 130 and "Paused" in err and "again to resume" in err,
              "Ctrl+C pauses: rc %s, %s" % (proc.returncode, err.strip()))
        check(os.path.exists(part8), "Ctrl+C keeps the partial file")
        hub.post("/_control", {"throttle": 0})
        r = run([REPO + ":Q8_0"])
        check(r.returncode == 0 and sha256_of(os.path.join(models, "Tiny-Q8_0.gguf")) == sha8,
              "the paused pull finishes: " + (r.stderr.strip() or "ok"))
        if REAL_MODEL:
            network_cable(env, models, tmp)
    finally:
        hub.close()
    if failures:
        print("%d check(s) failed" % len(failures))
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
