// PEP 825 index-level variant metadata: the `{name}-{version}-variants.json` file an index links
// beside the variant wheels of one version (PEP 503 HTML and PEP 691 JSON alike; it is one more file
// of the project page, kept apart from the wheels by IndexSet).
//
// The file is mutable (variants may be added after the first upload), so it is cached like a project
// page, never like a file: a stored copy is fresh for 10 minutes (kVariantsJsonCacheControl, whatever
// the server says, so neither an `immutable` header nor the PyTorch hosts' immutable files rule apply),
// then revalidated (ETag/Last-Modified, a 304 when unchanged); --refresh revalidates at once. A hash
// on the page is checked. Fetches run in the background; one per URL per run.
#pragma once
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ptinstall/index/simple_page.hpp"
#include "ptinstall/spec/variant.hpp"
#include "ptinstall/spec/version.hpp"

namespace ptinstall::net {
class HttpClient;
class HttpCache;
}  // namespace ptinstall::net

namespace ptinstall::index {

inline constexpr std::string_view kVariantsJsonCacheControl = "max-age=600";

// "torch-2.13.0-variants.json" -> {"torch", 2.13.0} (name normalised); nullopt for other names.
std::optional<std::pair<std::string, spec::Version>> parse_variants_json_filename(std::string_view filename);
bool is_variants_json_filename(std::string_view filename);

class VariantsJsonFetcher {
 public:
  VariantsJsonFetcher(net::HttpClient& client, net::HttpCache* cache);
  ~VariantsJsonFetcher();
  VariantsJsonFetcher(const VariantsJsonFetcher&) = delete;
  VariantsJsonFetcher& operator=(const VariantsJsonFetcher&) = delete;

  // Starts the fetch (or returns the one under way). The future throws util::Error when the file
  // cannot be fetched, fails its hash, or is not variant metadata (spec::VariantMetadata::parse).
  std::shared_future<std::shared_ptr<const spec::VariantMetadata>> fetch(const IndexFile& file);
  std::uint64_t requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ptinstall::index
