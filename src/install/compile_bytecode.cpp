#include "ptinstall/install/compile_bytecode.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "ptinstall/install/transaction.hpp"
#include "ptinstall/spec/record.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/subprocess.hpp"
#include "record_util.hpp"

namespace ptinstall::install {

using detail::current_umask;
using detail::record_path;

namespace {

bool exists_nofollow(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

// One interpreter run. stdin: one "<file.py>\0<file.pyc>" line per file, the .pyc being where
// ptinstall expects importlib.util.cache_from_source to put it (and has journaled). Each file is
// compiled like pip does it (compileall.compile_file, force, quiet, the default optimisation level),
// and "<file.py>\0<file.pyc>" is printed for every .pyc written. A file whose .pyc would land
// elsewhere is skipped: only journaled paths may be written.
// Before each file a newline goes to stdout, whose only reader is ptinstall: when ptinstall has been
// killed the write fails and the compiler stops at once, instead of writing .pyc files after the
// next run has rolled the killed one back.
const char* const kScript =
    "import sys, os, compileall, importlib.util, warnings\n"
    "warnings.filterwarnings('ignore')\n"
    "def say(text):\n"
    "    try:\n"
    "        sys.stdout.write(text)\n"
    "        sys.stdout.flush()\n"
    "    except Exception:\n"
    "        os._exit(1)\n"
    "for line in sys.stdin.read().split('\\n'):\n"
    "    py, sep, pyc = line.partition('\\0')\n"
    "    if not sep: continue\n"
    "    say('\\n')\n"
    "    try:\n"
    "        ok = importlib.util.cache_from_source(py) == pyc and compileall.compile_file(py, force=True, quiet=2)\n"
    "    except Exception:\n"
    "        ok = False\n"
    "    if ok:\n"
    "        say(py + '\\0' + pyc + '\\n')\n";

// importlib.util.cache_from_source at the default optimisation level: <dir>/__pycache__/<stem>.<tag>.pyc.
fs::path pyc_path(const fs::path& py, const std::string& cache_tag) {
  // tail.rpartition('.'), then (base or rest) + sep + tag, as importlib spells it.
  std::string leaf = py.filename().string();
  auto dot = leaf.rfind('.');
  std::string almost = dot == std::string::npos ? leaf + cache_tag
                       : dot == 0              ? leaf.substr(1) + "." + cache_tag
                                               : leaf.substr(0, dot) + "." + cache_tag;
  return py.parent_path() / "__pycache__" / (almost + ".pyc");
}

}  // namespace

std::size_t compile_bytecode(std::vector<InstalledWheel>& wheels, const InstallScheme& scheme, Transaction& tx) {
  if (scheme.cache_tag.empty()) {
    // sys.implementation.cache_tag is None: the interpreter neither reads nor writes .pyc files.
    util::log::debug("not compiling bytecode: " + scheme.python.string() + " has no bytecode cache tag");
    return 0;
  }
  std::string input;
  std::vector<fs::path> pycs;
  std::set<fs::path> new_cache_dirs;
  for (const auto& w : wheels)
    for (const auto& py : w.python_files) {
      if (py.native().find_first_of(std::string("\n\0", 2)) != std::string::npos) continue;  // not one line
      fs::path pyc = pyc_path(py, scheme.cache_tag);
      input += py.string() + '\0' + pyc.string() + '\n';
      pycs.push_back(pyc);
      if (!exists_nofollow(pyc.parent_path())) new_cache_dirs.insert(pyc.parent_path());
    }
  if (input.empty()) return 0;

  // Journal, before the compiler runs, everything it can create: a process killed while it runs
  // (the compiler's own work is not journaled) is then rolled back by the next run. New __pycache__
  // directories are journaled as new paths, so that the rollback removes them whatever is in them
  // (a temporary file of a compiler killed half-way). A .pyc already there (written by an import,
  // not listed in any RECORD) is moved aside first, to come back on rollback.
  // (Moved aside before it is announced: the recovery deletes what is announced.)
  for (const auto& pyc : pycs)
    if (exists_nofollow(pyc)) tx.remove(pyc);
  std::vector<fs::path> announce(new_cache_dirs.begin(), new_cache_dirs.end());
  announce.insert(announce.end(), pycs.begin(), pycs.end());
  tx.will_create(announce);

  util::ProcessOptions po;
  po.stdin_data = input;
  // The default optimisation level and the default cache location: the journaled paths.
  po.env_remove = {"PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONOPTIMIZE"};
  auto r = util::run_process({scheme.python.string(), "-c", kScript}, po);

  // Whatever the outcome, what the compiler wrote belongs to this transaction (a failed run's .pyc
  // files go on rollback too).
  for (const auto& pyc : pycs)
    if (exists_nofollow(pyc)) tx.created(pyc);
  for (const auto& d : new_cache_dirs)
    if (exists_nofollow(d)) tx.created(d);
  if (!r)
    throw util::Error(util::ErrorKind::Environment,
                      "failed to run " + scheme.python.string() + " to compile bytecode");
  if (r->exit_code != 0)
    throw util::Error(util::ErrorKind::Environment, "failed to compile bytecode with " + scheme.python.string() + ": " +
                                                        std::string(util::trim(r->err)));

  std::map<fs::path, fs::path> pyc_of;
  for (auto line : util::split(r->out, '\n')) {
    auto nul = line.find('\0');
    if (nul == std::string_view::npos) continue;
    pyc_of[fs::path(std::string(line.substr(0, nul)))] = fs::path(std::string(line.substr(nul + 1)));
  }
  std::size_t count = 0;
  for (auto& w : wheels) {
    std::vector<spec::RecordEntry> extra;
    for (const auto& py : w.python_files) {
      auto it = pyc_of.find(py);
      if (it == pyc_of.end()) continue;
      const fs::path& pyc = it->second;
      auto h = util::sha256_file(pyc);
      extra.push_back({record_path(pyc, w.lib_dir), "sha256=" + h.urlsafe_b64_nopad(), h.bytes_hashed()});
      w.files.push_back(pyc.lexically_normal());
      ++count;
    }
    if (extra.empty()) continue;
    fs::path record_file = w.dist_info_dir / "RECORD";
    auto rows = spec::parse_record(util::read_file(record_file));
    rows.insert(rows.end(), extra.begin(), extra.end());
    std::sort(rows.begin(), rows.end(), [](const spec::RecordEntry& a, const spec::RecordEntry& b) { return a.path < b.path; });
    // The RECORD was created by this transaction: rewriting it in place needs no backup.
    util::write_file_atomic(record_file, spec::write_record(rows));
    ::chmod(record_file.c_str(), 0666 & ~current_umask());
  }
  return count;
}

}  // namespace ptinstall::install
