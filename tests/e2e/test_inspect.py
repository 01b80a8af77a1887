"""End-to-end tests of the inspection commands (`pip list`, `pip freeze`, `pip show`, `pip check`) with pip
as the oracle: real venvs with pip in them, real wheels (setuptools, wheel) and wheelmaker wheels with
dependencies, extras, markers, Project-URLs and entry points, hand-written egg-info and editable installs, and
broken environments for check. Our stdout must equal pip's; the documented differences are the warning's
capitalisation (`warning: package(s) not found` vs `WARNING: Package(s) not found`), the order of check's
lines (pip follows directory order, we sort) and the Requires-Python check that pip does not have."""
import glob
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from wheelmaker import build_wheel

# pip 24.2 (bundled with CPython 3.13) is the oracle; the Debian pip 23.0.1 serves the --system tests.
PY313 = "/root/.pyenv/versions/3.13.0/bin/python3.13"
SYSTEM_PYTHON = "/usr/bin/python3"


def oracle_python() -> str:
    if not os.path.exists(PY313):
        pytest.skip("no CPython 3.13 (with pip 24) on this machine")
    return PY313


def real_wheels():
    found = sorted(glob.glob("/usr/share/python-wheels/setuptools-*.whl"))
    found += sorted(glob.glob("/usr/share/python-wheels/wheel-*.whl"))
    return found


def clean_env():
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV", "UV_", "PTINSTALL_"))}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PYTHONNOUSERSITE="1")
    return env


def pip(venv: Path, *args, cwd=None, check=False):
    proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", *map(str, args)], env=clean_env(),
                          capture_output=True, text=True, cwd=cwd or venv.parent)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def make_venv(path: Path) -> Path:
    subprocess.run([oracle_python(), "-m", "venv", str(path)], check=True, env=clean_env())
    return path


def site_packages(venv: Path) -> Path:
    found = glob.glob(str(venv / "lib" / "python3*" / "site-packages"))
    assert found
    return Path(found[0])


def demo_wheels(out: Path):
    """Wheels with dependencies, extras, markers and odd spellings."""
    return {
        "alpha": build_wheel(
            out, "Alpha_Pkg", "1.0",
            requires_dist=["beta>=1.0", "gamma[fast]; extra == 'full'", "delta; python_version < '3'",
                           "Epsilon ; sys_platform != 'nonexistent'", "beta ; os_name == 'posix'"],
            provides_extra=["full"], summary="The first package",
            extra_metadata=[("Author", "A. Author"), ("Author-email", "a@example.org"), ("License", "MIT"),
                            ("Classifier", "Programming Language :: Python :: 3"),
                            ("Classifier", "License :: OSI Approved :: MIT License"),
                            ("Project-URL", "Source, https://example.org/src"),
                            ("Project-URL", "Home_Page, https://example.org/alpha")],
            console_scripts={"alpha": "alpha_pkg:main"}, entry_points={"demo.plugins": {"x": "alpha_pkg:x"}}),
        "beta": build_wheel(out, "beta", "2.0.0RC1", summary="Second, a pre-release with an odd spelling",
                            extra_metadata=[("Home-page", "https://example.org/beta")]),
        "beta-old": build_wheel(out / "old", "beta", "0.5"),
        "epsilon": build_wheel(out, "Epsilon", "0.5", requires_python=">=3.8",
                               packages={"epsilon/__init__.py": "", "epsilon/sub/mod.py": "x = 1\n"}),
        "zeta": build_wheel(out, "zeta.dots", "3", requires_python="<3"),
    }


def write_egg_info(site: Path):
    """A setuptools-style egg-info directory (PKG-INFO, requires.txt with sections, installed-files.txt)."""
    egg = site / "Legacy_Thing-0.9-py3.13.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: Legacy-Thing\nVersion: 0.9\n"
                                  "Summary: An old-style package\nHome-page: https://example.org/legacy\n"
                                  "Author: Old Timer\nLicense: BSD\n")
    (egg / "requires.txt").write_text("beta>=0.1\n\n[extra1]\nmissing-extra-dep\n\n"
                                      "[:python_version < \"3\"]\nancient\n\n[tests:sys_platform != 'nowhere']\n"
                                      "pytest-thing\n")
    (egg / "installed-files.txt").write_text("../legacy_thing/__init__.py\n../legacy_thing/__pycache__/x.pyc\n"
                                             "PKG-INFO\nrequires.txt\n")
    (site / "legacy_thing").mkdir()
    (site / "legacy_thing" / "__init__.py").write_text("")


