#!/usr/bin/env python3
"""A scripted HTTP/1.1 server on 127.0.0.1 for the net tests (stdlib only).

Starts on a free port (or --port), over TLS with --tls CERT KEY, prints the port on the first line of stdout, then serves until
killed. Routes (the path before '?' picks the route; state is per path):

  /static/<name>              200 "hello <name>"
  /bytes?n=N                  N deterministic bytes (byte i = i % 251)
  /range                      10000 deterministic bytes; honours Range (206 + Content-Range, 416)
  /mutable/<name>             served from the config set by /_set?path=/mutable/<name>&body=..&etag=..
                              &lm=..&cc=..; honours If-None-Match / If-Modified-Since (304)
  /flaky/<id>?fail=N&code=C   the first N hits answer C (default 500), then 200 "ok after N"
  /always500                  500 every time
  /drop/<id>?times=N          the first N hits send half of a 1000-byte body and close; then the body
  /truncated                  Content-Length 1000, 500 bytes sent, connection closed
  /slow?delay=S               sleeps S seconds before answering
  /slowbody?delay=S           sends half the body, sleeps S seconds, sends the rest
  /redirect?to=P&code=C       redirect (default 302) to P
  /redirect-loop              redirects to itself
  /auth/<name>                401 unless Basic alice:s3cr@t; then "welcome alice"
  /accept                     JSON when Accept asks for PEP 691 JSON, HTML otherwise (Vary: Accept)
  /concurrency?delay=S        sleeps S seconds; counts how many such requests overlap
  /headers                    echoes the request headers as "name: value" lines
  /resumable/<id>?times=N&size=S&etag=E&ranges=0
                              S (default 100000) pattern bytes with ETag E (default "v1"; "changing": a new
                              one per hit) and Accept-Ranges (unless ranges=0); honours Range with If-Range
                              (206 when it matches, else 200 whole); the first N hits send half of what
                              they would, then close. Hits and the Range asked for are in /_stats "ranges"
  /retry-after/<id>?fail=N&after=S   the first N hits answer 503 with Retry-After: S
  /drip?bps=B                 200 without Content-Length, B bytes a second, for 30 s
  /endless                    200 without Content-Length, a fast body for 30 s
  /_stats                     JSON {"hits": {path: n}, "connections": n, "max_inflight": n}
  /_set?path=P&...            stores a /mutable config
  /_reset                     clears counters and configs
  http://other/...            (proxy form) "proxied <url>"
"""
import argparse
import base64
import json
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from handler_base import QuietHandler

LOCK = threading.Lock()
HITS = {}
CONNECTIONS = set()
CONFIGS = {}
INFLIGHT = 0
MAX_INFLIGHT = 0
RANGES = {}

PEP691 = "application/vnd.pypi.simple.v1+json"


def pattern(n, start=0):
    return bytes((i % 251) for i in range(start, start + n))


RANGE_BODY = pattern(10000)


