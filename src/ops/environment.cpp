#include "ptinstall/ops/environment.hpp"

#include "ptinstall/install/transaction.hpp"
#include "ptinstall/python/venv.hpp"

namespace ptinstall::ops {

install::InstallScheme install_scheme(const python::Environment& env) {
  const auto& info = env.interpreter();
  const auto& s = env.scheme();
  install::InstallScheme scheme;
  scheme.purelib = s.purelib;
  scheme.platlib = s.platlib;
  scheme.scripts = s.scripts;
  scheme.data = s.data;
  // pip: <venv>/include/site/pythonX.Y/<name> in a virtual environment, else <include>/<name>.
  if (env.is_venv())
    scheme.headers = env.root() / "include" / "site" / ("python" + info.short_version());
  else if (env.kind() == python::SchemeKind::Target)
    scheme.headers = env.root() / "include" / "python";  // pip's --target: its temporary home scheme, moved
  else
    scheme.headers = s.include;
  // Shebangs name the venv's bin/python, as pip run by that interpreter writes them, whichever of
  // python/python3 discovery happened to run.
  scheme.python = info.executable;
  if (env.is_venv()) {
    std::error_code ec;
    auto plain = env.root() / "bin" / "python";
    if (std::filesystem::exists(plain, ec)) scheme.python = plain;
    scheme.relocatable = python::venv_is_relocatable(env.root());
  }
  scheme.python_major = info.major;
  scheme.python_minor = info.minor;
  scheme.cache_tag = info.cache_tag;
  return scheme;
}

util::FileLock lock_environment(const python::Environment& env) {
  auto lock = env.lock();
  install::Transaction::recover_interrupted(install_scheme(env).roots());
  return lock;
}

std::vector<std::filesystem::path> site_dirs(const python::Environment& env) {
  std::vector<std::filesystem::path> dirs{env.scheme().purelib};
  if (env.scheme().platlib != env.scheme().purelib) dirs.push_back(env.scheme().platlib);
  return dirs;
}

}  // namespace ptinstall::ops
