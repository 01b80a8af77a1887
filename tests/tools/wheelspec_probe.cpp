// Reads a METADATA, RECORD or entry_points.txt file, or wheel filenames, through the spec layer
// and prints what it understood as JSON, for tests/e2e/test_wheelspec_differential.py.
//   wheelspec_probe metadata <file> | record <file> | entry-points <file> | wheel-filename <name>...
// An input the spec layer rejects prints {"error": "<message>"}.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "ptinstall/spec/entry_points.hpp"
#include "ptinstall/spec/metadata.hpp"
#include "ptinstall/spec/record.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"

using namespace ptinstall;
using nlohmann::json;

static json one(const std::string& mode, const std::string& arg) {
  try {
    if (mode == "metadata") {
      auto m = spec::CoreMetadata::parse(util::read_file(arg));
      json j{{"name", m.name},
             {"version", m.version.to_string()},
             {"summary", m.summary},
             {"requires_dist", m.requires_dist},
             {"provides_extra", m.provides_extra},
             {"requires_python", m.requires_python ? json(m.requires_python->to_string()) : json(nullptr)},
             {"description", m.description}};
      return j;
    }
    if (mode == "record") {
      json rows = json::array();
      for (const auto& e : spec::parse_record(util::read_file(arg)))
        rows.push_back({e.path, e.hash, e.size ? std::to_string(*e.size) : std::string()});
      return rows;
    }
    if (mode == "entry-points") {
      json rows = json::array();
      for (const auto& e : spec::parse_entry_points(util::read_file(arg))) rows.push_back({e.group, e.name, e.value});
      return rows;
    }
    if (mode == "wheel-filename") {
      auto w = spec::WheelFilename::parse(arg);
      json tags = json::array();
      for (const auto& t : w.tags()) tags.push_back(t.to_string());
      return {{"name", w.normalized_name()},
              {"version", w.version.to_string()},
              {"build", w.build ? json::array({w.build->first, w.build->second}) : json::array()},
              {"tags", tags},
              {"variant_label", w.variant_label}};
    }
    return {{"error", "unknown mode " + mode}};
  } catch (const util::Error& e) {
    return {{"error", e.what()}};
  }
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: wheelspec_probe metadata|record|entry-points|wheel-filename <arg>...\n";
    return 2;
  }
  json out = json::array();
  for (int i = 2; i < argc; ++i) out.push_back(one(argv[1], argv[i]));
  std::cout << out.dump() << "\n";
  return 0;
}
