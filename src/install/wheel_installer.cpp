#include "ptinstall/install/wheel_installer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <thread>

#include "ptinstall/install/transaction.hpp"
#include "record_util.hpp"
#include "ptinstall/spec/entry_points.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/record.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/link.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/terminal_text.hpp"
#include "ptinstall/util/thread_pool.hpp"

namespace ptinstall::install {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

[[noreturn]] void invalid(std::string_view wheel, const std::string& why, std::string hint = {}) {
  throw util::msg::invalid_wheel(wheel, why, std::move(hint));
}

// Header lines of an RFC 822 style file ("Key: value"), up to the first blank line.
std::map<std::string, std::string> read_headers(const std::string& text) {
  std::map<std::string, std::string> out;
  for (auto line : util::split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos || line.front() == ' ' || line.front() == '\t') continue;
    std::string key = util::to_lower(util::trim(line.substr(0, colon)));
    if (!out.count(key)) out[key] = std::string(util::trim(line.substr(colon + 1)));
  }
  return out;
}

using detail::current_umask;
using detail::record_path;

// Creates `path` exclusively and writes `content` with `mode` (exactly, regardless of the umask).
// Returns 0, or the errno of open() (EEXIST, ENOENT: Transaction::place handles those); a failed
// write removes the file again and throws.
int write_new_file(const fs::path& path, std::string_view content, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return errno;
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(path.c_str());
      throw util::msg::io_failed("write", path, std::strerror(e));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  // open() applied the umask; only a mode it took bits from needs setting again.
  if ((mode & ~current_umask()) != mode) ::fchmod(fd, mode);
  ::close(fd);
  return 0;
}


// The generated files of an install (INSTALLER, REQUESTED, RECORD, launchers, rewritten scripts)
// are mostly the same from one environment to the next. With a store directory in the cache they
// are written there once, named by content hash and mode, and hard-linked into the environment
// like the wheel's own files: a new directory entry instead of a new inode, and allocating inodes
// is most of a warm install's kernel time on ext4. Without a store, or when the link is refused
// (another filesystem, a file of another user), the file is written. Returns 0 or, as
// write_new_file, EEXIST/ENOENT for the transaction to handle.
int place_generated(const fs::path& dest, std::string_view content, std::string_view hash_b64, mode_t mode,
                    const fs::path& store) {
  if (!store.empty()) {
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
    fs::path stored = store / (std::string(hash_b64) + "-" + octal);
    struct stat st {};
    bool ready = ::lstat(stored.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
                 static_cast<std::uint64_t>(st.st_size) == content.size();
    if (!ready) {
      try {
        util::write_file_atomic(stored, content);
        ::chmod(stored.c_str(), mode);
        ready = true;
      } catch (const util::Error& e) {
        util::log::debug(std::string("generated file store: ") + e.what());
      }
    }
    if (ready) {
      int e = util::try_hardlink(stored, dest);
      if (e == 0 || e == EEXIST || e == ENOENT) return e;
    }
  }
  return write_new_file(dest, content, mode);
}

bool within(const fs::path& base, const fs::path& p) {
  auto rel = p.lexically_normal().lexically_relative(base.lexically_normal());
  return !rel.empty() && *rel.begin() != ".." && !rel.is_absolute();
}

// `p` relative to `base` when p's text is base's text, a slash and more (no trailing slash on base):
// what lexically_relative gives then, without its per-component allocations. nullopt otherwise.
std::optional<std::string_view> below(const fs::path& base, const fs::path& p) {
  const std::string& b = base.native();
  const std::string& n = p.native();
  if (b.empty() || b.back() == '/' || n.size() <= b.size() + 1 || n[b.size()] != '/' || n.compare(0, b.size(), b) != 0)
    return std::nullopt;
  return std::string_view(n).substr(b.size() + 1);
}


// record_path and within for paths already lexically normal (lexically_normal is idempotent), the
// common case of every file of a wheel: the same answers with far fewer path operations.
std::string record_path_normal(const fs::path& file, const fs::path& lib_dir) {
  if (auto rel = below(lib_dir, file)) return std::string(*rel);
  return record_path(file, lib_dir);
}

bool within_normal(const fs::path& base, const fs::path& p) {
  if (auto rel = below(base, p)) return !(*rel == ".." || rel->substr(0, 3) == "../");
  return within(base, p);
}

struct Planned {
  std::string wheel_path;  // path inside the wheel ("pkg/mod.py")
  fs::path dest;           // absolute
  enum Kind { Link, Script } kind = Link;
};

// The entry point wrappers setuptools may ship in .data/scripts (EP, EP.exe, EP-script.py, EP.pya)
// are skipped, as pip does, since we generate our own.
bool is_entrypoint_wrapper(std::string name, const std::set<std::string>& entry_names) {
  std::string lower = util::to_lower(name);
  if (ends_with(lower, ".exe")) name = name.substr(0, name.size() - 4);
  else if (ends_with(lower, "-script.py")) name = name.substr(0, name.size() - 10);
  else if (ends_with(lower, ".pya")) name = name.substr(0, name.size() - 4);
  return entry_names.count(name) > 0;
}

}  // namespace

