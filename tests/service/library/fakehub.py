#!/usr/bin/env python3
"""A fake Hugging Face hub on 127.0.0.1 for Lantern's download tests (Python 3 standard library only).

Two servers, like the real hub: the "hub" port answers the API and /{repo}/resolve/{rev}/{path} with a 302 to the
"CDN" port, which serves the bytes (Range, 206, Content-Range, 416, If-Range). Files come from --root:
ROOT/{owner}/{name}/{path}. On start it prints {"hub": PORT, "cdn": PORT} on one line of stdout; it exits when
stdin closes (its parent went away) or on SIGTERM.

  hub  HEAD|GET /{owner}/{name}/resolve/{rev}/{path}   302 + X-Linked-Etag ("sha256"), X-Linked-Size, ETag
  hub  GET /api/models?search=Q                        repositories under ROOT whose id contains Q
  hub  GET /api/models/{owner}/{name}/tree/{rev}       the hub's tree listing (?recursive=true), lfs.oid = SHA-256
  cdn  HEAD|GET /cdn/{owner}/{name}/{path}             the bytes; ETag "cdn-<sha[:16]>-v<N>"
  both POST /_control {...}                            misbehave on purpose (below); POST /_reset forgets it all
  both GET /_log                                       {"requests": [...], "sent": {file: bytes}} (not /_ paths);
                                                       "client_closed": the client went away mid-answer

/_control takes any of:
  "faults": [{"mode": M, "where": "cdn"|"hub", "path": substring, "count": N, ...}]  appended; each applies to
      the next N (default 1) matching GETs of a file ("method": "HEAD" for HEADs), then is gone. Modes:
        cut           close the connection after "fraction" (default 0.4) of the body asked for
        stall         headers (and "fraction" of the body, default 0), then "seconds" (default 30) of silence
        wrong_length  announce Content-Length + "delta" (default +1000); with delta > 0 the connection closes
                      after the real bytes
        corrupt       flip the byte "at" (default: the middle) of what is sent
        416, 500, 403 that status instead of the file (416: only to a request with a Range)
        ignore_range  200 with the whole file to a request with a Range
        slow          "bytes_per_second" for this request only
      and any fault may carry "then_etag_version": N, applied once its request ends (a file that changes
      while a download is cut off).
  "throttle": bytes per second for every CDN body (0 = full speed)
  "etag_version": N  the CDN's ETag changes (If-Range with the old one gets the whole file, as a real server)
  "require_token": "T"  the hub answers 401 unless "Authorization: Bearer T" ("" = none needed)
  "no_sha": true     the hub says no SHA-256 (no X-Linked-Etag, no lfs in the tree), like a server that cannot
"""
import argparse
import hashlib
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = 64 * 1024


