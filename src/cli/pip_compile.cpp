// `ptinstall pip compile`: requirements in (requirements.in/.txt files, a pyproject.toml), a pinned
// requirements.txt out (stdout or -o FILE) with uv's / pip-tools' annotations, optional --hash lines
// and, with --torch-backend, the PyTorch index written into the file so that it installs the same
// builds without the flag.
#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "command.hpp"
#include "environment.hpp"
#include "install_support.hpp"
#include "ptinstall/install/compile_output.hpp"
#include "ptinstall/ops/build_dispatch.hpp"
#include "ptinstall/ops/compile.hpp"
#include "ptinstall/ops/lock_file.hpp"
#include "ptinstall/ops/lock_forks.hpp"
#include "ptinstall/ops/resolver.hpp"
#include "ptinstall/python/discovery.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/progress.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::cli {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// The command for the header, without the options that do not change the result.
std::vector<std::string> header_command(const Invocation& inv) {
  static const std::set<std::string> drop_flag = {"-q", "--quiet", "-v", "--verbose", "--no-progress", "-n",
                                                  "--no-cache", "--no-cache-dir", "--offline", "--refresh"};
  static const std::set<std::string> drop_value = {"--color", "--cache-dir"};
  std::vector<std::string> out = {"ptinstall"};
  const auto& words = inv.command_line;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    std::string flag = w.substr(0, w.find('='));
    if (drop_flag.count(w)) continue;
    if (w.size() > 2 && w[0] == '-' && w[1] != '-' && w.find_first_not_of("qv", 1) == std::string::npos) continue;  // -qq, -vv
    if (drop_value.count(flag)) {
      if (flag == w) ++i;  // the value is the next word
      continue;
    }
    out.push_back(install::quote_command_word(w));
  }
  return out;
}

}  // namespace

