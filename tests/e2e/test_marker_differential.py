"""Differential test of PEP 508 markers and requirements against `packaging` (Debian's
python3-packaging): a seeded corpus of marker/environment cases and requirement strings, valid and
invalid, is answered by `packaging` and by tests/tools/marker_probe.

The reference is packaging's own parser (its tokenizer and grammar, plus the end-of-input check
later packaging releases added to Marker). Printing and evaluation are compared with packaging's
results; where docs/spec.md ("Markers and requirements") documents a deliberate difference from this
packaging release, the case is checked against the documented rule instead and counted by category.
Any other difference fails the test.
"""
import collections
import json
import os
import random
import subprocess
from pathlib import Path

import pytest

packaging = pytest.importorskip("packaging")
from packaging import markers as pmarkers  # noqa: E402
from packaging._parser import Variable, _parse_marker, parse_requirement  # noqa: E402
from packaging._tokenizer import DEFAULT_RULES, ParserSyntaxError, Tokenizer  # noqa: E402
from packaging.requirements import InvalidRequirement, Requirement  # noqa: E402
from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet  # noqa: E402
from packaging.utils import canonicalize_name  # noqa: E402
from packaging.version import InvalidVersion, Version  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SEED = 508
VERSION_VARS = {"python_version", "python_full_version", "implementation_version", "platform_release"}


def probe_path() -> Path:
    build = Path(os.environ.get("PTINSTALL_BUILD_DIR", str(ROOT / "build")))
    path = build / "tests" / "marker_probe"
    if not path.exists():
        pytest.fail(f"{path} is missing: build the marker_probe target (PTINSTALL_BUILD_DIR={build})")
    return path


def run_probe(questions):
    lines = [json.dumps(q) for q in questions]
    proc = subprocess.run([str(probe_path())], input="".join(line + "\n" for line in lines),
                          capture_output=True, text=True, timeout=300, check=True)
    out = proc.stdout.split("\n")
    assert out[-1] == ""
    out = [json.loads(line) for line in out[:-1]]
    assert len(out) == len(questions), f"{len(out)} answers for {len(questions)} questions"
    return out


# ---------------------------------------------------------------- reference

def ref_parse_marker(text):
    """packaging's marker grammar, with the end-of-input check of later releases."""
    tokenizer = Tokenizer(text, rules=DEFAULT_RULES)
    tree = _parse_marker(tokenizer)
    tokenizer.expect("END", expected="end of marker expression")
    return tree


def ref_format(marker, first=True):
    """packaging's _format_marker with the documented differences: a one-item group keeps its
    caller's context (packaging drops the parentheses of `((a or b)) and c`), every extra name is
    normalised (packaging 23.0: only the first comparison's), a value holding `"` is single-quoted."""
    if isinstance(marker, list) and len(marker) == 1 and isinstance(marker[0], (list, tuple)):
        return ref_format(marker[0], first)
    if isinstance(marker, list):
        inner = " ".join(ref_format(m, False) for m in marker)
        return inner if first else f"({inner})"
    if isinstance(marker, tuple):
        lhs, op, rhs = marker

        def ser(node, other):
            if isinstance(node, Variable):
                return node.value
            value = node.value
            if isinstance(other, Variable) and other.value == "extra":
                value = canonicalize_name(value)
            quote = "'" if '"' in value else '"'
            return f"{quote}{value}{quote}"

        return f"{ser(lhs, rhs)} {op.value} {ser(rhs, lhs)}"
    return marker


def ref_extras(marker, out):
    if isinstance(marker, list):
        for m in marker:
            ref_extras(m, out)
    elif isinstance(marker, tuple):
        lhs, _, rhs = marker
        if isinstance(lhs, Variable) and lhs.value == "extra" and not isinstance(rhs, Variable):
            out.add(canonicalize_name(rhs.value))
        if isinstance(rhs, Variable) and rhs.value == "extra" and not isinstance(lhs, Variable):
            out.add(canonicalize_name(lhs.value))
    return out


def string_op(op, lhs, rhs):
    return {
        "==": lambda: lhs == rhs, "!=": lambda: lhs != rhs, "<": lambda: lhs < rhs,
        "<=": lambda: lhs <= rhs, ">": lambda: lhs > rhs, ">=": lambda: lhs >= rhs,
        "in": lambda: lhs in rhs, "not in": lambda: lhs not in rhs,
        "===": lambda: lhs.lower() == rhs.lower(), "~=": lambda: False,
    }[op]()


