// --find-links locations: flat lists of distribution files, searched for every package alongside the
// indexes (pip's -f, uv's flat indexes).
//
// A location is one of:
// - a local directory: its *.whl files and sdists (.tar.gz, .zip, ...), not recursive;
// - a local .html file or an http(s) URL of an HTML page: every <a href> on it that names a
//   distribution file (PEP 503 attributes such as #sha256= and data-requires-python are honoured);
// - a single local or remote distribution file.
// Files get absolute URLs (file:// for local paths); the project name is not known until asked, so
// sdists get their version from files_for_project().
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/index/simple_page.hpp"

namespace ptinstall::net {
class HttpClient;
class HttpCache;
}  // namespace ptinstall::net

namespace ptinstall::index {

// A file:// URL for a local path (made absolute, lexically normal, percent-encoded; a directory
// without a trailing slash, as pip writes it in direct_url.json).
std::string file_url(const std::filesystem::path& path);
// The local path of a file:// URL; nullopt for other schemes.
std::optional<std::filesystem::path> local_path(std::string_view url);

// The distribution files in a directory (sorted by name). Throws util::Error when it cannot be read.
std::vector<IndexFile> scan_find_links_directory(const std::filesystem::path& dir);
// The distribution links of a flat HTML page (other links are dropped).
std::vector<IndexFile> parse_find_links_page(std::string_view html, std::string_view page_url);

// Reads one location: a directory, a local file, or an http(s) URL fetched through the cache when
// one is given. A missing local path or an HTTP error is a util::Error naming the location.
std::vector<IndexFile> load_find_links(std::string_view location, net::HttpClient& client,
                                       net::HttpCache* cache = nullptr);

// The files of `project` (any spelling) among `files`: wheels by their normalised name, sdists by
// their filename prefix; each with `version` set. Other files are dropped.
std::vector<IndexFile> files_for_project(const std::vector<IndexFile>& files, std::string_view project);

}  // namespace ptinstall::index
