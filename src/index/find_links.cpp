#include "ptinstall/index/find_links.hpp"

#include <algorithm>
#include <system_error>

#include "ptinstall/net/http_cache.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::index {

namespace fs = std::filesystem;

std::string file_url(const fs::path& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) abs = path;
  std::string p = abs.lexically_normal().generic_string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();  // a directory ("proj/.") as pip writes it: no slash
  return "file://" + util::percent_encode(p, "/");
}

std::optional<fs::path> local_path(std::string_view url) {
  auto u = util::Url::parse(url);
  if (!u || u->scheme != "file") return std::nullopt;
  return fs::path(util::percent_decode(u->path));
}

std::vector<IndexFile> scan_find_links_directory(const fs::path& dir) {
  std::vector<IndexFile> files;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec)
    throw util::Error(util::ErrorKind::Io,
                      "cannot read the find-links directory " + dir.string() + ": " + ec.message());
  std::vector<fs::path> paths;
  for (const auto& entry : it) {
    std::error_code e2;
    if (!entry.is_regular_file(e2)) continue;
    if (file_kind(entry.path().filename().string()) == FileKind::Other) continue;
    paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    IndexFile f = make_index_file(file_url(p), file_url(p));
    std::error_code e3;
    auto size = fs::file_size(p, e3);
    if (!e3) f.size = size;
    files.push_back(std::move(f));
  }
  return files;
}

std::vector<IndexFile> parse_find_links_page(std::string_view html, std::string_view page_url) {
  ProjectPage page = parse_html_project_page(html, page_url);
  std::vector<IndexFile> files;
  for (auto& f : page.files)
    if (f.kind != FileKind::Other) files.push_back(std::move(f));
  return files;
}

std::vector<IndexFile> load_find_links(std::string_view location, net::HttpClient& client, net::HttpCache* cache) {
  auto url = util::Url::parse(location);
  bool remote = url && (url->scheme == "http" || url->scheme == "https");
  if (!remote) {
    fs::path path = url && url->scheme == "file" ? *local_path(location) : fs::path(std::string(location));
    std::error_code ec;
    if (fs::is_directory(path, ec)) return scan_find_links_directory(path);
    if (!fs::is_regular_file(path, ec))
      throw util::Error(util::ErrorKind::Io, "the find-links location " + std::string(location) + " does not exist",
                        "give a directory of wheels, an HTML page or a URL");
    if (file_kind(path.filename().string()) != FileKind::Other) {
      IndexFile f = make_index_file(file_url(path), file_url(path));
      f.size = fs::file_size(path, ec);
      return {f};
    }
    return parse_find_links_page(util::read_file(path), file_url(path));
  }
  std::string clean = url->without_fragment().str();
  if (file_kind(url->path) != FileKind::Other) return {make_index_file(std::string(location), clean)};
  net::Request req{clean, {{"Accept", "text/html"}}};
  net::Response resp = cache ? cache->get(req) : client.get(req);
  if (!resp.ok()) net::raise_for_status(resp, clean);
  std::string base = resp.effective_url.empty() ? clean : resp.effective_url;
  return parse_find_links_page(resp.body, base);
}

std::vector<IndexFile> files_for_project(const std::vector<IndexFile>& files, std::string_view project) {
  std::string want = spec::normalize_name(project);
  std::vector<IndexFile> out;
  for (const auto& f : files) {
    if (f.kind == FileKind::Wheel && f.wheel) {
      if (f.wheel->normalized_name() == want) out.push_back(f);
    } else if (f.kind == FileKind::Sdist) {
      if (auto v = sdist_version(f.filename, want)) {
        IndexFile g = f;
        g.version = v;
        out.push_back(std::move(g));
      }
    }
  }
  return out;
}

}  // namespace ptinstall::index