def operand_value(node, env):
    if isinstance(node, Variable):
        value = env[node.value]
        if node.value == "python_full_version" and value.endswith("+"):
            value += "local"
        return value
    return node.value


def rule_cmp(item, env):
    """The documented rule (docs/spec.md): PEP 440 comparison when a version variable is involved,
    op + right side is a specifier and the left side a version; Python's string operators otherwise."""
    lhs, op, rhs = item
    lv, rv = operand_value(lhs, env), operand_value(rhs, env)
    nodes = (lhs, rhs)
    if any(isinstance(n, Variable) and n.value == "extra" for n in nodes):
        lv, rv = canonicalize_name(lv), canonicalize_name(rv)
    if any(isinstance(n, Variable) and n.value in VERSION_VARS for n in nodes) and op.value not in ("in", "not in"):
        try:
            spec = Specifier(op.value + rv)
        except InvalidSpecifier:
            spec = None
        if spec is not None:
            try:
                version = Version(lv)
            except InvalidVersion:
                version = None
            if version is not None:
                return spec.contains(version, prereleases=True)
    return string_op(op.value, lv, rv)


def packaging_cmp(item, env):
    """What packaging's _evaluate_markers does with one comparison: (value, None) or (None, exception name)."""
    lhs, op, rhs = item
    try:
        if isinstance(lhs, Variable):
            key, lv, rv = lhs.value, env[lhs.value], rhs.value
        else:
            key, lv, rv = rhs.value, lhs.value, env[rhs.value]
        lv, rv = pmarkers._normalize(lv, rv, key=key)
        return pmarkers._eval_op(lv, op, rv), None
    except Exception as e:  # noqa: BLE001 - packaging raises several kinds here
        return None, type(e).__name__


def deviation(item, env):
    """Why packaging 23.0 answers this comparison differently from the documented rule, or None."""
    value, error = packaging_cmp(item, env)
    expected = rule_cmp(item, env)
    if error is None and value == expected:
        return None
    lhs, op, rhs = item
    if isinstance(lhs, Variable) == isinstance(rhs, Variable):
        return "two variables or two literals (packaging compares against a name)"
    if error is not None:
        if error == "InvalidVersion":
            return "packaging 23.0 raises InvalidVersion: compared as strings"
        if error == "UndefinedComparison":
            return f"packaging raises UndefinedComparison for {op.value} on strings"
        return f"packaging raises {error}"
    key = lhs.value if isinstance(lhs, Variable) else rhs.value
    if key == "python_full_version" and env[key].endswith("+"):
        return "python_full_version ending in '+' gets 'local' appended, as later packaging does"
    if key not in VERSION_VARS:
        return "non-version variable: packaging 23.0 compares versions, later packaging strings"
    return "UNDOCUMENTED"


def walk_items(tree):
    for m in tree:
        if isinstance(m, list):
            yield from walk_items(m)
        elif isinstance(m, tuple):
            yield m


def rule_eval(tree, env):
    groups = [[]]
    for m in tree:
        if isinstance(m, list):
            groups[-1].append(rule_eval(m, env))
        elif isinstance(m, tuple):
            groups[-1].append(rule_cmp(m, env))
        elif m == "or":
            groups.append([])
    return any(all(g) for g in groups)


# ---------------------------------------------------------------- corpus

