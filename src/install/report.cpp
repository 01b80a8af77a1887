#include "ptinstall/install/report.hpp"

#include <nlohmann/json.hpp>

#include "ptinstall/spec/metadata.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::install {

namespace {

using nlohmann::json;

struct Field {
  std::string_view name;
  bool multiple;
};

// pip's METADATA_FIELDS (pip/_internal/metadata/_json.py), in its order.
constexpr Field kFields[] = {
    {"Metadata-Version", false}, {"Name", false}, {"Version", false}, {"Dynamic", true}, {"Platform", true},
    {"Supported-Platform", true}, {"Summary", false}, {"Description", false}, {"Description-Content-Type", false},
    {"Keywords", false}, {"Home-page", false}, {"Download-URL", false}, {"Author", false}, {"Author-email", false},
    {"Maintainer", false}, {"Maintainer-email", false}, {"License", false}, {"License-Expression", false},
    {"License-File", true}, {"Classifier", true}, {"Requires-Dist", true}, {"Requires-Python", false},
    {"Requires-External", true}, {"Project-URL", true}, {"Provides-Extra", true}, {"Provides-Dist", true},
    {"Obsoletes-Dist", true},
};

std::string json_name(std::string_view field) {
  std::string out = util::to_lower(field);
  for (char& c : out)
    if (c == '-') c = '_';
  return out;
}

std::vector<std::string> split_keywords(const std::string& value) {
  std::vector<std::string> out;
  if (value.find(',') != std::string::npos) {
    std::size_t start = 0;
    while (true) {
      std::size_t comma = value.find(',', start);
      out.emplace_back(util::trim(std::string_view(value).substr(start, comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else {
    std::string cur;
    for (char c : value) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (!cur.empty()) out.push_back(std::move(cur));
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) out.push_back(std::move(cur));
  }
  return out;
}

json metadata_json(std::string_view raw) {
  spec::CoreMetadata md = spec::CoreMetadata::parse(raw);
  json out = json::object();
  for (const auto& f : kFields) {
    auto values = md.get_all(f.name);
    if (values.empty()) continue;
    std::string key = json_name(f.name);
    if (f.multiple) {
      out[key] = values;
    } else if (key == "keywords") {
      out[key] = split_keywords(values.front());
    } else if (key == "description") {
      out[key] = md.description;
    } else {
      out[key] = values.front();
    }
  }
  // The body (metadata 2.1+) is the description.
  if (!md.get("Description") && !md.description.empty()) out["description"] = md.description;
  return out;
}

// The PEP 825 variant label of a wheel URL's file name ("cu128" of torch-2.9.1-...-cu128.whl), if any.
std::optional<std::string> variant_label_of(std::string_view url) {
  std::string_view path = url.substr(0, url.find_first_of("?#"));
  auto slash = path.rfind('/');
  std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (file.size() < 5 || file.substr(file.size() - 4) != ".whl") return std::nullopt;
  try {
    auto w = spec::WheelFilename::parse(file);
    if (w.is_variant()) return w.variant_label;
  } catch (const util::Error&) {
  }
  return std::nullopt;
}

}  // namespace

std::string metadata_to_json(std::string_view metadata_raw) { return metadata_json(metadata_raw).dump(); }

std::string installation_report(const std::vector<ReportItem>& items, const spec::MarkerEnvironment& environment,
                                 std::string_view installer_version, int indent) {
  json report;
  report["version"] = "1";
  report["pip_version"] = std::string(installer_version);
  report["install"] = json::array();
  for (const auto& item : items) {
    json entry;
    json archive = json::object();
    if (auto it = item.hashes.find("sha256"); it != item.hashes.end()) archive["hash"] = "sha256=" + it->second;
    else if (!item.hashes.empty()) archive["hash"] = item.hashes.begin()->first + "=" + item.hashes.begin()->second;
    if (!item.hashes.empty()) {
      json hashes = json::object();
      for (const auto& [algo, hex] : item.hashes) hashes[algo] = hex;
      archive["hashes"] = hashes;
    }
    if (!item.download_info_json.empty()) entry["download_info"] = json::parse(item.download_info_json);
    else entry["download_info"] = {{"url", util::redact_url(item.url)}, {"archive_info", archive}};
    if (!item.index_url.empty()) entry["index_url"] = util::redact_url(item.index_url);  // beyond pip
    if (auto label = variant_label_of(item.url)) entry["variant_label"] = *label;          // beyond pip (PEP 825)
    entry["is_direct"] = item.is_direct;
    entry["is_yanked"] = item.is_yanked;
    entry["requested"] = item.requested;
    if (item.requested && !item.requested_extras.empty()) entry["requested_extras"] = item.requested_extras;
    entry["metadata"] = metadata_json(item.metadata_raw);
    report["install"].push_back(std::move(entry));
  }
  static constexpr std::string_view kKeys[] = {
      "implementation_name", "implementation_version", "os_name",       "platform_machine",
      "platform_release",    "platform_system",        "platform_version", "python_full_version",
      "platform_python_implementation", "python_version", "sys_platform"};
  json env = json::object();
  for (auto k : kKeys) env[std::string(k)] = std::string(environment.get(k));
  report["environment"] = env;
  return report.dump(indent) + "\n";
}

}  // namespace ptinstall::install
