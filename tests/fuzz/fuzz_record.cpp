// Fuzz harness for RECORD: what parses must write and re-parse to the same rows.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ptinstall/spec/record.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto rows = spec::parse_record(text);
    for (const auto& r : rows)
      if (r.path.empty()) std::abort();
    if (spec::parse_record(spec::write_record(rows)) != rows) std::abort();
    if (spec::parse_record(spec::write_record(rows, "\n")) != rows) std::abort();
  } catch (const util::Error&) {
  }
  return 0;
}
