#include "ptinstall/lock/pylock.hpp"

#include <nlohmann/json.hpp>

#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/specifier.hpp"
#include "ptinstall/spec/version.hpp"
#include "ptinstall/spec/variant.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"
#include "util/toml_type_name.hpp"

namespace ptinstall::lock {
namespace {

// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF), as
// TOML requires of every string.
bool is_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) n = 0;
    else if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c == 0xE0) n = 2, lo = 0xA0;
    else if (c == 0xED) n = 2, hi = 0x9F;
    else if (c >= 0xE1 && c <= 0xEF) n = 2;
    else if (c == 0xF0) n = 3, lo = 0x90;
    else if (c == 0xF4) n = 3, hi = 0x8F;
    else if (c >= 0xF1 && c <= 0xF3) n = 3;
    else return false;
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      auto d = static_cast<unsigned char>(s[i + k]);
      if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF)) return false;
    }
    i += n + 1;
  }
  return true;
}

const char* kSpecHint = "see the pylock.toml specification (packaging.python.org, PEP 751)";

// Reading one file: every error names the file, the line and (where known) the package.
// A TOML node as JSON (the reader's side of the same conversion).
nlohmann::ordered_json json_of(const toml::node& n) {
  if (const auto* t = n.as_table()) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    for (const auto& [k, v] : *t) o[std::string(k.str())] = json_of(v);
    return o;
  }
  if (const auto* a = n.as_array()) {
    nlohmann::ordered_json o = nlohmann::ordered_json::array();
    for (const auto& v : *a) o.push_back(json_of(v));
    return o;
  }
  if (auto s = n.value<std::string>(); s && n.is_string()) return *s;
  if (n.is_boolean()) return *n.value<bool>();
  if (n.is_integer()) return *n.value<std::int64_t>();
  if (n.is_floating_point()) return *n.value<double>();
  return nullptr;
}

struct Reader {
  std::string path;

  [[noreturn]] void fail(const toml::node* node, const std::string& what, const std::string& hint = kSpecHint) const {
    std::string where = path;
    if (node && node->source().begin.line) where += ":" + std::to_string(node->source().begin.line);
    throw util::Error(util::ErrorKind::Usage, where + ": " + what, hint);
  }

  static std::string in(const std::string& package) { return package.empty() ? "" : " of package `" + package + "`"; }

