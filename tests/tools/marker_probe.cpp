// marker_probe: the PEP 508 parsers on stdin/stdout, one JSON object per line each way, for the
// differential test against `packaging` (tests/e2e/test_marker_differential.py).
//   {"op": "marker", "text": M}                       -> {"ok": true, "str": ..., "extras": [...]}
//   {"op": "eval", "text": M, "env": {...}, "extras": [...]} -> {"ok": true, "value": true|false}
//   {"op": "req", "text": R}                          -> {"ok": true, "name", "extras", "specifier",
//                                                         "url" (or null), "marker" (or null), "str"}
// A parse error answers {"ok": false, "error": message, "column": N}.
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall;
using nlohmann::json;

namespace {

int column_of(const std::string& message) {
  size_t at = message.rfind(" at column ");
  if (at == std::string::npos) return 0;
  return std::stoi(message.substr(at + 11));
}

json answer(const json& in) {
  const std::string op = in.at("op").get<std::string>();
  const std::string text = in.at("text").get<std::string>();
  try {
    if (op == "marker") {
      spec::Marker m = spec::Marker::parse(text);
      return {{"ok", true}, {"str", m.to_string()}, {"extras", m.referenced_extras()}};
    }
    if (op == "eval") {
      spec::Marker m = spec::Marker::parse(text);
      spec::MarkerEnvironment env;
      for (auto& [k, v] : in.at("env").items()) env.set(k, v.get<std::string>());
      std::vector<std::string> extras = in.value("extras", std::vector<std::string>{});
      return {{"ok", true}, {"value", m.evaluate(env, extras)}};
    }
    if (op == "req") {
      spec::Requirement r = spec::Requirement::parse(text);
      json out = {{"ok", true},
                  {"name", r.name},
                  {"normalized", r.package.str()},
                  {"extras", r.extras},
                  {"specifier", r.specifier.to_string()},
                  {"str", r.to_string()}};
      out["url"] = r.url ? json(*r.url) : json(nullptr);
      out["marker"] = r.marker.is_always_true() ? json(nullptr) : json(r.marker.to_string());
      return out;
    }
    return {{"ok", false}, {"error", "unknown op"}, {"column", 0}};
  } catch (const util::Error& e) {
    return {{"ok", false}, {"error", e.what()}, {"hint", e.hint()}, {"column", column_of(e.what())}};
  }
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    json out;
    try {
      out = answer(json::parse(line));
    } catch (const std::exception& e) {
      out = {{"ok", false}, {"error", std::string("probe: ") + e.what()}, {"column", 0}};
    }
    std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << '\n' << std::flush;
  }
  return 0;
}
