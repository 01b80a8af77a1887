// The environment an install acts on: an interpreter plus the install scheme in effect, which is
// the interpreter's own (a venv or a system python), pip's --target layout, or pip's --prefix
// layout. Opening an environment for modification applies PEP 668: an EXTERNALLY-MANAGED system
// interpreter is refused unless break_system_packages.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "ptinstall/python/interpreter.hpp"
#include "ptinstall/util/file_lock.hpp"

namespace ptinstall::python {

enum class SchemeKind { Interpreter, Target, Prefix };

struct EnvironmentOptions {
  std::optional<fs::path> target;   // --target DIR
  std::optional<fs::path> prefix;   // --prefix DIR
  bool break_system_packages = false;
  bool modify = true;               // false for read-only commands (list, freeze, show, check)
};

class Environment {
 public:
  // Throws util::Error for --target together with --prefix, and for PEP 668 refusals.
  static Environment open(InterpreterInfo interpreter, const EnvironmentOptions& options = {});

  const InterpreterInfo& interpreter() const { return interpreter_; }
  SchemeKind kind() const { return kind_; }
  const SchemePaths& scheme() const { return scheme_; }
  // sys.prefix, the --prefix directory, or the --target directory.
  const fs::path& root() const { return root_; }
  bool is_venv() const { return kind_ == SchemeKind::Interpreter && interpreter_.is_venv; }

  // Where the lock for this environment lives: <root>/.ptinstall.lock for venvs, --target and
  // --prefix; for a system interpreter (whose prefix, e.g. /usr, is no place for our files) a file
  // in the temporary directory named after a hash of the prefix.
  fs::path lock_path() const;
  util::FileLock lock() const;

 private:
  InterpreterInfo interpreter_;
  SchemeKind kind_ = SchemeKind::Interpreter;
  SchemePaths scheme_;
  fs::path root_;
};

// pip's --target layout: purelib = platlib = DIR, scripts DIR/bin, data DIR, include DIR/include.
SchemePaths target_scheme(const fs::path& dir);

// The Error= text of an EXTERNALLY-MANAGED file (section [externally-managed]), or pip's generic
// message naming `prefix` when the file has none.
std::string externally_managed_message(std::string_view file_content, const fs::path& prefix);

}  // namespace ptinstall::python