class State:
    def __init__(self, root):
        self.lock = threading.Lock()
        self.root = os.path.abspath(root)
        self.hub_port = 0
        self.cdn_port = 0
        self.hashes = {}  # (path, size, mtime) -> sha256
        self.reset()

    def reset(self):
        with self.lock:
            self.faults = []
            self.throttle = 0
            self.etag_version = 1
            self.require_token = ""
            self.no_sha = False
            self.log = []
            self.sent = {}

    def file(self, repo, path):
        """(absolute path, size, sha256) of repo/path, or None."""
        full = os.path.normpath(os.path.join(self.root, repo, path))
        if not full.startswith(self.root + os.sep) or not os.path.isfile(full):
            return None
        st = os.stat(full)
        key = (full, st.st_size, st.st_mtime_ns)
        with self.lock:
            sha = self.hashes.get(key)
        if sha is None:
            h = hashlib.sha256()
            with open(full, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
            sha = h.hexdigest()
            with self.lock:
                self.hashes[key] = sha
        return full, st.st_size, sha

    def take_fault(self, where, name, has_range=False, method="GET"):
        with self.lock:
            for fault in self.faults:
                if fault.get("method", "GET") != method:
                    continue
                # Refusing or ignoring a range needs a request that asks for one.
                if fault["mode"] in ("416", "ignore_range") and not has_range:
                    continue
                if fault.get("where", "cdn") == where and fault.get("path", "") in name:
                    fault["count"] = fault.get("count", 1) - 1
                    if fault["count"] <= 0:
                        self.faults.remove(fault)
                    return dict(fault)
        return None

    def cdn_etag(self, sha):
        with self.lock:
            return '"cdn-%s-v%d"' % (sha[:16], self.etag_version)


def repos(root):
    out = []
    for owner in sorted(os.listdir(root)):
        if os.path.isdir(os.path.join(root, owner)):
            for name in sorted(os.listdir(os.path.join(root, owner))):
                if os.path.isdir(os.path.join(root, owner, name)):
                    out.append(owner + "/" + name)
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakehub/1"
    role = "hub"  # set per server class
    state: State = None

    def log_message(self, *args):
        pass

    # ---- plumbing -------------------------------------------------------------------------------------------

    def record(self, status):
        entry = {
            "server": self.role,
            "method": self.command,
            "path": urllib.parse.urlsplit(self.path).path,
            "query": urllib.parse.urlsplit(self.path).query,
            "range": self.headers.get("Range", ""),
            "if_range": self.headers.get("If-Range", ""),
            "authorization": self.headers.get("Authorization", ""),
            "host": self.headers.get("Host", ""),
            "status": status,
            "bytes": 0,
            "client_port": self.client_address[1],  # which connection: tells a resend on a new one apart
        }
        if not entry["path"].startswith("/_"):
            with self.state.lock:
                self.state.log.append(entry)
        return entry

    def reply(self, status, body=b"", headers=None, content_type="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.record(status)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def cut(self):
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        path = urllib.parse.urlsplit(self.path).path
        if path == "/_reset":
            self.state.reset()
        elif path == "/_control":
            with self.state.lock:
                self.state.faults.extend(body.get("faults", []))
                if "throttle" in body:
                    self.state.throttle = int(body["throttle"])
                if "etag_version" in body:
                    self.state.etag_version = int(body["etag_version"])
                if "require_token" in body:
                    self.state.require_token = body["require_token"]
                if "no_sha" in body:
                    self.state.no_sha = bool(body["no_sha"])
        else:
            return self.reply(404, {"error": "no such control"})
        self.reply(200, {"ok": True})

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        parts = [urllib.parse.unquote(p) for p in url.path.split("/")[1:]]
        try:
            if url.path == "/_log":
                with self.state.lock:
                    return self.reply(200, {"requests": self.state.log, "sent": self.state.sent})
            if self.role == "cdn":
                if len(parts) >= 4 and parts[0] == "cdn":
                    return self.serve_bytes("/".join(parts[1:3]), "/".join(parts[3:]))
            elif len(parts) >= 5 and parts[2] == "resolve":
                return self.resolve("/".join(parts[:2]), parts[3], "/".join(parts[4:]))
            elif parts[:2] == ["api", "models"] and len(parts) == 2:
                return self.search(urllib.parse.parse_qs(url.query))
            elif parts[:2] == ["api", "models"] and len(parts) >= 6 and parts[4] == "tree":
                return self.tree("/".join(parts[2:4]), "/".join(parts[6:]), urllib.parse.parse_qs(url.query))
            self.reply(404, {"error": "Not found"})
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # ---- the hub ----------------------------------------------------------------------------------------------

    def token_ok(self):
        with self.state.lock:
            need = self.state.require_token
        return not need or self.headers.get("Authorization", "") == "Bearer " + need

    def resolve(self, repo, rev, path):
        fault = self.state.take_fault("hub", repo + "/" + path, method=self.command)
        if fault and fault["mode"] in ("500", "416"):
            return self.reply(int(fault["mode"]), {"error": "fault " + fault["mode"]})
        if not self.token_ok():
            return self.reply(401, {"error": "Access to model %s is restricted." % repo},
                              {"X-Error-Code": "GatedRepo"})
        info = self.state.file(repo, path)
        if info is None:
            return self.reply(404, {"error": "Entry not found"}, {"X-Error-Code": "EntryNotFound",
                                                                   "X-Error-Message": "Entry not found"})
        _, size, sha = info
        location = "http://127.0.0.1:%d/cdn/%s/%s?expires=%d" % (
            self.state.cdn_port, urllib.parse.quote(repo), urllib.parse.quote(path), int(time.time()) + 3600)
        headers = {"Location": location, "X-Linked-Etag": '"%s"' % sha, "X-Linked-Size": str(size),
                   "ETag": '"%s"' % sha, "X-Repo-Commit": "0" * 40, "Accept-Ranges": "bytes"}
        with self.state.lock:
            if self.state.no_sha:
                for k in ("X-Linked-Etag", "X-Linked-Size", "ETag"):
                    del headers[k]
        self.reply(302, b"", headers)

    def search(self, query):
        q = query.get("search", [""])[0].lower()
        limit = int(query.get("limit", ["20"])[0])
        out = [{"_id": r, "id": r, "modelId": r, "likes": 3, "downloads": 1000 - i, "private": False,
                "lastModified": "2025-05-01T12:00:00.000Z", "tags": ["gguf", "text-generation"]}
               for i, r in enumerate(repos(self.state.root)) if q in r.lower()]
        self.reply(200, out[:limit])

    def tree(self, repo, sub, query):
        base = os.path.join(self.state.root, repo)
        if not os.path.isdir(base):
            return self.reply(404, {"error": "Repository not found"})
        recursive = query.get("recursive", ["false"])[0] == "true"
        out = []
        for dirpath, dirnames, filenames in os.walk(os.path.join(base, sub)):
            dirnames.sort()
            rel_dir = os.path.relpath(dirpath, base)
            for d in dirnames:
                out.append({"type": "directory", "oid": "1" * 40, "size": 0,
                            "path": os.path.normpath(os.path.join(rel_dir, d))})
            for f in sorted(filenames):
                rel = os.path.normpath(os.path.join(rel_dir, f))
                _, size, sha = self.state.file(repo, rel)
                out.append({"type": "file", "oid": hashlib.sha1(sha.encode()).hexdigest(), "size": size,
                            "path": rel, "lfs": {"oid": sha, "size": size, "pointerSize": 134}})
            if not recursive:
                break
        self.reply(200, out)

    # ---- the CDN ----------------------------------------------------------------------------------------------

    def serve_bytes(self, repo, path):
        info = self.state.file(repo, path)
        if info is None:
            return self.reply(404, b"NoSuchKey", content_type="text/plain")
        full, size, sha = info
        name = repo + "/" + path
        etag = self.state.cdn_etag(sha)
        has_range = "Range" in self.headers
        fault = self.state.take_fault("cdn", name, has_range, self.command)
        mode = fault["mode"] if fault else ""
        if mode in ("500", "416", "403"):
            extra = {"Content-Range": "bytes */%d" % size} if mode == "416" else {}
            return self.reply(int(mode), b"fault", extra, "text/plain")

        start, end, status = 0, size - 1, 200
        wanted = self.headers.get("Range", "")
        if_range = self.headers.get("If-Range")
        if wanted.startswith("bytes=") and "," not in wanted and mode != "ignore_range" and \
                (if_range is None or if_range == etag):
            first, _, last = wanted[6:].partition("-")
            try:
                if first:
                    start = int(first)
                    end = min(int(last), size - 1) if last else size - 1
                else:
                    start, end = max(0, size - int(last)), size - 1
            except ValueError:
                start, end = 0, size - 1
            if start >= size or start > end:
                return self.reply(416, b"", {"Content-Range": "bytes */%d" % size}, "text/plain")
            status = 206
        length = end - start + 1
        announced = length + (int(fault.get("delta", 1000)) if mode == "wrong_length" else 0)
        entry = self.record(status)
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(announced))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.end_headers()
        if self.command == "HEAD":
            return
        self.wfile.flush()

        limit = length
        if mode == "cut":
            limit = int(length * float(fault.get("fraction", 0.4)))
        elif mode == "stall":
            limit = int(length * float(fault.get("fraction", 0.0)))
        elif mode == "wrong_length" and announced < length:
            limit = announced
        flip = start + int(fault.get("at", length // 2)) if mode == "corrupt" else -1
        rate = int(fault.get("bytes_per_second", 0)) if mode == "slow" else 0

        sent = 0
        with open(full, "rb") as f:
            f.seek(start)
            while sent < limit:
                block = bytearray(f.read(min(CHUNK, limit - sent)))
                if not block:
                    break
                pos = start + sent
                if pos <= flip < pos + len(block):
                    block[flip - pos] ^= 0xFF
                try:
                    self.wfile.write(block)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    entry["client_closed"] = True
                    self.close_connection = True
                    break
                sent += len(block)
                with self.state.lock:
                    entry["bytes"] = sent
                    self.state.sent[name] = self.state.sent.get(name, 0) + len(block)
                    throttle = rate or self.state.throttle
                if throttle:
                    time.sleep(len(block) / throttle)
        if mode == "stall":
            time.sleep(float(fault.get("seconds", 30)))
        if fault and "then_etag_version" in fault:
            with self.state.lock:
                self.state.etag_version = int(fault["then_etag_version"])
        if mode in ("cut", "stall") or (mode == "wrong_length" and announced > length):
            self.cut()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder with OWNER/NAME/FILE")
    parser.add_argument("--throttle", type=int, default=0, help="CDN bytes per second (0 = full speed)")
    args = parser.parse_args()
    state = State(args.root)
    state.throttle = args.throttle

    def make(role):
        cls = type(role + "Handler", (Handler,), {"role": role, "state": state})
        server = ThreadingHTTPServer(("127.0.0.1", 0), cls)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    hub, cdn = make("hub"), make("cdn")
    state.hub_port, state.cdn_port = hub.server_address[1], cdn.server_address[1]
    print(json.dumps({"hub": state.hub_port, "cdn": state.cdn_port}), flush=True)
    # Lives as long as its parent: stdin closes when the test that started it ends, however it ends.
    try:
        while sys.stdin.read(4096):
            pass
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
