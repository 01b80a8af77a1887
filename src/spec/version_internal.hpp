// Internal to the spec layer: the strict PEP 440 parser shared by Version and Specifier.
#pragma once
#include <optional>
#include <string_view>

#include "ptinstall/spec/version.hpp"

namespace ptinstall::spec::detail {

// Parses `text` as a PEP 440 version with nothing around it (no whitespace); nullopt when it is
// not one or a number does not fit in 64 bits.
std::optional<Version> parse_version_strict(std::string_view text);

bool is_py_space(char c);
std::string_view trim_py_space(std::string_view s);

}  // namespace ptinstall::spec::detail

namespace ptinstall::spec::detail {

// a <=> b as if neither had a local label (packaging's `public`), without allocating.
int compare_public(const Version& a, const Version& b);
// Same epoch and, zero-padded, the same first `n` release numbers.
bool same_release_prefix(const Version& a, const Version& b, size_t n);
// Same epoch and the same zero-padded release (packaging's base_version equality).
bool same_base(const Version& a, const Version& b);

}  // namespace ptinstall::spec::detail
