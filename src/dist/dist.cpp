#include "ptinstall/dist/dist.hpp"

#include <map>

#include "ptinstall/index/find_links.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::dist {
namespace {

namespace fs = std::filesystem;

template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

// The fragment's key=value pairs ("sha256=...&subdirectory=x").
std::map<std::string, std::string> fragment_values(const std::string& url) {
  std::map<std::string, std::string> out;
  auto hash = url.find('#');
  if (hash == std::string::npos) return out;
  const std::string fragment = url.substr(hash + 1);
  for (std::string_view part : util::split(fragment, '&')) {
    auto eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    out[std::string(part.substr(0, eq))] = util::percent_decode(part.substr(eq + 1));
  }
  return out;
}

std::string last_segment(const std::string& url_without_fragment) {
  std::string path = url_without_fragment.substr(0, url_without_fragment.find('?'));
  while (!path.empty() && path.back() == '/') path.pop_back();
  return util::percent_decode(path.substr(path.rfind('/') + 1));
}

// file:///abs/path -> /abs/path (file://localhost/ too).
fs::path path_of_file_url(const std::string& url) {
  std::string rest = url.substr(7);
  if (!rest.empty() && rest.front() != '/') {
    auto slash = rest.find('/');
    rest = slash == std::string::npos ? "/" : rest.substr(slash);
  }
  return fs::path(util::percent_decode(rest));
}

}  // namespace

bool Dist::is_wheel() const {
  return std::visit(Overload{[](const RegistryWheel&) { return true; }, [](const RegistrySdist&) { return false; },
                             [](const DirectUrl& d) { return d.wheel; },
                             [](const LocalPath& p) { return p.kind == PathKind::Wheel; },
                             [](const Git&) { return false; }},
                    source);
}

bool Dist::is_direct() const {
  return !std::holds_alternative<RegistryWheel>(source) && !std::holds_alternative<RegistrySdist>(source);
}

bool Dist::is_editable() const {
  if (auto* p = std::get_if<LocalPath>(&source)) return p->editable;
  if (auto* g = std::get_if<Git>(&source)) return g->editable;
  return false;
}

const index::IndexFile* Dist::index_file() const {
  if (auto* w = std::get_if<RegistryWheel>(&source)) return &w->file;
  if (auto* s = std::get_if<RegistrySdist>(&source)) return &s->file;
  return nullptr;
}

std::string Dist::filename() const {
  return std::visit(Overload{[](const RegistryWheel& w) { return w.file.filename; },
                             [](const RegistrySdist& s) { return s.file.filename; },
                             [](const DirectUrl& d) { return d.filename; },
                             [](const LocalPath& p) {
                               return p.kind == PathKind::Tree ? std::string() : p.path.filename().string();
                             },
                             [](const Git&) { return std::string(); }},
                    source);
}

std::string Dist::url() const {
  return std::visit(Overload{[](const RegistryWheel& w) { return w.file.url; },
                             [](const RegistrySdist& s) { return s.file.url; },
                             [](const DirectUrl& d) { return d.url; }, [](const LocalPath& p) { return p.url; },
                             [](const Git& g) {
                               return "git+" + g.repository + (g.reference ? "@" + *g.reference : "") +
                                      (g.subdirectory ? "#subdirectory=" + *g.subdirectory : "");
                             }},
                    source);
}

std::string Dist::pinned_url() const {
  auto* g = std::get_if<Git>(&source);
  if (!g || !g->commit) return url();
  std::string out = "git+" + g->repository + "@" + *g->commit;
  std::string fragment;
  if (g->editable && !name.empty()) fragment = "egg=" + name;
  if (g->subdirectory) fragment += (fragment.empty() ? "" : "&") + std::string("subdirectory=") + *g->subdirectory;
  return fragment.empty() ? out : out + "#" + fragment;
}

std::string Dist::index_url() const {
  const index::IndexFile* f = index_file();
  return f ? f->index_url : std::string();
}

index::HashMap Dist::hashes() const {
  if (const index::IndexFile* f = index_file()) return f->hashes;
  if (auto* d = std::get_if<DirectUrl>(&source)) return d->hashes;
  return {};
}

std::string Dist::kind_name() const {
  return std::visit(Overload{[](const RegistryWheel&) { return std::string("registry wheel"); },
                             [](const RegistrySdist&) { return std::string("registry sdist"); },
                             [](const DirectUrl& d) {
                               return std::string(d.wheel ? "direct URL wheel" : "direct URL archive");
                             },
                             [](const LocalPath& p) {
                               switch (p.kind) {
                                 case PathKind::Wheel: return std::string("local wheel");
                                 case PathKind::Archive: return std::string("local archive");
                                 case PathKind::Tree: break;
                               }
                               return std::string(p.editable ? "editable tree" : "local tree");
                             },
                             [](const Git&) { return std::string("git"); }},
                    source);
}

std::string Dist::describe() const {
  if (!is_direct()) return (name.empty() ? filename() : name) + (version ? "==" + version->to_string() : std::string());
  if (name.empty()) return util::redact_url(url());  // a path given before its project is known
  return name + " @ " + util::redact_url(url());
}

