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
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/subprocess.hpp"
#include "record_util.hpp"

namespace ptinstall::install {

using detail::current_umask;
using detail::record_path;

std::size_t compile_bytecode(std::vector<InstalledWheel>& wheels, const InstallScheme& scheme, Transaction& tx) {
  std::string input;
  for (const auto& w : wheels)
    for (const auto& f : w.python_files) input += f.string() + "\n";
  if (input.empty()) return 0;
  // One interpreter run: compile each file like pip (compileall.compile_file, force, quiet) and print
  // the path of every .pyc written.
  static const char* kScript =
      "import sys, compileall, importlib.util, warnings\n"
      "warnings.filterwarnings('ignore')\n"
      "out = []\n"
      "for line in sys.stdin.read().splitlines():\n"
      "    if not line: continue\n"
      "    try:\n"
      "        ok = compileall.compile_file(line, force=True, quiet=2)\n"
      "    except Exception:\n"
      "        ok = False\n"
      "    if ok:\n"
      "        out.append(line + '\\0' + importlib.util.cache_from_source(line))\n"
      "sys.stdout.write('\\n'.join(out))\n";
  // __pycache__ directories that the compilation creates join the transaction too.
  std::set<fs::path> new_cache_dirs;
  for (const auto& w : wheels)
    for (const auto& f : w.python_files)
      if (!fs::exists(f.parent_path() / "__pycache__")) new_cache_dirs.insert(f.parent_path() / "__pycache__");
  util::ProcessOptions po;
  po.stdin_data = input;
  po.env_remove = {"PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"};
  auto r = util::run_process({scheme.python.string(), "-c", kScript}, po);
  if (!r) throw util::Error("failed to run " + scheme.python.string() + " to compile bytecode");
  if (r->exit_code != 0)
    throw util::Error("failed to compile bytecode with " + scheme.python.string() + ": " + std::string(util::trim(r->err)));
  std::map<fs::path, fs::path> pyc_of;
  for (auto line : util::split(r->out, '\n')) {
    auto nul = line.find('\0');
    if (nul == std::string_view::npos) continue;
    pyc_of[fs::path(std::string(line.substr(0, nul)))] = fs::path(std::string(line.substr(nul + 1)));
  }
  for (const auto& d : new_cache_dirs)
    if (fs::exists(d)) tx.created(d);
  std::size_t count = 0;
  for (auto& w : wheels) {
    std::vector<spec::RecordEntry> extra;
    for (const auto& py : w.python_files) {
      auto it = pyc_of.find(py);
      if (it == pyc_of.end()) continue;
      const fs::path& pyc = it->second;
      tx.created(pyc);
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
