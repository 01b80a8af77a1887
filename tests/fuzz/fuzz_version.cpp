// Fuzz harness for the PEP 440 version parser: whatever parses must print, re-parse to an equal
// version, compare consistently and hash like its equals.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ptinstall/spec/version.hpp"

using ptinstall::spec::Version;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto v = Version::parse(text);
  if (!v) return 0;
  std::string printed = v->to_string();
  auto again = Version::parse(printed);
  if (!again || !(*again == *v) || again->to_string() != printed) std::abort();
  if (again->hash() != v->hash()) std::abort();
  if ((*v <=> *again) != 0 || *v < Version::min()) std::abort();
  if (v->without_local() > *v || v->base_version().is_prerelease()) std::abort();
  if (v->is_prerelease() != (v->pre().has_value() || v->dev().has_value())) std::abort();
  return 0;
}
