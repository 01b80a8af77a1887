#include "ptinstall/python/venv.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/strings.hpp"

#ifndef PTINSTALL_VERSION
#define PTINSTALL_VERSION "0.0.0"
#endif

namespace ptinstall::python {

namespace {

// 'text' for sh, zsh and csh: single quotes, with ' written as '\''. csh also expands ! inside
// single quotes, so it gets a backslash there.
std::string sh_quote(std::string_view s, bool csh = false) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else if (csh && c == '!')
      out += "\\!";
    else
      out += c;
  }
  return out + "'";
}

std::string fish_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::vector<int> wheel_version(const fs::path& wheel) {
  // pip-23.2.1-py3-none-any.whl -> {23, 2, 1}
  std::string name = wheel.filename().string();
  auto parts = util::split(name, '-');
  std::vector<int> v;
  if (parts.size() < 2) return v;
  for (auto n : util::split(parts[1], '.')) {
    int x = 0;
    for (char c : n) {
      if (!std::isdigit(static_cast<unsigned char>(c))) break;
      x = x * 10 + (c - '0');
    }
    v.push_back(x);
  }
  return v;
}

std::optional<fs::path> newest_pip_in(const fs::path& dir) {
  std::optional<fs::path> best;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("pip-", 0) != 0 || entry.path().extension() != ".whl") continue;
    if (!best || wheel_version(entry.path()) > wheel_version(*best)) best = entry.path();
  }
  return best;
}

bool is_empty_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && fs::is_empty(p, ec);
}

void remove_contents(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir)) fs::remove_all(entry.path());
}

// The working directory or one of its parents: clearing it would pull the floor away.
bool contains_cwd(const fs::path& dir) {
  std::error_code ec;
  fs::path cwd = fs::weakly_canonical(fs::current_path(ec), ec);
  fs::path d = fs::weakly_canonical(dir, ec);
  for (fs::path p = cwd; !p.empty(); p = p.parent_path()) {
    if (p == d) return true;
    if (p == p.parent_path()) break;
  }
  return false;
}

void symlink(const fs::path& target, const fs::path& link) {
  std::error_code ec;
  // --allow-existing: what is there is replaced (never a directory: that would be someone's data).
  if (fs::exists(fs::symlink_status(link, ec)) && !fs::is_directory(fs::symlink_status(link, ec))) fs::remove(link, ec);
  fs::create_symlink(target, link, ec);
  if (ec) throw util::msg::io_failed("create the link", link, ec.message());
}

std::string pyvenv_cfg(const InterpreterInfo& info, const VenvOptions& options) {
  std::string cfg;
  cfg += "home = " + info.base_executable.parent_path().string() + "\n";
  cfg += "implementation = " + (info.implementation_display.empty() ? "CPython" : info.implementation_display) + "\n";
  cfg += "version_info = " + info.version + "\n";
  cfg += std::string("include-system-site-packages = ") + (options.system_site_packages ? "true" : "false") + "\n";
  if (options.relocatable) cfg += "relocatable = true\n";
  cfg += "ptinstall = " PTINSTALL_VERSION "\n";
  if (options.prompt) cfg += "prompt = " + *options.prompt + "\n";
  return cfg;
}

void write_executable(const fs::path& path, std::string_view content, bool executable) {
  util::write_file_atomic(path, content);
  if (executable)
    fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec, fs::perm_options::add);
}

}  // namespace

bool is_venv_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "pyvenv.cfg", ec);
}

std::optional<std::string> pyvenv_cfg_value(const fs::path& dir, std::string_view key) {
  auto cfg = util::try_read_file(dir / "pyvenv.cfg");
  if (!cfg) return std::nullopt;
  for (auto line : util::split(*cfg, '\n')) {
    auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    if (util::to_lower(util::trim(line.substr(0, eq))) == util::to_lower(key))
      return std::string(util::trim(line.substr(eq + 1)));
  }
  return std::nullopt;
}

bool venv_is_relocatable(const fs::path& dir) {
  auto v = pyvenv_cfg_value(dir, "relocatable");
  return v && util::to_lower(*v) == "true";
}

fs::path user_site_packages(const InterpreterInfo& interpreter) {
  fs::path base;
  if (const char* b = std::getenv("PYTHONUSERBASE"); b && *b)
    base = b;
  else if (const char* home = std::getenv("HOME"); home && *home)
    base = fs::path(home) / ".local";
  if (base.empty()) return {};
  return base / "lib" / ("python" + std::to_string(interpreter.major) + "." + std::to_string(interpreter.minor)) /
         "site-packages";
}

