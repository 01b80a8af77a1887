// entry_points.txt of a distribution (entry points specification): an INI file read like
// Python's configparser with '=' as the only delimiter and case-sensitive names, e.g.
//   [console_scripts]
//   torchrun = torch.distributed.run:main
//   tool = pkg.cli:main [extra1, extra2]
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ptinstall::spec {

struct EntryPoint {
  std::string group, name, module, attr;  // attr "" when the value names only a module
  std::vector<std::string> extras;        // "[a, b]" after the object reference (deprecated)
  std::string value;                      // the value as written, trimmed

  // Whether value matches the spec's grammar `module(:attr)? ([extras])?` with dotted
  // identifiers; console and GUI scripts need it, other groups may use their own syntax.
  bool is_valid() const;
  bool operator==(const EntryPoint&) const = default;
};

// Whether an entry point's name can be a script's file name in bin/: not empty, `.` or `..`, and
// without '/', '\\' or control characters (newlines included).
bool is_script_name(std::string_view name);

// Entries in file order. Blank lines and lines whose first non-blank character is '#' or ';'
// are skipped; an indented line continues the previous value (joined with a space). Throws
// util::Error naming the line for an entry outside a section, a line without '=', an empty
// name, or a name repeated within a section (configparser's strict mode).
std::vector<EntryPoint> parse_entry_points(std::string_view text);

// Only the entries of one group ("console_scripts", "gui_scripts").
std::vector<EntryPoint> entry_points_in_group(const std::vector<EntryPoint>& all, std::string_view group);

}  // namespace ptinstall::spec