  std::optional<std::string> string(const toml::table& t, std::string_view key, const std::string& package,
                                    bool required = false) const {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) fail(&t, "`" + std::string(key) + "`" + in(package) + " is missing");
      return std::nullopt;
    }
    if (!n->is_string()) fail(n, "`" + std::string(key) + "`" + in(package) + " must be a string, not " + util::detail::toml_type_name(*n));
    return n->as_string()->get();
  }

  std::vector<std::string> strings(const toml::table& t, std::string_view key, const std::string& package) const {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) fail(n, "`" + std::string(key) + "`" + in(package) + " must be an array of strings, not " + util::detail::toml_type_name(*n));
    for (const auto& item : *a) {
      if (!item.is_string()) fail(&item, "`" + std::string(key) + "`" + in(package) + " must hold strings, not " + util::detail::toml_type_name(item));
      out.push_back(item.as_string()->get());
    }
    return out;
  }

  std::string marker(const toml::table& t, std::string_view key, const std::string& package,
                     const std::string& text) const {
    try {
      return spec::Marker::parse(text).to_string();
    } catch (const util::Error& e) {
      fail(t.get(key), "`" + std::string(key) + "`" + in(package) + ": " + e.what(), e.hint());
    }
  }

  LockedFile file(const toml::node& node, const std::string& what, const std::string& package, bool archive) const {
    const toml::table* t = node.as_table();
    if (!t) fail(&node, what + in(package) + " must be a table, not " + util::detail::toml_type_name(node));
    LockedFile f;
    if (auto v = string(*t, "name", package)) f.name = *v;
    if (auto v = string(*t, "url", package)) f.url = *v;
    if (auto v = string(*t, "path", package)) f.path = *v;
    if (f.url.empty() && f.path.empty()) fail(t, what + in(package) + " has neither `url` nor `path`");
    if (f.name.empty() && !archive) {
      std::string from = f.url.empty() ? f.path : f.url.substr(0, f.url.find_first_of("?#"));
      std::string segment = from.substr(from.find_last_of("/\\") + 1);
      f.name = util::percent_decode(segment);
      // %XX may decode to bytes that are no UTF-8 (`%9B`), which no TOML string can hold: the name
      // stays percent-encoded then, so that the lock writes back as TOML that reads (found by
      // tests/fuzz/fuzz_pylock.cpp).
      if (!is_utf8(f.name)) f.name = segment;
    }
    if (const toml::node* n = t->get("upload-time")) {
      if (n->is_date_time()) {
        std::ostringstream s;
        s << *n->as_date_time();
        f.upload_time = s.str();
      } else {
        fail(n, "`upload-time` of " + (f.name.empty() ? what : f.name) + in(package) +
                    " must be a TOML datetime, not " + util::detail::toml_type_name(*n));
      }
    }
    if (const toml::node* n = t->get("size")) {
      if (!n->is_integer() || n->as_integer()->get() < 0)
        fail(n, "`size` of " + (f.name.empty() ? what : f.name) + in(package) + " must be a non-negative integer");
      f.size = static_cast<std::uint64_t>(n->as_integer()->get());
    }
    if (archive)
      if (auto v = string(*t, "subdirectory", package)) f.subdirectory = *v;
    const toml::node* h = t->get("hashes");
    std::string shown = f.name.empty() ? what : f.name;
    if (!h) fail(t, shown + in(package) + " has no hashes", "a lock names a hash for every file; lock it again");
    const toml::table* ht = h->as_table();
    if (!ht) fail(h, "`hashes` of " + shown + in(package) + " must be a table, not " + util::detail::toml_type_name(*h));
    for (const auto& [algo, value] : *ht) {
      if (!value.is_string()) fail(&value, "hash `" + std::string(algo.str()) + "` of " + shown + in(package) + " must be a string");
      std::string hex = util::to_lower(value.as_string()->get());
      if (hex.empty() || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
        fail(&value, "hash `" + std::string(algo.str()) + "` of " + shown + in(package) + " is not a hex digest");
      f.hashes[util::to_lower(std::string(algo.str()))] = hex;
    }
    if (f.hashes.empty()) fail(h, shown + in(package) + " has no hashes", "a lock names a hash for every file; lock it again");
    return f;
  }

  LockedPackage package(const toml::node& node) const {
    const toml::table* t = node.as_table();
    if (!t) fail(&node, "each of `packages` must be a table, not " + util::detail::toml_type_name(node));
    LockedPackage p;
    std::string written = *string(*t, "name", "", true);
    if (!spec::is_valid_name(written)) fail(t->get("name"), "invalid package name `" + written + "`");
    p.name = spec::normalize_name(written);
    if (auto v = string(*t, "version", p.name)) {
      if (!spec::Version::parse(*v)) fail(t->get("version"), "invalid version `" + *v + "`" + in(p.name));
      p.version = *v;
    }
    if (auto v = string(*t, "marker", p.name)) p.marker = marker(*t, "marker", p.name, *v);
    if (auto v = string(*t, "requires-python", p.name)) {
      try {
        spec::SpecifierSet::parse(*v);
      } catch (const util::Error& e) {
        fail(t->get("requires-python"), "`requires-python`" + in(p.name) + ": " + e.what());
      }
      p.requires_python = *v;
    }
    if (const toml::node* n = t->get("dependencies")) {
      const toml::array* a = n->as_array();
      if (!a) fail(n, "`dependencies`" + in(p.name) + " must be an array of tables");
      for (const auto& d : *a) {
        const toml::table* dt = d.as_table();
        if (!dt) fail(&d, "`dependencies`" + in(p.name) + " must hold tables, not " + util::detail::toml_type_name(d));
        LockedDependency dep;
        if (auto v = string(*dt, "name", p.name)) dep.name = spec::normalize_name(*v);
        dep.version = string(*dt, "version", p.name);
        p.dependencies.push_back(std::move(dep));
      }
    }
    p.index = string(*t, "index", p.name);
    int kinds = 0;
    if (const toml::node* n = t->get("vcs")) {
      const toml::table* vt = n->as_table();
      if (!vt) fail(n, "`vcs`" + in(p.name) + " must be a table");
      LockedVcs v;
      v.type = *string(*vt, "type", p.name, true);
      if (auto u = string(*vt, "url", p.name)) v.url = *u;
      if (auto u = string(*vt, "path", p.name)) v.path = *u;
      if (v.url.empty() && v.path.empty()) fail(vt, "`vcs`" + in(p.name) + " has neither `url` nor `path`");
      v.requested_revision = string(*vt, "requested-revision", p.name);
      v.commit_id = *string(*vt, "commit-id", p.name, true);
      v.subdirectory = string(*vt, "subdirectory", p.name);
      p.vcs = std::move(v);
      ++kinds;
    }
    if (const toml::node* n = t->get("directory")) {
      const toml::table* dt = n->as_table();
      if (!dt) fail(n, "`directory`" + in(p.name) + " must be a table");
      LockedDirectory d;
      d.path = *string(*dt, "path", p.name, true);
      if (const toml::node* e = dt->get("editable")) {
        if (!e->is_boolean()) fail(e, "`editable`" + in(p.name) + " must be a boolean, not " + util::detail::toml_type_name(*e));
        d.editable = e->as_boolean()->get();
      }
      d.subdirectory = string(*dt, "subdirectory", p.name);
      p.directory = std::move(d);
      ++kinds;
    }
    if (const toml::node* n = t->get("archive")) {
      p.archive = file(*n, "`archive`", p.name, true);
      ++kinds;
    }
    bool files = false;
    if (const toml::node* n = t->get("sdist")) {
      p.sdist = file(*n, "`sdist`", p.name, false);
      files = true;
    }
    if (const toml::node* n = t->get("wheels")) {
      const toml::array* a = n->as_array();
      if (!a) fail(n, "`wheels`" + in(p.name) + " must be an array of tables, not " + util::detail::toml_type_name(*n));
      for (const auto& w : *a) p.wheels.push_back(file(w, "a wheel", p.name, false));
      files = true;
    }
    if (const toml::node* n = t->get("variants-json")) {
      if (!n->as_table()) fail(n, "`variants-json`" + in(p.name) + " must be a table, not " + util::detail::toml_type_name(*n));
      if (p.wheels.empty())
        fail(n, "`variants-json`" + in(p.name) + " needs `wheels`", "PEP 825: the variant metadata describes wheels");
      std::string text = json_of(*n).dump();
      try {
        spec::VariantMetadata::parse(text, "[packages.variants-json] of " + p.name);
      } catch (const util::Error& e) {
        fail(n, e.what(), "lock again with a ptinstall that writes PEP 825 variant metadata");
      }
      p.variants_json = std::move(text);
    }
    if (const toml::node* n = t->get("tool"); n && n->as_table())
      if (const toml::node* pt = (*n->as_table())["ptinstall"].node(); pt && pt->as_table())
        if (const toml::node* r = (*pt->as_table())["variant-required-by"].node()) {
          const toml::array* a = r->as_array();
          if (!a) fail(r, "`tool.ptinstall.variant-required-by`" + in(p.name) + " must be an array of tables");
          for (const auto& e : *a) {
            const toml::table* et = e.as_table();
            if (!et)
              fail(&e, "`tool.ptinstall.variant-required-by`" + in(p.name) + " must hold tables, not " +
                           util::detail::toml_type_name(e));
            LockedRequirer req;
            req.name = spec::normalize_name(*string(*et, "name", p.name, true));
            if (auto m = string(*et, "marker", p.name)) req.marker = marker(*et, "marker", p.name, *m);
            p.variant_required_by.push_back(std::move(req));
          }
        }
    if (files) ++kinds;
    if (const toml::node* n = t->get("attestation-identities")) {
      // PEP 751: an array of tables, each with a string `kind` and the publisher's own keys.
      const toml::array* a = n->as_array();
      if (!a)
        fail(n, "`attestation-identities`" + in(p.name) + " must be an array of tables, not " +
                    util::detail::toml_type_name(*n));
      for (const auto& item : *a) {
        const toml::table* it = item.as_table();
        if (!it) fail(&item, "an attestation identity" + in(p.name) + " must be a table, not " + util::detail::toml_type_name(item));
        const toml::node* kind = it->get("kind");
        if (!kind || !kind->is_string()) fail(&item, "an attestation identity" + in(p.name) + " has no string `kind`");
        std::vector<std::pair<std::string, std::string>> id = {{"kind", kind->as_string()->get()}};
        for (const auto& [k, v] : *it)
          if (k.str() != "kind" && v.is_string()) id.emplace_back(std::string(k.str()), v.as_string()->get());
        p.attestation_identities.push_back(std::move(id));
      }
    }
    if (kinds == 0)
      fail(t, "package `" + p.name + "` has no source: none of vcs, directory, archive, sdist, wheels");
    if (kinds > 1)
      fail(t, "package `" + p.name + "` has more than one kind of source",
           "a package has one of vcs, directory, archive, or sdist and/or wheels");
    if ((p.sdist || !p.wheels.empty()) && !p.version)
      fail(t, "package `" + p.name + "` has an sdist or wheels but no `version`");
    return p;
  }
};

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// A key bare where TOML allows it, else quoted.
std::string quote_key(std::string_view k) {
  bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  return bare ? std::string(k) : quote(k);
}

