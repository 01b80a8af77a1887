// What one pipeline run shares: the cache, the HTTP client and the HTTP cache. A nested run (a build's
// own resolution of its build dependencies) uses the same services.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ptinstall/install/wheel_cache.hpp"
#include "ptinstall/ops/options.hpp"

namespace ptinstall::net {
class HttpClient;
class HttpCache;
}  // namespace ptinstall::net

namespace ptinstall::vcs {
class GitCache;
}  // namespace ptinstall::vcs

namespace ptinstall::ops {

class Services {
 public:
  // `trusted_hosts`: --trusted-host lines of requirements files, added to --allow-insecure-host.
  // The HTTP client is made on first use, so a command answered without the network makes none.
  Services(const PipOptions& options, install::Cache cache, const std::vector<std::string>& trusted_hosts = {});
  ~Services();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  install::Cache& cache() { return cache_; }
  // Where detection remembers the GPUs' compute capability for this boot (torch::DetectionInputs::
  // capability_cache): read by --torch-backend=auto and --variants alike.
  std::filesystem::path capability_cache() const { return cache_.bucket("accelerator-v1") / "compute-capability"; }
  net::HttpClient& client();
  net::HttpCache& http_cache();
  // The git cache (<cache>/git-v1), made on first use.
  vcs::GitCache& git();
  // More --trusted-host entries (from requirements files read after the services were made); they
  // count only when no request has been made yet.
  void trust_hosts(const std::vector<std::string>& hosts);

 private:
  void open();
  const PipOptions& options_;
  std::vector<std::string> trusted_hosts_;
  install::Cache cache_;
  std::unique_ptr<net::HttpClient> client_;
  std::unique_ptr<net::HttpCache> http_cache_;
  std::unique_ptr<vcs::GitCache> git_;
  std::mutex git_mutex_;
  std::mutex open_mutex_;
};

}  // namespace ptinstall::ops
