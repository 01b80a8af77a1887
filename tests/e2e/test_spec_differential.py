"""Differential test of the spec layer (PEP 440 versions and specifiers, PEP 503 names) against
`packaging`: a seeded corpus of version pairs and (specifier set, version) pairs is answered by
`packaging` and by tests/tools/spec_probe, and every disagreement is printed.

Inputs `packaging` rejects as PEP 440 are compared for rejection only; the few places where
docs/spec.md documents a deliberate deviation from this `packaging` release are left out (and counted).
"""
import contextlib
import itertools
import os
import random
import subprocess
from pathlib import Path

import pytest

packaging = pytest.importorskip("packaging")
from packaging import specifiers as pspec  # noqa: E402
from packaging.specifiers import InvalidSpecifier, SpecifierSet  # noqa: E402
from packaging.utils import canonicalize_name  # noqa: E402
from packaging.version import InvalidVersion, Version  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SEED = 440


def probe_path() -> Path:
    build = Path(os.environ.get("PTINSTALL_BUILD_DIR", str(ROOT / "build")))
    path = build / "tests" / "spec_probe"
    if not path.exists():
        pytest.fail(f"{path} is missing: build the spec_probe target (PTINSTALL_BUILD_DIR={build})")
    return path


def run_probe(lines):
    assert all("\n" not in line for line in lines)
    proc = subprocess.run([str(probe_path())], input="".join(line + "\n" for line in lines),
                          capture_output=True, text=True, timeout=300, check=True)
    out = proc.stdout.split("\n")
    assert out[-1] == ""
    out = out[:-1]
    assert len(out) == len(lines), f"{len(out)} answers for {len(lines)} questions"
    return out


# ---------------------------------------------------------------- corpus

NUMBERS = [0, 0, 0, 1, 1, 2, 3, 5, 9, 10, 11, 12, 99, 255, 256, 1000, 2024, 4095, 4096, 8191, 8192,
           65535, 65536, 20240101, 10**12]
PRE_SPELLINGS = {"a": ["a", "alpha", "A", "Alpha"], "b": ["b", "beta", "B", "BETA"],
                 "rc": ["rc", "c", "pre", "preview", "RC", "C", "Pre"]}
SEPS = ["", "", "", ".", "-", "_"]


def rnum(rng):
    if rng.random() < 0.8:
        return rng.choice(NUMBERS[:14])
    return rng.choice(NUMBERS)


def num_text(rng, n):
    # Leading zeros are allowed and dropped by normalisation.
    return ("0" * rng.choice([0, 0, 0, 0, 1, 2])) + str(n)


class Parts:
    def __init__(self, epoch, release, pre, post, dev, local):
        self.epoch, self.release, self.pre, self.post, self.dev, self.local = epoch, release, pre, post, dev, local

    def copy(self):
        return Parts(self.epoch, list(self.release), self.pre, self.post, self.dev, self.local)


def random_parts(rng):
    epoch = 0 if rng.random() < 0.85 else rng.choice([1, 2, 10])
    release = [rnum(rng) for _ in range(rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6]))]
    pre = (rng.choice(["a", "b", "rc"]), rnum(rng)) if rng.random() < 0.3 else None
    post = rnum(rng) if rng.random() < 0.2 else None
    dev = rnum(rng) if rng.random() < 0.2 else None
    local = None
    if rng.random() < 0.15:
        local = rng.choice(["cu128", "cpu", "rocm6.4", "ubuntu.1", "1", "abc.2", "2.abc", "1.2.3",
                            "cu118", "a", "z", "0", "10", "deadbeef", "xpu"])
    return Parts(epoch, release, pre, post, dev, local)


def mutate(rng, p):
    q = p.copy()
    for _ in range(rng.choice([1, 1, 1, 2])):
        what = rng.randrange(9)
        if what == 0:
            i = rng.randrange(len(q.release))
            q.release[i] = max(0, q.release[i] + rng.choice([-1, 1, 1]))
        elif what == 1:
            q.release = q.release + [0] * rng.choice([1, 2])  # 1.0 == 1.0.0
        elif what == 2:
            q.pre = None if q.pre else (rng.choice(["a", "b", "rc"]), rnum(rng))
        elif what == 3:
            q.post = None if q.post is not None else rnum(rng)
        elif what == 4:
            q.dev = None if q.dev is not None else rnum(rng)
        elif what == 5:
            q.local = None if q.local else rng.choice(["cu128", "cpu", "1", "a", "abc.2", "2"])
        elif what == 6:
            q.epoch = 0 if q.epoch else 1
        elif what == 7 and len(q.release) > 1:
            q.release = q.release[:-1]
        elif what == 8 and q.pre:
            q.pre = (q.pre[0], q.pre[1] + rng.choice([-1, 1]) if q.pre[1] else 1)
    return q


