#include "ptinstall/util/json_lite.hpp"

#include <algorithm>
#include <cstring>

namespace ptinstall::util::jsonlite {

const Value* Value::find(std::string_view key) const {
  if (type_ != Type::Object) return nullptr;
  // Members are sorted: binary search for big objects, a scan for the usual handful.
  if (members_.size() > 8) {
    auto it = std::lower_bound(members_.begin(), members_.end(), key,
                               [](const Member& m, std::string_view k) { return std::string_view(m.first) < k; });
    return it != members_.end() && it->first == key ? &it->second : nullptr;
  }
  for (const auto& m : members_)
    if (m.first == key) return &m.second;
  return nullptr;
}

// Every method returns false when the input is not of the accepted shape; the caller then gives up.
class Parser {
 public:
  explicit Parser(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool document(Value& out) {
    skip_ws();
    if (!value(out, 0)) return false;
    skip_ws();
    return p_ == end_;
  }

 private:
  static constexpr int kMaxDepth = 64;
  const char* p_;
  const char* end_;

  void skip_ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(const char* word, std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    p_ += n;
    return true;
  }

  bool string(std::string& out) {
    // p_ is at the opening quote.
    ++p_;
    const char* start = p_;
    // The common case: no escapes, copy the run in one go.
    while (p_ < end_) {
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out.assign(start, p_);
        ++p_;
        return true;
      }
      if (c == '\\') break;
      if (c < 0x20 || c >= 0x80) return false;
      ++p_;
    }
    out.assign(start, p_);
    while (p_ < end_) {
      unsigned char c = static_cast<unsigned char>(*p_++);
      if (c == '"') return true;
      if (c < 0x20 || c >= 0x80) return false;
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        continue;
      }
      if (p_ == end_) return false;
      switch (*p_++) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        default: return false;  // \u (left to the full parser) or an invalid escape
      }
    }
    return false;
  }

  bool number(Value& out) {
    // Unsigned integers only: 0 or [1-9][0-9]*, not followed by a fraction or an exponent.
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    std::uint64_t n = 0;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
        std::uint64_t d = static_cast<std::uint64_t>(*p_ - '0');
        if (n > (UINT64_MAX - d) / 10) return false;  // the full parser turns it into a float
        n = n * 10 + d;
        ++p_;
      }
    }
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E' || (*p_ >= '0' && *p_ <= '9'))) return false;
    out.type_ = Value::Type::Unsigned;
    out.number_ = n;
    return true;
  }

  bool value(Value& out, int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '"':
        out.type_ = Value::Type::String;
        return string(out.string_);
      case '{':
        return object(out, depth + 1);
      case '[':
        return array(out, depth + 1);
      case 't':
        out.type_ = Value::Type::Boolean;
        out.boolean_ = true;
        return literal("true", 4);
      case 'f':
        out.type_ = Value::Type::Boolean;
        out.boolean_ = false;
        return literal("false", 5);
      case 'n':
        out.type_ = Value::Type::Null;
        return literal("null", 4);
      default:
        return number(out);
    }
  }

  bool array(Value& out, int depth) {
    if (depth > kMaxDepth) return false;
    out.type_ = Value::Type::Array;
    ++p_;
    skip_ws();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      skip_ws();
      out.elements_.emplace_back();
      if (!value(out.elements_.back(), depth)) return false;
      skip_ws();
      if (p_ == end_) return false;
      char c = *p_++;
      if (c == ']') return true;
      if (c != ',') return false;
    }
  }

  bool object(Value& out, int depth) {
    if (depth > kMaxDepth) return false;
    out.type_ = Value::Type::Object;
    ++p_;
    skip_ws();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      skip_ws();
      if (p_ == end_ || *p_ != '"') return false;
      out.members_.emplace_back();
      Value::Member& m = out.members_.back();
      if (!string(m.first)) return false;
      skip_ws();
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      skip_ws();
      if (!value(m.second, depth)) return false;
      skip_ws();
      if (p_ == end_) return false;
      char c = *p_++;
      if (c == '}') break;
      if (c != ',') return false;
    }
    auto& ms = out.members_;
    bool sorted = true;
    for (std::size_t i = 1; i < ms.size(); ++i)
      if (!(ms[i - 1].first < ms[i].first)) {
        sorted = false;
        break;
      }
    if (!sorted) {
      std::sort(ms.begin(), ms.end(), [](const Value::Member& a, const Value::Member& b) { return a.first < b.first; });
      for (std::size_t i = 1; i < ms.size(); ++i)
        if (ms[i - 1].first == ms[i].first) return false;  // duplicate keys: the full parser decides
    }
    return true;
  }
};

std::optional<Value> parse(std::string_view text) {
  Value v;
  Parser parser(text);
  if (!parser.document(v)) return std::nullopt;
  return v;
}

}  // namespace ptinstall::util::jsonlite
