#include "ptinstall/install/uninstall.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "ptinstall/install/transaction.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/record.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::install {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Reads Name and Version from the header block of METADATA / PKG-INFO without parsing the rest
// (scanning an environment must stay cheap).
bool read_name_version(const fs::path& file, std::string& name, std::string& version) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;  // end of headers
    if (util::starts_with_icase(line, "Name:") && name.empty()) name = std::string(util::trim(line.substr(5)));
    else if (util::starts_with_icase(line, "Version:") && version.empty())
      version = std::string(util::trim(line.substr(8)));
    if (!name.empty() && !version.empty()) return true;
  }
  return !name.empty();
}

bool exists_nofollow(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

// importlib.util.cache_from_source, for every interpreter tag present: __pycache__/stem.*.pyc.
void add_pycache(const fs::path& py, std::vector<fs::path>& out) {
  fs::path cache = py.parent_path() / "__pycache__";
  std::error_code ec;
  if (!fs::is_directory(cache, ec)) return;
  std::string stem = py.stem().string() + ".";
  for (const auto& e : fs::directory_iterator(cache, ec)) {
    std::string n = e.path().filename().string();
    if (n.rfind(stem, 0) == 0 && ends_with(n, ".pyc")) {
      // stem.<tag>.pyc or stem.<tag>.opt-N.pyc: one or two dots after the stem, no more.
      std::string_view mid = std::string_view(n).substr(stem.size(), n.size() - stem.size() - 4);
      if (!mid.empty() && std::count(mid.begin(), mid.end(), '.') <= 1) out.push_back(e.path());
    }
  }
}

}  // namespace

namespace {

// `want` (normalised) non-empty: only directories whose name part (before the first '-') normalises
// to it are read, which keeps a lookup by name cheap in large environments. Directory names escape
// '-' in project names as '_', so the first '-' ends the name.
std::vector<InstalledDist> scan(const std::vector<fs::path>& site_dirs, const std::string& want) {
  std::vector<InstalledDist> out;
  std::set<fs::path> seen;
  for (const auto& site : site_dirs) {
    std::error_code ec;
    fs::path canon = fs::weakly_canonical(site, ec);
    if (ec) canon = site;
    if (!seen.insert(canon).second) continue;
    fs::directory_iterator it(site, ec);
    if (ec) continue;
    for (const auto& entry : it) {
      std::string fname = entry.path().filename().string();
      bool dist_info = ends_with(fname, ".dist-info");
      bool egg_info = ends_with(fname, ".egg-info");
      if (!dist_info && !egg_info) continue;
      if (!want.empty()) {
        auto dash = fname.find('-');
        std::string stem = fname.substr(0, dash == std::string::npos ? fname.rfind('.') : dash);
        if (spec::normalize_name(stem) != want) continue;
      }
      InstalledDist d;
      d.metadata_dir = entry.path();
      d.site_dir = site;
      d.egg_info = egg_info;
      std::string name, version;
      bool ok = false;
      if (dist_info) {
        ok = read_name_version(entry.path() / "METADATA", name, version);
      } else if (entry.is_directory(ec)) {
        ok = read_name_version(entry.path() / "PKG-INFO", name, version);
      } else {
        ok = read_name_version(entry.path(), name, version);  // a single-file .egg-info
      }
      if (!ok) {
        // Fall back to the directory name: name-version.dist-info.
        std::string stem = fname.substr(0, fname.rfind('.'));
        auto dash = stem.find('-');
        name = stem.substr(0, dash);
        if (dash != std::string::npos) version = stem.substr(dash + 1);
        util::log::debug("no readable metadata in " + entry.path().string());
      }
      d.name = name;
      d.normalized = spec::normalize_name(name);
      d.version = version;
      if (dist_info) {
        if (auto inst = util::try_read_file(entry.path() / "INSTALLER")) d.installer = std::string(util::trim(*inst));
        d.requested = exists_nofollow(entry.path() / "REQUESTED");
      }
      out.push_back(std::move(d));
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const InstalledDist& a, const InstalledDist& b) { return a.normalized < b.normalized; });
  return out;
}

}  // namespace