// `pip compile` (requirements files in) and `pip lock` (requirements in, like pip install; a
// pylock.toml out, by default ./pylock.toml).
static int compile_flow(Invocation& inv, bool lock_command) {
  const auto start = Clock::now();
  const auto& S = inv.settings;
  const ops::PipOptions opts = ops::pip_options(S, inv.config_files);
  if (inv.args.empty() && opts.requirement_files.empty() && (!lock_command || opts.editables.empty()))
    throw lock_command ? util::Error(util::ErrorKind::Usage, "no requirements to lock",
                                     "give requirements: ptinstall pip lock -r requirements.in (or names, or -e .)")
                       : util::Error(util::ErrorKind::Usage, "no requirements to compile",
                                     "give requirements files: ptinstall pip compile requirements.in");
  if (!lock_command && !opts.editables.empty())
    throw util::Error(util::ErrorKind::Usage, "pip compile takes no -e",
                      "write `-e ./proj` into the requirements file, or use pip lock -e ./proj");
  python::EnvironmentOptions eo;
  eo.modify = false;  // compile changes nothing: only the interpreter's facts are read
  const python::Environment env = python::Environment::open(resolving_interpreter(inv), eo);
  const ops::Target target = ops::make_target(opts, env.interpreter());
  ops::Services services(opts, open_cache(inv));
  ops::BuildDispatch build(opts);
  build.attach(services, env);
  const ops::Positionals positionals = lock_command ? ops::Positionals::Requirements : ops::Positionals::Files;
  std::optional<std::string> output = S.get("output-file");
  if (lock_command && (!output || output->empty())) output = "pylock.toml";
  const bool pylock = lock_command || ops::writes_pylock(opts, S.get("output-format"), output);
  if (lock_command && S.get("output-format") && *S.get("output-format") != "pylock.toml")
    throw util::Error(util::ErrorKind::Usage, "pip lock writes pylock.toml only", "use pip compile for requirements.txt");
  auto write_output = [&](const std::string& text) {
    if (output && !output->empty() && *output != "-") {
      util::write_file_atomic(*output, text);
    } else {
      std::fputs(text.c_str(), stdout);
      std::fflush(stdout);
    }
  };
  auto warn_unhashed = [](const std::vector<std::string>& unhashed) {
    if (!unhashed.empty())
      util::log::warn("the index gives no hash for some files of " + util::join(unhashed, ", ") +
                      "; they are left out of the lock (its files for this target are all there, hashed)");
  };
  // On a terminal: "Hashing 2/5 wheels, 1.2 GB downloaded" while wheels without an index hash are
  // downloaded to be hashed (gone afterwards).
  util::ProgressLine progress(util::progress_wanted(
      opts.no_progress, !util::log::enabled(util::log::Level::Info), util::log::enabled(util::log::Level::Debug)));
  std::function<void(std::size_t, std::size_t, std::uint64_t)> hash_progress;
  if (progress.enabled())
    hash_progress = [&progress, last = std::make_shared<std::atomic<std::size_t>>(0)](
                        std::size_t done, std::size_t total, std::uint64_t bytes) {
      bool advanced = last->exchange(done) != done;
      progress.update("Hashing " + std::to_string(done) + "/" + std::to_string(total) + " wheels" +
                          (bytes ? ", " + util::format_bytes(bytes) + " downloaded" : std::string()),
                      advanced);
    };
  // A lock of a project's extras and groups: one lock for all of them, with markers.
  // The request both forms of a selection lock start from (pylock.toml and --universal requirements.txt).
  auto selection_request = [&] {
    ops::SelectionLockRequest sr;
    sr.settings = &S;
    sr.config_files = inv.config_files;
    sr.args = inv.args;
    sr.positionals = positionals;
    sr.target = &target;
    sr.on_hash_progress = hash_progress;
    sr.interpreter = &env.interpreter();
    return sr;
  };
  if (pylock) {
    // As uv: these shape requirements.txt output only.
    for (const char* key : {"emit-index-url", "emit-find-links", "emit-build-options", "emit-index-annotation",
                            "emit-marker-expression"})
      if (S.flag(key)) util::log::warn(std::string("--") + key + " has no effect on pylock.toml output");
  }
  // --no-emit-package (normalised, in the order given; uv's closing comment follows the lock too).
  std::vector<std::string> no_emit;
  for (const auto& name : S.get_list("no-emit-package")) no_emit.push_back(spec::normalize_name(name));
  const std::set<std::string> no_emit_set(no_emit.begin(), no_emit.end());
  if (pylock) {
    ops::SelectionLockRequest sr = selection_request();
    sr.lock_path = output && *output != "-" ? *output : "pylock.toml";
    sr.universal = S.flag("universal");
    sr.attestations = true;
    sr.no_emit = no_emit_set;
    if (output && !output->empty() && !opts.upgrade) sr.preferred = ops::previous_lock_pins(*output);
    auto selected = ops::lock_selections(services, build, sr);
    progress.clear();
    if (selected) {
      util::log::info("Resolved " + packages(selected->packages) + " in " + format_elapsed(Clock::now() - start) +
                      (selected->forks > 1 ? " (" + std::to_string(selected->forks) + " resolutions)" : ""));
      warn_unhashed(selected->lock.unhashed);
      std::set<std::string> present;
      for (const auto& pin : selected->pins) present.insert(pin.name);
      write_output(selected->lock.text + install::excluded_packages_comment(no_emit, present));
      return 0;
    }
  }
  // --universal requirements.txt: the same resolutions as the lock, each pin with its marker.
  // The requirements.txt text of pins.
  auto requirements_text = [&](std::vector<install::CompiledPin> pins, const std::vector<std::string>& routed_pages,
                               bool hashes, const ops::EmittedLocations& locations, std::string marker_expression) {
    install::CompileOutputOptions wopts;
    if (!S.flag("no-header")) {
      if (auto custom = S.get("custom-compile-command"); custom && !custom->empty()) wopts.command = {*custom};
      else wopts.command = header_command(inv);
    }
    wopts.annotate = !S.flag("no-annotate");
    wopts.annotation_style =
        S.get("annotation-style").value_or("split") == "line" ? install::AnnotationStyle::Line : install::AnnotationStyle::Split;
    wopts.index_annotation = S.flag("emit-index-annotation");
    wopts.extras = S.flag("no-strip-extras");
    wopts.hashes = hashes;
    wopts.marker_expression = std::move(marker_expression);
    wopts.no_emit = no_emit;
    if (S.flag("emit-index-url")) {
      wopts.index_url = locations.index_url;
      wopts.extra_index_urls = locations.extra_index_urls;
    }
    if (S.flag("emit-find-links")) wopts.find_links = locations.find_links;
    if (S.flag("emit-build-options")) {
      // uv's lines: the packages never taken as wheels, then those never built (each `:all:` or names).
      const dist::BuildOptions& bo = build.build_options();
      auto lines = [&](const dist::PackageSet& set, const std::string& option) {
        if (set.all()) wopts.build_options.push_back(option + " :all:");
        else
          for (const auto& name : set.names()) wopts.build_options.push_back(option + " " + name);
      };
      lines(bo.no_binary, "--no-binary");
      lines(bo.only_binary, "--only-binary");
    }
    // The routed pins' pages as --find-links, not the PyTorch index as --extra-index-url: that index
    // also serves common packages (numpy, jinja2, nvidia-*, ...) in old versions, and an installer
    // that takes each package from the first index that has it (uv, ptinstall) would then miss the
    // newer pins taken from the user's indexes. Find-links pages add files for these projects only.
    if (!S.flag("no-emit-options"))
      for (const auto& page : routed_pages)
        if (std::find(wopts.find_links.begin(), wopts.find_links.end(), page) == wopts.find_links.end())
          wopts.find_links.push_back(page);
    return install::write_compiled_requirements(std::move(pins), wopts);
  };
  if (S.flag("universal")) {
    ops::SelectionLockRequest sr = selection_request();
    sr.universal = true;
    sr.hashes = S.flag("generate-hashes");
    if (output && !output->empty() && !opts.upgrade) sr.preferred = ops::previous_pins(*output);
    std::optional<ops::SelectionLock> universal = ops::lock_selections(services, build, sr);
    progress.clear();
    util::log::info("Resolved " + packages(universal->packages) + " in " + format_elapsed(Clock::now() - start) +
                    (universal->forks > 1 ? " (" + std::to_string(universal->forks) + " resolutions)" : ""));
    if (!universal->missing_hashes.empty())
      util::log::warn("the index gives no hash for some files of " + util::join(universal->missing_hashes, ", ") +
                      "; only the files of the platforms resolved for are hashed");
    // uv writes no marker expression for a universal resolution (it holds for every environment).
    write_output(requirements_text(std::move(universal->pins), universal->routed_pages, sr.hashes,
                                   universal->locations, ""));
    return 0;
  }
  ops::ResolveInputs in = ops::read_inputs(opts, inv.args, positionals, target.markers, &build, &services);
  if (in.pylock)
    throw util::Error(util::ErrorKind::Usage, *in.pylock + " is a lock file, not requirements to compile",
                      "install it with ptinstall pip sync " + *in.pylock);

  ops::ResolveRequest request;
  request.inputs = &in;
  request.target = &target;
  // A lock always holds hashes: the index's, or computed from the file where it gives none.
  request.collect_hashes = pylock || S.flag("generate-hashes");
  request.collect_attestations = pylock;
  request.on_hash_progress = hash_progress;
  request.no_deps = opts.no_deps;  // only the requirements given (uv's --no-deps)
  // Versions pinned by an existing output file are kept where they still fit (like uv and
  // pip-compile), unless --upgrade (or --upgrade-package NAME for that package).
  if (output && !output->empty() && !opts.upgrade) request.preferred = pylock ? ops::previous_lock_pins(*output) : ops::previous_pins(*output);

  services.trust_hosts(in.file.trusted_hosts);
  ops::ResolveStats stats;
  const dist::Resolution resolution = ops::resolve(services, opts, request, build, &stats);
  progress.clear();
  for (const auto& w : stats.warnings) util::log::warn(w);
  util::log::info("Resolved " + packages(resolution.packages.size()) + " in " + format_elapsed(Clock::now() - start));
  if (pylock) {
    std::string path = output && *output != "-" ? *output : "pylock.toml";
    ops::LockText lt = ops::lock_text(in, resolution, target, opts, path, no_emit_set);
    warn_unhashed(lt.unhashed);
    std::set<std::string> present;
    for (const auto& p : resolution.packages) present.insert(p.name());
    write_output(lt.text + install::excluded_packages_comment(no_emit, present));
    return 0;
  }
  ops::CompiledResolution compiled = ops::compile_pins(in, resolution, request.collect_hashes);
  if (!compiled.missing_hashes.empty())
    util::log::warn("the index gives no hash for some files of " + util::join(compiled.missing_hashes, ", ") +
                    "; only the files for this target are hashed, so --require-hashes installs elsewhere may fail");

  if (S.flag("no-strip-markers")) {
    // Each pin with the marker it was needed under (a universal compile writes its own markers).
    const auto markers = ops::pin_markers(in, resolution, target.markers);
    for (auto& pin : compiled.pins)
      if (auto it = markers.find(pin.name); it != markers.end()) pin.marker = it->second;
  }
  write_output(requirements_text(
      std::move(compiled.pins), compiled.routed_pages, request.collect_hashes,
      ops::emitted_locations(ops::index_config_for(opts, in, target)),
      S.flag("emit-marker-expression") ? ops::marker_expression(in, resolution, target.markers) : std::string()));
  return 0;
}

int run_pip_compile(Invocation& inv) { return compile_flow(inv, false); }

int run_pip_lock(Invocation& inv) { return compile_flow(inv, true); }

}  // namespace ptinstall::cli
