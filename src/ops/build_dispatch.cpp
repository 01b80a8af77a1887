#include "ptinstall/ops/build_dispatch.hpp"

#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>

#include "ptinstall/build/build_system.hpp"
#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/build/hook_runner.hpp"
#include "ptinstall/build/sdist.hpp"
#include "ptinstall/index/metadata_fetch.hpp"
#include "ptinstall/install/uninstall.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/ops/environment.hpp"
#include "ptinstall/ops/installer.hpp"
#include "ptinstall/ops/resolver.hpp"
#include "ptinstall/python/interpreter.hpp"
#include "ptinstall/python/venv.hpp"
#include "ptinstall/spec/metadata.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::ops {
namespace {

namespace fs = std::filesystem;

// A source tree ready for its backend.
struct Source {
  fs::path tree;
  std::string key;        // what identifies the source's content (sdist sha256, tree fingerprint)
  std::string archive_sha256;  // sdists: the archive's sha256
  bool editable = false;
};

// Directories a fingerprint of a local tree skips: outputs of builds and tools, not sources.
bool skipped_dir(const std::string& name) {
  static const std::set<std::string> skip = {".git", ".hg", ".svn", "build", "dist", "__pycache__", ".venv",
                                             ".tox", ".nox", ".mypy_cache", ".pytest_cache", "node_modules"};
  return skip.count(name) || (name.size() > 9 && name.substr(name.size() - 9) == ".egg-info");
}

// Every file of the tree (path, size, mtime), so that editing a project rebuilds it (uv's
// cache-keys, with the whole tree as the default).
void fingerprint(const fs::path& dir, const std::string& rel, util::Sha256& h) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    struct stat st;
    fs::path p = dir / n;
    if (lstat(p.c_str(), &st) != 0) continue;
    std::string r = rel.empty() ? n : rel + "/" + n;
    if (S_ISDIR(st.st_mode)) {
      if (!skipped_dir(n)) fingerprint(p, r, h);
      continue;
    }
    h.update(r + "\n" + std::to_string(st.st_size) + "\n" + std::to_string(st.st_mtim.tv_sec) + "." +
             std::to_string(st.st_mtim.tv_nsec) + "\n");
  }
}

