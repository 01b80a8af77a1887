// A small, fast JSON reader for the common, plain shape of documents we read on every run (PEP 691
// project pages): ASCII text, no \u escapes, numbers that are unsigned integers. Anything else is not
// an error here: parse() returns nullopt and the caller falls back to the full parser
// (nlohmann::json), which then gives the exact same result or the same error message. So the two
// parsers agree on every input this one accepts (tests/unit/util/test_json_lite.cpp checks it).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ptinstall::util::jsonlite {

class Value {
 public:
  enum class Type { Null, Boolean, Unsigned, String, Array, Object };
  using Member = std::pair<std::string, Value>;

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::Null; }
  bool is_boolean() const { return type_ == Type::Boolean; }
  bool is_number_unsigned() const { return type_ == Type::Unsigned; }
  bool is_number_integer() const { return type_ == Type::Unsigned; }  // only unsigned numbers are accepted
  bool is_string() const { return type_ == Type::String; }
  bool is_array() const { return type_ == Type::Array; }
  bool is_object() const { return type_ == Type::Object; }

  bool boolean() const { return boolean_; }
  std::uint64_t number() const { return number_; }
  const std::string& string() const { return string_; }
  const std::vector<Value>& elements() const { return elements_; }  // arrays, in document order
  const std::vector<Member>& members() const { return members_; }   // objects, sorted by key (as std::map)

  // The member called `key` of an object; nullptr when absent or when this is not an object.
  const Value* find(std::string_view key) const;

 private:
  friend class Parser;
  Type type_ = Type::Null;
  bool boolean_ = false;
  std::uint64_t number_ = 0;
  std::string string_;
  std::vector<Value> elements_;
  std::vector<Member> members_;
};

// The document, or nullopt when it is not plain JSON of the shape described above (invalid JSON,
// a byte outside printable ASCII inside a string, a \u escape, a number that is not an unsigned
// 64-bit integer, a duplicate key, nesting deeper than 64 levels).
std::optional<Value> parse(std::string_view text);

}  // namespace ptinstall::util::jsonlite
