#include "ptinstall/spec/direct_url.hpp"

#include <nlohmann/json.hpp>

#include <cctype>

#include "ptinstall/util/error.hpp"

namespace ptinstall::spec {

namespace {

using json = nlohmann::json;

[[noreturn]] void invalid(const std::string& why) {
  throw util::Error(util::ErrorKind::Wheel, "invalid direct_url.json: " + why);
}

bool is_env_placeholder(std::string_view s) {
  // ^\$\{[A-Za-z0-9-_]+\}(:\$\{[A-Za-z0-9-_]+\})?$
  auto one = [](std::string_view& t) {
    if (t.size() < 4 || t.substr(0, 2) != "${") return false;
    auto close = t.find('}');
    if (close == std::string_view::npos || close == 2) return false;
    for (char c : t.substr(2, close - 2))
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
    t.remove_prefix(close + 1);
    return true;
  };
  if (!one(s)) return false;
  if (s.empty()) return true;
  if (s[0] != ':') return false;
  s.remove_prefix(1);
  return one(s) && s.empty();
}

// pip's DirectUrl.redacted_url.
std::string redact(const std::string& url, bool is_git) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  auto netloc_start = scheme_end + 3;
  auto netloc_end = url.find_first_of("/?#", netloc_start);
  if (netloc_end == std::string::npos) netloc_end = url.size();
  std::string_view netloc(url.data() + netloc_start, netloc_end - netloc_start);
  auto at = netloc.find('@');
  if (at == std::string_view::npos) return url;
  std::string_view userinfo = netloc.substr(0, at);
  if ((is_git && userinfo == "git") || is_env_placeholder(userinfo)) return url;
  return url.substr(0, netloc_start) + std::string(netloc.substr(at + 1)) + url.substr(netloc_end);
}

// json.dumps(obj, sort_keys=True): nlohmann's objects are already key-sorted (std::map).
void dump_python(const json& j, std::string& out) {
  if (j.is_object()) {
    out += '{';
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!first) out += ", ";
      first = false;
      out += json(it.key()).dump(-1, ' ', true);
      out += ": ";
      dump_python(it.value(), out);
    }
    out += '}';
  } else {
    out += j.dump(-1, ' ', true);
  }
}

const json* get(const json& d, const char* key, json::value_t type, const char* type_name) {
  auto it = d.find(key);
  if (it == d.end()) return nullptr;
  bool ok = it->type() == type || (type == json::value_t::number_integer && it->is_number_integer());
  if (!ok) invalid(std::string("'") + key + "' should be " + type_name);
  return &*it;
}

}  // namespace

std::string DirectUrl::identity() const {
  std::string out = redact(url, vcs && vcs->vcs == "git");
  if (vcs) out = vcs->vcs + "+" + out + "@" + vcs->commit_id;
  if (subdirectory) out += "#subdirectory=" + *subdirectory;
  return out;
}

std::string DirectUrl::to_json() const {
  json j = json::object();
  j["url"] = redact(url, vcs && vcs->vcs == "git");
  if (subdirectory) j["subdirectory"] = *subdirectory;
  if (vcs) {
    json v = json::object();
    v["vcs"] = vcs->vcs;
    v["commit_id"] = vcs->commit_id;
    if (vcs->requested_revision) v["requested_revision"] = *vcs->requested_revision;
    j["vcs_info"] = v;
  } else if (is_dir) {
    json d = json::object();
    if (editable) d["editable"] = true;
    j["dir_info"] = d;
  } else {
    json a = json::object();
    if (archive_hash) {
      auto eq = archive_hash->find('=');
      a["hash"] = *archive_hash;
      if (eq != std::string::npos) a["hashes"] = json::object({{archive_hash->substr(0, eq), archive_hash->substr(eq + 1)}});
    }
    j["archive_info"] = a;
  }
  std::string out;
  dump_python(j, out);
  return out;
}

DirectUrl DirectUrl::from_json(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    invalid(std::string("not JSON (") + e.what() + ")");
  }
  if (!j.is_object()) invalid("not a JSON object");
  DirectUrl d;
  const json* url = get(j, "url", json::value_t::string, "a string");
  if (!url) invalid("missing 'url'");
  d.url = url->get<std::string>();
  if (const json* sub = get(j, "subdirectory", json::value_t::string, "a string")) d.subdirectory = sub->get<std::string>();
  const json* archive = get(j, "archive_info", json::value_t::object, "an object");
  const json* dir = get(j, "dir_info", json::value_t::object, "an object");
  const json* vcs = get(j, "vcs_info", json::value_t::object, "an object");
  int kinds = (archive != nullptr) + (dir != nullptr) + (vcs != nullptr);
  if (kinds == 0) invalid("missing one of archive_info, dir_info, vcs_info");
  if (kinds > 1) invalid("more than one of archive_info, dir_info, vcs_info");
  if (archive) {
    const json* hashes = get(*archive, "hashes", json::value_t::object, "an object");
    const json* hash = get(*archive, "hash", json::value_t::string, "a string");
    if (hash && hash->get<std::string>().find('=') == std::string::npos)
      invalid("archive_info.hash '" + hash->get<std::string>() + "' is not <algorithm>=<value>");
    if (hashes) {
      for (auto it = hashes->begin(); it != hashes->end(); ++it)
        if (!it.value().is_string()) invalid("archive_info.hashes values should be strings");
    }
    if (hashes && hashes->contains("sha256")) d.archive_hash = "sha256=" + (*hashes)["sha256"].get<std::string>();
    else if (hash) d.archive_hash = hash->get<std::string>();
    else if (hashes && hashes->size() == 1) d.archive_hash = hashes->begin().key() + "=" + hashes->begin()->get<std::string>();
  } else if (dir) {
    d.is_dir = true;
    if (const json* ed = get(*dir, "editable", json::value_t::boolean, "a boolean")) d.editable = ed->get<bool>();
  } else {
    VcsInfo v;
    const json* name = get(*vcs, "vcs", json::value_t::string, "a string");
    const json* commit = get(*vcs, "commit_id", json::value_t::string, "a string");
    if (!name) invalid("vcs_info.vcs must have a value");
    if (!commit) invalid("vcs_info.commit_id must have a value");
    v.vcs = name->get<std::string>();
    v.commit_id = commit->get<std::string>();
    if (const json* rev = get(*vcs, "requested_revision", json::value_t::string, "a string"))
      v.requested_revision = rev->get<std::string>();
    d.vcs = std::move(v);
  }
  return d;
}

}  // namespace ptinstall::spec
