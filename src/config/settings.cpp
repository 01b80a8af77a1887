#include "ptinstall/config/settings.hpp"

#include <cstdlib>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::config {
namespace {

using K = Kind;

// A flag's `!--no-x` spelling (CLI11's negation) sets it to false on the command line, over an
// environment variable or a config file that set it (uv's hidden `--no-upgrade`, `--build-isolation`, ...).
// clang-format off
const std::vector<SettingSpec> kSettings = {
  // Sources of requirements
  {"requirement", "-r,--requirement,--requirements", {}, K::List, kInstall | kUninstall | kCompile | kSync | kDownload | kFreeze,
   "Install from the given requirements file (requirements.txt or pyproject.toml); repeatable", {}, "", true, "FILE"},
  {"constraint", "-c,--constraint,--constraints", {"PTINSTALL_CONSTRAINT", "UV_CONSTRAINT"}, K::List, kResolving,
   "Constrain versions using the given constraints file; repeatable", {}, "", true, "FILE"},
  {"override", "--overrides,--override", {"PTINSTALL_OVERRIDE", "UV_OVERRIDE"}, K::List, kResolving,
   "Override versions using the given file; overrides replace every requirement on the package", {}, "", true, "FILE"},
  {"excludes", "--excludes,--exclude", {"PTINSTALL_EXCLUDE", "UV_EXCLUDE"}, K::List, kResolving,
   "Leave the packages this file names out of the resolution, with what only they need (uv's --excludes); "
   "repeatable", {}, "", true, "FILE", kNoFileKey},
  {"extra", "--extra", {}, K::List, kResolving, "Include optional dependencies from this extra of a pyproject.toml", {}, "", true, "NAME"},
  {"all-extras", "--all-extras,!--no-all-extras", {}, K::Flag, kResolving, "Include all optional dependencies of a pyproject.toml", {}, "false", true},
  {"group", "--group", {}, K::List, kResolving, "Include the dependency group (PEP 735) of a pyproject.toml", {}, "", true, "NAME"},
  {"no-sources", "--no-sources", {"PTINSTALL_NO_SOURCES", "UV_NO_SOURCES"}, K::Flag, kResolving,
   "Ignore [tool.uv.sources] and resolve from the indexes only", {}, "false", true},

  // Indexes
  {"index-url", "-i,--index-url", {"PTINSTALL_INDEX_URL", "UV_INDEX_URL"}, K::Value, kResolving | kList,
   "The main package index (PEP 503/691 Simple API)", {}, "https://pypi.org/simple", true, "URL"},
  {"extra-index-url", "--extra-index-url", {"PTINSTALL_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL"}, K::List, kResolving | kList,
   "Extra package indexes, searched before --index-url in the order given", {}, "", true, "URL"},
  {"index", "--index", {"PTINSTALL_INDEX", "UV_INDEX"}, K::List, kResolving | kList,
   "A named index, NAME=URL, searched before the default index", {}, "", true, "NAME=URL"},
  {"default-index", "--default-index", {"PTINSTALL_DEFAULT_INDEX", "UV_DEFAULT_INDEX"}, K::Value, kResolving | kList,
   "Replace the default index (PyPI)", {}, "", true, "URL"},
  {"find-links", "-f,--find-links", {"PTINSTALL_FIND_LINKS", "UV_FIND_LINKS"}, K::List, kResolving | kList,
   "Look for wheels in this directory or HTML page", {}, "", true, "DIR|URL"},
  {"no-index", "--no-index", {"PTINSTALL_NO_INDEX", "UV_NO_INDEX"}, K::Flag, kResolving | kList,
   "Ignore every index; use --find-links and local files only", {}, "false", true},
  {"index-strategy", "--index-strategy", {"PTINSTALL_INDEX_STRATEGY", "UV_INDEX_STRATEGY"}, K::Value, kResolving | kList,
   "How to choose between indexes that carry the same package",
   {"first-index", "unsafe-first-match", "unsafe-best-match"}, "first-index", true},
  {"allow-insecure-host", "--allow-insecure-host,--trusted-host", {"PTINSTALL_INSECURE_HOST", "UV_INSECURE_HOST"}, K::List, kEnvironment,
   "Do not verify TLS certificates for this host", {}, "", true, "HOST"},

  // PyTorch
  {"torch-backend", "--torch-backend", {"PTINSTALL_TORCH_BACKEND", "UV_TORCH_BACKEND"}, K::Value, kResolving | kTorchBackend,
   "PyTorch backend for the PyTorch family: auto, cpu, cu128, rocm6.4, xpu, ...", {}, "", true, "BACKEND"},
  {"torch-backend-index", "--torch-backend-index", {"PTINSTALL_TORCH_BACKEND_INDEX", "UV_TORCH_BACKEND_INDEX"}, K::Value,
   kResolving | kTorchBackend, "Base URL under which the <backend>/ PyTorch indexes live (for mirrors)", {},
   "https://download.pytorch.org/whl", true, "URL"},
  {"torch-channel", "--torch-channel", {"PTINSTALL_TORCH_CHANNEL"}, K::Value, kResolving | kTorchBackend,
   "PyTorch release channel", {"stable", "test", "nightly"}, "stable", true},
  {"no-torch-compute-check", "--no-torch-compute-check", {"PTINSTALL_NO_TORCH_COMPUTE_CHECK"}, K::Flag,
   kResolving | kTorchBackend, "With --torch-backend=auto, keep CUDA indexes built without kernels for the GPU's compute capability",
   {}, "false", true},
  {"target-os", "--target-os", {}, K::Value, kTorchBackend, "The OS whose driver table is used (default: this machine's)",
   {"linux", "musllinux", "windows", "macos", "other"}, "", true, "OS"},
  {"json", "--json", {}, K::Flag, kTorchBackend, "Print the decision as one JSON object", {}, "false", true},

  // Wheel variants (PEP 825/850; docs/variants.md)
  {"variants", "--variants", {"PTINSTALL_VARIANTS"}, K::Flag, kResolving | kTorchBackend,
   "Choose among PEP 825 variant wheels by this machine's properties (off until the PEP is accepted)", {}, "false", true},
  {"variant-properties", "--variant-properties", {"PTINSTALL_VARIANT_PROPERTIES"}, K::Value, kResolving | kTorchBackend,
   "With --variants: the target's properties, one `namespace :: feature :: value` a line, instead of detection",
   {}, "", true, "FILE"},
  {"variant-label", "--variant-label", {"PTINSTALL_VARIANT_LABEL"}, K::Value, kResolving,
   "With --variants: use only variant wheels with this label (never one the machine does not support)", {}, "", true,
   "LABEL"},

  // Target environment
  {"python", "-p,--python", {"PTINSTALL_PYTHON", "UV_PYTHON"}, K::Value, kEnvironment,
   "The Python interpreter or environment to use (path, venv directory, or version like 3.12)", {}, "", true, "PYTHON"},
  {"system", "--system,!--no-system", {"PTINSTALL_SYSTEM_PYTHON", "UV_SYSTEM_PYTHON"}, K::Flag, kAllPip,
   "Use the first python3 on PATH instead of a virtual environment", {}, "false", true},
  {"target", "-t,--target", {}, K::Value, kInstall | kSync, "Install packages into this directory", {}, "", true, "DIR"},
  {"prefix", "--prefix", {}, K::Value, kInstall | kSync, "Install packages under this prefix (lib/pythonX.Y/site-packages, bin)", {}, "", true, "DIR"},
  {"break-system-packages", "--break-system-packages,!--no-break-system-packages", {"PTINSTALL_BREAK_SYSTEM_PACKAGES", "UV_BREAK_SYSTEM_PACKAGES"}, K::Flag,
   kInstall | kUninstall | kSync, "Allow modifying an EXTERNALLY-MANAGED (PEP 668) environment", {}, "false", true},

  // Resolution
  {"no-deps", "--no-deps,!--deps", {}, K::Flag, kInstall | kSync | kDownload | kCompile,
   "Do not install dependencies (pip compile: pin only the requirements given)", {}, "false", true},
  {"verify-hashes", "--verify-hashes,!--no-verify-hashes", {"PTINSTALL_VERIFY_HASHES", "UV_VERIFY_HASHES"}, K::Flag,
   kInstall | kSync,
   "uv's hash mode: check the hashes the requirements give without requiring one for every package "
   "(--no-verify-hashes: ignore them); unset, pip's rule: the first hash of a requirements file requires them all",
   {}, "", true},
  {"exact", "--exact,!--inexact", {}, K::Flag, kInstall,
   "Make the environment exactly the resolution: uninstall what it does not hold, as pip sync does (uv)", {}, "false", true},
  {"allow-empty-requirements", "--allow-empty-requirements", {}, K::Flag, kSync,
   "Let pip sync run with requirements that name no package (it then uninstalls everything)", {}, "false", true},
  {"upgrade", "-U,--upgrade,!--no-upgrade", {"PTINSTALL_UPGRADE", "UV_UPGRADE"}, K::Flag, kResolving,
   "Allow upgrades of every package, ignoring installed versions", {}, "false", true},
  {"upgrade-package", "-P,--upgrade-package", {}, K::List, kResolving, "Allow upgrades of this package", {}, "", true, "NAME"},
  {"reinstall", "--reinstall,--force-reinstall,!--no-reinstall", {"PTINSTALL_REINSTALL", "UV_REINSTALL"}, K::Flag, kInstall | kSync,
   "Reinstall every package, even those already installed", {}, "false", true},
  {"exclude-newer", "--exclude-newer,--uploaded-prior-to", {"PTINSTALL_EXCLUDE_NEWER", "UV_EXCLUDE_NEWER"}, K::Value,
   kResolving, "Ignore files uploaded after this time: an RFC 3339 timestamp (2025-06-01T00:00:00Z), a date "
   "(2025-06-01, midnight UTC) or a duration back from now (7 days, P1W)", {}, "", true, "DATE|DURATION"},
  {"exclude-newer-package", "--exclude-newer-package", {}, K::List, kResolving,
   "The --exclude-newer cut-off for one package, NAME=DATE|DURATION (repeatable)", {}, "", true, "NAME=DATE"},
  {"reinstall-package", "--reinstall-package", {}, K::List, kInstall | kSync,
   "Reinstall this package, even if already installed", {}, "", true, "NAME"},
  {"pre", "--pre", {}, K::Flag, kResolving | kList, "Allow pre-release versions (same as --prerelease allow)", {}, "false", true},
  {"prerelease", "--prerelease", {"PTINSTALL_PRERELEASE", "UV_PRERELEASE"}, K::Value, kResolving,
   "When to accept pre-release versions",
   {"disallow", "allow", "if-necessary", "explicit", "if-necessary-or-explicit"}, "if-necessary-or-explicit", true},
  {"resolution", "--resolution", {"PTINSTALL_RESOLUTION", "UV_RESOLUTION"}, K::Value, kResolving,
   "Which versions to prefer", {"highest", "lowest", "lowest-direct"}, "highest", true},
  {"python-version", "--python-version", {"PTINSTALL_PYTHON_VERSION", "UV_PYTHON_VERSION"}, K::Value, kResolving,
   "Resolve for this Python version instead of the interpreter's", {}, "", true, "X.Y"},
  {"python-platform", "--python-platform", {"PTINSTALL_PYTHON_PLATFORM", "UV_PYTHON_PLATFORM"}, K::Value, kResolving,
   "Resolve for this platform (e.g. x86_64-manylinux_2_28, linux, macos, windows)", {}, "", true, "PLATFORM"},
  {"only-binary", "--only-binary", {}, K::List, kResolving, "Only use wheels for these packages (:all: for every package)", {}, "", true, "NAME"},
  {"no-binary", "--no-binary", {}, K::List, kResolving, "Do not use wheels for these packages (:all: for every package): build them from source", {}, "", true, "NAME"},
  {"no-binary-package", "--no-binary-package", {"PTINSTALL_NO_BINARY_PACKAGE", "UV_NO_BINARY_PACKAGE"}, K::List, kResolving,
   "Do not use wheels for this package: build it from source (uv's spelling of --no-binary NAME)", {}, "", true, "NAME"},
  {"no-build-package", "--no-build-package", {"PTINSTALL_NO_BUILD_PACKAGE", "UV_NO_BUILD_PACKAGE"}, K::List, kResolving,
   "Never build this package from source (uv's spelling of --only-binary NAME)", {}, "", true, "NAME"},
  {"no-build", "--no-build,!--build", {"PTINSTALL_NO_BUILD", "UV_NO_BUILD"}, K::Flag, kResolving,
   "Never build from source (the same as --only-binary :all:)", {}, "false", true},
  {"prefer-binary", "--prefer-binary", {"PTINSTALL_PREFER_BINARY", "PIP_PREFER_BINARY"}, K::Flag, kResolving,
   "Prefer an older version that has a wheel over a newer one that has only an sdist (pip)", {}, "false", true},

  // Building from source (PEP 517)
  {"editable", "-e,--editable", {}, K::List, kInstall | kCompile,
   "Install a local project in editable mode (PEP 660); pip lock: lock it as an editable directory", {}, "", true,
   "PATH", kNoFileKey},
  {"no-build-isolation", "--no-build-isolation,!--build-isolation", {"PTINSTALL_NO_BUILD_ISOLATION", "UV_NO_BUILD_ISOLATION"}, K::Flag, kResolving,
   "Build against the target environment instead of a fresh one with the build requirements", {}, "false", true},
  {"no-build-isolation-package", "--no-build-isolation-package", {}, K::List, kResolving,
   "Build this package against the target environment (repeatable)", {}, "", true, "NAME"},
  {"config-settings", "-C,--config-settings,--config-setting", {}, K::List, kResolving,
   "Pass KEY=VALUE to the build backend's hooks (repeatable)", {}, "", true, "KEY=VALUE", kNoFileKey},
  {"config-settings-package", "--config-settings-package,--config-setting-package", {}, K::List, kResolving,
   "Pass KEY=VALUE to the build backend of PACKAGE only (repeatable; uv)", {}, "", true, "PACKAGE:KEY=VALUE", kNoFileKey},
  {"build-constraint", "-b,--build-constraint,--build-constraints", {"PTINSTALL_BUILD_CONSTRAINT", "UV_BUILD_CONSTRAINT"}, K::List, kResolving,
   "Constrain the versions of build dependencies with this file (repeatable)", {}, "", true, "FILE"},
  {"concurrent-builds", "--concurrent-builds", {"PTINSTALL_CONCURRENT_BUILDS", "UV_CONCURRENT_BUILDS"}, K::Value, kResolving,
   "Source distributions built at once (default: the number of cores)", {}, "", true, "N", kNumber},
  {"build-timeout", "", {"PTINSTALL_BUILD_TIMEOUT"}, K::Value, kResolving,
   "Seconds a build backend hook may run before it is stopped", {}, "3600", true, "SECONDS", kNoFileKey | kNumber},
  {"require-hashes", "--require-hashes,!--no-require-hashes", {"PTINSTALL_REQUIRE_HASHES", "UV_REQUIRE_HASHES"}, K::Flag, kInstall | kSync,
   "Require a hash for every requirement", {}, "false", true},

  // Output of the install
  {"dry-run", "--dry-run", {}, K::Flag, kInstall | kUninstall | kSync, "Show what would change without changing anything", {}, "false", true},
  {"report", "--report", {}, K::Value, kInstall, "Write pip's installation report (JSON) to FILE, or - for stdout", {}, "", true, "FILE"},
  {"link-mode", "--link-mode", {"PTINSTALL_LINK_MODE", "UV_LINK_MODE"}, K::Value, kInstall | kSync | kVenv,
   "How files are placed from the cache into the environment", {"clone", "hardlink", "copy", "symlink"}, "clone", true},
  {"compile-bytecode", "--compile-bytecode,--compile", {"PTINSTALL_COMPILE_BYTECODE", "UV_COMPILE_BYTECODE"}, K::Flag, kInstall | kSync,
   "Compile the installed Python files to bytecode", {}, "false", true},

  // Output files of compile
  {"output-file", "-o,--output-file", {}, K::Value, kCompile, "Write the pinned requirements to FILE", {}, "", true, "FILE"},
  {"universal", "--universal", {}, K::Flag, kCompile,
   "Lock for Linux (x86_64, aarch64), macOS (x86_64, arm64) and Windows (x86_64) and every Python the project "
   "allows at once, merged with markers (docs/locks.md)", {}, "false", true},
  {"fork-strategy", "--fork-strategy", {"PTINSTALL_FORK_STRATEGY", "UV_FORK_STRATEGY"}, K::Value, kCompile,
   "With --universal: the newest versions for each Python version (requires-python), or the fewest "
   "versions over all of them (fewest)", {"requires-python", "fewest"}, "requires-python", true},
  {"environments", "", {}, K::List, kCompile,
   "With --universal: the environments (PEP 508 markers) the lock is limited to (config files only, as uv)", {},
   "", true},
  {"required-environments", "", {}, K::List, kCompile,
   "With --universal: environments (PEP 508 markers) that must resolve, with wheels (config files only, as uv)",
   {}, "", true},
  {"output-format", "--format", {}, K::Value, kCompile,
   "The format of pip compile's output: requirements.txt, or pylock.toml (PEP 751; also chosen by an output file "
   "named pylock.toml or pylock.NAME.toml)", {"requirements.txt", "pylock.toml"}, "", true, "FORMAT", kNoFileKey},
  {"generate-hashes", "--generate-hashes", {}, K::Flag, kCompile, "Include --hash lines for every pin", {}, "false", true},
  {"no-header", "--no-header", {}, K::Flag, kCompile, "Leave out the header comment naming the command", {}, "false", true},
  {"no-annotate", "--no-annotate", {}, K::Flag, kCompile, "Leave out the `# via` and `# from` annotations", {}, "false", true},
  {"annotation-style", "--annotation-style", {}, K::Value, kCompile,
   "How `# via` annotations are written: split (one per line, below the pin) or line (after the pin, "
   "comma-separated)", {"split", "line"}, "split", true},
  {"no-emit-package", "--no-emit-package,--unsafe-package", {}, K::List, kCompile,
   "Leave this package's pin out of the output (listed in a closing comment); repeatable", {}, "", true, "NAME"},
  {"emit-index-url", "--emit-index-url,!--no-emit-index-url", {}, K::Flag, kCompile,
   "Write --index-url and --extra-index-url lines for the indexes used (credentials redacted)", {}, "false", true},
  {"emit-find-links", "--emit-find-links,!--no-emit-find-links", {}, K::Flag, kCompile,
   "Write --find-links lines for the find-links locations used", {}, "false", true},
  {"emit-build-options", "--emit-build-options,!--no-emit-build-options", {}, K::Flag, kCompile,
   "Write the --no-binary and --only-binary options in effect", {}, "false", true},
  {"emit-index-annotation", "--emit-index-annotation,!--no-emit-index-annotation", {}, K::Flag, kCompile,
   "Write `# from URL` under every pin, naming the index it came from", {}, "false", true},
  {"emit-marker-expression", "--emit-marker-expression,!--no-emit-marker-expression", {}, K::Flag, kCompile,
   "Write a header comment with the marker expression the pins are known to be valid for", {}, "false", true},
  {"no-strip-extras", "--no-strip-extras,!--strip-extras", {}, K::Flag, kCompile,
   "Keep the extras the pins were required with (`name[extra]==1.0`)", {}, "false", true},
  {"no-strip-markers", "--no-strip-markers,!--strip-markers", {}, K::Flag, kCompile,
   "Keep, on each pin, the marker under which it was required (`name==1.0 ; sys_platform == \"linux\"`)", {},
   "false", true},
  {"custom-compile-command", "--custom-compile-command", {"PTINSTALL_CUSTOM_COMPILE_COMMAND", "UV_CUSTOM_COMPILE_COMMAND"},
   K::Value, kCompile, "The command written in the header instead of the real one (e.g. `make requirements`)", {}, "",
   true, "COMMAND"},

  // Inspection commands
  {"format", "--format", {}, K::Value, kList, "Output format", {"columns", "freeze", "json"}, "columns", true},
  {"files", "-f,--files", {}, K::Flag, kShow, "Show the files of each package", {}, "false", true},
  {"all", "--all", {}, K::Flag, kFreeze, "Do not leave out pip (and setuptools, wheel, distribute before Python 3.12)",
   {}, "false", true},
  {"exclude", "--exclude", {}, K::List, kList | kFreeze, "Leave this package out of the output; repeatable", {}, "", true, "NAME"},
  {"list-editable", "-e,--editable", {}, K::Flag, kList, "List only editable installs", {}, "false", true, "", kNoFileKey},
  {"strict", "--strict,!--no-strict", {}, K::Flag, kInstall | kSync | kList | kFreeze | kShow | kTree,
   "Check the environment afterwards: missing or incompatible dependencies (what `pip check` finds) are warnings (uv)",
   {}, "false", true},
  {"exclude-editable", "--exclude-editable", {}, K::Flag, kList | kFreeze, "Leave editable installs out of the output", {},
   "false", true},
  {"not-required", "--not-required", {}, K::Flag, kList, "List only packages that no other listed package requires", {},
   "false", true},
  {"path", "--path", {}, K::List, kList | kFreeze,
   "Look for packages only in this directory (instead of the interpreter's sys.path); repeatable", {}, "", true, "DIR",
   kNoFileKey},
  {"local", "-l,--local", {}, K::Flag, kList | kFreeze,
   "In a virtual environment, leave out the base interpreter's packages that it can see", {}, "false", true, "",
   kNoFileKey},
  {"user", "--user", {}, K::Flag, kList | kFreeze, "Only the packages of the user site-packages (~/.local)", {},
   "false", true, "", kNoFileKey},
  {"yes", "-y,--yes", {}, K::Flag, kUninstall, "Do not ask for confirmation (pip compatibility; never asks)", {}, "false", true},

  // venv
  {"seed", "--seed", {"PTINSTALL_VENV_SEED", "UV_VENV_SEED"}, K::Flag, kVenv, "Install pip into the new environment", {}, "false", true},
  {"clear", "-c,--clear", {"PTINSTALL_VENV_CLEAR", "UV_VENV_CLEAR"}, K::Flag, kVenv, "Remove an existing environment at PATH first", {}, "false", true},
  {"prompt", "--prompt", {}, K::Value, kVenv, "The prompt shown when the environment is active", {}, "", true, "PROMPT"},
  {"system-site-packages", "--system-site-packages", {}, K::Flag, kVenv,
   "Give the environment access to the base interpreter's site-packages (include-system-site-packages = true)", {},
   "false", true, "", kNoFileKey},
  {"relocatable", "--relocatable", {}, K::Flag, kVenv,
   "Make the environment movable: activation scripts and the entry points of later installs find it from where "
   "they are", {}, "false", true, "", kNoFileKey},
  {"allow-existing", "--allow-existing", {}, K::Flag, kVenv,
   "Write the environment into PATH whatever it holds, keeping what is there (installed packages included)", {},
   "false", true, "", kNoFileKey},
  {"no-project", "--no-project,--no-workspace", {}, K::Flag, kVenv,
   "Accepted for uv compatibility (ptinstall venv never reads a project)", {}, "false", true, "", kNoFileKey},

  // Cache and network
  {"no-cache", "-n,--no-cache,--no-cache-dir", {"PTINSTALL_NO_CACHE", "UV_NO_CACHE"}, K::Flag, kEnvironment,
   "Use a temporary cache, removed afterwards", {}, "false", true},
  {"cache-dir", "--cache-dir", {"PTINSTALL_CACHE_DIR", "UV_CACHE_DIR"}, K::Value, kEnvironment | kCache,
   "The cache directory (default: $XDG_CACHE_HOME/ptinstall)", {}, "", true, "DIR"},
  {"refresh", "--refresh", {"PTINSTALL_REFRESH", "UV_REFRESH"}, K::Flag, kResolving, "Revalidate every cached index page", {}, "false", true},
  {"refresh-package", "--refresh-package", {}, K::List, kResolving, "Revalidate cached data for this package", {}, "", true, "NAME"},
  {"offline", "--offline", {"PTINSTALL_OFFLINE", "UV_OFFLINE"}, K::Flag, kEnvironment,
   "Never touch the network; answer from the cache only", {}, "false", true},

  // The HTTP client (config::client_options builds net::ClientOptions from these; docs/network.md).
  // Config-file keys only where uv has one; the others are kNoFileKey.
  {"http-timeout", "--timeout", {"PTINSTALL_HTTP_TIMEOUT", "UV_HTTP_TIMEOUT", "UV_REQUEST_TIMEOUT"}, K::Value, kResolving,
   "Seconds without receiving a byte before a transfer is given up (fractions allowed)", {}, "30", true, "SECONDS",
   kNoFileKey | kNumber},
  {"http-connect-timeout", "", {"PTINSTALL_HTTP_CONNECT_TIMEOUT", "UV_HTTP_CONNECT_TIMEOUT"}, K::Value, kResolving,
   "Seconds to establish a connection", {}, "10", true, "SECONDS", kNoFileKey | kNumber},
  {"http-retries", "--retries", {"PTINSTALL_HTTP_RETRIES", "UV_HTTP_RETRIES"}, K::Value, kResolving,
   "Retries after a failed attempt (connection error, timeout, HTTP 408, 429, 5xx)", {}, "10", true, "N",
   kNoFileKey | kNumber},
  {"http-deadline", "", {"PTINSTALL_HTTP_DEADLINE"}, K::Value, kResolving,
   "Seconds one request may take, its retries and their waits included", {}, "3600", true, "SECONDS",
   kNoFileKey | kNumber},
  {"http-max-page-size", "", {"PTINSTALL_HTTP_MAX_PAGE_SIZE"}, K::Value, kResolving,
   "The largest index page or metadata file accepted, in MiB", {}, "256", true, "MIB", kNoFileKey | kNumber},
  {"max-unpacked-size", "", {"PTINSTALL_MAX_UNPACKED_SIZE"}, K::Value, kResolving,
   "The most one wheel may unpack to, in MiB (a zip bomb stops there)", {}, "16384", true, "MIB",
   kNoFileKey | kNumber},
  {"http-max-download-size", "", {"PTINSTALL_HTTP_MAX_DOWNLOAD_SIZE"}, K::Value, kResolving,
   "The largest download accepted when the index declares no size, in MiB", {}, "32768", true, "MIB",
   kNoFileKey | kNumber},
  {"concurrent-installs", "", {"PTINSTALL_CONCURRENT_INSTALLS", "UV_CONCURRENT_INSTALLS"}, K::Value, kInstall | kSync,
   "Wheels installed (linked into the environment) at once", {}, "8", true, "N", kNumber},
  {"concurrent-downloads", "", {"PTINSTALL_CONCURRENT_DOWNLOADS", "UV_CONCURRENT_DOWNLOADS"}, K::Value, kResolving,
   "Transfers at once; the others wait in a queue", {}, "50", true, "N", kNumber},
  {"download-ranges", "", {"PTINSTALL_DOWNLOAD_RANGES"}, K::Value, kResolving,
   "Range requests in flight for one big wheel (see download-ranges-min-size); 1: one connection", {}, "4", true, "N",
   kNoFileKey | kNumber},
  {"download-ranges-min-size", "", {"PTINSTALL_DOWNLOAD_RANGES_MIN_SIZE"}, K::Value, kResolving,
   "Wheels of at least this many MiB (as the index declares) download in ranges, resumable across runs", {}, "64",
   true, "MIB", kNoFileKey | kNumber},
  {"prepare-ahead", "", {"PTINSTALL_PREPARE_AHEAD"}, K::Value, kResolving,
   "Wheels downloaded at once while the resolution still runs (as soon as their version is decided); 0: none "
   "before the resolution ends", {}, "8", true, "N", kNoFileKey | kNumber},
  {"cert", "--cert", {"SSL_CERT_FILE"}, K::Value, kResolving,
   "A PEM file of certificate authorities to verify servers with, instead of the system's", {}, "", true, "FILE",
   kNoFileKey},
  {"ssl-cert-dir", "", {"SSL_CERT_DIR"}, K::Value, kResolving,
   "A directory of hashed certificate files (c_rehash) to verify servers with, instead of the system's", {}, "", true,
   "DIR", kNoFileKey},
  {"client-cert", "--client-cert", {}, K::Value, kResolving,
   "A PEM file holding a client certificate and its private key, for servers that ask for one", {}, "", false, "FILE",
   kNoFileKey},
  {"native-tls", "--native-tls,--system-certs", {"UV_NATIVE_TLS", "UV_SYSTEM_CERTS"}, K::Flag, kEnvironment,
   "Verify servers against the system's certificate store (always so: ptinstall's TLS is libcurl with the system's "
   "store; accepted for uv compatibility)", {}, "false", true},
  {"proxy", "--proxy", {"all_proxy", "ALL_PROXY"}, K::Value, kResolving,
   "The proxy for every URL, scheme://[user:password@]host:port; NO_PROXY still applies (from the environment, "
   "HTTPS_PROXY and http_proxy win for their scheme)", {}, "", true, "URL", kNoFileKey},
  {"https-proxy", "", {"https_proxy", "HTTPS_PROXY"}, K::Value, kResolving, "The proxy for https:// URLs", {}, "", true,
   "URL"},
  {"http-proxy", "", {"http_proxy", "HTTP_PROXY"}, K::Value, kResolving, "The proxy for http:// URLs", {}, "", true, "URL"},
  {"no-proxy", "", {"no_proxy", "NO_PROXY"}, K::List, kResolving,
   "Hosts and domains reached without a proxy (comma-separated in the environment)", {}, "", true, "HOST"},
  {"netrc", "", {"NETRC"}, K::Value, kResolving, "The netrc file of credentials per host (default: ~/.netrc)", {}, "",
   true, "FILE", kNoFileKey},
  {"keyring-provider", "--keyring-provider", {"PTINSTALL_KEYRING_PROVIDER", "UV_KEYRING_PROVIDER", "PIP_KEYRING_PROVIDER"},
   K::Value, kEnvironment,
   "Ask the `keyring` command for credentials when an index answers 401 (subprocess); pip's auto uses it when it is "
   "on PATH", {"disabled", "subprocess", "auto", "import"}, "disabled", true, "PROVIDER"},

  {"lock-timeout", "", {"PTINSTALL_LOCK_TIMEOUT"}, K::Value, kAllPip | kVenv | kCache,
   "Seconds to wait for another ptinstall using the same environment or cache", {}, "300", true, "SECONDS",
   kNoFileKey | kNumber},

  // Configuration files
  {"config-file", "--config-file", {"PTINSTALL_CONFIG_FILE", "UV_CONFIG_FILE"}, K::Value, kAllPip | kVenv | kTorchBackend,
   "Read settings from this uv.toml/ptinstall.toml instead of discovering config files", {}, "", true, "FILE"},
  {"no-config", "--no-config", {"PTINSTALL_NO_CONFIG", "UV_NO_CONFIG"}, K::Flag, kAllPip | kVenv | kTorchBackend,
   "Ignore every config file", {}, "false", true},
  {"project", "--project", {"PTINSTALL_PROJECT", "UV_PROJECT"}, K::Value, kAllPip | kVenv | kTorchBackend,
   "Discover config files and the .venv from this directory instead of the working directory (relative paths "
   "still start at the working directory)", {}, "", true, "DIR", kNoFileKey},
  {"isolated", "--isolated", {}, K::Flag, kAllPip | kVenv | kTorchBackend,
   "Ignore every config file and the PTINSTALL_*, UV_* and PIP_* variables (pip's isolated mode)", {}, "false", true,
   "", kNoFileKey},
  {"log", "--log", {"PTINSTALL_LOG", "PIP_LOG"}, K::Value, kAllPip | kVenv | kTorchBackend | kCache,
   "Append a verbose log (debug lines included, whatever -q/-v say) to this file, as pip's --log", {}, "", true,
   "FILE", kNoFileKey},

  // Global output settings
  {"quiet", "-q,--quiet", {}, K::Count, kAllPip | kVenv | kTorchBackend | kCache, "Less output; -qq for none", {}, "0", true},
  {"verbose", "-v,--verbose", {}, K::Count, kAllPip | kVenv | kTorchBackend | kCache, "More output; -vv for trace output", {}, "0", true},
  {"color", "--color", {"PTINSTALL_COLOR"}, K::Value, kAllPip | kVenv | kTorchBackend | kCache, "When to use colours (NO_COLOR is honoured)",
   {"auto", "always", "never"}, "auto", true},
  {"no-progress", "--no-progress", {"PTINSTALL_NO_PROGRESS", "UV_NO_PROGRESS"}, K::Flag, kAllPip | kVenv,
   "Hide progress bars", {}, "false", true},

  // pip download (src/cli/pip_download.cpp)
  {"dest", "-d,--dest,--destination-dir,--destination-directory", {}, K::Value, kDownload,
   "Write the files into this directory (default: the current one)", {}, "", true, "DIR", kNoFileKey},

  // pip list --outdated (src/cli/pip_list.cpp)
  {"outdated", "-o,--outdated", {}, K::Flag, kList,
   "List only the packages with a newer version on the indexes (the same indexes and settings as an install)", {},
   "false", true, "", kNoFileKey},
  {"uptodate", "-u,--uptodate", {}, K::Flag, kList, "List only the packages whose newest version is installed", {},
   "false", true, "", kNoFileKey},

  // pip tree (src/cli/pip_tree.cpp)
  {"depth", "-d,--depth", {}, K::Value, kTree, "How many levels of dependencies to show below each root", {}, "", true,
   "N", kNoFileKey | kNumber},
  {"prune", "--prune", {}, K::List, kTree, "Leave this package (and what only it requires) out of the tree; repeatable",
   {}, "", true, "NAME", kNoFileKey},
  {"package", "--package", {}, K::List, kTree, "Show the tree of this package only; repeatable", {}, "", true, "NAME",
   kNoFileKey},
  {"invert", "--invert,--reverse", {}, K::Flag, kTree, "Show which packages require each package", {}, "false", true,
   "", kNoFileKey},
  {"show-version-specifiers", "--show-version-specifiers", {}, K::Flag, kTree,
   "Show the version constraint of each requirement", {}, "false", true, "", kNoFileKey},
  {"no-dedupe", "--no-dedupe", {}, K::Flag, kTree, "Repeat the subtree of a package each time it appears", {}, "false",
   true, "", kNoFileKey},

  // cache (src/cli/cache.cpp)
  {"ci", "--ci", {}, K::Flag, kCachePrune,
   "Keep only the wheels built from source, which are costly to make again (for caches saved by CI)", {}, "false",
   true, "", kNoFileKey},
  {"max-size", "--max-size", {}, K::Value, kCachePrune,
   "Then remove the least recently used entries until the cache takes at most SIZE (e.g. 20G, 500M)", {}, "", true,
   "SIZE", kNoFileKey},
  {"force", "--force", {}, K::Flag, kCacheClean | kCachePrune,
   "Do not wait for other ptinstall processes that use the cache", {}, "false", true, "", kNoFileKey},
  {"human", "-H,--human", {}, K::Flag, kCacheSize, "Print the size for humans (e.g. 1.2GiB) instead of bytes", {},
   "false", true, "", kNoFileKey},

  // Flags that pip, pip-tools, virtualenv and uv command lines pass (scripts, Dockerfiles, CI files), so
  // that such a line does not die on them; src/cli/compat_flags.cpp honours the ones that mean something.
  {"no-color", "--no-color", {}, K::Flag, kAllPip | kVenv | kTorchBackend | kCache, "Do not use colours (--color never)", {},
   "false", true, "", kNoFileKey},
  {"directory", "--directory", {}, K::Value, kAllPip | kVenv | kTorchBackend,
   "Change to this directory before doing anything else", {}, "", true, "DIR", kNoFileKey},
  {"progress-bar", "--progress-bar", {}, K::Value, kAllPip | kVenv, "pip's spelling: off is --no-progress",
   {"on", "off", "raw"}, "", true, "", kNoFileKey},
  {"require-virtualenv", "--require-virtualenv", {"PTINSTALL_REQUIRE_VIRTUALENV", "PIP_REQUIRE_VIRTUALENV"}, K::Flag,
   kAllPip, "Refuse to act on an environment that is not a virtual environment (pip's option)", {}, "false", true, "",
   kNoFileKey},
  {"no-compile", "--no-compile,--no-compile-bytecode", {}, K::Flag, kInstall | kSync,
   "Do not compile bytecode (the default; wins over UV_COMPILE_BYTECODE and config files)", {}, "false", true, "",
   kNoFileKey},
  {"disable-pip-version-check", "--disable-pip-version-check", {}, K::Flag, kAllPip,
   "Accepted for pip compatibility (ptinstall never checks for a newer version of itself)", {}, "false", true, "",
   kNoFileKey},
  {"no-input", "--no-input", {}, K::Flag, kAllPip | kVenv, "Accepted for pip compatibility (ptinstall never prompts)",
   {}, "false", true, "", kNoFileKey},
  {"exists-action", "--exists-action", {}, K::Value, kAllPip,
   "Accepted for pip compatibility (pip's answer to an existing VCS checkout; ptinstall never asks)",
   {"s", "i", "w", "b", "a"}, "", true, "", kNoFileKey},
  {"no-warn-script-location", "--no-warn-script-location", {}, K::Flag, kInstall | kSync,
   "Accepted for pip compatibility (ptinstall does not warn about scripts outside PATH)", {}, "false", true, "",
   kNoFileKey},
  {"root-user-action", "--root-user-action", {}, K::Value, kInstall | kUninstall | kSync,
   "Accepted for pip compatibility (ptinstall does not warn when run as root)", {"warn", "ignore"}, "", true, "",
   kNoFileKey},
  {"no-python-downloads", "--no-python-downloads", {}, K::Flag, kEnvironment,
   "Accepted for uv compatibility (ptinstall never downloads Python)", {}, "false", true, "", kNoFileKey},
  {"no-managed-python", "--no-managed-python", {"UV_NO_MANAGED_PYTHON"}, K::Flag, kEnvironment,
   "Accepted for uv compatibility (ptinstall only ever uses the interpreters already on the machine)", {}, "false",
   true, "", kNoFileKey},
  {"managed-python", "--managed-python", {"UV_MANAGED_PYTHON"}, K::Flag, kEnvironment,
   "Only uv-managed Pythons: refused, ptinstall uses the interpreters already on the machine", {}, "false", true, "",
   kNoFileKey},
  {"allow-unsafe", "--allow-unsafe", {}, K::Flag, kCompile,
   "Accepted for pip-tools compatibility (setuptools and pip are always pinned)", {}, "false", true, "", kNoFileKey},
  {"no-allow-unsafe", "--no-allow-unsafe", {}, K::Flag, kCompile,
   "pip-tools' option; ptinstall pins setuptools and pip all the same (a warning says so)", {}, "false", true, "",
   kNoFileKey},
  {"resolver", "--resolver", {}, K::Value, kCompile,
   "pip-tools' resolver choice; ptinstall always backtracks (legacy is refused)", {"backtracking", "legacy"}, "", true,
   "", kNoFileKey},
  {"no-emit-trusted-host", "--no-emit-trusted-host", {}, K::Flag, kCompile,
   "Accepted for pip-tools compatibility (trusted hosts are never written)", {}, "false", true, "", kNoFileKey},
  {"no-reuse-hashes", "--no-reuse-hashes", {}, K::Flag, kCompile,
   "Accepted for pip-tools compatibility (hashes always come from the index)", {}, "false", true, "", kNoFileKey},
  {"no-emit-options", "--no-emit-options", {}, K::Flag, kCompile,
   "Leave out the --find-links lines that --torch-backend adds (pip-tools' option)", {}, "false", true, "",
   kNoFileKey},
  {"no-seed", "--no-seed", {}, K::Flag, kVenv, "Do not install pip (the default; wins over UV_VENV_SEED)", {},
   "false", true, "", kNoFileKey},
  {"no-pip", "--no-pip", {}, K::Flag, kVenv, "Do not install pip, even with --seed (virtualenv's option)", {}, "false",
   true, "", kNoFileKey},
  {"no-setuptools", "--no-setuptools,--no-wheel", {}, K::Flag, kVenv,
   "Accepted for virtualenv compatibility (ptinstall never installs setuptools or wheel into a new environment)",
   {}, "false", true, "", kNoFileKey},
};
// clang-format on

}  // namespace

