#include "ptinstall/net/http_cache.hpp"

#include <time.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/json_lite.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::net {

namespace {

constexpr std::string_view kImmutable = "max-age=365000000, immutable, public";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "Sun, 06 Nov 1994 08:49:37 GMT" -> seconds since the epoch.
std::optional<std::int64_t> parse_http_date(std::string_view text) {
  std::string s(util::trim(text));
  struct tm tm {};
  const char* end = ::strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
  if (!end) return std::nullopt;
  return static_cast<std::int64_t>(::timegm(&tm));
}

struct CacheControl {
  std::optional<std::int64_t> max_age;
  bool no_cache = false;
  bool no_store = false;
  bool must_revalidate = false;
  bool immutable = false;
};

CacheControl parse_cache_control(std::string_view value) {
  CacheControl cc;
  for (std::string_view part : util::split(value, ',')) {
    part = util::trim(part);
    std::string_view name = part;
    std::string_view arg;
    if (size_t eq = part.find('='); eq != std::string_view::npos) {
      name = util::trim(part.substr(0, eq));
      arg = util::trim(part.substr(eq + 1));
      if (arg.size() >= 2 && arg.front() == '"' && arg.back() == '"') arg = arg.substr(1, arg.size() - 2);
    }
    std::string n = util::to_lower(name);
    if (n == "max-age") {
      char* endp = nullptr;
      std::string a(arg);
      long long v = std::strtoll(a.c_str(), &endp, 10);
      if (!a.empty() && endp == a.c_str() + a.size() && v >= 0) cc.max_age = v;
    } else if (n == "no-cache") {
      cc.no_cache = true;
    } else if (n == "no-store") {
      cc.no_store = true;
    } else if (n == "must-revalidate" || n == "proxy-revalidate") {
      cc.must_revalidate = true;
    } else if (n == "immutable") {
      cc.immutable = true;
    }
  }
  return cc;
}

std::string header_value(const Request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (util::iequals(k, name)) return v;
  return {};
}

struct Entry {
  std::string url;
  std::string accept;
  int status = 200;
  std::map<std::string, std::string> headers;
  std::string effective_url;
  std::int64_t stored_at_ms = 0;
  std::string body;
};

std::string serialize(const Entry& e) {
  nlohmann::json j;
  j["url"] = e.url;
  j["accept"] = e.accept;
  j["status"] = e.status;
  j["headers"] = e.headers;
  j["effective_url"] = e.effective_url;
  j["stored_at_ms"] = e.stored_at_ms;
  j["body_size"] = e.body.size();
  std::string out = j.dump();
  out += '\n';
  out += e.body;
  return out;
}

// The header line read with the fast reader: nullopt when it is not exactly the plain shape that
// serialize() writes (then the nlohmann path below decides, as before).
std::optional<Entry> deserialize_plain(const std::string& data, size_t nl) {
  auto j = util::jsonlite::parse(std::string_view(data).substr(0, nl));
  if (!j || !j->is_object()) return std::nullopt;
  auto url = j->find("url"), accept = j->find("accept"), status = j->find("status"), headers = j->find("headers"),
       effective = j->find("effective_url"), stored = j->find("stored_at_ms"), body_size = j->find("body_size");
  if (!url || !url->is_string() || !accept || !accept->is_string() || !status || !status->is_number_unsigned() ||
      status->number() > 999 || !headers || !headers->is_object() || (effective && !effective->is_string()) ||
      !stored || !stored->is_number_unsigned() || stored->number() > static_cast<std::uint64_t>(INT64_MAX) ||
      !body_size || !body_size->is_number_unsigned())
    return std::nullopt;
  Entry e;
  for (const auto& [k, v] : headers->members()) {
    if (!v.is_string()) return std::nullopt;
    e.headers.emplace_hint(e.headers.end(), k, v.string());
  }
  e.url = url->string();
  e.accept = accept->string();
  e.status = static_cast<int>(status->number());
  if (effective) e.effective_url = effective->string();
  e.stored_at_ms = static_cast<std::int64_t>(stored->number());
  e.body = data.substr(nl + 1);
  if (e.body.size() != body_size->number()) return std::nullopt;
  return e;
}

std::optional<Entry> deserialize(const std::string& data) {
  size_t nl = data.find('\n');
  if (nl == std::string::npos) return std::nullopt;
  if (auto e = deserialize_plain(data, nl)) return e;
  try {
    auto j = nlohmann::json::parse(std::string_view(data).substr(0, nl));
    Entry e;
    e.url = j.at("url").get<std::string>();
    e.accept = j.at("accept").get<std::string>();
    e.status = j.at("status").get<int>();
    e.headers = j.at("headers").get<std::map<std::string, std::string>>();
    e.effective_url = j.value("effective_url", "");
    e.stored_at_ms = j.at("stored_at_ms").get<std::int64_t>();
    e.body = data.substr(nl + 1);
    if (e.body.size() != j.at("body_size").get<size_t>()) return std::nullopt;
    return e;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Response to_response(const Entry& e) {
  Response r;
  r.status = e.status;
  r.headers = e.headers;
  r.body = e.body;
  r.effective_url = e.effective_url;
  r.from_cache = true;
  return r;
}

// Whether the entry may be used without asking the server.
bool is_fresh(const Entry& e, const std::optional<std::string>& override_cc) {
  std::string cc_text;
  if (override_cc) {
    cc_text = *override_cc;
  } else if (auto it = e.headers.find("cache-control"); it != e.headers.end()) {
    cc_text = it->second;
  }
  CacheControl cc = parse_cache_control(cc_text);
  if (cc.no_cache || cc.no_store) return false;
  if (cc.immutable) return true;
  std::int64_t age_ms = now_ms() - e.stored_at_ms;
  if (!override_cc) {
    if (auto it = e.headers.find("age"); it != e.headers.end()) age_ms += std::atoll(it->second.c_str()) * 1000;
  }
  if (age_ms < 0) age_ms = 0;
  if (cc.max_age) return age_ms < *cc.max_age * 1000;
  if (override_cc) return false;
  // Expires relative to the server's Date (or to when we stored it).
  auto exp = e.headers.find("expires");
  if (exp == e.headers.end()) return false;
  auto expires = parse_http_date(exp->second);
  if (!expires) return false;  // "0" or garbage: already expired
  std::int64_t date = e.stored_at_ms / 1000;
  if (auto d = e.headers.find("date"); d != e.headers.end()) {
    if (auto parsed = parse_http_date(d->second)) date = *parsed;
  }
  return age_ms < (*expires - date) * 1000;
}

bool storable(const Response& r, const std::optional<std::string>& override_cc) {
  if (r.status != 200) return false;
  std::string cc_text = override_cc ? *override_cc : r.header("cache-control").value_or("");
  return !parse_cache_control(cc_text).no_store;
}

}  // namespace

HttpCache::HttpCache(HttpClient& client, CacheOptions options)
    : client_(client), options_(std::move(options)), root_(options_.cache_dir / "http-v1") {}

bool HttpCache::forced_immutable(std::string_view url) {
  auto u = util::Url::parse(url);
  if (!u) return false;
  if (u->host != "download.pytorch.org" && u->host != "download-r2.pytorch.org" && u->host != "pypi.nvidia.com")
    return false;
  std::string_view path = u->path;
  if (path.empty() || path.back() == '/') return false;
  std::string name = util::to_lower(path.substr(path.rfind('/') + 1));
  for (std::string_view ext : {".whl", ".metadata", ".tar.gz", ".zip", ".tgz", ".tar.bz2", ".tar.xz"}) {
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) return true;
  }
  return false;
}

std::filesystem::path HttpCache::entry_path(const Request& request) const {
  std::string url = request.url;
  if (auto u = util::Url::parse(request.url)) url = u->without_credentials().without_fragment().str();
  std::string key = util::sha256_hex(url + "\n" + header_value(request, "Accept"));
  return root_ / key.substr(0, 2) / (key + ".entry");
}

void HttpCache::invalidate(const Request& request) {
  std::error_code ec;
  std::filesystem::remove(entry_path(request), ec);
}

CacheStats HttpCache::stats() const {
  return {fresh_hits_.load(), revalidated_.load(), downloaded_.load(), stored_.load()};
}

std::future<Response> HttpCache::submit(Request request, std::optional<std::string> cache_control) {
  auto ready = [](Response r) {
    std::promise<Response> p;
    p.set_value(std::move(r));
    return p.get_future();
  };
  if (request.range || request.head) {
    if (options_.offline) {
      std::promise<Response> p;
      p.set_exception(std::make_exception_ptr(util::msg::offline_miss(util::redact_url(request.url))));
      return p.get_future();
    }
    return client_.submit(std::move(request));
  }
  if (!cache_control && forced_immutable(request.url)) cache_control = std::string(kImmutable);

  std::filesystem::path path = entry_path(request);
  std::optional<Entry> entry;
  if (auto data = util::try_read_file(path)) {
    entry = deserialize(*data);
    if (!entry) {
      util::log::debug("discarding a corrupt cache entry " + path.string());
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  }
  std::string redacted = util::redact_url(request.url);

  if (options_.offline) {
    if (entry) {
      ++fresh_hits_;
      return ready(to_response(*entry));
    }
    std::promise<Response> p;
    p.set_exception(std::make_exception_ptr(util::msg::offline_miss(redacted)));
    return p.get_future();
  }

  bool refresh = options_.refresh_all || (options_.refresh && options_.refresh(request.url));
  if (entry && !refresh && is_fresh(*entry, cache_control)) {
    util::log::trace("cache hit " + redacted);
    ++fresh_hits_;
    return ready(to_response(*entry));
  }

  Request conditional = request;
  if (entry) {
    if (auto it = entry->headers.find("etag"); it != entry->headers.end())
      conditional.headers.emplace_back("If-None-Match", it->second);
    if (auto it = entry->headers.find("last-modified"); it != entry->headers.end())
      conditional.headers.emplace_back("If-Modified-Since", it->second);
  }
  std::shared_future<Response> network = client_.submit(std::move(conditional)).share();
  std::string accept = header_value(request, "Accept");
  std::string key_url = request.url;
  if (auto u = util::Url::parse(request.url)) key_url = u->without_credentials().without_fragment().str();

  return std::async(std::launch::deferred, [this, network, entry = std::move(entry), path, cache_control, accept,
                                            key_url, redacted]() mutable -> Response {
    Response r = network.get();
    if (r.status == 304 && entry) {
      // Not modified: keep the body, take the new validators and freshness headers.
      for (const auto& [name, value] : r.headers) {
        if (name == "content-length" || name == "content-type" || name == "content-encoding" ||
            name == "transfer-encoding" || name == "connection")
          continue;
        entry->headers[name] = value;
      }
      entry->stored_at_ms = now_ms();
      try {
        util::write_file_atomic(path, serialize(*entry));
        ++stored_;
      } catch (const util::Error& e) {
        util::log::debug(std::string("could not update the cache entry: ") + e.what());
      }
      ++revalidated_;
      util::log::trace("revalidated " + redacted);
      Response out = to_response(*entry);
      out.attempts = r.attempts;
      return out;
    }
    ++downloaded_;
    if (storable(r, cache_control)) {
      Entry e;
      e.url = key_url;
      e.accept = accept;
      e.status = r.status;
      e.headers = r.headers;
      // The body is stored decoded: drop the headers that described the wire form.
      e.headers.erase("content-encoding");
      e.headers.erase("content-length");
      e.headers.erase("transfer-encoding");
      e.effective_url = r.effective_url;
      e.stored_at_ms = now_ms();
      e.body = r.body;
      try {
        util::write_file_atomic(path, serialize(e));
        ++stored_;
      } catch (const util::Error& err) {
        util::log::debug(std::string("could not write the cache entry: ") + err.what());
      }
    } else if (r.status == 200 && entry) {
      std::error_code ec;
      std::filesystem::remove(path, ec);  // now no-store: forget the old copy
    }
    return r;
  });
}

Response HttpCache::get(const Request& request, std::optional<std::string> cache_control) {
  return submit(request, std::move(cache_control)).get();
}

std::vector<Response> HttpCache::get_all(const std::vector<Request>& requests) {
  std::vector<std::future<Response>> futures;
  futures.reserve(requests.size());
  for (const auto& r : requests) futures.push_back(submit(r));
  return wait_all(futures);
}

}  // namespace ptinstall::net
