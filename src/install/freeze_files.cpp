#include "ptinstall/install/freeze_files.hpp"

#include <map>

#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::install {
namespace {

std::string_view rtrim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string format_freeze_with_files(const std::vector<FreezeItem>& items, const std::set<std::string>& skip,
                                     const std::vector<FreezeFile>& files, const FreezeLineClassifier& classify) {
  std::map<std::string, const FreezeItem*> installed;  // not printed yet, by PEP 503 name
  for (const auto& item : items) installed.emplace(item.normalized, &item);
  // The files that named each package after it was printed (pip's "included multiple times").
  std::map<std::string, std::vector<std::string>> named_in;
  std::vector<std::string> order;  // names in the order first named, for the warnings
  std::map<std::string, std::string> written;  // name as first written, by PEP 503 name
  std::string out;
  for (const auto& file : files) {
    auto lines = util::split(file.text, '\n');
    if (!lines.empty() && lines.back().empty()) lines.pop_back();  // what follows the last newline
    int line_no = 0;
    for (auto raw : lines) {
      ++line_no;
      std::string_view line = raw;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      std::string_view trimmed = util::trim(line);
      if (trimmed.empty() || trimmed.front() == '#') {
        out += std::string(rtrim(line)) + "\n";
        continue;
      }
      FreezeFileLine what = classify(line, file.name, line_no);
      switch (what.kind) {
        case FreezeFileLine::Kind::Verbatim:
          out += std::string(rtrim(line)) + "\n";
          break;
        case FreezeFileLine::Kind::Unnamed:
          util::log::info("Skipping line in requirement file [" + file.name +
                          "] because it's not clear what it would install: " + what.shown);
          util::log::info("  (add #egg=PackageName to the URL to avoid this warning)");
          break;
        case FreezeFileLine::Kind::Named: {
          auto it = installed.find(what.name);
          auto& seen = named_in[what.name];
          if (seen.empty() && it == installed.end()) {
            util::log::warn("Requirement file [" + file.name + "] contains " + what.shown + ", but package '" +
                            what.written_name + "' is not installed");
            break;
          }
          if (seen.empty()) {
            order.push_back(what.name);
            written[what.name] = what.written_name;
          }
          seen.push_back(file.name);
          if (it != installed.end()) {
            out += it->second->text + "\n";
            installed.erase(it);
          }
          break;
        }
      }
    }
  }
  for (const auto& name : order) {
    const auto& seen = named_in[name];
    std::set<std::string> distinct(seen.begin(), seen.end());
    if (seen.size() > 1) {
      std::string list;
      for (const auto& f : distinct) list += (list.empty() ? "" : ", ") + f;
      util::log::warn("Requirement " + written[name] + " included multiple times [" + list + "]");
    }
  }
  out += "## The following requirements were added by pip freeze:\n";
  for (const auto& item : items)
    if (installed.count(item.normalized) && !skip.count(item.normalized)) out += item.text + "\n";
  return out;
}

}  // namespace ptinstall::install
