// Fuzz harness for the PEP 440 specifier parser. The input is a specifier set, optionally followed
// by a newline and a version: invalid input must throw util::Error (nothing else), a parsed set
// must print and re-parse to an equal set, and checking a version must not crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ptinstall/spec/specifier.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall::spec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view version_text;
  if (auto nl = text.find('\n'); nl != std::string_view::npos) {
    version_text = text.substr(nl + 1);
    text = text.substr(0, nl);
  }
  SpecifierSet set;
  try {
    set = SpecifierSet::parse(text);
  } catch (const ptinstall::util::Error&) {
    return 0;
  }
  std::string printed = set.to_string();
  try {
    if (!(SpecifierSet::parse(printed) == set)) std::abort();
  } catch (const ptinstall::util::Error&) {
    std::abort();
  }
  for (const auto& s : set.specifiers()) {
    auto one = Specifier::parse(s.to_string());
    if (!(one == s)) std::abort();
  }
  auto v = Version::parse(version_text);
  Version probes[] = {v.value_or(Version()), Version::min(), Version::from_string("1.0"),
                      Version::from_string("2.9.1+cu128"), Version::from_string("1!1.0rc1.post1.dev1")};
  for (const auto& p : probes) {
    bool any = set.contains(p, true);
    if (set.contains(p, false) && !any) std::abort();
    (void)set.contains(p);
  }
  return 0;
}
