// Running the system's `git` (as pip and uv do, so git's own credential helpers, ~/.ssh keys and
// config keep working) and turning its failures into errors a user can act on.
#pragma once
#include <filesystem>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "ptinstall/util/error.hpp"

namespace ptinstall::vcs {

struct GitResult {
  int exit_code = 0;
  std::string out;
  std::string err;
  bool ok() const { return exit_code == 0; }
};

// Runs `git args...` (in `cwd` when given) with prompts off unless a terminal is attached
// (GIT_TERMINAL_PROMPT=0) and messages in English (LC_ALL=C), so that failures can be classified.
// Throws util::Error (Build) with a hint when git is not installed.
GitResult run_git(const std::vector<std::string>& args, const std::optional<std::string>& cwd = std::nullopt,
                  const std::vector<std::pair<std::string, std::string>>& env = {});

// The error for a failed git command on `repository`: "git <what> of <repo> failed" with git's last
// lines (credentials redacted everywhere), and a hint for the causes users meet: a repository that
// does not exist, one that needs credentials, an unreachable host.
util::Error git_failure(const std::string& what, const std::string& repository, const GitResult& r);

// `text` with every "scheme://user:password@" hidden (git echoes URLs in its messages).
std::string redact_text(const std::string& text);

// pip freeze's lines for an editable install whose directory is in a git work tree: `-e
// git+URL@<HEAD>#egg=<name>` (`&subdirectory=` when the project is below the top; the origin remote,
// else the first), or pip's comment and `-e <dir>` for a clone without a remote. nullopt when
// `location` is in no git work tree (or git is missing).
std::optional<std::string> editable_freeze_lines(const std::filesystem::path& location, std::string_view name,
                                                 std::string_view version);

// The last path segment of a repository URL without ".git" ("detectron2" for
// https://host/org/detectron2.git, also for scp-like git@host:org/x.git); "project" when it has none.
std::string repository_name(const std::string& repository);

// A 7 to 40 character hexadecimal string: what may name a commit.
bool looks_like_commit(const std::string& s);
bool is_full_commit(const std::string& s);

}  // namespace ptinstall::vcs
