"""Differential test of wheel tag priority: ptinstall's ordered supported tags (through the probe
tests/tools/tags_probe) against packaging.tags.sys_tags() as run by Debian's /usr/bin/python3.

packaging computes sys_tags() from the running interpreter; here it runs inside /usr/bin/python3
with the facts of another interpreter (or of a made-up one) patched in: sys.version_info, the
sysconfig variables behind the ABI tag, platform.system(), sysconfig.get_platform(), the glibc and
musl versions and platform.mac_ver(). Every interpreter found on the machine (/usr/bin/python3 and
pyenv's) is compared; the synthetic matrix covers what this machine is not (aarch64, musl, macOS,
Windows, PyPy, older glibc)."""
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"


def build_dir() -> Path:
    return Path(os.environ.get("PTINSTALL_BUILD_DIR", str(ROOT / "build")))


def probe() -> str:
    path = build_dir() / "tests" / "tags_probe"
    if not path.exists():
        pytest.skip(f"{path} is not built (cmake --build <dir> --target tags_probe)")
    return str(path)


def have_packaging() -> bool:
    if not os.path.exists(SYSTEM_PYTHON):
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import packaging.tags"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not have_packaging(), reason="Debian's python3-packaging is not installed")

# Runs in the interpreter under test (Python 2.7 and 3.x): the facts the tag computation needs.
FACTS_SCRIPT = r"""
import json, os, sys, sysconfig, platform
cv = sysconfig.get_config_var
name = getattr(sys, "implementation", None)
name = name.name if name is not None else platform.python_implementation().lower()
try:
    glibc = os.confstr("CS_GNU_LIBC_VERSION").split()[1]
except Exception:
    glibc = None
flags = getattr(sys, "abiflags", None)
if flags is None:
    flags = ("d" if cv("Py_DEBUG") else "") + ("m" if cv("WITH_PYMALLOC") else "") + \
            ("u" if cv("Py_UNICODE_SIZE") == 4 else "")
print(json.dumps({
    "name": name, "version": list(sys.version_info[:2]), "abiflags": flags,
    "config": dict((k, cv(k)) for k in ("Py_DEBUG", "WITH_PYMALLOC", "Py_UNICODE_SIZE", "EXT_SUFFIX",
                                       "py_version_nodot", "Py_GIL_DISABLED")),
    "system": platform.system(), "sysconfig_platform": sysconfig.get_platform(),
    "glibc": glibc, "musl": None, "mac_ver": None, "maxsize64": sys.maxsize > 2**32,
}))
"""

# Runs in /usr/bin/python3: packaging's own sys_tags() for the patched-in facts.
EXPECTED_SCRIPT = r"""
import json, sys, sysconfig, platform
from packaging import tags, _manylinux, _musllinux
facts = json.loads(sys.stdin.read())
config = facts["config"]
version = tuple(facts["version"])
tags._get_config_var = lambda name, warn=False: config.get(name)
tags.interpreter_name = lambda: tags.INTERPRETER_SHORT_NAMES.get(facts["name"]) or facts["name"]
sys.version_info = version + (0, "final", 0)
platform.system = lambda: facts["system"]
sysconfig.get_platform = lambda: facts["sysconfig_platform"]
glibc = tuple(int(x) for x in facts["glibc"].split(".")[:2]) if facts.get("glibc") else (-1, -1)
_manylinux._get_glibc_version = lambda: glibc
_manylinux._have_compatible_abi = lambda executable, arch: arch in {
    "x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x"}
musl = facts.get("musl")
_musllinux._get_musl_version = lambda executable: (
    _musllinux._MuslVersion(int(musl.split(".")[0]), int(musl.split(".")[1])) if musl else None)
if facts.get("mac_ver"):
    mac_ver, mac_arch = facts["mac_ver"]
    platform.mac_ver = lambda: (mac_ver, ("", "", ""), mac_arch)
for t in tags.sys_tags():
    print(t)
"""