def spell(rng, p, fancy=True, local=True):
    """One of the many spellings PEP 440 normalises to `p`."""
    out = ""
    if fancy and rng.random() < 0.1:
        out += rng.choice(["v", "V"])
    if p.epoch or (fancy and rng.random() < 0.05):
        out += num_text(rng, p.epoch) + "!"
    out += ".".join(num_text(rng, n) if fancy else str(n) for n in p.release)
    if p.pre:
        letter, n = p.pre
        word = rng.choice(PRE_SPELLINGS[letter]) if fancy else letter
        out += (rng.choice(SEPS) if fancy else "") + word
        if fancy and n == 0 and rng.random() < 0.3:
            pass  # implicit 0
        else:
            out += (rng.choice(SEPS) if fancy else "") + (num_text(rng, n) if fancy else str(n))
    if p.post is not None:
        if fancy and rng.random() < 0.2:
            out += "-" + str(p.post)
        else:
            word = rng.choice(["post", "post", "rev", "r", "POST", "Rev"]) if fancy else "post"
            out += (rng.choice(SEPS) if fancy else ".") + word
            if fancy and p.post == 0 and rng.random() < 0.3:
                pass
            else:
                out += (rng.choice(SEPS) if fancy else "") + str(p.post)
    if p.dev is not None:
        out += (rng.choice(SEPS) if fancy else ".") + (rng.choice(["dev", "DEV", "Dev"]) if fancy else "dev")
        if not (fancy and p.dev == 0 and rng.random() < 0.3):
            out += (rng.choice(SEPS) if fancy else "") + str(p.dev)
    if local and p.local:
        loc = p.local
        if fancy:
            loc = "".join(rng.choice([c, c.upper()]) for c in loc)
            loc = "".join(rng.choice(".-_") if c == "." else c for c in loc)
        out += "+" + loc
    if fancy and rng.random() < 0.05:
        out = rng.choice([" ", "\t", "  "]) + out + rng.choice(["", " ", "\n"[:0], "\t"])
    return out


JUNK = ["", " ", "1.0.", ".1", "1..0", "1.0a1a1", "1.0+", "1.0+a..b", "1.0+-a", "1.0-", "1.0--1",
        "1.0a-", "1.0a.", "1.0.post.", "1.0.dev.", "1.0-r", "1.0rc", "1.0abc", "1!", "!1", "1!1!1",
        "vv1", "1.0 1", "1.0+a b", "1.0+ä", "1.0.*", "1.0-dev-1", "1.0a1b1", "1.0.post1.post2",
        "1.0.dev1.dev2", "1.0.dev1a1", "1_0", "1-0", "1.0a1.post", "1.0post-1", "1.0.-1", "1.0-1-1",
        "1.0_post1", "1.0_r_1", "1.0ALPHA.1", "1.0pre-", "1.0-preview_5", "1.0.0.0.0.0.0.0",
        "00.00", "1.0+00.010", "1.0+A.B-C_D", "1.0++a", "+a", "1.0+a.", "1.0 ", "\t1.0\t",
        "1.0c", "1.0.c1", "1.0-1.dev2", "1.0r1", "1.0rev", "1.0-post", "1.0.rc", "1.0dev", "1.0dev-",
        "1.0.a-1", "1.0a-1-1", "1.0a--1", "1.0a_", "1.0.post_", "1.0.dev_+x", "1.0a1-"]


def version_strings(rng, count):
    out = []
    while len(out) < count:
        p = random_parts(rng)
        out.append(spell(rng, p))
        if rng.random() < 0.02:
            out.append(rng.choice(JUNK))
    return out[:count]


def version_pairs(rng, count):
    pairs = []
    while len(pairs) < count:
        p = random_parts(rng)
        r = rng.random()
        if r < 0.55:
            q = mutate(rng, p)
        elif r < 0.7:
            q = p.copy()  # same version, another spelling
        else:
            q = random_parts(rng)
        pairs.append((spell(rng, p), spell(rng, q)))
    return pairs


