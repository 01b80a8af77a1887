// Fuzz harness for the PEP 508 requirement parser: whatever parses must print to a form that
// parses back to the same requirement; errors must name a column inside (or just past) the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/util/error.hpp"

using ptinstall::spec::Requirement;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Requirement r;
  try {
    r = Requirement::parse(text);
  } catch (const ptinstall::util::Error& e) {
    std::string_view message = e.what();
    if (size > Requirement::kMaxLength) return 0;  // refused by its length, without a column
    size_t at = message.rfind(" at column ");
    if (at == std::string_view::npos) std::abort();
    size_t column = std::strtoul(std::string(message.substr(at + 11)).c_str(), nullptr, 10);
    if (column < 1 || column > size + 1) std::abort();
    return 0;
  }
  std::string printed = r.to_string();
  Requirement again;
  try {
    again = Requirement::parse(printed);
  } catch (const ptinstall::util::Error&) {
    std::abort();  // the printed form must parse
  }
  if (again.to_string() != printed || again.package != r.package || again.extras != r.extras ||
      again.url != r.url || !(again.specifier == r.specifier) || !(again.marker == r.marker)) {
    std::abort();
  }
  if (r.url && !r.specifier.empty()) std::abort();
  return 0;
}