// The last `n` lines of a backend's output, indented, for the error report.
std::string tail_lines(const std::string& text, std::size_t n) {
  std::vector<std::string> lines;
  std::string cur;
  for (char c : text) {
    if (c == '\n') {
      lines.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  std::size_t start = lines.size() > n ? lines.size() - n : 0;
  std::string out;
  for (std::size_t i = start; i < lines.size(); ++i) out += "\n  | " + lines[i];
  return out;
}

// A hint from what the backend printed, where a known cause shows.
std::string hint_from_output(const std::string& out) {
  if (out.find("Python.h: No such file") != std::string::npos)
    return "the Python headers are missing: install them (Debian: apt-get install python3-dev)";
  if (out.find("command 'gcc' failed") != std::string::npos || out.find("command 'cc' failed") != std::string::npos ||
      out.find("gcc: not found") != std::string::npos || out.find("cc: not found") != std::string::npos ||
      out.find("No such file or directory: 'gcc'") != std::string::npos)
    return "no C compiler was found: install one (Debian: apt-get install build-essential)";
  const std::string missing = "No module named '";
  if (auto p = out.rfind(missing); p != std::string::npos) {
    auto end = out.find('\'', p + missing.size());
    std::string mod = out.substr(p + missing.size(), end == std::string::npos ? std::string::npos : end - p - missing.size());
    std::string top = mod.substr(0, mod.find('.'));
    return "the build imports `" + top + "`, which its build environment does not have: add it to the project's "
           "[build-system].requires, or install it into the environment first and pass --no-build-isolation";
  }
  return "";
}

std::string read_dist_info_metadata(const fs::path& dist_info) {
  auto text = util::try_read_file(dist_info / "METADATA");
  if (!text)
    throw util::Error(util::ErrorKind::Build, "the build backend made " + dist_info.filename().string() + " without METADATA");
  return *text;
}

}  // namespace

struct BuildDispatch::State {
  Services* services = nullptr;
  const python::Environment* target = nullptr;
  std::mutex mutex;
  std::map<std::string, Source> sources;          // by the Dist's URL (+ editable)
  std::map<std::string, std::string> metadata;    // by source key
  std::map<std::string, dist::BuiltWheel> wheels;  // by source key
  std::set<std::string> in_progress;              // source keys being built (a cycle guard)
  std::vector<std::unique_ptr<util::TempDir>> temps;
  std::size_t backend_runs = 0;
};

BuildDispatch::BuildDispatch(const PipOptions& options)
    : options_(options),
      build_options_(dist::BuildOptions::from_values(options.no_binary, options.only_binary, /*can_build=*/false)),
      state_(std::make_shared<State>()) {}

BuildDispatch::~BuildDispatch() = default;

void BuildDispatch::attach(Services& services, const python::Environment& target) {
  state_->services = &services;
  state_->target = &target;
  build_options_.can_build = true;
}

std::size_t BuildDispatch::backend_runs() const {
  std::lock_guard lock(state_->mutex);
  return state_->backend_runs;
}

namespace {

// Downloads `url` into the cache (once per URL), checking the sha256 when one is known.
fs::path download_sdist(Services& services, const std::string& url, const std::string& filename,
                        const std::optional<std::string>& sha256) {
  fs::path dir = services.cache().bucket("sdists-v1") / util::sha256_hex(url).substr(0, 32);
  fs::path file = dir / filename;
  std::error_code ec;
  if (fs::is_regular_file(file, ec) && (!sha256 || util::sha256_file(file).hex() == *sha256)) return file;
  fs::create_directories(dir);
  fs::path part = dir / (filename + ".part");
  std::ofstream out(part, std::ios::binary | std::ios::trunc);
  if (!out) throw util::Error(util::ErrorKind::Io, "cannot write " + part.string());
  util::Sha256 h;
  net::StreamHandler handler;
  handler.on_chunk = [&](std::string_view chunk) {
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    h.update(chunk);
  };
  handler.on_reset = [&] {
    out.close();
    out.open(part, std::ios::binary | std::ios::trunc);
    h = util::Sha256();
  };
  net::Request req;
  req.url = url;
  req.decompress = false;
  net::Response r = services.client().fetch_streaming(req, handler);
  out.close();
  net::raise_for_status(r, url);
  std::string got = h.hex();
  if (sha256 && got != *sha256) {
    fs::remove(part, ec);
    throw util::Error(util::ErrorKind::Hash, "hash mismatch for " + filename + ": expected sha256:" + *sha256 + ", got sha256:" + got,
                      "the file does not match the hash published for it; try again with --refresh");
  }
  fs::rename(part, file);
  return file;
}

}  // namespace

std::string BuildDispatch::metadata(const dist::Dist& d) {
  build_options_.require_source_allowed(d.name, d.describe());
  State& S = *state_;
  // Finding the tree (a download, an unpack) and the answers are cached per source.
  auto source_of = [&]() -> Source {
    std::string id = d.url() + (d.is_editable() ? "#editable" : "");
    {
      std::lock_guard lock(S.mutex);
      if (auto it = S.sources.find(id); it != S.sources.end()) return it->second;
    }
    Source src;
    src.editable = d.is_editable();
    fs::path archive;
    std::optional<std::string> subdirectory;
    if (auto* p = std::get_if<dist::LocalPath>(&d.source)) {
      if (p->kind == dist::PathKind::Tree) {
        src.tree = p->path;
        util::Sha256 h;
        h.update("tree:" + p->path.string() + "\n");
        fingerprint(p->path, "", h);
        src.key = h.hex();
      } else {
        archive = p->path;
      }
    } else if (auto* s = std::get_if<dist::RegistrySdist>(&d.source)) {
      std::optional<std::string> sha;
      if (auto it = s->file.hashes.find("sha256"); it != s->file.hashes.end()) sha = it->second;
      archive = download_sdist(*S.services, s->file.url, s->file.filename, sha);
    } else if (auto* u = std::get_if<dist::DirectUrl>(&d.source)) {
      std::optional<std::string> sha;
      if (auto it = u->hashes.find("sha256"); it != u->hashes.end()) sha = it->second;
      archive = download_sdist(*S.services, u->url, u->filename, sha);
      subdirectory = u->subdirectory;
    } else {
      throw util::Error(util::ErrorKind::Build, "installing " + d.describe() + " from git is not supported yet",
                        "clone the repository and install the checkout's directory");
    }
    if (!archive.empty()) {
      std::string sha = util::sha256_file(archive).hex();
      auto tmp = std::make_unique<util::TempDir>();
      fs::path tree;
      try {
        tree = build::unpack_sdist(archive, tmp->path());
      } catch (const util::Error&) {
        // A download that is no usable sdist does not stay in the cache.
        if (!std::holds_alternative<dist::LocalPath>(d.source)) {
          std::error_code rm;
          fs::remove(archive, rm);
        }
        throw;
      }
      if (subdirectory) tree = tree / *subdirectory;
      src.tree = tree;
      src.key = "sdist:" + sha + (subdirectory ? "#" + *subdirectory : "");
      src.archive_sha256 = sha;
      std::lock_guard lock(S.mutex);
      S.temps.push_back(std::move(tmp));
    }
    std::lock_guard lock(S.mutex);
    return S.sources.emplace(id, src).first->second;
  };
  Source src = source_of();
  {
    std::lock_guard lock(S.mutex);
    if (auto it = S.metadata.find(src.key); it != S.metadata.end()) return it->second;
  }
  std::string md;
  if (auto st = build::static_metadata(src.tree)) {
    util::log::debug("build: static metadata of " + d.describe());
    md = *st;
  } else {
    // A wheel built for this source already answers; else ask the backend.
    dist::BuiltWheel w = build_wheel(d);
    md = index::read_wheel_metadata(w.path);
  }
  std::lock_guard lock(S.mutex);
  S.metadata[src.key] = md;
  return md;
}

dist::BuiltWheel BuildDispatch::build_wheel(const dist::Dist& d) {
  build_options_.require_source_allowed(d.name, d.describe());
  State& S = *state_;
  if (!S.services || !S.target) throw util::Error(util::ErrorKind::Build, "internal error: no build context for " + d.describe());
  // metadata() found (and cached) the tree; it is cheap the second time.
  std::string id = d.url() + (d.is_editable() ? "#editable" : "");
  Source src;
  {
    std::unique_lock lock(S.mutex);
    auto it = S.sources.find(id);
    if (it == S.sources.end()) {
      lock.unlock();
      // Populate the source through metadata()'s path without building: static answers only.
      (void)0;
    } else {
      src = it->second;
    }
  }
  if (src.tree.empty()) {
    // Reuse metadata()'s source lookup by asking for it; a tree without static metadata would build
    // here, which is what was asked anyway.
    std::string md = metadata(d);
    std::lock_guard lock(S.mutex);
    src = S.sources.at(id);
    if (auto it = S.wheels.find(src.key); it != S.wheels.end()) return it->second;
  }
  const bool editable = src.editable;
  const std::string name = d.name.empty() ? src.tree.filename().string() : d.name;
  const bool isolated = !options_.no_build_isolation && !options_.no_build_isolation_packages.count(d.name);
  const python::InterpreterInfo& interp = S.target->interpreter();

  // The cache key: the source, the interpreter, what is passed to the backend, the isolation.
  // An isolated build depends on the interpreter (not on which venv of it); a build against the
  // target environment also on that environment.
  std::string key_text = src.key + "\n" + interp.base_executable.string() + "\n" + interp.version + "\n" +
                         interp.soabi + "\n" + interp.sysconfig_platform + "\n" + (editable ? "editable" : "wheel") +
                         "\n" + (isolated ? "isolated" : "target " + interp.executable.string()) + "\n";
  for (const auto& [k, vs] : options_.config_settings)
    for (const auto& v : vs) key_text += "-C " + k + "=" + v + "\n";
  const std::string key = util::sha256_hex(key_text);
  {
    std::lock_guard lock(S.mutex);
    if (auto it = S.wheels.find(key); it != S.wheels.end()) return it->second;
    if (S.in_progress.count(key))
      throw util::Error(util::ErrorKind::Build, "building " + d.describe() + " needs " + d.describe() + " itself",
                        "a build dependency cycle: some build requirement depends on the package being built");
  }
  fs::path cache_dir = S.services->cache().bucket("built-wheels-v1") / key.substr(0, 2) / key;
  std::error_code ec;
  if (fs::is_directory(cache_dir, ec)) {
    for (const auto& e : fs::directory_iterator(cache_dir, ec)) {
      if (e.path().extension() == ".whl") {
        util::log::debug("build: " + d.describe() + " from the cache of built wheels");
        dist::BuiltWheel w{e.path(), e.path().filename().string(), src.archive_sha256};
        std::lock_guard lock(S.mutex);
        S.wheels[key] = w;
        return w;
      }
    }
  }
  {
    std::lock_guard lock(S.mutex);
    S.in_progress.insert(key);
  }
  struct Done {
    State& s;
    std::string k;
    ~Done() {
      std::lock_guard lock(s.mutex);
      s.in_progress.erase(k);
    }
  } done{S, key};

  const build::BuildKind kind = editable ? build::BuildKind::Editable : build::BuildKind::Wheel;
  build::BuildSystem system = build::read_build_system(src.tree);
  util::TempDir work;
  build::HookRunnerOptions ro;
  ro.tree = src.tree;
  ro.system = system;
  ro.config_settings = options_.config_settings;
  ro.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options_.build_timeout);
  ro.env["PYTHONNOUSERSITE"] = "1";

  // The build environment: a fresh venv with the build requirements, or the target's interpreter.
  std::optional<python::Environment> build_env;
  auto install_requirements = [&](const std::vector<std::string>& reqs) {
    if (reqs.empty()) return;
    ResolveInputs in;
    for (const auto& r : reqs) {
      in.requirements.push_back(spec::Requirement::parse(r));
      in.requirement_origins.push_back("build requirement of " + name);
    }
    for (const auto& f : options_.build_constraint_files) {
      config::RequirementsFile rf;
      config::read_requirements_file(f, rf, true);
      for (const auto& line : rf.constraints)
        if (line.requirement) {
          in.constraints.push_back(*line.requirement);
          in.constraint_origins.push_back("-b " + f);
        }
    }
    PipOptions nested = options_;
    nested.python_version.reset();
    nested.python_platform.reset();
    nested.no_deps = false;
    nested.dry_run = false;
    nested.reinstall = false;
    nested.require_hashes = false;
    nested.compile_bytecode = false;
    nested.report.reset();
    nested.editables.clear();
    const Target target = make_target(nested, build_env->interpreter());
    ResolveRequest request;
    request.inputs = &in;
    request.target = &target;
    request.preferred = install::scan_installed(site_dirs(*build_env));
    dist::Resolution r = resolve(*S.services, nested, request, *this);
    install::Plan plan = plan_install(r, request.preferred, nested, false);
    if (plan.empty()) return;
    InstallRequest ir;
    ir.env = &*build_env;
    ir.resolution = &r;
    ir.plan = &plan;
    install(*S.services, nested, ir, *this);
  };
  if (isolated) {
    python::VenvOptions vo;
    vo.path = work.path() / "env";
    vo.prompt = "build";
    auto venv = python::create_venv(interp, vo);
    build_env.emplace(python::Environment::open(python::query_interpreter(venv.python)));
    ro.python = venv.python;
    const char* path = std::getenv("PATH");
    ro.env["PATH"] = (venv.path / "bin").string() + (path ? ":" + std::string(path) : "");
    ro.env["VIRTUAL_ENV"] = venv.path.string();
    util::log::debug("build: isolated environment for " + d.describe() + ": " + util::join(system.requirements, ", "));
    install_requirements(system.requirements);
  } else {
    ro.python = interp.executable;
    util::log::debug("build: " + d.describe() + " against the target environment (no build isolation)");
  }

  build::HookRunner runner(ro);
  fs::path out_dir = work.path() / "out";
  fs::create_directories(out_dir);
  fs::path wheel;
  try {
    if (isolated) install_requirements(runner.get_requires(kind));
    {
      std::lock_guard lock(S.mutex);
      ++S.backend_runs;
    }
    wheel = runner.build(kind, out_dir);
  } catch (const build::HookError& e) {
    std::string hint = e.hint().empty() ? hint_from_output(e.output()) : e.hint();
    throw util::Error(util::ErrorKind::Build,
                      "Failed to build " + d.describe() + "\n  " + e.what() + tail_lines(e.output(), 50), hint);
  }
  // The wheel must be of the project that was asked for.
  spec::WheelFilename wf;
  try {
    wf = spec::WheelFilename::parse(wheel.filename().string());
  } catch (const util::Error& e) {
    throw util::Error(util::ErrorKind::Build, "Failed to build " + d.describe() + ": the backend wrote " +
                                                  wheel.filename().string() + ", which is no wheel name");
  }
  if (!d.name.empty() && wf.normalized_name() != d.name)
    throw util::Error(util::ErrorKind::Build, "Failed to build " + d.describe() + ": the backend built " +
                                                  wheel.filename().string() + ", a wheel of another project");
  if (d.version && !(wf.version == *d.version))
    throw util::Error(util::ErrorKind::Build, "Failed to build " + d.describe() + ": the backend built version " +
                                                  wf.version.to_string() + ", not " + d.version->to_string());
  // Into the cache of built wheels, whole or not at all.
  fs::create_directories(cache_dir.parent_path());
  fs::path staging = cache_dir.parent_path() / (key + ".tmp-" + std::to_string(::getpid()));
  fs::create_directories(staging);
  fs::copy_file(wheel, staging / wheel.filename(), fs::copy_options::overwrite_existing);
  fs::rename(staging, cache_dir, ec);
  if (ec) fs::remove_all(staging, ec);  // another process was first: its wheel is as good
  dist::BuiltWheel w;
  for (const auto& e : fs::directory_iterator(cache_dir))
    if (e.path().extension() == ".whl") w = {e.path(), e.path().filename().string(), src.archive_sha256};
  if (w.path.empty()) throw util::Error(util::ErrorKind::Io, "cannot store the built wheel in " + cache_dir.string());
  util::log::debug("build: built " + w.filename);
  std::lock_guard lock(S.mutex);
  S.wheels[key] = w;
  S.wheels[src.key] = w;
  return w;
}

}  // namespace ptinstall::ops