OPS = ["==", "!=", "<=", ">=", "<", ">", "~=", "==="]


def random_specifier(rng, p):
    op = rng.choice(OPS)
    ws = rng.choice(["", "", "", " "])
    if op in ("==", "!=") and rng.random() < 0.3:
        wp = Parts(p.epoch, p.release, None, None, None, None)
        return f"{op}{ws}{spell(rng, wp, fancy=rng.random() < 0.3, local=False)}.*"
    if op == "===":
        if rng.random() < 0.05:
            return "===" + rng.choice(["foobar", "1.0-custom", "abc"])
        return "===" + ws + spell(rng, p, fancy=False)
    if op == "~=":
        if len(p.release) < 2:
            p = p.copy()
            p.release = p.release + [rnum(rng)]
    text = spell(rng, p, fancy=rng.random() < 0.3, local=op in ("==", "!="))
    return op + ws + text.strip()


def specifier_cases(rng, count):
    cases = []
    while len(cases) < count:
        base = random_parts(rng)
        specs = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            src = base if rng.random() < 0.7 else mutate(rng, base)
            specs.append(random_specifier(rng, src))
        if rng.random() < 0.02:
            specs.append(rng.choice([">>1", "=1", "~=1", "<1.0.*", ">=1.0+local", "~=1.0.*", "==1.0a1.*",
                                     "== 1.0", "==", "1.0", "=== a b", "<=v1.0", ">=1.0-1", "!=1.0+cu128",
                                     "~=1!1.0", "~= 1.0.post1", "===", "==1.0.*.*", "==1.*.0"]))
        set_text = rng.choice([",", ", ", " ,"]).join(specs)
        if rng.random() < 0.03:
            set_text = rng.choice(["", " ", ",", set_text + ",", "," + set_text])
        # Candidates near the specifier's versions: its own version, neighbours, pre/post/dev/local variants.
        cand_parts = rng.choice([base, mutate(rng, base), mutate(rng, mutate(rng, base)), random_parts(rng)])
        cand = spell(rng, cand_parts, fancy=rng.random() < 0.2)
        pre = rng.choice(["none", "none", "true", "false"])
        cases.append((set_text, cand, pre))
    return cases


# ---------------------------------------------------------------- reference answers

def ref_version(text):
    try:
        return Version(text)
    except InvalidVersion:
        return None


def ref_info(v):
    pre = "none" if v.pre is None else f"{v.pre[0]}{v.pre[1]}"
    opt = lambda x: "none" if x is None else str(x)  # noqa: E731
    return "|".join([str(v.epoch), ".".join(map(str, v.release)), pre, opt(v.post), opt(v.dev), v.local or "",
                     str(int(v.is_prerelease)), str(int(v.is_postrelease)), str(int(v.is_devrelease))])


def _epoch_wildcard_bug():
    # packaging releases before the fix split `1!1.0` into ["1!1", "0"] for prefix matching, so
    # `==1!1.0.*` does not match `1!1` and `==0.*` matches `1!0.5`.
    return not pspec.Specifier("==1!1.0.*").contains("1!1")


EPOCH_BUG = _epoch_wildcard_bug()


def compatible_prefix_differs(spec):
    """True when packaging derives the ~= prefix from the raw spelling differently than from the
    parsed release (e.g. `~=1.4.r1`: packaging keeps `1.4.*`; PEP 440 says `1.*`)."""
    if not (hasattr(pspec, "_version_split") and hasattr(pspec, "_is_not_suffix")):
        return False
    parts = list(itertools.takewhile(pspec._is_not_suffix, pspec._version_split(spec.version)))[:-1]
    join = getattr(pspec, "_version_join", ".".join)  # later releases split off the epoch first
    try:
        theirs = Version(join(parts)).release if parts else None
    except InvalidVersion:
        return True
    ours = Version(spec.version).release[:-1]
    if theirs is None:
        return True
    pad = max(len(theirs), len(ours))
    return tuple(theirs) + (0,) * (pad - len(theirs)) != tuple(ours) + (0,) * (pad - len(ours)) or len(theirs) != len(ours)


