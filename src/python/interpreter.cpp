#include "ptinstall/python/interpreter.hpp"

#include <sys/stat.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/subprocess.hpp"

namespace ptinstall::python {

using nlohmann::json;

namespace {

std::string str_or(const json& j, const char* key, std::string fallback = {}) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}

int int_or(const json& j, const char* key, int fallback = 0) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return fallback;
  return it->get<int>();
}

bool bool_or(const json& j, const char* key, bool fallback = false) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_boolean()) return fallback;
  return it->get<bool>();
}

const json& object_at(const json& j, const char* key) {
  static const json empty = json::object();
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : empty;
}

SchemePaths scheme_from(const json& j) {
  return {str_or(j, "purelib"), str_or(j, "platlib"), str_or(j, "scripts"), str_or(j, "data"), str_or(j, "include")};
}

json scheme_to(const SchemePaths& s) {
  return {{"purelib", s.purelib.string()},
          {"platlib", s.platlib.string()},
          {"scripts", s.scripts.string()},
          {"data", s.data.string()},
          {"include", s.include.string()}};
}

fs::path substitute(const fs::path& templ, std::string_view placeholder, const fs::path& root) {
  std::string t = templ.string();
  if (!placeholder.empty() && t.rfind(placeholder, 0) == 0) {
    std::string rest = t.substr(placeholder.size());
    fs::path out = root;
    if (!rest.empty() && rest.front() == '/') rest.erase(0, 1);
    return rest.empty() ? out : out / rest;
  }
  return templ;
}

SchemePaths substitute_all(const SchemePaths& s, std::string_view placeholder, const fs::path& root) {
  return {substitute(s.purelib, placeholder, root), substitute(s.platlib, placeholder, root),
          substitute(s.scripts, placeholder, root), substitute(s.data, placeholder, root),
          substitute(s.include, placeholder, root)};
}

struct FileStamp {
  std::int64_t mtime_ns = 0;
  std::int64_t size = 0;
  bool operator==(const FileStamp&) const = default;
};

std::optional<FileStamp> stamp_of(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileStamp{static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                   static_cast<std::int64_t>(st.st_size)};
}

fs::path real_path(const fs::path& p) {
  std::error_code ec;
  auto r = fs::canonical(p, ec);
  return ec ? p : r;
}

// The cached entry is valid when the interpreter is still the same file and the script that
// produced the entry is the one compiled into this binary.
std::string script_digest() {
  static const std::string digest = util::sha256_hex(interpreter_query_script()).substr(0, 16);
  return digest;
}

std::optional<InterpreterInfo> read_cache(const fs::path& file, const fs::path& path, const fs::path& real,
                                          const FileStamp& stamp) {
  auto text = util::try_read_file(file);
  if (!text) return std::nullopt;
  try {
    json entry = json::parse(*text);
    if (str_or(entry, "path") != path.string() || str_or(entry, "real_path") != real.string() ||
        str_or(entry, "script") != script_digest())
      return std::nullopt;
    if (entry.at("mtime_ns").get<std::int64_t>() != stamp.mtime_ns || entry.at("size").get<std::int64_t>() != stamp.size)
      return std::nullopt;
    auto info = InterpreterInfo::from_json(entry.at("info").dump());
    info.queried_path = path;
    return info;
  } catch (const std::exception& e) {
    util::log::debug("ignoring unreadable interpreter cache entry " + file.string() + ": " + e.what());
    return std::nullopt;
  }
}

}  // namespace

std::optional<std::pair<int, int>> parse_major_minor(std::string_view version) {
  int major = 0, minor = 0;
  const char* begin = version.data();
  const char* end = begin + version.size();
  auto r1 = std::from_chars(begin, end, major);
  if (r1.ec != std::errc() || r1.ptr == begin) return std::nullopt;
  if (r1.ptr == end) return std::make_pair(major, 0);
  if (*r1.ptr != '.') return std::nullopt;
  auto r2 = std::from_chars(r1.ptr + 1, end, minor);
  if (r2.ec != std::errc() || r2.ptr == r1.ptr + 1) return std::nullopt;
  return std::make_pair(major, minor);
}

std::string InterpreterInfo::short_version() const { return std::to_string(major) + "." + std::to_string(minor); }

std::string InterpreterInfo::display_name() const {
  return (implementation_display.empty() ? std::string("Python") : implementation_display) + " " + version;
}

SchemePaths InterpreterInfo::prefix_paths(const fs::path& root) const {
  return substitute_all(prefix_template, placeholder, root);
}

SchemePaths InterpreterInfo::venv_paths(const fs::path& root) const {
  return substitute_all(venv_template, placeholder, root);
}

