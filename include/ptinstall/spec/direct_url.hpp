// direct_url.json (PEP 610): how a distribution installed from a direct reference (a URL, a
// local directory or a VCS checkout) was obtained. Exactly one of archive_info, dir_info,
// vcs_info is present.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ptinstall::spec {

struct VcsInfo {
  std::string vcs;  // "git", "hg", "bzr", "svn"
  std::string commit_id;
  std::optional<std::string> requested_revision;
  bool operator==(const VcsInfo&) const = default;
};

struct DirectUrl {
  std::string url;
  std::optional<std::string> archive_hash /*"sha256=hex"*/;
  bool is_dir = false;
  bool editable = false;             // only with is_dir
  std::optional<VcsInfo> vcs;        // set for vcs_info (then is_dir is false)
  std::optional<std::string> subdirectory;

  // Serialised as pip does (json.dumps(..., sort_keys=True)): keys sorted, ", " and ": "
  // separators, non-ASCII escaped; archive_info carries both the legacy "hash" and "hashes";
  // user:password@ is removed from the URL, except "git@" for git and ${VAR} placeholders.
  std::string to_json() const;
  // Throws util::Error for invalid JSON, a missing or non-string url, wrongly typed fields, or not
  // exactly one of archive_info/dir_info/vcs_info. archive_hash prefers hashes.sha256, then the
  // legacy "hash", then any other single entry of hashes.
  static DirectUrl from_json(std::string_view json);
  // What the distribution is, for "is the same thing installed?": the URL without credentials (as
  // to_json writes it), for VCS "git+URL@commit", and "#subdirectory=..." when there is one.
  std::string identity() const;

  bool operator==(const DirectUrl&) const = default;
};

}  // namespace ptinstall::spec
