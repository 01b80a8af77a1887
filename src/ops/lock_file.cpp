#include "ptinstall/ops/lock_file.hpp"

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

  // [tool.ptinstall]: say when this machine would select another PyTorch index than the lock's.
  if (lock.torch && !lock.torch->indexes.empty() && (lock.torch->backend == "auto" || options.torch_backend)) {
    config::Settings s = S;
    if (!options.torch_backend) s.set("torch-backend", {{"auto"}, config::Source::CommandLine, "pylock.toml"});
    try {
      TorchRouting now = torch_routing(s, target);
      if (now.active && !now.urls.empty() &&
          trim_slash(util::redact_url(now.urls.front())) != trim_slash(lock.torch->indexes.front())) {
        std::string locked = lock.torch->indexes.front(), here = util::redact_url(trim_slash(now.urls.front()));
        util::log::warn("this lock was made for " + locked.substr(locked.rfind('/') + 1) + " (--torch-backend " +
                        lock.torch->backend + (lock.torch->accelerator.empty() ? "" : ", " + lock.torch->accelerator) +
                        "); this machine selects " + here.substr(here.rfind('/') + 1) +
                        "; installing the locked files");
      }
    } catch (const util::Error& e) {
      util::log::debug(std::string("torch backend check of the lock skipped: ") + e.what());
    }
  }
  return out;
}

}  // namespace ptinstall::ops
