// What a `.toml` file given as requirements (`-r FILE`, or a `pip sync`/`pip compile` argument) is:
// a project's pyproject.toml or a PEP 751 lock (pylock.toml). Anything else is an error, never an
// empty set of requirements: `pip sync` of a file read as "no packages" would uninstall everything.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace ptinstall::config {

enum class TomlInput { Pyproject, Pylock };

// PEP 751's file names: `pylock.toml` and `pylock.<name>.toml` (<name> without dots).
bool is_pylock_name(const std::filesystem::path& path);

// Decides by name and content: a top-level `lock-version`, or a pylock file name, is a lock; a file
// named pyproject.toml, or one with a [project], [dependency-groups] or [build-system] table, is a
// project. Throws util::Error (Usage) naming the file for invalid TOML and for anything else.
TomlInput classify_toml_input(const std::filesystem::path& path);
// The same for text read from `name` (a URL's last segment, say), `shown` naming it in messages.
TomlInput classify_toml_text(std::string_view text, const std::filesystem::path& name, const std::string& shown);

}  // namespace ptinstall::config
