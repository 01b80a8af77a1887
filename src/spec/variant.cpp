#include "ptinstall/spec/variant.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <tuple>

#include "ptinstall/spec/version.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::spec {

namespace {

using json = nlohmann::ordered_json;

[[noreturn]] void bad(std::string_view where, const std::string& why) {
  throw util::Error(util::ErrorKind::Index, "invalid variant metadata " + std::string(where) + ": " + why,
                    "the index (or the wheel) publishes a variants file this installer cannot read; run without "
                    "--variants to ignore the variant wheels");
}

std::vector<std::string> string_list(const json& j, std::string_view where, const std::string& what) {
  if (!j.is_array()) bad(where, what + " is not a list");
  std::vector<std::string> out;
  for (const auto& v : j) {
    if (!v.is_string()) bad(where, what + " holds a value that is not a string");
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::size_t index_of(const std::vector<std::string>& list, std::string_view item) {
  return static_cast<std::size_t>(std::find(list.begin(), list.end(), item) - list.begin());
}

void append_missing(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

}  // namespace

bool is_valid_variant_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '_')) return false;
  return true;
}

bool is_valid_variant_value(std::string_view s) { return is_valid_variant_label(s); }

std::optional<VariantProperty> VariantProperty::parse(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t p = text.find("::", start);
    parts.push_back(trim(text.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start)));
    if (p == std::string_view::npos) break;
    start = p + 2;
  }
  if (parts.size() != 3 || !is_valid_variant_name(parts[0]) || !is_valid_variant_name(parts[1]) ||
      !is_valid_variant_value(parts[2]))
    return std::nullopt;
  return VariantProperty{std::string(parts[0]), std::string(parts[1]), std::string(parts[2])};
}

