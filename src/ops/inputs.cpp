#include "ptinstall/ops/inputs.hpp"

#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>

#include "ptinstall/config/toml_input.hpp"
#include "ptinstall/dist/build_options.hpp"
#include "ptinstall/dist/dist.hpp"
#include "ptinstall/index/find_links.hpp"
#include "ptinstall/net/http_cache.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/ops/services.hpp"
#include "ptinstall/spec/metadata.hpp"
#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/thread_pool.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::ops {
namespace {

namespace fs = std::filesystem;

bool is_toml(const std::string& path) {
  return path.size() >= 5 && util::to_lower(path.substr(path.size() - 5)) == ".toml";
}

// A path as the user would write it: relative to the working directory when below it.
std::string display_path(const std::string& path) {
  std::error_code ec;
  fs::path p(path);
  if (p.is_relative()) return p.lexically_normal().string();
  fs::path rel = p.lexically_relative(fs::current_path(ec));
  if (!ec && !rel.empty() && *rel.begin() != "..") return rel.string();
  return path;
}

bool is_remote(const std::string& path) {
  return util::starts_with_icase(path, "http://") || util::starts_with_icase(path, "https://") ||
         util::starts_with_icase(path, "file://");
}

}  // namespace

spec::Requirement location_requirement(const config::RequirementLine& line, dist::BuildContext* build) {
  const std::string& location = *line.location;
  const std::string& origin = line.file;
  std::string url = location;
  if (location.find("://") == std::string::npos) {
    fs::path p(location);
    std::error_code ec;
    bool wheel_name = util::to_lower(p.extension().string()) == ".whl";
    if (!fs::exists(p, ec))
      throw util::Error(util::ErrorKind::Io,
                        (wheel_name ? "wheel file " : "") + location + " does not exist" +
                            (origin.empty() ? "" : " (" + origin + ")"),
                        "check the path");
    url = index::file_url(p);
  }
  dist::Dist d = dist::from_direct_reference("", url, line.editable);
  const bool tree = std::holds_alternative<dist::LocalPath>(d.source) &&
                    std::get<dist::LocalPath>(d.source).kind == dist::PathKind::Tree;
  if (line.editable && !tree && !std::holds_alternative<dist::Git>(d.source))
    throw util::Error(util::ErrorKind::Usage, "-e " + util::redact_url(location) + ": an editable install needs a project directory or a git URL",
                      "give the directory that holds pyproject.toml or setup.py, or -e git+https://host/repo.git#egg=name");
  std::string extras = line.extras.empty() ? "" : "[" + util::join(line.extras, ",") + "]";
  if (d.is_wheel()) return spec::Requirement::parse(d.name + extras + " @ " + url);
  // A source distribution: the one rule decides whether it may be built, and its metadata names it.
  if (!build) dist::BuildOptions{}.require_source_allowed(d.name, d.filename().empty() ? location : d.filename());
  build->build_options().require_source_allowed(d.name, d.filename().empty() ? location : d.filename());
  d = build->pin(d);
  std::string name = spec::normalize_name(spec::CoreMetadata::parse(build->metadata(d)).name);
  // `#egg=name` (pip's legacy fragment) names the project before it is built: it must be this one.
  if (!d.name.empty() && d.name != name)
    throw util::Error(util::ErrorKind::Build, util::redact_url(location) + " names the project `" + d.name +
                                                  "`, but its metadata says `" + name + "`",
                      "correct #egg= (or drop it: the name comes from the built metadata)");
  return spec::Requirement::parse(name + extras + " @ " + url);
}

