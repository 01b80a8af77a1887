// One key of uv's settings in a config file: at the top of a uv.toml / ptinstall.toml, under [tool.uv]
// in a pyproject.toml. Shared by the readers of uv's tables and lists (build_config, dependency_metadata,
// requirement_lists), which take the value from here and word their errors with `where`.
#pragma once
#include <toml++/toml.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ptinstall::config::detail {

struct UvKey {
  std::shared_ptr<const toml::table> doc;  // owns `node`
  const toml::node* node = nullptr;
  std::string where;                 // "<path>: tool.uv.<key>" or "<path>: <key>", for messages
};

// Nothing when the file is missing, is not valid TOML (the config reader reports that), or lacks the key.
// A file is parsed once per process for all the keys asked of it (again only when its text changed).
std::optional<UvKey> read_uv_key(const std::filesystem::path& path, std::string_view key);

}  // namespace ptinstall::config::detail
