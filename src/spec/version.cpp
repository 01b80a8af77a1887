#include "ptinstall/spec/version.hpp"

#include <algorithm>
#include <limits>
#include <ostream>

#include "ptinstall/util/error.hpp"
#include "version_internal.hpp"

namespace ptinstall::spec {

namespace detail {

struct VersionFull {
  uint64_t epoch = 0;
  std::vector<uint64_t> release;
  int pre_kind = -1;  // -1 none, 0 a, 1 b, 2 rc
  uint64_t pre_n = 0;
  std::optional<uint64_t> post;
  std::optional<uint64_t> dev;
  std::string local;  // normalised; empty = none
};

}  // namespace detail

namespace {

// Packed layout, most significant first: release[0] 16 bits, release[1] 12, release[2] 12,
// release[3] 8, suffix kind 3, suffix number 13. Missing release numbers are 0, which is the
// spec's padding, so the u64 order is the PEP 440 order.
constexpr int kNumBits = 13;
constexpr int kKindShift = 13;
constexpr int kR3Shift = 16;
constexpr int kR2Shift = 24;
constexpr int kR1Shift = 36;
constexpr int kR0Shift = 48;
constexpr uint64_t kMaxNum = (uint64_t{1} << kNumBits) - 1;
constexpr uint64_t kMaxR[4] = {0xFFFF, 0xFFF, 0xFFF, 0xFF};
constexpr int kRShift[4] = {kR0Shift, kR1Shift, kR2Shift, kR3Shift};
// Suffix kinds in their order: X.devN < XaN < XbN < XrcN < X < X.postN.
enum Kind : uint64_t { kDev = 0, kAlpha = 1, kBeta = 2, kRc = 3, kFinal = 4, kPost = 5 };

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool is_sep(char c) { return c == '-' || c == '_' || c == '.'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iprefix(std::string_view s, size_t at, std::string_view word) {
  if (s.size() - at < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (lower(s[at + i]) != word[i]) return false;
  return true;
}

// The decoded parts of a version, pointing into the version (no allocation).
struct Parts {
  uint64_t epoch = 0;
  uint64_t buf[4] = {0, 0, 0, 0};
  const uint64_t* rel = buf;
  size_t rel_len = 0;
  int pre_kind = -1;
  uint64_t pre_n = 0;
  bool has_post = false;
  uint64_t post = 0;
  bool has_dev = false;
  uint64_t dev = 0;
  std::string_view local;

  Parts() = default;
  Parts(const Parts&) = delete;
  Parts& operator=(const Parts&) = delete;
  uint64_t at(size_t i) const { return i < rel_len ? rel[i] : 0; }
};

template <typename T>
int cmp3(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Numeric local segments are stored without leading zeros: longer is larger.
int compare_local(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return cmp3(!a.empty(), !b.empty());
  size_t i = 0, j = 0;
  while (true) {
    bool end_a = i > a.size(), end_b = j > b.size();
    if (end_a || end_b) return cmp3(!end_a, !end_b);
    size_t ea = a.find('.', i), eb = b.find('.', j);
    if (ea == std::string_view::npos) ea = a.size();
    if (eb == std::string_view::npos) eb = b.size();
    std::string_view sa = a.substr(i, ea - i), sb = b.substr(j, eb - j);
    bool na = std::all_of(sa.begin(), sa.end(), is_digit), nb = std::all_of(sb.begin(), sb.end(), is_digit);
    int c;
    if (na && nb)
      c = sa.size() != sb.size() ? cmp3(sa.size(), sb.size()) : cmp3(sa, sb);
    else if (na != nb)
      c = na ? 1 : -1;  // a number sorts after any letters
    else
      c = cmp3(sa, sb);
    if (c != 0) return c;
    i = ea + 1;
    j = eb + 1;
  }
}

// packaging's _cmpkey, part by part.
int compare_parts(const Parts& a, const Parts& b) {
  if (int c = cmp3(a.epoch, b.epoch)) return c;
  size_t n = std::max(a.rel_len, b.rel_len);
  for (size_t i = 0; i < n; ++i)
    if (int c = cmp3(a.at(i), b.at(i))) return c;
  // Pre: a dev release of a final sorts before its pre-releases; no pre sorts after them.
  auto pre_rank = [](const Parts& p) -> int {
    if (p.pre_kind < 0) return (!p.has_post && p.has_dev) ? -1 : 3;
    return p.pre_kind;
  };
  if (int c = cmp3(pre_rank(a), pre_rank(b))) return c;
  if (a.pre_kind >= 0)
    if (int c = cmp3(a.pre_n, b.pre_n)) return c;
  // Post: none sorts first.
  if (int c = cmp3(a.has_post, b.has_post)) return c;
  if (a.has_post)
    if (int c = cmp3(a.post, b.post)) return c;
  // Dev: none sorts last.
  if (int c = cmp3(!a.has_dev, !b.has_dev)) return c;
  if (a.has_dev)
    if (int c = cmp3(a.dev, b.dev)) return c;
  return compare_local(a.local, b.local);
}

std::string normalize_local(std::string_view local) {
  std::string out;
  out.reserve(local.size());
  size_t i = 0;
  while (i <= local.size()) {
    size_t e = i;
    while (e < local.size() && !is_sep(local[e])) ++e;
    std::string_view seg = local.substr(i, e - i);
    if (!out.empty()) out.push_back('.');
    if (std::all_of(seg.begin(), seg.end(), is_digit)) {
      size_t z = 0;
      while (z + 1 < seg.size() && seg[z] == '0') ++z;
      out.append(seg.substr(z));
    } else {
      for (char c : seg) out.push_back(lower(c));
    }
    i = e + 1;
  }
  return out;
}

// Local labels as the grammar allows: [a-z0-9]+ separated by single -_.
bool valid_local(std::string_view local) {
  if (local.empty()) return false;
  bool need_alnum = true;
  for (char c : local) {
    if (is_alnum(c)) {
      need_alnum = false;
    } else if (is_sep(c) && !need_alnum) {
      need_alnum = true;
    } else {
      return false;
    }
  }
  return !need_alnum;
}

bool parse_number(std::string_view s, size_t& i, uint64_t& v) {
  v = 0;
  while (i < s.size() && is_digit(s[i])) {
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
    ++i;
  }
  return true;
}

}  // namespace

struct VersionAccess {
  static void decode(const Version& v, Parts& p) {
    if (!v.full_) {
      uint64_t k = v.small_;
      for (int i = 0; i < 4; ++i) p.buf[i] = (k >> kRShift[i]) & kMaxR[i];
      p.rel = p.buf;
      p.rel_len = v.small_len_;
      uint64_t kind = (k >> kKindShift) & 7, num = k & kMaxNum;
      switch (kind) {
        case kDev: p.has_dev = true; p.dev = num; break;
        case kAlpha: case kBeta: case kRc: p.pre_kind = static_cast<int>(kind - kAlpha); p.pre_n = num; break;
        case kPost: p.has_post = true; p.post = num; break;
        default: break;
      }
      return;
    }
    const auto& f = *v.full_;
    p.epoch = f.epoch;
    p.rel = f.release.data();
    p.rel_len = f.release.size();
    p.pre_kind = f.pre_kind;
    p.pre_n = f.pre_n;
    p.has_post = f.post.has_value();
    p.post = f.post.value_or(0);
    p.has_dev = f.dev.has_value();
    p.dev = f.dev.value_or(0);
    p.local = f.local;
  }

  // `local` must already be normalised.
  static Version make(uint64_t epoch, const uint64_t* rel, size_t n, int pre_kind, uint64_t pre_n,
                      std::optional<uint64_t> post, std::optional<uint64_t> dev, std::string local) {
    Version v;
    int suffixes = (pre_kind >= 0) + post.has_value() + dev.has_value();
    bool compact = epoch == 0 && local.empty() && n >= 1 && n <= 4 && suffixes <= 1;
    for (size_t i = 0; compact && i < n; ++i) compact = rel[i] <= kMaxR[i];
    uint64_t kind = kFinal, num = 0;
    if (pre_kind >= 0) kind = kAlpha + static_cast<uint64_t>(pre_kind), num = pre_n;
    if (post) kind = kPost, num = *post;
    if (dev) kind = kDev, num = *dev;
    if (compact && num > kMaxNum) compact = false;
    if (compact) {
      uint64_t k = 0;
      for (size_t i = 0; i < n; ++i) k |= rel[i] << kRShift[i];
      k |= kind << kKindShift | num;
      v.small_ = k;
      v.small_len_ = static_cast<uint8_t>(n);
      return v;
    }
    auto f = std::make_shared<detail::VersionFull>();
    f->epoch = epoch;
    f->release.assign(rel, rel + n);
    f->pre_kind = pre_kind;
    f->pre_n = pre_n;
    f->post = post;
    f->dev = dev;
    f->local = std::move(local);
    v.full_ = std::move(f);
    return v;
  }
};

namespace detail {

bool is_py_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim_py_space(std::string_view s) {
  while (!s.empty() && is_py_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_py_space(s.back())) s.remove_suffix(1);
  return s;
}

// The grammar of packaging's VERSION_PATTERN, matched the way its regex does: every optional
// part is taken greedily, which never loses a match the regex would find (see docs/spec.md).
std::optional<Version> parse_version_strict(std::string_view s) {
  const size_t n = s.size();
  auto at = [&](size_t k) -> char { return k < n ? s[k] : '\0'; };
  size_t i = 0;
  if (at(i) == 'v' || at(i) == 'V') ++i;

  uint64_t epoch = 0;
  {
    size_t k = i;
    while (k < n && is_digit(s[k])) ++k;
    if (k > i && at(k) == '!') {
      size_t p = i;
      if (!parse_number(s, p, epoch)) return std::nullopt;
      i = k + 1;
    }
  }

  uint64_t inline_rel[4];
  std::vector<uint64_t> more_rel;
  size_t rel_len = 0;
  if (!is_digit(at(i))) return std::nullopt;
  while (true) {
    uint64_t v;
    if (!parse_number(s, i, v)) return std::nullopt;
    if (rel_len < 4) {
      inline_rel[rel_len] = v;
    } else {
      if (rel_len == 4) more_rel.assign(inline_rel, inline_rel + 4);
      more_rel.push_back(v);
    }
    ++rel_len;
    if (at(i) == '.' && is_digit(at(i + 1))) {
      ++i;
      continue;
    }
    break;
  }

  // Pre-release: [-_.]? (alpha|a|beta|b|preview|pre|c|rc) [-_.]? [0-9]*
  int pre_kind = -1;
  uint64_t pre_n = 0;
  {
    size_t k = i;
    if (is_sep(at(k))) ++k;
    static constexpr std::pair<std::string_view, int> labels[] = {
        {"preview", 2}, {"alpha", 0}, {"beta", 1}, {"pre", 2}, {"rc", 2}, {"a", 0}, {"b", 1}, {"c", 2}};
    for (const auto& [word, kind] : labels) {
      if (iprefix(s, k, word)) {
        k += word.size();
        if (is_sep(at(k))) ++k;
        if (!parse_number(s, k, pre_n)) return std::nullopt;
        pre_kind = kind;
        i = k;
        break;
      }
    }
  }

  // Post-release: -N | [-_.]? (post|rev|r) [-_.]? [0-9]*
  std::optional<uint64_t> post;
  if (at(i) == '-' && is_digit(at(i + 1))) {
    ++i;
    uint64_t v;
    if (!parse_number(s, i, v)) return std::nullopt;
    post = v;
  } else {
    size_t k = i;
    if (is_sep(at(k))) ++k;
    for (std::string_view word : {"post", "rev", "r"}) {
      if (iprefix(s, k, word)) {
        k += word.size();
        if (is_sep(at(k))) ++k;
        uint64_t v;
        if (!parse_number(s, k, v)) return std::nullopt;
        post = v;
        i = k;
        break;
      }
    }
  }

  // Dev release: [-_.]? dev [-_.]? [0-9]*
  std::optional<uint64_t> dev;
  {
    size_t k = i;
    if (is_sep(at(k))) ++k;
    if (iprefix(s, k, "dev")) {
      k += 3;
      if (is_sep(at(k))) ++k;
      uint64_t v;
      if (!parse_number(s, k, v)) return std::nullopt;
      dev = v;
      i = k;
    }
  }

  std::string local;
  if (at(i) == '+') {
    std::string_view rest = s.substr(i + 1);
    if (!valid_local(rest)) return std::nullopt;
    local = normalize_local(rest);
    i = n;
  }
  if (i != n) return std::nullopt;
  const uint64_t* rel = rel_len <= 4 ? inline_rel : more_rel.data();
  return VersionAccess::make(epoch, rel, rel_len, pre_kind, pre_n, post, dev, std::move(local));
}

int compare_public(const Version& a, const Version& b) {
  Parts pa, pb;
  VersionAccess::decode(a, pa);
  VersionAccess::decode(b, pb);
  pa.local = {};
  pb.local = {};
  return compare_parts(pa, pb);
}

bool same_release_prefix(const Version& a, const Version& b, size_t n) {
  if (a.epoch() != b.epoch()) return false;
  for (size_t i = 0; i < n; ++i)
    if (a.release_at(i) != b.release_at(i)) return false;
  return true;
}

bool same_base(const Version& a, const Version& b) {
  return same_release_prefix(a, b, std::max(a.release_size(), b.release_size()));
}

}  // namespace detail

std::optional<Version> Version::parse(std::string_view text) {
  return detail::parse_version_strict(detail::trim_py_space(text));
}

Version Version::from_string(std::string_view text) {
  if (auto v = parse(text)) return *v;
  throw util::Error("invalid version `" + std::string(text) + "`",
                    "versions follow PEP 440, e.g. `1.2.3`, `2.0rc1`, `1.0.post1`, `2.9.1+cu128`");
}

Version Version::from_parts(uint64_t epoch, std::vector<uint64_t> release, std::optional<std::pair<char, uint64_t>> pre,
                            std::optional<uint64_t> post, std::optional<uint64_t> dev, std::string_view local) {
  if (release.empty()) throw util::Error("invalid version: empty release segment");
  int pre_kind = -1;
  uint64_t pre_n = 0;
  if (pre) {
    switch (pre->first) {
      case 'a': pre_kind = 0; break;
      case 'b': pre_kind = 1; break;
      case 'c': pre_kind = 2; break;
      default: throw util::Error(std::string("invalid pre-release letter `") + pre->first + "`");
    }
    pre_n = pre->second;
  }
  std::string norm;
  if (!local.empty()) {
    if (!valid_local(local)) throw util::Error("invalid local version label `" + std::string(local) + "`");
    norm = normalize_local(local);
  }
  return VersionAccess::make(epoch, release.data(), release.size(), pre_kind, pre_n, post, dev, std::move(norm));
}

Version Version::min() { return from_parts(0, {0}, std::nullopt, std::nullopt, uint64_t{0}); }

std::string Version::to_string() const {
  Parts p;
  VersionAccess::decode(*this, p);
  std::string out;
  out.reserve(16 + p.local.size());
  if (p.epoch != 0) {
    out += std::to_string(p.epoch);
    out += '!';
  }
  for (size_t i = 0; i < p.rel_len; ++i) {
    if (i) out += '.';
    out += std::to_string(p.rel[i]);
  }
  if (p.pre_kind >= 0) {
    out += p.pre_kind == 0 ? "a" : p.pre_kind == 1 ? "b" : "rc";
    out += std::to_string(p.pre_n);
  }
  if (p.has_post) out += ".post" + std::to_string(p.post);
  if (p.has_dev) out += ".dev" + std::to_string(p.dev);
  if (!p.local.empty()) {
    out += '+';
    out += p.local;
  }
  return out;
}

uint64_t Version::epoch() const { return full_ ? full_->epoch : 0; }

std::vector<uint64_t> Version::release() const {
  Parts p;
  VersionAccess::decode(*this, p);
  return std::vector<uint64_t>(p.rel, p.rel + p.rel_len);
}

size_t Version::release_size() const { return full_ ? full_->release.size() : small_len_; }

uint64_t Version::release_at(size_t i) const {
  if (full_) return i < full_->release.size() ? full_->release[i] : 0;
  return i < small_len_ && i < 4 ? (small_ >> kRShift[i]) & kMaxR[i] : 0;
}

std::optional<std::pair<char, uint64_t>> Version::pre() const {
  Parts p;
  VersionAccess::decode(*this, p);
  if (p.pre_kind < 0) return std::nullopt;
  return std::pair<char, uint64_t>{"abc"[p.pre_kind], p.pre_n};
}

std::optional<uint64_t> Version::post() const {
  Parts p;
  VersionAccess::decode(*this, p);
  return p.has_post ? std::optional<uint64_t>(p.post) : std::nullopt;
}

std::optional<uint64_t> Version::dev() const {
  Parts p;
  VersionAccess::decode(*this, p);
  return p.has_dev ? std::optional<uint64_t>(p.dev) : std::nullopt;
}

std::string Version::local() const { return full_ ? full_->local : std::string(); }

bool Version::is_prerelease() const {
  if (!full_) {
    uint64_t kind = (small_ >> kKindShift) & 7;
    return kind <= kRc;
  }
  return full_->pre_kind >= 0 || full_->dev.has_value();
}

bool Version::is_postrelease() const {
  return full_ ? full_->post.has_value() : ((small_ >> kKindShift) & 7) == kPost;
}

bool Version::is_devrelease() const {
  return full_ ? full_->dev.has_value() : ((small_ >> kKindShift) & 7) == kDev;
}

bool Version::has_local() const { return full_ && !full_->local.empty(); }

Version Version::without_local() const {
  if (!has_local()) return *this;
  const auto& f = *full_;
  return VersionAccess::make(f.epoch, f.release.data(), f.release.size(), f.pre_kind, f.pre_n, f.post, f.dev, {});
}

Version Version::base_version() const {
  Parts p;
  VersionAccess::decode(*this, p);
  return VersionAccess::make(p.epoch, p.rel, p.rel_len, -1, 0, std::nullopt, std::nullopt, {});
}

std::strong_ordering Version::compare_full(const Version& other) const {
  Parts a, b;
  VersionAccess::decode(*this, a);
  VersionAccess::decode(other, b);
  int c = compare_parts(a, b);
  return c < 0 ? std::strong_ordering::less : c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}

size_t Version::hash() const {
  Parts p;
  VersionAccess::decode(*this, p);
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](uint64_t x) {
    h ^= x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  };
  mix(p.epoch);
  size_t len = p.rel_len;
  while (len > 0 && p.rel[len - 1] == 0) --len;  // 1.0 == 1
  for (size_t i = 0; i < len; ++i) mix(p.rel[i]);
  mix(static_cast<uint64_t>(p.pre_kind + 1) << 32 ^ p.pre_n);
  mix(p.has_post ? p.post + 1 : 0);
  mix(p.has_dev ? p.dev + 1 : 0);
  mix(std::hash<std::string_view>()(p.local));
  return static_cast<size_t>(h);
}

std::ostream& operator<<(std::ostream& out, const Version& v) { return out << v.to_string(); }

}  // namespace ptinstall::spec
