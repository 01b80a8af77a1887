#include "ptinstall/lock/lock_install.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "ptinstall/dist/dist.hpp"
#include "ptinstall/index/find_links.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/spec/specifier.hpp"
#include "ptinstall/spec/variant.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::lock {
namespace {

namespace fs = std::filesystem;

std::string python_text(const LockTarget& t) { return t.python.to_string(); }

bool python_allows(const std::string& requires_python, const spec::Version& python) {
  return spec::SpecifierSet::parse(requires_python).contains(python, true);
}

std::string joined_or_none(const std::vector<std::string>& items) {
  return items.empty() ? "none" : util::join(items, ", ");
}

// The value of `ns :: feature` a label's properties share with the machine first in the machine's
// order, as a version ("0" when the label has none): the family's CUDA lower bound or ROCm version.
spec::Version family_value(const spec::VariantPropertyMap& props, const spec::SupportedProperties& supported,
                           const std::string& ns, const std::string& feature) {
  auto n = props.find(ns);
  if (n != props.end())
    if (auto f = n->second.find(feature); f != n->second.end())
      if (const auto* sup = supported.find(ns))
        for (const auto& sf : *sup)
          if (sf.name == feature)
            for (const auto& v : sf.values)
              if (std::find(f->second.begin(), f->second.end(), v) != f->second.end())
                if (auto parsed = spec::Version::parse(v)) return *parsed;
  return spec::Version::from_string("0");
}

// Why a label's `abi_dependency` properties do not fit the versions the lock installs ("" when they do):
// each named dependency must be installed by the lock at a version one of its values allows.
std::string abi_mismatch(const spec::VariantPropertyMap& props, const std::map<std::string, const LockedPackage*>& chosen) {
  auto abi = props.find(std::string(spec::kAbiDependencyNamespace));
  if (abi == props.end()) return {};
  for (const auto& [dep, values] : abi->second) {
    std::vector<std::string> ranges;
    for (const auto& v : values) ranges.push_back(dep + spec::abi_dependency_specifier(v));
    auto it = chosen.find(spec::normalize_name(dep));
    std::optional<spec::Version> locked;
    if (it != chosen.end() && it->second->version) locked = spec::Version::parse(*it->second->version);
    bool fits = false;
    for (const auto& v : values)
      fits = fits || (locked && spec::SpecifierSet::parse(spec::abi_dependency_specifier(v)).contains(*locked, true));
    if (!fits)
      return "built for " + util::join(ranges, " or ") + "; the lock installs " +
             (locked ? dep + " " + locked->to_string() : "no " + dep);
  }
  return {};
}

// One locked package's variant ranking: the compatible labels best first, each with its family pin,
// and why the others lost.
struct LockedVariants {
  std::vector<std::string> labels;
  std::vector<std::pair<spec::Version, spec::Version>> pins;  // (CUDA lower bound, ROCm version) per label
  std::map<std::string, std::string> unsupported;
  bool non_variant = false;  // a non-variant wheel fits the target too
  // For the variant markers of the chosen build (set when the schema is read)
  std::optional<spec::VariantMetadata> meta;
  spec::SupportedProperties supported;
};

// [packages.tool.ptinstall] variant-required-by: a package needed only with some build of its requirers
// (a CUDA build's nvidia-* runtime, locked on a GPU machine) stays out where no installed requirer's
// chosen build satisfies its edge (a CPU machine installing the same lock). Repeated until nothing
// changes, so what only a dropped package needed goes too.
void drop_unneeded_by_variant(LockInstall& out, const std::map<std::string, const LockedPackage*>& chosen,
                              const std::map<std::string, LockedVariants>& ranked, const spec::MarkerEnvironment& env) {
  std::set<std::string> requirers;
  for (const auto& [name, p] : chosen)
    for (const auto& r : p->variant_required_by) requirers.insert(r.name);
  if (requirers.empty()) return;  // a lock without the table (every lock made without --variants)
  std::set<std::string> installed;
  std::map<std::string, spec::MarkerEnvironment> env_of;  // each installed requirer's chosen build
  for (const auto& rd : out.resolution.packages) {
    installed.insert(rd.name());
    if (!requirers.count(rd.name())) continue;
    spec::MarkerEnvironment e = env;
    std::string label;
    if (rd.dist.is_wheel()) label = spec::WheelFilename::parse(rd.dist.filename()).variant_label;
    e.set("variant_label", label);
    if (auto r = ranked.find(rd.name()); r != ranked.end() && r->second.meta && !label.empty())
      spec::set_variant_markers(e, *r->second.meta, label, r->second.supported);
    env_of.emplace(rd.name(), std::move(e));
  }
  std::set<std::string> dropped;
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& [name, p] : chosen) {
      if (p->variant_required_by.empty() || dropped.count(name) || !installed.count(name)) continue;
      bool needed = false;
      for (const auto& r : p->variant_required_by) {
        if (dropped.count(r.name) || !installed.count(r.name)) continue;
        spec::Marker m = r.marker.empty() ? spec::Marker() : spec::Marker::parse(r.marker);
        // The edge was in the locked resolution, so the extras its marker names were asked for.
        needed = needed || m.evaluate(env_of.at(r.name), m.referenced_extras());
      }
      if (!needed) {
        dropped.insert(name);
        changed = true;
      }
    }
  }
  if (dropped.empty()) return;
  for (const auto& name : dropped)
    util::log::debug("lock: " + name + " is left out: only other builds of the packages that require it need it");
  auto& pkgs = out.resolution.packages;
  pkgs.erase(std::remove_if(pkgs.begin(), pkgs.end(), [&](const dist::ResolvedDist& rd) { return dropped.count(rd.name()) > 0; }),
             pkgs.end());
  for (const auto& name : dropped) {
    out.resolution.graph.erase(name);
    out.required_hashes.erase(name);
  }
  for (auto& [node, deps] : out.resolution.graph)
    deps.erase(std::remove_if(deps.begin(), deps.end(), [&](const std::string& d) { return dropped.count(d) > 0; }), deps.end());
  auto& vl = out.versionless;
  vl.erase(std::remove_if(vl.begin(), vl.end(), [&](const std::string& n) { return dropped.count(n) > 0; }), vl.end());
}