bool is_abi_dependency_value(std::string_view value) {
  auto parts = util::split(value, '.');
  if (parts.empty() || parts.size() > 3) return false;
  for (auto p : parts) {
    if (p.empty()) return false;
    for (char c : p)
      if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string abi_dependency_specifier(std::string_view value) { return "==" + std::string(value) + ".*"; }

std::string VariantProperty::to_string() const { return ns + " :: " + feature + " :: " + value; }

std::optional<SchemaVersion> variant_schema_version(std::string_view url) {
  // The last "v?X.Y.Z" run of the URL: ".../peps/825/v0.1.1.json".
  std::optional<SchemaVersion> found;
  for (std::size_t i = 0; i < url.size(); ++i) {
    if (!(url[i] >= '0' && url[i] <= '9') || (i > 0 && url[i - 1] >= '0' && url[i - 1] <= '9') ||
        (i > 0 && url[i - 1] == '.'))
      continue;
    int nums[3] = {0, 0, 0};
    std::size_t pos = i;
    bool ok = true;
    for (int k = 0; k < 3 && ok; ++k) {
      auto [p, ec] = std::from_chars(url.data() + pos, url.data() + url.size(), nums[k]);
      if (ec != std::errc()) {
        ok = false;
        break;
      }
      pos = static_cast<std::size_t>(p - url.data());
      if (k < 2) {
        if (pos >= url.size() || url[pos] != '.') ok = false;
        else ++pos;
      }
    }
    if (ok) found = SchemaVersion{nums[0], nums[1], nums[2]};
  }
  return found;
}

VariantMetadata VariantMetadata::parse(std::string_view text, std::string_view where) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    bad(where, std::string("not JSON (") + e.what() + ")");
  }
  if (!j.is_object()) bad(where, "not a JSON object");
  VariantMetadata m;
  if (auto it = j.find("$schema"); it != j.end()) {
    if (!it->is_string()) bad(where, "`$schema` is not a string");
    m.schema = it->get<std::string>();
    m.version = variant_schema_version(m.schema);
  }
  if (!m.schema.empty() && m.version && m.version->major != kVariantSchemaMajor) return m;  // caller warns

  if (auto dp = j.find("default-priorities"); dp != j.end()) {
    if (!dp->is_object()) bad(where, "`default-priorities` is not an object");
    if (auto ns = dp->find("namespace"); ns != dp->end())
      m.namespace_priorities = string_list(*ns, where, "default-priorities.namespace");
    if (auto f = dp->find("feature"); f != dp->end()) {
      if (!f->is_object()) bad(where, "default-priorities.feature is not an object");
      for (const auto& [ns, list] : f->items())
        m.feature_priorities[ns] = string_list(list, where, "default-priorities.feature." + ns);
    }
    if (auto p = dp->find("property"); p != dp->end()) {
      if (!p->is_object()) bad(where, "default-priorities.property is not an object");
      for (const auto& [ns, features] : p->items()) {
        if (!features.is_object()) bad(where, "default-priorities.property." + ns + " is not an object");
        for (const auto& [f, list] : features.items())
          m.property_priorities[ns][f] = string_list(list, where, "default-priorities.property." + ns + "." + f);
      }
    }
  }
  if (auto pr = j.find("providers"); pr != j.end()) {
    if (!pr->is_object()) bad(where, "`providers` is not an object");
    for (const auto& [ns, entry] : pr->items()) {
      if (!entry.is_object()) bad(where, "providers." + ns + " is not an object");
      VariantProvider p;
      if (auto sp = entry.find("static-properties"); sp != entry.end()) {
        if (!sp->is_object()) bad(where, "providers." + ns + ".static-properties is not an object");
        std::vector<std::pair<std::string, std::vector<std::string>>> props;

        for (const auto& [f, list] : sp->items())
          props.emplace_back(f, string_list(list, where, "providers." + ns + ".static-properties." + f));
        p.static_properties = std::move(props);
      }
      if (auto rq = entry.find("requires"); rq != entry.end()) p.requires_ = string_list(*rq, where, "providers." + ns + ".requires");
      if (auto pa = entry.find("plugin-api"); pa != entry.end() && pa->is_string()) p.plugin_api = pa->get<std::string>();
      if (auto op = entry.find("optional"); op != entry.end() && op->is_boolean()) p.optional = op->get<bool>();
      m.providers.emplace(ns, std::move(p));
    }
  }
  auto vs = j.find("variants");
  if (vs == j.end()) bad(where, "`variants` is missing");
  if (!vs->is_object()) bad(where, "`variants` is not an object");
  for (const auto& [label, namespaces] : vs->items()) {
    if (!is_valid_variant_label(label)) bad(where, "invalid variant label `" + label + "`");
    if (!namespaces.is_object()) bad(where, "variants." + label + " is not an object");
    VariantPropertyMap props;
    for (const auto& [ns, features] : namespaces.items()) {
      if (!is_valid_variant_name(ns)) bad(where, "invalid namespace `" + ns + "` in variant `" + label + "`");
      if (!features.is_object()) bad(where, "variants." + label + "." + ns + " is not an object");
      if (ns != kAbiDependencyNamespace && std::find(m.namespace_priorities.begin(), m.namespace_priorities.end(), ns) ==
                                        m.namespace_priorities.end())
        bad(where, "namespace `" + ns + "` of variant `" + label + "` is missing from default-priorities.namespace");
      for (const auto& [f, list] : features.items()) {
        if (!is_valid_variant_name(f)) bad(where, "invalid feature `" + f + "` in variant `" + label + "`");
        auto values = string_list(list, where, "variants." + label + "." + ns + "." + f);
        if (values.empty()) bad(where, "feature `" + ns + " :: " + f + "` of variant `" + label + "` has no value");
        for (const auto& v : values)
          if (!is_valid_variant_value(v)) bad(where, "invalid value `" + v + "` in variant `" + label + "`");
        props[ns][f] = std::move(values);
      }
    }
    if (label == kNullVariantLabel && !props.empty()) bad(where, "the reserved variant `null` has properties");
    m.variants.emplace(label, std::move(props));
  }
  return m;
}

std::string VariantMetadata::to_json(const std::vector<std::string>& labels) const {
  json j = json::object();
  if (!schema.empty()) j["$schema"] = schema;
  json dp = json::object();
  dp["namespace"] = namespace_priorities;
  if (!feature_priorities.empty()) dp["feature"] = feature_priorities;
  if (!property_priorities.empty()) dp["property"] = property_priorities;
  j["default-priorities"] = dp;
  if (!providers.empty()) {
    json pr = json::object();
    for (const auto& [ns, p] : providers) {
      json e = json::object();
      if (p.static_properties) {
        json sp = json::object();
        for (const auto& [f, values] : *p.static_properties) sp[f] = values;
        e["static-properties"] = sp;
      }
      if (!p.requires_.empty()) e["requires"] = p.requires_;
      if (!p.plugin_api.empty()) e["plugin-api"] = p.plugin_api;
      if (p.optional) e["optional"] = true;
      pr[ns] = e;
    }
    j["providers"] = pr;
  }
  json vs = json::object();
  for (const auto& [label, props] : variants) {
    if (!labels.empty() && std::find(labels.begin(), labels.end(), label) == labels.end()) continue;
    json v = json::object();
    for (const auto& [ns, features] : props) v[ns] = features;
    vs[label] = v;
  }
  j["variants"] = vs;
  return j.dump();
}

const std::vector<SupportedFeature>* SupportedProperties::find(std::string_view ns) const {
  auto it = namespaces.find(std::string(ns));
  return it == namespaces.end() ? nullptr : &it->second;
}