bool user_site_enabled(const InterpreterInfo& interpreter) {
  if (const char* v = std::getenv("PYTHONNOUSERSITE"); v && *v) return false;
  if (interpreter.is_venv) {
    auto v = pyvenv_cfg_value(interpreter.prefix, "include-system-site-packages");
    if (!v || util::to_lower(*v) != "true") return false;
  }
  return true;
}

std::optional<fs::path> find_pip_wheel(const InterpreterInfo& interpreter, const std::vector<fs::path>& wheel_dirs) {
  if (!interpreter.stdlib.empty())
    if (auto w = newest_pip_in(interpreter.stdlib / "ensurepip" / "_bundled")) return w;
  for (const auto& dir : wheel_dirs)
    if (auto w = newest_pip_in(dir)) return w;
  return std::nullopt;
}

std::string activate_sh(const fs::path& venv, const std::string& prompt, bool relocatable) {
  std::string s;
  s += "# Activates this virtual environment in bash or zsh: `source bin/activate`, then `deactivate`.\n";
  s += "# Written by ptinstall " PTINSTALL_VERSION ".\n\n";
  s += R"SH(if [ -n "${BASH_SOURCE-}" ] && [ "${BASH_SOURCE-}" = "$0" ]; then
    echo "this script must be sourced, not run: source ${BASH_SOURCE}" >&2
    exit 33
fi
)SH";
  if (relocatable)
    s += R"SH(
# Where this script is (bash, zsh, ksh): the environment is its parent's parent, wherever it was moved.
if [ -n "${BASH_VERSION:+x}" ]; then
    _PTINSTALL_SCRIPT="${BASH_SOURCE[0]}"
elif [ -n "${ZSH_VERSION:+x}" ]; then
    _PTINSTALL_SCRIPT="${(%):-%x}"
elif [ -n "${KSH_VERSION:+x}" ]; then
    _PTINSTALL_SCRIPT="${.sh.file}"
fi
)SH";
  s += R"SH(
deactivate () {
    if [ -n "${_PTINSTALL_OLD_PATH+set}" ]; then
        PATH="$_PTINSTALL_OLD_PATH"
        export PATH
        unset _PTINSTALL_OLD_PATH
    fi
    if [ -n "${_PTINSTALL_OLD_PYTHONHOME+set}" ]; then
        PYTHONHOME="$_PTINSTALL_OLD_PYTHONHOME"
        export PYTHONHOME
        unset _PTINSTALL_OLD_PYTHONHOME
    fi
    if [ -n "${_PTINSTALL_OLD_PS1+set}" ]; then
        PS1="$_PTINSTALL_OLD_PS1"
        export PS1
        unset _PTINSTALL_OLD_PS1
    fi
    unset VIRTUAL_ENV VIRTUAL_ENV_PROMPT
    hash -r 2>/dev/null
    if [ "${1-}" != "nondestructive" ]; then
        unset -f deactivate
    fi
}

# Leave whatever environment of ours was active before.
deactivate nondestructive

)SH";
  if (relocatable)
    // A shell that cannot say where a sourced script is (dash) gets the path the environment was made at.
    s += "if [ -n \"${_PTINSTALL_SCRIPT:-}\" ]; then\n"
         "    VIRTUAL_ENV=\"$(dirname -- \"$(dirname -- \"$(realpath -- \"$_PTINSTALL_SCRIPT\")\")\")\"\n"
         "else\n"
         "    VIRTUAL_ENV=" + sh_quote(venv.string()) + "\n"
         "fi\n"
         "unset _PTINSTALL_SCRIPT\n";
  else
    s += "VIRTUAL_ENV=" + sh_quote(venv.string()) + "\n";
  s += "VIRTUAL_ENV_PROMPT=" + sh_quote(prompt) + "\n";
  s += R"SH(export VIRTUAL_ENV VIRTUAL_ENV_PROMPT

_PTINSTALL_OLD_PATH="$PATH"
PATH="$VIRTUAL_ENV/bin:$PATH"
export PATH

if [ -n "${PYTHONHOME+set}" ]; then
    _PTINSTALL_OLD_PYTHONHOME="$PYTHONHOME"
    unset PYTHONHOME
fi

if [ -z "${VIRTUAL_ENV_DISABLE_PROMPT-}" ]; then
    _PTINSTALL_OLD_PS1="${PS1-}"
    PS1="(${VIRTUAL_ENV_PROMPT}) ${PS1-}"
    export PS1
fi

# Forget remembered command locations, so `python` now means this environment's.
hash -r 2>/dev/null
)SH";
  return s;
}

