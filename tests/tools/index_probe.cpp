// index_probe: the index layer from the command line, for tests/e2e/test_index_nginx.py.
//
//   index_probe [--index URL]... [--strategy S] [--route NAME=URL[,URL...]]... [--pin NAME=INDEXNAME]
//               [--named NAME=URL[!explicit]]... [--find-links L]... [--no-index] [--python X.Y.Z]
//               [--tags TAG,TAG,...] [--metadata] [--download-dir D] [--no-metadata-files] NAME...
//
// --index values are searched in the order given (the last one is the default index). Prints one JSON
// object: {"<name>": {"versions": [...], "files": [{filename, url, index, hashes, core_metadata,
// yanked}], "skipped": [{filename, reason, detail}], "found_on": [...], "searched": [...], "routed": b,
// "metadata": {name, version, requires_dist, source, wheel_path}}, "_stats": {...}}; errors as
// {"error": message, "hint": hint} with exit code 1.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ptinstall/index/index_set.hpp"
#include "ptinstall/index/metadata_fetch.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"

using namespace ptinstall;
using nlohmann::json;

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  index::IndexSetOptions options;
  index::TargetFilter filter;
  std::vector<index::IndexSpec> named;
  std::vector<std::string> urls;
  std::vector<std::string> names;
  bool want_metadata = false;
  index::MetadataOptions mopts;
  try {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= args.size()) throw util::Error("missing value for " + a);
        return args[++i];
      };
      if (a == "--index") {
        urls.push_back(value());
      } else if (a == "--named") {
        std::string v = value();
        auto eq = v.find('=');
        index::IndexSpec spec{v.substr(0, eq), v.substr(eq + 1), false, false};
        if (spec.url.size() > 9 && spec.url.ends_with("!explicit")) {
          spec.url.resize(spec.url.size() - 9);
          spec.explicit_only = true;
        }
        named.push_back(spec);
      } else if (a == "--strategy") {
        options.strategy = index::parse_index_strategy(value());
      } else if (a == "--route") {
        std::string v = value();
        auto eq = v.find('=');
        std::vector<std::string> list;
        const std::string rest = v.substr(eq + 1);
        for (auto u : util::split(rest, ',')) list.emplace_back(u);
        options.overrides[v.substr(0, eq)] = list;
      } else if (a == "--pin") {
        std::string v = value();
        auto eq = v.find('=');
        options.pins[v.substr(0, eq)] = v.substr(eq + 1);
      } else if (a == "--find-links") {
        options.find_links.push_back(value());
      } else if (a == "--no-index") {
        options.no_index = true;
      } else if (a == "--python") {
        filter.python_version = spec::Version::from_string(value());
      } else if (a == "--tags") {
        std::vector<spec::Tag> tags;
        const std::string list = value();
        for (auto t : util::split(list, ',')) tags.push_back(spec::Tag::parse(t));
        filter.tags = spec::SupportedTags::from_ordered(tags);
      } else if (a == "--metadata") {
        want_metadata = true;
      } else if (a == "--download-dir") {
        mopts.download_dir = value();
      } else if (a == "--no-metadata-files") {
        mopts.use_metadata_files = false;
      } else {
        names.push_back(a);
      }
    }
    std::optional<std::string> default_index;
    std::vector<std::string> extras;
    if (!urls.empty()) {
      default_index = urls.back();
      extras.assign(urls.begin(), urls.end() - 1);
    }
    options.indexes = index::order_indexes(named, extras, default_index);

    net::ClientOptions copts;
    copts.retries = 1;
    copts.retry_base_delay = std::chrono::milliseconds(10);
    copts.use_netrc = false;
    net::HttpClient client(copts);
    index::IndexSet set(options, client, nullptr, filter);
    index::MetadataFetcher fetcher(client, nullptr, mopts);
    set.prefetch(names);
    json out = json::object();
    for (const auto& name : names) {
      auto c = set.candidates(name);
      json j;
      j["versions"] = json::array();
      for (auto& v : c.versions()) j["versions"].push_back(v.to_string());
      j["files"] = json::array();
      for (auto& f : c.files) {
        json hashes = json::object();
        for (auto& [k, v] : f.file.hashes) hashes[k] = v;
        j["files"].push_back({{"filename", f.file.filename},
                              {"url", f.file.url},
                              {"index", f.file.index_url},
                              {"hashes", hashes},
                              {"core_metadata", f.file.core_metadata.has_value()},
                              {"yanked", f.file.yanked ? json(*f.file.yanked) : json(nullptr)}});
      }
      j["skipped"] = json::array();
      for (auto& s : c.skipped)
        j["skipped"].push_back({{"filename", s.file.filename}, {"reason", index::to_string(s.reason)}, {"detail", s.detail}});
      j["found_on"] = c.found_on;
      j["searched"] = c.searched;
      j["routed"] = c.routed;
      if (want_metadata && !c.files.empty()) {
        auto m = fetcher.fetch(c.files.front().file);
        j["metadata"] = {{"name", m.metadata.name},
                         {"version", m.metadata.version.to_string()},
                         {"requires_dist", m.metadata.requires_dist},
                         {"source", index::to_string(m.source)},
                         {"wheel_path", m.wheel_path ? json(m.wheel_path->string()) : json(nullptr)}};
      }
      out[c.name] = j;
    }
    auto is = set.stats();
    auto ms = fetcher.stats();
    out["_stats"] = {{"pages_requested", is.pages_requested}, {"pages_not_found", is.pages_not_found},
                     {"metadata_files", ms.metadata_files}, {"range_reads", ms.range_reads},
                     {"range_requests", ms.range_requests}, {"full_downloads", ms.full_downloads},
                     {"summary", fetcher.summary()}};
    std::cout << out.dump(1) << "\n";
    return 0;
  } catch (const util::Error& e) {
    std::cout << json{{"error", e.what()}, {"hint", e.hint()}}.dump() << "\n";
    return 1;
  }
}