ENV_POOLS = {
    "python_version": ["2.7", "3.6", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"],
    "python_full_version": ["3.8.10", "3.10.12", "3.11.2", "3.12.0", "3.13.0rc1", "3.14.0a1", "3.12.1+", "3.9.0b1"],
    "os_name": ["posix", "nt", "java"],
    "sys_platform": ["linux", "win32", "darwin", "cygwin", "emscripten", "linux2", "freebsd14"],
    "platform_release": ["6.1.0-28-amd64", "5.15.0", "22.6.0", "10", "", "4.19.112+", "6.8.0-1017-azure"],
    "platform_system": ["Linux", "Windows", "Darwin", "Java", "FreeBSD", ""],
    "platform_version": ["#1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30)", "10.0.19045",
                         "Darwin Kernel Version 22.6.0", "1.0", ""],
    "platform_machine": ["x86_64", "aarch64", "AMD64", "arm64", "i686", "ppc64le", "s390x", "ARM64", ""],
    "platform_python_implementation": ["CPython", "PyPy", "Jython", "IronPython", "GraalVM"],
    "implementation_name": ["cpython", "pypy", "graalpy", "jython"],
    "implementation_version": ["3.11.2", "7.3.13", "3.13.0a2", "3.12.0", "24.1.0"],
}
SPELLINGS = {
    "os_name": ["os_name", "os.name"], "sys_platform": ["sys_platform", "sys.platform"],
    "platform_version": ["platform_version", "platform.version"],
    "platform_machine": ["platform_machine", "platform.machine"],
    "platform_python_implementation": ["platform_python_implementation", "platform.python_implementation",
                                       "python_implementation"],
}
EXTRAS = ["", "cuda", "opt-einsum", "opt_einsum", "Opt.Einsum", "dev", "test", "x", "pdf", "1.0", "a__b"]
VERSION_VALUES = ["3", "3.8", "3.10", "3.11.2", "3.*", "3.1*", "3.8.*", "2.7", "3.12.0rc1", "3.13.0a2", "1!2.0",
                  "3.10.0+local", "v3.9", " 3.9", "3.9 ", "6.1", "5.15.0", "foo", "", "3.9.post1", "3.11.dev0",
                  "==3.8", "4"]
OPS = ["==", "!=", "<", "<=", ">", ">=", "~=", "===", "in", "not in"]
OP_WEIGHTS = [10, 5, 4, 4, 4, 6, 2, 1, 3, 3]
WS = ["", " ", " ", " ", "  ", "\t", " \t "]


def pick_ws(rng, required=False):
    w = rng.choice(WS)
    return w or (" " if required else "")


def value_for(rng, var):
    r = rng.random()
    if var == "extra":
        return rng.choice(EXTRAS[1:])
    if var in VERSION_VARS and r < 0.6:
        return rng.choice(VERSION_VALUES)
    if r < 0.75:
        return rng.choice(ENV_POOLS[var])
    if r < 0.85:
        value = rng.choice(ENV_POOLS[var])
        return value[: rng.randint(0, len(value))]  # a prefix: `in` gets something to find
    return rng.choice(VERSION_VALUES + ["lin", "Win", "x86", "'", '"', "a b", "", "#1"])


def quote(rng, value):
    if '"' in value:
        return f"'{value}'"
    if "'" in value:
        return f'"{value}"'
    q = rng.choice(['"', '"', "'"])
    return f"{q}{value}{q}"


def gen_comparison(rng):
    var = rng.choice(list(ENV_POOLS) + ["extra", "extra"])
    name = rng.choice(SPELLINGS.get(var, [var]))
    op = rng.choices(OPS, OP_WEIGHTS)[0]
    if var == "extra":
        op = rng.choices(["==", "!=", "in", "not in", ">=", "==="], [10, 3, 1, 1, 1, 1])[0]
    value = quote(rng, value_for(rng, var))
    ws_op = op in ("in", "not in")
    left, right = (name, value) if rng.random() < 0.8 else (value, name)
    if rng.random() < 0.02:  # rare: two variables or two literals
        right = rng.choice(["os_name", "sys_platform", '"posix"', '"linux"'])
    return f"{left}{pick_ws(rng, ws_op)}{op}{pick_ws(rng, ws_op)}{right}"


def gen_marker(rng, depth=0):
    parts = []
    for i in range(rng.choices([1, 2, 3, 4], [4, 4, 2, 1])[0]):
        if i:
            parts.append(pick_ws(rng, True) + rng.choice(["and", "and", "or"]) + pick_ws(rng, True))
        if depth < 3 and rng.random() < 0.2:
            inner = gen_marker(rng, depth + 1)
            parts.append(f"({pick_ws(rng)}{inner}{pick_ws(rng)})")
        else:
            parts.append(gen_comparison(rng))
    return "".join(parts)


def gen_env(rng):
    return {k: rng.choice(v) for k, v in ENV_POOLS.items()}


NOISE = list("()[];,@=<>!~ \t'\"aZ09._-") + ["and", "or", "not", "in", " and ", "==", "extra", "os.name"]


def mutate(rng, text):
    if not text:
        return rng.choice(NOISE)
    i = rng.randrange(len(text) + 1)
    kind = rng.randrange(4)
    if kind == 0 and i < len(text):
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + rng.choice(NOISE) + text[i:]
    if kind == 2 and i < len(text):
        return text[:i] + rng.choice(NOISE) + text[i + 1:]
    return text[:i]


HANDWRITTEN_MARKERS = [
    'python_version >= "3.10"', 'python_version<"3.9"', "os_name=='nt'", 'sys_platform == "win32"',
    'platform_system == "Linux" and platform_machine == "x86_64"', 'extra == "opt-einsum"',
    'extra == "Opt_Einsum"', '"linux" in sys_platform', 'sys_platform not in "win32 cygwin"',
    'python_version ~= "3.8"', 'python_full_version === "3.11.2"', 'python_version == "3.*"',
    'python_version != "3.10.*"', '(python_version < "3.9" or python_version >= "3.11") and os_name == "posix"',
    '((python_version < "3.9" or python_version >= "3.11")) and os_name == "posix"',
    '(os_name == "a") and ((os.name=="b" or python_implementation=="c")) and extra=="Foo_Bar"',
    'os_name == "a" and extra == "A_b" and extra=="C.d"', 'platform.python_implementation == "CPython"',
    'python_implementation == "PyPy"', 'os.name == "posix"', 'sys.platform == "linux"',
    'platform.version == "1"', 'platform.machine=="x86_64"', 'implementation_name == "cpython"',
    'implementation_version >= "3"', 'platform_release >= "5.0"', 'platform_release < "6"',
    '"3.8" < python_version', '"cpython" == implementation_name', 'os_name == "a" garbage',
    'os_name == "a")', 'python_version >= "3" and', "", "   ", "(", "()", 'os_name = "posix"',
    "os_name == posix", 'os_name <> "posix"', 'os_name == "posix" AND sys_platform == "linux"',
    'os_name == "posix" && sys_platform == "linux"', 'os_name not"in"', 'os_name notin "posix"',
    'os_name not  in "posix"', 'os_name not\tin "posix"', 'os_name in"posix"', '"a"in os_name',
    'os_name=="a"and os_name=="b"', 'os_name=="a"andos_name=="b"', 'Python_Version == "3"',
    'platform.release == "6"', 'python_version == "3.10', "python_version == '3.10\"",
    'os_name == "posix" or', 'and os_name == "posix"', '(os_name == "posix"', 'os_name == "posix" )',
    '(((os_name == "posix")))', '((os_name == "a" or os_name == "b")) and os_name == "c"',
    'python_version > "3.8" or python_version == "3.6" and os_name == "unix"', 'extra == ""',
    'os_name == """', "os_name == '\"'", 'os_name == "a;b"', 'os_name == "é"', 'python_versionx == "3"',
    'extra', 'os_name', '"posix"', 'os_name ==', 'os_name === "posix"', 'os_name ~= "posix"',
    'os_name < "posiy"', 'python_version < "3.10"', 'python_full_version >= "3.12"', 'extra != "cuda"',
    'extra not in "cuda"', 'extra in "cuda"', 'extra >= "1.0"',
    'python_version >= "\x0b3.8"', 'python_version >= "3.8\x1f"', 'python_version == "\x0c3.*"',
]


def marker_cases(rng):
    valid = [gen_marker(rng) for _ in range(700)]
    invalid = [mutate(rng, rng.choice(valid + HANDWRITTEN_MARKERS)) for _ in range(500)]
    return HANDWRITTEN_MARKERS + valid + invalid


def ref_marker(text):
    try:
        return ref_parse_marker(text), None
    except ParserSyntaxError as e:
        return None, e.span[1] + 1
    except (SyntaxError, ValueError) as e:  # literal_eval of a quoted string
        return None, f"{type(e).__name__}"


# ---------------------------------------------------------------- tests


def test_markers_parse_print_and_evaluate_like_packaging():
    rng = random.Random(SEED)
    cases = marker_cases(rng)
    parse_q = [{"op": "marker", "text": t} for t in cases]
    parse_a = run_probe(parse_q)
    failures, documented = [], collections.Counter()
    eval_q, eval_meta = [], []
    valid = 0
    for text, ours in zip(cases, parse_a):
        tree, column = ref_marker(text)
        if tree is None:
            if ours["ok"]:
                failures.append(f"{text!r}: packaging rejects, we print {ours['str']!r}")
            elif isinstance(column, int) and ours["column"] != column:
                failures.append(f"{text!r}: error column {ours['column']} != packaging's {column}: {ours['error']}")
            continue
        valid += 1
        if not ours["ok"]:
            failures.append(f"{text!r}: packaging accepts, we reject: {ours['error']}")
            continue
        expected = ref_format(tree)
        if ours["str"] != expected:
            failures.append(f"{text!r}: str {ours['str']!r} != {expected!r}")
        if expected != str(pmarkers.Marker(text)):
            documented["printing (docs/spec.md: parentheses, extra names, quotes)"] += 1
        if sorted(ref_extras(tree, set())) != ours["extras"]:
            failures.append(f"{text!r}: extras {ours['extras']} != {sorted(ref_extras(tree, set()))}")
        for _ in range(3):
            env = gen_env(rng)
            extra = rng.choice(EXTRAS)
            eval_q.append({"op": "eval", "text": text, "env": env, "extras": [extra] if extra else []})
            eval_meta.append((text, tree, env, extra))
    eval_a = run_probe(eval_q)
    for (text, tree, env, extra), ours in zip(eval_meta, eval_a):
        full_env = dict(env, extra=extra)
        expected = rule_eval(tree, full_env)
        if ours.get("value") != expected:
            failures.append(f"{text!r} with extra={extra!r} env={env}: we say {ours}, the rule says {expected}")
            continue
        reasons = {deviation(item, full_env) for item in walk_items(tree)} - {None}
        if "UNDOCUMENTED" in reasons:
            failures.append(f"{text!r} with extra={extra!r} env={env}: undocumented difference from packaging")
        try:
            theirs = pmarkers.Marker(text).evaluate(full_env)
        except Exception as e:  # noqa: BLE001
            theirs = type(e).__name__
        if theirs != expected:
            if not reasons:
                failures.append(f"{text!r} with extra={extra!r}: packaging says {theirs}, we {expected}, no reason")
            for r in reasons:
                documented[r] += 1
    print(f"{len(cases)} markers ({valid} valid), {len(eval_q)} evaluations; documented differences:")
    for reason, n in documented.most_common():
        print(f"  {n:5}  {reason}")
    assert len(eval_q) >= 1000
    assert not failures, "\n".join(failures[:50]) + f"\n({len(failures)} failures)"


# ---------------------------------------------------------------- requirements

NAMES = ["torch", "numpy", "Foo_Bar", "foo.bar", "A", "a1", "zope.interface", "nvidia-cuda-runtime-cu12",
         "typing_extensions", "PyYAML", "x-y_z.w", "1password"]
SPEC_ITEMS = [">=1.0", "==2.*", "<2", "~=1.4.5", "!=1.5", "===1.0-foo", "== 1.0", ">= 2.0 ", "==1.0+cu128",
              "<=3.0a1", ">1.0.post1", "==1!2.0", "~=2.2.0.dev1", "==v1.0", "<3.0rc1", ">=1.0.DEV0", "!=2.0.*"]
URLS = ["https://example.com/pkg-1.0-py3-none-any.whl", "git+https://github.com/org/repo@v1.0#egg=pkg",
        "file:///tmp/pkg.tar.gz", "file:/tmp/pkg", "https://h/p?x=1#sha256=abc", "http://[::1]/p.whl",
        "ftp://x.org/a", "https://", "/local/path", "C:\\path\\pkg.whl", "https://x.org/a;b", "FILE:///x",
        "file://host/x", "file:///x#", "file:///x?"]
REAL = [
    'nvidia-cuda-runtime-cu12==12.8.90; platform_system == "Linux" and platform_machine == "x86_64"',
    'triton==3.5.1; platform_system == "Linux" and platform_machine == "x86_64"', "sympy>=1.13.3",
    'opt-einsum>=3.3; extra == "opt-einsum"', 'numpy; python_version >= "3.10"', "filelock", "typing-extensions>=4.10.0",
    "networkx>=2.5.1", "jinja2", "fsspec>=0.8.5", 'setuptools; python_version >= "3.12"',
    'optree>=0.13.0; extra == "optree"', "requests[socks] (>=2.0, <3)", 'importlib-metadata>=4.6; python_version < "3.10"',
    'pywin32>=226; sys_platform == "win32"', 'colorama; platform_system == "Windows"',
    'pytest[testing]>=7; extra == "test" and python_version >= "3.8"', "name @ https://x.org/a.whl ; os_name == 'nt'",
    "pip @ file:///localbuilds/pip-1.3.1.zip", "name[quux, strange];python_version<'2.7' and platform_version=='2'",
    "name<=1", "name>=3,<2", "name@http://foo.com", 'name[fred,bar] @ http://foo.com ; python_version=="2.7"',
    "A.B-C_D", "aa", "name", "foo (==1.0)", "foo ( == 1.0 , < 2 )", "foo[]", "foo[ ]", "foo [bar]", "foo[bar ,baz]",
    "foo>=1.0,", "foo>=1.0,<2,", "foo==1.0.*", "foo===", "foo===bar", "foo===a,b", "foo>=1.0abc",
    "foo>=\x0b1.0", "foo==\x1f1.0.*", "foo===\x1cab", "foo>=\x0c1.0,<\x1d2",
]


def gen_requirement(rng):
    parts = [pick_ws(rng), rng.choice(NAMES)]
    if rng.random() < 0.3:
        extras = rng.sample(["socks", "Test_Extra", "cuda", "dev", "a.b", "pdf"], rng.randint(0, 3))
        sep = rng.choice([",", ", ", " ,", " , "])
        parts.append(f"{pick_ws(rng)}[{pick_ws(rng)}{sep.join(extras)}{pick_ws(rng)}]")
    if rng.random() < 0.2:
        parts.append(f"{pick_ws(rng)}@{pick_ws(rng, True)}{rng.choice(URLS)}")
        if rng.random() < 0.4:
            parts.append(f"{pick_ws(rng, True)};{pick_ws(rng)}{gen_marker(rng, 2)}")
        return "".join(parts) + pick_ws(rng)
    if rng.random() < 0.7:
        items = rng.sample(SPEC_ITEMS, rng.randint(1, 3))
        text = rng.choice([",", ", ", " ,"]).join(items)
        if rng.random() < 0.3:
            text = f"({pick_ws(rng)}{text}{pick_ws(rng)})"
        parts.append(pick_ws(rng) + text)
    if rng.random() < 0.4:
        parts.append(f"{pick_ws(rng)};{pick_ws(rng)}{gen_marker(rng, 2)}")
    return "".join(parts) + pick_ws(rng)


def ref_requirement(text):
    """packaging 23.0's Requirement, split into what we compare; ('invalid', column or None)."""
    try:
        parsed = parse_requirement(text)
    except ParserSyntaxError as e:
        return "invalid", e.span[1] + 1
    except (SyntaxError, ValueError):
        return "invalid", None
    try:
        req = Requirement(text)
    except (InvalidRequirement, InvalidSpecifier, ValueError) as e:
        return "invalid", str(e)
    return "valid", (req, parsed)


def same_specifiers(ours, req):
    """Our specifier set prints versions normalised (docs/spec.md); packaging keeps them as written."""
    try:
        return SpecifierSet(ours) == req.specifier
    except InvalidSpecifier:
        return False


def expected_str(req, parsed, spec_text=None):
    """packaging's str(Requirement) as later releases print it (` @ url`), extras normalised,
    with `spec_text` (our normalised specifier set, when equal to packaging's) for the specifiers."""
    parts = [req.name]
    extras = sorted({canonicalize_name(e) for e in req.extras})
    if extras:
        parts.append("[" + ",".join(extras) + "]")
    if req.specifier:
        parts.append(spec_text if spec_text is not None else str(req.specifier))
    marker = ref_format(parsed.marker) if parsed.marker is not None else None
    if req.url:
        parts.append(f" @ {req.url}")
        if marker is not None:
            parts.append(" ")
    if marker is not None:
        parts.append(f"; {marker}")
    return "".join(parts)


def documented_requirement_difference(text, ref, ours):
    """The documented reasons a requirement may be judged differently, or None."""
    try:
        parsed = parse_requirement(text)
    except Exception:  # noqa: BLE001
        return None
    if not parsed.name[-1].isalnum() or any(not e[-1].isalnum() for e in parsed.extras):
        return "name or extra ending in '_' (PEP 508 requires a letter or digit)"
    if parsed.url and parsed.url.lower().startswith("file:") and ours["ok"]:
        return "file: URL that urllib does not round-trip (accepted)"
    return None


def test_requirements_parse_and_print_like_packaging():
    rng = random.Random(SEED + 1)
    generated = [gen_requirement(rng) for _ in range(450)]
    invalid = [mutate(rng, rng.choice(generated + REAL)) for _ in range(350)]
    cases = REAL + generated + invalid + ["foo_", "foo-", "_foo", "foo[a-]", "foo[a_]", "foo @", "foo @ ",
                                          "foo (>=1.0", "foo[a b]", "foo[a,]", "foo;", "foo ;", "foo @ url",
                                          "foo = 1.0", "foo 1.0", "foo>=1 @ https://x.org/a"]
    answers = run_probe([{"op": "req", "text": t} for t in cases])
    failures, documented = [], collections.Counter()
    n_valid = 0
    for text, ours in zip(cases, answers):
        verdict, ref = ref_requirement(text)
        if verdict == "invalid":
            if ours["ok"]:
                reason = documented_requirement_difference(text, ref, ours)
                if reason:
                    documented[reason] += 1
                else:
                    failures.append(f"{text!r}: packaging rejects ({ref}), we accept: {ours['str']!r}")
            elif isinstance(ref, int) and ours["column"] != ref:
                failures.append(f"{text!r}: error column {ours['column']} != packaging's {ref}: {ours['error']}")
            continue
        req, parsed = ref
        if not ours["ok"]:
            reason = documented_requirement_difference(text, ref, ours)
            if reason:
                documented[reason] += 1
            else:
                failures.append(f"{text!r}: packaging accepts, we reject: {ours['error']}")
            continue
        n_valid += 1
        checks = {
            "name": (ours["name"], req.name),
            "normalized": (ours["normalized"], canonicalize_name(req.name)),
            "extras": (ours["extras"], sorted({canonicalize_name(e) for e in req.extras})),
            "specifier": (same_specifiers(ours["specifier"], req), True),
            "url": (ours["url"], req.url),
            "marker": (ours["marker"], ref_format(parsed.marker) if parsed.marker is not None else None),
            "str": (ours["str"], expected_str(req, parsed, ours["specifier"])),
        }
        for what, (got, want) in checks.items():
            if got != want:
                failures.append(f"{text!r}: {what} {got!r} != {want!r}")
        if expected_str(req, parsed) != str(req):
            documented["printing (docs/spec.md: ' @ ', normalised extras, markers)"] += 1
    print(f"{len(cases)} requirements ({n_valid} valid); documented differences:")
    for reason, n in documented.most_common():
        print(f"  {n:5}  {reason}")
    assert len(cases) >= 500
    assert not failures, "\n".join(failures[:50]) + f"\n({len(failures)} failures)"


def test_specifier_extents_like_packaging():
    """The SPECIFIER token (how far a version specifier reaches) on tricky spellings."""
    texts = ["foo" + s for s in [
        ">=1.0abc", "==1.0.*", "==1.0.*.1", "~=1", "~=1.0", "~=1.0.*", ">=1.0+local", "==1.0+local",
        "==1.0+local.", "==1.0-1", "==1.0-post", "==1.0.post.dev", "==1.0a.", "==1.0alph", "==1.0preview1",
        "==1.0re", "==1.0rev2", "==1!", "==1!2", "===  foo", "===foo)", "===foo;x", "<>1", "<=>1", "== v1",
        "==V1.0RC1", "!=1.0.*", ">=1.*", "==1.0.dev", "==1.0_dev_1", "==1.0_a_1", "==1.0-a-1", "=1.0",
        ">= 1.0 , <2", "(>=1.0 , <2)", ">=1.0,,<2", ">=1.0;", ">=1.0 ;os_name=='nt'", "==1.0.0.0.0.0.1",
        "==01.002", ">=1.0\t", "==1.0 +local", "==1.0+loc al"]]
    answers = run_probe([{"op": "req", "text": t} for t in texts])
    failures = []
    for text, ours in zip(texts, answers):
        verdict, ref = ref_requirement(text)
        if verdict == "invalid":
            if ours["ok"]:
                failures.append(f"{text!r}: packaging rejects ({ref}), we accept")
            elif isinstance(ref, int) and ours["column"] != ref:
                failures.append(f"{text!r}: column {ours['column']} != {ref}")
        elif not ours["ok"]:
            failures.append(f"{text!r}: we reject: {ours['error']}")
        elif not same_specifiers(ours["specifier"], ref[0]):
            failures.append(f"{text!r}: {ours['specifier']!r} != {str(ref[0].specifier)!r}")
    assert not failures, "\n".join(failures)