std::string activate_fish(const fs::path& venv, const std::string& prompt, bool relocatable) {
  std::string s;
  s += "# Activates this virtual environment in fish: `source bin/activate.fish`, then `deactivate`.\n";
  s += "# Written by ptinstall " PTINSTALL_VERSION ".\n\n";
  s += R"FISH(function deactivate --description "Leave the virtual environment"
    if set -q _PTINSTALL_OLD_PATH
        set -gx PATH $_PTINSTALL_OLD_PATH
        set -e _PTINSTALL_OLD_PATH
    end
    if set -q _PTINSTALL_OLD_PYTHONHOME
        set -gx PYTHONHOME $_PTINSTALL_OLD_PYTHONHOME
        set -e _PTINSTALL_OLD_PYTHONHOME
    end
    if functions -q _ptinstall_old_fish_prompt
        functions -e fish_prompt
        functions -c _ptinstall_old_fish_prompt fish_prompt
        functions -e _ptinstall_old_fish_prompt
    end
    set -e VIRTUAL_ENV
    set -e VIRTUAL_ENV_PROMPT
    if test "$argv[1]" != "nondestructive"
        functions -e deactivate
    end
end

deactivate nondestructive

)FISH";
  if (relocatable)
    s += "set -gx VIRTUAL_ENV (dirname (dirname (realpath (status filename))))\n";
  else
    s += "set -gx VIRTUAL_ENV " + fish_quote(venv.string()) + "\n";
  s += "set -gx VIRTUAL_ENV_PROMPT " + fish_quote(prompt) + "\n";
  s += R"FISH(set -gx _PTINSTALL_OLD_PATH $PATH
set -gx PATH "$VIRTUAL_ENV/bin" $PATH

if set -q PYTHONHOME
    set -gx _PTINSTALL_OLD_PYTHONHOME $PYTHONHOME
    set -e PYTHONHOME
end

if test -z "$VIRTUAL_ENV_DISABLE_PROMPT"; and functions -q fish_prompt
    functions -c fish_prompt _ptinstall_old_fish_prompt
    function fish_prompt
        set -l last_status $status
        printf '(%s) ' $VIRTUAL_ENV_PROMPT
        # Give the original prompt the exit status it would have seen.
        echo "exit $last_status" | source
        _ptinstall_old_fish_prompt
    end
end
)FISH";
  return s;
}

std::string activate_csh(const fs::path& venv, const std::string& prompt) {
  std::string s;
  s += "# Activates this virtual environment in csh or tcsh: `source bin/activate.csh`, then `deactivate`.\n";
  s += "# Written by ptinstall " PTINSTALL_VERSION ".\n\n";
  s += "alias deactivate 'test $?_PTINSTALL_OLD_PATH != 0 && setenv PATH \"$_PTINSTALL_OLD_PATH:q\" && unset "
       "_PTINSTALL_OLD_PATH; rehash; test $?_PTINSTALL_OLD_PROMPT != 0 && set prompt=\"$_PTINSTALL_OLD_PROMPT:q\" && "
       "unset _PTINSTALL_OLD_PROMPT; unsetenv VIRTUAL_ENV; unsetenv VIRTUAL_ENV_PROMPT; test \"\\!:*\" != "
       "\"nondestructive\" && unalias deactivate'\n\n";
  s += "deactivate nondestructive\n\n";
  s += "setenv VIRTUAL_ENV " + sh_quote(venv.string(), true) + "\n";
  s += "setenv VIRTUAL_ENV_PROMPT " + sh_quote(prompt, true) + "\n";
  s += R"CSH(set _PTINSTALL_OLD_PATH="$PATH:q"
setenv PATH "$VIRTUAL_ENV:q/bin:$PATH:q"

if ( ! $?VIRTUAL_ENV_DISABLE_PROMPT ) then
    if ( $?prompt ) then
        set _PTINSTALL_OLD_PROMPT="$prompt:q"
        set prompt = "($VIRTUAL_ENV_PROMPT:q) $prompt:q"
    endif
endif

rehash
)CSH";
  return s;
}

