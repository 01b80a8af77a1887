// Fuzz harness for core metadata, entry_points.txt and direct_url.json: parsing must either
// succeed with consistent fields or throw util::Error; direct_url.json must round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ptinstall/spec/direct_url.hpp"
#include "ptinstall/spec/entry_points.hpp"
#include "ptinstall/spec/metadata.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto m = spec::CoreMetadata::parse(text);
    if (!spec::is_valid_name(m.name) || m.headers.empty()) std::abort();
    if (m.get("name") != m.name) std::abort();
  } catch (const util::Error&) {
  }
  try {
    for (const auto& ep : spec::parse_entry_points(text))
      if (ep.name.empty() || ep.group.empty()) std::abort();
  } catch (const util::Error&) {
  }
  try {
    auto d = spec::DirectUrl::from_json(text);
    auto again = spec::DirectUrl::from_json(d.to_json());
    again.url = d.url;  // to_json removes credentials
    if (!(again == d)) std::abort();
  } catch (const util::Error&) {
  }
  return 0;
}
