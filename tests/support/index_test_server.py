#!/usr/bin/env python3
"""A static package-index server on 127.0.0.1 for the index tests (stdlib only).

Usage: index_test_server.py ROOT [--port N]. Prints the port on the first line of stdout, then serves
ROOT until killed:

  /<dir>/            index.json (Content-Type application/vnd.pypi.simple.v1+json) when the Accept
                     header asks for PEP 691 JSON and it exists, else index.html (text/html), else 404
  /<dir>             301 to /<dir>/
  /<file>            the file; Range requests answered with 206 unless the file's directory holds a
                     `.norange` marker (then the whole file, 200, as some servers do)
  X.status           next to a file or inside a directory: answer with that HTTP status instead
  /_stats            JSON {"hits": {path: n}, "ranges": {path: [Range header, ...]}, "accept": {path: last Accept}}
  /_reset            clears the counters
"""
import json
import os
import sys
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from handler_base import QuietHandler

ROOT = None
LOCK = threading.Lock()
HITS = {}
RANGES = {}
ACCEPT = {}
PEP691 = "application/vnd.pypi.simple.v1+json"


class Handler(QuietHandler):

    def do_GET(self):
        url = urlsplit(self.path)
        path = unquote(url.path)
        if path == "/_stats":
            with LOCK:
                body = json.dumps({"hits": HITS, "ranges": RANGES, "accept": ACCEPT})
            self.send(200, body, content_type="application/json")
            return
        if path == "/_reset":
            with LOCK:
                HITS.clear()
                RANGES.clear()
                ACCEPT.clear()
            self.send(200, "reset")
            return
        with LOCK:
            HITS[path] = HITS.get(path, 0) + 1
            ACCEPT[path] = self.headers.get("Accept", "")
            if self.headers.get("Range"):
                RANGES.setdefault(path, []).append(self.headers.get("Range"))
        local = os.path.normpath(os.path.join(ROOT, path.lstrip("/")))
        if not (local == ROOT or local.startswith(ROOT + os.sep)):
            self.send(403, "outside the root")
            return
        if os.path.isdir(local):
            if not path.endswith("/"):
                self.send(301, "moved", {"Location": path + "/"})
                return
            status_file = os.path.join(local, ".status")
            if os.path.exists(status_file):
                self.send(int(open(status_file).read().strip()), "scripted status")
                return
            accept = self.headers.get("Accept", "")
            js = os.path.join(local, "index.json")
            html = os.path.join(local, "index.html")
            if PEP691 in accept and os.path.exists(js):
                self.send(200, open(js, "rb").read(), {"Vary": "Accept"}, PEP691)
            elif os.path.exists(html):
                self.send(200, open(html, "rb").read(), {"Vary": "Accept"}, "text/html")
            else:
                self.send(404, "not found: " + path)
            return
        if os.path.exists(local + ".status"):
            self.send(int(open(local + ".status").read().strip()), "scripted status")
            return
        if not os.path.isfile(local):
            self.send(404, "not found: " + path)
            return
        data = open(local, "rb").read()
        no_range = os.path.exists(os.path.join(os.path.dirname(local), ".norange"))
        header = self.headers.get("Range")
        if no_range or not header or not header.startswith("bytes="):
            extra = {} if no_range else {"Accept-Ranges": "bytes"}
            self.send(200, data, extra, "application/octet-stream")
            return
        size = len(data)
        first, _, last = header[len("bytes="):].partition("-")
        if first == "":
            n = int(last)
            start, end = max(0, size - n), size - 1
        else:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        if start >= size or start > end:
            self.send(416, "", {"Content-Range": "bytes */%d" % size})
            return
        self.send(206, data[start:end + 1],
                  {"Content-Range": "bytes %d-%d/%d" % (start, end, size), "Accept-Ranges": "bytes"},
                  "application/octet-stream")


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        pass


def main():
    global ROOT
    args = sys.argv[1:]
    port = 0
    if "--port" in args:
        i = args.index("--port")
        port = int(args[i + 1])
        del args[i:i + 2]
    ROOT = os.path.realpath(args[0])
    server = QuietServer(("127.0.0.1", port), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
