// PEP 440 versions: parsing with the spec's implicit normalisation, normalised printing and the
// spec's total order. Most real versions (epoch 0, up to 4 small release numbers, at most one of
// dev/pre/post, no local label) are packed into one u64 whose integer order is the version order,
// so comparing them needs neither allocation nor branching on parts; others use a shared full form.
#pragma once
#include <compare>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ptinstall::spec {

namespace detail {
struct VersionFull;
}

class Version {
 public:
  // The version "0".
  Version() = default;

  // nullopt when `text` is not a PEP 440 version (surrounding ASCII whitespace is allowed).
  static std::optional<Version> parse(std::string_view text);
  // Like parse, but throws util::Error "invalid version `text`".
  static Version from_string(std::string_view text);
  // Builds a version from its parts. pre: {'a'|'b'|'c', n} ('c' is rc); local: dot-separated
  // [a-z0-9] segments (normalised here: lower-case, `-`/`_` -> `.`, numeric segments without leading zeros).
  // Throws util::Error when release is empty, pre's letter is not a/b/c or local is malformed.
  static Version from_parts(uint64_t epoch, std::vector<uint64_t> release,
                            std::optional<std::pair<char, uint64_t>> pre = std::nullopt,
                            std::optional<uint64_t> post = std::nullopt, std::optional<uint64_t> dev = std::nullopt,
                            std::string_view local = {});
  // The smallest version there is ("0.dev0"): lower bound for ranges.
  static Version min();

  // Normalised form: "1!2.0rc1.post2.dev3+ubuntu.1".
  std::string to_string() const;
  uint64_t epoch() const;
  std::vector<uint64_t> release() const;  // as written, trailing zeros kept ("1.0" -> {1, 0})
  size_t release_size() const;
  uint64_t release_at(size_t i) const;  // 0 past the end (the spec's zero padding)
  std::optional<std::pair<char, uint64_t>> pre() const;  // 'a', 'b' or 'c' (rc)
  std::optional<uint64_t> post() const;
  std::optional<uint64_t> dev() const;
  std::string local() const;  // "" if none, normalised ("cu128", "ubuntu.1")

  bool is_prerelease() const;   // has a pre or dev segment
  bool is_postrelease() const;  // has a post segment
  bool is_devrelease() const;
  bool has_local() const;
  Version without_local() const;        // packaging's `public`
  Version base_version() const;         // epoch and release only
  // Whether the packed u64 form is used (exposed for tests and benchmarks).
  bool is_compact() const { return full_ == nullptr; }

  // Two compact versions compare as integers, inline; anything else goes through compare_full.
  std::strong_ordering operator<=>(const Version& other) const {
    if (!full_ && !other.full_) return small_ <=> other.small_;
    return compare_full(other);
  }
  bool operator==(const Version& other) const {
    if (!full_ && !other.full_) return small_ == other.small_;
    return compare_full(other) == 0;
  }
  // Consistent with ==: 1.0 and 1.0.0 hash alike.
  size_t hash() const;

 private:
  friend struct VersionAccess;
  std::strong_ordering compare_full(const Version& other) const;
  uint64_t small_ = uint64_t{4} << 13;  // packed "0" (see version.cpp)
  uint8_t small_len_ = 1;               // release length as written, for printing
  std::shared_ptr<const detail::VersionFull> full_;
};

// Prints to_string() (also what Catch2 shows in failed checks).
std::ostream& operator<<(std::ostream& out, const Version& v);

}  // namespace ptinstall::spec

template <>
struct std::hash<ptinstall::spec::Version> {
  size_t operator()(const ptinstall::spec::Version& v) const noexcept { return v.hash(); }
};
