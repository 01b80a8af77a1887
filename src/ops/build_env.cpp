// Build environments kept in the cache (bucket build-envs-v1), one per resolved set of build
// requirements and interpreter.
//
// Why kept: a fresh venv per build costs its creation, a query of its interpreter, the nested
// installs, and its removal afterwards; worse, a backend imported from a fresh venv has no .pyc
// files, and `import setuptools.build_meta` alone takes 0.35-0.5 s that way against 0.16 s compiled.
// An environment is made once, complete or not at all, and then only read: its key is the exact
// resolution (every name, version and file) plus the interpreter, so a build never sees more or
// other packages than its requirements resolve to today, which is what isolation promises. A new
// release of a build requirement resolves to another key, and so to another environment.
#include <unistd.h>

#include <algorithm>

#include "build_chain.hpp"
#include "build_parts.hpp"
#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/ops/environment.hpp"
#include "ptinstall/ops/installer.hpp"
#include "ptinstall/ops/resolver.hpp"
#include "ptinstall/python/venv.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/file_lock.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::ops::detail {

namespace fs = std::filesystem;

namespace {

// The nested pipeline's settings: the command's indexes, routing and build settings, for the build
// interpreter itself (no --python-version/--python-platform), nothing the user meant for the target.
PipOptions nested_options(const PipOptions& options) {
  PipOptions nested = options;
  nested.python_version.reset();
  nested.python_platform.reset();
  nested.no_deps = false;
  nested.dry_run = false;
  nested.reinstall = false;
  nested.reinstall_packages.clear();
  nested.require_hashes = false;
  nested.compile_bytecode = false;
  nested.report.reset();
  nested.editables.clear();
  return nested;
}

// What identifies an environment: the interpreter it is made of and every resolved file.
std::string env_key(const python::InterpreterInfo& interp, const dist::Resolution& r) {
  std::string text = "build-env\n" + interp.base_executable.string() + "\n" + interp.version + "\n" + interp.soabi +
                     "\n" + interp.sysconfig_platform + "\n";
  for (const auto& p : r.packages) {
    text += p.name() + "==" + p.version.to_string() + " " + p.dist.url() + " " + p.dist.filename();
    for (const auto& [algo, digest] : p.dist.hashes()) text += " " + algo + ":" + digest;
    text += "\n";
  }
  return util::sha256_hex(text);
}

constexpr const char* kComplete = ".ptinstall-complete";

bool usable(const BuildEnv& e) {
  std::error_code ec;
  return fs::exists(e.root / kComplete, ec) && fs::exists(e.python, ec);  // exists() follows bin/python's link
}

void check_no_cycle(const std::string& key, const std::string& what, const std::vector<std::string>& requirements) {
  std::string cycle = describe_cycle(key, what, requirements);
  if (!cycle.empty())
    throw util::Error(util::ErrorKind::Build, "a build dependency cycle: " + cycle,
                      "each of these builds needs another to be built first; give one of them as a wheel "
                      "(--find-links) or build it against the target environment (--no-build-isolation-package)");
}

}  // namespace

BuildEnv kept_build_env(const BuildEnvContext& ctx, const std::vector<std::string>& requirements, const std::string& what) {
  // A source whose build needs, through the builds of its build requirements, itself: the chain says
  // so before it would wait for itself (on the environment's lock, or resolving forever).
  std::vector<std::string> sorted = requirements;
  std::sort(sorted.begin(), sorted.end());
  check_no_cycle("requires:" + util::join(sorted, "\n"), what, requirements);
  BuildChainScope resolving({"requires:" + util::join(sorted, "\n"), what, requirements});

  Services& services = *ctx.services;
  const PipOptions nested = nested_options(*ctx.options);
  const python::Environment& target = *ctx.target;

  ResolveInputs in;
  for (const auto& r : requirements) {
    in.requirements.push_back(spec::Requirement::parse(r));
    in.requirement_origins.push_back("build requirement of " + what);
  }
  for (const auto& f : ctx.options->build_constraint_files) {
    config::RequirementsFile rf;
    config::read_requirements_file(f, rf, true);
    for (const auto& line : rf.constraints)
      if (line.requirement) {
        in.constraints.push_back(*line.requirement);
        in.constraint_origins.push_back("-b " + f);
      }
  }
  for (const auto& [r, origin] : ctx.options->build_constraint_dependencies) {
    in.constraints.push_back(r);
    in.constraint_origins.push_back(origin);
  }
  // Resolved for the target's interpreter: a venv of it has the same markers and tags.
  const Target resolve_target = make_target(nested, target.interpreter());
  ResolveRequest request;
  request.inputs = &in;
  request.target = &resolve_target;
  dist::Resolution resolution = resolve(services, nested, request, *ctx.build);

  const std::string key = env_key(target.interpreter(), resolution);
  BuildEnv env;
  env.root = services.cache().bucket("build-envs-v1") / key.substr(0, 2) / key;
  env.python = env.root / "bin" / "python";
  env.key = key;
  if (usable(env)) {
    util::log::debug("build: the kept environment " + env.root.string() + " for " + what);
    return env;
  }
  check_no_cycle(key, what, requirements);
  BuildChainScope making({key, what, requirements});
  // Made by one process at a time, in place (console scripts name their interpreter by its path, so
  // an environment cannot be made elsewhere and renamed), and marked complete last.
  util::FileLock lock = util::FileLock::acquire(env.root.string() + ".lock", "the build environment of " + what,
                                                ctx.options->build_timeout);
  if (usable(env)) return env;
  std::error_code ec;
  fs::remove_all(env.root, ec);  // what an interrupted run left
  util::log::debug("build: a new build environment " + env.root.string() + " for " + what + ": " +
                   util::join(requirements, ", "));
  try {
    python::VenvOptions vo;
    vo.path = env.root;
    vo.prompt = "build";
    auto venv = python::create_venv(target.interpreter(), vo);
    if (!resolution.packages.empty()) {
      python::QueryOptions q;
      q.cache_dir = services.cache().root();
      const python::Environment built_env = python::Environment::open(python::query_interpreter(venv.python, q));
      install::Plan plan = plan_install(resolution, {}, nested, false);
      InstallRequest ir;
      ir.env = &built_env;
      ir.resolution = &resolution;
      ir.plan = &plan;
      install(services, nested, ir, *ctx.build);
    }
    util::write_file_atomic(env.root / kComplete, util::join(requirements, "\n") + "\n");
  } catch (...) {
    fs::remove_all(env.root, ec);
    throw;
  }
  return env;
}

}  // namespace ptinstall::ops::detail