std::string string_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quote(items[i]);
  return out + "]";
}

// An RFC 3339 time as a TOML offset date-time when it is one (PEP 700 gives ISO 8601 with Z).
std::optional<std::string> toml_datetime(const std::string& text) {
  try {
    toml::table t = toml::parse("t = " + text);
    if (t["t"].is_date_time()) return text;
  } catch (const toml::parse_error&) {
  }
  return std::nullopt;
}

// A TOML key: bare when it can be (A-Za-z0-9_-), else quoted (`$schema`, labels such as `cuda12.8`).
std::string toml_key(std::string_view k) {
  bool bare = !k.empty() && k.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
                                std::string_view::npos;
  return bare ? std::string(k) : quote(k);
}

// JSON as an inline TOML value (PEP 825: the variants.json structure converted to TOML types).
std::string toml_value(const nlohmann::ordered_json& j) {
  if (j.is_string()) return quote(j.get<std::string>());
  if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
  if (j.is_number_integer()) return std::to_string(j.get<long long>());
  if (j.is_number()) return j.dump();
  if (j.is_array()) {
    std::vector<std::string> items;
    for (const auto& e : j) items.push_back(toml_value(e));
    return "[" + util::join(items, ", ") + "]";
  }
  if (j.is_object()) {
    if (j.empty()) return "{}";
    std::vector<std::string> items;
    for (const auto& [k, v] : j.items()) items.push_back(toml_key(k) + " = " + toml_value(v));
    return "{ " + util::join(items, ", ") + " }";
  }
  return "\"\"";  // null has no TOML form; the metadata never has one
}

