// Fuzz harness for requirements files (pip's format: continuations, comments, ${VAR}, option lines,
// --hash, paths and URLs in place of requirements): any text either reads or throws util::Error,
// and what reads is consistent: every requirement line has a requirement or a location, a line
// number inside the text, and hashes of the form algo:hex. Nested -r/-c files name paths under a
// directory that does not exist, so they are read errors, never reads of real files.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ptinstall/config/requirements_txt.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_lines(const std::vector<config::RequirementLine>& lines, size_t size) {
  for (const auto& l : lines) {
    check(l.requirement.has_value() != l.location.has_value() || (l.editable && l.location));
    check(l.line >= 1 && static_cast<size_t>(l.line) <= size + 1);
    for (const auto& h : l.hashes) {
      auto colon = h.find(':');
      check(colon != std::string::npos && colon > 0 && colon + 1 < h.size());
    }
    if (l.requirement) check(l.text.size() <= spec::Requirement::kMaxLength);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  config::RequirementsFile out;
  // ${VAR} expands only FUZZ_HOME; nothing of the real environment reaches the parser.
  auto env = [](const char* name) -> const char* {
    return std::string_view(name) == "FUZZ_HOME" ? "/nonexistent-fuzz-home" : nullptr;
  };
  try {
    config::parse_requirements_text(text, "/nonexistent-fuzz-dir/requirements.txt", out, false, env);
  } catch (const util::Error&) {
    return 0;
  }
  check(out.requirements.size() + out.constraints.size() <= config::kMaxRequirementsLines);
  check_lines(out.requirements, size);
  check_lines(out.constraints, size);
  return 0;
}