std::vector<InstalledDist> scan_installed(const std::vector<fs::path>& site_dirs) { return scan(site_dirs, ""); }

std::vector<InstalledDist> find_installed(const std::vector<fs::path>& site_dirs, std::string_view name) {
  std::string want = spec::normalize_name(name);
  std::vector<InstalledDist> out;
  for (auto& d : scan(site_dirs, want))
    if (d.normalized == want) out.push_back(std::move(d));
  return out;
}

std::vector<fs::path> installed_files(const InstalledDist& dist) {
  std::vector<fs::path> files;
  if (!dist.egg_info) {
    auto text = util::try_read_file(dist.metadata_dir / "RECORD");
    if (!text)
      throw util::Error(util::ErrorKind::Environment,
                        "cannot uninstall " + dist.name + " " + dist.version + ": no RECORD file in " +
                            dist.metadata_dir.string(),
                        "the installation is incomplete; remove the directory by hand and reinstall");
    std::vector<spec::RecordEntry> rows;
    try {
      rows = spec::parse_record(*text);
    } catch (const util::Error& e) {
      throw util::Error(util::ErrorKind::Environment,
                        "cannot uninstall " + dist.name + ": bad RECORD in " + dist.metadata_dir.string() + ": " +
                            e.what());
    }
    for (const auto& r : rows) {
      if (r.path.empty()) continue;
      fs::path p = fs::path(r.path).is_absolute() ? fs::path(r.path) : dist.site_dir / r.path;
      p = p.lexically_normal();
      files.push_back(p);
      if (ends_with(r.path, ".py")) add_pycache(p, files);
    }
  } else {
    // Legacy egg-info: installed-files.txt lists paths relative to the .egg-info directory.
    fs::path list = fs::is_directory(dist.metadata_dir) ? dist.metadata_dir / "installed-files.txt" : fs::path();
    auto text = list.empty() ? std::nullopt : util::try_read_file(list);
    if (!text)
      throw util::Error(util::ErrorKind::Environment,
                        "cannot uninstall " + dist.name + " " + dist.version + ": no installed-files.txt in " +
                            dist.metadata_dir.string(),
                        "it was probably installed by a build tool; remove it by hand");
    for (auto line : util::split(*text, '\n')) {
      line = util::trim(line);
      if (line.empty()) continue;
      fs::path p = (dist.metadata_dir / std::string(line)).lexically_normal();
      files.push_back(p);
      if (ends_with(line, ".py")) add_pycache(p, files);
    }
  }
  files.push_back(dist.metadata_dir.lexically_normal());
  // Unique, keep order.
  std::set<fs::path> seen;
  std::vector<fs::path> unique;
  for (auto& f : files)
    if (seen.insert(f).second) unique.push_back(f);
  return unique;
}

std::size_t uninstall(const InstalledDist& dist, Transaction& tx, const std::vector<fs::path>& keep) {
  std::set<fs::path> keep_set(keep.begin(), keep.end());
  std::size_t removed = 0;
  for (const auto& f : installed_files(dist)) {
    if (keep_set.count(f)) continue;
    if (f == dist.metadata_dir.lexically_normal()) continue;  // last, once its files are gone
    std::error_code ec;
    if (fs::is_directory(fs::symlink_status(f, ec))) continue;  // RECORD lists files; never whole dirs
    if (tx.remove(f)) ++removed;
  }
  // Anything left inside the metadata directory goes with it (unless it is being kept).
  fs::path md = dist.metadata_dir.lexically_normal();
  if (!keep_set.count(md)) {
    bool keeps_inside = false;
    for (const auto& k : keep_set) {
      auto rel = k.lexically_relative(md);
      if (!rel.empty() && *rel.begin() != "..") keeps_inside = true;
    }
    if (keeps_inside) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(md, ec))
        if (!keep_set.count(e.path().lexically_normal()) && tx.remove(e.path())) ++removed;
    } else if (tx.remove_dir(md)) {
      ++removed;
    }
  }
  return removed;
}

}  // namespace ptinstall::install
