// A static package index on 127.0.0.1 for the index tests: files written into a temporary directory,
// served by tests/support/index_test_server.py.
#pragma once
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "ptinstall/net/http_client.hpp"
#include "ptinstall/util/fs.hpp"
#include "support/paths.hpp"
#include "support/test_server.hpp"

namespace ptinstall::test {

inline net::ClientOptions fast_client_options() {
  net::ClientOptions o;
  o.retries = 2;
  o.retry_base_delay = std::chrono::milliseconds(5);
  o.retry_max_delay = std::chrono::milliseconds(20);
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.read_timeout = std::chrono::milliseconds(5000);
  o.use_netrc = false;
  return o;
}

class IndexServer {
 public:
  IndexServer()
      : server_({dir_.path().string()}, source_dir() + "/tests/support/index_test_server.py") {}

  // Writes `content` at `rel` under the served root (parents created).
  void write(const std::string& rel, const std::string& content) {
    util::write_file_atomic(dir_.path() / rel, content);
  }
  // Makes `rel` (a file or a directory page) answer with `status`.
  void status(const std::string& rel, int code) {
    std::filesystem::path p = dir_.path() / rel;
    if (!rel.empty() && rel.back() == '/') {
      std::filesystem::create_directories(p);
      util::write_file_atomic(p / ".status", std::to_string(code));
    } else {
      util::write_file_atomic(p.string() + ".status", std::to_string(code));
    }
  }
  std::string url(const std::string& path) const { return server_.url(path); }
  const std::filesystem::path& root() const { return dir_.path(); }

  // Hits per path, from the server's /_stats.
  nlohmann::json stats(net::HttpClient& client) {
    return nlohmann::json::parse(client.get(net::Request{url("/_stats")}).body);
  }
  int hits(net::HttpClient& client, const std::string& path) {
    auto s = stats(client);
    return s["hits"].contains(path) ? s["hits"][path].get<int>() : 0;
  }

 private:
  util::TempDir dir_;
  TestServer server_;
};

}  // namespace ptinstall::test
