#include "ptinstall/ops/lock_file.hpp"

#include <algorithm>
#include <filesystem>

#include "ptinstall/config/toml_input.hpp"
#include "ptinstall/lock/lock_writer.hpp"
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

LockText lock_text(const ResolveInputs& in, const dist::Resolution& resolution, const Target& target,
                   const PipOptions& options, const std::string& lock_path) {
  lock::LockWriteOptions w;
  w.environments.push_back(environment_marker(target));
  if (in.project && in.project->project.requires_python_text) w.requires_python = in.project->project.requires_python_text;
  w.created_by = "ptinstall " PTINSTALL_VERSION;
  w.lock_path = lock_path;
  TorchRouting routing = torch_routing(*options.settings, target);
  if (routing.active) {
    lock::TorchRecord t;
    t.backend = routing.backend;
    t.accelerator = routing.accelerator;
    for (const auto& u : routing.urls) t.indexes.push_back(util::redact_url(trim_slash(u)));
    w.torch = std::move(t);
  }
  lock::LockWriteResult r = lock::lock_from_resolution(resolution, w);
  return {r.lock.to_toml(), std::move(r.unhashed)};
}

lock::LockInstall read_lock(const std::string& path, const std::string& text, const PipOptions& options,
                            const Target& target) {
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
  lock::LockInstall out = lock::lock_install(lock, path, lt);

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
                        (now.accelerator.empty() ? "" : ", " + now.accelerator) + "); installing the locked files");
        break;
      }
    } catch (const util::Error& e) {
      util::log::debug(std::string("torch backend check of the lock skipped: ") + e.what());
    }
  }
  return out;
}

}  // namespace ptinstall::ops
