// Simple Repository API pages: PEP 503 HTML and PEP 691 JSON project pages (and root pages) parsed
// into one list of files, whatever the format the index answered with.
//
// - Links are resolved against the final response URL, or a <base href> in the page; the fragment
//   carries the hash (`#sha256=<hex>`, any hashlib algorithm; `#egg=` and other junk are ignored).
// - The filename is the last path segment of the URL, percent-decoded (`%2B` -> `+`).
// - data-requires-python is HTML-unescaped and cleaned of trailing commas; data-yanked marks a yanked
//   file with or without a reason; data-core-metadata (PEP 714) and data-dist-info-metadata (PEP 658)
//   say that `<url>.metadata` exists ("true" or "<algo>=<hex>").
// - pypi:repository-version / meta.api-version: a major version above 1 is an error, a newer minor
//   version a warning.
// Malformed pages throw util::Error naming the (redacted) URL, with a hint.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/spec/version.hpp"
#include "ptinstall/spec/wheel_filename.hpp"

namespace ptinstall::index {

enum class FileKind { Wheel, Sdist, Other };

// Hash algorithm (lower-case hashlib name: "sha256") -> lower-case hex digest.
using HashMap = std::map<std::string, std::string>;

struct IndexFile {
  std::string filename;                  // decoded: "torch-2.9.1+cu128-cp312-cp312-manylinux_2_28_x86_64.whl"
  std::string url;                       // absolute, without the fragment
  HashMap hashes;                        // may be empty (many PyTorch files have none)
  std::optional<std::string> requires_python;  // unescaped, trailing commas removed; nullopt when absent
  std::optional<std::string> yanked;     // nullopt: not yanked; "" yanked without a reason
  std::optional<HashMap> core_metadata;  // set when `<url>.metadata` exists; its hashes (may be empty)
  std::optional<std::uint64_t> size;
  std::optional<std::string> upload_time;  // as given ("2026-07-08T20:24:52Z")
  std::optional<std::string> provenance;   // PEP 740: the URL of its provenance object, absolute
  FileKind kind = FileKind::Other;
  std::optional<spec::WheelFilename> wheel;  // for wheels whose filename parses
  std::optional<spec::Version> version;      // wheels always; sdists when the project name is known
  std::string index_url;                     // the index (or find-links location) it came from; set by IndexSet

  bool is_yanked() const { return yanked.has_value(); }
  // The URL of the PEP 658 metadata file: url + ".metadata".
  std::string metadata_url() const { return url + ".metadata"; }
};

struct ProjectPage {
  std::string url;                          // the URL links were resolved against (final response URL)
  std::optional<std::string> api_version;   // "1.1"; nullopt when the page declares none (1.0)
  std::vector<IndexFile> files;             // in page order
  std::vector<std::string> versions;        // JSON "versions" (PEP 700), when present
  std::optional<std::string> project_status;  // PEP 792 ("active", "archived", "quarantined", "deprecated")
};

// The kind of a file by its name: ".whl" -> Wheel; .tar.gz, .zip, .tar.bz2, .tar.xz, .tgz, .tar -> Sdist.
FileKind file_kind(std::string_view filename);

// The version of an sdist called `filename` of project `project` (any spelling): "Foo_Bar-1.0.tar.gz"
// with project "foo-bar" -> 1.0. nullopt when the name does not start with the project or the rest
// is no version.
std::optional<spec::Version> sdist_version(std::string_view filename, std::string_view project);

// Builds an IndexFile from a link: resolves `href` against `base_url`, takes the hash from the
// fragment, decodes the filename, classifies it. `project` (optional) lets sdists get a version.
IndexFile make_index_file(std::string_view href, std::string_view base_url, std::string_view project = {});

// PEP 503 HTML project page. `page_url` is the final response URL (for relative links and errors).
ProjectPage parse_html_project_page(std::string_view html, std::string_view page_url, std::string_view project = {});
// PEP 691 JSON project page.
ProjectPage parse_json_project_page(std::string_view json, std::string_view page_url, std::string_view project = {});
// Picks the parser from the Content-Type (application/vnd.pypi.simple.v1+json, ...+html, text/html);
// without a usable one, JSON when the body starts with '{', HTML otherwise.
ProjectPage parse_project_page(std::string_view body, std::string_view content_type, std::string_view page_url,
                               std::string_view project = {});

// Root pages: the project names as listed (not normalised).
std::vector<std::string> parse_html_root_page(std::string_view html, std::string_view page_url);
std::vector<std::string> parse_json_root_page(std::string_view json, std::string_view page_url);
std::vector<std::string> parse_root_page(std::string_view body, std::string_view content_type, std::string_view page_url);

// The Accept header for Simple API requests: JSON preferred, HTML accepted.
inline constexpr std::string_view kSimpleAccept =
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

// HTML helpers, exposed for find-links pages and tests.
std::string html_unescape(std::string_view text);

// One <a> element of an HTML page.
struct HtmlLink {
  std::string href;                               // unescaped
  std::string text;                               // unescaped, trimmed
  std::map<std::string, std::optional<std::string>> attributes;  // lower-case names; nullopt for bare ones
};
struct HtmlDocument {
  std::optional<std::string> base_href;
  std::map<std::string, std::string> meta;        // <meta name=... content=...>, lower-case names
  std::vector<HtmlLink> links;
};
// Tolerant scan: tags and attribute names in any case, quotes ' " or none, comments skipped.
HtmlDocument scan_html(std::string_view html);

}  // namespace ptinstall::index
