// `ptinstall pip download -d DIR [PACKAGE...] [-r FILE]`: pip's command. Resolves like install, for the
// interpreter or the target that --python-version / --python-platform / --torch-backend name, and
// writes the chosen files into DIR and nothing else: `--no-index --find-links DIR` installs from them
// later, on a machine without a network.
#include <chrono>
#include <cstdio>

#include "command.hpp"
#include "environment.hpp"
#include "install_support.hpp"
#include "ptinstall/install/cache_maintenance.hpp"
#include "ptinstall/ops/build_dispatch.hpp"
#include "ptinstall/ops/download.hpp"
#include "ptinstall/ops/inputs.hpp"
#include "ptinstall/ops/resolver.hpp"
#include "ptinstall/ops/target.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::cli {

int run_pip_download(Invocation& inv) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto& S = inv.settings;
  const ops::PipOptions opts = ops::pip_options(S, inv.config_files);
  if (inv.args.empty() && opts.requirement_files.empty())
    throw util::Error(util::ErrorKind::Usage, "no packages to download",
                      "name packages or requirements files: ptinstall pip download -d DIR torch -r requirements.txt");
  const std::filesystem::path dest = std::filesystem::absolute(S.get_or("dest", "."));
  python::EnvironmentOptions eo;
  eo.modify = false;  // nothing is installed: only the interpreter's facts are read
  const python::Environment env = python::Environment::open(resolving_interpreter(inv), eo);
  const ops::Target target = ops::make_target(opts, env.interpreter());
  ops::Services services(opts, open_cache(inv));
  ops::BuildDispatch build(opts);
  build.attach(services, env);
  ops::ResolveInputs in = ops::read_inputs(opts, inv.args, ops::Positionals::Requirements, target.markers, &build);
  services.trust_hosts(in.file.trusted_hosts);

  ops::ResolveRequest request;
  request.inputs = &in;
  request.target = &target;
  request.no_deps = opts.no_deps;
  ops::ResolveStats stats;
  const dist::Resolution resolution = ops::resolve(services, opts, request, build, &stats);
  for (const auto& w : stats.warnings) util::log::warn(w);  // the --torch-backend override: files change
  util::log::info("Resolved " + packages(resolution.packages.size()) + " in " + format_elapsed(Clock::now() - start));

  const auto fetch_start = Clock::now();
  ops::DownloadResult result = ops::download_resolution(services, resolution, dest);
  std::uint64_t bytes = 0;
  std::vector<std::string> names;
  for (const auto& f : result.files) {
    util::log::info((f.existed ? "File was already downloaded " : "Saved ") + f.path.string());
    bytes += f.bytes;
    names.push_back(f.name);
  }
  for (const auto& s : result.skipped) util::log::warn("nothing to download for " + s + " (not a file)");
  util::log::info("Downloaded " + std::to_string(result.files.size()) +
                  (result.files.size() == 1 ? " file" : " files") + " (" + install::format_size(bytes) + ") to " +
                  dest.string() + " in " + format_elapsed(Clock::now() - fetch_start));
  return 0;
}

}  // namespace ptinstall::cli
