#include "ptinstall/spec/tags.hpp"

#include <algorithm>
#include <set>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::spec {

namespace {

std::string key_of(std::string_view i, std::string_view a, std::string_view p) {
  std::string k;
  k.reserve(i.size() + a.size() + p.size() + 2);
  k.append(i).append(1, '-').append(a).append(1, '-').append(p);
  return k;
}

bool has_upper(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string nodot(int major, int minor) { return std::to_string(major) + std::to_string(minor); }

// ---- linux -------------------------------------------------------------------------------

std::string linux_arch(std::string_view arch) {
  std::string a = util::to_lower(arch);
  if (a == "arm64") return "aarch64";
  if (a == "amd64" || a == "x64") return "x86_64";
  if (a == "x86" || a == "i386" || a == "i486" || a == "i586") return "i686";
  return a;
}

// Arches for which manylinux wheels exist (packaging's _have_compatible_abi; riscv64 and
// loongarch64 were added in packaging 24).
bool manylinux_arch(const std::string& arch) {
  static const std::set<std::string> arches = {"x86_64", "i686",  "aarch64", "armv7l",     "ppc64",
                                               "ppc64le", "s390x", "riscv64", "loongarch64"};
  return arches.count(arch) > 0;
}

const char* legacy_manylinux(int major, int minor) {
  if (major == 2 && minor == 17) return "manylinux2014";
  if (major == 2 && minor == 12) return "manylinux2010";
  if (major == 2 && minor == 5) return "manylinux1";
  return nullptr;
}

void manylinux_tags(std::pair<int, int> glibc, const std::string& arch, std::vector<std::string>& out) {
  if (!manylinux_arch(arch)) return;
  // Oldest glibc with manylinux wheels: 2.5 on x86, 2.17 elsewhere.
  const std::pair<int, int> too_old = (arch == "x86_64" || arch == "i686") ? std::pair{2, 4} : std::pair{2, 16};
  std::vector<std::pair<int, int>> maxima{glibc};
  // Older glibc majors (none exist yet) would be searched from minor 50 down, as packaging does.
  for (int major = glibc.first - 1; major > 1; --major) maxima.emplace_back(major, 50);
  for (auto [major, max_minor] : maxima) {
    int min_minor = major == too_old.first ? too_old.second : -1;
    for (int minor = max_minor; minor > min_minor; --minor) {
      out.push_back("manylinux_" + std::to_string(major) + "_" + std::to_string(minor) + "_" + arch);
      if (const char* legacy = legacy_manylinux(major, minor)) out.push_back(std::string(legacy) + "_" + arch);
    }
  }
}

// ---- macOS -------------------------------------------------------------------------------

std::vector<std::string> mac_binary_formats(std::pair<int, int> version, const std::string& cpu) {
  std::vector<std::string> formats{cpu};
  if (cpu == "x86_64") {
    if (version < std::pair{10, 4}) return {};
    formats.insert(formats.end(), {"intel", "fat64", "fat32"});
  } else if (cpu == "i386") {
    if (version < std::pair{10, 4}) return {};
    formats.insert(formats.end(), {"intel", "fat32", "fat"});
  } else if (cpu == "ppc64") {
    if (version > std::pair{10, 5} || version < std::pair{10, 4}) return {};
    formats.push_back("fat64");
  } else if (cpu == "ppc") {
    if (version > std::pair{10, 6}) return {};
    formats.insert(formats.end(), {"fat32", "fat"});
  }
  if (cpu == "arm64" || cpu == "x86_64") formats.push_back("universal2");
  if (cpu == "x86_64" || cpu == "i386" || cpu == "ppc64" || cpu == "ppc" || cpu == "intel")
    formats.push_back("universal");
  return formats;
}

std::string mac_arch(std::string_view arch) {
  std::string a = util::to_lower(arch);
  if (a == "aarch64") return "arm64";
  if (a == "amd64") return "x86_64";
  return a;
}

void mac_tags(std::pair<int, int> version, const std::string& arch, std::vector<std::string>& out) {
  auto emit = [&](int major, int minor, const std::string& format) {
    out.push_back("macosx_" + std::to_string(major) + "_" + std::to_string(minor) + "_" + format);
  };
  if (version >= std::pair{10, 0} && version < std::pair{11, 0}) {
    // Up to 10.15 every yearly release bumped the minor version.
    for (int minor = version.second; minor >= 0; --minor)
      for (const auto& f : mac_binary_formats({10, minor}, arch)) emit(10, minor, f);
  }
  if (version >= std::pair{11, 0}) {
    // From 11 on the major version is the yearly release; minor versions are mid-year updates.
    for (int major = version.first; major > 10; --major)
      for (const auto& f : mac_binary_formats({major, 0}, arch)) emit(major, 0, f);
    // x86_64 runs binaries built for older releases; arm64 only universal2 ones, whose x86_64
    // half may target macOS 10.
    for (int minor = 16; minor > 3; --minor) {
      if (arch == "x86_64") {
        for (const auto& f : mac_binary_formats({10, minor}, arch)) emit(10, minor, f);
      } else {
        emit(10, minor, "universal2");
      }
    }
  }
}

// ---- windows -----------------------------------------------------------------------------

std::string windows_platform(std::string_view arch) {
  std::string a = util::to_lower(arch);
  if (a == "x86_64" || a == "amd64" || a == "x64") return "win_amd64";
  if (a == "i686" || a == "i386" || a == "x86" || a == "win32") return "win32";
  if (a == "aarch64" || a == "arm64") return "win_arm64";
  return "win_" + a;
}

// ---- interpreter parts (packaging.tags) --------------------------------------------------

std::vector<std::string> cpython_abis(const TagEnvironment& env) {
  std::string version = nodot(env.py_major, env.py_minor);
  std::vector<std::string> abis{"cp" + version + env.abi_flags};
  bool debug = env.abi_flags.find('d') != std::string::npos;
  bool threaded = env.abi_flags.find('t') != std::string::npos;
  // Debug builds from 3.8 on can also load non-debug extension modules.
  if (debug && std::pair{env.py_major, env.py_minor} >= std::pair{3, 8})
    abis.push_back("cp" + version + (threaded ? "t" : ""));
  return abis;
}

void cpython_tags(const TagEnvironment& env, const std::vector<std::string>& platforms, std::vector<Tag>& out) {
  std::string interpreter = "cp" + nodot(env.py_major, env.py_minor);
  bool threaded = env.abi_flags.find('t') != std::string::npos;
  // PEP 384: abi3 exists from 3.2; free-threaded builds cannot load abi3 modules.
  bool abi3 = std::pair{env.py_major, env.py_minor} >= std::pair{3, 2} && !threaded;
  for (const auto& abi : cpython_abis(env)) {
    if (abi == "abi3" || abi == "none") continue;
    for (const auto& p : platforms) out.push_back({interpreter, abi, p});
  }
  if (abi3)
    for (const auto& p : platforms) out.push_back({interpreter, "abi3", p});
  for (const auto& p : platforms) out.push_back({interpreter, "none", p});
  if (abi3)
    for (int minor = env.py_minor - 1; minor > 1; --minor)
      for (const auto& p : platforms) out.push_back({"cp" + nodot(env.py_major, minor), "abi3", p});
}

void generic_tags(const TagEnvironment& env, const std::vector<std::string>& platforms, std::vector<Tag>& out) {
  std::string interpreter = env.implementation + nodot(env.py_major, env.py_minor);
  std::vector<std::string> abis;
  if (!env.abi.empty()) abis.push_back(env.abi);
  if (std::find(abis.begin(), abis.end(), "none") == abis.end()) abis.push_back("none");
  for (const auto& abi : abis)
    for (const auto& p : platforms) out.push_back({interpreter, abi, p});
}

std::vector<std::string> py_interpreter_range(int major, int minor) {
  std::vector<std::string> r{"py" + nodot(major, minor), "py" + std::to_string(major)};
  for (int m = minor - 1; m >= 0; --m) r.push_back("py" + nodot(major, m));
  return r;
}

void compatible_tags(const TagEnvironment& env, const std::string& interpreter,
                     const std::vector<std::string>& platforms, std::vector<Tag>& out) {
  auto range = py_interpreter_range(env.py_major, env.py_minor);
  for (const auto& v : range)
    for (const auto& p : platforms) out.push_back({v, "none", p});
  if (!interpreter.empty()) out.push_back({interpreter, "none", "any"});
  for (const auto& v : range) out.push_back({v, "none", "any"});
}

}  // namespace

std::string Tag::to_string() const { return key_of(interpreter, abi, platform); }

Tag Tag::parse(std::string_view text) {
  auto parts = util::split(text, '-');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty())
    throw util::Error(util::ErrorKind::Wheel, "invalid wheel tag '" + std::string(text) + "'",
                      "a tag has three parts: interpreter-abi-platform, e.g. py3-none-any");
  for (auto part : parts)
    if (part.find('.') != std::string_view::npos)
      throw util::Error(util::ErrorKind::Wheel,
                        "'" + std::string(text) + "' is a compressed tag set, not a single tag");
  return {std::string(parts[0]), std::string(parts[1]), std::string(parts[2])};
}

