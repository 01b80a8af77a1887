#include <cstdlib>

#include "build_parts.hpp"
#include "ptinstall/build/build_system.hpp"
#include "ptinstall/python/interpreter.hpp"
#include "ptinstall/python/venv.hpp"
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
std::string requires_key(const Source& source, const build::HookRunnerOptions& ro, build::BuildKind kind) {
  util::Sha256 h;
  h.update(ro.system.backend + "\n" + std::string(build::to_string(kind)) + "\n" + ro.python.filename().string() + "\n");
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
                          bool isolated, const InstallRequirements& install, const std::string& what,
                          const std::filesystem::path& requires_cache,
                          const std::vector<std::string>& extra_requirements) {
  BuildSession s;
  s.kind = source.editable ? build::BuildKind::Editable : build::BuildKind::Wheel;
  s.isolated = isolated;
  s.work = std::make_unique<util::TempDir>();
  build::HookRunnerOptions ro;
  ro.tree = source.tree;
  ro.system = build::read_build_system(source.tree);
  if (isolated)
    ro.system.requirements.insert(ro.system.requirements.end(), extra_requirements.begin(), extra_requirements.end());
  ro.config_settings = options.config_settings;
  ro.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options.build_timeout);
  ro.env["PYTHONNOUSERSITE"] = "1";
  if (isolated) {
    python::VenvOptions vo;
    vo.path = s.work->path() / "env";
    vo.prompt = "build";
    auto venv = python::create_venv(target.interpreter(), vo);
    s.env.emplace(python::Environment::open(python::query_interpreter(venv.python)));
    ro.python = venv.python;
    const char* path = std::getenv("PATH");
    ro.env["PATH"] = (venv.path / "bin").string() + (path ? ":" + std::string(path) : "");
    ro.env["VIRTUAL_ENV"] = venv.path.string();
    util::log::debug("build: isolated environment for " + what + ": " + util::join(ro.system.requirements, ", "));
    install(*s.env, ro.system.requirements);
  } else {
    ro.python = target.interpreter().executable;
    util::log::debug("build: " + what + " against the target environment (no build isolation)");
  }
  s.runner = std::make_unique<build::HookRunner>(ro);
  if (isolated) {
    const fs::path answer = requires_cache / (requires_key(source, ro, s.kind) + ".txt");
    std::vector<std::string> reqs;
    if (auto cached = util::try_read_file(answer)) {
      for (auto line : util::split(*cached, '\n'))
        if (!util::trim(line).empty()) reqs.emplace_back(util::trim(line));
      util::log::debug("build: the backend's build requirements of " + what + " from the cache");
    } else {
      try {
        reqs = s.runner->get_requires(s.kind);
      } catch (const build::HookError& e) {
        throw build_failure(what, e);
      }
      try {
        fs::create_directories(requires_cache);
        util::write_file_atomic(answer, util::join(reqs, "\n") + "\n");
      } catch (const std::exception& e) {
        util::log::debug(std::string("not keeping the build requirements: ") + e.what());
      }
    }
    install(*s.env, reqs);
  }
  return s;
}

util::Error build_failure(const std::string& what, const build::HookError& e) {
  std::string hint = e.hint().empty() ? hint_from_output(e.output()) : e.hint();
  return util::Error(util::ErrorKind::Build, "Failed to build " + what + "\n  " + e.what() + tail_lines(e.output(), 50),
                     hint);
}

}  // namespace ptinstall::ops::detail
