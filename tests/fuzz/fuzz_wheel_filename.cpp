// Fuzz harness for wheel filenames and tag sets: what parses must print and re-parse to the same
// value, and expand to at least one tag.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ptinstall/spec/tags.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto tags = spec::parse_tag_set(text);
    if (tags.empty()) std::abort();
    for (const auto& t : tags)
      if (!(spec::Tag::parse(t.to_string()) == t)) std::abort();
  } catch (const util::Error&) {
  }
  try {
    auto w = spec::WheelFilename::parse(text);
    if (w.tags().empty()) std::abort();
    auto printed = w.to_string();
    if (printed.find('%') == std::string::npos) {  // a decoded '%' would be decoded again
      auto again = spec::WheelFilename::parse(printed);
      if (!(again == w) || again.to_string() != printed) std::abort();
    }
  } catch (const util::Error&) {
  }
  return 0;
}