class Handler(QuietHandler):

    def do_GET(self):
        global INFLIGHT, MAX_INFLIGHT
        if self.path.startswith("http://"):
            self.send(200, "proxied " + self.path)
            return
        url = urlsplit(self.path)
        path = url.path
        q = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        with LOCK:
            CONNECTIONS.add(self.client_address)
            if not path.startswith("/_"):
                HITS[path] = HITS.get(path, 0) + 1
            hit = HITS.get(path, 0)

        if path == "/_stats":
            with LOCK:
                body = json.dumps({"hits": HITS, "connections": len(CONNECTIONS), "max_inflight": MAX_INFLIGHT,
                                   "ranges": RANGES})
            self.send(200, body, content_type="application/json")
        elif path == "/_reset":
            with LOCK:
                HITS.clear()
                RANGES.clear()
                CONNECTIONS.clear()
                CONFIGS.clear()
                MAX_INFLIGHT = 0
            self.send(200, "reset")
        elif path == "/_set":
            with LOCK:
                CONFIGS[q["path"]] = q
            self.send(200, "set")
        elif path.startswith("/static/"):
            self.send(200, "hello " + path[len("/static/"):])
        elif path == "/bytes":
            self.send(200, pattern(int(q.get("n", "0"))), content_type="application/octet-stream")
        elif path == "/range":
            self.serve_range()
        elif path.startswith("/mutable/"):
            self.serve_mutable(path)
        elif path.startswith("/flaky/"):
            fail = int(q.get("fail", "1"))
            if hit <= fail:
                self.send(int(q.get("code", "500")), "failure %d" % hit)
            else:
                self.send(200, "ok after %d" % fail)
        elif path == "/always500":
            self.send(500, "always failing")
        elif path.startswith("/drop/"):
            body = pattern(1000)
            if hit <= int(q.get("times", "1")):
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(body[:500])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
            else:
                self.send(200, body, content_type="application/octet-stream")
        elif path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(pattern(500))
            self.wfile.flush()
            self.close_connection = True
        elif path == "/slow":
            time.sleep(float(q.get("delay", "3")))
            self.send(200, "finally")
        elif path == "/slowbody":
            body = pattern(1000)
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(body[:500])
            self.wfile.flush()
            time.sleep(float(q.get("delay", "3")))
            try:
                self.wfile.write(body[500:])
            except OSError:
                pass
        elif path == "/redirect":
            self.send(int(q.get("code", "302")), "moved", {"Location": q.get("to", "/static/redirected")})
        elif path == "/redirect-loop":
            self.send(302, "again", {"Location": "/redirect-loop"})
        elif path.startswith("/auth/"):
            expected = "Basic " + base64.b64encode(b"alice:s3cr@t").decode()
            if self.headers.get("Authorization") == expected:
                self.send(200, "welcome alice")
            else:
                self.send(401, "who are you", {"WWW-Authenticate": 'Basic realm="test"'})
        elif path == "/accept":
            accept = self.headers.get("Accept", "")
            if PEP691 in accept:
                self.send(200, '{"meta": {"api-version": "1.1"}}', {"Vary": "Accept"}, content_type=PEP691)
            else:
                self.send(200, "<html>links</html>", {"Vary": "Accept"}, content_type="text/html")
        elif path == "/concurrency":
            with LOCK:
                INFLIGHT += 1
                MAX_INFLIGHT = max(MAX_INFLIGHT, INFLIGHT)
            time.sleep(float(q.get("delay", "0.2")))
            with LOCK:
                INFLIGHT -= 1
            self.send(200, "done " + url.query)
        elif path.startswith("/resumable/"):
            self.serve_resumable(path, q, hit)
        elif path.startswith("/retry-after/"):
            if hit <= int(q.get("fail", "1")):
                self.send(503, "busy", {"Retry-After": q.get("after", "1")})
            else:
                self.send(200, "ok after waiting")
        elif path in ("/drip", "/endless"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            end = time.monotonic() + 30
            bps = float(q.get("bps", "2"))
            try:
                while time.monotonic() < end:
                    if path == "/drip":
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        time.sleep(1 / bps)
                    else:
                        self.wfile.write(b"<a>x</a>" * 8192)
            except OSError:
                pass
        elif path == "/headers":
            body = "".join("%s: %s\n" % (k.lower(), v) for k, v in self.headers.items())
            self.send(200, body)
        else:
            self.send(404, "not found: " + path)

    def serve_resumable(self, path, q, hit):
        size = int(q.get("size", "100000"))
        body = pattern(size)
        etag = q.get("etag", "v1")
        if etag == "changing":
            etag = "v%d" % hit
        etag = '"%s"' % etag
        ranges = q.get("ranges", "1") != "0"
        header = self.headers.get("Range")
        with LOCK:
            RANGES.setdefault(path, []).append(header or "")
        start, status, extra = 0, 200, {"ETag": etag}
        if ranges:
            extra["Accept-Ranges"] = "bytes"
        if_range = self.headers.get("If-Range")
        if ranges and header and header.startswith("bytes=") and if_range in (None, etag):
            start = int(header[len("bytes="):].split("-")[0])
            status = 206
            extra["Content-Range"] = "bytes %d-%d/%d" % (start, size - 1, size)
        part = body[start:]
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(part)))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        if hit <= int(q.get("times", "0")):
            self.wfile.write(part[: len(part) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.wfile.write(part)

    def serve_range(self):
        header = self.headers.get("Range")
        size = len(RANGE_BODY)
        if not header or not header.startswith("bytes="):
            self.send(200, RANGE_BODY, {"Accept-Ranges": "bytes"}, "application/octet-stream")
            return
        spec = header[len("bytes="):]
        first, _, last = spec.partition("-")
        if first == "":
            n = int(last)
            start, end = max(0, size - n), size - 1
        else:
            start = int(first)
            end = int(last) if last else size - 1
            end = min(end, size - 1)
        if start >= size or start > end:
            self.send(416, "", {"Content-Range": "bytes */%d" % size})
            return
        self.send(206, RANGE_BODY[start:end + 1],
                  {"Content-Range": "bytes %d-%d/%d" % (start, end, size), "Accept-Ranges": "bytes"},
                  "application/octet-stream")

    def serve_mutable(self, path):
        with LOCK:
            cfg = dict(CONFIGS.get(path, {}))
        headers = {}
        if "cc" in cfg:
            headers["Cache-Control"] = cfg["cc"]
        if "etag" in cfg:
            headers["ETag"] = cfg["etag"]
        if "lm" in cfg:
            headers["Last-Modified"] = cfg["lm"]
        if "expires" in cfg:
            headers["Expires"] = cfg["expires"]
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if (inm is not None and "etag" in cfg and inm == cfg["etag"]) or \
           (inm is None and ims is not None and "lm" in cfg and ims == cfg["lm"]):
            self.send_response(304)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send(int(cfg.get("status", "200")), cfg.get("body", "no config for " + path), headers)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        pass  # connections the tests drop on purpose


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="serve HTTPS with this certificate")
    args = parser.parse_args()
    server = QuietServer(("127.0.0.1", args.port), Handler)
    if args.tls:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls[0], args.tls[1])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
