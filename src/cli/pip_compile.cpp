// `ptinstall pip compile`: requirements in (requirements.in/.txt files, a pyproject.toml), a pinned
// requirements.txt out (stdout or -o FILE) with uv's / pip-tools' annotations, optional --hash lines
// and, with --torch-backend, the PyTorch index written into the file so that it installs the same
// builds without the flag.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "command.hpp"
#include "environment.hpp"
#include "install_support.hpp"
#include "ptinstall/install/compile_output.hpp"
#include "ptinstall/python/discovery.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"
#include "resolve_flow.hpp"

namespace ptinstall::cli {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// The interpreter whose markers and tags the compilation targets: --python, else the active or
// nearest environment, else the first python3 on PATH (compile changes nothing, so no venv is needed).
python::InterpreterInfo compile_interpreter(const Invocation& inv) {
  auto ctx = discovery_context(inv);
  if (auto p = inv.settings.get("python"); p && !p->empty())
    return python::find_interpreter(python::parse_python_request(*p), ctx, true).interpreter;
  try {
    python::DiscoveryRequest request;
    request.system = inv.settings.flag("system");
    return python::find_environment(request, ctx).interpreter;
  } catch (const util::Error& e) {
    util::log::debug(std::string("no environment (") + e.what() + "); using the first python3 on PATH");
    return python::find_system_interpreter(ctx, true).interpreter;
  }
}

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

// The strongest hash an index gives for a file, as "algo:hex"; nullopt without one pip accepts.
std::optional<std::string> file_hash(const index::IndexFile& f) {
  for (const char* algo : {"sha256", "sha384", "sha512"})
    if (auto it = f.hashes.find(algo); it != f.hashes.end() && !it->second.empty())
      return std::string(algo) + ":" + util::to_lower(it->second);
  return std::nullopt;
}

// sha256 of a file the index gave no hash for: from the wheel on disk, else streamed from the URL.
std::string compute_sha256(const resolve::ChosenFile& cf, net::HttpClient& client) {
  if (cf.wheel_path) return util::sha256_file(*cf.wheel_path).hex();
  util::Sha256 h;
  net::StreamHandler handler;
  handler.on_chunk = [&](std::string_view chunk) { h.update(chunk); };
  handler.on_reset = [&] { h = util::Sha256(); };
  net::Request req;
  req.url = cf.file.url;
  req.decompress = false;
  net::Response r = client.fetch_streaming(req, handler);
  net::raise_for_status(r, cf.file.url);
  return h.hex();
}

}  // namespace

