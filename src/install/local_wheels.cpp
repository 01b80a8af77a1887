#include "ptinstall/install/local_wheels.hpp"

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::install {

std::vector<LocalWheel> scan_wheel_dirs(const std::vector<fs::path>& dirs) {
  std::vector<LocalWheel> out;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
      throw util::Error(util::ErrorKind::Io, "find-links location " + dir.string() + " is not a directory",
                        "give a directory of wheel files (URLs are not supported yet)");
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      if (name.size() < 4 || name.compare(name.size() - 4, 4, ".whl") != 0) continue;
      try {
        out.push_back({e.path(), spec::WheelFilename::parse(name)});
      } catch (const util::Error& err) {
        util::log::debug("skipping " + e.path().string() + ": " + err.what());
      }
    }
  }
  return out;
}

std::optional<LocalWheel> best_wheel(const std::vector<LocalWheel>& wheels, const spec::Requirement& requirement,
                                     const spec::SupportedTags& tags, bool allow_prereleases) {
  const std::string& want = requirement.package.str();
  auto pick = [&](bool prereleases) -> std::optional<LocalWheel> {
    const LocalWheel* best = nullptr;
    std::size_t best_prio = 0;
    for (const auto& w : wheels) {
      if (w.filename.normalized_name() != want) continue;
      if (!requirement.specifier.contains(w.filename.version, prereleases)) continue;
      auto prio = tags.best_priority(w.filename.tags());
      if (!prio) continue;
      bool better = false;
      if (!best) better = true;
      else if (w.filename.version != best->filename.version) better = w.filename.version > best->filename.version;
      else if (*prio != best_prio) better = *prio < best_prio;
      else better = w.filename.build > best->filename.build;
      if (better) {
        best = &w;
        best_prio = *prio;
      }
    }
    if (!best) return std::nullopt;
    return *best;
  };
  bool explicit_pre = allow_prereleases || requirement.specifier.mentions_prerelease();
  if (auto w = pick(explicit_pre)) return w;
  if (!explicit_pre) return pick(true);
  return std::nullopt;
}

}  // namespace ptinstall::install
