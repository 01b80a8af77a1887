#include <cstdlib>

#include "build_parts.hpp"
#include "ptinstall/build/build_system.hpp"
#include "ptinstall/python/interpreter.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::ops::detail {
namespace {

namespace fs = std::filesystem;

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

}  // namespace

// The key of a get_requires answer: what the backend bases it on (uv's default cache-keys: the build
// configuration files, not the sources).
std::string requires_key(const Source& source, const build::HookRunnerOptions& ro, build::BuildKind kind,
                         const python::InterpreterInfo& interp) {
  util::Sha256 h;
  h.update(ro.system.backend + "\n" + std::string(build::to_string(kind)) + "\n" + interp.version + "\n");
  for (const auto& r : ro.system.requirements) h.update("requires " + r + "\n");
  for (const auto& [k, vs] : ro.config_settings)
    for (const auto& v : vs) h.update("-C " + k + "=" + v + "\n");
  for (const char* f : {"pyproject.toml", "setup.py", "setup.cfg"}) {
    auto text = util::try_read_file(source.tree / f);
    h.update(std::string(f) + (text ? " " + std::to_string(text->size()) + "\n" + *text : " -\n"));
  }
  return h.hex();
}

BuildSession open_session(const Source& source, const PipOptions& options, const python::Environment& target,
                          bool isolated, const BuildEnvContext& ctx, const std::string& what,
                          const std::filesystem::path& requires_cache,
                          const std::vector<std::string>& extra_requirements,
                          const std::map<std::string, std::vector<std::string>>& config_settings,
                          const std::map<std::string, std::string>& variables) {
  BuildSession s;
  s.kind = source.editable ? build::BuildKind::Editable : build::BuildKind::Wheel;
  s.isolated = isolated;
  s.work = std::make_unique<util::TempDir>();
  build::HookRunnerOptions ro;
  ro.tree = source.tree;
  ro.system = build::read_build_system(source.tree);
  if (isolated)
    ro.system.requirements.insert(ro.system.requirements.end(), extra_requirements.begin(), extra_requirements.end());
  ro.config_settings = config_settings;
  for (const auto& [k, v] : variables) ro.env[k] = v;  // extra-build-variables; PATH and the rest below win
  ro.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options.build_timeout);
  ro.env["PYTHONNOUSERSITE"] = "1";
  if (!isolated) {
    ro.python = target.interpreter().executable;
    util::log::debug("build: " + what + " against the target environment (no build isolation)");
    s.runner = std::make_unique<build::HookRunner>(ro);
    return s;
  }
  auto use = [&](const BuildEnv& env) {
    ro.python = env.python;
    const char* path = std::getenv("PATH");
    ro.env["PATH"] = (env.root / "bin").string() + (path ? ":" + std::string(path) : "");
    ro.env["VIRTUAL_ENV"] = env.root.string();
    // The kept environment's .pyc files go to a directory of its own (never beside the project's
    // sources), written even where PYTHONDONTWRITEBYTECODE is set, so the next build imports its
    // backend compiled. Python 3.8 and newer; older ones run as the user's settings say.
    if (std::make_pair(target.interpreter().major, target.interpreter().minor) >= std::make_pair(3, 8)) {
      ro.env["PYTHONPYCACHEPREFIX"] = (env.root / "pycache").string();
      ro.env["PYTHONDONTWRITEBYTECODE"] = "";
    }
    s.runner = std::make_unique<build::HookRunner>(ro);
  };
  util::log::debug("build: isolated environment for " + what + ": " + util::join(ro.system.requirements, ", "));
  // The backend's answer to get_requires_for_build_*, kept: with it the environment is known at once.
  // Without it, the backend is asked in the environment of [build-system].requires, and when its
  // answer adds to that resolution, the build moves to the environment of both.
  const std::vector<std::string>& base = ro.system.requirements;
  const fs::path answer = requires_cache / (requires_key(source, ro, s.kind, target.interpreter()) + ".txt");
  if (auto cached = util::try_read_file(answer)) {
    std::vector<std::string> reqs = base;
    for (auto line : util::split(*cached, '\n'))
      if (!util::trim(line).empty()) reqs.emplace_back(util::trim(line));
    util::log::debug("build: the backend's build requirements of " + what + " from the cache");
    use(kept_build_env(ctx, reqs, what));
    return s;
  }
  const BuildEnv first = kept_build_env(ctx, base, what);
  use(first);
  std::vector<std::string> more;
  try {
    more = s.runner->get_requires(s.kind);
  } catch (const build::HookError& e) {
    throw build_failure(what, e);
  }
  try {
    fs::create_directories(requires_cache);
    util::write_file_atomic(answer, util::join(more, "\n") + "\n");
  } catch (const std::exception& e) {
    util::log::debug(std::string("not keeping the build requirements: ") + e.what());
  }
  if (!more.empty()) {
    std::vector<std::string> reqs = base;
    reqs.insert(reqs.end(), more.begin(), more.end());
    BuildEnv both = kept_build_env(ctx, reqs, what);
    if (both.key != first.key) use(both);
  }
  return s;
}

util::Error build_failure(const std::string& what, const build::HookError& e) {
  std::string hint = e.hint().empty() ? hint_from_output(e.output()) : e.hint();
  return util::Error(util::ErrorKind::Build, "Failed to build " + what + "\n  " + e.what() + tail_lines(e.output(), 50),
                     hint);
}

}  // namespace ptinstall::ops::detail
