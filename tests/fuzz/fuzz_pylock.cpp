// Fuzz harness for PEP 751 lock files (pylock.toml), which a user may be handed from anywhere: any
// text either reads or throws util::Error (invalid TOML included); what reads writes back as TOML
// that reads again to the same packages.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ptinstall/lock/pylock.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"

using namespace ptinstall;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = (util::log::configure(-2, false), true);  // newer lock-version warnings
  (void)quiet;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  lock::Pylock lock;
  try {
    lock = lock::Pylock::parse(text, "pylock.toml");
  } catch (const util::Error&) {
    return 0;
  }
  std::string written = lock.to_toml();
  lock::Pylock again;
  try {
    again = lock::Pylock::parse(written, "pylock.toml");
  } catch (const util::Error&) {
    std::abort();  // what we write must read
  }
  if (again.packages.size() != lock.packages.size() || again.to_toml() != written) std::abort();
  return 0;
}
