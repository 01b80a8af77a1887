"""A fault-injecting HTTP proxy for the end-to-end tests (stdlib only).

FaultProxy(upstream, rate=0.25, faults=("500", "reset"), seed=1, rules={...}) listens on a free 127.0.0.1
port and forwards every GET/HEAD to `upstream` (a reverse proxy: point --index-url at proxy.url + "/simple/";
relative links in the pages keep the files behind the proxy too). A request in absolute form
(`GET http://host:port/path`, as sent to an http_proxy) goes to that host instead, so the proxy also works as a
forward proxy (http_proxy=proxy.url).

Which requests fail is decided from a hash of (seed, path, how many times this path was asked for before), not
from the order requests arrive in: a run with the same seed fails the same requests, however many run in
parallel. `rate` of the requests get one of `faults` (picked by the same hash); `rules` force a fault on a path:
{"/files/x.whl": "truncate"} every time, {"/files/x.whl": "truncate*2"} the first 2 times.

Faults:
  500, 502, 503, 429   that status, no body from upstream ("503+retry-after:S" adds Retry-After: S)
  reset                the connection is closed with a TCP RST before any answer
  truncate             upstream's headers (Content-Length included) and half the body, then the connection closes
  stall                headers and half the body, then nothing for `stall` seconds, then close
  slow                 the whole answer, at `slow_bps` bytes a second
  endless              200 with no Content-Length and a body that never ends (fast)
  endless-zip          the same, but the body is a zip entry (streamed, sizes after the data) whose deflate
                       data never ends: an unpacker reading it as it arrives keeps going
  drip                 200 with no Content-Length and one byte a second, forever
  norange              upstream's answer with Accept-Ranges removed and any Range ignored (a server without ranges)

stats(): {"requests": n, "faults": {kind: n}, "log": [(method, path, range, fault or "")...]}.

Command line (manual runs): python3 faultproxy.py UPSTREAM [--rate R] [--faults 500,reset] [--seed N] [--port P]
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import socket
import socketserver
import struct
import sys
import threading
import time
from typing import Dict, Iterable, List, Optional, Tuple
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "trailer", "upgrade"}


class _Handler(socketserver.StreamRequestHandler):
    server: "_Server"

    def handle(self):
        try:
            while self._one():
                pass
        except (ConnectionError, OSError):
            pass

    def _read_head(self) -> Optional[Tuple[str, str, Dict[str, str]]]:
        line = self.rfile.readline(65536)
        if not line:
            return None
        parts = line.decode("latin-1").split()
        if len(parts) != 3:
            return None
        headers: Dict[str, str] = {}
        while True:
            h = self.rfile.readline(65536)
            if h in (b"\r\n", b"\n", b""):
                break
            name, _, value = h.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        return parts[0], parts[1], headers

    def _one(self) -> bool:
        head = self._read_head()
        if head is None:
            return False
        method, target, headers = head
        proxy = self.server.proxy
        if target.startswith("http://"):
            u = urlsplit(target)
            host, port, path = u.hostname, u.port or 80, (u.path or "/") + ("?" + u.query if u.query else "")
        else:
            host, port, path = proxy.upstream_host, proxy.upstream_port, target
        fault = proxy.decide(path.split("?")[0])
        proxy.record(method, path, headers.get("range", ""), fault)
        keep = headers.get("connection", "").lower() != "close"

        kind, _, arg = fault.partition("+")
        if kind == "reset":
            self._reset()
            return False
        if kind in ("500", "502", "503", "429"):
            extra = ""
            if arg.startswith("retry-after:"):
                extra = "Retry-After: " + arg.split(":", 1)[1] + "\r\n"
            body = b"injected failure\n"
            self._send(f"HTTP/1.1 {kind} Injected\r\nContent-Length: {len(body)}\r\n{extra}"
                       f"Content-Type: text/plain\r\n\r\n".encode() + body)
            return keep
        if kind in ("endless", "drip", "endless-zip"):
            self._send(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
            chunk = b"<a href='x'>x</a>\n" * 4096
            if kind == "endless-zip":
                name = b"endless/data.bin"
                # Local header: version 20, flags 8 (sizes in a data descriptor), deflate, no sizes.
                self._send(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 8, 8, 0, 0, 0, 0, 0, len(name), 0) + name)
                # Non-final stored deflate blocks of 65535 zero bytes, forever.
                chunk = b"\x00" + struct.pack("<HH", 0xFFFF, 0x0000) + b"\x00" * 0xFFFF
            deadline = time.monotonic() + proxy.endless_seconds
            while time.monotonic() < deadline and not proxy.stopping:
                if kind == "drip":
                    self._send(b"a")
                    time.sleep(1)
                else:
                    self._send(chunk)
            return False

        # Forward to upstream.
        fwd = {k: v for k, v in headers.items() if k not in HOP_BY_HOP and k != "host"}
        norange = kind == "norange" or not proxy.ranges
        if norange:
            fwd.pop("range", None)
            fwd.pop("if-range", None)
        conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            conn.request(method, path, headers={**fwd, "Host": f"{host}:{port}", "Connection": "close"})
            resp = conn.getresponse()
            body = resp.read() if method != "HEAD" else b""
            status, reason, rheaders = resp.status, resp.reason, resp.getheaders()
        finally:
            conn.close()
        lines = [f"HTTP/1.1 {status} {reason}"]
        length = None
        for name, value in rheaders:
            low = name.lower()
            if low in HOP_BY_HOP or (norange and low == "accept-ranges"):
                continue
            if low == "content-length":
                length = value
                continue
            lines.append(f"{name}: {value}")
        lines.append(f"Content-Length: {length if method == 'HEAD' and length else len(body)}")
        if kind in ("truncate", "stall"):
            lines.append("Connection: close")
        head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if kind == "truncate":
            self._send(head_bytes + body[: len(body) // 2])
            self._close()
            return False
        if kind == "stall":
            self._send(head_bytes + body[: len(body) // 2])
            end = time.monotonic() + proxy.stall
            while time.monotonic() < end and not proxy.stopping:
                time.sleep(0.05)
            self._close()
            return False
        if kind == "slow":
            self._send(head_bytes)
            step = max(1, proxy.slow_bps // 10)
            for i in range(0, len(body), step):
                self._send(body[i:i + step])
                time.sleep(step / proxy.slow_bps)
            return keep
        self._send(head_bytes + body)
        return keep

    def _send(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def _close(self) -> None:
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy: "FaultProxy"

    def handle_error(self, request, client_address):
        pass


class FaultProxy:
    def __init__(self, upstream: str, *, rate: float = 0.0, faults: Iterable[str] = ("500",), seed: int = 1,
                 rules: Optional[Dict[str, str]] = None, stall: float = 30.0, slow_bps: int = 2000,
                 endless_seconds: float = 120.0, ranges: bool = True, port: int = 0):
        u = urlsplit(upstream)
        self.upstream_host, self.upstream_port = u.hostname, u.port or 80
        self.rate, self.faults, self.seed = rate, list(faults), seed
        self.rules = dict(rules or {})
        self.stall, self.slow_bps, self.endless_seconds = stall, slow_bps, endless_seconds
        self.ranges = ranges  # False: every answer as from a server without ranges (norange)
        self.stopping = False
        self._lock = threading.Lock()
        self._seen: Dict[str, int] = {}
        self._log: List[Tuple[str, str, str, str]] = []
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.proxy = self
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def index_url(self, path: str = "/simple/") -> str:
        return self.url + path

    def decide(self, path: str) -> str:
        with self._lock:
            nth = self._seen.get(path, 0)
            self._seen[path] = nth + 1
        rule = self.rules.get(path)
        if rule:
            kind, _, times = rule.partition("*")
            if not times or nth < int(times):
                return kind
            return ""
        if self.rate <= 0 or not self.faults:
            return ""
        digest = hashlib.sha256(f"{self.seed}|{path}|{nth}".encode()).digest()
        roll = int.from_bytes(digest[:8], "big") / 2 ** 64
        if roll >= self.rate:
            return ""
        return self.faults[digest[8] % len(self.faults)]

    def record(self, method: str, path: str, rng: str, fault: str) -> None:
        with self._lock:
            self._log.append((method, path, rng, fault))

    def stats(self) -> dict:
        with self._lock:
            faults: Dict[str, int] = {}
            for _, _, _, f in self._log:
                if f:
                    faults[f] = faults.get(f, 0) + 1
            return {"requests": len(self._log), "faults": faults, "log": list(self._log)}

    def start(self) -> "FaultProxy":
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping = True
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("upstream")
    ap.add_argument("--rate", type=float, default=0.25)
    ap.add_argument("--faults", default="500,reset")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args(argv)
    p = FaultProxy(a.upstream, rate=a.rate, faults=a.faults.split(","), seed=a.seed, port=a.port).start()
    print(p.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        p.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
