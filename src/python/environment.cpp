#include "ptinstall/python/environment.hpp"

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::python {

namespace {

fs::path absolute_dir(const fs::path& p) { return fs::absolute(p).lexically_normal(); }

}  // namespace

SchemePaths target_scheme(const fs::path& dir) { return {dir, dir, dir / "bin", dir, dir / "include"}; }

std::string externally_managed_message(std::string_view content, const fs::path& prefix) {
  // A small INI reader: the value of Error in [externally-managed], continuation lines
  // (indented) joined with newlines, as configparser does.
  std::string section, value;
  bool in_error = false, found = false;
  size_t blank_lines = 0;  // empty lines inside the value are kept when more indented text follows
  for (auto raw : util::split(content, '\n')) {
    std::string_view line = raw;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool indented = !line.empty() && (line.front() == ' ' || line.front() == '\t');
    std::string_view t = util::trim(line);
    if (in_error && t.empty()) {
      ++blank_lines;
      continue;
    }
    if (in_error && indented) {
      value += std::string(blank_lines, '\n') + "\n" + std::string(t);
      blank_lines = 0;
      continue;
    }
    in_error = false;
    if (t.empty() || t.front() == '#' || t.front() == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = std::string(util::trim(t.substr(1, t.size() - 2)));
      continue;
    }
    auto eq = t.find_first_of("=:");
    if (eq == std::string_view::npos || section != "externally-managed") continue;
    if (util::to_lower(util::trim(t.substr(0, eq))) == "error") {
      value = std::string(util::trim(t.substr(eq + 1)));
      in_error = found = true;
    }
  }
  while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
  while (!value.empty() && value.front() == '\n') value.erase(0, 1);
  if (found && !value.empty()) return value;
  return "The Python environment under " + prefix.string() +
         " is managed externally, and may not be manipulated by the user. Please use specific tooling from the "
         "distributor of the Python installation to interact with this environment instead.";
}

Environment Environment::open(InterpreterInfo interpreter, const EnvironmentOptions& options) {
  if (options.target && options.prefix)
    throw util::Error("--target and --prefix cannot be used together", "pick one of them");
  Environment env;
  env.interpreter_ = std::move(interpreter);
  const InterpreterInfo& info = env.interpreter_;
  if (options.target) {
    env.kind_ = SchemeKind::Target;
    env.root_ = absolute_dir(*options.target);
    env.scheme_ = target_scheme(env.root_);
  } else if (options.prefix) {
    env.kind_ = SchemeKind::Prefix;
    env.root_ = absolute_dir(*options.prefix);
    if (info.placeholder.empty() || info.prefix_template.purelib.empty())
      throw util::Error(util::ErrorKind::Environment,
                        "the interpreter at " + info.executable.string() + " did not report its --prefix layout");
    env.scheme_ = info.prefix_paths(env.root_);
  } else {
    env.kind_ = SchemeKind::Interpreter;
    env.root_ = info.prefix;
    env.scheme_ = info.paths;
    if (options.modify && !info.is_venv && info.externally_managed && !options.break_system_packages) {
      std::string text = util::try_read_file(*info.externally_managed).value_or("");
      throw util::Error(util::ErrorKind::Environment,
                        "the python environment at " + info.prefix.string() + " is externally managed (" +
                            info.externally_managed->string() + "):\n" + externally_managed_message(text, info.prefix),
                        "create a virtual environment with `ptinstall venv`, or pass --break-system-packages to "
                        "install into it anyway");
    }
  }
  return env;
}

fs::path Environment::lock_path() const {
  if (kind_ == SchemeKind::Interpreter && !interpreter_.is_venv)
    return fs::temp_directory_path() / ("ptinstall-" + util::sha256_hex(root_.string()).substr(0, 16) + ".lock");
  return root_ / ".ptinstall.lock";
}

util::FileLock Environment::lock() const {
  return util::FileLock::acquire(lock_path(), "the environment at " + root_.string());
}

}  // namespace ptinstall::python
