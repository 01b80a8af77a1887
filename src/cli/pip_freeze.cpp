// `ptinstall pip freeze`: the installed distributions as requirement lines, as pip writes them
// (`name==version`, `name @ url` for direct URL installs; pip and, before Python 3.12, setuptools,
// wheel and distribute left out unless --all). With `-r FILE`, in the order of the files.
#include <cstdio>
#include <filesystem>

#include "command.hpp"
#include "environment.hpp"
#include "strict_check.hpp"
#include "inspection_scope.hpp"
#include "ptinstall/build/build_system.hpp"
#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/install/freeze_files.hpp"
#include "ptinstall/install/inspect.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/vcs/git.hpp"

namespace ptinstall::cli {
namespace {

namespace fs = std::filesystem;

// pip's COMMENT_RE: a '#' at the start or after whitespace starts a comment (a URL's #fragment does not).
std::string_view without_comment(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i)
    if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) return util::trim(line.substr(0, i));
  return util::trim(line);
}

// The value of `#egg=NAME` (or `&egg=`) in a URL, where there is one.
std::optional<std::string> egg_name(std::string_view target) {
  auto hash = target.find('#');
  if (hash == std::string_view::npos) return std::nullopt;
  for (auto part : util::split(target.substr(hash + 1), '&'))
    if (part.rfind("egg=", 0) == 0 && part.size() > 4) return std::string(part.substr(4));
  return std::nullopt;
}

// The name a path or URL installs, where it can be told without a build: `#egg=`, a wheel's file
// name, or what a local project tree declares (pyproject.toml, setup.cfg, setup.py); pip knows
// only the first two.
std::optional<std::string> location_name(const std::string& location) {
  if (auto egg = egg_name(location)) return egg;
  std::string_view path = location;
  if (auto q = path.find_first_of("#?"); q != std::string_view::npos) path = path.substr(0, q);
  if (path.size() > 4 && path.substr(path.size() - 4) == ".whl") {
    try {
      return spec::WheelFilename::parse(path.substr(path.rfind('/') + 1)).name;
    } catch (const util::Error&) {
      return std::nullopt;
    }
  }
  std::error_code ec;
  fs::path dir = path.rfind("file://", 0) == 0 ? fs::path(std::string(path.substr(7))) : fs::path(std::string(path));
  if (fs::is_directory(dir, ec)) return build::declared_project_name(dir);
  return std::nullopt;
}

install::FreezeFileLine classify(std::string_view line, const std::string& file, int line_no) {
  using Kind = install::FreezeFileLine::Kind;
  install::FreezeFileLine out;
  std::string_view text = without_comment(line);
  // -e / --editable TARGET (also -eTARGET and --editable=TARGET)
  std::optional<std::string_view> editable;
  for (std::string_view opt : {"--editable", "-e"})
    if (text.rfind(opt, 0) == 0) {
      std::string_view rest = text.substr(opt.size());
      if (!rest.empty() && rest.front() == '=') rest.remove_prefix(1);
      editable = util::trim(rest);
      break;
    }
  if (!editable && !text.empty() && text.front() == '-') return out;  // an option line: copied as written
  // Per-requirement options (--hash, --config-settings, ...) follow the requirement after a space.
  std::string_view req = editable ? *editable : text;
  if (auto opts = req.find(" -"); opts != std::string_view::npos) req = util::trim(req.substr(0, opts));
  out.shown = std::string(req);
  std::optional<std::string> name;
  if (editable) {
    name = location_name(std::string(req));
  } else {
    auto parsed = config::parse_requirement_argument(req, file + ":" + std::to_string(line_no));
    if (parsed.requirement) name = parsed.requirement->name;
    else if (parsed.location) name = location_name(*parsed.location);
  }
  if (!name) {
    out.kind = Kind::Unnamed;
    return out;
  }
  out.kind = Kind::Named;
  out.written_name = *name;
  out.name = spec::normalize_name(*name);
  return out;
}

}  // namespace

int run_pip_freeze(Invocation& inv) {
  python::Environment env = target_environment(inv, false);
  // The requirements files first: a missing one is an error before anything is printed.
  std::vector<install::FreezeFile> files;
  for (const auto& name : inv.settings.get_list("requirement")) {
    auto text = util::try_read_file(name);
    if (!text) throw util::Error(util::ErrorKind::Io, "cannot read requirements file " + name, "check the path");
    files.push_back({name, std::move(*text)});
  }
  auto [dirs, dists] = inspection_scope(inv, env);
  const auto& py = env.interpreter();
  bool suppress_build_backends = py.major < 3 || (py.major == 3 && py.minor < 12);
  auto excludes = inv.settings.get_list("exclude");
  bool exclude_editable = inv.settings.flag("exclude-editable");
  std::string text;
  if (files.empty()) {
    text = install::format_freeze(dists, inv.settings.flag("all"), suppress_build_backends, excludes, exclude_editable,
                                  dirs, vcs::editable_freeze_lines);
  } else {
    auto items = install::freeze_items(dists, exclude_editable, dirs, vcs::editable_freeze_lines);
    auto skip = install::freeze_skipped_names(inv.settings.flag("all"), suppress_build_backends, excludes);
    text = install::format_freeze_with_files(items, skip, files, classify);
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  warn_if_strict(inv, env, dists);
  return 0;
}

}  // namespace ptinstall::cli
