// How a TOML value's type is named in messages ("must be a string, not an integer"), for the layers
// that read TOML files (config: uv.toml, pyproject.toml; lock: pylock.toml). Private to src/ and
// included only from .cpp files, which already pay for toml++.
#pragma once
#include <toml++/toml.h>

#include <string>

namespace ptinstall::util::detail {

inline std::string toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

}  // namespace ptinstall::util::detail