std::string inline_file(const LockedFile& f) {
  std::vector<std::string> parts;
  if (!f.name.empty()) parts.push_back("name = " + quote(f.name));
  if (!f.url.empty()) parts.push_back("url = " + quote(f.url));
  if (!f.path.empty()) parts.push_back("path = " + quote(f.path));
  if (f.subdirectory) parts.push_back("subdirectory = " + quote(*f.subdirectory));
  if (f.upload_time)
    if (auto t = toml_datetime(*f.upload_time)) parts.push_back("upload-time = " + *t);
  if (f.size) parts.push_back("size = " + std::to_string(*f.size));
  std::vector<std::string> hashes;
  for (const auto& [algo, hex] : f.hashes) hashes.push_back(algo + " = " + quote(hex));
  parts.push_back("hashes = { " + util::join(hashes, ", ") + " }");
  return "{ " + util::join(parts, ", ") + " }";
}

}  // namespace

std::optional<std::pair<int, int>> parse_lock_version(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= text.size()) return std::nullopt;
  auto digits = [](std::string_view s) { return !s.empty() && s.size() < 9 && s.find_first_not_of("0123456789") == std::string_view::npos; };
  std::string_view major = text.substr(0, dot), minor = text.substr(dot + 1);
  if (!digits(major) || !digits(minor)) return std::nullopt;
  return std::make_pair(std::stoi(std::string(major)), std::stoi(std::string(minor)));
}