std::span<const SettingSpec> all_settings() { return kSettings; }

const SettingSpec* find_setting(std::string_view key) {
  for (const auto& s : kSettings)
    if (s.key == key) return &s;
  return nullptr;
}

std::string_view to_string(Source source) {
  switch (source) {
    case Source::CommandLine: return "command line";
    case Source::Environment: return "environment";
    case Source::ProjectFile: return "project config";
    case Source::UserFile: return "user config";
    case Source::SystemFile: return "system config";
    case Source::Default: return "default";
  }
  return "default";
}

void Settings::set(std::string_view key, SettingValue value) { values_[std::string(key)] = std::move(value); }

bool Settings::has(std::string_view key) const { return values_.find(key) != values_.end(); }

const SettingValue* Settings::find(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

std::optional<std::string> Settings::get(std::string_view key) const {
  if (auto* v = find(key); v && !v->values.empty()) return v->values.back();
  if (auto* spec = find_setting(key); spec && !spec->default_value.empty()) return std::string(spec->default_value);
  return std::nullopt;
}

std::string Settings::get_or(std::string_view key, std::string_view fallback) const {
  auto v = get(key);
  return v ? *v : std::string(fallback);
}

std::vector<std::string> Settings::get_list(std::string_view key) const {
  if (auto* v = find(key)) return v->values;
  return {};
}

bool Settings::flag(std::string_view key) const {
  auto v = get(key);
  return v && *v == "true";
}

int Settings::count(std::string_view key) const {
  auto v = get(key);
  return v ? std::atoi(v->c_str()) : 0;
}

bool parse_env_flag(std::string_view variable, std::string_view value) {
  std::string v = util::to_lower(util::trim(value));
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off" || v.empty()) return false;
  throw util::Error("invalid value `" + std::string(value) + "` for " + std::string(variable),
                    "use one of 1, true, yes, on, 0, false, no, off");
}

void apply_environment(Settings& settings, std::uint32_t command, Getenv getenv_fn) {
  for (const auto& spec : kSettings) {
    if (!(spec.commands & command) || settings.has(spec.key)) continue;
    for (auto name : spec.env) {
      std::string var(name);
      const char* raw = getenv_fn(var.c_str());
      if (!raw) continue;
      SettingValue value{{}, Source::Environment, var};
      switch (spec.kind) {
        case Kind::Flag: value.values.push_back(parse_env_flag(var, raw) ? "true" : "false"); break;
        case Kind::List:
          for (auto part : util::split(raw, ' '))
            if (!util::trim(part).empty()) value.values.emplace_back(util::trim(part));
          if (value.values.empty()) continue;  // an empty variable means unset, as for one value
          break;
        case Kind::Value:
        case Kind::Count:
          if (*raw == '\0') continue;  // an empty variable means unset, as in uv
          value.values.emplace_back(raw);
          break;
      }
      if (!spec.choices.empty() && spec.kind == Kind::Value) {
        bool ok = false;
        for (auto c : spec.choices) ok = ok || c == value.values.front();
        if (!ok) {
          std::string allowed;
          for (auto c : spec.choices) allowed += (allowed.empty() ? "" : ", ") + std::string(c);
          throw util::Error("invalid value `" + value.values.front() + "` for " + var, "possible values: " + allowed);
        }
      }
      settings.set(spec.key, std::move(value));
      break;
    }
  }
}

void reject_unimplemented(const Settings& settings, std::uint32_t command) {
  for (const auto& spec : kSettings) {
    if (!(spec.commands & command) || spec.implemented) continue;
    const SettingValue* v = settings.find(spec.key);
    if (!v || v->source == Source::Default) continue;
    // A flag set to false (e.g. UV_NO_CACHE=0) asks for nothing.
    if (spec.kind == Kind::Flag && !settings.flag(spec.key)) continue;
    std::string shown = v->source == Source::CommandLine ? v->origin : v->origin + " (" + std::string(spec.key) + ")";
    throw util::Error(shown + " is not supported yet",
                      "this option is declared but not implemented in this version of ptinstall");
  }
  // uv's managed Pythons: ptinstall never installs a Python, so "only managed ones" cannot be met.
  if (const SettingValue* v = settings.find("managed-python");
      v && v->source != Source::Default && (find_setting("managed-python")->commands & command) &&
      settings.flag("managed-python"))
    throw util::Error(util::ErrorKind::Usage,
                      (v->source == Source::CommandLine ? v->origin : v->origin + " (managed-python)") +
                          ": ptinstall does not install or manage Python; it uses the interpreters on this machine",
                      "drop it, or name an interpreter with --python");
}

}  // namespace ptinstall::config