std::string shebang(const fs::path& python, bool relocatable) {
  if (relocatable) {
    std::string name;
    for (char c : python.filename().string()) name += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return "#!/bin/sh\n'''exec' \"$(dirname -- \"$(realpath -- \"$0\")\")\"/'" + name + "' \"$0\" \"$@\"\n' '''\n";
  }
  std::string exe = python.string();
  if (exe.find(' ') != std::string::npos && exe.front() != '"') exe = "\"" + exe + "\"";
  bool simple = exe.find(' ') == std::string::npos && exe.size() + 3 <= 127;
  if (simple) return "#!" + exe + "\n";
  return "#!/bin/sh\n'''exec' " + exe + " \"$0\" \"$@\"\n' '''\n";
}

std::string launcher_script(std::string_view module, std::string_view attr) {
  if (module.empty() || attr.empty())
    throw util::Error(util::ErrorKind::Wheel,
                      "invalid script entry point `" + std::string(module) + (attr.empty() ? "" : ":") +
                          std::string(attr) + "`: a callable suffix is required",
                      "entry points look like `name = module:function`");
  std::string import_name(attr.substr(0, attr.find('.')));
  return "# -*- coding: utf-8 -*-\n"
         "import re\n"
         "import sys\n"
         "from " + std::string(module) + " import " + import_name + "\n"
         "if __name__ == '__main__':\n"
         "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
         "    sys.exit(" + std::string(attr) + "())\n";
}

std::vector<std::pair<std::string, std::string>> console_script_specs(std::vector<std::pair<std::string, std::string>> console,
                                                                     int major, int minor) {
  std::vector<std::pair<std::string, std::string>> out;
  auto pop = [&](const std::string& name) -> std::optional<std::string> {
    for (auto it = console.begin(); it != console.end(); ++it)
      if (it->first == name) {
        std::string v = it->second;
        console.erase(it);
        return v;
      }
    return std::nullopt;
  };
  std::string xy = std::to_string(major) + "." + std::to_string(minor);
  if (auto pip = pop("pip")) {
    out.emplace_back("pip", *pip);
    out.emplace_back("pip" + std::to_string(major), *pip);
    out.emplace_back("pip" + xy, *pip);
    static const std::regex versioned(R"(pip(\d+(\.\d+)?)?)");
    std::erase_if(console, [](const auto& e) { return std::regex_match(e.first, versioned); });
  }
  if (auto ei = pop("easy_install")) {
    out.emplace_back("easy_install", *ei);
    out.emplace_back("easy_install-" + xy, *ei);
    static const std::regex versioned(R"(easy_install(-\d+\.\d+)?)");
    std::erase_if(console, [](const auto& e) { return std::regex_match(e.first, versioned); });
  }
  for (auto& e : console) out.push_back(std::move(e));
  return out;
}