ResolveInputs read_inputs(const PipOptions& options, const std::vector<std::string>& args, Positionals positionals,
                          const spec::MarkerEnvironment& markers, dist::BuildContext* build, Services* services) {
  ResolveInputs in;
  config::UrlReader fetch;
  if (services)
    fetch = [services](const std::string& url) {
      net::Request req;
      req.url = url;
      net::Response r = services->http_cache().get(req);
      net::raise_for_status(r, url);
      return r.body;
    };
  auto take = [&](const config::RequirementLine& line, const std::string& origin, spec::Requirement req) {
    if (line.editable && req.url) in.editable_urls.insert(*req.url);
    if (!line.hashes.empty()) {
      auto& h = in.hashes[req.package.str()];
      h.insert(h.end(), line.hashes.begin(), line.hashes.end());
    }
    in.requirements.push_back(std::move(req));
    in.requirement_origins.push_back(origin);
  };
  // Lines that name paths or URLs get their project's name from its metadata: a clone, a download or
  // a backend run each, so they are asked all at once, then taken in order.
  auto take_all = [&](const std::vector<config::RequirementLine>& lines, const std::vector<std::string>& origins) {
    std::vector<std::optional<spec::Requirement>> reqs(lines.size());
    std::size_t located = 0;
    for (const auto& l : lines) located += l.requirement ? 0 : 1;
    std::unique_ptr<util::ThreadPool> pool;
    if (located > 1) pool = std::make_unique<util::ThreadPool>(std::min<std::size_t>(located, 16));
    util::parallel_for(pool.get(), lines.size(), [&](std::size_t i) {
      reqs[i] = lines[i].requirement ? *lines[i].requirement : location_requirement(lines[i], build);
    });
    for (std::size_t i = 0; i < lines.size(); ++i) take(lines[i], origins[i], std::move(*reqs[i]));
  };
  auto read_project = [&](const std::string& path) {
    if (in.project)
      throw util::Error(util::ErrorKind::Usage,
                        "more than one pyproject.toml (" + in.project->project.path.string() + ", " + path + ")",
                        "give one project at a time");
    config::Pyproject pp = config::Pyproject::read(path);
    if (pp.dynamic_dependencies) {
      // Dependencies the backend computes: its metadata (static where possible, else
      // prepare_metadata_for_build_wheel) is the list; extras come from its Provides-Extra, and the
      // `extra == "x"` markers are evaluated below with the selected extras.
      dist::Dist project = dist::from_path(fs::absolute(path).parent_path(), {});
      if (!build) dist::BuildOptions{}.require_source_allowed("", project.describe());
      auto md = spec::CoreMetadata::parse(build->metadata(project));
      pp.dependencies.clear();
      for (const auto& raw : md.requires_dist) pp.dependencies.push_back(spec::Requirement::parse(raw));
      for (const auto& extra : md.provides_extra) pp.optional_dependencies[extra];
    }
    in.project = config::select_project(std::move(pp), *options.settings);
    const auto& pr = *in.project;
    std::string origin = (pr.project.name ? *pr.project.name + " " : "") + "(" + display_path(path) + ")";
    for (const auto& r : pr.requirements) {
      if (!r.applies(markers, pr.selection.extras)) continue;
      spec::Requirement req = r;
      req.marker = spec::Marker();  // decided here, with the selected extras
      in.requirements.push_back(std::move(req));
      in.requirement_origins.push_back(origin);
    }
  };
  std::vector<std::string> files;
  if (positionals == Positionals::Requirements) {
    std::vector<config::RequirementLine> lines;
    for (const auto& arg : args) lines.push_back(config::parse_requirement_argument(arg, ""));
    for (const auto& path : options.editables) {
      config::RequirementLine line = config::parse_requirement_argument(path, "");
      if (!line.location) line.location = path;  // `-e proj`: a directory even without ./
      line.requirement.reset();
      line.editable = true;
      lines.push_back(std::move(line));
    }
    take_all(lines, std::vector<std::string>(lines.size()));
  } else {
    files = args;
  }
  for (const auto& path : options.requirement_files) files.push_back(path);
  config::RequirementsFile rf;
  bool stdin_read = false;
  for (const auto& path : files) {
    if (is_toml(path) && is_remote(path)) {
      // `-r https://host/pylock.toml`: a lock is read from a URL (through the HTTP cache); a project is not.
      if (!fetch) throw util::Error(util::ErrorKind::Usage, path + ": a .toml file from a URL cannot be read here");
      std::string text = fetch(path);
      std::string bare = path.substr(0, path.find_first_of("?#"));
      if (config::classify_toml_text(text, bare.substr(bare.rfind('/') + 1), util::redact_url(path)) !=
          config::TomlInput::Pylock)
        throw util::Error(util::ErrorKind::Usage, util::redact_url(path) + ": a pyproject.toml is read from a local path only",
                          "download the project, or give a pylock.toml URL");
      if (in.pylock)
        throw util::Error(util::ErrorKind::Usage, "more than one lock file (" + *in.pylock + ", " + util::redact_url(path) + ")",
                          "install one pylock.toml at a time");
      in.pylock = path;
      in.pylock_text = std::move(text);
      continue;
    }
    if (is_toml(path)) {
      if (config::classify_toml_input(path) == config::TomlInput::Pylock) {
        if (in.pylock)
          throw util::Error(util::ErrorKind::Usage, "more than one lock file (" + *in.pylock + ", " + path + ")",
                            "install one pylock.toml at a time");
        in.pylock = path;
      } else {
        read_project(path);
      }
      continue;
    }
    if (path == "-") {
      // `pip compile -` / `-r -` (uv): the requirements come from standard input, paths in them relative
      // to the working directory; read once.
      if (stdin_read)
        throw util::Error(util::ErrorKind::Usage, "standard input (-) is given twice", "give `-` once");
      stdin_read = true;
      std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
      config::parse_requirements_text(text, "-", rf, false, nullptr);
      continue;
    }
    std::error_code ec;
    if (positionals == Positionals::Files && !is_remote(path) && !fs::exists(path, ec))
      throw util::Error(util::ErrorKind::Usage, "file " + path + " does not exist",
                        "give requirements files (requirements.in) or a pyproject.toml");
    config::read_requirements_file(path, rf, false, nullptr, fetch);
  }
  for (const auto& path : options.constraint_files) config::read_requirements_file(path, rf, true, nullptr, fetch);
  if (build && (!rf.no_binary.empty() || !rf.only_binary.empty())) build->add_file_options(rf.no_binary, rf.only_binary);
  {
    std::vector<std::string> origins;
    for (const auto& line : rf.requirements) origins.push_back("-r " + display_path(line.file));
    take_all(rf.requirements, origins);
  }
  for (const auto& line : rf.constraints) {
    if (!line.requirement) throw util::Error(line.file + ": a constraint must name a package, not a file");
    in.constraints.push_back(*line.requirement);
    in.constraint_origins.push_back("-c " + display_path(line.file));
  }
  rf.requirements.clear();
  rf.constraints.clear();
  in.file = std::move(rf);
  for (const auto& path : options.override_files) {
    config::RequirementsFile of;
    config::read_requirements_file(path, of, false, nullptr, fetch);
    for (const auto& line : of.requirements) {
      if (!line.requirement) throw util::Error(line.file + ": an override must name a package, not a file");
      in.overrides.push_back(*line.requirement);
      in.override_origins.push_back("--override " + display_path(line.file));
    }
  }
  // uv's --verify-hashes: the first --hash does not switch on pip's hash-checking mode (true), or the
  // files' hashes are not checked at all (false); a --require-hashes flag or line keeps pip's mode.
  if (options.verify_hashes && !options.require_hashes && !in.file.require_hashes_line) {
    in.file.require_hashes = false;
    if (!*options.verify_hashes) in.hashes.clear();
  }
  for (const auto& [r, origin] : options.override_dependencies) {
    in.overrides.push_back(r);
    in.override_origins.push_back(origin);
  }
  for (const auto& [r, origin] : options.constraint_dependencies) {
    in.constraints.push_back(r);
    in.constraint_origins.push_back(origin);
  }
  for (const auto& path : options.exclude_files) {
    config::RequirementsFile ef;
    config::read_requirements_file(path, ef, false, nullptr, fetch);
    for (const auto& line : ef.requirements) {
      if (!line.requirement) throw util::Error(line.file + ": an exclusion must name a package, not a file");
      in.excludes.insert(line.requirement->package.str());
    }
  }
  return in;
}

}  // namespace ptinstall::ops
