"""Snapshot assertions for the end-to-end tests, in the style of uv's `uv_snapshot!` (insta).

One command's whole output is rendered as one text block:

    $ ptinstall pip install --python [VENV]/bin/python --index-url [SERVER]/simple/ alpha
    exit code: 0
    ----- stdout -----

    ----- stderr -----
    Resolved 3 packages in [TIME]
    ...

and compared with `tests/e2e/snapshots/<name>.txt`. The unstable parts (durations, loopback ports,
temporary directories, the cache, the Python version, sizes) are replaced by placeholders first; a
Filters object carries the literal paths of a test and the regular expressions.

`PTINSTALL_UPDATE_SNAPSHOTS=1` writes a missing or different snapshot instead of failing. Without it a
missing snapshot is a failure, so a run cannot pass without comparing anything.
"""
from __future__ import annotations

import difflib
import os
import re
import shlex
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple, Union

import pytest

SNAPSHOT_DIR = Path(__file__).resolve().parent / "snapshots"
UPDATE_ENV = "PTINSTALL_UPDATE_SNAPSHOTS"

# Applied in this order, after the literal paths (see Filters.apply).
DEFAULT_REGEX_FILTERS: List[Tuple[str, str]] = [
    # durations as format_elapsed writes them: "in 12ms", "in 1.52s"
    (r"\bin \d+(?:\.\d+)?(?:ms|s)\b", "in [TIME]"),
    # loopback servers that are not the test's named ones (a closed port, a second index)
    (r"\b127\.0\.0\.1:\d+\b", "127.0.0.1:[PORT]"),
    (r"\blocalhost:\d+\b", "localhost:[PORT]"),
    (r"\[::1\]:\d+\b", "[::1]:[PORT]"),
    # pytest's temporary root, for paths no test named (xdist adds a popen-gwN level)
    (r"/tmp/pytest-of-[^/\s]+/pytest-\d+(?:/popen-gw\d+)?", "[PYTEST_TMP]"),
    # sizes, as progress lines print them
    (r"\b\d+(?:\.\d+)? ?(?:B|KiB|MiB|GiB)(?:/s)?(?=[\s)/,]|$)", "[SIZE]"),
]


class Filters:
    """Literal replacements (paths, URLs) and regular expressions, applied in order: the literals
    longest first (a venv inside the test's temporary directory becomes [VENV], not [TMP]/venv), then
    the regexes."""

    def __init__(self, regexes: Iterable[Tuple[str, str]] = DEFAULT_REGEX_FILTERS):
        self.literals: List[Tuple[str, str]] = []
        self.regexes: List[Tuple[str, str]] = list(regexes)

    def path(self, path: Union[str, Path], placeholder: str) -> "Filters":
        """Replaces a directory (both its spelling and its resolved form) with the placeholder."""
        text = str(path).rstrip("/")
        self.literal(text, placeholder)
        real = os.path.realpath(text)
        if real != text:
            self.literal(real, placeholder)
        return self

    def literal(self, text: str, placeholder: str) -> "Filters":
        if text and (text, placeholder) not in self.literals:
            self.literals.append((text, placeholder))
        return self

    def regex(self, pattern: str, replacement: str) -> "Filters":
        self.regexes.append((pattern, replacement))
        return self

    def copy(self) -> "Filters":
        out = Filters(self.regexes)
        out.literals = list(self.literals)
        return out

    def apply(self, text: str) -> str:
        for lit, placeholder in sorted(self.literals, key=lambda lp: -len(lp[0])):
            text = text.replace(lit, placeholder)
        for pattern, replacement in self.regexes:
            text = re.sub(pattern, replacement, text, flags=re.M)
        return text


def _stream(text: str) -> str:
    if not text:
        return ""
    if not text.endswith("\n"):
        return text + "\n[no newline at end of output]\n"
    return text


class Run:
    """One command and what it gave: args (without the program), the environment variables the test set
    for it (shown before the program), and the result (returncode, stdout, stderr)."""

    def __init__(self, args: Sequence[object], result, env: Optional[dict] = None):
        self.args = [str(a) for a in args]
        self.env = dict(env or {})
        self.returncode = result.returncode
        self.stdout = result.stdout
        self.stderr = result.stderr

    def __repr__(self):
        return render(self, Filters([]))


def render(run: Run, filters: Filters, program: str = "ptinstall") -> str:
    """The snapshot text of one command: `$ [ENV=value ...] ptinstall args`, its exit code, stdout and
    stderr, all filtered."""
    words = [f"{k}={shlex.quote(str(v))}" for k, v in sorted(run.env.items())]
    words += [program] + [shlex.quote(a) for a in run.args]
    return filters.apply(
        "$ " + " ".join(words) + "\n"
        f"exit code: {run.returncode}\n"
        "----- stdout -----\n" + _stream(run.stdout) +
        "----- stderr -----\n" + _stream(run.stderr))


def updating() -> bool:
    return os.environ.get(UPDATE_ENV, "").lower() in ("1", "true", "yes", "on")


def assert_snapshot(name: str, runs: Union[Run, Sequence[Run], str], filters: Optional[Filters] = None) -> None:
    """Compares the rendered runs (one block each, separated by an empty line; or an already rendered
    text) with snapshots/<name>.txt. See the module's docstring for PTINSTALL_UPDATE_SNAPSHOTS."""
    if not re.fullmatch(r"[a-z0-9_][a-z0-9_.-]*", name):
        raise ValueError(f"bad snapshot name {name!r}")
    if isinstance(runs, str):
        actual = runs
    else:
        filters = filters or Filters()
        actual = "\n".join(render(r, filters) for r in ([runs] if isinstance(runs, Run) else runs))
    path = SNAPSHOT_DIR / f"{name}.txt"
    expected = path.read_text() if path.exists() else None
    if expected == actual:
        return
    if updating():
        SNAPSHOT_DIR.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        tmp.write_text(actual)
        tmp.replace(path)
        return
    how = f"run with {UPDATE_ENV}=1 to accept it (see docs/testing.md, 'Snapshot tests')"
    if expected is None:
        pytest.fail(f"snapshot {name!r} does not exist ({path}); {how}.\nNew snapshot:\n{actual}",
                    pytrace=False)
    diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                        f"snapshots/{name}.txt (stored)", f"snapshots/{name}.txt (actual)"))
    pytest.fail(f"snapshot {name!r} differs; {how}.\n{diff}", pytrace=False)