WheelInfo WheelInfo::read(const fs::path& dir, std::string_view display_name, std::optional<std::string_view> expected_name) {
  WheelInfo info;
  info.dir = dir;
  std::vector<std::string> dist_infos;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string n = e.path().filename().string();
    if (ends_with(n, ".dist-info") && e.is_directory()) dist_infos.push_back(n);
  }
  if (ec) throw util::msg::io_failed("read", dir, ec.message());
  if (dist_infos.empty()) invalid(display_name, "no .dist-info directory");
  if (dist_infos.size() > 1) {
    std::sort(dist_infos.begin(), dist_infos.end());
    invalid(display_name, "more than one .dist-info directory: " + util::join(dist_infos, ", "));
  }
  info.dist_info = dist_infos.front();
  info.data_dir = info.dist_info.substr(0, info.dist_info.size() - 10) + ".data";

  auto metadata = util::try_read_file(dir / info.dist_info / "METADATA");
  if (!metadata) invalid(display_name, "no " + info.dist_info + "/METADATA");
  auto md = read_headers(*metadata);
  info.name = md["name"];
  info.version = md["version"];
  if (info.name.empty() || info.version.empty()) invalid(display_name, "METADATA has no Name or Version");
  if (expected_name && !spec::names_equal(info.name, *expected_name))
    invalid(display_name, "its METADATA names `" + info.name + "`, not `" + std::string(*expected_name) + "`");
  // The .dist-info directory must belong to that project (pip checks the same).
  std::string stem = info.dist_info.substr(0, info.dist_info.size() - 10);
  std::string dist_name = stem.substr(0, stem.find('-'));
  if (!spec::names_equal(dist_name, info.name))
    invalid(display_name, ".dist-info directory `" + info.dist_info + "` does not start with `" + info.name + "`");

  auto wheel_text = util::try_read_file(dir / info.dist_info / "WHEEL");
  if (!wheel_text) invalid(display_name, "no " + info.dist_info + "/WHEEL");
  auto wheel = read_headers(*wheel_text);
  const std::string& wv = wheel["wheel-version"];
  if (wv.empty()) invalid(display_name, "WHEEL has no Wheel-Version");
  auto dot = wv.find('.');
  int major = 0;
  try {
    major = std::stoi(wv.substr(0, dot));
  } catch (...) {
    invalid(display_name, "bad Wheel-Version `" + wv + "`");
  }
  if (major != 1)
    throw util::Error(util::ErrorKind::Wheel,
                      "wheel " + std::string(display_name) + " has Wheel-Version " + wv + ", which is not supported",
                      "only version 1.x wheels can be installed");
  if (dot != std::string::npos && wv.substr(dot + 1) != "0")
    util::log::debug("wheel " + std::string(display_name) + " has Wheel-Version " + wv + " (newer than 1.0)");
  info.root_is_purelib = util::to_lower(wheel["root-is-purelib"]) == "true";
  return info;
}

