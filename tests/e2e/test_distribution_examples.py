"""The ptinstall commands of docs/examples/Dockerfile and docs/examples/github-actions.yml, run outside
Docker and GitHub Actions (issue 17): in order, in a scratch directory, with the example's environment,
against the local torch index instead of PyPI and the PyTorch index (PTINSTALL_INDEX_URL,
PTINSTALL_TORCH_BACKEND_INDEX). `--system` becomes `--python <a venv>`: a test must not install into
this machine's Python."""
import os
import re
import shlex
import subprocess
from pathlib import Path

from conftest import ROOT, binary
from envtools import installed, make_venv

EXAMPLES = ROOT / "docs" / "examples"
REQUIREMENTS = "torch\njinja2>=3\n"


def dockerfile_commands(text: str):
    """(ENV settings, ptinstall commands) of the Dockerfile's last stage, RUN options left out."""
    stages = re.split(r"^FROM ", text, flags=re.M)
    text = re.sub(r"\\\n\s*", "", stages[-1])
    env, commands = {}, []
    for line in text.splitlines():
        if line.startswith("ENV "):
            k, _, v = line[4:].partition("=")
            env[k.strip()] = v.strip()
        elif line.startswith("RUN "):
            words = shlex.split(line[4:])
            while words and words[0].startswith("--mount"):
                words.pop(0)
            if words and words[0] == "ptinstall":
                commands.append(words)
    return env, commands


def workflow_commands(text: str):
    env = dict(re.findall(r"^      ([A-Z_]+): (.+)$", text, re.M))
    commands = [shlex.split(c) for c in re.findall(r"^\s*- run: (ptinstall .+)$", text, re.M)]
    return env, commands


def run_all(commands, env, tmp_path, torch_index, system_venv=None):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    if not (bin_dir / "ptinstall").exists():
        (bin_dir / "ptinstall").symlink_to(binary())
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PTINSTALL_", "VIRTUAL_ENV"))}
    full_env.update(env)
    full_env.update(PATH=f"{bin_dir}:{os.environ['PATH']}", HOME=str(tmp_path / "home"), NO_COLOR="1",
                    PTINSTALL_INDEX_URL=torch_index.index_url(),
                    PTINSTALL_TORCH_BACKEND_INDEX=torch_index.url + "/whl")
    full_env.setdefault("PTINSTALL_CACHE_DIR", str(tmp_path / "cache"))
    outputs = []
    for words in commands:
        if system_venv and "--system" in words:
            i = words.index("--system")
            words = words[:i] + ["--python", str(system_venv)] + words[i + 1:]
        r = subprocess.run(words, cwd=tmp_path, env=full_env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"{words}\n{r.stdout}\n{r.stderr}"
        outputs.append(r)
    return outputs


def test_dockerfile_commands(tmp_path, torch_index):
    env, commands = dockerfile_commands((EXAMPLES / "Dockerfile").read_text())
    assert env == {"UV_TORCH_BACKEND": "cpu"}
    assert [c[:3] for c in commands] == [["ptinstall", "pip", "install"], ["ptinstall", "pip", "check"]]
    (tmp_path / "requirements.txt").write_text(REQUIREMENTS)
    venv = make_venv(tmp_path / "system")
    env["PTINSTALL_CACHE_DIR"] = str(tmp_path / "root-cache")  # the cache mount's target
    run_all(commands, env, tmp_path, torch_index, system_venv=venv)
    assert installed(venv)["torch"] == "2.9.1+cpu"
    assert (tmp_path / "root-cache" / "wheels-v1").is_dir()


def test_github_actions_commands(tmp_path, torch_index):
    env, commands = workflow_commands((EXAMPLES / "github-actions.yml").read_text())
    assert env["UV_TORCH_BACKEND"] == "cpu" and env["PTINSTALL_CACHE_DIR"].endswith("/.ptinstall-cache")
    env["PTINSTALL_CACHE_DIR"] = str(tmp_path / ".ptinstall-cache")  # ${{ github.workspace }}
    assert [c[1] for c in commands] == ["venv", "pip", "pip", "cache"]
    (tmp_path / "requirements.txt").write_text(REQUIREMENTS)
    run_all(commands, env, tmp_path, torch_index)
    assert installed(tmp_path / ".venv")["torch"] == "2.9.1+cpu"
    # What the prune left for the saved cache: no unpacked downloads, no index pages.
    cache = tmp_path / ".ptinstall-cache"
    assert not any((cache / "wheels-v1").iterdir()) and not any((cache / "http-v1").iterdir())
