"""pylock.toml `attestation-identities` (PEP 751) from the PEP 740 provenance the index publishes
(`data-provenance` in HTML pages, `provenance` in JSON ones), served as static files by nginx; docs/locks.md."""
import sys
import tomllib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import make_venv, installed  # noqa: E402
from indexserver import ProjectOptions, nginx_binary  # noqa: E402
from test_pylock import check_schema  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")

QUIET = {"PTINSTALL_HTTP_RETRIES": "0"}


def provenance(*publishers):
    """A PEP 740 provenance object: one bundle per publisher (the attestations are opaque here)."""
    return {"version": 1, "attestation_bundles": [
        {"publisher": p, "attestations": [{"version": 1, "verification_material": {}, "envelope": {}}]}
        for p in publishers]}


GITHUB = {"kind": "GitHub", "repository": "example/lib", "workflow": "release.yml", "environment": None}
GITLAB = {"kind": "GitLab", "repository": "group/lib", "workflow_filepath": ".gitlab-ci.yml", "environment": "pypi"}


@pytest.mark.parametrize("json_pages", [True, False], ids=["json", "html"])
def test_lock_records_the_publishers_of_its_files(ptinstall, make_index, tmp_path, json_pages):
    out = tmp_path / "wheels"
    ws = [wheelmaker.build_wheel(out, "app", "1.0", requires_dist=["lib"]),
          wheelmaker.build_wheel(out, "lib", "1.0"),
          wheelmaker.build_wheel(out, "lib", "1.0", tags="py3-none-manylinux_2_17_x86_64")]
    pure, native = ws[1].filename, ws[2].filename
    server = make_index(ws, json_pages=json_pages, options={"lib": ProjectOptions(provenance={
        pure: provenance(GITHUB), native: provenance(GITHUB, GITLAB)})})
    venv = make_venv(tmp_path / "venv")
    base = ["--python", venv / "bin" / "python", "--index-url", server.index_url()]
    (tmp_path / "requirements.in").write_text("app\n")
    r = ptinstall("pip", "compile", *base, "requirements.in", "-o", "pylock.toml", env=QUIET, check=True)
    doc = check_schema((tmp_path / "pylock.toml").read_text())
    pkgs = {p["name"]: p for p in doc["packages"]}
    # Every distinct publisher of the locked files' provenance, its string keys as given (null left out).
    assert pkgs["lib"]["attestation-identities"] == [
        {"kind": "GitHub", "repository": "example/lib", "workflow": "release.yml"},
        {"kind": "GitLab", "environment": "pypi", "repository": "group/lib", "workflow_filepath": ".gitlab-ci.yml"}]
    assert "attestation-identities" not in pkgs["app"]  # the index publishes none for it
    assert "warning" not in r.stderr
    # A universal lock records them too (the files of every platform's entry).
    ptinstall("pip", "compile", *base, "--universal", "requirements.in", "-o", "pylock.universal.toml", env=QUIET, check=True)
    udoc = tomllib.loads((tmp_path / "pylock.universal.toml").read_text())
    assert all(p["attestation-identities"][0]["kind"] == "GitHub" for p in udoc["packages"] if p["name"] == "lib")
    # The lock installs (the reader takes the key), exactly the locked set.
    ptinstall("pip", "sync", *base[:2], tmp_path / "pylock.toml", env=QUIET, check=True)
    assert installed(venv) == {"app": "1.0", "lib": "1.0"}
    # requirements.txt output reads no provenance.
    before = len([q for q in server.requests() if q.uri.endswith(".provenance")])
    ptinstall("pip", "compile", *base, "requirements.in", "--generate-hashes", env=QUIET, check=True)
    assert len([q for q in server.requests() if q.uri.endswith(".provenance")]) == before


def test_unreadable_provenance_is_left_out_with_a_warning(ptinstall, make_index, tmp_path):
    out = tmp_path / "wheels"
    ws = [wheelmaker.build_wheel(out, "lib", "1.0")]
    server = make_index(ws, options={"lib": ProjectOptions(provenance={ws[0].filename: "not json"})})
    (tmp_path / "requirements.in").write_text("lib\n")
    r = ptinstall("pip", "compile", "--python", sys.executable, "--index-url", server.index_url(), "requirements.in",
                  "-o", "pylock.toml", env=QUIET, check=True)
    assert "warning: cannot read the provenance of lib" in r.stderr, r.stderr
    assert "attestation-identities are left out" in r.stderr
    doc = tomllib.loads((tmp_path / "pylock.toml").read_text())
    assert "attestation-identities" not in doc["packages"][0]


def test_malformed_attestation_identities_are_an_error(ptinstall, make_index, tmp_path):
    out = tmp_path / "wheels"
    ws = [wheelmaker.build_wheel(out, "lib", "1.0")]
    server = make_index(ws)
    venv = make_venv(tmp_path / "venv")
    (tmp_path / "requirements.in").write_text("lib\n")
    ptinstall("pip", "compile", "--python", venv / "bin" / "python", "--index-url", server.index_url(),
              "requirements.in", "-o", "pylock.toml", env=QUIET, check=True)
    lock = tmp_path / "pylock.toml"
    good = lock.read_text()
    for bad, why in (('attestation-identities = [{ repository = "x/y" }]\n', "has no string `kind`"),
                     ('attestation-identities = "GitHub"\n', "must be an array of tables")):
        lock.write_text(good.replace('index = "', bad + 'index = "', 1))
        r = ptinstall("pip", "sync", "--python", venv / "bin" / "python", lock, env=QUIET, check=False)
        assert r.returncode != 0 and why in r.stderr and "lib" in r.stderr and str(lock) in r.stderr, r.stderr
        assert installed(venv) == {}
