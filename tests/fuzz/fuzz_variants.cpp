// Fuzz harness for PEP 825's variant metadata ({name}-{version}-variants.json, variant.json), the
// user's property list (--variant-properties) and single properties: parsing must either succeed
// with consistent values or throw util::Error; a parsed property prints back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ptinstall/spec/variant.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto meta = spec::VariantMetadata::parse(text, "fuzz");
    for (const auto& [label, props] : meta.variants)
      if (label.empty()) std::abort();
    (void)meta.schema_supported();
  } catch (const util::Error&) {
  }
  try {
    auto user = spec::parse_user_properties(text, "fuzz");
    for (const auto& [ns, features] : user.namespaces) {
      if (ns.empty()) std::abort();
      for (const auto& f : features)
        if (f.name.empty() || f.values.empty()) std::abort();
    }
  } catch (const util::Error&) {
  }
  if (auto p = spec::VariantProperty::parse(text)) {
    auto again = spec::VariantProperty::parse(p->to_string());
    if (!again || again->to_string() != p->to_string()) std::abort();
  }
  return 0;
}
