#include "ptinstall/install/cache_maintenance.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <set>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::install {
namespace {

// PEP 503 normalization (lower case, runs of -_. as one -); spec/ is not a layer install may skip, but
// this is all it needs from a name.
std::string normalize(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!out.empty() && out.back() != '-') out += '-';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// The distribution of a wheel or sdist filename ("torch-2.9.1+cpu-cp311-....whl", "hello-1.0.tar.gz",
// "x.whl.metadata"): the part before the first '-' followed by a digit... for wheels the first '-'.
std::optional<std::string> package_of_filename(std::string name) {
  for (std::string_view ext : {".metadata", ".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"}) {
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
      name.resize(name.size() - ext.size());
  }
  auto dash = name.find('-');
  if (dash == std::string::npos || dash == 0) return std::nullopt;
  // sdists may have dashes in the name ("my-pkg-1.0"): the version starts at the first "-<digit>".
  for (std::size_t i = name.find('-'); i != std::string::npos; i = name.find('-', i + 1))
    if (i + 1 < name.size() && std::isdigit(static_cast<unsigned char>(name[i + 1]))) return normalize(name.substr(0, i));
  return normalize(name.substr(0, dash));
}

// Size and files of an entry, and when it was last used: the newer of the entry's own access and
// modification times (installs list an unpacked wheel's directory to link it, which updates its
// access time under relatime at most once a day: day-granular LRU order is what --max-size needs).
void measure(const fs::path& p, CacheEntry& e) {
  struct stat st{};
  if (::lstat(p.c_str(), &st) != 0) return;
  long long newest = std::max<long long>(st.st_atim.tv_sec, st.st_mtim.tv_sec);
  e.last_used = fs::file_time_type::clock::now() -
                std::chrono::seconds(std::max<long long>(0, static_cast<long long>(::time(nullptr)) - newest));
  if (S_ISDIR(st.st_mode)) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      struct stat fst{};
      if (::lstat(it->path().c_str(), &fst) != 0 || S_ISDIR(fst.st_mode)) continue;
      e.bytes += static_cast<std::uint64_t>(fst.st_size);
      e.files += 1;
    }
  } else {
    e.bytes += static_cast<std::uint64_t>(st.st_size);
    e.files += 1;
  }
}

std::string read_head(const fs::path& p, std::size_t n) {
  std::ifstream in(p, std::ios::binary);
  std::string s(n, '\0');
  in.read(s.data(), static_cast<std::streamsize>(n));
  s.resize(static_cast<std::size_t>(in.gcount()));
  return s;
}

// The package an index page or file URL is about: /simple/<name>/ or .../<filename>.
std::optional<std::string> package_of_url(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  while (!path.empty() && path.back() == '/') path.pop_back();
  auto slash = path.rfind('/');
  std::string last = util::percent_decode(slash == std::string::npos ? path : path.substr(slash + 1));
  if (last.empty()) return std::nullopt;
  if (last.find(".whl") != std::string::npos || last.find(".tar.gz") != std::string::npos ||
      last.find(".zip") != std::string::npos)
    return package_of_filename(last);
  return normalize(last);
}

std::optional<std::string> package_of_entry(const std::string& bucket, const fs::path& p,
                                             const std::map<std::string, std::string>& wheel_packages) {
  std::error_code ec;
  if (bucket == "wheels-v1") {
    for (const auto& child : fs::directory_iterator(p, ec)) {
      std::string n = child.path().filename().string();
      if (n.size() > 10 && n.compare(n.size() - 10, 10, ".dist-info") == 0) return package_of_filename(n.substr(0, n.size() - 10));
    }
    return std::nullopt;
  }
  if (bucket == "built-wheels-v1" || bucket == "downloads-v1" || bucket == "sdists-v1") {
    if (!fs::is_directory(p, ec)) return package_of_filename(p.filename().string());
    for (const auto& child : fs::directory_iterator(p, ec)) {
      auto name = package_of_filename(child.path().filename().string());
      if (name) return name;
    }
    return std::nullopt;
  }
  if (bucket == "http-v1") {
    std::string head = read_head(p, 4096);
    auto at = head.find("\"effective_url\":\"");
    if (at == std::string::npos) return std::nullopt;
    at += 17;
    return package_of_url(head.substr(at, head.find('"', at) - at));
  }
  if (bucket == "wheel-urls-v1" || bucket == "local-v1") {
    // Their content names the sha256 of a wheel entry (first 64 hex digits found).
    std::string head = read_head(p, 4096);
    for (std::size_t i = 0; i + 64 <= head.size(); ++i) {
      std::size_t j = i;
      while (j < head.size() && std::isxdigit(static_cast<unsigned char>(head[j]))) ++j;
      if (j - i == 64) {
        auto it = wheel_packages.find(head.substr(i, 64));
        return it == wheel_packages.end() ? std::nullopt : std::optional<std::string>(it->second);
      }
      i = j;
    }
  }
  return std::nullopt;
}

