// Fuzz harness for the Simple API page readers (PEP 503 HTML, PEP 691 JSON, root pages, find-links
// pages): any input either parses or throws util::Error, and what parses is consistent: every file
// has an absolute URL without a fragment, a non-empty filename, lower-case hex hashes, and a parsed
// wheel name exactly when it is a wheel.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ptinstall/index/simple_page.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/url.hpp"

using namespace ptinstall;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_page(const index::ProjectPage& page) {
  for (const auto& f : page.files) {
    auto u = util::Url::parse(f.url);
    check(u.has_value());
    check(!u->fragment.has_value());
    check(!f.filename.empty());
    for (const auto& [algo, hex] : f.hashes) {
      check(!algo.empty() && !hex.empty());
      for (char c : hex) check(std::isxdigit(static_cast<unsigned char>(c)) && !std::isupper(static_cast<unsigned char>(c)));
    }
    check((f.kind == index::FileKind::Wheel) == f.wheel.has_value());
    if (f.wheel) check(f.version.has_value());
    if (f.requires_python) check(!f.requires_python->empty() && f.requires_python->back() != ',');
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string url = "https://example.com/simple/pkg/";
  try {
    check_page(index::parse_html_project_page(text, url, "pkg"));
  } catch (const util::Error&) {
  }
  try {
    check_page(index::parse_json_project_page(text, url, "pkg"));
  } catch (const util::Error&) {
  }
  try {
    (void)index::parse_root_page(text, "", url);
  } catch (const util::Error&) {
  }
  (void)index::html_unescape(text);
  return 0;
}