void check_venv_path(const VenvOptions& options) {
  fs::path clean = fs::absolute(options.path).lexically_normal();
  if (clean.filename().empty()) clean = clean.parent_path();
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(clean, ec))) return;
  bool venv = is_venv_dir(clean);
  if (options.allow_existing) {
    if (!fs::is_directory(clean, ec))
      throw util::Error(util::ErrorKind::Environment, "the path " + clean.string() + " exists and is not a directory",
                        "--allow-existing writes into a directory; choose another path");
    return;
  }
  if (!fs::is_directory(clean, ec)) {
    if (!options.clear)
      throw util::Error(util::ErrorKind::Environment, "the path " + clean.string() + " exists and is not a directory",
                        "pass --clear to replace it, or choose another path");
  } else if (!is_empty_dir(clean)) {
    if (!venv && !options.clear)
      throw util::Error(util::ErrorKind::Environment,
                        "the directory " + clean.string() + " exists and is not a virtual environment",
                        "pass --clear to remove its contents and create the environment there, or choose another path");
    if (!venv && contains_cwd(clean))
      throw util::Error(util::ErrorKind::Environment,
                        "refusing to clear " + clean.string() + ": it contains the working directory",
                        "choose another path");
  }
}

VenvResult create_venv(const InterpreterInfo& interpreter, const VenvOptions& options) {
  VenvResult result;
  const fs::path path = fs::absolute(options.path).lexically_normal();
  fs::path clean = path;
  if (clean.filename().empty()) clean = clean.parent_path();  // "dir/" -> "dir"
  result.path = clean;
  std::error_code ec;

  check_venv_path(options);
  if (!options.allow_existing && fs::exists(fs::symlink_status(clean, ec))) {
    bool venv = is_venv_dir(clean);
    if (!fs::is_directory(clean, ec)) {
      fs::remove(clean);
    } else if (!is_empty_dir(clean)) {
      if (venv && !options.clear) util::log::warn("replacing the existing virtual environment at " + clean.string());
      result.replaced = venv;
      remove_contents(clean);
    }
  }

  const int major = interpreter.major, minor = interpreter.minor;
  const std::string xy = std::to_string(major) + "." + std::to_string(minor);
  fs::path base = interpreter.base_executable.empty() ? interpreter.executable : interpreter.base_executable;
  result.base_executable = base;

  std::string prompt;
  if (options.prompt && *options.prompt == ".")
    prompt = fs::current_path().filename().string();
  else if (options.prompt)
    prompt = *options.prompt;
  else
    prompt = clean.filename().string();
  result.prompt = prompt;
  VenvOptions effective = options;
  if (options.prompt) effective.prompt = prompt;

  fs::create_directories(clean / "bin");
  fs::create_directories(clean / "include");
  SchemePaths scheme = interpreter.venv_paths(clean);
  if (scheme.purelib.empty() || interpreter.placeholder.empty())
    scheme.purelib = scheme.platlib = clean / "lib" / ("python" + xy) / "site-packages";
  fs::create_directories(scheme.purelib);
  if (!scheme.platlib.empty() && scheme.platlib != scheme.purelib) {
    // A platlib under lib64 (Fedora's platlibdir) is reached through the lib64 link below.
    auto rel = scheme.platlib.lexically_relative(clean);
    if (rel.empty() || *rel.begin() != "lib64") fs::create_directories(scheme.platlib);
  }
  // venv's rule: 64-bit POSIX but not macOS gets lib64 -> lib.
  std::string sys_platform = interpreter.markers.count("sys_platform") ? interpreter.markers.at("sys_platform") : "";
  bool is_posix = interpreter.markers.count("os_name") ? interpreter.markers.at("os_name") == "posix" : true;
  if (interpreter.pointer_bits == 64 && is_posix && sys_platform != "darwin" &&
      !fs::exists(fs::symlink_status(clean / "lib64", ec)))
    symlink("lib", clean / "lib64");

  // bin/python -> base; the other names -> python.
  fs::path bin = clean / "bin";
  symlink(base, bin / "python");
  std::vector<std::string> names = {"python" + std::to_string(major), "python" + xy};
  std::string base_name = base.filename().string();
  if (base_name != "python" && std::find(names.begin(), names.end(), base_name) == names.end()) names.push_back(base_name);
  for (const auto& name : names) symlink("python", bin / name);

  util::write_file_atomic(clean / "pyvenv.cfg", pyvenv_cfg(interpreter, effective));
  write_executable(bin / "activate", activate_sh(clean, prompt, options.relocatable), false);
  write_executable(bin / "activate.fish", activate_fish(clean, prompt, options.relocatable), false);
  write_executable(bin / "activate.csh", activate_csh(clean, prompt), false);
  // A .gitignore of the user's (--allow-existing) stays.
  if (!fs::exists(fs::symlink_status(clean / ".gitignore", ec)))
    util::write_file_atomic(clean / ".gitignore", "# Created by ptinstall: never commit a virtual environment.\n*\n");
  result.python = bin / "python";

  return result;
}

}  // namespace ptinstall::python