Pylock Pylock::read(const std::string& path) { return parse(util::read_file(path), path); }

Pylock Pylock::parse(std::string_view text, const std::string& path) {
  Reader r{path};
  toml::table doc;
  try {
    doc = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw util::Error(util::ErrorKind::Usage, path + ":" + std::to_string(e.source().begin.line) +
                                                  ": invalid TOML: " + std::string(e.description()));
  }
  Pylock lock;
  lock.lock_version = *r.string(doc, "lock-version", "", true);
  auto version = parse_lock_version(lock.lock_version);
  if (!version) r.fail(doc.get("lock-version"), "invalid lock-version `" + lock.lock_version + "`", "this ptinstall reads lock-version 1.x");
  if (version->first != 1)
    r.fail(doc.get("lock-version"), "unknown lock-version " + lock.lock_version + ": this ptinstall reads lock-version 1.x",
           "lock the project again with a tool that writes lock-version 1.0, or update ptinstall");
  if (version->second > 0)
    util::log::warn(path + ": lock-version " + lock.lock_version + " is newer than 1.0; reading it as 1.0");
  lock.created_by = *r.string(doc, "created-by", "", true);
  for (const auto& e : r.strings(doc, "environments", "")) lock.environments.push_back(r.marker(doc, "environments", "", e));
  if (auto v = r.string(doc, "requires-python", "")) {
    try {
      spec::SpecifierSet::parse(*v);
    } catch (const util::Error& e) {
      r.fail(doc.get("requires-python"), std::string("`requires-python`: ") + e.what());
    }
    lock.requires_python = *v;
  }
  auto names = [&](std::string_view key) {
    std::vector<std::string> out;
    for (const auto& n : r.strings(doc, key, "")) out.push_back(spec::normalize_name(n));
    return out;
  };
  lock.extras = names("extras");
  lock.dependency_groups = names("dependency-groups");
  lock.default_groups = names("default-groups");
  const toml::node* packages = doc.get("packages");
  if (!packages) r.fail(nullptr, "`packages` is missing");
  const toml::array* pa = packages->as_array();
  if (!pa) r.fail(packages, "`packages` must be an array of tables, not " + util::detail::toml_type_name(*packages));
  for (const auto& p : *pa) lock.packages.push_back(r.package(p));
  if (const toml::table* tool = doc["tool"]["ptinstall"].as_table()) {
    TorchRecord t;
    if (auto v = r.string(*tool, "torch-backend", "")) t.backend = *v;
    if (auto v = r.string(*tool, "torch-accelerator", "")) t.accelerator = *v;
    t.indexes = r.strings(*tool, "torch-indexes", "");
    if (!t.backend.empty()) lock.torch = std::move(t);
  }
  return lock;
}

