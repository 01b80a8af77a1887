"""A small HTTP proxy in front of the benchmark's index that makes it look far away: every request waits a
fixed delay before it is forwarded (50 ms by default: a round trip to a distant index), and response bodies
share one bandwidth cap (a link). Used as the index URL (not as an HTTP proxy), so both tools see the same
latency. It logs every request's start and end, so the report can say how many round trips each tool paid
in sequence (the longest chain of requests that ran one after another).

HTTP/1.1 with keep-alive; GET and HEAD; request headers (Range, If-None-Match, Accept, ...) are passed
on, and so are the response's status, headers and body. Not a general proxy: one upstream, no TLS."""
from __future__ import annotations

import http.client
import http.server
import socketserver
import threading
import time
from typing import List, Optional, Tuple

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "host"}


class Link:
    """One bandwidth cap shared by every response (token bucket, 50 ms of burst)."""

    def __init__(self, bytes_per_second: Optional[float]):
        self.rate = bytes_per_second
        self.lock = threading.Lock()
        self.next_free = time.monotonic()

    def send(self, n: int) -> None:
        if not self.rate:
            return
        with self.lock:
            now = time.monotonic()
            start = max(now - 0.05, self.next_free)
            self.next_free = start + n / self.rate
            wait = self.next_free - now
        if wait > 0:
            time.sleep(wait)


class DelayProxy:
    def __init__(self, upstream_host: str, upstream_port: int, delay_s: float = 0.05,
                 bandwidth: Optional[float] = None):
        self.upstream = (upstream_host, upstream_port)
        self.delay = delay_s
        self.link = Link(bandwidth)
        self.spans: List[Tuple[float, float]] = []
        self.started: List[Tuple[float, str]] = []   # (when a request arrived, its path), in arrival order
        self.spans_lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _conn(self) -> http.client.HTTPConnection:
                c = getattr(self, "_upstream", None)
                if c is None:
                    c = self._upstream = http.client.HTTPConnection(*proxy.upstream, timeout=120)
                return c

            def _forward(self, method: str) -> None:
                start = time.monotonic()
                with proxy.spans_lock:
                    proxy.started.append((start, self.path))
                time.sleep(proxy.delay)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                for attempt in (1, 2):
                    conn = self._conn()
                    try:
                        conn.request(method, self.path, headers=headers)
                        resp = conn.getresponse()
                        break
                    except (http.client.HTTPException, OSError):
                        conn.close()
                        self._upstream = None
                        if attempt == 2:
                            self.send_error(502)
                            return
                body_len = resp.getheader("Content-Length")
                self.send_response(resp.status, resp.reason)
                for k, v in resp.getheaders():
                    if k.lower() not in HOP_BY_HOP:
                        self.send_header(k, v)
                chunked = body_len is None and method != "HEAD" and resp.status not in (204, 304)
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                if method != "HEAD":
                    while True:
                        chunk = resp.read(65536)
                        if not chunk:
                            break
                        proxy.link.send(len(chunk))
                        if chunked:
                            self.wfile.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                        else:
                            self.wfile.write(chunk)
                    if chunked:
                        self.wfile.write(b"0\r\n\r\n")
                else:
                    resp.read()
                self.wfile.flush()
                with proxy.spans_lock:
                    proxy.spans.append((start, time.monotonic()))

            def do_GET(self):
                self._forward("GET")

            def do_HEAD(self):
                self._forward("HEAD")

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 128

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "DelayProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def take_spans(self) -> List[Tuple[float, float]]:
        with self.spans_lock:
            out, self.spans = self.spans, []
        return out

    def take_started(self) -> List[Tuple[float, str]]:
        """The requests that arrived since the last call: (arrival time, path), in arrival order."""
        with self.spans_lock:
            out, self.started = self.started, []
        return out


def sequential_chain(spans: List[Tuple[float, float]]) -> int:
    """The most requests that ran strictly one after another (earliest end first), as ptinstall -v counts."""
    n, last_end = 0, None
    for start, end in sorted(spans, key=lambda s: s[1]):
        if last_end is not None and start < last_end:
            continue
        n += 1
        last_end = end
    return n
