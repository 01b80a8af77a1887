#include "ptinstall/lock/lock_writer.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "ptinstall/spec/metadata.hpp"
#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/spec/variant.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::lock {
namespace {

namespace fs = std::filesystem;

std::string base_of(const std::string& node) { return node.substr(0, node.find('[')); }

bool is_system(const std::string& node) { return node.rfind("system:", 0) == 0; }

std::string trim_slash(std::string u) {
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}

LockedFile locked_file(const index::IndexFile& f) {
  LockedFile out;
  out.name = f.filename;
  out.url = f.url;
  out.upload_time = f.upload_time;
  out.size = f.size;
  for (const auto& [algo, hex] : f.hashes)
    if (!hex.empty()) out.hashes[util::to_lower(algo)] = util::to_lower(hex);
  return out;
}

// "sha256:<hex>" strings as a hashes table.
std::map<std::string, std::string> hash_table(const std::vector<std::string>& hashes) {
  std::map<std::string, std::string> out;
  for (const auto& h : hashes)
    if (auto colon = h.find(':'); colon != std::string::npos) out.emplace(h.substr(0, colon), util::to_lower(h.substr(colon + 1)));
  return out;
}

// A local file's path as the lock writes it: relative to the lock's directory when below it.
std::string lock_relative(const fs::path& file, const std::string& lock_path) {
  if (lock_path.empty()) return file.string();
  fs::path dir = fs::absolute(lock_path).parent_path();
  fs::path rel = file.lexically_relative(dir);
  if (rel.empty() || *rel.begin() == "..") return file.string();
  return rel.string();
}

bool uses_variant_markers(const spec::Marker& m) {
  for (const auto& c : m.comparisons())
    if (c.variable.rfind("variant_", 0) == 0) return true;
  return false;
}

// PEP 825 variant markers on the resolution's edges (a CUDA build's `nvidia-runtime; 'nvidia' in
// variant_namespaces`): for each package some edge of which depends on the requirer's build, every
// requirer with its marker ("" for an edge that holds whatever the build). A package the root names,
// or whose edges all hold regardless of the build, gets nothing: it is always installed.
std::map<std::string, std::vector<LockedRequirer>> variant_requirers(
    const dist::Resolution& resolution, const std::map<std::string, std::set<std::string>>& deps) {
  std::map<std::string, std::vector<LockedRequirer>> out;
  std::set<std::string> conditional;
  for (const auto& rd : resolution.packages) {
    auto children = deps.find(rd.name());
    if (children == deps.end() || rd.metadata_raw.empty()) continue;
    std::map<std::string, std::vector<spec::Marker>> markers;  // dependency -> its requirements' markers
    try {
      for (const auto& raw : spec::CoreMetadata::parse(rd.metadata_raw).requires_dist) {
        try {
          spec::Requirement req = spec::Requirement::parse(raw);
          markers[req.package.str()].push_back(req.marker);
        } catch (const util::Error&) {
        }
      }
    } catch (const util::Error&) {
      continue;
    }
    for (const auto& child : children->second) {
      auto m = markers.find(child);
      bool variant_only = m != markers.end() && !m->second.empty() &&
                          std::all_of(m->second.begin(), m->second.end(), uses_variant_markers);
      std::string marker;
      if (variant_only) {
        spec::Marker any = m->second.front();
        for (std::size_t i = 1; i < m->second.size(); ++i) any = spec::Marker::disjunction(any, m->second[i]);
        marker = any.to_string();
        conditional.insert(child);
      }
      out[child].push_back({rd.name(), marker});
    }
  }
  for (const auto& root : resolution.roots) conditional.erase(base_of(root));
  for (auto it = out.begin(); it != out.end();)
    it = conditional.count(it->first) ? std::next(it) : out.erase(it);
  return out;
}

}  // namespace

