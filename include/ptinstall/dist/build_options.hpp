// Which distributions may be used as wheels and which may be built from source: pip's --no-binary and
// --only-binary (`:all:`, `:none:`, names, comma-separated, repeatable, also in requirements files)
// and uv's --no-build / --no-binary (every package). This is the one place that decides whether a
// source distribution may be built, and the one place that words the refusal.
#pragma once
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/util/error.hpp"

namespace ptinstall::dist {

struct Dist;

// A set of projects named by --no-binary / --only-binary: every project, or some (normalised).
class PackageSet {
 public:
  bool all() const { return all_; }
  bool empty() const { return !all_ && names_.empty(); }
  bool contains(std::string_view name) const;
  const std::set<std::string, std::less<>>& names() const { return names_; }
  // Applies one option value in pip's way: "a,b" adds names, ":all:" selects every project, ":none:"
  // clears what came before. Throws util::Error (Usage) for an invalid name.
  void apply(std::string_view value, std::string_view option);

 private:
  bool all_ = false;
  std::set<std::string, std::less<>> names_;
};

struct BuildOptions {
  PackageSet no_binary;    // build these from source, never use their wheels
  PackageSet only_binary;  // never build these from source
  // Whether a build frontend stands behind the build seam. Until it does, no source distribution
  // is usable, whatever the options say.
  bool can_build = false;

  bool allows_wheel(std::string_view name) const { return !no_binary.contains(name); }
  bool allows_source(std::string_view name) const { return can_build && !only_binary.contains(name); }

  // Reads pip's option values (the command line's, then a requirements file's); pip lets the last
  // of --no-binary/--only-binary for a name win, and so does this.
  static BuildOptions from_values(const std::vector<std::string>& no_binary,
                                  const std::vector<std::string>& only_binary, bool can_build);

  // Throws the refusal when `what` (a source distribution of project `name`) may not be built.
  void require_source_allowed(std::string_view name, const std::string& what) const;
};

// The refusal of a source distribution, in one wording: `what` is what was asked for ("demo-1.0.tar.gz",
// "`demo @ file:///src/demo`"), `why` selects the hint.
enum class SourceRefusal { NoBuilder, OnlyBinary };
util::Error source_refused(const std::string& what, SourceRefusal why, std::string_view name = {});

// The hint shown wherever a source distribution was passed over or refused because ptinstall does
// not build yet (index skip reasons, resolution hints).
std::string_view no_builder_hint();

}  // namespace ptinstall::dist
