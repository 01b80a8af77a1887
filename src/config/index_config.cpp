#include "ptinstall/config/index_config.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "ptinstall/index/find_links.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::config {
namespace {

bool is_index_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

std::optional<std::string> lookup(const EnvLookup& getenv, const std::string& name) {
  if (!getenv) return std::nullopt;
  const char* v = getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

// PTINSTALL_INDEX_<NAME>_<what>, else UV_INDEX_<NAME>_<what>.
std::optional<std::string> credential(const EnvLookup& getenv, const std::string& env_name, std::string_view what,
                                      std::string* variable) {
  for (const char* prefix : {"PTINSTALL_INDEX_", "UV_INDEX_"}) {
    std::string var = prefix + env_name + "_" + std::string(what);
    if (auto v = lookup(getenv, var)) {
      if (variable) *variable = var;
      return v;
    }
  }
  return std::nullopt;
}

index::IndexSpec to_spec(const IndexDefinition& def, const EnvLookup& getenv) {
  index::IndexSpec spec{def.name, index_url_with_credentials(def, getenv), def.explicit_only, def.is_default};
  spec.authenticate = def.authenticate == Authenticate::Never    ? net::AuthPolicy::Never
                      : def.authenticate == Authenticate::Always ? net::AuthPolicy::Always
                                                                 : net::AuthPolicy::Auto;
  return spec;
}

}  // namespace

IndexDefinition parse_index_argument(std::string_view text, std::string origin) {
  IndexDefinition def;
  def.origin = std::move(origin);
  std::string_view value = util::trim(text);
  auto eq = value.find('=');
  // "NAME=URL" only when what precedes '=' is a valid name: a bare URL may hold '=' in its query.
  if (eq != std::string_view::npos && is_index_name(value.substr(0, eq))) {
    def.name = std::string(value.substr(0, eq));
    def.url = std::string(util::trim(value.substr(eq + 1)));
  } else {
    def.url = std::string(value);
  }
  if (def.url.empty())
    throw util::Error("invalid index `" + std::string(text) + "` in " + def.origin + ": the URL is empty",
                      "give NAME=URL or URL", 2);
  if (def.url.find("://") != std::string::npos && !util::Url::parse(def.url))
    throw util::Error("invalid index URL `" + util::redact_url(def.url) + "` in " + def.origin, "give NAME=URL or URL", 2);
  return def;
}

std::string index_env_name(std::string_view index_name) {
  std::string out;
  for (char c : index_name)
    out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
  return out;
}

std::string index_url_with_credentials(const IndexDefinition& index, const EnvLookup& getenv) {
  auto url = util::Url::parse(index.url);
  if (index.authenticate == Authenticate::Never) {
    if (url && url->has_credentials())
      throw util::Error("the index `" + index.name + "` (" + index.origin + ") has `authenticate = \"never\"` but its URL " +
                            url->redacted() + " holds credentials",
                        "remove the credentials from the URL or the `authenticate` setting");
    return index.url;
  }
  if (index.name.empty()) return index.url;
  const std::string env_name = index_env_name(index.name);
  std::string user_var, pass_var;
  auto user = credential(getenv, env_name, "USERNAME", &user_var);
  auto pass = credential(getenv, env_name, "PASSWORD", &pass_var);
  if (!user && !pass) {
    if (index.authenticate == Authenticate::Always && !(url && url->has_credentials()))
      util::log::debug("index `" + index.name + "` has `authenticate = \"always\"`; no credentials in its URL or in " +
                       "UV_INDEX_" + env_name + "_USERNAME/_PASSWORD, ~/.netrc must provide them");
    return index.url;
  }
  if (!url) {
    util::log::warn("credentials from " + (user ? user_var : pass_var) + " are not used: `" + util::redact_url(index.url) +
                    "` of the index `" + index.name + "` is not a URL");
    return index.url;
  }
  util::Url with = url->without_credentials();
  with.username = util::percent_encode(user.value_or(""));
  if (pass) with.password = util::percent_encode(*pass);
  util::log::debug("credentials for the index `" + index.name + "` from " + (user ? user_var : pass_var) +
                   (pass && user ? " and " + pass_var : std::string()));
  return with.str();
}

std::vector<std::string> IndexConfig::describe() const {
  std::vector<std::string> out;
  if (options.no_index) out.push_back("--no-index: no index is searched");
  for (const auto& i : options.indexes)
    out.push_back(std::string(i.is_default ? "default index " : i.explicit_only ? "explicit index " : "index ") +
                  (i.name.empty() ? "" : i.name + " ") + util::redact_url(i.url));
  for (const auto& f : options.find_links) out.push_back("find-links " + util::redact_url(f));
  out.push_back("index strategy " + std::string(index::to_string(options.strategy)));
  for (const auto& [pkg, d] : decisions) {
    switch (d.kind) {
      case PackageSource::Kind::Index: out.push_back(pkg + " pinned to the index " + d.index + " (" + d.origin + ")"); break;
      case PackageSource::Kind::Url: out.push_back(pkg + " from " + util::redact_url(d.url) + " (" + d.origin + ")"); break;
      case PackageSource::Kind::Path: out.push_back(pkg + " from " + d.path.string() + " (" + d.origin + ")"); break;
      case PackageSource::Kind::Unsupported: break;
    }
  }
  return out;
}

IndexConfig build_index_config(const IndexConfigInputs& in) {
  if (!in.settings) throw std::logic_error("build_index_config: no settings");
  const Settings& S = *in.settings;
  IndexConfig out;

  // 1. Every definition, command line and environment first, then the project's tables, then the
  //    config files'. A name keeps its first definition.
  std::vector<IndexDefinition> all;
  if (const SettingValue* v = S.find("index")) {
    std::string origin = v->origin.empty() ? "--index" : v->origin;
    for (const auto& text : v->values) all.push_back(parse_index_argument(text, origin));
  }
  if (in.project)
    for (const auto& d : in.project->indexes) all.push_back(d);
  for (const auto& d : in.file_indexes) all.push_back(d);
  std::set<std::string> names;
  for (auto& d : all) {
    if (!d.name.empty() && !names.insert(d.name).second) {
      util::log::debug("index `" + d.name + "` (" + d.origin + ") is already defined; the first definition is used");
      continue;
    }
    out.definitions.push_back(d);
  }

  // 2. Source decisions for every package the project has sources for.
  const bool no_sources = S.flag("no-sources");
  std::set<std::string> pinned_indexes;
  if (in.project && !no_sources) {
    std::map<std::string, const IndexDefinition*> by_name;
    for (const auto& d : out.definitions)
      if (!d.name.empty()) by_name.emplace(d.name, &d);
    // Every pin must name a defined index, whether or not it applies to this install.
    for (const auto& [pkg, list] : in.project->sources)
      for (const auto& s : list)
        if (s.kind == PackageSource::Kind::Index && !by_name.count(s.index)) {
          std::vector<std::string> defined;
          for (const auto& [n, _] : by_name) defined.push_back(n);
          throw util::Error("`" + pkg + "` is pinned to the index `" + s.index + "` (" + s.origin + "), which is not defined",
                            defined.empty() ? "define it with [[tool.uv.index]] name = \"" + s.index + "\" and url = \"...\""
                                            : "defined indexes: " + util::join(defined, ", "));
        }
    static const spec::MarkerEnvironment kEmpty;
    const spec::MarkerEnvironment& env = in.markers ? *in.markers : kEmpty;
    for (const auto& [pkg, _] : in.project->sources) {
      auto decided = in.project->source_for(pkg, env, in.selection);
      if (!decided) continue;
      out.decisions.emplace(pkg, *decided);
      if (decided->kind == PackageSource::Kind::Index) pinned_indexes.insert(decided->index);
      else out.direct.emplace(pkg, *decided);
    }
  }

  // 3. Find-links: --find-links (settings, then the requirements file), then flat indexes that are
  //    not explicit, or explicit and pinned (a flat index cannot restrict a package: see docs).
  for (const auto& f : S.get_list("find-links")) out.options.find_links.push_back(f);
  if (in.requirements)
    for (const auto& f : in.requirements->find_links) out.options.find_links.push_back(f);
  std::vector<index::IndexSpec> named;
  for (const auto& d : out.definitions) {
    if (d.flat) {
      if (!d.explicit_only || pinned_indexes.count(d.name))
        out.options.find_links.push_back(index_url_with_credentials(d, in.getenv));
      continue;
    }
    named.push_back(to_spec(d, in.getenv));
  }

  // 4. The default index and the extra ones.
  std::optional<std::string> default_url;
  if (S.has("default-index")) default_url = S.get("default-index");
  else if (S.has("index-url")) default_url = S.get("index-url");
  else if (in.requirements && in.requirements->index_url) default_url = in.requirements->index_url;
  std::vector<std::string> extra = S.get_list("extra-index-url");
  if (in.requirements) extra.insert(extra.end(), in.requirements->extra_index_urls.begin(), in.requirements->extra_index_urls.end());
  out.options.indexes = index::order_indexes(named, extra, default_url);
  // A pinned `default = true` index that order_indexes dropped (another default won) stays
  // available to its pins, searched for nothing else.
  for (const auto& spec : named) {
    if (!spec.is_default || !pinned_indexes.count(spec.name)) continue;
    bool present = std::any_of(out.options.indexes.begin(), out.options.indexes.end(),
                               [&](const index::IndexSpec& i) { return i.name == spec.name; });
    if (!present) {
      index::IndexSpec kept = spec;
      kept.is_default = false;
      kept.explicit_only = true;
      out.options.indexes.insert(out.options.indexes.end() - 1, kept);
    }
  }

  // 5. Pins (to Simple API indexes; flat ones were handled above), strategy, --no-index.
  for (const auto& [pkg, d] : out.decisions) {
    if (d.kind != PackageSource::Kind::Index) continue;
    // (a named copy: clang 14, which builds the libFuzzer targets, cannot capture a structured binding)
    const std::string& index_name = d.index;
    bool flat = std::any_of(out.definitions.begin(), out.definitions.end(),
                            [&](const IndexDefinition& x) { return x.name == index_name && x.flat; });
    if (!flat) out.options.pins[pkg] = d.index;
  }
  out.options.no_index = S.flag("no-index") || (in.requirements && in.requirements->no_index);
  out.options.strategy = index::parse_index_strategy(S.get_or("index-strategy", "first-index"));
  if (util::log::enabled(util::log::Level::Debug))
    for (const auto& line : out.describe()) util::log::debug(line);
  return out;
}

}  // namespace ptinstall::config

namespace ptinstall::config {

std::vector<spec::Requirement> apply_direct_sources(std::vector<spec::Requirement> requirements,
                                                    const IndexConfig& config) {
  for (const auto& [pkg, source] : config.direct) {
    std::string url;
    std::string shown;
    if (source.kind == PackageSource::Kind::Url) {
      url = source.url;
      shown = util::redact_url(source.url);
    } else if (source.kind == PackageSource::Kind::Path) {
      shown = source.path.string();
      std::error_code ec;
      if (!std::filesystem::exists(source.path, ec))
        throw util::Error("`" + pkg + "` comes from " + shown + " (" + source.origin + "), which does not exist",
                          "check the path, or pass --no-sources to install it from the indexes");
      url = index::file_url(std::filesystem::absolute(source.path));
    } else {
      continue;
    }
    // Wheels install as they are; source trees and archives go to the build seam, where the one
    // rule on building (dist::BuildOptions) decides.
    for (auto& r : requirements)
      if (r.package.str() == pkg && !r.url) {
        r.url = url;
        r.specifier = spec::SpecifierSet();  // a URL requirement has no specifiers
      }
  }
  return requirements;
}

}  // namespace ptinstall::config