int run_pip_compile(Invocation& inv) {
  const auto start = Clock::now();
  const auto& S = inv.settings;
  if (inv.args.empty() && S.get_list("requirement").empty())
    throw util::Error("no requirements to compile", "give requirements files: ptinstall pip compile requirements.in", 2);
  for (const auto& nb : S.get_list("no-binary"))
    throw util::Error("--no-binary " + nb + " would need building from source",
                      "ptinstall installs wheels only (sdists are never built)", 2);

  const python::InterpreterInfo interpreter = compile_interpreter(inv);
  const Target target = make_target(S, interpreter);
  ResolveInputs in = read_resolve_inputs(inv, Positionals::Files, target.markers);
  const std::optional<std::string> output = S.get("output-file");

  // Versions pinned by an existing output file are kept where they still fit (like uv and
  // pip-compile), unless --upgrade (or --upgrade-package NAME for that package).
  ResolveOptions ropts;
  if (output && !output->empty() && !S.flag("upgrade")) {
    std::error_code ec;
    if (fs::is_regular_file(*output, ec)) {
      try {
        config::RequirementsFile previous;
        config::read_requirements_file(*output, previous);
        for (const auto& line : previous.requirements) {
          if (!line.requirement || line.requirement->specifier.specifiers().size() != 1) continue;
          const auto& spec0 = line.requirement->specifier.specifiers().front();
          if (spec0.op() != spec::Operator::Equal || spec0.is_wildcard()) continue;
          install::InstalledDist d;
          d.name = line.requirement->name;
          d.normalized = line.requirement->package.str();
          d.version = spec0.version().to_string();
          ropts.installed.push_back(std::move(d));
        }
      } catch (const util::Error& e) {
        util::log::warn("ignoring the pins of " + *output + ": " + e.what());
      }
    }
  }

  install::Cache cache = open_cache(inv);
  ResolveSession session = resolve_requirements(inv, in, target, cache, ropts, start);

  // Where each pin comes from: the files and projects that name it, then the packages that depend on it.
  std::map<std::string, std::vector<std::string>> via;
  auto base_of = [](const std::string& name) { return std::string(resolve::split_package(name).base); };
  for (std::size_t i = 0; i < in.requirements.size(); ++i)
    if (!in.requirement_origins[i].empty()) via[in.requirements[i].package.str()].push_back(in.requirement_origins[i]);
  for (std::size_t i = 0; i < in.constraints.size(); ++i)
    via[in.constraints[i].package.str()].push_back(in.constraint_origins[i]);
  for (std::size_t i = 0; i < in.overrides.size(); ++i)
    via[in.overrides[i].package.str()].push_back(in.override_origins[i]);
  for (const auto& p : session.resolution.packages) {
    if (resolve::is_system_package(p.name)) continue;
    std::string parent = base_of(p.name);
    for (const auto& d : p.dependencies) {
      std::string child = base_of(d);
      if (child == parent || resolve::is_system_package(d)) continue;
      via[child].push_back(parent);
    }
  }

  const bool hashes = S.flag("generate-hashes");
  std::vector<install::CompiledPin> pins;
  std::vector<std::string> routed_pages;  // project pages of the pins routed to a PyTorch index
  std::vector<std::string> missing_hashes;
  for (const auto& name : session.real) {
    const resolve::ChosenFile& cf = session.chosen.at(name);
    install::CompiledPin pin;
    pin.name = name;
    pin.version = cf.version.to_string();
    if (cf.direct) pin.url = cf.file.url;
    if (auto it = via.find(name); it != via.end()) pin.via = it->second;
    if (session.routing.active &&
        std::find(session.routing.urls.begin(), session.routing.urls.end(), cf.file.index_url) != session.routing.urls.end()) {
      pin.from_index = cf.file.index_url;
      routed_pages.push_back(index::IndexSet::project_url(cf.file.index_url, name));
    }
    if (hashes) {
      // Every file of this version on the index it came from (all platforms and Python versions, as
      // uv and pip-compile write them); a file without an index hash is hashed here only when it is
      // the chosen one.
      bool chosen_hashed = false;
      std::size_t unhashed = 0;
      if (!cf.direct) {
        index::Candidates c = session.indexes->candidates(name);
        auto consider = [&](const index::IndexFile& f) {
          if (!f.version || *f.version != cf.version || f.index_url != cf.file.index_url) return;
          if (auto h = file_hash(f)) {
            pin.hashes.push_back(*h);
            if (f.url == cf.file.url) chosen_hashed = true;
          } else if (f.url != cf.file.url) {
            ++unhashed;
          }
        };
        for (const auto& f : c.files) consider(f.file);
        for (const auto& s : c.skipped)
          if (s.reason != index::SkipReason::Shadowed) consider(s.file);
      } else if (auto h = file_hash(cf.file)) {
        pin.hashes.push_back(*h);
        chosen_hashed = true;
      }
      if (!chosen_hashed) {
        util::log::debug("computing the sha256 of " + cf.file.filename + " (the index gives none)");
        pin.hashes.push_back("sha256:" + compute_sha256(cf, *session.client));
      }
      if (unhashed > 0)
        missing_hashes.push_back(name + "==" + pin.version + " (" + std::to_string(unhashed) +
                                 (unhashed == 1 ? " file" : " files") + ")");
    }
    pins.push_back(std::move(pin));
  }
  if (!missing_hashes.empty())
    util::log::warn("the index gives no hash for some files of " + util::join(missing_hashes, ", ") +
                    "; only the files for this target are hashed, so --require-hashes installs elsewhere may fail");

  install::CompileOutputOptions wopts;
  if (!S.flag("no-header")) {
    if (auto custom = S.get("custom-compile-command"); custom && !custom->empty()) wopts.command = {*custom};
    else wopts.command = header_command(inv);
  }
  wopts.annotate = !S.flag("no-annotate");
  wopts.hashes = hashes;
  // The routed pins' pages as --find-links, not the PyTorch index as --extra-index-url: that index
  // also serves common packages (numpy, jinja2, nvidia-*, ...) in old versions, and an installer
  // that takes each package from the first index that has it (uv, ptinstall) would then miss the
  // newer pins taken from the user's indexes. Find-links pages add files for these projects only.
  wopts.find_links = routed_pages;
  std::string text = install::write_compiled_requirements(std::move(pins), wopts);
  if (output && !output->empty() && *output != "-") {
    util::write_file_atomic(*output, text);
  } else {
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace ptinstall::cli
