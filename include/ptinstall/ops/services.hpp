// What one pipeline run shares: the cache, the HTTP client and the HTTP cache. A nested run (a build's
// own resolution of its build dependencies) uses the same services.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/ops/options.hpp"

namespace ptinstall::net {
class HttpClient;
class HttpCache;
}  // namespace ptinstall::net

namespace ptinstall::ops {

class Services {
 public:
  // `trusted_hosts`: --trusted-host lines of requirements files, added to --allow-insecure-host.
  Services(const PipOptions& options, install::Cache cache, const std::vector<std::string>& trusted_hosts = {});
  ~Services();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  install::Cache& cache() { return cache_; }
  net::HttpClient& client() { return *client_; }
  net::HttpCache& http_cache() { return *http_cache_; }

 private:
  install::Cache cache_;
  std::unique_ptr<net::HttpClient> client_;
  std::unique_ptr<net::HttpCache> http_cache_;
};

}  // namespace ptinstall::ops