// The IndexFile a locked file stands for (a registry wheel or sdist: the index it was listed on).
index::IndexFile index_file(const LockedFile& f, const LockedPackage& p, index::FileKind kind, const std::string& url) {
  index::IndexFile out;
  out.filename = f.name;
  out.url = url;
  for (const auto& [algo, hex] : f.hashes) out.hashes[algo] = hex;
  out.size = f.size;
  out.upload_time = f.upload_time;
  out.requires_python = p.requires_python;
  out.kind = kind;
  out.version = spec::Version::parse(*p.version);
  out.index_url = p.index.value_or("");
  if (kind == index::FileKind::Wheel) out.wheel = spec::WheelFilename::parse(f.name);
  return out;
}

// A locked `path` (relative to the lock's directory) as an absolute path.
fs::path local_path(const std::string& path, const std::string& lock_path) {
  fs::path p(path);
  if (p.is_relative()) p = fs::absolute(lock_path).parent_path() / p;
  return p.lexically_normal();
}

}  // namespace

LockInstall lock_install(const Pylock& lock, const std::string& path, const LockTarget& target) {
  auto fail = [&](const std::string& what, const std::string& hint = "") -> util::Error {
    return util::Error(util::ErrorKind::Usage, path + ": " + what, hint);
  };
  if (lock.requires_python && !python_allows(*lock.requires_python, target.python))
    throw fail("the lock needs Python " + *lock.requires_python + ", the target is Python " + python_text(target),
               "install into an environment with a Python it allows (--python)");
  spec::MarkerEnvironment env = target.markers;
  if (!lock.environments.empty()) {
    bool any = std::any_of(lock.environments.begin(), lock.environments.end(),
                           [&](const std::string& m) { return spec::Marker::parse(m).evaluate(env); });
    if (!any)
      throw fail("the lock is for other environments (" + util::join(lock.environments, "; ") + "); the target is " +
                     std::string(env.get("sys_platform")) + " " + std::string(env.get("platform_machine")) +
                     ", Python " + python_text(target),
                 "lock again for this environment, or install where the lock applies");
  }
  // The extras and groups asked for must be ones the lock knows; no group asked: default-groups.
  std::vector<std::string> extras, groups;
  for (const auto& e : target.extras) {
    std::string n = spec::normalize_name(e);
    if (std::find(lock.extras.begin(), lock.extras.end(), n) == lock.extras.end())
      throw fail("the lock has no extra `" + n + "`", "its extras: " + joined_or_none(lock.extras));
    extras.push_back(n);
  }
  if (target.all_extras) extras = lock.extras;
  for (const auto& g : target.groups) {
    std::string n = spec::normalize_name(g);
    if (std::find(lock.dependency_groups.begin(), lock.dependency_groups.end(), n) == lock.dependency_groups.end())
      throw fail("the lock has no dependency group `" + n + "`", "its groups: " + joined_or_none(lock.dependency_groups));
    groups.push_back(n);
  }
  if (target.groups.empty()) groups = lock.default_groups;
  env.extras = extras;
  env.dependency_groups = groups;

  LockInstall out;
  std::map<std::string, const LockedPackage*> chosen;
  for (const auto& p : lock.packages) {
    if (!p.marker.empty() && !spec::Marker::parse(p.marker).evaluate(env)) continue;
    if (p.requires_python && !python_allows(*p.requires_python, target.python))
      throw fail("package `" + p.name + "` needs Python " + *p.requires_python + ", the target is Python " +
                     python_text(target));
    if (auto it = chosen.find(p.name); it != chosen.end())
      throw fail("two entries for package `" + p.name + "` apply to this environment (" +
                     it->second->version.value_or("?") + " and " + p.version.value_or("?") + ")",
                 "their markers must be disjoint; lock again");
    chosen.emplace(p.name, &p);
  }

  // A locked wheel's file name, parsed; a malformed one is the lock's error naming the package.
  auto wheel_name = [&](const LockedPackage& p, const std::string& file) {
    try {
      return spec::WheelFilename::parse(file);
    } catch (const util::Error& e) {
      throw fail("package `" + p.name + "`: " + e.what());
    }
  };

  // PEP 825: the packages with variant metadata rank their wheels' labels for this machine.
  std::map<std::string, LockedVariants> ranked;
  std::optional<spec::SupportedProperties> native;
  for (const auto& [name, pp] : chosen) {
    const LockedPackage& p = *pp;
    if (!p.variants_json || !target.tags) continue;
    spec::VariantMetadata meta = spec::VariantMetadata::parse(*p.variants_json, path + ": [packages.variants-json] of " + name);
    LockedVariants lv;
    std::vector<std::string> labels;
    for (const auto& w : p.wheels) {
      spec::WheelFilename wf = wheel_name(p, w.name);
      if (!target.tags->best_priority(wf.tags())) continue;
      if (!wf.is_variant()) lv.non_variant = target.variant_label.empty();
      else if (std::find(labels.begin(), labels.end(), wf.variant_label) == labels.end()) labels.push_back(wf.variant_label);
    }
    if (!meta.schema_supported()) {
      for (const auto& l : labels) lv.unsupported[l] = "unknown variant schema `" + meta.schema + "`";
    } else {
      if (!native) native = target.variant_native ? target.variant_native() : spec::SupportedProperties{};
      spec::SupportedProperties eff = spec::effective_properties(meta, target.variant_user, *native);
      std::vector<std::string> considered;
      for (const auto& l : labels) {
        if (!target.variant_label.empty() && l != target.variant_label)
          lv.unsupported[l] = "not the --variant-label `" + target.variant_label + "`";
        else considered.push_back(l);
      }
      spec::VariantOrder order = spec::order_variants(meta, considered, eff);
      for (auto& [l, why] : order.unsupported) lv.unsupported[l] = why;
      lv.meta = meta;
      lv.supported = eff;
      // PEP 850 abi_dependency (`abi_dependency :: torch :: 2.12`): only the builds for the versions
      // this lock installs (an extension built per torch release takes the locked torch's build).
      for (const auto& l : order.labels) {
        auto props = meta.variants.find(l);
        std::string why = props == meta.variants.end() ? std::string() : abi_mismatch(props->second, chosen);
        if (why.empty()) lv.labels.push_back(l);
        else lv.unsupported[l] = why;
      }
      for (const auto& l : lv.labels) {
        const auto& props = meta.variants.at(l);
        lv.pins.emplace_back(family_value(props, eff, "nvidia", "cuda_version_lower_bound"),
                             family_value(props, eff, "amd", "rocm_version"));
      }
    }
    ranked.emplace(name, std::move(lv));
  }
  // The family takes the best build every member has (in torch's order, else the first member's); a
  // member with a non-variant wheel to fall back on takes any.
  std::vector<std::string> members;
  for (const auto& [name, lv] : ranked)
    if (target.variant_family.count(name)) members.push_back(name);
  if (members.size() > 1) {
    const LockedVariants& leader = ranked.count("torch") && target.variant_family.count("torch") ? ranked.at("torch")
                                                                                                 : ranked.at(members.front());
    std::optional<std::pair<spec::Version, spec::Version>> agreed;
    for (const auto& pin : leader.pins) {
      bool everyone = true;
      for (const auto& m : members) {
        const auto& lv = ranked.at(m);
        everyone = everyone && (lv.non_variant || std::find(lv.pins.begin(), lv.pins.end(), pin) != lv.pins.end());
      }
      if (everyone) {
        agreed = pin;
        break;
      }
    }
    if (agreed)
      for (const auto& m : members) {
        LockedVariants& lv = ranked.at(m);
        std::vector<std::string> kept;
        std::vector<std::pair<spec::Version, spec::Version>> kept_pins;
        for (std::size_t i = 0; i < lv.labels.size(); ++i) {
          if (lv.pins[i] == *agreed) {
            kept.push_back(lv.labels[i]);
            kept_pins.push_back(lv.pins[i]);
          } else {
            lv.unsupported[lv.labels[i]] = "another build than the one the PyTorch packages of this lock all have";
          }
        }
        lv.labels = std::move(kept);
        lv.pins = std::move(kept_pins);
      }
  }

  for (const auto& [name, pp] : chosen) {
    const LockedPackage& p = *pp;
    dist::ResolvedDist rd;
    const LockedFile* file = nullptr;
    bool needs_version = false;
    if (p.vcs) {
      if (p.vcs->type != "git")
        throw fail("package `" + p.name + "` is locked from a " + p.vcs->type + " repository; ptinstall installs git only");
      std::string url = !p.vcs->url.empty() ? p.vcs->url : index::file_url(local_path(p.vcs->path, path));
      if (url.rfind("git+", 0) != 0) url = "git+" + url;
      url += "@" + p.vcs->commit_id;
      if (p.vcs->subdirectory) url += "#subdirectory=" + *p.vcs->subdirectory;
      rd.dist = dist::from_direct_reference(p.name, url);
      if (auto* g = std::get_if<dist::Git>(&rd.dist.source)) g->commit = p.vcs->commit_id;
      needs_version = !p.version;
    } else if (p.directory) {
      fs::path dir = local_path(p.directory->path, path);
      if (p.directory->subdirectory) dir /= *p.directory->subdirectory;
      std::error_code ec;
      if (!fs::is_directory(dir, ec))
        throw fail("package `" + p.name + "` is locked as the directory " + dir.string() + ", which does not exist",
                   "a lock with directory entries installs on the machine that has the sources");
      rd.dist = dist::from_path(dir, {}, p.directory->editable);
      needs_version = !p.version;
    } else if (p.archive) {
      file = &*p.archive;
      std::string url = !file->url.empty() ? file->url : index::file_url(local_path(file->path, path));
      if (file->subdirectory) url += "#subdirectory=" + *file->subdirectory;
      rd.dist = dist::from_direct_reference(p.name, url);
      if (auto* d = std::get_if<dist::DirectUrl>(&rd.dist.source))
        for (const auto& [algo, hex] : file->hashes) d->hashes[algo] = hex;
    } else {
      // The wheel whose best tag ranks highest for the target; else the sdist. With variant metadata:
      // the first label in this machine's order that has a fitting wheel, then the non-variant wheels.
      auto rv = ranked.find(p.name);
      auto pick = [&](const std::optional<std::string>& label) {
        std::optional<std::size_t> best;
        for (const auto& w : p.wheels) {
          spec::WheelFilename wf = wheel_name(p, w.name);
          if (!target.tags) continue;
          if (label && wf.variant_label != *label) continue;
          if (auto prio = target.tags->best_priority(wf.tags()); prio && (!best || *prio < *best)) {
            best = prio;
            file = &w;
          }
        }
      };
      if (rv == ranked.end()) {
        pick(std::nullopt);
      } else {
        for (const auto& l : rv->second.labels) {
          pick(l);
          if (file) break;
        }
        if (!file && rv->second.non_variant) pick(std::string());
        if (!file) {
          std::vector<std::string> why;
          for (const auto& [l, reason] : rv->second.unsupported) why.push_back(l + ": " + reason);
          throw fail("no variant wheel of package `" + p.name + "` in the lock is supported by this machine (" +
                         util::join(why, "; ") + ")",
                     "the lock's [packages.variants-json] ranks its wheels for the machine that installs it; "
                     "--variant-properties FILE lists a target's own properties");
        }
      }
      if (file) {
        if (!file->url.empty()) {
          rd.dist = dist::from_index_file(index_file(*file, p, index::FileKind::Wheel, file->url));
        } else {
          rd.dist = dist::from_path(local_path(file->path, path), {});
          if (auto* lp = std::get_if<dist::LocalPath>(&rd.dist.source)) rd.local_wheel = lp->path;
        }
      } else if (p.sdist) {
        file = &*p.sdist;
        std::string url = !file->url.empty() ? file->url : index::file_url(local_path(file->path, path));
        rd.dist = dist::from_index_file(index_file(*file, p, index::FileKind::Sdist, url));
        rd.dist.name = p.name;
      } else {
        std::vector<std::string> names;
        for (const auto& w : p.wheels) names.push_back(w.name);
        throw fail("no wheel of package `" + p.name + "` fits the target (Python " + python_text(target) + " on " +
                       std::string(env.get("sys_platform")) + " " + std::string(env.get("platform_machine")) +
                       ") and the lock has no sdist",
                   "the lock has " + joined_or_none(names));
      }
    }
    if (file) {
      auto sha = file->hashes.find("sha256");
      if (sha == file->hashes.end())
        throw fail("the file " + (file->name.empty() ? std::string("archive") : file->name) + " of package `" + p.name +
                       "` has no sha256 hash",
                   "ptinstall verifies sha256; lock again with sha256 hashes");
      if (rd.dist.is_wheel()) out.required_hashes[p.name] = {"sha256:" + sha->second};
    }
    rd.dist.name = p.name;
    if (p.version) {
      rd.version = *spec::Version::parse(*p.version);
      rd.dist.version = rd.version;
    } else if (rd.dist.version) {
      rd.version = *rd.dist.version;
    } else if (needs_version || !rd.dist.is_wheel()) {
      out.versionless.push_back(p.name);  // the caller asks the build seam for the metadata
    } else {
      throw fail("package `" + p.name + "` has no version", "write the version of the wheel into the lock");
    }
    rd.requested = true;
    // A lock carries no METADATA; --report shows what the lock says (name and version).
    rd.metadata_raw = "Metadata-Version: 2.1\nName: " + p.name + "\nVersion: " + rd.version.to_string() + "\n";
    out.resolution.packages.push_back(std::move(rd));
    // The installation order follows the lock's dependencies among the installed entries.
    auto& deps = out.resolution.graph[p.name];
    for (const auto& d : p.dependencies)
      if (chosen.count(d.name) && d.name != p.name) deps.push_back(d.name);
  }
  drop_unneeded_by_variant(out, chosen, ranked, env);
  std::set<std::string> depended;
  for (const auto& [node, deps] : out.resolution.graph) depended.insert(deps.begin(), deps.end());
  for (const auto& [node, deps] : out.resolution.graph)
    if (!depended.count(node)) out.resolution.roots.push_back(node);
  return out;
}

}  // namespace ptinstall::lock