std::vector<Tag> parse_tag_set(std::string_view text) {
  auto parts = util::split(text, '-');
  if (parts.size() != 3)
    throw util::Error(util::ErrorKind::Wheel, "invalid wheel tag '" + std::string(text) + "'",
                      "a tag has three parts: interpreter-abi-platform, e.g. py3-none-any");
  std::vector<std::vector<std::string_view>> fields;
  for (auto part : parts) {
    auto items = util::split(part, '.');
    for (auto item : items)
      if (item.empty())
        throw util::Error(util::ErrorKind::Wheel, "invalid wheel tag '" + std::string(text) + "': empty component");
    fields.push_back(std::move(items));
  }
  std::vector<Tag> out;
  std::set<std::string> seen;
  for (auto i : fields[0])
    for (auto a : fields[1])
      for (auto p : fields[2])
        if (seen.insert(key_of(i, a, p)).second) out.push_back({std::string(i), std::string(a), std::string(p)});
  return out;
}

std::vector<std::string> platform_tags(const TagEnvironment& env) {
  std::vector<std::string> out;
  std::string os = util::to_lower(env.os);
  if (os == "linux") {
    std::string arch = linux_arch(env.arch);
    if (env.glibc) manylinux_tags(*env.glibc, arch, out);
    if (env.musl)
      for (int minor = env.musl->second; minor >= 0; --minor)
        out.push_back("musllinux_" + std::to_string(env.musl->first) + "_" + std::to_string(minor) + "_" + arch);
    out.push_back("linux_" + arch);
  } else if (os == "macos" || os == "darwin" || os == "macosx") {
    mac_tags(env.macos.value_or(std::pair{13, 0}), mac_arch(env.arch), out);
  } else if (os == "windows" || os == "win32") {
    out.push_back(windows_platform(env.arch));
  }
  return out;
}