void SupportedProperties::add(std::string_view ns, std::string_view feature, std::vector<std::string> values,
                              std::string_view from) {
  auto& features = namespaces[std::string(ns)];
  auto it = std::find_if(features.begin(), features.end(), [&](const SupportedFeature& f) { return f.name == feature; });
  if (it == features.end()) {
    features.push_back(SupportedFeature{std::string(feature), {}});
    it = features.end() - 1;
  }
  for (auto& v : values) append_missing(it->values, v);
  source.emplace(std::string(ns), std::string(from));
}

SupportedProperties parse_user_properties(std::string_view text, std::string_view where) {
  SupportedProperties out;
  std::size_t line_no = 0;
  for (auto line : util::split(text, '\n')) {
    ++line_no;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    auto p = VariantProperty::parse(line);
    if (!p)
      throw util::Error(util::ErrorKind::Usage,
                        std::string(where) + ":" + std::to_string(line_no) + ": `" + std::string(line) +
                            "` is not a variant property",
                        "write one `namespace :: feature :: value` per line, most preferred first, e.g. "
                        "`nvidia :: sm_arch :: 90_real`");
    out.add(p->ns, p->feature, {p->value}, where);
  }
  return out;
}

SupportedProperties effective_properties(const VariantMetadata& meta, const SupportedProperties& user,
                                         const SupportedProperties& native) {
  SupportedProperties out;
  std::vector<std::string> namespaces = meta.namespace_priorities;
  for (const auto& [ns, p] : meta.providers) append_missing(namespaces, ns);
  for (const auto& ns : namespaces) {
    if (auto p = meta.providers.find(ns); p != meta.providers.end() && p->second.static_properties) {
      for (const auto& [f, values] : *p->second.static_properties) out.add(ns, f, values, "static-properties");
      continue;
    }
    const SupportedProperties* from = user.find(ns) ? &user : native.find(ns) ? &native : nullptr;
    if (!from) continue;
    out.namespaces[ns] = *from->find(ns);
    out.source[ns] = from->source.count(ns) ? from->source.at(ns) : "";
  }
  return out;
}

