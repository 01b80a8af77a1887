#include "ptinstall/index/page_memo.hpp"

namespace ptinstall::index {

std::shared_future<MemoPage> PageMemo::page(const std::string& url, const std::string& name,
                                            const std::function<std::future<net::Response>()>& send) {
  std::lock_guard lock(mutex_);
  if (auto it = pages_.find(url); it != pages_.end()) {
    ++hits_;
    return it->second;
  }
  auto response = std::make_shared<std::future<net::Response>>(send());
  std::shared_future<MemoPage> f = std::async(std::launch::deferred, [response, url, name] {
                                     net::Response resp = response->get();
                                     MemoPage p;
                                     p.status = resp.status;
                                     p.from_cache = resp.from_cache;
                                     if (resp.ok()) {
                                       std::string base = resp.effective_url.empty() ? url : resp.effective_url;
                                       p.files = std::make_shared<const std::vector<IndexFile>>(
                                           parse_project_page(resp.body, resp.header("content-type").value_or(""),
                                                              base, name)
                                               .files);
                                     }
                                     return p;
                                   }).share();
  pages_.emplace(url, f);
  return f;
}

std::uint64_t PageMemo::hits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}

}  // namespace ptinstall::index