def _split_with_epoch(version):
    # What later packaging releases do: the epoch is its own first component.
    epoch, _, rest = version.rpartition("!")
    result = [epoch or "0"]
    for item in rest.split("."):
        match = pspec._prefix_regex.search(item)
        result.extend(match.groups() if match else [item])
    return result


def _compatible_with_epoch(self, prospective, spec):
    parts = list(itertools.takewhile(pspec._is_not_suffix, _split_with_epoch(spec)))[:-1]
    epoch, *rest = parts
    prefix = f"{epoch}!{'.'.join(rest)}.*"
    return self._get_operator(">=")(prospective, spec) and self._get_operator("==")(prospective, prefix)


@contextlib.contextmanager
def epoch_aware_prefixes():
    saved = pspec._version_split, pspec.Specifier._compare_compatible
    pspec._version_split, pspec.Specifier._compare_compatible = _split_with_epoch, _compatible_with_epoch
    try:
        yield
    finally:
        pspec._version_split, pspec.Specifier._compare_compatible = saved


def ref_contains(set_text, cand, pre):
    """packaging's answer, or None where the case is left out (docs/spec.md)."""
    try:
        ss = SpecifierSet(set_text)
    except InvalidSpecifier:
        return "invalid"
    v = ref_version(cand)
    if v is None:
        return "invalid"
    for s in ss:
        if s.operator == "~=" and compatible_prefix_differs(s):
            return None
    prereleases = {"none": None, "true": True, "false": False}[pre]
    try:
        answer = ss.contains(v, prereleases=prereleases)
    except InvalidVersion:
        return None  # `===foo` with prereleases=None: packaging parses `foo` for .prereleases and raises
    if EPOCH_BUG and any(s.operator == "~=" or s.version.endswith(".*") for s in ss):
        with epoch_aware_prefixes():
            if ss.contains(v, prereleases=prereleases) != answer:
                return None
    return "true" if answer else "false"


def ref_spec(text):
    try:
        return "valid" if pspec.Specifier(text) is not None else "invalid"
    except InvalidSpecifier:
        return "invalid"


# ---------------------------------------------------------------- tests

def report(disagreements, what):
    for line in disagreements[:500]:
        print(line)
    assert not disagreements, f"{len(disagreements)} disagreements with packaging {packaging.__version__} on {what}"


def test_versions_normalise_like_packaging():
    rng = random.Random(SEED)
    texts = version_strings(rng, 6000) + JUNK
    questions = [f"norm\x01{t}" for t in texts] + [f"info\x01{t}" for t in texts]
    answers = run_probe(questions)
    bad = []
    for t, got_norm, got_info in zip(texts, answers[:len(texts)], answers[len(texts):]):
        v = ref_version(t)
        want_norm = "invalid" if v is None else str(v)
        want_info = "invalid" if v is None else ref_info(v)
        if got_norm != want_norm or got_info != want_info:
            bad.append(f"{t!r}: ours {got_norm} / {got_info}, packaging {want_norm} / {want_info}")
    report(bad, "version parsing")


def test_version_order_like_packaging():
    rng = random.Random(SEED + 1)
    pairs = version_pairs(rng, 8000)
    answers = run_probe([f"cmp\x01{a}\x01{b}" for a, b in pairs])
    bad, compared, equal = [], 0, 0
    for (a, b), got in zip(pairs, answers):
        va, vb = ref_version(a), ref_version(b)
        if va is None or vb is None:
            want = "invalid"
        else:
            want = "-1" if va < vb else "1" if va > vb else "0"
            compared += 1
            equal += want == "0"
        if got != want:
            bad.append(f"cmp {a!r} {b!r}: ours {got}, packaging {want}")
    report(bad, "version order")
    assert compared >= 5000 and equal >= 500, (compared, equal)


def test_specifier_sets_contain_like_packaging():
    rng = random.Random(SEED + 2)
    cases = specifier_cases(rng, 6000)
    answers = run_probe([f"contains\x01{s}\x01{v}\x01{p}" for s, v, p in cases])
    bad, compared, skipped, matched = [], 0, 0, 0
    for (s, v, p), got in zip(cases, answers):
        want = ref_contains(s, v, p)
        if want is None:
            skipped += 1
            continue
        compared += 1
        matched += want == "true"
        if got != want:
            bad.append(f"contains {s!r} {v!r} prereleases={p}: ours {got}, packaging {want}")
    print(f"compared {compared}, left out {skipped} (documented deviations), {matched} matches")
    report(bad, "specifier sets")
    assert compared >= 2000 and matched >= 500, (compared, matched)


