"""Real git repositories and a real smart-HTTP git server for the git-source tests (issue 15).

make_repo(dir) turns a directory (a test project from buildtools) into a git repository with the real
`git` binary; Repo.commit/tag/branch add history. GitServer serves every repository under a root over
HTTP with `git http-backend` (the CGI program git ships) behind nginx and fcgiwrap: /git/<name> for
anyone, /private/<name> behind basic auth (nginx's {PLAIN} password file). Its access log counts
requests, so a test can prove that a cached commit asked nothing of the server."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from indexserver import free_port, nginx_binary

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_DATE": "2024-01-01T00:00:00", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00"}
HTTP_BACKEND = "/usr/lib/git-core/git-http-backend"
# Local submodules travel over file:, which git refuses for submodules unless allowed.
ALLOW_FILE_PROTOCOL = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "protocol.file.allow",
                       "GIT_CONFIG_VALUE_0": "always"}


def git(cwd, *args, env=None) -> str:
    full = {**os.environ, **GIT_ENV, **(env or {})}
    proc = subprocess.run(["git", *map(str, args)], cwd=cwd, env=full, capture_output=True, text=True)
    assert proc.returncode == 0, f"git {' '.join(map(str, args))}: {proc.stderr}"
    return proc.stdout.strip()


@dataclass
class Repo:
    path: Path

    @property
    def url(self) -> str:
        return self.path.as_uri()

    def head(self) -> str:
        return git(self.path, "rev-parse", "HEAD")

    def commit(self, message: str, files: Optional[Dict[str, str]] = None) -> str:
        for rel, text in (files or {}).items():
            p = self.path / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def tag(self, name: str, annotated: bool = True) -> None:
        git(self.path, "tag", *(["-a", "-m", name] if annotated else []), name)

    def branch(self, name: str) -> None:
        git(self.path, "checkout", "-q", "-b", name)

    def checkout(self, name: str) -> None:
        git(self.path, "checkout", "-q", name)


def make_repo(path: Path, message: str = "initial") -> Repo:
    """A git repository of the files already in `path` (branch main, one commit)."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    repo = Repo(path)
    repo.commit(message)
    return repo


def bare_copy(repo: Repo, root: Path, name: str) -> Path:
    """A bare clone of `repo` at root/name (what a server publishes), with refs/pull/1/head like GitHub's."""
    dest = root / name
    git(root, "clone", "-q", "--bare", str(repo.path), str(dest))
    git(dest, "config", "http.receivepack", "false")
    return dest


class GitServer:
    """nginx + fcgiwrap + git http-backend serving the bare repositories under `root`."""

    def __init__(self, root: Path, users: Optional[Dict[str, str]] = None):
        self.root = Path(root).resolve()
        self.users = users or {"alice": "s3cret-pw"}
        self.prefix = Path(tempfile.mkdtemp(prefix="ptinstall-git-"))
        self.port = 0
        self.nginx: Optional[subprocess.Popen] = None
        self.fcgi: Optional[subprocess.Popen] = None

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/git/{name}"

    def private_url(self, name: str, user: Optional[str] = None, password: Optional[str] = None) -> str:
        auth = f"{user}:{password}@" if user else ""
        return f"http://{auth}127.0.0.1:{self.port}/private/{name}"

    def __enter__(self) -> "GitServer":
        nginx = nginx_binary()
        fcgiwrap = shutil.which("fcgiwrap") or ("/usr/sbin/fcgiwrap" if os.path.exists("/usr/sbin/fcgiwrap") else None)
        if not nginx or not fcgiwrap or not os.path.exists(HTTP_BACKEND):
            pytest.skip("needs nginx, fcgiwrap and git-http-backend (scripts/test installs them)")
        for d in ("logs", "tmp"):
            (self.prefix / d).mkdir()
        sock = self.prefix / "fcgi.sock"
        self.fcgi = subprocess.Popen([fcgiwrap, "-c", "4", "-s", f"unix:{sock}"], start_new_session=True,
                                     stdout=subprocess.DEVNULL, stderr=open(self.prefix / "logs" / "fcgi.log", "w"))
        deadline = time.time() + 10
        while not sock.exists() and time.time() < deadline:
            time.sleep(0.02)
        (self.prefix / "htpasswd").write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in self.users.items()))
        user_line = ""
        if os.geteuid() == 0:
            import grp
            import pwd
            user_line = f"user {pwd.getpwuid(0).pw_name} {grp.getgrgid(0).gr_name};"
        cgi = (f"include /etc/nginx/fastcgi_params; fastcgi_pass unix:{sock}; "
               f"fastcgi_param SCRIPT_FILENAME {HTTP_BACKEND}; fastcgi_param GIT_PROJECT_ROOT {self.root}; "
               "fastcgi_param GIT_HTTP_EXPORT_ALL \"\"; fastcgi_param PATH_INFO $1; "
               "fastcgi_param REMOTE_USER $remote_user; fastcgi_param GIT_PROTOCOL $http_git_protocol; "
               "fastcgi_buffering off; client_max_body_size 0;")
        for _ in range(8):
            self.port = free_port()
            conf = f"""
{user_line}
worker_processes 2;
pid {self.prefix}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    log_format git '$request_method\\t$request_uri\\t$status\\t$remote_user';
    access_log {self.prefix}/logs/access.log git;
    client_body_temp_path {self.prefix}/tmp/body;
    fastcgi_temp_path {self.prefix}/tmp/fastcgi;
    proxy_temp_path {self.prefix}/tmp/proxy;
    uwsgi_temp_path {self.prefix}/tmp/uwsgi;
    scgi_temp_path {self.prefix}/tmp/scgi;
    server {{
        listen 127.0.0.1:{self.port};
        location ~ ^/git(/.*)$ {{ {cgi} }}
        location ~ ^/private(/.*)$ {{ auth_basic "git"; auth_basic_user_file {self.prefix}/htpasswd; {cgi} }}
    }}
}}
"""
            (self.prefix / "nginx.conf").write_text(conf)
            self.nginx = subprocess.Popen([nginx, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"),
                                           "-e", str(self.prefix / "logs" / "error.log"), "-g", "daemon off;"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          start_new_session=True)
            deadline = time.time() + 10
            while time.time() < deadline and self.nginx.poll() is None:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                        return self
                except OSError:
                    time.sleep(0.02)
            if self.nginx.poll() is None:
                self.nginx.kill()
            self.nginx.wait()
        self.__exit__()
        raise RuntimeError("nginx did not start for the git server")

    def __exit__(self, *exc) -> None:
        for proc in (self.nginx, self.fcgi):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.nginx = self.fcgi = None
        shutil.rmtree(self.prefix, ignore_errors=True)

    def requests(self) -> List[str]:
        """'METHOD URI STATUS' of every request so far."""
        time.sleep(0.05)
        log = self.prefix / "logs" / "access.log"
        if not log.exists():
            return []
        return [" ".join(line.split("\t")[:3]) for line in log.read_text().splitlines() if line.strip()]