def write_editable(site: Path, project: Path):
    """A dist-info like pip's editable installs leave (direct_url.json with dir_info.editable)."""
    project.mkdir(parents=True, exist_ok=True)
    info = site / "my_editable-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: my-editable\nVersion: 0.1\n"
                                   "Requires-Dist: beta\n")
    (info / "INSTALLER").write_text("pip\n")
    (info / "RECORD").write_text("my_editable-0.1.dist-info/METADATA,,\nmy_editable-0.1.dist-info/RECORD,,\n"
                                 "__editable__.my_editable-0.1.pth,,\n")
    (info / "direct_url.json").write_text(json.dumps({"url": project.as_uri(), "dir_info": {"editable": True}}))
    (site / "__editable__.my_editable-0.1.pth").write_text(str(project) + "\n")


def write_develop_install(site: Path, project: Path):
    """What `setup.py develop` leaves: the project's egg-info, a .egg-link and an easy-install.pth line."""
    (project / "Dev_Thing.egg-info").mkdir(parents=True)
    (project / "Dev_Thing.egg-info" / "PKG-INFO").write_text(
        "Metadata-Version: 2.1\nName: Dev Thing\nVersion: 0.0.1.dev0\nSummary: developed in place\n")
    (project / "Dev_Thing.egg-info" / "requires.txt").write_text("beta\n")
    (site / "Dev-Thing.egg-link").write_text(f"{project}\n.")
    (site / "easy-install.pth").write_text(f"{project}\n")


@pytest.fixture(scope="module")
def populated(tmp_path_factory):
    """A venv with pip 24, setuptools and wheel, the demo wheels (installed by pip from paths, so with
    direct_url.json), an egg-info and an editable install."""
    root = tmp_path_factory.mktemp("inspect")
    venv = make_venv(root / "venv")
    wheels = demo_wheels(root / "wheels")
    pip(venv, "install", "--no-index", *real_wheels(), check=True)
    pip(venv, "install", "--no-index", "--no-deps", "--ignore-requires-python",
        *(wheels[k].path for k in ("alpha", "beta", "epsilon", "zeta")), check=True)
    write_egg_info(site_packages(venv))
    write_editable(site_packages(venv), root / "project")
    write_develop_install(site_packages(venv), root / "devproj")
    return venv


def compare(ptinstall, venv, *args, ours_extra=(), check_rc=True):
    ours = ptinstall("pip", *args, "--python", venv)
    theirs = pip(venv, *args)
    assert ours.stdout == theirs.stdout, f"ours:\n{ours.stdout}\npip:\n{theirs.stdout}{theirs.stderr}"
    if check_rc:
        assert ours.returncode == theirs.returncode, (ours, theirs.stderr)
    return ours, theirs


@pytest.mark.parametrize("args", [
    ("list",), ("list", "--format", "columns"), ("list", "--format", "freeze"), ("list", "--format", "json"),
    ("list", "-v"), ("list", "--format", "json", "-v"), ("list", "--format", "freeze", "-v"),
    ("list", "--exclude", "BETA", "--exclude", "alpha.pkg"), ("list", "--exclude-editable"), ("list", "--not-required"),
    ("list", "--not-required", "--format", "json", "--exclude", "epsilon"),
])
def test_list_matches_pip(ptinstall, populated, args):
    ours, _ = compare(ptinstall, populated, *args)
    assert ours.returncode == 0


def test_list_content(ptinstall, populated):
    out = ptinstall("pip", "list", "--format", "json", "--python", populated, check=True)
    data = json.loads(out.stdout)
    names = [d["name"] for d in data]
    assert "Alpha_Pkg" in names and "Legacy-Thing" in names and "my-editable" in names
    assert {"name": "beta", "version": "2.0.0rc1"} in data
    editable = [d for d in data if d["name"] == "my-editable"][0]
    assert editable["editable_project_location"].endswith("project")
    develop = [d for d in data if d["name"] == "Dev Thing"][0]
    assert develop["editable_project_location"] == str(populated.parent / "devproj")
    columns = ptinstall("pip", "list", "--python", populated, check=True).stdout.splitlines()
    assert columns[0].split() == ["Package", "Version", "Editable", "project", "location"]
    assert set(columns[1]) == {"-", " "}
    assert any(line.split()[:2] == ["beta", "2.0.0RC1"] for line in columns)


