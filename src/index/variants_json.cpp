#include "ptinstall/index/variants_json.hpp"

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "ptinstall/index/find_links.hpp"
#include "ptinstall/net/http_cache.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::index {

namespace {
constexpr std::string_view kSuffix = "-variants.json";
}

bool is_variants_json_filename(std::string_view filename) { return parse_variants_json_filename(filename).has_value(); }

std::optional<std::pair<std::string, spec::Version>> parse_variants_json_filename(std::string_view filename) {
  if (filename.size() <= kSuffix.size() || filename.substr(filename.size() - kSuffix.size()) != kSuffix)
    return std::nullopt;
  std::string_view stem = filename.substr(0, filename.size() - kSuffix.size());
  auto dash = stem.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  auto v = spec::Version::parse(std::string(stem.substr(dash + 1)));
  if (!v) return std::nullopt;
  return std::pair{spec::normalize_name(stem.substr(0, dash)), *v};
}

struct VariantsJsonFetcher::Impl {
  net::HttpClient& client;
  net::HttpCache* cache;
  std::mutex mutex;
  std::map<std::string, std::shared_future<std::shared_ptr<const spec::VariantMetadata>>> started;
  std::atomic<std::uint64_t> requests{0};

  Impl(net::HttpClient& c, net::HttpCache* h) : client(c), cache(h) {}

  std::shared_ptr<const spec::VariantMetadata> load(const IndexFile& f) {
    std::string body;
    std::string shown = util::redact_url(f.url);
    if (auto local = local_path(f.url)) {
      std::ifstream in(*local, std::ios::binary);
      if (!in) throw util::msg::io_failed("read", *local);
      std::ostringstream ss;
      ss << in.rdbuf();
      body = ss.str();
    } else {
      net::Request req{f.url};
      requests++;
      // Mutable (variants may be added later): reused for at most 10 minutes, as PyPI's project pages
      // are, then revalidated; never taken as immutable, not even on the PyTorch hosts.
      net::Response resp = cache ? cache->get(req, std::string(kVariantsJsonCacheControl)) : client.get(req);
      net::raise_for_status(resp, f.url);
      body = std::move(resp.body);
      if (auto it = f.hashes.find("sha256"); it != f.hashes.end()) {
        std::string actual = util::sha256_hex(body);
        if (actual != it->second) {
          if (cache) cache->invalidate(req);
          throw util::msg::hash_mismatch(shown, {it->second}, actual, "the index page lists another hash for it");
        }
      }
    }
    return std::make_shared<const spec::VariantMetadata>(spec::VariantMetadata::parse(body, shown));
  }
};

VariantsJsonFetcher::VariantsJsonFetcher(net::HttpClient& client, net::HttpCache* cache)
    : impl_(std::make_unique<Impl>(client, cache)) {}
VariantsJsonFetcher::~VariantsJsonFetcher() {
  // Wait for transfers still out: they use the client and the cache.
  std::lock_guard lock(impl_->mutex);
  for (auto& [url, f] : impl_->started) f.wait();
}

std::shared_future<std::shared_ptr<const spec::VariantMetadata>> VariantsJsonFetcher::fetch(const IndexFile& file) {
  std::lock_guard lock(impl_->mutex);
  if (auto it = impl_->started.find(file.url); it != impl_->started.end()) return it->second;
  Impl* impl = impl_.get();
  auto fut = std::async(std::launch::async, [impl, file] { return impl->load(file); }).share();
  impl_->started.emplace(file.url, fut);
  return fut;
}

std::uint64_t VariantsJsonFetcher::requests() const { return impl_->requests.load(); }

}  // namespace ptinstall::index
