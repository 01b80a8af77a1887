#include "ptinstall/ops/uninstaller.hpp"

#include <algorithm>

#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/install/transaction.hpp"
#include "ptinstall/ops/environment.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/util/error.hpp"

namespace ptinstall::ops {

std::vector<std::string> uninstall_names(const std::vector<std::string>& args,
                                         const std::vector<std::string>& requirement_files) {
  std::vector<std::string> names;
  for (const auto& arg : args) names.push_back(spec::Requirement::parse(arg).name);
  for (const auto& file : requirement_files) {
    config::RequirementsFile rf;
    config::read_requirements_file(file, rf);
    for (const auto& line : rf.requirements) {
      if (line.requirement) {
        names.push_back(line.requirement->name);
        continue;
      }
      std::string leaf = line.location ? *line.location : line.text;
      leaf = leaf.substr(leaf.find_last_of('/') + 1);
      if (!spec::is_wheel_filename(leaf))
        throw util::Error(util::ErrorKind::Usage,
                          line.file + ":" + std::to_string(line.line) + ": cannot tell which project `" + line.text + "` is",
                          "name the project instead of a path or URL");
      names.push_back(spec::WheelFilename::parse(leaf).name);
    }
  }
  return names;
}

UninstallSelection select_installed(const python::Environment& env, const std::vector<std::string>& names) {
  UninstallSelection out;
  const auto dirs = site_dirs(env);
  for (const auto& name : names) {
    auto found = install::find_installed(dirs, name);
    if (found.empty()) {
      out.not_installed.push_back(name);
      continue;
    }
    for (auto& d : found)
      if (std::none_of(out.victims.begin(), out.victims.end(),
                       [&](const auto& v) { return v.metadata_dir == d.metadata_dir; }))
        out.victims.push_back(std::move(d));
  }
  std::sort(out.victims.begin(), out.victims.end(), [](const auto& a, const auto& b) { return a.normalized < b.normalized; });
  return out;
}

void uninstall(const python::Environment& env, const std::vector<install::InstalledDist>& victims) {
  install::Transaction tx(install_scheme(env).roots());
  for (const auto& v : victims) install::uninstall(v, tx);
  tx.commit();
}

}  // namespace ptinstall::ops