def test_list_rejects_unknown_format(ptinstall, populated):
    r = ptinstall("pip", "list", "--format", "yaml", "--python", populated, check=False)
    assert r.returncode != 0


@pytest.mark.parametrize("args", [("freeze",), ("freeze", "--all")])
def test_freeze_matches_pip(ptinstall, populated, args):
    ours, _ = compare(ptinstall, populated, *args)
    lines = ours.stdout.splitlines()
    assert any(line.startswith("Alpha_Pkg @ file://") and "#sha256=" in line for line in lines)
    assert "Legacy-Thing==0.9" in lines
    assert "-e " + str(populated.parent / "project") in lines
    assert "-e " + str(populated.parent / "devproj") in lines
    assert ("pip==24.2" in lines) == ("--all" in args)


@pytest.mark.parametrize("args", [("--exclude", "legacy_thing", "--exclude", "Zeta-Dots"), ("--exclude-editable",),
                                  ("--all", "--exclude", "pip")])
def test_freeze_filters_match_pip(ptinstall, populated, args):
    ours, _ = compare(ptinstall, populated, "freeze", *args)
    assert ("Legacy-Thing==0.9" in ours.stdout) == ("legacy_thing" not in args)
    assert ("pip==" in ours.stdout) is False
    assert ("-e " in ours.stdout) == ("--exclude-editable" not in args)


def warnings_of(stderr: str) -> list:
    """The warning lines, with pip's `WARNING: ` and our `warning: ` prefixes made one."""
    return [line.split(": ", 1)[1] for line in stderr.splitlines() if line.lower().startswith("warning: ")]


def test_freeze_in_the_order_of_requirements_files_matches_pip(ptinstall, populated, tmp_path):
    """`pip freeze -r FILE`: the files' comments, blank lines and option lines copied, every named package
    at its first mention (any spelling), pip printed when a file names it, what no file names after the
    header; warnings for a package that is not installed and for one named in two files."""
    first = tmp_path / "first.txt"
    first.write_text("# pinned for production\n--index-url https://example.org/simple\n\n"
                     "BETA>=1  # the pre-release\nalpha.pkg[full]\nnot-installed==1.0\n"
                     "epsilon ; python_version >= '3'\n-r other.txt\npip\n")
    second = tmp_path / "second.txt"
    second.write_text("--find-links /nowhere\nzeta-dots\nalpha_pkg\n")
    ours, theirs = compare(ptinstall, populated, "freeze", "-r", first, "--requirement", second)
    lines = ours.stdout.splitlines()
    assert lines[:3] == ["# pinned for production", "--index-url https://example.org/simple", ""]
    assert lines[3].startswith("beta @ file://") and lines[4].startswith("Alpha_Pkg @ file://")
    assert lines.index("## The following requirements were added by pip freeze:") == 10
    assert "Legacy-Thing==0.9" in lines[11:]
    assert "pip==24.2" in lines[:10] and "pip==24.2" not in lines[11:]
    assert warnings_of(ours.stderr)[0] == (f"Requirement file [{first}] contains not-installed==1.0, "
                                           "but package 'not-installed' is not installed")
    assert warnings_of(ours.stderr)[0] in warnings_of(theirs.stderr)
    assert any(w.startswith("Requirement alpha.pkg included multiple times") for w in warnings_of(ours.stderr))
    assert ours.returncode == 0