def expected_tags(facts: dict) -> list:
    proc = subprocess.run([SYSTEM_PYTHON, "-c", EXPECTED_SCRIPT], input=json.dumps(facts),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def probe_args(facts: dict) -> list:
    short = {"cpython": "cp", "pypy": "pp"}.get(facts["name"], facts["name"])
    system = facts["system"]
    plat = facts["sysconfig_platform"]
    args = ["--impl", short, "--version", "%d.%d" % tuple(facts["version"])]
    if short == "cp":
        args += ["--abi-flags", facts["abiflags"]]
    else:
        # The EXT_SUFFIX-derived ABI, as the python layer will report it (".pypy310-pp73-x86_64-linux-gnu.so").
        soabi = facts["config"]["EXT_SUFFIX"].split(".")[1]
        args += ["--abi", "-".join(soabi.split("-")[:2]).replace("-", "_").replace(".", "_")]
    if system == "Linux":
        args += ["--os", "linux", "--arch", plat.split("-", 1)[1]]
        if facts.get("glibc"):
            args += ["--glibc", facts["glibc"]]
        if facts.get("musl"):
            args += ["--musl", facts["musl"]]
    elif system == "Darwin":
        mac_ver, mac_arch = facts["mac_ver"]
        args += ["--os", "macos", "--arch", mac_arch, "--macos", ".".join(mac_ver.split(".")[:2])]
    elif system == "Windows":
        args += ["--os", "windows", "--arch", plat.split("-", 1)[1] if "-" in plat else "x86"]
    return args


def our_tags(facts: dict) -> list:
    proc = subprocess.run([probe(), *probe_args(facts)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def compare(facts: dict):
    theirs = expected_tags(facts)
    ours = our_tags(facts)
    assert theirs, "packaging produced no tags"
    if ours != theirs:
        first = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
        pytest.fail(f"tag lists differ at index {first} (ours {len(ours)} tags, packaging {len(theirs)}):\n"
                    f"ours:      {ours[max(0, first - 2):first + 3]}\n"
                    f"packaging: {theirs[max(0, first - 2):first + 3]}")


def interpreters() -> list:
    found = []
    if os.path.exists(SYSTEM_PYTHON):
        found.append(SYSTEM_PYTHON)
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        root = ""
    if root and (Path(root) / "versions").is_dir():
        for version_dir in sorted((Path(root) / "versions").iterdir()):
            for exe in ("python3", "python"):
                candidate = version_dir / "bin" / exe
                if candidate.exists():
                    found.append(str(candidate))
                    break
    return found


@pytest.mark.parametrize("interpreter", interpreters())
def test_real_interpreter_matches_packaging(interpreter):
    proc = subprocess.run([interpreter, "-c", FACTS_SCRIPT], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        pytest.skip(f"{interpreter} cannot report its facts: {proc.stderr.strip()[-200:]}")
    facts = json.loads(proc.stdout)
    if facts["system"] != "Linux" or not facts["maxsize64"]:
        pytest.skip("only 64-bit Linux interpreters are described here")
    if facts["name"] != "cpython" and facts["config"].get("EXT_SUFFIX") is None:
        pytest.skip("no EXT_SUFFIX to derive the ABI from")
    compare(facts)


def cpython(version, abiflags="", system="Linux", plat="linux-x86_64", glibc="2.36", musl=None, mac_ver=None,
            debug=0):
    config = {"Py_DEBUG": debug, "WITH_PYMALLOC": 1 if "m" in abiflags else 0,
              "Py_UNICODE_SIZE": 4 if "u" in abiflags else None, "EXT_SUFFIX": None,
              "py_version_nodot": "%d%d" % version, "Py_GIL_DISABLED": 0}
    return {"name": "cpython", "version": list(version), "abiflags": abiflags, "config": config, "system": system,
            "sysconfig_platform": plat, "glibc": glibc, "musl": musl, "mac_ver": mac_ver, "maxsize64": True}


SYNTHETIC = {
    "cp312-linux-x86_64-glibc2.36": cpython((3, 12)),
    "cp314-linux-x86_64-glibc2.41": cpython((3, 14), glibc="2.41"),
    "cp38-linux-x86_64-glibc2.17": cpython((3, 8), glibc="2.17"),
    "cp37m-linux-x86_64-glibc2.28": cpython((3, 7), "m", glibc="2.28"),
    "cp27mu-linux-x86_64-glibc2.12": cpython((2, 7), "mu", glibc="2.12"),
    "cp36m-linux-x86_64-glibc2.5": cpython((3, 6), "m", glibc="2.5"),
    "cp311-linux-i686-glibc2.31": cpython((3, 11), plat="linux-i686", glibc="2.31"),
    "cp312-linux-aarch64-glibc2.28": cpython((3, 12), plat="linux-aarch64", glibc="2.28"),
    "cp312-linux-aarch64-glibc2.17": cpython((3, 12), plat="linux-aarch64", glibc="2.17"),
    "cp310-linux-armv7l-glibc2.31": cpython((3, 10), plat="linux-armv7l", glibc="2.31"),
    "cp39-linux-ppc64le-glibc2.34": cpython((3, 9), plat="linux-ppc64le", glibc="2.34"),
    "cp313-linux-s390x-glibc2.39": cpython((3, 13), plat="linux-s390x", glibc="2.39"),
    "cp312-linux-x86_64-musl1.2": cpython((3, 12), glibc=None, musl="1.2"),
    "cp311-linux-aarch64-musl1.1": cpython((3, 11), plat="linux-aarch64", glibc=None, musl="1.1"),
    "cp312-linux-x86_64-no-libc": cpython((3, 12), glibc=None),
    "cp312d-linux-x86_64": cpython((3, 12), "d", debug=1),
    "cp37dm-linux-x86_64": cpython((3, 7), "dm", debug=1),
    "cp312-macos14-arm64": cpython((3, 12), system="Darwin", plat="macosx-11.0-arm64", glibc=None,
                                   mac_ver=["14.2", "arm64"]),
    "cp311-macos13-x86_64": cpython((3, 11), system="Darwin", plat="macosx-10.9-x86_64", glibc=None,
                                    mac_ver=["13.0", "x86_64"]),
    "cp39-macos10.15-x86_64": cpython((3, 9), system="Darwin", plat="macosx-10.9-x86_64", glibc=None,
                                      mac_ver=["10.15", "x86_64"]),
    "cp38-macos11-arm64": cpython((3, 8), system="Darwin", plat="macosx-11.0-arm64", glibc=None,
                                  mac_ver=["11.0", "arm64"]),
    "cp312-windows-amd64": cpython((3, 12), system="Windows", plat="win-amd64", glibc=None),
    "cp311-windows-arm64": cpython((3, 11), system="Windows", plat="win-arm64", glibc=None),
    "cp310-windows-win32": cpython((3, 10), system="Windows", plat="win32", glibc=None),
}


@pytest.mark.parametrize("label", sorted(SYNTHETIC))
def test_synthetic_environment_matches_packaging(label):
    compare(SYNTHETIC[label])


def test_pypy_matches_packaging():
    facts = cpython((3, 10))
    facts["name"] = "pypy"
    facts["config"]["EXT_SUFFIX"] = ".pypy310-pp73-x86_64-linux-gnu.so"
    compare(facts)


def test_probe_agrees_with_python_platform_form():
    """--python-platform x86_64-manylinux_2_28 gives the same list as the spelled-out environment."""
    spelled = subprocess.run([probe(), "--version", "3.12", "--os", "linux", "--arch", "x86_64", "--glibc", "2.28"],
                             capture_output=True, text=True, check=True).stdout
    parsed = subprocess.run([probe(), "--version", "3.12", "--python-platform", "x86_64-manylinux_2_28"],
                            capture_output=True, text=True, check=True).stdout
    assert spelled == parsed
    assert spelled.split()[0] == "cp312-cp312-manylinux_2_28_x86_64"
    bad = subprocess.run([probe(), "--python-platform", "sparc-sun-solaris"], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "invalid python platform" in bad.stderr and "x86_64-manylinux_2_28" in bad.stderr