std::string Pylock::to_toml() const {
  std::string out;
  out += "lock-version = " + quote(lock_version) + "\n";
  if (!environments.empty()) out += "environments = " + string_array(environments) + "\n";
  if (requires_python) out += "requires-python = " + quote(*requires_python) + "\n";
  out += "extras = " + string_array(extras) + "\n";
  out += "dependency-groups = " + string_array(dependency_groups) + "\n";
  out += "default-groups = " + string_array(default_groups) + "\n";
  out += "created-by = " + quote(created_by) + "\n";
  std::vector<const LockedPackage*> sorted;
  for (const auto& p : packages) sorted.push_back(&p);
  std::stable_sort(sorted.begin(), sorted.end(), [](const LockedPackage* a, const LockedPackage* b) {
    if (a->name != b->name) return a->name < b->name;
    auto va = a->version ? spec::Version::parse(*a->version) : std::nullopt;
    auto vb = b->version ? spec::Version::parse(*b->version) : std::nullopt;
    if (va && vb && *va != *vb) return *va < *vb;
    return a->marker < b->marker;
  });
  for (const LockedPackage* p : sorted) {
    out += "\n[[packages]]\n";
    out += "name = " + quote(p->name) + "\n";
    if (p->version) out += "version = " + quote(*p->version) + "\n";
    if (!p->marker.empty()) out += "marker = " + quote(p->marker) + "\n";
    if (p->requires_python) out += "requires-python = " + quote(*p->requires_python) + "\n";
    if (!p->dependencies.empty()) {
      std::vector<std::string> deps;
      for (const auto& d : p->dependencies)
        deps.push_back("{ name = " + quote(d.name) + (d.version ? ", version = " + quote(*d.version) : "") + " }");
      out += "dependencies = [" + util::join(deps, ", ") + "]\n";
    }
    if (p->index) out += "index = " + quote(*p->index) + "\n";
    if (p->vcs) {
      std::vector<std::string> parts = {"type = " + quote(p->vcs->type)};
      if (!p->vcs->url.empty()) parts.push_back("url = " + quote(p->vcs->url));
      if (!p->vcs->path.empty()) parts.push_back("path = " + quote(p->vcs->path));
      if (p->vcs->requested_revision) parts.push_back("requested-revision = " + quote(*p->vcs->requested_revision));
      parts.push_back("commit-id = " + quote(p->vcs->commit_id));
      if (p->vcs->subdirectory) parts.push_back("subdirectory = " + quote(*p->vcs->subdirectory));
      out += "vcs = { " + util::join(parts, ", ") + " }\n";
    }
    if (p->directory) {
      std::vector<std::string> parts = {"path = " + quote(p->directory->path)};
      if (p->directory->editable) parts.push_back("editable = true");
      if (p->directory->subdirectory) parts.push_back("subdirectory = " + quote(*p->directory->subdirectory));
      out += "directory = { " + util::join(parts, ", ") + " }\n";
    }
    if (p->archive) out += "archive = " + inline_file(*p->archive) + "\n";
    if (p->sdist) out += "sdist = " + inline_file(*p->sdist) + "\n";
    if (!p->wheels.empty()) {
      out += "wheels = [\n";
      for (const auto& w : p->wheels) out += "    " + inline_file(w) + ",\n";
      out += "]\n";
    }
    if (!p->attestation_identities.empty()) {
      out += "attestation-identities = [\n";
      for (const auto& id : p->attestation_identities) {
        std::vector<std::string> parts;
        for (const auto& [k, v] : id) parts.push_back(quote_key(k) + " = " + quote(v));
        out += "    { " + util::join(parts, ", ") + " },\n";
      }
      out += "]\n";
    }
    if (p->variants_json) {
      out += "\n[packages.variants-json]\n";
      const auto vj = nlohmann::ordered_json::parse(*p->variants_json);  // items() only refers to it
      for (const auto& [k, v] : vj.items()) out += toml_key(k) + " = " + toml_value(v) + "\n";
    }
    if (!p->variant_required_by.empty()) {
      out += "\n[packages.tool.ptinstall]\nvariant-required-by = [\n";
      for (const auto& r : p->variant_required_by)
        out += "    { name = " + quote(r.name) + (r.marker.empty() ? "" : ", marker = " + quote(r.marker)) + " },\n";
      out += "]\n";
    }
  }
  if (torch) {
    out += "\n[tool.ptinstall]\n";
    out += "torch-backend = " + quote(torch->backend) + "\n";
    if (!torch->accelerator.empty()) out += "torch-accelerator = " + quote(torch->accelerator) + "\n";
    out += "torch-indexes = " + string_array(torch->indexes) + "\n";
  }
  return out;
}

}  // namespace ptinstall::lock