SupportedTags SupportedTags::for_environment(const TagEnvironment& env) {
  auto platforms = platform_tags(env);
  std::vector<Tag> tags;
  std::string impl = util::to_lower(env.implementation);
  if (impl == "cp" || impl == "cpython") {
    cpython_tags(env, platforms, tags);
    compatible_tags(env, "cp" + nodot(env.py_major, env.py_minor), platforms, tags);
  } else {
    TagEnvironment e = env;
    if (impl == "pypy") e.implementation = "pp";
    else e.implementation = impl;
    generic_tags(e, platforms, tags);
    compatible_tags(e, e.implementation == "pp" ? "pp" + std::to_string(env.py_major) : "", platforms, tags);
  }
  return from_ordered(std::move(tags));
}

SupportedTags SupportedTags::from_ordered(std::vector<Tag> tags) {
  SupportedTags s;
  s.ordered_ = std::move(tags);
  s.index_.reserve(s.ordered_.size());
  for (std::size_t i = 0; i < s.ordered_.size(); ++i) {
    std::string key = s.ordered_[i].to_string();
    if (has_upper(key)) key = util::to_lower(key);
    s.index_.emplace(std::move(key), i);  // the first (best) position wins over repeats
  }
  return s;
}

std::optional<std::size_t> SupportedTags::priority(const Tag& tag) const {
  // One reused buffer per thread: resolving looks up every file of every index page.
  thread_local std::string key;
  key.clear();
  key.append(tag.interpreter).append(1, '-').append(tag.abi).append(1, '-').append(tag.platform);
  if (has_upper(key))  // packaging compares tags case-insensitively
    for (char& c : key)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::size_t> SupportedTags::best_priority(const std::vector<Tag>& tags) const {
  std::optional<std::size_t> best;
  for (const auto& t : tags)
    if (auto p = priority(t); p && (!best || *p < *best)) best = p;
  return best;
}

}  // namespace ptinstall::spec
