"""Wheel variants (PEP 825/850, issue 20) end to end: a local nginx index carrying a torch-shaped family as
variant wheels (cuda12.8 / cuda13.0 with sm lists, rocm7.1 with gfx lists, null) plus each version's
`{name}-{version}-variants.json` (linked from the HTML and the JSON pages), installed with --variants on
faked hosts (driver and compute capability from a fake /sys and a fake nvidia-smi, an AMD architecture from
the environment, a host without GPU). Each time the installed package says which build arrived.

Also: without --variants the variant wheels are ignored as by an installer that predates the PEP; the
variant markers of Requires-Dist (a CUDA variant's `nvidia-*` dependency comes only with it); the user's
property file on a GPU-less host; --variant-label narrowing; an unsupported property explained with -v; an
unknown schema major ignored with a warning; a malformed variants.json refused, the environment unchanged;
`torch-backend --json` listing the native providers' properties; --report naming the variant wheel."""
import html
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wheelmaker  # noqa: E402
from envtools import PYTHON, installed, make_venv, py, snapshot  # noqa: E402
from indexserver import IndexServer, ProjectOptions, build_simple_index, nginx_binary  # noqa: E402
from fakehost import nvidia_smi_script  # noqa: E402

pytestmark = [pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")]

PY_TAG = "cp%d%d" % tuple(int(x) for x in subprocess.run(
    [PYTHON, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
    capture_output=True, text=True, check=True).stdout.split())
MACHINE = os.uname().machine
PLAT = f"manylinux_2_17_{MACHINE}"
TAGS = f"{PY_TAG}-{PY_TAG}-{PLAT}"
SCHEMA = "https://variants-schema.wheelnext.dev/peps/825/v0.1.1.json"

TORCH_VARIANTS = {
    "cuda12.8": {"nvidia": {"cuda_version_lower_bound": ["12.8"], "sm_arch": ["80_real", "86_real", "90_real"]}},
    "cuda13.0": {"nvidia": {"cuda_version_lower_bound": ["13.0"], "sm_arch": ["90_real", "100_real", "120_real"]}},
    "rocm7.1": {"amd": {"rocm_version": ["7.1"], "gfx_arch": ["gfx90a", "gfx942"]}},
    "null": {},
}


def metadata(variants, namespaces=("nvidia", "amd"), schema=SCHEMA):
    return {"$schema": schema, "default-priorities": {"namespace": list(namespaces)}, "variants": variants}


def variant_wheel(out, name, version, label, props, requires_dist=(), marker_module=None, variant_json=True):
    stem = f"{wheelmaker.escape_name(name)}-{version}"
    module = wheelmaker.escape_name(name)
    files = {f"{stem}.dist-info/variant.json": json.dumps(metadata({label: props}))} if variant_json else {}
    return wheelmaker.build_wheel(
        out, name, version, tags=TAGS, filename=f"{stem}-{TAGS}-{label}.whl", requires_dist=requires_dist,
        packages={f"{module}/__init__.py": f"__version__ = {version!r}\nvariant = {label!r}\n"}, files=files)


def add_variants_json(root: Path, project: str, version: str, data, *, prefix="simple", files_dir="files",
                      files_href="../../files"):
    """Writes `{name}-{version}-variants.json` beside the files and links it from the project's HTML and JSON
    pages, as an index that publishes variants does."""
    fname = f"{wheelmaker.escape_name(project)}-{version}-variants.json"
    body = data if isinstance(data, str) else json.dumps(data, indent=1)
    (root / files_dir).mkdir(parents=True, exist_ok=True)
    (root / files_dir / fname).write_text(body)
    page = root / prefix / project
    html_path = page / "index.html"
    text = html_path.read_text()
    anchor = f'<a href="{files_href}/{html.escape(fname)}">{html.escape(fname)}</a><br/>\n'
    html_path.write_text(text.replace("</body>", anchor + "</body>"))
    jpath = page / "index.json"
    if jpath.exists():
        j = json.loads(jpath.read_text())
        j["files"].append({"filename": fname, "url": f"{files_href}/{fname}", "hashes": {}})
        jpath.write_text(json.dumps(j, indent=1))


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("variants-index")
    out = root / "_build"
    wheels = []
    for label, props in TORCH_VARIANTS.items():
        deps = ["filelock", "nvidia-runtime-fake; 'nvidia' in variant_namespaces",
                "rocm-runtime-fake; variant_label == 'rocm7.1'"]
        wheels.append(variant_wheel(out, "torch", "2.13.0", label, props, requires_dist=deps))
    # a non-variant torch too: it ranks after every variant, null included
    wheels.append(wheelmaker.build_wheel(out, "torch", "2.13.0", tags=TAGS,
                                         packages={"torch/__init__.py": "variant = ''\n"}))
    for label in ("cuda12.8", "cuda13.0", "null"):
        wheels.append(variant_wheel(out, "torchvision", "0.28.0", label, TORCH_VARIANTS[label],
                                    requires_dist=["torch==2.13.0"]))
    # an extension built per torch release (PEP 850 abi_dependency), with no torch in its Requires-Dist
    for release in ("2.12", "2.13"):
        wheels.append(variant_wheel(out, "flashy", "1.0", f"torch{release}", {"abi_dependency": {"torch": [release]}}))
    # no {name}-{version}-variants.json on the index: each wheel's variant.json is read (PEP 825's fallback);
    # one wheel lacks it
    for label in ("cuda12.8", "cuda13.0", "null"):
        wheels.append(variant_wheel(out, "nojson", "1.0", label, TORCH_VARIANTS[label]))
    wheels.append(variant_wheel(out, "nojson", "1.0", "rocm7.1", TORCH_VARIANTS["rocm7.1"], variant_json=False))
    # an Intel GPU build (the `xpu` namespace of provider_variant_xpu: the GPU's device IP)
    xpu_variants = {"xpu_bmg": {"xpu": {"device_ip": ["20.1.0"]}}, "null": {}}
    for label, props in xpu_variants.items():
        wheels.append(variant_wheel(out, "xpuvar", "1.0", label, props))
    # torchaudio lags behind: no cuda13.0 build of its release
    for label in ("cuda12.8", "null"):
        wheels.append(variant_wheel(out, "torchaudio", "2.13.0", label, TORCH_VARIANTS[label],
                                    requires_dist=["torch==2.13.0"]))
    wheels += [wheelmaker.build_wheel(out, n, "1.0") for n in ("filelock", "nvidia-runtime-fake", "rocm-runtime-fake")]
    # a package whose variants.json is corrupt, and one with a schema from the future
    wheels.append(variant_wheel(out, "brokenvar", "1.0", "null", {}))
    wheels.append(variant_wheel(out, "futurevar", "1.0", "x86_64_v3", {"x86_64": {"level": ["v3"]}}))
    wheels.append(wheelmaker.build_wheel(out, "futurevar", "1.0", tags=TAGS,
                                         packages={"futurevar/__init__.py": "variant = ''\n"}))
    # torch's pages are PEP 691 JSON (preferred by the client), torchvision's PEP 503 HTML only
    build_simple_index(root, wheels, options={"torchvision": ProjectOptions(json=False)})
    # a PyTorch-style index for one CUDA version (`--torch-backend cu128 --torch-backend-index <url>/whl`): its
    # torch has only the cuda12.8 and null builds (and the plain wheel)
    cu128 = [w for w in wheels if w.name == "torch" and not w.filename.endswith(("-cuda13.0.whl", "-rocm7.1.whl"))]
    build_simple_index(root, cu128, prefix="whl/cu128", href_style="root")
    add_variants_json(root, "torch", "2.13.0", metadata(TORCH_VARIANTS))
    add_variants_json(root, "torch", "2.13.0", metadata({k: TORCH_VARIANTS[k] for k in ("cuda12.8", "null")}),
                      prefix="whl/cu128", files_dir="whl/cu128-files", files_href="/whl/cu128-files")
    add_variants_json(root, "torchvision", "0.28.0",
                      metadata({k: TORCH_VARIANTS[k] for k in ("cuda12.8", "cuda13.0", "null")}))
    add_variants_json(root, "torchaudio", "2.13.0", metadata({k: TORCH_VARIANTS[k] for k in ("cuda12.8", "null")}))
    add_variants_json(root, "flashy", "1.0", metadata({f"torch{r}": {"abi_dependency": {"torch": [r]}}
                                                       for r in ("2.12", "2.13")}, ()))
    add_variants_json(root, "xpuvar", "1.0", metadata(xpu_variants, ("xpu",)))
    add_variants_json(root, "brokenvar", "1.0", '{"variants": ')
    add_variants_json(root, "futurevar", "1.0",
                      metadata({"x86_64_v3": {"x86_64": {"level": ["v3"]}}}, ("x86_64",),
                               "https://variants-schema.wheelnext.dev/v9.0.0.json"))
    server = IndexServer(root)
    server.start()
    yield server
    server.stop()


class Host:
    """A faked machine: a root for /sys and /proc (PTINSTALL_SYSFS_ROOT) and a PATH of fake tools only."""

    def __init__(self, base: Path):
        self.root = base / "host-root"
        self.bin = base / "host-bin"
        self.root.mkdir()
        self.bin.mkdir()
        self.vars = {}

    def nvidia(self, driver, cap):
        (self.root / "sys/module/nvidia").mkdir(parents=True)
        (self.root / "sys/module/nvidia/version").write_text(driver + "\n")
        tool = self.bin / "nvidia-smi"
        tool.write_text("#!/bin/sh\n" + nvidia_smi_script(driver + "\\n", cap + "\\n", 0, self.root / "smi.runs") + "\n")
        tool.chmod(0o755)
        return self

    def env(self, **extra):
        e = {"PATH": str(self.bin), "PTINSTALL_SYSFS_ROOT": str(self.root)}
        e.update(self.vars)
        e.update(extra)
        return e


def install(ptinstall, index, venv, *args, env, check=True):
    return ptinstall("pip", "install", "--python", venv / "bin" / "python", "--index-url", index.index_url(),
                     *args, env=env, check=check)


def variant_of(venv, module="torch"):
    return py(venv, f"import {module}; print({module}.variant)").strip()


# (host, the torch label it must get, whether the nvidia runtime comes along)
HOSTS = [
    ("RTX 5090, driver 580", ("580.65.06", "12.0"), "cuda13.0"),
    ("H100, driver 580: both CUDA builds have sm_90, the newer CUDA wins", ("580.65.06", "9.0"), "cuda13.0"),
    ("RTX 3090, driver 570 (CUDA 12.9): cuda13.0 needs a newer driver", ("570.86.10", "8.6"), "cuda12.8"),
    ("RTX 3090, driver 580: cuda13.0 has no sm_86", ("580.65.06", "8.6"), "cuda12.8"),
    ("A100, driver 470 runs CUDA 11.8 at most: no CUDA build fits", ("470.57.02", "8.0"), "null"),
]


@pytest.mark.parametrize("what,gpu,label", HOSTS, ids=[h[0].split(",")[0] for h in HOSTS])
def test_nvidia_hosts_get_the_matching_variant(ptinstall, index, tmp_path, what, gpu, label):
    host = Host(tmp_path).nvidia(*gpu)
    venv = make_venv(tmp_path / "venv")
    r = install(ptinstall, index, venv, "--variants", "--report", tmp_path / "report.json", "torch", "torchvision",
                env=host.env())
    assert variant_of(venv) == label, r
    assert variant_of(venv, "torchvision") == label
    have = installed(venv)
    assert ("nvidia-runtime-fake" in have) == label.startswith("cuda"), have
    assert "rocm-runtime-fake" not in have
    report = json.loads((tmp_path / "report.json").read_text())
    urls = {i["metadata"]["name"]: i["download_info"]["url"] for i in report["install"]}
    assert urls["torch"].endswith(f"-{label}.whl"), urls
    labels = {i["metadata"]["name"]: i.get("variant_label") for i in report["install"]}
    assert labels["torch"] == label and labels["torchvision"] == label, labels


def test_amd_host_gets_rocm_and_its_own_runtime(ptinstall, index, tmp_path):
    host = Host(tmp_path)
    venv = make_venv(tmp_path / "venv")
    install(ptinstall, index, venv, "--variants", "torch", env=host.env(PTINSTALL_AMD_GPU_ARCHITECTURE="gfx942"))
    assert variant_of(venv) == "rocm7.1"
    have = installed(venv)
    assert "rocm-runtime-fake" in have and "nvidia-runtime-fake" not in have


def test_cpu_host_gets_null_and_without_the_switch_the_plain_wheel(ptinstall, index, tmp_path):
    host = Host(tmp_path)
    venv = make_venv(tmp_path / "venv")
    install(ptinstall, index, venv, "torch", env=host.env(PTINSTALL_VARIANTS="1"))
    assert variant_of(venv) == "null"
    assert set(installed(venv)) == {"torch", "filelock"}
    # Off (the default): the variant wheels are never considered, the non-variant wheel is installed.
    plain = make_venv(tmp_path / "plain")
    install(ptinstall, index, plain, "torch", env=host.env())
    assert variant_of(plain) == ""


def test_user_properties_file_targets_a_gpu_from_a_gpu_less_host(ptinstall, index, tmp_path):
    props = tmp_path / "target.txt"
    props.write_text("# the H100 build machines\nnvidia :: cuda_version_lower_bound :: 12.9\n"
                     "nvidia :: cuda_version_lower_bound :: 12.8\nnvidia :: sm_arch :: 90_real\n")
    venv = make_venv(tmp_path / "venv")
    install(ptinstall, index, venv, "--variants", "--variant-properties", props, "torch",
            env=Host(tmp_path).env())
    assert variant_of(venv) == "cuda12.8"
    assert "nvidia-runtime-fake" in installed(venv)
    # The file also beats detection on a GPU host (PEP 850: the user's list before native providers).
    venv2 = make_venv(tmp_path / "venv2")
    (tmp_path / "gpu").mkdir()
    host = Host(tmp_path / "gpu").nvidia("580.65.06", "12.0")
    install(ptinstall, index, venv2, "torch", env=host.env(PTINSTALL_VARIANTS="1", PTINSTALL_VARIANT_PROPERTIES=str(props)))
    assert variant_of(venv2) == "cuda12.8"


def test_malformed_properties_file_is_a_usage_error(ptinstall, index, tmp_path):
    props = tmp_path / "bad.txt"
    props.write_text("nvidia :: sm_arch\n")
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    r = install(ptinstall, index, venv, "--variants", "--variant-properties", props, "torch",
                env=Host(tmp_path).env(), check=False)
    assert r.returncode == 2, r
    assert f"error: {props}:1: `nvidia :: sm_arch` is not a variant property" in r.stderr
    assert "hint: write one `namespace :: feature :: value` per line" in r.stderr
    assert snapshot(venv) == before


def test_variant_label_narrows_but_never_picks_an_unsupported_wheel(ptinstall, index, tmp_path):
    host = Host(tmp_path).nvidia("580.65.06", "9.0")
    venv = make_venv(tmp_path / "venv")
    install(ptinstall, index, venv, "--variants", "--variant-label", "cuda12.8", "torch", env=host.env())
    assert variant_of(venv) == "cuda12.8"
    # rocm7.1 is not supported on this NVIDIA host: asking for it fails and says why.
    other = make_venv(tmp_path / "other")
    before = snapshot(other)
    r = install(ptinstall, index, other, "--variants", "--variant-label", "rocm7.1", "torch", env=host.env(),
                check=False)
    assert r.returncode == 1, r
    assert "no provider for namespace `amd`" in r.stderr, r.stderr
    assert snapshot(other) == before


def test_verbose_explains_the_unsupported_property(ptinstall, index, tmp_path):
    host = Host(tmp_path).nvidia("570.86.10", "8.6")
    venv = make_venv(tmp_path / "venv")
    r = install(ptinstall, index, venv, "--variants", "-v", "torch", env=host.env())
    assert "variants of torch==2.13.0: variant `cuda12.8` (order: cuda12.8 > null)" in r.stderr, r.stderr
    assert ("cuda13.0: needs nvidia :: cuda_version_lower_bound :: 13.0; this machine has 12.9, 12.8, 12.7, 12.6, ..."
            in r.stderr), r.stderr
    assert "rocm7.1: no provider for namespace `amd`" in r.stderr


def test_unknown_schema_major_is_ignored_with_a_warning(ptinstall, index, tmp_path):
    venv = make_venv(tmp_path / "venv")
    r = install(ptinstall, index, venv, "--variants", "futurevar", env=Host(tmp_path).env())
    assert ("warning: futurevar-1.0-variants.json uses the variant schema "
            "`https://variants-schema.wheelnext.dev/v9.0.0.json`, whose major version this ptinstall does not read: "
            "its variant wheels are ignored") in r.stderr, r.stderr
    assert variant_of(venv, "futurevar") == ""


def test_malformed_variants_json_is_refused_and_the_environment_is_unchanged(ptinstall, index, tmp_path):
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    host = Host(tmp_path)
    r = install(ptinstall, index, venv, "--variants", "brokenvar", env=host.env(), check=False)
    assert r.returncode == 1, r
    assert "error: invalid variant metadata" in r.stderr and "brokenvar-1.0-variants.json: not JSON" in r.stderr, r.stderr
    assert "hint: the index (or the wheel) publishes a variants file this installer cannot read" in r.stderr
    assert snapshot(venv) == before
    # Without --variants the variant wheel is not used at all, and says so.
    r = install(ptinstall, index, venv, "brokenvar", env=host.env(), check=False)
    assert r.returncode == 1
    assert "brokenvar==1.0 has variant wheels (PEP 825), which are used only with --variants" in r.stderr, r.stderr


def test_torch_backend_json_lists_the_variant_properties(ptinstall, tmp_path):
    host = Host(tmp_path).nvidia("580.65.06", "8.6")
    r = ptinstall("torch-backend", "--json", env=host.env(), check=True)
    j = json.loads(r.stdout)
    nv = j["variant_properties"]["nvidia"]
    assert nv["features"]["sm_arch"][:3] == ["86_real", "80_real", "86_virtual"]
    assert nv["features"]["cuda_version_lower_bound"][0] == "13.2"
    assert "580.65.06" in nv["source"]


def test_the_switch_from_a_config_file(ptinstall, index, tmp_path):
    (tmp_path / "ptinstall.toml").write_text("variants = true\n")
    host = Host(tmp_path).nvidia("580.65.06", "12.0")
    venv = make_venv(tmp_path / "venv")
    install(ptinstall, index, venv, "torch", env=host.env())
    assert variant_of(venv) == "cuda13.0"


def test_the_family_takes_the_best_build_every_member_has(ptinstall, index, tmp_path):
    """torch's best build here is cuda13.0, torchaudio has only cuda12.8: a mixed stack is never installed;
    the family is relabelled to the newest CUDA every member has (cuda12.8), torch included."""
    host = Host(tmp_path).nvidia("580.65.06", "9.0")
    alone = make_venv(tmp_path / "alone")
    install(ptinstall, index, alone, "--variants", "torch", env=host.env())
    assert variant_of(alone) == "cuda13.0"
    venv = make_venv(tmp_path / "venv")
    r = install(ptinstall, index, venv, "--variants", "-v", "torch", "torchaudio", env=host.env())
    assert variant_of(venv) == "cuda12.8" and variant_of(venv, "torchaudio") == "cuda12.8", r.stderr
    assert "nvidia-runtime-fake" in installed(venv)
    assert "resolving again with the builds for CUDA 12.8 for all of them" in r.stderr, r.stderr
    assert ("cuda13.0: built for CUDA 13.0; the PyTorch packages all take their builds for CUDA 12.8, "
            "the newest every one of them has") in r.stderr, r.stderr
    # An RTX 5090: torch has cuda13.0 for sm_120, torchaudio's only CUDA build (12.8) has no sm_120: the one
    # build they share is null, taken with a warning.
    (tmp_path / "rtx5090").mkdir()
    rtx5090 = Host(tmp_path / "rtx5090").nvidia("580.65.06", "12.0")
    cpu_only = make_venv(tmp_path / "cpu-only")
    r = install(ptinstall, index, cpu_only, "--variants", "torch", "torchaudio", env=rtx5090.env())
    assert variant_of(cpu_only) == "null" and variant_of(cpu_only, "torchaudio") == "null"
    assert "warning: the PyTorch packages have no GPU build in common here" in r.stderr, r.stderr
    # --variant-label is never relabelled: a label one member lacks fails and says why.
    other = make_venv(tmp_path / "other")
    before = snapshot(other)
    r = install(ptinstall, index, other, "--variants", "--variant-label", "cuda13.0", "torch", "torchaudio",
                env=host.env(), check=False)
    assert r.returncode == 1, r
    assert "torchaudio" in r.stderr and "not the --variant-label `cuda13.0`" in r.stderr, r.stderr
    assert snapshot(other) == before
    # One label for the family that all have settles it.
    install(ptinstall, index, other, "--variants", "--variant-label", "cuda12.8", "torch", "torchaudio", env=host.env())
    assert variant_of(other) == "cuda12.8" and variant_of(other, "torchaudio") == "cuda12.8"


def test_without_an_index_file_each_wheels_variant_json_is_read_by_range_requests(ptinstall, index, tmp_path):
    """PEP 825's fallback: no nojson-1.0-variants.json on the index, so the variant.json inside one wheel per
    label is read through HTTP range requests (the zip's central directory from the tail, then the entry) and
    kept in the cache by the wheel's sha256 (immutable)."""
    host = Host(tmp_path).nvidia("580.65.06", "8.6")
    cache = tmp_path / "cache"
    venv = make_venv(tmp_path / "venv")
    r = install(ptinstall, index, venv, "--variants", "-v", "--cache-dir", cache, "nojson", env=host.env())
    assert variant_of(venv, "nojson") == "cuda12.8", r.stderr
    assert "variants of nojson==1.0: variant `cuda12.8` (order: cuda12.8 > null)" in r.stderr, r.stderr
    assert "cuda13.0: needs nvidia :: sm_arch" in r.stderr, r.stderr
    # the wheel without a variant.json: its label is unsupported, with the reason
    assert ("rocm7.1: nojson-1.0-" + TAGS + "-rocm7.1.whl has no .dist-info/variant.json (and no "
            "nojson-1.0-variants.json on ") in r.stderr, r.stderr
    kept = sorted((cache / "dist-info-v1").rglob("*-variant.json"))
    assert len(kept) == 3, kept  # cuda12.8, cuda13.0, null (the rocm7.1 wheel has none)
    assert {json.dumps(sorted(json.loads(k.read_text())["variants"])) for k in kept} == \
        {'["cuda12.8"]', '["cuda13.0"]', '["null"]'}
    # The kept copies are what a second run uses: one that says cuda12.8 needs sm_75 makes it unsupported here.
    for k in kept:
        data = json.loads(k.read_text())
        if "cuda12.8" in data["variants"]:
            data["variants"]["cuda12.8"]["nvidia"]["sm_arch"] = ["75_real"]
            k.write_text(json.dumps(data))
    again = make_venv(tmp_path / "again")
    install(ptinstall, index, again, "--variants", "--cache-dir", cache, "nojson", env=host.env())
    assert variant_of(again, "nojson") == "null"


def test_the_compute_capability_is_remembered_for_this_boot(ptinstall, index, tmp_path):
    """A real nvidia-smi takes 50-500 ms, more than a warm resolve: its answer is kept for this boot, driver
    and set of GPUs, so a second resolve runs no tool; a new boot asks again."""
    host = Host(tmp_path).nvidia("580.65.06", "9.0")
    boot = host.root / "proc/sys/kernel/random"
    boot.mkdir(parents=True)
    (boot / "boot_id").write_text("6a8f0b9e-1111-4222-8333-944455556666\n")
    cache = tmp_path / "cache"
    runs = host.root / "smi.runs"
    for n in (1, 2):
        venv = make_venv(tmp_path / f"venv{n}")
        install(ptinstall, index, venv, "--variants", "--cache-dir", cache, "torch", env=host.env())
        assert variant_of(venv) == "cuda13.0"
    assert len(runs.read_text().splitlines()) == 1, runs.read_text()
    (boot / "boot_id").write_text("0b7c1d2e-1111-4222-8333-944455556666\n")
    venv = make_venv(tmp_path / "venv3")
    r = install(ptinstall, index, venv, "--variants", "-v", "--cache-dir", cache, "torch", env=host.env())
    assert variant_of(venv) == "cuda13.0"
    assert len(runs.read_text().splitlines()) == 2, runs.read_text()
    # Without a boot id (a fake root, a container without /proc) nothing is remembered.
    (boot / "boot_id").unlink()
    for n in (4, 5):
        install(ptinstall, index, make_venv(tmp_path / f"venv{n}"), "--variants", "--cache-dir", cache, "torch",
                env=host.env())
    assert len(runs.read_text().splitlines()) == 4, runs.read_text()


def test_abi_dependency_ties_an_extension_to_the_torch_it_was_built_for(ptinstall, index, tmp_path):
    venv = make_venv(tmp_path / "venv")
    install(ptinstall, index, venv, "--variants", "flashy", env=Host(tmp_path).env())
    # The build for the newest torch release, and that torch with it (the index has torch 2.13.0 only).
    assert variant_of(venv, "flashy") == "torch2.13"
    assert installed(venv)["torch"] == "2.13.0"
    assert variant_of(venv) == "null"


@pytest.fixture(scope="module")
def abi_index(tmp_path_factory):
    """Two torch releases (plain wheels) and extensions built once per release (PEP 850 abi_dependency):
    `flashy` whose builds differ only in that, `flashdep` whose build for torch 2.12 also needs filelock
    (a variant marker on its Requires-Dist), `flashplain` with a non-variant wheel beside its builds."""
    root = tmp_path_factory.mktemp("abi-index")
    out = root / "_build"
    wheels = [wheelmaker.build_wheel(out, "torch", v, tags=TAGS, packages={"torch/__init__.py": "variant = ''\n"})
              for v in ("2.11.0", "2.12.0", "2.13.0")]
    wheels.append(wheelmaker.build_wheel(out, "filelock", "1.0"))
    builds = {f"torch{r}": {"abi_dependency": {"torch": [r]}} for r in ("2.12", "2.13")}
    for name in ("flashy", "flashdep", "flashplain"):
        deps = ["filelock; variant_label == 'torch2.12'"] if name == "flashdep" else []
        for label, props in builds.items():
            wheels.append(variant_wheel(out, name, "1.0", label, props, requires_dist=deps))
    wheels.append(wheelmaker.build_wheel(out, "flashplain", "1.0", tags=TAGS,
                                         packages={"flashplain/__init__.py": "variant = ''\n"}))
    build_simple_index(root, wheels)
    for name in ("flashy", "flashdep", "flashplain"):
        add_variants_json(root, name, "1.0", metadata(builds, ()))
    server = IndexServer(root)
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("pin,label", [("torch==2.12.0", "torch2.12"), ("torch", "torch2.13"),
                                       ("torch<=2.12.0", "torch2.12")])
def test_abi_dependency_follows_the_resolved_torch(ptinstall, abi_index, tmp_path, pin, label):
    """(version, build) is the solver's candidate: an older torch the user pins takes the extension's build for
    that release, instead of the newest build conflicting with it."""
    venv = make_venv(tmp_path / "venv")
    r = install(ptinstall, abi_index, venv, "--variants", "-v", "--report", tmp_path / "report.json", pin, "flashy",
                env=Host(tmp_path).env())
    assert variant_of(venv, "flashy") == label, r.stderr
    assert installed(venv)["torch"] == label[len("torch"):] + ".0"
    report = json.loads((tmp_path / "report.json").read_text())
    items = {i["metadata"]["name"]: i for i in report["install"]}
    assert items["flashy"]["variant_label"] == label
    assert items["flashy"]["download_info"]["url"].endswith(f"-{label}.whl")


def test_abi_dependency_with_no_build_for_the_torch_fails_with_both_sides(ptinstall, abi_index, tmp_path):
    venv = make_venv(tmp_path / "venv")
    r = install(ptinstall, abi_index, venv, "--variants", "torch==2.11.0", "flashy", env=Host(tmp_path).env(),
                check=False)
    assert r.returncode == 1
    # the union of flashy's builds (torch==2.12.* or torch==2.13.*) against the pin
    assert "Because flashy==1.0 depends on torch>=2.12.dev0,<2.14 and you require flashy" in r.stderr, r.stderr
    assert "And because you require torch==2.11.0, your requirements are unsatisfiable." in r.stderr, r.stderr
    assert "error:" in r.stderr and installed(venv).get("torch") is None, r.stderr


def test_abi_dependency_build_with_other_dependencies_resolves_again(ptinstall, abi_index, tmp_path):
    """flashdep's build for torch 2.12 needs filelock (a variant marker): settling on it after the resolution
    would change the graph, so the resolution runs again with that build, and filelock comes with it."""
    host = Host(tmp_path)
    venv = make_venv(tmp_path / "venv")
    r = install(ptinstall, abi_index, venv, "--variants", "-v", "torch==2.12.0", "flashdep", env=host.env())
    assert variant_of(venv, "flashdep") == "torch2.12"
    assert "filelock" in installed(venv), r.stderr
    assert "resolving again with it" in r.stderr
    venv2 = make_venv(tmp_path / "venv2")
    install(ptinstall, abi_index, venv2, "--variants", "torch", "flashdep", env=host.env())
    assert variant_of(venv2, "flashdep") == "torch2.13" and "filelock" not in installed(venv2)


def test_abi_dependency_falls_back_to_the_non_variant_wheel(ptinstall, abi_index, tmp_path):
    """No build for torch 2.11: the plain wheel stands in (PEP 825 ranks it after every variant)."""
    host = Host(tmp_path)
    venv = make_venv(tmp_path / "venv")
    install(ptinstall, abi_index, venv, "--variants", "torch==2.11.0", "flashplain", env=host.env())
    assert variant_of(venv, "flashplain") == "" and installed(venv)["torch"] == "2.11.0"
    venv2 = make_venv(tmp_path / "venv2")
    install(ptinstall, abi_index, venv2, "--variants", "torch==2.12.0", "flashplain", env=host.env())
    assert variant_of(venv2, "flashplain") == "torch2.12"


def test_abi_dependency_in_a_lock_follows_the_locked_torch(ptinstall, abi_index, tmp_path):
    """The lock keeps every build of flashy; installing it takes the build for the torch the lock holds."""
    host = Host(tmp_path)
    venv = make_venv(tmp_path / "venv")
    (tmp_path / "requirements.in").write_text("torch==2.12.0\nflashy\n")
    lock = tmp_path / "pylock.toml"
    ptinstall("pip", "compile", "--python", venv / "bin" / "python", "--index-url", abi_index.index_url(), "--variants",
              tmp_path / "requirements.in", "-o", lock, env=host.env(), check=True)
    ptinstall("pip", "install", "--python", venv / "bin" / "python", "-r", lock, env=host.env(), check=True)
    assert variant_of(venv, "flashy") == "torch2.12" and installed(venv)["torch"] == "2.12.0"


def test_a_lock_inlines_the_variant_metadata_and_each_machine_gets_its_build(ptinstall, index, tmp_path):
    """PEP 825 and pylock.toml: every variant wheel is kept and `[packages.variants-json]` inlines the index's
    metadata (`$schema` kept), so installing the lock ranks the wheels again for the machine that installs it."""
    import tomllib
    host = Host(tmp_path).nvidia("580.65.06", "9.0")  # an H100: the CUDA builds, the nvidia runtime with them
    venv = make_venv(tmp_path / "venv")
    (tmp_path / "requirements.in").write_text("torch\ntorchaudio\n")
    lock = tmp_path / "pylock.toml"
    ptinstall("pip", "compile", "--python", venv / "bin" / "python", "--index-url", index.index_url(), "--variants",
              tmp_path / "requirements.in", "-o", lock, env=host.env(), check=True)
    text = lock.read_text()
    doc = tomllib.loads(text)
    torch = next(p for p in doc["packages"] if p["name"] == "torch")
    assert {w["name"].rsplit("-", 1)[1] for w in torch["wheels"]} == \
        {"cuda12.8.whl", "cuda13.0.whl", "rocm7.1.whl", "null.whl", f"{PLAT}.whl"}, text
    vj = torch["variants-json"]
    assert vj["$schema"] == SCHEMA and vj["default-priorities"]["namespace"] == ["nvidia", "amd"]
    assert vj["variants"] == TORCH_VARIANTS, text
    audio = next(p for p in doc["packages"] if p["name"] == "torchaudio")
    assert set(audio["variants-json"]["variants"]) == {"cuda12.8", "null"}  # pruned to the wheels it lists
    assert '[packages.variants-json]\n"$schema" = ' in text and '"cuda12.8" = ' in text, text
    # torch's CUDA builds need the nvidia runtime (a variant marker on Requires-Dist): the lock says which edge
    # (a lock's `marker` cannot), so a machine whose torch build is another leaves it out.
    runtime = next(p for p in doc["packages"] if p["name"] == "nvidia-runtime-fake")
    assert runtime["tool"]["ptinstall"]["variant-required-by"] == \
        [{"name": "torch", "marker": "\"nvidia\" in variant_namespaces"}], text
    assert "tool" not in next(p for p in doc["packages"] if p["name"] == "filelock")

    def from_lock(name, gpu=None, *args):
        (tmp_path / name).mkdir()
        h = Host(tmp_path / name)
        if gpu:
            h.nvidia(*gpu)
        target = make_venv(tmp_path / name / "venv")
        ptinstall("pip", "install", "--python", target / "bin" / "python", "-r", lock, *args, env=h.env(), check=True)
        return target

    # An H100 with driver 580: torch alone would take cuda13.0, torchaudio has only cuda12.8: both cuda12.8.
    h100 = from_lock("h100", ("580.65.06", "9.0"))
    assert variant_of(h100) == "cuda12.8" and variant_of(h100, "torchaudio") == "cuda12.8"
    assert "nvidia-runtime-fake" in installed(h100)
    # An RTX 3090 with driver 570 (CUDA 12.9): cuda12.8 too; a CPU host: null, without --variants either way,
    # and no nvidia runtime.
    assert variant_of(from_lock("rtx3090", ("570.86.10", "8.6"))) == "cuda12.8"
    cpu = from_lock("cpu")
    assert variant_of(cpu) == "null" and variant_of(cpu, "torchaudio") == "null"
    assert "nvidia-runtime-fake" not in installed(cpu) and "filelock" in installed(cpu), installed(cpu)
    # A user's property list targets another machine from the lock as well.
    props = tmp_path / "target.txt"
    props.write_text("nvidia :: cuda_version_lower_bound :: 12.8\nnvidia :: sm_arch :: 90_real\n")
    user = from_lock("user", None, "--variants", "--variant-properties", props)
    assert variant_of(user) == "cuda12.8" and variant_of(user, "torchaudio") == "cuda12.8"


def test_a_variant_wheel_given_by_path_or_url_is_checked_against_this_machine(ptinstall, index, tmp_path):
    """A variant wheel named directly is used only when its own variant.json's properties are supported here
    (read in place for a path, by range requests for a URL), as an index wheel would be."""
    host = Host(tmp_path).nvidia("580.65.06", "8.6")
    files = index.root / "files"
    cuda13 = next(files.glob("torch-2.13.0-*-cuda13.0.whl"))
    cuda12 = next(files.glob("torch-2.13.0-*-cuda12.8.whl"))
    venv = make_venv(tmp_path / "venv")
    before = snapshot(venv)
    for given in (str(cuda13), f"{index.url}/files/{cuda13.name}"):
        r = install(ptinstall, index, venv, "--variants", f"torch @ {given}" if "://" in given else given,
                    env=host.env(), check=False)
        assert r.returncode == 1, r
        assert f"is the variant wheel {cuda13.name}, which this machine does not support (cuda13.0: needs nvidia :: " \
            in r.stderr, r.stderr
        assert snapshot(venv) == before
    install(ptinstall, index, venv, "--variants", f"torch @ {index.url}/files/{cuda12.name}", env=host.env())
    assert variant_of(venv) == "cuda12.8"
    assert "nvidia-runtime-fake" in installed(venv)  # its variant markers are those of its own variant.json
    # freeze names the variant wheel it came from, label included
    frozen = ptinstall("pip", "freeze", "--python", venv / "bin" / "python", check=True).stdout
    assert f"torch @ {index.url}/files/{cuda12.name}" in frozen, frozen
    # Without --variants it is installed as given, with a warning that nothing was checked.
    plain = make_venv(tmp_path / "plain")
    r = install(ptinstall, index, plain, str(cuda13), env=host.env())
    assert variant_of(plain) == "cuda13.0"
    assert f"warning: {cuda13.name} is a variant wheel (PEP 825); its variant.json is checked against this machine " \
        "only with --variants" in r.stderr, r.stderr


def test_an_intel_gpu_build_from_the_device_ip(ptinstall, index, tmp_path):
    """`xpu :: device_ip` (provider_variant_xpu's namespace): the device IP comes from PTINSTALL_XPU_DEVICE_IP
    (Level Zero's answer, which /sys does not give); a Battlemage G31 (20.2.0) runs code built for G21 (20.1.0)."""
    host = Host(tmp_path)
    venv = make_venv(tmp_path / "venv")
    r = install(ptinstall, index, venv, "--variants", "-v", "xpuvar", env=host.env())
    assert variant_of(venv, "xpuvar") == "null"
    assert "xpu_bmg: no provider for namespace `xpu`" in r.stderr, r.stderr
    gpu = make_venv(tmp_path / "gpu")
    install(ptinstall, index, gpu, "--variants", "xpuvar", env=host.env(PTINSTALL_XPU_DEVICE_IP="20.2.0"))
    assert variant_of(gpu, "xpuvar") == "xpu_bmg"
    j = json.loads(ptinstall("torch-backend", "--json", env=host.env(PTINSTALL_XPU_DEVICE_IP="20.2.0"), check=True).stdout)
    assert j["variant_properties"]["xpu"]["features"]["device_ip"] == ["20.2.0", "20.1.0"]
    r = install(ptinstall, index, make_venv(tmp_path / "bad"), "--variants", "xpuvar",
                env=host.env(PTINSTALL_XPU_DEVICE_IP="bmg"), check=False)
    assert r.returncode == 2, r
    assert "error: invalid value `bmg` for PTINSTALL_XPU_DEVICE_IP" in r.stderr, r.stderr


def test_torch_backend_routing_picks_the_index_and_variants_the_wheel_inside_it(ptinstall, index, tmp_path):
    """With both: `--torch-backend cu128` routes torch to <base>/cu128, and --variants ranks that index's variant
    wheels (cuda12.8 there, where the default index would give this host cuda13.0)."""
    host = Host(tmp_path).nvidia("580.65.06", "9.0")
    venv = make_venv(tmp_path / "venv")
    r = install(ptinstall, index, venv, "--variants", "-v", "--torch-backend", "cu128", "--torch-backend-index",
                f"{index.url}/whl", "--report", tmp_path / "report.json", "torch", env=host.env())
    assert variant_of(venv) == "cuda12.8", r.stderr
    assert "variants of torch==2.13.0: variant `cuda12.8` (order: cuda12.8 > null)" in r.stderr, r.stderr
    # routed: torch came from the cu128 index (its pages), not the default one
    report = json.loads((tmp_path / "report.json").read_text())
    torch = next(i for i in report["install"] if i["metadata"]["name"] == "torch")
    assert torch["download_info"]["url"].endswith("-cuda12.8.whl")
    assert f"{index.url}/whl/cu128" in r.stderr, r.stderr
    # without --variants: the same index's non-variant wheel
    plain = make_venv(tmp_path / "plain")
    install(ptinstall, index, plain, "--torch-backend", "cu128", "--torch-backend-index", f"{index.url}/whl", "torch",
            env=host.env())
    assert variant_of(plain) == ""


def test_one_cache_gives_each_machine_its_own_build(ptinstall, index, tmp_path):
    """The label is part of the cache keys (downloads and unpacked wheels are kept per file): machines sharing
    a cache each get their own build, in any order."""
    cache = tmp_path / "shared-cache"
    (tmp_path / "cpu").mkdir()
    rtx = Host(tmp_path).nvidia("570.86.10", "8.6")
    cpu = Host(tmp_path / "cpu")
    for n, (host, label) in enumerate([(rtx, "cuda12.8"), (cpu, "null"), (rtx, "cuda12.8"), (cpu, "null")]):
        venv = make_venv(tmp_path / f"venv{n}")
        install(ptinstall, index, venv, "--variants", "--cache-dir", cache, "torch", env=host.env())
        assert variant_of(venv) == label, (n, label)