bool is_leftover(const std::string& name) {
  return name.rfind(".tmp-", 0) == 0 || name.find(".tmp-") != std::string::npos;
}

Removed remove_entries(const std::vector<const CacheEntry*>& entries) {
  Removed r;
  for (const CacheEntry* e : entries) {
    std::error_code ec;
    fs::remove_all(e->path, ec);
    if (ec) throw util::msg::io_failed("remove", e->path, ec.message());
    for (const auto& c : e->companions) fs::remove(c, ec);
    // A two-character shard left empty goes too (fs::remove leaves a directory that is not empty).
    if (fs::path shard = e->path.parent_path(); shard.filename().string().size() == 2) fs::remove(shard, ec);
    r.files += e->files;
    r.bytes += e->bytes;
    r.entries += 1;
  }
  return r;
}

void add(Removed& into, const Removed& r) {
  into.files += r.files;
  into.bytes += r.bytes;
  into.entries += r.entries;
}

// Leftovers of interrupted writes (`.tmp-*`) anywhere in the first two levels of a bucket, and
// top-level names that are not buckets of this version.
Removed remove_leftovers(const fs::path& root) {
  std::vector<CacheEntry> found;
  std::error_code ec;
  const auto& known = known_buckets();
  for (const auto& top : fs::directory_iterator(root, ec)) {
    std::string name = top.path().filename().string();
    if (name == ".lock") continue;
    bool bucket = std::find(known.begin(), known.end(), name) != known.end();
    if (!bucket) {
      CacheEntry e;
      e.path = top.path();
      measure(e.path, e);
      found.push_back(std::move(e));
      continue;
    }
    std::error_code ec2;
    for (const auto& child : fs::directory_iterator(top.path(), ec2)) {
      std::string n = child.path().filename().string();
      std::vector<fs::path> candidates;
      if (is_leftover(n)) candidates.push_back(child.path());
      else if (n.size() == 2 && child.is_directory(ec2)) {
        std::error_code ec3;
        for (const auto& g : fs::directory_iterator(child.path(), ec3))
          if (is_leftover(g.path().filename().string())) candidates.push_back(g.path());
      }
      for (auto& c : candidates) {
        CacheEntry e;
        e.path = c;
        measure(c, e);
        found.push_back(std::move(e));
      }
    }
  }
  std::vector<const CacheEntry*> ptrs;
  for (const auto& e : found) ptrs.push_back(&e);
  return remove_entries(ptrs);
}

}  // namespace

const std::vector<std::string>& known_buckets() {
  static const std::vector<std::string> buckets = {"wheels-v1",       "built-wheels-v1", "http-v1",
                                                    "wheel-urls-v1",   "local-v1",        "downloads-v1",
                                                    "sdists-v1",       "generated-v1",    "build-requires-v1",
                                                    "interpreter-v1",  "build-envs-v1"};
  return buckets;
}

std::vector<CacheEntry> list_cache_entries(const fs::path& root) {
  std::vector<CacheEntry> out;
  // Pass 1: every entry; pass 2 attributes URL and local records through the wheel they point to.
  for (const auto& bucket : known_buckets()) {
    fs::path dir = root / bucket;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> paths;
    for (const auto& child : fs::directory_iterator(dir, ec)) {
      std::string n = child.path().filename().string();
      if (is_leftover(n)) continue;
      // Two-character shards hold the entries.
      if (n.size() == 2 && child.is_directory(ec)) {
        std::error_code ec2;
        for (const auto& g : fs::directory_iterator(child.path(), ec2)) paths.push_back(g.path());
      } else {
        paths.push_back(child.path());
      }
    }
    std::set<fs::path> lock_files;
    for (const auto& p : paths)
      if (p.extension() == ".lock") lock_files.insert(p);
    for (const auto& p : paths) {
      if (is_leftover(p.filename().string())) continue;
      if (p.extension() == ".lock") {
        // A lock whose entry exists goes with it; a lone one is an entry of its own (a build never finished).
        fs::path owner = p;
        owner.replace_extension();
        if (std::find(paths.begin(), paths.end(), owner) != paths.end()) continue;
      }
      CacheEntry e;
      e.path = p;
      e.bucket = bucket;
      fs::path lock = p;
      lock += ".lock";
      if (lock_files.count(lock)) e.companions.push_back(lock);
      measure(p, e);
      out.push_back(std::move(e));
    }
  }
  std::map<std::string, std::string> wheel_packages;  // sha256 -> package
  for (auto& e : out) {
    if (e.bucket == "wheel-urls-v1" || e.bucket == "local-v1") continue;
    e.package = package_of_entry(e.bucket, e.path, wheel_packages);
    if (e.bucket == "wheels-v1" && e.package) wheel_packages[e.path.filename().string()] = *e.package;
  }
  for (auto& e : out)
    if (e.bucket == "wheel-urls-v1" || e.bucket == "local-v1") e.package = package_of_entry(e.bucket, e.path, wheel_packages);
  return out;
}