std::optional<spec::DirectUrl> Dist::direct_url(const std::optional<std::string>& archive_sha256) const {
  if (!is_direct()) return std::nullopt;
  spec::DirectUrl du;
  du.url = url();
  if (auto* d = std::get_if<DirectUrl>(&source)) {
    du.subdirectory = d->subdirectory;
    if (archive_sha256) du.archive_hash = "sha256=" + *archive_sha256;
  } else if (auto* p = std::get_if<LocalPath>(&source)) {
    if (p->kind == PathKind::Tree) {
      du.is_dir = true;
      du.editable = p->editable;
    } else if (archive_sha256) {
      du.archive_hash = "sha256=" + *archive_sha256;
    }
  } else if (auto* g = std::get_if<Git>(&source); g && g->editable && g->checkout) {
    // pip records an editable VCS install as the directory it cloned into.
    du.url = index::file_url(*g->checkout);
    du.is_dir = true;
    du.editable = true;
  } else if (g) {
    du.url = g->repository;
    du.subdirectory = g->subdirectory;
    spec::VcsInfo vcs;
    vcs.vcs = "git";
    vcs.commit_id = g->commit.value_or("");
    vcs.requested_revision = g->reference;
    du.vcs = vcs;
  }
  return du;
}

Dist from_index_file(const index::IndexFile& file) {
  Dist d;
  if (file.kind == index::FileKind::Wheel && file.wheel) {
    d.name = file.wheel->normalized_name();
    d.version = file.version;
    d.source = RegistryWheel{file};
  } else {
    d.version = file.version;
    d.source = RegistrySdist{file};
  }
  return d;
}

Dist from_direct_reference(const std::string& name, const std::string& url, bool editable) {
  Dist d;
  d.name = name.empty() ? std::string() : spec::normalize_name(name);
  const std::string lower = util::to_lower(url.substr(0, url.find(':') == std::string::npos ? 0 : url.find(':')));
  if (lower.rfind("git+", 0) == 0 || lower == "git") {
    Git g;
    std::string rest = url.rfind("git+", 0) == 0 ? url.substr(4) : url;
    auto values = fragment_values(rest);
    rest = rest.substr(0, rest.find('#'));
    // @rev after the path (not the userinfo's @): the last '@' after the authority's first '/'.
    auto scheme_end = rest.find("://");
    auto path_start = scheme_end == std::string::npos ? 0 : rest.find('/', scheme_end + 3);
    auto at = rest.rfind('@');
    if (path_start != std::string::npos && at != std::string::npos && at > path_start) {
      g.reference = rest.substr(at + 1);
      rest = rest.substr(0, at);
    }
    g.repository = rest;
    if (auto it = values.find("subdirectory"); it != values.end()) g.subdirectory = it->second;
    if (d.name.empty())
      if (auto it = values.find("egg"); it != values.end()) d.name = spec::normalize_name(it->second);
    g.editable = editable;
    d.source = g;
    return d;
  }
  std::string bare = url.substr(0, url.find('#'));
  auto values = fragment_values(url);
  std::string filename = last_segment(bare);
  index::FileKind kind = index::file_kind(filename);
  if (lower == "file") {
    LocalPath p;
    p.path = path_of_file_url(bare).lexically_normal();
    p.url = bare;  // as given: the report and direct_url.json show what the user named
    p.editable = editable;
    std::error_code ec;
    if (std::filesystem::is_directory(p.path, ec)) p.kind = PathKind::Tree;
    else p.kind = kind == index::FileKind::Wheel ? PathKind::Wheel : PathKind::Archive;
    if (p.kind == PathKind::Archive && kind != index::FileKind::Sdist)
      throw util::Error(util::ErrorKind::Other, "`" + util::redact_url(url) + "` is neither a wheel, an archive nor a directory",
                        "give a wheel (.whl), an sdist (.tar.gz, .zip) or a project directory");
    d.source = p;
  } else {
    DirectUrl du;
    du.url = bare;
    du.filename = filename;
    du.wheel = kind == index::FileKind::Wheel;
    for (const auto& [k, v] : values)
      if (k != "subdirectory" && k != "egg") du.hashes[util::to_lower(k)] = util::to_lower(v);
    if (auto it = values.find("subdirectory"); it != values.end()) du.subdirectory = it->second;
    if (kind == index::FileKind::Other)
      throw util::Error(util::ErrorKind::Other, "`" + util::redact_url(url) + "` names neither a wheel nor a source archive",
                        "a direct reference is name @ https://host/name-1.0-py3-none-any.whl, an sdist URL, or git+https://...");
    d.source = du;
  }
  if (d.is_wheel()) {
    spec::WheelFilename wf;
    try {
      wf = spec::WheelFilename::parse(filename);
    } catch (const util::Error& e) {
      throw util::Error(util::ErrorKind::Wheel, e.what(), "a wheel file is named name-version(-build)?-python-abi-platform.whl");
    }
    if (!d.name.empty() && wf.normalized_name() != d.name)
      throw util::Error(util::ErrorKind::Wheel, "`" + name + " @ " + util::redact_url(url) + "` names the wheel " + filename +
                                                    " of another project");
    d.name = wf.normalized_name();
    d.version = wf.version;
  }
  return d;
}

Dist from_path(const fs::path& path, const fs::path& base, bool editable) {
  fs::path p = path.is_absolute() ? path : base / path;
  std::error_code ec;
  if (!fs::exists(p, ec))
    throw util::Error(util::ErrorKind::Usage, path.string() + " does not exist", "check the path");
  return from_direct_reference("", index::file_url(fs::absolute(p)), editable);
}

}  // namespace ptinstall::dist
