#include "ptinstall/ops/lock_file.hpp"

#include "ptinstall/ops/variants.hpp"

#include <algorithm>
#include <filesystem>

#include "ptinstall/config/toml_input.hpp"
#include "ptinstall/index/index_set.hpp"
#include "ptinstall/index/simple_page.hpp"
#include "ptinstall/dist/build_options.hpp"
#include "ptinstall/lock/lock_writer.hpp"
#include "ptinstall/spec/metadata.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/torch/routing.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

#ifndef PTINSTALL_VERSION
#define PTINSTALL_VERSION "0.0.0"
#endif

namespace ptinstall::ops {
namespace {

std::string trim_slash(std::string u) {
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}

std::string quoted(std::string_view v) { return "'" + std::string(v) + "'"; }

// A lock made for one target holds that target's resolution: markers on requirements were decided
// for it, so `environments` says where it applies (platform, machine, Python minor version).
std::string environment_marker(const Target& target) {
  const auto& m = target.markers;
  return "sys_platform == " + quoted(m.get("sys_platform")) + " and platform_machine == " +
         quoted(m.get("platform_machine")) + " and python_version == " + quoted(m.get("python_version"));
}

}  // namespace

std::vector<install::InstalledDist> previous_lock_pins(const std::string& path) {
  std::vector<install::InstalledDist> out;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return out;
  try {
    for (const auto& p : lock::Pylock::read(path).packages) {
      if (!p.version) continue;
      install::InstalledDist d;
      d.name = d.normalized = p.name;
      d.version = *p.version;
      out.push_back(std::move(d));
    }
  } catch (const util::Error& e) {
    util::log::warn("ignoring the pins of " + path + ": " + e.what());
    out.clear();
  }
  return out;
}

bool writes_pylock(const PipOptions&, const std::optional<std::string>& format,
                   const std::optional<std::string>& output_file) {
  if (format && !format->empty()) {
    if (*format == "pylock.toml") return true;
    if (*format == "requirements.txt") return false;
    throw util::Error(util::ErrorKind::Usage, "invalid --format `" + *format + "` for pip compile",
                      "give requirements.txt or pylock.toml");
  }
  return output_file && !output_file->empty() && *output_file != "-" && config::is_pylock_name(*output_file);
}

lock::LockWriteOptions lock_write_options(const ResolveInputs& in, const Target& target, const PipOptions& options,
                                          const std::string& lock_path) {
  lock::LockWriteOptions w;
  w.environments.push_back(environment_marker(target));
  if (in.project && in.project->project.requires_python_text) w.requires_python = in.project->project.requires_python_text;
  w.created_by = "ptinstall " PTINSTALL_VERSION;
  w.lock_path = lock_path;
  TorchRouting routing = torch_routing(*options.settings, target);
  if (routing.active) {
    lock::TorchRecord t;
    t.backend = routing.backend;
    t.accelerator = routing.accelerator_record();
    for (const auto& u : routing.urls) t.indexes.push_back(util::redact_url(trim_slash(u)));
    w.torch = std::move(t);
  }
  return w;
}

void drop_packages(lock::Pylock& lock, const std::set<std::string>& names) {
  if (names.empty()) return;
  auto& packages = lock.packages;
  packages.erase(std::remove_if(packages.begin(), packages.end(),
                                [&](const lock::LockedPackage& p) { return names.count(p.name) > 0; }),
                 packages.end());
  for (auto& p : packages)
    p.dependencies.erase(std::remove_if(p.dependencies.begin(), p.dependencies.end(),
                                        [&](const lock::LockedDependency& d) { return names.count(d.name) > 0; }),
                         p.dependencies.end());
}

LockText lock_text(const ResolveInputs& in, const dist::Resolution& resolution, const Target& target,
                   const PipOptions& options, const std::string& lock_path, const std::set<std::string>& no_emit) {
  lock::LockWriteResult r = lock::lock_from_resolution(resolution, lock_write_options(in, target, options, lock_path));
  drop_packages(r.lock, no_emit);
  return {r.lock.to_toml(), std::move(r.unhashed)};
}

lock::LockInstall read_lock(const std::string& path, const std::string& text, const PipOptions& options,
                            const Target& target, dist::BuildContext* build) {
  lock::Pylock lock = lock::Pylock::parse(text, path);
  lock::LockTarget lt;
  lt.markers = target.markers;
  spec::SupportedTags tags = spec::SupportedTags::for_environment(target.tags);
  lt.tags = &tags;
  lt.python = target.python;
  const config::Settings& S = *options.settings;
  lt.extras = S.get_list("extra");
  lt.all_extras = S.flag("all-extras");
  lt.groups = S.get_list("group");
  // A lock with [packages.variants-json] ranks its variant wheels for this machine (the lock was made
  // with --variants, so the switch is not needed again); detection runs only for such a lock.
  VariantSettings variants = variant_settings(S);
  lt.variant_user = variants.user;
  lt.variant_label = variants.enabled ? variants.label : std::string();
  lt.variant_native = [&target] { return native_variant_properties(target); };
  for (auto n : torch::cuda_consistency_packages()) lt.variant_family.insert(std::string(n));
  lock::LockInstall out = lock::lock_install(lock, path, lt);
  for (const auto& name : out.versionless) {
    auto it = std::find_if(out.resolution.packages.begin(), out.resolution.packages.end(),
                           [&](const dist::ResolvedDist& d) { return d.name() == name; });
    if (it == out.resolution.packages.end()) continue;
    if (!build) dist::BuildOptions{}.require_source_allowed(name, it->dist.describe());
    it->dist = build->pin(it->dist);
    it->metadata_raw = build->metadata(it->dist);
    spec::CoreMetadata md = spec::CoreMetadata::parse(it->metadata_raw);
    if (spec::normalize_name(md.name) != name)
      throw util::Error(util::ErrorKind::Usage, path + ": package `" + name + "` is locked as " + it->dist.describe() +
                                                    ", whose metadata names " + md.name);
    it->version = md.version;
    it->dist.version = md.version;
  }

  // [tool.ptinstall]: say when a locked PyTorch build comes from an index this machine would not
  // select (--torch-backend as given now, else auto): "made for cu128; this machine selects cpu".
  if (lock.torch && !lock.torch->indexes.empty()) {
    std::vector<std::string> locked;  // the locked packages' PyTorch indexes
    for (const auto& p : out.resolution.packages) {
      std::string index = trim_slash(util::redact_url(p.dist.index_url()));
      if (std::find(lock.torch->indexes.begin(), lock.torch->indexes.end(), index) != lock.torch->indexes.end() &&
          std::find(locked.begin(), locked.end(), index) == locked.end())
        locked.push_back(index);
    }
    config::Settings s = S;
    if (!options.torch_backend) s.set("torch-backend", {{"auto"}, config::Source::CommandLine, "pylock.toml"});
    try {
      TorchRouting now = locked.empty() ? TorchRouting{} : torch_routing(s, target);
      std::vector<std::string> here;
      for (const auto& u : now.urls) here.push_back(trim_slash(util::redact_url(u)));
      auto last = [](const std::string& u) { return u.substr(u.rfind('/') + 1); };
      // Compared by backend (the last path segment), so that a mirror of the PyTorch index counts as it.
      std::vector<std::string> here_backends;
      for (const auto& u : here) here_backends.push_back(last(u));
      for (const auto& index : locked) {
        if (!now.active || here.empty() ||
            std::find(here_backends.begin(), here_backends.end(), last(index)) != here_backends.end())
          continue;
        util::log::warn("this lock was made for " + last(index) + " (--torch-backend " + lock.torch->backend +
                        (lock.torch->accelerator.empty() ? "" : ", " + lock.torch->accelerator) +
                        "); this machine selects " + last(here.front()) + " (--torch-backend " + now.backend +
                        (now.accelerator ? ", " + now.accelerator_record() : "") + "); installing the locked files");
        break;
      }
    } catch (const util::Error& e) {
      util::log::debug(std::string("torch backend check of the lock skipped: ") + e.what());
    }
  }
  return out;
}

bool relocate_missing_file(dist::Resolution& resolution, Services& services, const util::Error& failure) {
  const std::string message = failure.what();
  const std::string prefix = "failed to fetch ", suffix = ": HTTP 404";
  auto end = message.find(suffix);
  if (failure.kind() != util::ErrorKind::Network || message.rfind(prefix, 0) != 0 || end == std::string::npos)
    return false;
  const std::string failed = message.substr(prefix.size(), end - prefix.size());
  for (auto& rd : resolution.packages) {
    auto* wheel = std::get_if<dist::RegistryWheel>(&rd.dist.source);
    auto* sdist = std::get_if<dist::RegistrySdist>(&rd.dist.source);
    index::IndexFile* file = wheel ? &wheel->file : sdist ? &sdist->file : nullptr;
    if (!file || file->index_url.empty() || util::redact_url(file->url) != failed) continue;
    std::string page_url = index::IndexSet::project_url(file->index_url, rd.name());
    util::log::warn(util::redact_url(file->url) + " is gone (HTTP 404); looking for " + file->filename + " on " +
                    util::redact_url(page_url));
    net::Request req{page_url};
    req.headers = {{"Accept", "application/vnd.pypi.simple.v1+json, text/html;q=0.1"}};
    net::Response r = services.client().get(req);
    net::raise_for_status(r, page_url);
    index::ProjectPage page = index::parse_project_page(r.body, r.header("content-type").value_or("text/html"),
                                                         r.effective_url.empty() ? page_url : r.effective_url, rd.name());
    for (const auto& f : page.files) {
      if (f.filename != file->filename || f.url == file->url) continue;
      file->url = f.url;
      return true;
    }
    throw util::Error(util::ErrorKind::Network, failure.what(),
                      "the lock's index " + util::redact_url(file->index_url) + " no longer lists " + file->filename +
                          "; lock again");
  }
  return false;
}

}  // namespace ptinstall::ops
