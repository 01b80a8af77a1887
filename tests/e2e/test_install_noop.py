"""The no-op fast path of `pip install`: when the environment already satisfies the requirements and
everything they reach, ptinstall answers from the installed metadata without asking any index (as uv
does), and falls back to a full resolution whenever the environment alone cannot answer."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import installed, make_venv  # noqa: E402

DEAD_INDEX = "http://127.0.0.1:9/simple/"  # nothing listens on the discard port


def wheels(tmp_path: Path):
    out = tmp_path / "wheels"
    return [
        wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["lib>=1.0", "extra-dep; extra == 'fast'"],
                               provides_extra=["fast"]),
        wheelmaker.build_wheel(out, "lib", "1.0", requires_dist=["leaf"]),
        wheelmaker.build_wheel(out, "lib", "2.0", requires_dist=["leaf"]),
        wheelmaker.build_wheel(out, "leaf", "1.0"),
        wheelmaker.build_wheel(out, "extra-dep", "1.0"),
    ]


def installed_app(ptinstall, make_index, tmp_path, *requirements):
    server = make_index(wheels(tmp_path))
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--python", venv / "bin" / "python")
    ptinstall(*base, "--index-url", server.index_url(), *requirements, check=True)
    return server, venv, base


def test_satisfied_install_asks_no_index(ptinstall, make_index, tmp_path):
    server, venv, base = installed_app(ptinstall, make_index, tmp_path, "app", "lib<2")
    before = len(server.requests())
    r = ptinstall(*base, "--index-url", server.index_url(), "app", "lib", check=True)
    assert r.stderr.splitlines()[0].startswith("Audited 3 packages in ")
    assert "Resolved" not in r.stderr
    assert len(server.requests()) == before
    # The same with the index gone, from a requirements file with a constraint, and as a dry run.
    (tmp_path / "req.txt").write_text("app\n-c constraints.txt\n")
    (tmp_path / "constraints.txt").write_text("lib<2\nunrelated>5\n")
    r = ptinstall(*base, "--index-url", DEAD_INDEX, "-r", tmp_path / "req.txt", "--dry-run", check=True)
    assert [l.split(" in ")[0] for l in r.stderr.splitlines()] == ["Audited 3 packages", "Would make no changes"]
    assert installed(venv) == {"app": "1.0", "lib": "1.0", "leaf": "1.0"}


def test_report_of_a_satisfied_install(ptinstall, make_index, tmp_path):
    server, venv, base = installed_app(ptinstall, make_index, tmp_path, "app")
    report = tmp_path / "report.json"
    ptinstall(*base, "--index-url", DEAD_INDEX, "--report", report, "app", check=True)
    data = json.loads(report.read_text())
    assert data["install"] == [] and data["version"] == "1"
    assert data["environment"]["python_version"]


def test_what_is_not_satisfied_is_resolved(ptinstall, make_index, tmp_path):
    server, venv, base = installed_app(ptinstall, make_index, tmp_path, "app", "lib<2")
    dead = (*base, "--index-url", DEAD_INDEX)
    env = {"PTINSTALL_HTTP_RETRIES": "0"}
    # Each of these needs the index, so with the index gone each fails (and changes nothing).
    for args in (["lib>=2"],                         # the installed version does not match
                 ["app[fast]"],                      # an extra whose dependency is missing
                 ["app", "-c", tmp_path / "c.txt"],  # a constraint the installed lib does not meet
                 ["-U", "app"],                      # upgrades always resolve
                 ["--reinstall", "leaf"],
                 ["missing"]):
        (tmp_path / "c.txt").write_text("lib>=2\n")
        r = ptinstall(*dead, *map(str, args), env=env, check=False)
        assert "error:" in r.stderr, (args, r)
        assert installed(venv) == {"app": "1.0", "lib": "1.0", "leaf": "1.0"}
    # With the index back, the missing extra dependency is installed.
    r = ptinstall(*base, "--index-url", server.index_url(), "app[fast]", check=True)
    assert " + extra-dep==1.0" in r.stderr


def test_routed_packages_stay_and_sourced_packages_are_resolved(ptinstall, tmp_path):
    # torch installed from a file: with --torch-backend an installed torch satisfies `torch` (as in uv) and
    # the no-op asks no index; a build without a backend label (PyPI's) is not judged, so nothing is said.
    # --reinstall-package torch goes to the (here dead) PyTorch index.
    out = tmp_path / "wheels"
    torch = wheelmaker.build_wheel(out, "torch", "2.9.1")
    app = wheelmaker.build_wheel(out, "app2", "1.0")
    venv = make_venv(tmp_path / "venv")
    base = ("pip", "install", "--python", venv / "bin" / "python")
    ptinstall(*base, torch.path, app.path, check=True)
    env = {"PTINSTALL_HTTP_RETRIES": "0"}
    r = ptinstall(*base, "--index-url", DEAD_INDEX, "torch", check=True)
    assert "Audited 1 package" in r.stderr
    r = ptinstall(*base, "--index-url", DEAD_INDEX, "--torch-backend", "cpu", "--torch-backend-index",
                  "http://127.0.0.1:9/whl", "torch", env=env, check=True)
    assert r.stderr.startswith("Audited 1 package") and "warning" not in r.stderr, r.stderr
    r = ptinstall(*base, "--index-url", DEAD_INDEX, "--torch-backend", "cpu", "--torch-backend-index",
                  "http://127.0.0.1:9/whl", "--reinstall-package", "torch", "torch", env=env, check=False)
    assert "error:" in r.stderr and "127.0.0.1:9/whl/cpu" in r.stderr, r.stderr
    r = ptinstall(*base, "--index-url", DEAD_INDEX, "--torch-backend", "cpu", "--torch-backend-index",
                  "http://127.0.0.1:9/whl", "app2", env=env, check=True)
    assert "Audited 1 package" in r.stderr
    # A package with a [tool.uv.sources] entry of its own is resolved too.
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "proj"\nversion = "0"\ndependencies = ["app2"]\n'
        '[tool.uv.sources]\napp2 = { index = "private" }\n'
        '[[tool.uv.index]]\nname = "private"\nurl = "http://127.0.0.1:9/private/"\nexplicit = true\n')
    r = ptinstall(*base, "--index-url", DEAD_INDEX, "-r", project / "pyproject.toml", env=env, check=False)
    assert "error:" in r.stderr