VariantOrder order_variants(const VariantMetadata& meta, const std::vector<std::string>& labels,
                            const SupportedProperties& supported) {
  VariantOrder out;
  // Steps 1-3: the namespace, feature and value orders (the metadata's priorities first, then the
  // provider's order for what they do not name). Only supported values take part in step 4, so a
  // value the metadata prefers but the machine lacks never becomes a variant's best value.
  const std::vector<std::string>& namespace_order = meta.namespace_priorities;
  std::map<std::string, std::vector<std::string>> feature_order;
  std::map<std::string, std::map<std::string, std::vector<std::string>>> value_order;
  for (const auto& ns : namespace_order) {
    auto& fo = feature_order[ns];
    if (auto it = meta.feature_priorities.find(ns); it != meta.feature_priorities.end()) fo = it->second;
    const auto* sup = supported.find(ns);
    if (sup)
      for (const auto& f : *sup) append_missing(fo, f.name);
    for (const auto& f : fo) {
      auto& vo = value_order[ns][f];
      const SupportedFeature* sf = nullptr;
      if (sup)
        for (const auto& x : *sup)
          if (x.name == f) sf = &x;
      if (!sf) continue;
      if (auto pn = meta.property_priorities.find(ns); pn != meta.property_priorities.end())
        if (auto pf = pn->second.find(f); pf != pn->second.end())
          for (const auto& v : pf->second)
            if (std::find(sf->values.begin(), sf->values.end(), v) != sf->values.end()) append_missing(vo, v);
      for (const auto& v : sf->values) append_missing(vo, v);
    }
  }

  // PEP 850's reserved `abi_dependency` namespace (`abi_dependency :: torch :: 2.9`: built for
  // torch==2.9.*): never in default-priorities, always "supported" (the resolver adds the dependency
  // the chosen value stands for). It ranks after every listed namespace, its features by name and its
  // values newest first, so the build for the newest release of the dependency is tried first.
  const std::size_t abi_ns_index = namespace_order.size();
  std::map<std::string, std::vector<std::string>> abi_values;
  for (const auto& [label, props] : meta.variants)
    if (auto a = props.find(std::string(kAbiDependencyNamespace)); a != props.end())
      for (const auto& [f, values] : a->second)
        for (const auto& v : values) append_missing(abi_values[f], v);
  std::vector<std::string> abi_features;
  for (auto& [f, values] : abi_values) {
    abi_features.push_back(f);
    std::stable_sort(values.begin(), values.end(), [](const std::string& a, const std::string& b) {
      auto va = Version::parse(a), vb = Version::parse(b);
      if (va && vb && !(*va == *vb)) return *vb < *va;
      return a.size() > b.size();  // "2.9.1" before "2.9": the narrower build first
    });
  }

  using Key = std::tuple<std::size_t, std::size_t, std::size_t>;
  struct Ranked {
    std::string label;
    std::vector<Key> keys;
  };
  std::vector<Ranked> ranked;
  bool has_null = false;
  for (const auto& label : labels) {
    if (std::any_of(ranked.begin(), ranked.end(), [&](const Ranked& r) { return r.label == label; })) continue;
    if (out.unsupported.count(label)) continue;
    auto vit = meta.variants.find(label);
    if (vit == meta.variants.end()) {
      if (label == kNullVariantLabel) {
        has_null = true;  // reserved: always the variant with no properties
        continue;
      }
      out.unsupported[label] = "not listed in the variants metadata";
      continue;
    }
    if (label == kNullVariantLabel) {
      has_null = true;
      continue;
    }
    Ranked r{label, {}};
    std::string why;
    for (const auto& [ns, features] : vit->second) {
      if (ns == kAbiDependencyNamespace) {
        for (const auto& [f, values] : features) {
          std::size_t best = abi_values[f].size();
          for (const auto& v : values) {
            if (!is_abi_dependency_value(v)) {
              why = "abi_dependency value `" + v + "` is not a release of one to three numbers";
              break;
            }
            best = std::min(best, index_of(abi_values[f], v));
          }
          if (!why.empty()) break;
          r.keys.emplace_back(abi_ns_index, index_of(abi_features, f), best);
        }
        if (!why.empty()) break;
        continue;
      }
      const auto* sup = supported.find(ns);
      if (!sup) {
        why = "no provider for namespace `" + ns + "` (plugins never run; list its properties with --variant-properties)";
        break;
      }
      std::size_t ns_index = index_of(namespace_order, ns);
      for (const auto& [f, values] : features) {
        const auto& vo = value_order[ns][f];
        std::size_t best = vo.size();
        for (const auto& v : values) best = std::min(best, index_of(vo, v));
        if (best == vo.size()) {
          std::vector<std::string> needed;
          for (const auto& v : values) needed.push_back(ns + " :: " + f + " :: " + v);
          std::vector<std::string> have;
          for (const auto& sf : *sup)
            if (sf.name == f) have = sf.values;
          if (have.size() > 4) {  // the most preferred few say enough ("12.9, 12.8, 12.7, 12.6, ...")
            have.resize(4);
            have.emplace_back("...");
          }
          why = "needs " + util::join(needed, " or ") + "; this machine has " +
                (have.empty() ? std::string("no `") + ns + " :: " + f + "`" : util::join(have, ", "));
          break;
        }
        r.keys.emplace_back(ns_index, index_of(feature_order[ns], f), best);
      }
      if (!why.empty()) break;
    }
    if (!why.empty()) {
      out.unsupported[label] = why;
      continue;
    }
    std::sort(r.keys.begin(), r.keys.end());
    ranked.push_back(std::move(r));
  }
  // Step 7: lexicographic on the sorted keys, the longer list winning a prefix tie, then the label.
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    std::size_t n = std::min(a.keys.size(), b.keys.size());
    for (std::size_t i = 0; i < n; ++i)
      if (a.keys[i] != b.keys[i]) return a.keys[i] < b.keys[i];
    if (a.keys.size() != b.keys.size()) return a.keys.size() > b.keys.size();
    return a.label < b.label;
  });
  for (auto& r : ranked) out.labels.push_back(std::move(r.label));
  if (has_null) out.labels.emplace_back(kNullVariantLabel);
  return out;
}

void set_variant_markers(MarkerEnvironment& env, const VariantMetadata& meta, const std::string& label,
                         const SupportedProperties& supported) {
  env.set("variant_label", label);
  auto v = meta.variants.find(label);
  if (v == meta.variants.end()) return;
  auto add = [](std::vector<std::string>& set, std::string item) {
    if (std::find(set.begin(), set.end(), item) == set.end()) set.push_back(std::move(item));
  };
  for (const auto& [ns, features] : v->second) {
    const auto* sup = supported.find(ns);
    if (!sup) continue;
    for (const auto& [f, values] : features) {
      const SupportedFeature* sf = nullptr;
      for (const auto& x : *sup)
        if (x.name == f) sf = &x;
      if (!sf) continue;
      for (const auto& val : values) {
        if (std::find(sf->values.begin(), sf->values.end(), val) == sf->values.end()) continue;
        env.variant_properties.push_back(ns + " :: " + f + " :: " + val);
        add(env.variant_features, ns + " :: " + f);
        add(env.variant_namespaces, ns);
      }
    }
  }
}

}  // namespace ptinstall::spec
