// The environments a universal lock (`pip compile --universal`) covers, as a grid: platforms (the
// --python-platform values of universal_platforms(), narrowed by `environments`) times Python-version
// ranges. The Python axis starts as one range from requires-python's lower bound and is split only at
// the versions that markers in the resolution compare against (`numpy<2; python_version < '3.10'`
// splits at 3.10), as uv splits requires-python into forks. Each cell is resolved for its
// representative environment (the platform, the range's lowest Python version); a package's marker in
// the lock is the set of cells that have it, written back as a short marker (cells_marker()).
// Pure values and functions: lock_forks.cpp does the resolving.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/spec/marker.hpp"
#include "ptinstall/spec/specifier.hpp"
#include "ptinstall/spec/version.hpp"

namespace ptinstall::ops {

// One platform of the grid: its --python-platform value and marker values.
struct UniversalPlatform {
  std::string python_platform;  // "x86_64-manylinux_2_28"
  std::string sys_platform;     // "linux"
  std::string platform_machine; // "x86_64"
};

// [lo, hi): hi absent = unbounded above.
struct PythonRange {
  spec::Version lo;
  std::optional<spec::Version> hi;
};

struct PythonAxis {
  spec::Version lo;                    // requires-python's lower bound (X.Y or X.Y.Z)
  std::optional<spec::Version> hi;     // requires-python's upper bound (`<` / `<=`), if any
  std::vector<spec::Version> splits;   // sorted, distinct, strictly inside (lo, hi)

  // Adds a split point inside (lo, hi); false when it is outside or already there.
  bool split_at(const spec::Version& v);
  std::vector<PythonRange> ranges() const;
};

// The axis a requires-python set gives: its lower bound (>=, >, ==, ~=), else `fallback_lo` (the
// target's X.Y); its upper bound (<, <=) where it has one.
PythonAxis python_axis(const spec::SpecifierSet& requires_python, const spec::Version& fallback_lo);

// The Python versions where `marker` can change its value: `python_version < '3.10'` -> 3.10,
// `python_version <= '3.9'` -> 3.10, `python_full_version == '3.8.1'` -> 3.8.1 and 3.8.2.
std::vector<spec::Version> python_split_points(const spec::Marker& marker);

// The Python implementation axis: markers that compare `implementation_name` or
// `platform_python_implementation` split it into the implementations they name and the rest. Each
// part is resolved apart (as uv forks where a package's requirements diverge on such a marker).
// Values are implementation_name spellings ("cpython", "pypy"; `platform_python_implementation ==
// 'PyPy'` names "pypy").
std::vector<std::string> implementation_names(const spec::Marker& marker);

struct ImplementationPart {
  std::string implementation_name;             // the representative's marker values
  std::string platform_python_implementation;
  std::string marker;                          // where this part applies ("" when the axis is not split)
};

// The parts for the named implementations: the first one holds CPython (so what was resolved for
// CPython before the split stays valid for it): `cpython` when named, else the rest (any
// implementation not named, resolved as CPython); then each other name; then, when CPython is named,
// the rest (resolved as an implementation named "other"). One part, marker "", for no names.
std::vector<ImplementationPart> implementation_parts(const std::vector<std::string>& named);

// The marker of a platform: `sys_platform == 'linux' and platform_machine == 'x86_64'`.
std::string platform_marker(const UniversalPlatform& platform);

// The marker of a set of ranges (in[r]): neighbouring ranges become one interval; "" for all of them.
std::string python_ranges_marker(const std::vector<PythonRange>& ranges, const std::vector<bool>& in);

// A short marker for a set of cells. `in[p][r]`: platform p, range r is in the set; `dont_care[p][r]`
// (same shape, may be empty): cells outside the lock's environments, counted in or out as makes the
// marker shorter. "" when the set is every cell; "false" is never returned: callers do not ask for an
// empty set. `axis_lo` is the lowest version of the lock (no `>=` clause is written for it), `axis_hi`
// its upper bound (no `<` clause for it).
std::string cells_marker(const std::vector<UniversalPlatform>& platforms, const std::vector<PythonRange>& ranges,
                         const std::vector<std::vector<bool>>& in, const std::vector<std::vector<bool>>& dont_care = {});

// `a and b` / `a or b` on marker text, with parentheses where an operand has the other operator; ""
// is "always": a conjunction skips it, a disjunction with it is "".
std::string marker_and(const std::vector<std::string>& parts);
std::string marker_or(const std::vector<std::string>& parts);

}  // namespace ptinstall::ops
