#include "ptinstall/spec/specifier.hpp"

#include <algorithm>
#include <ostream>

#include "ptinstall/util/error.hpp"
#include "version_internal.hpp"

namespace ptinstall::spec {

namespace {

[[noreturn]] void invalid(std::string_view text, std::string hint) {
  throw util::Error("invalid specifier `" + std::string(text) + "`", std::move(hint));
}

}  // namespace

std::string_view operator_string(Operator op) {
  switch (op) {
    case Operator::Equal: return "==";
    case Operator::NotEqual: return "!=";
    case Operator::LessEqual: return "<=";
    case Operator::GreaterEqual: return ">=";
    case Operator::Less: return "<";
    case Operator::Greater: return ">";
    case Operator::Compatible: return "~=";
    case Operator::ArbitraryEqual: return "===";
  }
  return "";
}

Specifier Specifier::parse(std::string_view text) {
  std::string_view s = detail::trim_py_space(text);
  static constexpr std::pair<std::string_view, Operator> ops[] = {
      {"===", Operator::ArbitraryEqual}, {"~=", Operator::Compatible}, {"==", Operator::Equal},
      {"!=", Operator::NotEqual},        {"<=", Operator::LessEqual},  {">=", Operator::GreaterEqual},
      {"<", Operator::Less},             {">", Operator::Greater}};
  Specifier spec;
  bool found = false;
  for (const auto& [str, op] : ops) {
    if (s.substr(0, str.size()) == str) {
      spec.op_ = op;
      s.remove_prefix(str.size());
      found = true;
      break;
    }
  }
  if (!found) invalid(text, "a specifier is an operator (==, !=, <=, >=, <, >, ~=, ===) followed by a version");
  while (!s.empty() && detail::is_py_space(s.front())) s.remove_prefix(1);

  if (spec.op_ == Operator::ArbitraryEqual) {
    for (char c : s)
      if (detail::is_py_space(c) || c == ';' || c == ')')
        invalid(text, "the operand of === cannot contain whitespace, `;` or `)`");
    spec.arbitrary_ = std::string(s);
    if (auto v = detail::parse_version_strict(s)) spec.version_ = *v;
    return spec;
  }

  const bool equality = spec.op_ == Operator::Equal || spec.op_ == Operator::NotEqual;
  if (s.size() >= 2 && s.substr(s.size() - 2) == ".*") {
    if (!equality) invalid(text, "a `.*` suffix is only allowed with == and !=");
    auto v = detail::parse_version_strict(s.substr(0, s.size() - 2));
    if (!v || v->is_prerelease() || v->is_postrelease() || v->has_local())
      invalid(text, "a `.*` suffix may only follow a release number, e.g. `==1.2.*`");
    spec.version_ = *v;
    spec.wildcard_ = true;
    return spec;
  }
  auto v = detail::parse_version_strict(s);
  if (!v) invalid(text, "`" + std::string(s) + "` is not a PEP 440 version");
  if (v->has_local() && !equality) invalid(text, "local version labels (`+...`) are only allowed with == and !=");
  if (spec.op_ == Operator::Compatible && v->release_size() < 2)
    invalid(text, "~= needs a version with at least two release numbers, e.g. `~=1.0`");
  spec.version_ = *v;
  return spec;
}

Specifier Specifier::make(Operator op, Version version, bool wildcard) {
  Specifier s;
  s.op_ = op;
  s.wildcard_ = wildcard;
  if (op == Operator::ArbitraryEqual) s.arbitrary_ = version.to_string();
  s.version_ = std::move(version);
  return s;
}

bool Specifier::contains(const Version& v) const {
  switch (op_) {
    case Operator::Equal:
    case Operator::NotEqual: {
      bool eq;
      if (wildcard_)
        eq = detail::same_release_prefix(v, version_, version_.release_size());
      else if (version_.has_local())
        eq = v == version_;
      else
        eq = detail::compare_public(v, version_) == 0;
      return eq == (op_ == Operator::Equal);
    }
    case Operator::LessEqual: return detail::compare_public(v, version_) <= 0;
    case Operator::GreaterEqual: return detail::compare_public(v, version_) >= 0;
    case Operator::Less:
      // <V excludes pre-releases of V itself unless V is one.
      if (!(v < version_)) return false;
      return !(v.is_prerelease() && !version_.is_prerelease() && detail::same_base(v, version_));
    case Operator::Greater:
      // >V excludes post-releases of V unless V is one, and local versions of V.
      if (!(v > version_)) return false;
      if (v.is_postrelease() && !version_.is_postrelease() && detail::same_base(v, version_)) return false;
      if (v.has_local() && detail::same_base(v, version_)) return false;
      return true;
    case Operator::Compatible:
      // ~=X.Y.Z is >=X.Y.Z, ==X.Y.*; suffixes of the operand are ignored for the prefix.
      return detail::compare_public(v, version_) >= 0 &&
             detail::same_release_prefix(v, version_, version_.release_size() - 1);
    case Operator::ArbitraryEqual: {
      std::string str = v.to_string();
      return str.size() == arbitrary_.size() &&
             std::equal(str.begin(), str.end(), arbitrary_.begin(), [](char a, char b) {
               auto lo = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
               return lo(a) == lo(b);
             });
    }
  }
  return false;
}

bool Specifier::mentions_prerelease() const {
  switch (op_) {
    case Operator::Equal:
    case Operator::GreaterEqual:
    case Operator::LessEqual:
    case Operator::Compatible: return version_.is_prerelease();
    case Operator::ArbitraryEqual: {
      auto v = detail::parse_version_strict(arbitrary_);
      return v && v->is_prerelease();
    }
    default: return false;
  }
}

std::string Specifier::to_string() const {
  std::string out(operator_string(op_));
  if (op_ == Operator::ArbitraryEqual) return out + arbitrary_;
  out += version_.to_string();
  if (wildcard_) out += ".*";
  return out;
}

bool Specifier::operator==(const Specifier& other) const {
  if (op_ != other.op_ || wildcard_ != other.wildcard_) return false;
  if (op_ == Operator::ArbitraryEqual) return arbitrary_ == other.arbitrary_;
  if (wildcard_ || op_ == Operator::Compatible) return to_string() == other.to_string();
  return version_ == other.version_;
}

SpecifierSet SpecifierSet::parse(std::string_view text) {
  SpecifierSet set;
  size_t i = 0;
  while (i <= text.size()) {
    size_t e = text.find(',', i);
    if (e == std::string_view::npos) e = text.size();
    std::string_view item = detail::trim_py_space(text.substr(i, e - i));
    if (!item.empty()) set.add(Specifier::parse(item));
    i = e + 1;
  }
  return set;
}

std::string SpecifierSet::to_string() const {
  std::vector<std::string> parts;
  parts.reserve(specifiers_.size());
  for (const auto& s : specifiers_) parts.push_back(s.to_string());
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ',';
    out += p;
  }
  return out;
}

