"""Getting the binary where users need it (issue 17): --version with the git commit, shell completions
for bash, zsh and fish, the man page, and `cmake --install` putting all of them under a prefix."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, binary


def build_dir() -> Path:
    return Path(os.environ.get("PTINSTALL_BUILD_DIR", ROOT / "build"))


def test_version_names_the_commit(ptinstall):
    out = ptinstall("--version", check=True).stdout
    m = re.fullmatch(r"ptinstall (\d+\.\d+\.\d+) \(([0-9a-f]{7,})(-dirty)? (\d{4}-\d\d-\d\d)\)\n", out)
    assert m, out
    if (ROOT / ".git").exists() and shutil.which("git"):
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True).stdout
        # The binary may be older than HEAD (built before the last commit); it is one of its commits.
        assert subprocess.run(["git", "-C", ROOT, "merge-base", "--is-ancestor", m.group(2), head.strip()]).returncode == 0
    assert ptinstall("-V", check=True).stdout == out


def bash_complete(script: str, words) -> list:
    line = " ".join(f"'{w}'" for w in words)
    cmd = f'source "$1"; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; _ptinstall; printf "%s\\n" "${{COMPREPLY[@]}}"'
    r = subprocess.run(["bash", "-c", cmd, "bash", script], capture_output=True, text=True, check=True)
    return r.stdout.split()


def test_bash_completion(ptinstall, tmp_path):
    script = tmp_path / "ptinstall.bash"
    script.write_text(ptinstall("generate-shell-completion", "bash", check=True).stdout)
    assert bash_complete(script, ["ptinstall", "ca"]) == ["cache"]
    assert bash_complete(script, ["ptinstall", "pip", "ins"]) == ["install"]
    assert bash_complete(script, ["ptinstall", "pip", "install", "--index-s"]) == ["--index-strategy"]
    assert bash_complete(script, ["ptinstall", "pip", "install", "--torch-backend", "cu128", "--link-mode", "h"]) == ["hardlink"]
    assert "--max-size" in bash_complete(script, ["ptinstall", "cache", "prune", "--"])
    assert "--max-size" not in bash_complete(script, ["ptinstall", "cache", "clean", "--"])
    assert bash_complete(script, ["ptinstall", "generate-shell-completion", "f"]) == ["fish"]
    # Options given before the package words do not hide the command.
    assert "--no-deps" in bash_complete(script, ["ptinstall", "pip", "install", "-q", "torch", "--no-d"])


@pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")
def test_zsh_completion(ptinstall, tmp_path):
    script = tmp_path / "_ptinstall"
    script.write_text(ptinstall("generate-shell-completion", "zsh", check=True).stdout)
    assert script.read_text().startswith("#compdef ptinstall\n")
    # compadd and _describe only run inside a completion widget: stand-ins print what they are given.
    def complete(*words):
        arr = " ".join(f"'{w}'" for w in words)
        code = (f'compdef() {{ print -r -- "compdef $*" }}; source "$1"; '
                f'compadd() {{ print -rl -- "$@" }}; _describe() {{ print -rl -- "${{(@P)2}}" }}; '
                f'_files() {{ print -r -- FILES }}; words=({arr}); CURRENT={len(words)}; _ptinstall')
        r = subprocess.run(["zsh", "-fc", code, "zsh", str(script)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return r.stdout.split("\n")
    out = complete("ptinstall", "")
    assert out[0] == "compdef _ptinstall ptinstall"
    assert "cache:Manage the cache" in out and any(l.startswith("venv:Create a virtual environment") for l in out)
    assert "--index-strategy" in complete("ptinstall", "pip", "install", "--ind")
    assert "unsafe-best-match" in complete("ptinstall", "pip", "install", "--index-strategy", "")
    assert "FILES" in complete("ptinstall", "pip", "install", "./pro")


@pytest.mark.skipif(not shutil.which("fish"), reason="fish is not installed")
def test_fish_completion(ptinstall, tmp_path):
    script = tmp_path / "ptinstall.fish"
    script.write_text(ptinstall("generate-shell-completion", "fish", check=True).stdout)

    def complete(line):
        r = subprocess.run(["fish", "--no-config", "-c", f"source {script}; complete -C '{line}'"],
                           capture_output=True, text=True, env={**os.environ, "HOME": str(tmp_path)})
        assert r.returncode == 0, r.stderr
        return [l.split("\t")[0] for l in r.stdout.splitlines()]
    assert set(complete("ptinstall cache ")) >= {"dir", "clean", "prune", "size"}
    assert "--index-strategy" in complete("ptinstall pip install --index-s")
    assert set(complete("ptinstall pip install --link-mode ")) == {"clone", "hardlink", "copy", "symlink"}
    assert "--max-size" in complete("ptinstall cache prune --m")


def test_unknown_shell(ptinstall):
    r = ptinstall("generate-shell-completion", "tcsh", check=False)
    assert r.returncode == 2
    assert r.stderr == "error: unknown shell `tcsh`\nhint: supported shells: bash, zsh, fish\n"


def test_man_page_lists_what_help_lists(ptinstall):
    page = ptinstall("generate-man-page", check=True).stdout
    assert page.startswith(".TH PTINSTALL 1 ")
    help_text = ptinstall("pip", "install", "--help", check=True).stdout
    flags = set(re.findall(r"(--[a-z][a-z0-9-]+)", help_text.split("Options (not supported yet)")[0]))
    flags.discard("--help")
    man_flags = set(f.replace("\\-", "-") for f in re.findall(r"\\fB(\\-\\-[a-z0-9\\-]+)\\fR", page))
    missing = flags - man_flags
    assert not missing, missing
    assert "generate-man-page" not in ptinstall("--help", check=True).stdout  # hidden
    if shutil.which("man"):
        r = subprocess.run(["man", "-l", "-"], input=page, capture_output=True, text=True,
                           env={**os.environ, "MANWIDTH": "100", "MAN_KEEP_FORMATTING": ""})
        assert r.returncode == 0 and "ptinstall cache prune" in r.stdout, r.stderr


def test_cmake_install_puts_binary_man_page_and_completions(tmp_path):
    if not (build_dir() / "share" / "ptinstall.1").exists():
        pytest.skip("the build directory has no generated share/ (built with --target ptinstall only)")
    prefix = tmp_path / "prefix"
    r = subprocess.run(["cmake", "--install", str(build_dir()), "--prefix", str(prefix)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for rel in ("bin/ptinstall", "share/man/man1/ptinstall.1", "share/bash-completion/completions/ptinstall",
                "share/zsh/site-functions/_ptinstall", "share/fish/vendor_completions.d/ptinstall.fish",
                "share/doc/ptinstall/LICENSE"):
        assert (prefix / rel).is_file(), rel
    out = subprocess.run([prefix / "bin" / "ptinstall", "--version"], capture_output=True, text=True).stdout
    assert out == subprocess.run([binary(), "--version"], capture_output=True, text=True).stdout
    # The installed files are what the installed binary generates.
    installed = subprocess.run([prefix / "bin" / "ptinstall", "generate-shell-completion", "bash"], capture_output=True,
                               text=True).stdout
    assert (prefix / "share/bash-completion/completions/ptinstall").read_text() == installed
