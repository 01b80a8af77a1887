// The project pages of one command that resolves several times (pip compile --universal: one
// resolution per platform and Python range), shared by the resolutions' IndexSets: each page is
// requested and parsed once for all of them. What a page means (404 under a routed index, 401) is
// still decided by each IndexSet; the memo keeps the status and the parsed files.
// Thread-safe. Pages are kept for the memo's lifetime (one command).
#pragma once
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ptinstall/index/simple_page.hpp"
#include "ptinstall/net/http_client.hpp"

namespace ptinstall::index {

struct MemoPage {
  int status = 0;
  bool from_cache = false;
  std::shared_ptr<const std::vector<IndexFile>> files;  // parsed where the status was 2xx
};

class PageMemo {
 public:
  // The page at `url`. The first caller's `send` sends the request; its answer is read and parsed by
  // whichever thread first waits for it (a deferred future: no thread waits on another resolution's
  // progress, only on the HTTP client). Network errors reach every waiter.
  std::shared_future<MemoPage> page(const std::string& url, const std::string& name,
                                    const std::function<std::future<net::Response>()>& send);
  std::uint64_t hits() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_future<MemoPage>> pages_;
  std::uint64_t hits_ = 0;
};

}  // namespace ptinstall::index