std::string InterpreterInfo::to_json() const {
  json j = {
      {"result", "success"},
      {"executable", executable.string()},
      {"base_executable", base_executable.string()},
      {"prefix", prefix.string()},
      {"base_prefix", base_prefix.string()},
      {"exec_prefix", exec_prefix.string()},
      {"base_exec_prefix", base_exec_prefix.string()},
      {"is_venv", is_venv},
      {"version",
       {{"full", version}, {"major", major}, {"minor", minor}, {"micro", micro}, {"releaselevel", release_level},
        {"serial", serial}}},
      {"implementation",
       {{"name", implementation_name},
        {"version", implementation_version},
        {"display", implementation_display},
        {"cache_tag", cache_tag.empty() ? json(nullptr) : json(cache_tag)}}},
      {"paths", scheme_to(paths)},
      {"stdlib", stdlib.string()},
      {"default_scheme", default_scheme},
      {"prefix_scheme", prefix_scheme},
      {"prefix_paths", scheme_to(prefix_template)},
      {"venv_scheme", venv_scheme},
      {"venv_paths", scheme_to(venv_template)},
      {"placeholder", placeholder},
      {"markers", json(markers)},
      {"abi",
       {{"soabi", soabi},
        {"abiflags", abiflags},
        {"gil_disabled", gil_disabled},
        {"pointer_size", pointer_bits},
        {"ext_suffix", ext_suffix}}},
      {"platform",
       {{"sysconfig", sysconfig_platform},
        {"glibc", glibc_version.empty() ? json(nullptr) : json(glibc_version)},
        {"musl", musl_version.empty() ? json(nullptr) : json(musl_version)},
        {"macos", macos_version.empty() ? json(nullptr) : json(macos_version)}}},
      {"externally_managed", externally_managed ? json(externally_managed->string()) : json(nullptr)},
      {"sys_path", sys_path},
  };
  return j.dump();
}

InterpreterInfo InterpreterInfo::from_json(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw util::Error(util::ErrorKind::Environment, std::string("invalid interpreter information: ") + e.what());
  }
  if (!j.is_object())
    throw util::Error(util::ErrorKind::Environment, "invalid interpreter information: not a JSON object");
  std::string result = str_or(j, "result");
  if (result == "error") {
    if (str_or(j, "kind") == "unsupported_python_version")
      throw util::Error(util::ErrorKind::Environment, "python " + str_or(j, "version", "?") + " is not supported",
                        "ptinstall needs Python 3.6 or newer");
    throw util::Error(util::ErrorKind::Environment,
                      "the interpreter reported an error: " + str_or(j, "kind", "unknown"));
  }
  if (result != "success")
    throw util::Error(util::ErrorKind::Environment, "invalid interpreter information: no result");

  InterpreterInfo info;
  try {
    info.executable = str_or(j, "executable");
    info.base_executable = str_or(j, "base_executable", info.executable.string());
    info.prefix = str_or(j, "prefix");
    info.base_prefix = str_or(j, "base_prefix", info.prefix.string());
    info.exec_prefix = str_or(j, "exec_prefix", info.prefix.string());
    info.base_exec_prefix = str_or(j, "base_exec_prefix", info.base_prefix.string());
    info.is_venv = bool_or(j, "is_venv");

    const json& v = j.at("version");
    info.version = v.at("full").get<std::string>();
    info.major = v.at("major").get<int>();
    info.minor = v.at("minor").get<int>();
    info.micro = int_or(v, "micro");
    info.release_level = str_or(v, "releaselevel", "final");
    info.serial = int_or(v, "serial");

    const json& impl = object_at(j, "implementation");
    info.implementation_name = str_or(impl, "name", "cpython");
    info.implementation_version = str_or(impl, "version", info.version);
    info.implementation_display = str_or(impl, "display", "CPython");
    info.cache_tag = str_or(impl, "cache_tag");

    info.paths = scheme_from(object_at(j, "paths"));
    info.stdlib = str_or(j, "stdlib");
    info.default_scheme = str_or(j, "default_scheme");
    info.prefix_scheme = str_or(j, "prefix_scheme");
    info.prefix_template = scheme_from(object_at(j, "prefix_paths"));
    info.venv_scheme = str_or(j, "venv_scheme");
    info.venv_template = scheme_from(object_at(j, "venv_paths"));
    info.placeholder = str_or(j, "placeholder");

    for (const auto& [k, val] : object_at(j, "markers").items())
      if (val.is_string()) info.markers[k] = val.get<std::string>();

    const json& abi = object_at(j, "abi");
    info.soabi = str_or(abi, "soabi");
    info.abiflags = str_or(abi, "abiflags");
    info.ext_suffix = str_or(abi, "ext_suffix");
    info.gil_disabled = bool_or(abi, "gil_disabled");
    info.pointer_bits = int_or(abi, "pointer_size", 64);

    const json& plat = object_at(j, "platform");
    info.sysconfig_platform = str_or(plat, "sysconfig");
    info.glibc_version = str_or(plat, "glibc");
    info.musl_version = str_or(plat, "musl");
    info.macos_version = str_or(plat, "macos");

    if (auto em = str_or(j, "externally_managed"); !em.empty()) info.externally_managed = fs::path(em);
    if (auto it = j.find("sys_path"); it != j.end() && it->is_array())
      for (const auto& p : *it)
        if (p.is_string()) info.sys_path.push_back(p.get<std::string>());
  } catch (const json::exception& e) {
    throw util::Error(util::ErrorKind::Environment, std::string("invalid interpreter information: ") + e.what());
  }
  if (info.executable.empty())
    throw util::Error(util::ErrorKind::Environment, "invalid interpreter information: no executable");
  return info;
}