LockWriteResult lock_from_resolution(const dist::Resolution& resolution, const LockWriteOptions& options) {
  LockWriteResult out;
  Pylock& lock = out.lock;
  lock.environments = options.environments;
  lock.requires_python = options.requires_python;
  lock.extras = options.extras;
  lock.dependency_groups = options.dependency_groups;
  lock.default_groups = options.default_groups;
  lock.created_by = options.created_by;
  lock.torch = options.torch;

  // Each project's dependencies: the edges of its own node and of its `name[extra]` nodes.
  std::map<std::string, std::set<std::string>> deps;
  for (const auto& [node, children] : resolution.graph) {
    if (is_system(node)) continue;
    std::string parent = base_of(node);
    for (const auto& child : children) {
      if (is_system(child) || base_of(child) == parent) continue;
      deps[parent].insert(base_of(child));
    }
  }

  const auto requirers = variant_requirers(resolution, deps);
  for (const auto& rd : resolution.packages) {
    LockedPackage p;
    p.name = rd.name();
    p.version = rd.version.to_string();
    for (const auto& d : deps[p.name]) p.dependencies.push_back({d, std::nullopt});
    if (auto r = requirers.find(p.name); r != requirers.end()) p.variant_required_by = r->second;
    const dist::Dist& d = rd.dist;
    if (const auto* g = std::get_if<dist::Git>(&d.source)) {
      // A repository at the commit the resolution used.
      if (!g->commit)
        throw util::Error(util::ErrorKind::Usage, "cannot lock " + d.describe() + ": its commit is not known",
                          "internal: the resolution did not pin the git reference");
      lock::LockedVcs v;
      v.url = g->repository;
      v.requested_revision = g->reference;
      v.commit_id = *g->commit;
      v.subdirectory = g->subdirectory;
      p.vcs = std::move(v);
      lock.packages.push_back(std::move(p));
      continue;
    }
    if (const auto* lp = std::get_if<dist::LocalPath>(&d.source); lp && lp->kind == dist::PathKind::Tree) {
      // A source tree: its files change, so no version (the spec's advice); the install builds it.
      lock::LockedDirectory dir;
      dir.path = lock_relative(lp->path, options.lock_path);
      dir.editable = lp->editable;
      p.directory = std::move(dir);
      p.version.reset();
      lock.packages.push_back(std::move(p));
      continue;
    }
    if (const index::IndexFile* chosen = d.index_file()) {
      p.index = trim_slash(chosen->index_url);
      p.requires_python = chosen->requires_python;
      if (p.requires_python && p.requires_python->empty()) p.requires_python.reset();
      std::vector<index::IndexFile> files = rd.files;
      if (files.empty() && !chosen->hashes.empty()) files.push_back(*chosen);
      // PEP 825: with the variant metadata the choice was made under, every wheel is kept and the
      // metadata is inlined as [packages.variants-json] (pruned to the labels kept), so an install
      // ranks them again for its machine. Without it (--variants off): the chosen label's wheels only.
      std::string label = chosen->wheel ? chosen->wheel->variant_label : std::string();
      bool every_label = !rd.variants_json.empty();
      std::vector<std::string> labels;
      for (const auto& f : files) {
        if (f.kind == index::FileKind::Wheel && f.wheel && f.wheel->variant_label != label && !every_label) continue;
        if (f.kind == index::FileKind::Wheel && f.wheel && f.wheel->is_variant() &&
            std::find(labels.begin(), labels.end(), f.wheel->variant_label) == labels.end())
          labels.push_back(f.wheel->variant_label);
        LockedFile lf = locked_file(f);
        if (lf.hashes.empty()) continue;
        if (f.kind == index::FileKind::Wheel) p.wheels.push_back(std::move(lf));
        else if (f.kind == index::FileKind::Sdist && !p.sdist) p.sdist = std::move(lf);
      }
      std::sort(p.wheels.begin(), p.wheels.end(), [](const LockedFile& a, const LockedFile& b) { return a.name < b.name; });
      if (every_label && !labels.empty())
        p.variants_json = spec::VariantMetadata::parse(rd.variants_json, p.name + " variants").to_json(labels);
      if (p.wheels.empty() && !p.sdist)
        throw util::Error(util::ErrorKind::Usage, "cannot lock " + p.name + "==" + *p.version + ": no hash for its files",
                          "internal: the resolution was made without collecting hashes");
      p.attestation_identities = rd.attestation_identities;
      if (rd.unhashed_files > 0)
        out.unhashed.push_back(p.name + "==" + *p.version + " (" + std::to_string(rd.unhashed_files) +
                               (rd.unhashed_files == 1 ? " file)" : " files)"));
    } else {
      // A wheel file or an archive named by URL or path.
      std::map<std::string, std::string> hashes = hash_table(rd.all_hashes);
      for (const auto& [algo, hex] : d.hashes()) hashes.emplace(algo, util::to_lower(hex));
      if (hashes.empty())
        throw util::Error(util::ErrorKind::Usage, "cannot lock " + d.describe() + ": no hash for it",
                          "internal: the resolution was made without collecting hashes");
      LockedFile lf;
      lf.hashes = hashes;
      if (auto* lp = std::get_if<dist::LocalPath>(&d.source)) {
        lf.path = lock_relative(lp->path, options.lock_path);
        lf.name = lp->path.filename().string();
        std::error_code ec;
        if (auto size = fs::file_size(lp->path, ec); !ec) lf.size = size;
      } else if (auto* du = std::get_if<dist::DirectUrl>(&d.source)) {
        lf.url = du->url;
        lf.name = du->filename;
        lf.subdirectory = du->subdirectory;
      }
      if (d.is_wheel()) {
        p.wheels.push_back(std::move(lf));
      } else {
        lf.name.clear();  // an archive has no name key
        p.archive = std::move(lf);
      }
    }
    lock.packages.push_back(std::move(p));
  }
  return out;
}

}  // namespace ptinstall::lock
