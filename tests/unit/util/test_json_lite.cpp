#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "ptinstall/util/json_lite.hpp"

using ptinstall::util::jsonlite::parse;
using ptinstall::util::jsonlite::Value;

namespace {

// The same value in nlohmann's form, to compare the two parsers.
nlohmann::json to_nlohmann(const Value& v) {
  switch (v.type()) {
    case Value::Type::Null: return nullptr;
    case Value::Type::Boolean: return v.boolean();
    case Value::Type::Unsigned: return v.number();
    case Value::Type::String: return v.string();
    case Value::Type::Array: {
      auto a = nlohmann::json::array();
      for (const auto& e : v.elements()) a.push_back(to_nlohmann(e));
      return a;
    }
    case Value::Type::Object: {
      auto o = nlohmann::json::object();
      for (const auto& [k, e] : v.members()) o[k] = to_nlohmann(e);
      return o;
    }
  }
  return nullptr;
}

// Whenever the fast reader accepts a text, nlohmann accepts it too and reads the same value.
void check_agrees(const std::string& text) {
  auto lite = parse(text);
  if (!lite) return;
  nlohmann::json full;
  REQUIRE_NOTHROW(full = nlohmann::json::parse(text));
  CHECK(to_nlohmann(*lite) == full);
  CHECK(to_nlohmann(*lite).dump() == full.dump());
}

}  // namespace

TEST_CASE("jsonlite reads plain documents like nlohmann", "[json_lite]") {
  const char* docs[] = {
      R"({"meta":{"api-version":"1.1"},"name":"x","files":[{"filename":"x-1.0.tar.gz","url":"x-1.0.tar.gz",)"
      R"("hashes":{"sha256":"ab"},"yanked":false,"size":123,"core-metadata":{"sha256":"cd"}}],"versions":["1.0"]})",
      " { \"a\" : [ 1 , 2 , [ ] , { } , null , true , false , \"\" ] } \n",
      R"({"esc":"a\"b\\c\/d\b\f\n\r\t"})",
      R"({"z":1,"a":2,"m":{"y":[],"b":null}})",
      R"([18446744073709551615, 0])",
      R"("just a string")",
      "0",
      "true",
  };
  for (const char* d : docs) {
    INFO(d);
    REQUIRE(parse(d));
    check_agrees(d);
  }
  auto v = parse(R"({"z":1,"a":{"k":"v"},"m":[true]})");
  REQUIRE(v);
  REQUIRE(v->find("a"));
  CHECK(v->find("a")->find("k")->string() == "v");
  CHECK(v->find("z")->number() == 1);
  CHECK(v->find("m")->elements().at(0).boolean());
  CHECK_FALSE(v->find("missing"));
  CHECK_FALSE(v->find("m")->find("x"));  // not an object
  REQUIRE(v->members().size() == 3);
  CHECK(v->members()[0].first == "a");  // sorted like std::map
  CHECK(v->members()[2].first == "z");
}

TEST_CASE("jsonlite finds keys in big objects", "[json_lite]") {
  std::string text = "{";
  for (int i = 0; i < 50; ++i) {
    if (i) text += ',';
    text.append("\"k").append(std::to_string(49 - i)).append("\":").append(std::to_string(i));
  }
  text += "}";
  auto v = parse(text);
  REQUIRE(v);
  for (int i = 0; i < 50; ++i) {
    std::string key = "k";
    key.append(std::to_string(i));
    auto m = v->find(key);
    REQUIRE(m);
    CHECK(m->number() == static_cast<std::uint64_t>(49 - i));
  }
  CHECK_FALSE(v->find("k50"));
  CHECK_FALSE(v->find(""));
  check_agrees(text);
}

TEST_CASE("jsonlite leaves everything else to the full parser", "[json_lite]") {
  const char* refused[] = {
      "",  "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "nul", "tru", "falsey", "01", "-1",
      "1.5", "1e3", "1E3", "18446744073709551616", "\"\\u0041\"", "\"\\x\"", "\"a\nb\"", "\"caf\xc3\xa9\"",
      "\xef\xbb\xbf{}", "{\"a\":1,\"a\":2}", "{} {}", "\"unterminated", "[\"a\\", "{\"a\":1",
  };
  for (const char* d : refused) {
    INFO(d);
    CHECK_FALSE(parse(d));
  }
  std::string deep(70, '[');
  deep += std::string(70, ']');
  CHECK_FALSE(parse(deep));
  std::string ok(60, '[');
  ok += std::string(60, ']');
  CHECK(parse(ok));
}

TEST_CASE("jsonlite agrees with nlohmann on random and mutated documents", "[json_lite][fuzz]") {
  std::mt19937 rng(12345);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::string alphabet = "ab\"\\/nu01-.e{}[],: \t\n\xc3";
  std::function<std::string(int)> gen = [&](int depth) -> std::string {
    switch (depth > 3 ? pick(4) : pick(6)) {
      case 0: return std::to_string(rng() % 100000);
      case 1: {
        std::string s = "\"";
        for (int i = pick(6); i > 0; --i) {
          int k = pick(10);
          s += k == 0 ? "\\n" : k == 1 ? "\\\"" : k == 2 ? "\\\\" : std::string(1, static_cast<char>('a' + pick(26)));
        }
        return s + "\"";
      }
      case 2: return pick(2) ? "true" : "false";
      case 3: return "null";
      case 4: {
        std::string s = "[";
        for (int i = pick(4); i > 0; --i) s += gen(depth + 1) + (i > 1 ? "," : "");
        return s + "]";
      }
      default: {
        std::string s = "{";
        for (int i = pick(4); i > 0; --i) {
          s.push_back('"');
          s.push_back(static_cast<char>('a' + pick(4)));
          s.append("\":").append(gen(depth + 1));
          if (i > 1) s.push_back(',');
        }
        return s + "}";
      }
    }
  };
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = gen(0);
    if (pick(2)) {
      // Mutate: replace, insert or delete a byte.
      for (int m = pick(3) + 1; m > 0 && !text.empty(); --m) {
        std::size_t at = rng() % text.size();
        switch (pick(3)) {
          case 0: text[at] = alphabet[static_cast<std::size_t>(pick(static_cast<int>(alphabet.size())))]; break;
          case 1: text.insert(at, 1, alphabet[static_cast<std::size_t>(pick(static_cast<int>(alphabet.size())))]); break;
          default: text.erase(at, 1); break;
        }
      }
    }
    INFO(text);
    if (parse(text)) ++accepted;
    check_agrees(text);
  }
  CHECK(accepted > 1000);
}