CacheUsage cache_usage(const fs::path& root) {
  CacheUsage u;
  std::set<std::pair<dev_t, ino_t>> seen;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st{};
    if (::lstat(it->path().c_str(), &st) != 0 || S_ISDIR(st.st_mode)) continue;
    if (st.st_nlink > 1 && !seen.insert({st.st_dev, st.st_ino}).second) continue;
    u.bytes += static_cast<std::uint64_t>(st.st_size);
    u.files += 1;
  }
  return u;
}

util::FileLock lock_cache_for_maintenance(const fs::path& root, std::optional<std::chrono::milliseconds> timeout) {
  return util::FileLock::acquire(root / ".lock", "the cache (another ptinstall is using it)", timeout);
}

Removed clean_cache(const fs::path& root, const std::vector<std::string>& packages) {
  Removed r;
  std::error_code ec;
  if (!fs::exists(root, ec)) return r;
  if (packages.empty()) {
    auto usage = cache_usage(root);
    for (const auto& top : fs::directory_iterator(root, ec)) {
      if (top.path().filename() == ".lock") continue;  // held by us; removing it would let others in
      std::error_code ec2;
      fs::remove_all(top.path(), ec2);
      if (ec2) throw util::msg::io_failed("remove", top.path(), ec2.message());
    }
    r.files = usage.files;
    r.bytes = usage.bytes;
    return r;
  }
  std::set<std::string> wanted;
  for (const auto& p : packages) wanted.insert(normalize(p));
  auto entries = list_cache_entries(root);
  std::vector<const CacheEntry*> doomed;
  for (const auto& e : entries)
    if (e.package && wanted.count(*e.package)) doomed.push_back(&e);
  return remove_entries(doomed);
}

Removed prune_cache(const fs::path& root, const PruneOptions& options) {
  Removed r;
  std::error_code ec;
  if (!fs::exists(root, ec)) return r;
  add(r, remove_leftovers(root));
  auto entries = list_cache_entries(root);
  std::set<std::string> wheels;
  for (const auto& e : entries)
    if (e.bucket == "wheels-v1") wheels.insert(e.path.filename().string());
  std::vector<const CacheEntry*> doomed;
  std::vector<const CacheEntry*> kept;
  for (const auto& e : entries) {
    bool remove = false;
    if (options.ci) {
      // What CI should carry over: wheels built from source (minutes to make again) and the build
      // requirements' resolution; everything else downloads again at the speed of the network.
      remove = e.bucket != "built-wheels-v1" && e.bucket != "build-requires-v1" && e.bucket != "interpreter-v1";
    } else if (e.bucket == "wheel-urls-v1" || e.bucket == "local-v1") {
      // A record of the wheel at a URL (or a local path) whose unpacked entry is gone.
      std::string head = read_head(e.path, 4096);
      bool points = false;
      for (const auto& w : wheels) points = points || head.find(w) != std::string::npos;
      remove = !points;
    } else if (e.bucket == "built-wheels-v1" && e.files == 0) {
      remove = true;  // a lock or directory of a build that never finished
    } else if (e.bucket == "build-envs-v1") {
      remove = true;  // kept build environments: links into wheels-v1, made again by the next build
    }
    (remove ? doomed : kept).push_back(&e);
  }
  add(r, remove_entries(doomed));
  if (options.max_size) {
    std::uint64_t total = cache_usage(root).bytes;
    std::sort(kept.begin(), kept.end(), [](const CacheEntry* a, const CacheEntry* b) { return a->last_used < b->last_used; });
    std::vector<const CacheEntry*> lru;
    for (const CacheEntry* e : kept) {
      if (total <= *options.max_size) break;
      lru.push_back(e);
      total = total > e->bytes ? total - e->bytes : 0;
    }
    add(r, remove_entries(lru));
  }
  return r;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::string t(util::trim(text));
  if (t.empty()) return std::nullopt;
  std::size_t i = 0;
  while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  double value = 0;
  try {
    std::size_t used = 0;
    value = std::stod(t.substr(0, i), &used);
    if (used != i) return std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
  std::string unit = util::to_lower(util::trim(t.substr(i)));
  if (unit.size() > 1 && unit.back() == 'b') unit.pop_back();
  if (unit.size() > 1 && unit.back() == 'i') unit.pop_back();
  static const std::map<std::string, double> units = {{"", 1},          {"b", 1},           {"k", 1024.0},
                                                      {"m", 1048576.0}, {"g", 1073741824.0}, {"t", 1099511627776.0}};
  auto it = units.find(unit);
  if (it == units.end() || value < 0) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(value * it->second));
}

std::string format_size(std::uint64_t bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0) std::snprintf(buf, sizeof buf, "%lluB", static_cast<unsigned long long>(bytes));
  else std::snprintf(buf, sizeof buf, "%.1f%s", v, units[u]);
  return buf;
}

}  // namespace ptinstall::install
