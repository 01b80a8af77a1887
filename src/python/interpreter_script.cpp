// The script run by query_interpreter: one run of the interpreter prints everything ptinstall needs
// as one JSON line. It must stay valid Python 2.7 syntax (so Python 2 answers with a clean
// "unsupported_python_version") and work on CPython 3.6 and newer: no f-strings, no annotations.
#include "ptinstall/python/interpreter.hpp"

namespace ptinstall::python {

namespace {
constexpr std::string_view kScript = R"PY(
import sys


def _full_version(info):
    text = "%d.%d.%d" % (info[0], info[1], info[2])
    if info[3] != "final":
        text += info[3][0] + str(info[4])
    return text


if sys.version_info < (3, 6):
    import json
    print(json.dumps({"result": "error", "kind": "unsupported_python_version",
                      "version": _full_version(sys.version_info), "executable": sys.executable}))
    sys.exit(0)

# Never import modules from the working directory.
sys.path = [p for p in sys.path if p not in ("", ".")]

import json
import os
import platform
import struct
import sysconfig

PLACEHOLDER = "/__ptinstall_prefix__"
ROOT_VARS = ("base", "platbase", "installed_base", "installed_platbase", "prefix", "exec_prefix")
KEYS = ("purelib", "platlib", "scripts", "data", "include")


def default_scheme():
    if hasattr(sysconfig, "get_default_scheme"):
        return sysconfig.get_default_scheme()
    if hasattr(sysconfig, "_get_default_scheme"):
        return sysconfig._get_default_scheme()
    return "posix_prefix" if os.name == "posix" else "nt"


def plain_scheme(name):
    # Debian's posix_local (adds /local) and deb_system, and macOS framework builds, are replaced by
    # the upstream layout when installing under another root, as pip does for framework builds.
    if name in ("posix_local", "deb_system", "osx_framework_library"):
        return "posix_prefix"
    return name


def templated(scheme):
    paths = sysconfig.get_paths(scheme=scheme, vars=dict((k, PLACEHOLDER) for k in ROOT_VARS))
    return dict((k, paths.get(k, "")) for k in KEYS)


def glibc_version():
    try:
        parts = os.confstr("CS_GNU_LIBC_VERSION").split()
        if len(parts) == 2 and parts[0] == "glibc":
            return parts[1]
    except (AttributeError, OSError, ValueError):
        pass
    if sys.platform.startswith("linux"):
        try:
            lib, version = platform.libc_ver()
            if lib == "glibc" and version:
                return version
        except Exception:
            pass
    return None


def musl_version():
    if not sys.platform.startswith("linux"):
        return None
    import glob
    import subprocess
    for loader in sorted(glob.glob("/lib/ld-musl-*.so.1")):
        try:
            proc = subprocess.Popen([loader], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            _, err = proc.communicate()
        except OSError:
            continue
        for line in err.decode("utf-8", "replace").splitlines():
            if line.startswith("Version "):
                return line.split()[1]
    return None


def prefer_versioned(path, directory, names):
    real = os.path.realpath(path)
    for name in names:
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate) and os.path.realpath(candidate) == real:
            return candidate
    return path


def venv_home():
    try:
        with open(os.path.join(sys.prefix, "pyvenv.cfg")) as f:
            for line in f:
                key, sep, value = line.partition("=")
                if sep and key.strip().lower() == "home":
                    return value.strip()
    except (IOError, OSError):
        pass
    return None


def base_executable(is_venv, names):
    executable = sys.executable
    if not is_venv:
        return prefer_versioned(executable, os.path.dirname(executable), names)
    home = venv_home() or os.path.join(getattr(sys, "base_prefix", sys.prefix), "bin")
    real = os.path.realpath(executable)
    inside = os.path.realpath(sys.prefix) + os.sep
    if not real.startswith(inside):
        # The venv's python is a symlink to the base interpreter.
        return prefer_versioned(real, home, names)
    for name in names:
        candidate = os.path.join(home, name)
        if os.path.isfile(candidate):
            return candidate
    return real


def main():
    info = sys.version_info
    config = sysconfig.get_config_var
    is_venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix) or hasattr(sys, "real_prefix")
    names = ["python%d.%d" % (info[0], info[1]), "python%d" % info[0], "python"]
    stdlib = sysconfig.get_path("stdlib")
    marker = os.path.join(stdlib, "EXTERNALLY-MANAGED") if stdlib else ""
    current = sysconfig.get_paths()
    if hasattr(sysconfig, "get_preferred_scheme"):
        prefix_scheme = sysconfig.get_preferred_scheme("prefix")
    else:
        prefix_scheme = default_scheme()
    prefix_scheme = plain_scheme(prefix_scheme)
    venv_scheme = "venv" if "venv" in sysconfig.get_scheme_names() else plain_scheme(default_scheme())
    glibc = glibc_version()
    result = {
        "result": "success",
        "executable": sys.executable,
        "base_executable": base_executable(is_venv, names),
        "prefix": sys.prefix,
        "base_prefix": getattr(sys, "base_prefix", sys.prefix),
        "exec_prefix": sys.exec_prefix,
        "base_exec_prefix": getattr(sys, "base_exec_prefix", sys.exec_prefix),
        "is_venv": is_venv,
        "version": {
            "full": platform.python_version(),
            "major": info[0], "minor": info[1], "micro": info[2],
            "releaselevel": info[3], "serial": info[4],
        },
        "implementation": {
            "name": sys.implementation.name,
            "version": _full_version(sys.implementation.version),
            "display": platform.python_implementation(),
            # Names the .pyc files (importlib.util.cache_from_source); None: no bytecode cache.
            "cache_tag": getattr(sys.implementation, "cache_tag", None),
        },
        "paths": dict((k, current.get(k, "")) for k in KEYS),
        "stdlib": stdlib or "",
        "default_scheme": default_scheme(),
        "prefix_scheme": prefix_scheme,
        "prefix_paths": templated(prefix_scheme),
        "venv_scheme": venv_scheme,
        "venv_paths": templated(venv_scheme),
        "placeholder": PLACEHOLDER,
        "markers": {
            "implementation_name": sys.implementation.name,
            "implementation_version": _full_version(sys.implementation.version),
            "os_name": os.name,
            "platform_machine": platform.machine(),
            "platform_python_implementation": platform.python_implementation(),
            "platform_release": platform.release(),
            "platform_system": platform.system(),
            "platform_version": platform.version(),
            "python_full_version": platform.python_version(),
            "python_version": ".".join(platform.python_version_tuple()[:2]),
            "sys_platform": sys.platform,
        },
        "abi": {
            "soabi": config("SOABI") or "",
            "abiflags": getattr(sys, "abiflags", ""),
            "gil_disabled": bool(config("Py_GIL_DISABLED")),
            "pointer_size": struct.calcsize("P") * 8,
            "ext_suffix": config("EXT_SUFFIX") or "",
        },
        "platform": {
            "sysconfig": sysconfig.get_platform(),
            "glibc": glibc,
            "musl": None if glibc else musl_version(),
            "macos": platform.mac_ver()[0] if sys.platform == "darwin" else None,
        },
        "externally_managed": marker if marker and os.path.isfile(marker) else None,
        "sys_path": sys.path,
    }
    sys.stdout.write(json.dumps(result) + "\n")


main()
)PY";
}  // namespace

std::string_view interpreter_query_script() { return kScript; }

}  // namespace ptinstall::python