fs::path interpreter_cache_path(const fs::path& cache_dir, const fs::path& executable) {
  fs::path abs = fs::absolute(executable).lexically_normal();
  std::string key = abs.string() + '\0' + real_path(abs).string();
  return cache_dir / "interpreter-v1" / (util::sha256_hex(key).substr(0, 16) + ".json");
}

InterpreterInfo query_interpreter(const fs::path& executable, const QueryOptions& options) {
  const fs::path path = fs::absolute(executable).lexically_normal();
  const fs::path real = real_path(path);
  auto stamp = stamp_of(real);
  if (!stamp)
    throw util::Error(util::ErrorKind::Environment,
                      "no python interpreter at " + path.string() + ": the file does not exist");

  std::optional<fs::path> cache_file;
  if (options.cache_dir) {
    cache_file = interpreter_cache_path(*options.cache_dir, path);
    if (auto cached = read_cache(*cache_file, path, real, *stamp)) {
      util::log::trace("interpreter information for " + path.string() + " from the cache");
      return *cached;
    }
  }

  util::log::debug("querying the python interpreter at " + path.string());
  util::ProcessOptions popts;
  popts.cwd = "/";  // nothing in the working directory can shadow a module the script imports
  auto res = util::run_process({path.string(), "-E", "-s", "-B", "-c", std::string(interpreter_query_script())}, popts);
  if (!res) throw util::Error(util::ErrorKind::Environment, "failed to run the python interpreter at " + path.string());
  // The JSON is the last line that looks like an object (a sitecustomize may print before it).
  std::string_view out = res->out;
  std::string_view line;
  while (!out.empty()) {
    auto nl = out.find_last_of('\n');
    std::string_view candidate = nl == std::string_view::npos ? out : out.substr(nl + 1);
    out = nl == std::string_view::npos ? std::string_view() : out.substr(0, nl);
    if (!candidate.empty() && candidate.front() == '{') {
      line = candidate;
      break;
    }
  }
  if (res->exit_code != 0 || line.empty()) {
    std::string detail = res->err;
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    if (detail.size() > 2000) detail = "..." + detail.substr(detail.size() - 2000);
    throw util::Error(util::ErrorKind::Environment,
                      "failed to query the python interpreter at " + path.string() + " (exit status " +
                          std::to_string(res->exit_code) + ")" + (detail.empty() ? "" : ":\n" + detail),
                      "check that it is a working CPython 3.6 or newer");
  }
  InterpreterInfo info;
  try {
    info = InterpreterInfo::from_json(line);
  } catch (const util::Error& e) {
    throw util::Error(util::ErrorKind::Environment, std::string(e.what()) + " (from " + path.string() + ")", e.hint());
  }
  info.queried_path = path;

  // Only cache when the path is (a link to) the interpreter itself: a wrapper such as a pyenv shim
  // answers for whichever interpreter it picks today, which its own mtime does not reflect.
  if (cache_file && real_path(info.executable) == real) {
    json entry = {{"path", path.string()},        {"real_path", real.string()}, {"mtime_ns", stamp->mtime_ns},
                  {"size", stamp->size},          {"script", script_digest()},  {"info", json::parse(info.to_json())}};
    try {
      util::write_file_atomic(*cache_file, entry.dump());
    } catch (const std::exception& e) {
      util::log::debug("could not write the interpreter cache entry " + cache_file->string() + ": " + e.what());
    }
  } else if (cache_file) {
    util::log::debug(path.string() + " runs " + info.executable.string() + "; not caching its information");
  }
  return info;
}

}  // namespace ptinstall::python
