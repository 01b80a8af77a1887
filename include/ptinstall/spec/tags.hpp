// Wheel compatibility tags (PEP 425), manylinux (PEP 600) and musllinux (PEP 656) platform tags,
// and the ordered list of tags an interpreter supports, ranked exactly as packaging.tags.sys_tags
// ranks them (which pip uses): cpython_tags (or generic_tags for other implementations), then
// compatible_tags. Index 0 is the most preferred tag. See docs/spec.md "Wheel tags and metadata".
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ptinstall::spec {

struct Tag {
  std::string interpreter, abi, platform;

  std::string to_string() const;  // "cp312-cp312-manylinux_2_28_x86_64"
  bool operator==(const Tag&) const = default;

  // One tag triple; throws util::Error unless it has exactly three non-empty '-'-separated
  // parts. Compressed sets ("py2.py3-none-any") are rejected here: use parse_tag_set.
  static Tag parse(std::string_view text);
};

// Expands a compressed tag set ("py2.py3-none-any" -> py2-none-any, py3-none-any) in the order
// interpreters x abis x platforms, dropping duplicates. Throws util::Error on a malformed set.
std::vector<Tag> parse_tag_set(std::string_view text);

struct TagEnvironment {
  std::string implementation = "cp";  // "cp", "pp", or another short name ("graalpy", ...)
  int py_major = 3, py_minor = 0;
  // CPython ABI flags as in sys.abiflags: "" (3.8+), "m" (3.7 and older), "mu" (2.7 UCS-4),
  // "d" (debug), "t" (free-threaded 3.13+), "td".
  std::string abi_flags;
  std::string os;    // "linux", "macos", "windows"; anything else yields no platform tag but "any"
  std::string arch;  // "x86_64", "aarch64"/"arm64", "i686", "armv7l", "ppc64le", "s390x", ...
  std::optional<std::pair<int, int>> glibc, musl, macos;
  // The ABI tag of a non-CPython interpreter (EXT_SUFFIX based, e.g. "pypy310_pp73"); empty for
  // CPython, whose ABI comes from abi_flags.
  std::string abi;
};

// The platform tags of an environment, most preferred first (packaging's platform_tags()):
// linux: manylinux_X_Y from glibc down to 2_5 (x86_64, i686) or 2_17 (other manylinux arches),
// each legacy alias (manylinux2014/2010/1) right after its twin, then musllinux_X_Y from musl
// down to X_0, then linux_<arch> last (where packaging 23 puts it); macos: packaging's
// mac_platforms(); windows: win_amd64, win32 or win_arm64.
std::vector<std::string> platform_tags(const TagEnvironment& env);

class SupportedTags {
 public:
  static SupportedTags for_environment(const TagEnvironment& env);
  // A list given in priority order (tests, `--platform`-like overrides).
  static SupportedTags from_ordered(std::vector<Tag> tags);

  std::optional<std::size_t> priority(const Tag& tag) const;  // 0 = best; nullopt = unsupported
  // Best (lowest) priority among the tags, e.g. the expanded tags of one wheel filename.
  std::optional<std::size_t> best_priority(const std::vector<Tag>& tags) const;
  bool is_supported(const Tag& tag) const { return priority(tag).has_value(); }
  const std::vector<Tag>& ordered() const { return ordered_; }
  std::size_t size() const { return ordered_.size(); }

 private:
  std::vector<Tag> ordered_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace ptinstall::spec