def test_specifier_validity_like_packaging():
    rng = random.Random(SEED + 3)
    texts = []
    for _ in range(3000):
        texts.append(random_specifier(rng, random_parts(rng)))
    texts += [">>1", "=1", "~=1", "<1.0.*", ">=1.0+local", "~=1.0.*", "==1.0a1.*", "== 1.0", "==", "1.0",
              "=== a b", "<=v1.0", ">=1.0-1", "!=1.0+cu128", "~=1!1.0", "~= 1.0.post1", "===", "==1.0.*.*",
              "==1.*.0", "===1.0)", "===1;0", "====1", "< 1", "<\t1", "~=v1.0", "==1.0 .*", "==1.0.* ",
              "==1.*+x", "!=1.*", ">=1.*", "~=1.0+x", "==1.0+x.*", "<=1!1", ">1.0-dev", "~=1.0.0.0a",
              "==1.0+", "==01.02.*", "==v1.*", "==1!2.*", "~=1.", "<1..0", ">=", ">= ", "=>1", "==1.0.post"]
    answers = run_probe([f"spec\x01{t}" for t in texts])
    bad = []
    for t, got in zip(texts, answers):
        want = ref_spec(t)
        if (got != "invalid") != (want == "valid"):
            bad.append(f"spec {t!r}: ours {got}, packaging {want}")
    report(bad, "specifier validity")


def test_names_normalise_like_packaging():
    rng = random.Random(SEED + 4)
    alphabet = "aAzZ09._-"
    names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(2000)]
    names += ["Django", "zope.interface", "Foo__Bar", "a", "-a", "a-", "a..b", "torch", "PyTorch_Triton"]
    answers = run_probe([f"name\x01{n}" for n in names])
    bad = []
    import re
    valid = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
    for n, got in zip(names, answers):
        want = f"{canonicalize_name(n)}|{1 if valid.match(n) else 0}"
        if got != want:
            bad.append(f"name {n!r}: ours {got}, packaging {want}")
    report(bad, "names")


def test_short_strings_exhaustively():
    """Every short spelling around the suffix grammar, and every short specifier: same verdicts,
    same normalised forms (the operand of a specifier prints as its normalised version)."""
    versions = set()
    for prefix in ["1", "1.0", "v1", "1!1"]:
        for n in range(5):
            for t in itertools.product("a.-_r1+dv", repeat=n):
                versions.add(prefix + "".join(t))
    tokens = ["a", "alpha", "b", "beta", "c", "rc", "pre", "preview", "post", "rev", "r", "dev", "1", "0",
              ".", "-", "_", "+", "x", "!", "v", "*", "A", "DEV"]
    for n in range(1, 4):
        for t in itertools.product(tokens, repeat=n):
            versions.add("1.0" + "".join(t))
    versions = sorted(versions)
    specs = set()
    for op in ["==", "!=", "<=", ">=", "<", ">", "~=", "===", "=", "<>", "~"]:
        for ws in ["", " "]:
            for n in range(4):
                for t in itertools.product(["1", ".", "*", "+x", "a", "!", "v", "-1", ".0", " ", ";", ")", "dev"],
                                           repeat=n):
                    specs.add(op + ws + "".join(t))
    specs = sorted(specs)
    answers = run_probe([f"norm\x01{v}" for v in versions] + [f"spec\x01{s}" for s in specs])
    bad = []
    for text, got in zip(versions, answers):
        v = ref_version(text)
        want = "invalid" if v is None else str(v)
        if got != want:
            bad.append(f"version {text!r}: ours {got}, packaging {want}")
    for text, got in zip(specs, answers[len(versions):]):
        try:
            s = pspec.Specifier(text)
        except InvalidSpecifier:
            want = "invalid"
        else:
            if s.operator == "===":
                want = "===" + s.version
            elif s.version.endswith(".*"):
                want = s.operator + str(Version(s.version[:-2])) + ".*"
            else:
                want = s.operator + str(Version(s.version))
        if got != want:
            bad.append(f"spec {text!r}: ours {got}, packaging {want}")
    report(bad, "short strings")
