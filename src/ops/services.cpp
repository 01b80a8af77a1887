#include "ptinstall/ops/services.hpp"

#include <functional>
#include <set>

#include "ptinstall/config/client_options.hpp"
#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/net/http_cache.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/url.hpp"
#include "ptinstall/vcs/git_cache.hpp"

namespace ptinstall::ops {
namespace {

// --refresh-package NAME: which URLs belong to the package: its project pages (`<index>/<name>/`, any
// spelling of the name) and its files (`<name>-<version>...`: wheels, sdists, `.metadata` files).
std::function<bool(std::string_view)> refresh_predicate(const std::vector<std::string>& packages) {
  std::set<std::string> names;
  for (const auto& p : packages) names.insert(spec::normalize_name(p));
  return [names](std::string_view url) {
    std::string path(url.substr(0, url.find_first_of("?#")));
    bool page = !path.empty() && path.back() == '/';
    while (!path.empty() && path.back() == '/') path.pop_back();
    std::string last = util::percent_decode(path.substr(path.rfind('/') + 1));
    if (page) return names.count(spec::normalize_name(last)) > 0;
    for (const auto& n : names)
      if (last.size() > n.size() && last[n.size()] == '-' && spec::normalize_name(last.substr(0, n.size())) == n)
        return true;
    return false;
  };
}

}  // namespace

Services::Services(const PipOptions& options, install::Cache cache, const std::vector<std::string>& trusted_hosts)
    : options_(options), trusted_hosts_(trusted_hosts), cache_(std::move(cache)) {
  // The bound on what one wheel may unpack to (zip bombs), for every wheel this command unpacks.
  if (options_.settings)
    install::set_max_unpacked_bytes(
        static_cast<std::uint64_t>(config::number_setting(*options_.settings, "max-unpacked-size", false) * 1048576.0));
}

void Services::trust_hosts(const std::vector<std::string>& hosts) {
  if (client_ && !hosts.empty()) {
    util::log::debug("--trusted-host of the requirements files came after the first request; not applied to it");
    return;
  }
  trusted_hosts_.insert(trusted_hosts_.end(), hosts.begin(), hosts.end());
}

void Services::open() {
  std::lock_guard lock(open_mutex_);  // threads resolving git refs or bare URLs may be the first to ask
  if (client_) return;
  // Every HTTP setting (timeouts, retries, certificates, proxies, --allow-insecure-host, --offline)
  // comes through the settings registry.
  net::ClientOptions copts = config::client_options(*options_.settings);
  for (const auto& h : trusted_hosts_) copts.insecure_hosts.push_back(h);
  client_ = std::make_unique<net::HttpClient>(copts);
  net::CacheOptions hopts;
  hopts.cache_dir = cache_.root();
  hopts.offline = options_.offline;
  hopts.refresh_all = options_.refresh;
  if (!options_.refresh_packages.empty()) hopts.refresh = refresh_predicate(options_.refresh_packages);
  http_cache_ = std::make_unique<net::HttpCache>(*client_, hopts);
}

net::HttpClient& Services::client() {
  open();
  return *client_;
}

net::HttpCache& Services::http_cache() {
  open();
  return *http_cache_;
}

vcs::GitCache& Services::git() {
  std::lock_guard lock(git_mutex_);
  if (!git_) {
    // Refs of http(s) remotes through our HTTP client (credentials, proxies, CA settings): one request,
    // no git process; anything but a 200 falls back to git ls-remote (git's credential helpers).
    vcs::HttpGet get = [this](const std::string& url) -> std::optional<std::string> {
      try {
        net::Request req;
        req.url = url;
        req.retries = 0;
        net::Response r = client().get(req);
        if (r.status != 200) return std::nullopt;
        auto type = r.header("content-type");
        if (!type || type->find("application/x-git-upload-pack-advertisement") == std::string::npos) return std::nullopt;
        return r.body;
      } catch (const util::Error&) {
        return std::nullopt;
      }
    };
    git_ = std::make_unique<vcs::GitCache>(cache_.bucket("git-v1"), options_.offline, std::move(get));
  }
  return *git_;
}

Services::~Services() = default;

}  // namespace ptinstall::ops