InstalledWheel install_wheel(const WheelInfo& wheel, const InstallScheme& scheme, util::Linker& linker, Transaction& tx,
                             const InstallOptions& options, const std::vector<InstalledDist>& replacing) {
  const std::string display = wheel.name + "==" + wheel.version;
  InstalledWheel result;
  result.name = wheel.name;
  result.version = wheel.version;
  result.lib_dir = (wheel.root_is_purelib ? scheme.purelib : scheme.platlib).lexically_normal();
  result.dist_info_dir = result.lib_dir / wheel.dist_info;

  // What the old versions own, read before anything is overwritten (their RECORD may be replaced).
  std::vector<std::pair<const InstalledDist*, std::vector<fs::path>>> old_files;
  for (const auto& old : replacing) old_files.emplace_back(&old, installed_files(old));

  // The wheel's RECORD (already verified against the files when the wheel was unpacked).
  std::map<std::string, spec::RecordEntry> record;
  for (auto& e : spec::parse_record(util::read_file(wheel.dir / wheel.dist_info / "RECORD")))
    record[e.path] = e;

  // Entry points.
  std::vector<std::pair<std::string, std::string>> console, gui;
  std::set<std::string> entry_names;
  std::vector<spec::EntryPoint> eps;
  if (auto text = util::try_read_file(wheel.dir / wheel.dist_info / "entry_points.txt")) {
    try {
      eps = spec::parse_entry_points(*text);
    } catch (const util::Error& e) {
      invalid(display, std::string("bad entry_points.txt: ") + e.what());
    }
    for (const auto& ep : eps) {
      if (ep.group != "console_scripts" && ep.group != "gui_scripts") continue;
      // The name becomes a file in bin/ and the reference Python code in its launcher: a name with a
      // '/' or a control character, or a reference outside `module:attr`, would write elsewhere or
      // inject code (pip installs both); refused.
      if (!spec::is_script_name(ep.name))
        invalid(display, ep.group + " entry point `" + util::escape_for_terminal(ep.name) + "` is not a valid file name",
                "a script name may not be `.` or `..` nor contain `/`, `\\` or control characters");
      if (!ep.is_valid())
        invalid(display, ep.group + " entry point `" + ep.name + "` has an invalid object reference `" +
                             util::escape_for_terminal(ep.value) + "`",
                "an entry point's object reference is `module.path:object.attr` (dotted Python identifiers)");
      std::string value = ep.module + (ep.attr.empty() ? "" : ":" + ep.attr);
      if (ep.group == "console_scripts") console.emplace_back(ep.name, value);
      else if (ep.group == "gui_scripts") gui.emplace_back(ep.name, value);
      else continue;
      entry_names.insert(ep.name);
    }
  }

  // Plan every file of the unpacked tree.
  std::vector<Planned> plan;
  const fs::path headers_dir = scheme.headers / wheel.name;
  std::error_code ec;
  for (const std::string& rel : util::list_files(wheel.dir)) {
    auto slash = rel.find('/');
    std::string top = rel.substr(0, slash);
    if (top == wheel.dist_info) {
      std::string leaf = rel.substr(slash + 1);
      if (leaf == "RECORD" || leaf == "INSTALLER" || leaf == "REQUESTED" || leaf == "direct_url.json" ||
          leaf == "RECORD.jws" || leaf == "RECORD.p7s")
        continue;  // generated below (signatures no longer match an installed RECORD)
    }
    if (top == wheel.data_dir && slash != std::string::npos) {
      std::string rest = rel.substr(slash + 1);
      auto s2 = rest.find('/');
      if (s2 == std::string::npos)
        invalid(display, "unexpected file " + rel + ": .data contents must be named <scheme key>/<path>");
      std::string key = rest.substr(0, s2);
      std::string sub = rest.substr(s2 + 1);
      fs::path base;
      if (key == "purelib") base = scheme.purelib;
      else if (key == "platlib") base = scheme.platlib;
      else if (key == "headers") base = headers_dir;
      else if (key == "scripts") base = scheme.scripts;
      else if (key == "data") base = scheme.data;
      else
        invalid(display, "unknown scheme key `" + key + "` in " + rel +
                             " (valid keys: data, headers, platlib, purelib, scripts)");
      fs::path dest = (base / sub).lexically_normal();
      if (!within(base, dest)) invalid(display, rel + " would be installed outside " + base.string());
      if (key == "scripts") {
        if (is_entrypoint_wrapper(fs::path(sub).filename().string(), entry_names)) continue;
        plan.push_back({rel, dest, Planned::Script});
      } else {
        plan.push_back({rel, dest, Planned::Link});
      }
      continue;
    }
    fs::path dest = util::is_plain_relative_path(rel) && result.lib_dir.is_absolute() ? result.lib_dir / rel
                                                                       : (result.lib_dir / rel).lexically_normal();
    if (!within_normal(result.lib_dir, dest)) invalid(display, rel + " would be installed outside " + result.lib_dir.string());
    plan.push_back({rel, dest, Planned::Link});
  }
  std::sort(plan.begin(), plan.end(), [](const Planned& a, const Planned& b) { return a.wheel_path < b.wheel_path; });

  std::vector<spec::RecordEntry> rows;
  // Places a generated file (see place_generated) and lists it in the RECORD. The store only
  // where the wheel's files are hard links too: clones and copies are independent of the cache.
  auto store_now = [&] { return linker.current() == util::LinkMode::Hardlink ? options.generated_store : fs::path(); };
  auto add_generated = [&](const fs::path& path, std::string_view content, mode_t mode) {
    std::string hash = util::sha256_urlsafe_b64_nopad(content);
    tx.place(path, [&] { return place_generated(path, content, hash, mode, store_now()); }, options.order);
    rows.push_back({record_path(path, result.lib_dir), "sha256=" + hash, static_cast<std::uint64_t>(content.size())});
    result.files.push_back(path.lexically_normal());
  };
  const std::string sb = shebang(scheme.python, scheme.relocatable);
  {
    // One journal write for every file of the wheel, instead of one per file.
    std::vector<fs::path> dests;
    dests.reserve(plan.size());
    for (const auto& p : plan) dests.push_back(p.dest);
    tx.will_create(dests, /*may_exist=*/true);
  }

  // Rewritten scripts first (one thread: they are few and write rows directly), then the linked files.
  std::vector<std::size_t> links;  // indices into plan
  links.reserve(plan.size());
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const Planned& p = plan[i];
    if (p.kind == Planned::Script) {
      fs::path src = wheel.dir / p.wheel_path;
      std::string content = util::read_file(src);
      if (content.rfind("#!python", 0) == 0) {
        auto nl = content.find('\n');
        std::string rest = nl == std::string::npos ? std::string() : content.substr(nl + 1);
        std::string fixed = sb + rest;
        // pip rewrites the extracted file in place, so it keeps the mode the zip gave it.
        struct stat st {};
        mode_t mode = ::stat(src.c_str(), &st) == 0 ? (st.st_mode & 07777) : (0666 & ~current_umask());
        add_generated(p.dest, fixed, mode);
        continue;
      }
      // Not a #!python script: linked as is (executable bits come from the zip).
    }
    links.push_back(i);
  }
  std::vector<spec::RecordEntry> link_rows(links.size());
  auto place_link = [&](std::size_t k) {
    const Planned& p = plan[links[k]];
    fs::path src = wheel.dir / p.wheel_path;
    tx.place(p.dest, [&] { return linker.try_link(src, p.dest); }, options.order);
    if (auto it = record.find(p.wheel_path); it != record.end()) {
      link_rows[k] = {record_path_normal(p.dest, result.lib_dir), it->second.hash, it->second.size};
    } else {
      auto h = util::sha256_file(src);
      link_rows[k] = {record_path_normal(p.dest, result.lib_dir), "sha256=" + h.urlsafe_b64_nopad(), h.bytes_hashed()};
    }
  };
  // A big wheel (torch: 15,000 files) links on a few threads of its own: one thread leaves the
  // kernel work of a single wheel serial, a third slower than `cp -al` of the same tree, while the
  // other wheels of the install are long done. Runs of consecutive files (sorted, so mostly one
  // directory each) per job.
  constexpr std::size_t kParallelLinks = 1000, kRun = 128;
  std::unique_ptr<util::ThreadPool> pool;
  if (links.size() >= kParallelLinks)
    pool = std::make_unique<util::ThreadPool>(std::clamp<std::size_t>(std::thread::hardware_concurrency(), 2, 4));
  util::parallel_for(pool.get(), (links.size() + kRun - 1) / kRun, [&](std::size_t run) {
    for (std::size_t k = run * kRun; k < std::min(links.size(), (run + 1) * kRun); ++k) place_link(k);
  });
  for (std::size_t k = 0; k < links.size(); ++k) {
    const fs::path& dest = plan[links[k]].dest;
    rows.push_back(std::move(link_rows[k]));
    result.files.push_back(dest);
    if (ends_with(dest.native(), ".py")) result.python_files.push_back(dest);
  }

  // Launchers for console_scripts and gui_scripts.
  const mode_t script_mode = (0666 & ~current_umask()) | 0555;
  auto make_scripts = [&](const std::vector<std::pair<std::string, std::string>>& specs) {
    for (const auto& [name, value] : specs) {
      auto colon = value.find(':');
      std::string module(util::trim(std::string_view(value).substr(0, colon)));
      std::string attr = colon == std::string::npos ? "" : std::string(util::trim(value.substr(colon + 1)));
      // "module:attr [extra]": the extras part is not part of the callable.
      if (auto b = attr.find('['); b != std::string::npos) attr = std::string(util::trim(attr.substr(0, b)));
      std::string text = sb + launcher_script(module, attr);
      fs::path dest = (scheme.scripts / name).lexically_normal();
      if (!within(scheme.scripts, dest)) invalid(display, "entry point name `" + name + "` is not a valid file name");
      add_generated(dest, text, script_mode);
    }
  };
  make_scripts(console_script_specs(console, scheme.python_major, scheme.python_minor));
  make_scripts(gui);

  // The generated .dist-info files.
  const mode_t file_mode = 0666 & ~current_umask();
  auto generate = [&](const std::string& leaf, const std::string& content) {
    add_generated(result.dist_info_dir / leaf, content, file_mode);
  };
  generate("INSTALLER", options.installer + "\n");
  if (options.direct_url_json) generate("direct_url.json", *options.direct_url_json);
  if (options.requested) generate("REQUESTED", "");

  fs::path record_file = result.dist_info_dir / "RECORD";
  rows.push_back({record_path(record_file, result.lib_dir), "", std::nullopt});
  std::sort(rows.begin(), rows.end(), [](const spec::RecordEntry& a, const spec::RecordEntry& b) { return a.path < b.path; });
  {
    std::string text = spec::write_record(rows);
    std::string hash = util::sha256_urlsafe_b64_nopad(text);
    tx.place(record_file, [&] { return place_generated(record_file, text, hash, file_mode, store_now()); },
             options.order);
  }
  result.files.push_back(record_file.lexically_normal());

  // Now that the new files are in place, remove what the old versions own and we did not overwrite.
  for (const auto& [old, files] : old_files) {
    std::set<fs::path> keep(result.files.begin(), result.files.end());
    for (const auto& f : files) {
      if (keep.count(f)) continue;
      if (f == old->metadata_dir.lexically_normal()) continue;
      if (fs::is_directory(fs::symlink_status(f, ec))) continue;
      tx.remove(f);
    }
    fs::path md = old->metadata_dir.lexically_normal();
    if (md != result.dist_info_dir.lexically_normal()) {
      tx.remove_dir(md);
    } else {
      for (const auto& e : fs::directory_iterator(md, ec))
        if (!keep.count(e.path().lexically_normal())) tx.remove(e.path());
    }
  }
  return result;
}

}  // namespace ptinstall::install