bool SpecifierSet::mentions_prerelease() const {
  return std::any_of(specifiers_.begin(), specifiers_.end(), [](const Specifier& s) { return s.mentions_prerelease(); });
}

bool SpecifierSet::contains(const Version& v, std::optional<bool> prereleases) const {
  if (v.is_prerelease()) {
    bool allow = prereleases.has_value() ? *prereleases : mentions_prerelease();
    if (!allow) return false;
  }
  for (const auto& s : specifiers_)
    if (!s.contains(v)) return false;
  return true;
}

void SpecifierSet::add(const Specifier& specifier) {
  if (std::find(specifiers_.begin(), specifiers_.end(), specifier) == specifiers_.end())
    specifiers_.push_back(specifier);
}

void SpecifierSet::add(const SpecifierSet& other) {
  for (const auto& s : other.specifiers_) add(s);
}

bool SpecifierSet::operator==(const SpecifierSet& other) const {
  auto subset = [](const SpecifierSet& a, const SpecifierSet& b) {
    return std::all_of(a.specifiers_.begin(), a.specifiers_.end(), [&](const Specifier& s) {
      return std::find(b.specifiers_.begin(), b.specifiers_.end(), s) != b.specifiers_.end();
    });
  };
  return subset(*this, other) && subset(other, *this);
}

std::ostream& operator<<(std::ostream& out, const Specifier& s) { return out << s.to_string(); }
std::ostream& operator<<(std::ostream& out, const SpecifierSet& s) { return out << s.to_string(); }

}  // namespace ptinstall::spec