def test_freeze_requirements_files_beyond_pip(ptinstall, populated, tmp_path):
    """Lines pip refuses in `freeze -r` are copied (-c) or read without their options (--hash), and an editable
    project directory is known by the name its pyproject.toml declares (pip: "not clear what it would
    install")."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "My_Editable"\nversion = "0.1"\n')
    reqs = tmp_path / "reqs.txt"
    reqs.write_text(f"-c constraints.txt\nbeta==2.0.0rc1 --hash=sha256:{'0' * 64}\n-e {project}\n./nowhere-project\n")
    r = ptinstall("pip", "freeze", "-r", reqs, "--python", populated)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "-c constraints.txt" and lines[1].startswith("beta @ file://")
    assert lines[2:4] == ["# Editable install with no version control (my-editable==0.1)",
                          f"-e {populated.parent / 'project'}"]
    assert lines[4] == "## The following requirements were added by pip freeze:"
    assert "Skipping line in requirement file" in r.stderr and "./nowhere-project" in r.stderr
    # a line that is no requirement is an error naming the file and line, and nothing is printed
    reqs.write_text("beta\nfoo bar baz\n")
    bad = ptinstall("pip", "freeze", "-r", reqs, "--python", populated)
    assert bad.returncode == 1 and bad.stdout == ""
    assert f"{reqs}:2" in bad.stderr and "error:" in bad.stderr
    missing = ptinstall("pip", "freeze", "-r", tmp_path / "missing.txt", "--python", populated)
    assert missing.returncode == 1 and "cannot read requirements file" in missing.stderr


def test_list_not_required(ptinstall, populated):
    names = [d["name"] for d in json.loads(ptinstall("pip", "list", "--not-required", "--format", "json",
                                                     "--python", populated, check=True).stdout)]
    assert "Alpha_Pkg" in names and "beta" not in names and "Epsilon" not in names


@pytest.mark.parametrize("names", [
    ("Alpha_Pkg",), ("alpha-pkg", "BETA"), ("beta",), ("epsilon", "zeta.dots", "Zeta_Dots"), ("pip", "setuptools"),
    ("legacy-thing",), ("my-editable",), ("wheel", "alpha.pkg"), ("dev-thing",),
])
@pytest.mark.parametrize("flags", [(), ("--files", "-v")])
def test_show_matches_pip(ptinstall, populated, names, flags):
    ours, _ = compare(ptinstall, populated, "show", *names, *flags)
    assert ours.returncode == 0


def test_show_content(ptinstall, populated):
    out = ptinstall("pip", "show", "alpha-pkg", "beta", "--python", populated, check=True).stdout
    blocks = out.split("---\n")
    assert len(blocks) == 2
    assert "Requires: beta, Epsilon\n" in blocks[0]
    assert "Home-page: https://example.org/alpha\n" in blocks[0]
    assert "Required-by: Alpha_Pkg, Dev Thing, Legacy-Thing, my-editable\n" in blocks[1]
    files = ptinstall("pip", "show", "legacy-thing", "--files", "--python", populated, check=True).stdout
    assert "  legacy_thing/__init__.py\n" in files
    assert "  Legacy_Thing-0.9-py3.13.egg-info/PKG-INFO\n" in files


def test_show_missing(ptinstall, populated):
    ours, theirs = compare(ptinstall, populated, "show", "nope", "also-not")
    assert ours.returncode == 1
    assert "warning: package(s) not found: also-not, nope" in ours.stderr
    assert "Package(s) not found: also-not, nope" in theirs.stderr
    ours, theirs = compare(ptinstall, populated, "show", "beta", "nope")
    assert ours.returncode == 0
    assert "warning: package(s) not found: nope" in ours.stderr


def check_lines(text):
    return sorted(text.splitlines())


def test_check_clean_environment(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    wheels = demo_wheels(tmp_path / "wheels")
    pip(venv, "install", "--no-index", *real_wheels(), *(wheels[k].path for k in ("alpha", "beta", "epsilon")),
        check=True)
    ours, theirs = compare(ptinstall, venv, "check")
    assert ours.stdout == "No broken requirements found.\n"
    assert ours.returncode == 0


def test_check_broken_environment(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    wheels = demo_wheels(tmp_path / "wheels")
    pip(venv, "install", "--no-index", "--no-deps", wheels["alpha"].path, wheels["beta-old"].path,
        wheels["epsilon"].path, check=True)
    write_egg_info(site_packages(venv))
    pip(venv, "uninstall", "-y", "epsilon", check=True)
    ours = ptinstall("pip", "check", "--python", venv)
    theirs = pip(venv, "check")
    assert check_lines(ours.stdout) == check_lines(theirs.stdout), (ours, theirs.stdout)
    assert ours.returncode == theirs.returncode == 1
    assert "alpha-pkg 1.0 requires epsilon, which is not installed." in ours.stdout
    assert "alpha-pkg 1.0 has requirement beta>=1.0, but you have beta 0.5." in ours.stdout
    # The egg-info's requires.txt: beta>=0.1 holds, its extras' requirements do not apply.
    assert "legacy-thing" not in ours.stdout
    lines = ours.stdout.splitlines()
    assert lines.index("alpha-pkg 1.0 requires epsilon, which is not installed.") < \
        lines.index("alpha-pkg 1.0 has requirement beta>=1.0, but you have beta 0.5.")


def test_check_unsupported_wheel(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    wheels = demo_wheels(tmp_path / "wheels")
    pip(venv, "install", "--no-index", wheels["beta"].path, check=True)
    wheel_file = next(site_packages(venv).glob("beta-*.dist-info")) / "WHEEL"
    wheel_file.write_text(wheel_file.read_text().replace("Tag: py3-none-any", "Tag: cp27-cp27mu-win32"))
    ours, theirs = compare(ptinstall, venv, "check")
    assert ours.stdout == "beta 2.0.0rc1 is not supported on this platform\n"
    assert ours.returncode == 1


def test_check_requires_python(ptinstall, tmp_path):
    """pip does not check Requires-Python of installed packages; we add uv's check as one more line."""
    venv = make_venv(tmp_path / "venv")
    wheels = demo_wheels(tmp_path / "wheels")
    pip(venv, "install", "--no-index", "--ignore-requires-python", wheels["zeta"].path, check=True)
    ours = ptinstall("pip", "check", "--python", venv)
    theirs = pip(venv, "check")
    assert theirs.stdout == "No broken requirements found.\n"
    version = subprocess.run([str(venv / "bin" / "python"), "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert ours.stdout == f"zeta-dots 3 requires Python <3, but you have Python {version}.\n"
    assert ours.returncode == 1


def test_check_unreadable_metadata(ptinstall, tmp_path):
    venv = make_venv(tmp_path / "venv")
    bad = site_packages(venv) / "bad-1.0.dist-info"
    bad.mkdir()
    (bad / "METADATA").write_text("Metadata-Version: 2.1\nName: bad\nVersion: 1.0\nRequires-Dist: ???\n")
    ours = ptinstall("pip", "check", "--python", venv)
    theirs = pip(venv, "check")
    assert ours.returncode == theirs.returncode == 1
    assert "error parsing requirements for bad" in ours.stderr
    assert "No broken requirements found." not in ours.stdout


def test_empty_target_environment(ptinstall, tmp_path):
    subprocess.run([oracle_python(), "-m", "venv", "--without-pip", str(tmp_path / "bare")], check=True)
    assert ptinstall("pip", "list", "--python", tmp_path / "bare", check=True).stdout == ""
    assert ptinstall("pip", "list", "--format", "json", "--python", tmp_path / "bare", check=True).stdout == "[]\n"
    assert ptinstall("pip", "freeze", "--python", tmp_path / "bare", check=True).stdout == ""
    r = ptinstall("pip", "check", "--python", tmp_path / "bare", check=True)
    assert r.stdout == "No broken requirements found.\n"


def test_installed_by_ptinstall(ptinstall, tmp_path):
    """What ptinstall installs is listed the same way by pip and by us (INSTALLER, RECORD)."""
    venv = make_venv(tmp_path / "venv")
    wheels = demo_wheels(tmp_path / "wheels")
    r = ptinstall("pip", "install", "--python", venv, wheels["beta"].path, wheels["epsilon"].path)
    if r.returncode != 0:
        pytest.skip(f"ptinstall cannot install local wheels here: {r.stderr}")
    for args in (("list", "-v"), ("freeze",), ("show", "beta", "epsilon", "--files", "-v"), ("check",)):
        compare(ptinstall, venv, *args)


def test_virtual_env_discovery(ptinstall, populated, tmp_path):
    ours = ptinstall("pip", "list", env={"VIRTUAL_ENV": str(populated)}, check=True)
    assert ours.stdout == pip(populated, "list").stdout


@pytest.mark.skipif(not os.path.exists(SYSTEM_PYTHON), reason="no /usr/bin/python3")
@pytest.mark.parametrize("args", [("list",), ("list", "--format", "json"), ("check",)])
def test_system_matches_system_pip(ptinstall, tmp_path, args):
    probe = subprocess.run([SYSTEM_PYTHON, "-m", "pip", "--version"], capture_output=True, env=clean_env())
    if probe.returncode != 0:
        pytest.skip("the system python has no pip")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    os.symlink(SYSTEM_PYTHON, bindir / "python3")
    ours = ptinstall("pip", *args, "--system", env={"PATH": f"{bindir}:{os.environ.get('PATH', '')}"})
    theirs = subprocess.run([SYSTEM_PYTHON, "-m", "pip", *args], capture_output=True, text=True, env=clean_env(),
                            cwd=tmp_path)
    assert ours.stdout == theirs.stdout, (ours, theirs.stdout)
    assert ours.returncode == theirs.returncode
