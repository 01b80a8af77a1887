"""Which wheel keeps a path that several wheels of one install ship: the one pip installs last. pip
installs in its resolver's order (dependencies first, then by name, see install/install_order.hpp);
ptinstall installs in parallel but gives the path to the same wheel. pip is the oracle."""
import pytest

from test_install_wheels import make_venv, run_pip, site_packages, snapshot
from wheelmaker import build_wheel

SHARED = "shared/data.txt"


def wheel(out, name, requires=(), extras=()):
    return build_wheel(out, name, "1.0", requires_dist=list(requires), provides_extra=list(extras),
                       packages={SHARED: f"from {name}\n", f"{name.replace('-', '_')}/__init__.py": ""})


# Each scenario: wheels to publish, names to request, and the wheel that keeps SHARED with pip. In
# every one, installing by name alone (descending, the smallest name last) would pick another wheel.
SCENARIOS = {
    # A dependency is installed before what needs it: zeta, installed last, keeps the file.
    "chain": (lambda out: [wheel(out, "zeta", ["alpha"]), wheel(out, "alpha")], ["zeta"], "zeta"),
    # Through an extra: base before mid before top.
    "extra": (lambda out: [wheel(out, "zz-top", ["mm-mid[x]"]),
                           wheel(out, "mm-mid", ['aa-base; extra == "x"'], extras=["x"]),
                           wheel(out, "aa-base")], ["zz-top"], "zz-top"),
    # A cycle is cut where it closes: cyc-a (deeper from the root) first, then cyc-b.
    "cycle": (lambda out: [wheel(out, "cyc-a", ["cyc-b"]), wheel(out, "cyc-b", ["cyc-a"])], ["cyc-b"], "cyc-b"),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_shared_file_goes_to_the_wheel_pip_installs_last(ptinstall, tmp_path, make_index, scenario):
    build, requested, winner = SCENARIOS[scenario]
    server = make_index(build(tmp_path / "wheels"))
    theirs = make_venv(tmp_path / "theirs")
    run_pip(theirs, "install", "--index-url", server.index_url(), "--no-compile", *requested)
    expected = {k: v for k, v in snapshot(site_packages(theirs)).items() if ".dist-info" not in k}
    assert expected[SHARED][1] == f"from {winner}\n".encode()  # the scenario says what pip does
    ours = make_venv(tmp_path / "ours")
    ptinstall("pip", "install", "--python", ours, "--index-url", server.index_url(), "--link-mode", "copy",
              *requested, check=True)
    got = {k: v for k, v in snapshot(site_packages(ours)).items() if ".dist-info" not in k}
    assert got == expected


def test_wheel_files_given_directly_follow_pip_order_too(ptinstall, tmp_path):
    # The local path (wheel files only, no resolution): the order comes from the wheels' own
    # Requires-Dist among themselves. zeta needs alpha: pip installs alpha, then zeta, so zeta keeps
    # the file (by name alone alpha would).
    wheels = [wheel(tmp_path / "wheels", "zeta", ["alpha"]), wheel(tmp_path / "wheels", "alpha")]
    paths = [str(w.path) for w in wheels]
    theirs = make_venv(tmp_path / "theirs")
    run_pip(theirs, "install", "--no-index", "--no-compile", *paths)
    expected = {k: v for k, v in snapshot(site_packages(theirs)).items() if ".dist-info" not in k}
    assert expected[SHARED][1] == b"from zeta\n"
    ours = make_venv(tmp_path / "ours")
    ptinstall("pip", "install", "--python", ours, "--link-mode", "copy", *paths, check=True)
    got = {k: v for k, v in snapshot(site_packages(ours)).items() if ".dist-info" not in k}
    assert got == expected
