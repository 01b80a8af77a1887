#include "ptinstall/config/requirements_txt.hpp"

#include <cstdlib>
#include <set>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::config {
namespace fs = std::filesystem;
namespace {

struct Context {
  RequirementsFile& out;
  const EnvLookup& env;
  std::set<fs::path>& open_files;  // the chain of files being read, to report -r cycles
  const UrlReader* fetch = nullptr;
};

[[noreturn]] void fail(const std::string& where, const std::string& what, std::string hint = {}) {
  throw util::Error(where + ": " + what, std::move(hint));
}

// pip expands only ${NAME} with NAME of upper-case letters, digits and underscores, and leaves
// unset variables as written.
std::string expand_env(std::string_view line, const EnvLookup& env) {
  std::string out;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '$' && i + 1 < line.size() && line[i + 1] == '{') {
      size_t end = line.find('}', i + 2);
      if (end != std::string_view::npos) {
        std::string name(line.substr(i + 2, end - i - 2));
        bool valid = !name.empty();
        for (char c : name) valid = valid && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
        const char* value = valid ? (env ? env(name.c_str()) : std::getenv(name.c_str())) : nullptr;
        if (value) {
          out += value;
          i = end;
          continue;
        }
      }
    }
    out += line[i];
  }
  return out;
}

// A comment starts with `#` at the start of the line or after whitespace (so URL fragments survive).
std::string_view strip_comment(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) return line.substr(0, i);
  }
  return line;
}

bool is_url(std::string_view s) {
  for (std::string_view scheme : {"http://", "https://", "file://", "git+https://", "git+http://", "git+ssh://",
                                  "git+file://", "git+git://", "git://"})
    if (util::starts_with_icase(s, scheme)) return true;
  return false;
}

// Splits a line into whitespace-separated tokens.
std::vector<std::string> tokenize(std::string_view line) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) tokens.emplace_back(line.substr(start, i - start));
  }
  return tokens;
}

struct OptionSpec {
  const char* short_name;  // "-r" or nullptr
  const char* long_name;   // "--requirement"
  bool takes_value;
};

const OptionSpec kOptions[] = {
    {"-r", "--requirement", true},     {"-c", "--constraint", true},     {"-i", "--index-url", true},
    {nullptr, "--extra-index-url", true}, {"-f", "--find-links", true},  {nullptr, "--no-index", false},
    {nullptr, "--pre", false},         {nullptr, "--only-binary", true}, {nullptr, "--no-binary", true},
    {nullptr, "--require-hashes", false}, {nullptr, "--trusted-host", true}, {nullptr, "--hash", true},
    {nullptr, "--prefer-binary", false}, {"-e", "--editable", true},     {nullptr, "--use-feature", true},
    {nullptr, "--config-settings", true}, {nullptr, "--global-option", true},
};

struct ParsedOption {
  std::string name;  // long name
  std::string value;
};

// Parses the option tokens of one line (optparse style: --name=value, --name value, -x value, -xvalue).
std::vector<ParsedOption> parse_options(const std::vector<std::string>& tokens, size_t first, const std::string& where) {
  std::vector<ParsedOption> out;
  for (size_t i = first; i < tokens.size(); ++i) {
    const std::string& tok = tokens[i];
    const OptionSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    for (const auto& o : kOptions) {
      std::string_view t(tok);
      if (t == o.long_name) spec = &o;
      else if (o.takes_value && t.rfind(std::string(o.long_name) + "=", 0) == 0) {
        spec = &o;
        inline_value = tok.substr(std::string_view(o.long_name).size() + 1);
      } else if (o.short_name && t == o.short_name) spec = &o;
      else if (o.short_name && o.takes_value && t.size() > 2 && t.rfind(o.short_name, 0) == 0) {
        spec = &o;
        inline_value = tok.substr(2);
      }
      if (spec) break;
    }
    if (!spec) fail(where, "unknown option `" + tok + "`", "requirements files accept the options pip accepts in them");
    ParsedOption opt{spec->long_name, {}};
    if (spec->takes_value) {
      if (inline_value) opt.value = *inline_value;
      else if (i + 1 < tokens.size()) opt.value = tokens[++i];
      else fail(where, "option `" + tok + "` needs a value");
    }
    out.push_back(std::move(opt));
  }
  return out;
}

bool is_http_url(std::string_view s) {
  return util::starts_with_icase(s, "http://") || util::starts_with_icase(s, "https://");
}

// A file named inside `file`: relative to its folder, or to its URL for a file fetched from one.
fs::path relative_to(const fs::path& file, const std::string& target) {
  if (is_http_url(file.string()) && !is_url(target)) return fs::path(util::join_url(file.string(), target));
  fs::path p(target);
  if (p.is_absolute() || is_url(target)) return p;
  return file.parent_path() / p;
}

// A path of a requirements file line, absolute and without `.`/`..` or a trailing slash.
std::string absolute_location(const fs::path& file, const std::string& location) {
  // A path in a file fetched from a URL is taken relative to the working directory.
  fs::path p = is_http_url(file.string()) ? fs::path(location) : relative_to(file, location);
  std::string out = fs::absolute(p).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}


void read_file_into(const fs::path& path, Context& ctx, bool as_constraints, const std::string& named_from);

void add_line(RequirementsFile& out, RequirementLine req, bool as_constraints, const std::string& where) {
  if (out.requirements.size() + out.constraints.size() >= kMaxRequirementsLines) {
    fail(where, "more than " + std::to_string(kMaxRequirementsLines) + " requirements and constraints",
         "no real project needs this many: look for a generated file gone wrong");
  }
  (as_constraints ? out.constraints : out.requirements).push_back(std::move(req));
}

void parse_line(int line_no, const std::string& content, const fs::path& path, const std::string& shown, Context& ctx,
                bool as_constraints);

void parse_text(std::string_view text, const fs::path& path, Context& ctx, bool as_constraints) {
  // Join continuation lines (a trailing backslash), keeping the number of the first line, and
  // parse each logical line as soon as it is whole: nothing but the current line is held, so the
  // memory is the text plus one line however many lines there are.
  const std::string shown = is_http_url(path.string()) ? util::redact_url(path.string()) : path.string();
  int number = 0;
  std::string pending;
  int pending_line = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (pending.empty()) pending_line = number;
    if (pending.size() + line.size() > kMaxRequirementsLine) {
      fail(shown + " line " + std::to_string(pending_line),
           "line is longer than the " + std::to_string(kMaxRequirementsLine) + " bytes a requirements file line may have",
           "no real requirement is this long: look for a missing line break");
    }
    if (!line.empty() && line.back() == '\\' && strip_comment(line).size() == line.size()) {
      pending += line.substr(0, line.size() - 1);
      continue;
    }
    pending += line;
    parse_line(pending_line, pending, path, shown, ctx, as_constraints);
    pending.clear();
  }
  if (!pending.empty()) parse_line(pending_line, pending, path, shown, ctx, as_constraints);
}

void parse_line(int line_no, const std::string& content, const fs::path& path, const std::string& shown, Context& ctx,
                bool as_constraints) {
  RequirementsFile& out = ctx.out;
  std::string where = shown + " line " + std::to_string(line_no);
  std::string line(util::trim(expand_env(strip_comment(content), ctx.env)));
  if (line.empty()) return;
  auto tokens = tokenize(line);
  // Everything before the first option token is the requirement (it may contain spaces,
  // e.g. `name >= 1.0 ; python_version < "3.8"`).
  size_t first_option = tokens.size();
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].size() > 1 && tokens[i][0] == '-') {
      first_option = i;
      break;
    }
  }
  std::string req_text;
  if (first_option > 0) {
    // Cut the line just after the last requirement token.
    size_t cut = 0;
    for (size_t i = 0; i < first_option; ++i) cut = line.find(tokens[i], cut) + tokens[i].size();
    req_text = std::string(util::trim(std::string_view(line).substr(0, cut)));
  }
  auto options = parse_options(tokens, first_option, where);

  if (req_text.empty()) {
    for (const auto& opt : options) {
      const std::string& v = opt.value;
      if (opt.name == "--requirement") read_file_into(relative_to(path, v), ctx, as_constraints, where);
      else if (opt.name == "--constraint") read_file_into(relative_to(path, v), ctx, true, where);
      else if (opt.name == "--index-url") out.index_url = v;
      else if (opt.name == "--extra-index-url") out.extra_index_urls.push_back(v);
      else if (opt.name == "--find-links") out.find_links.push_back(is_url(v) ? v : relative_to(path, v).string());
      else if (opt.name == "--no-index") out.no_index = true;
      else if (opt.name == "--pre") out.pre = true;
      else if (opt.name == "--require-hashes") out.require_hashes = out.require_hashes_line = true;
      else if (opt.name == "--trusted-host") out.trusted_hosts.push_back(v);
      else if (opt.name == "--only-binary") out.only_binary.push_back(v);
      else if (opt.name == "--no-binary") out.no_binary.push_back(v);
      else if (opt.name == "--prefer-binary") out.prefer_binary = true;
      else if (opt.name == "--use-feature") continue;  // no effect here
      else if (opt.name == "--editable") {
        RequirementLine req = parse_requirement_argument(v, where);
        if (!req.location) fail(where, "-e needs a path or a URL, not `" + v + "`", "give the project's directory: -e ./proj");
        if (!is_url(*req.location)) req.location = absolute_location(path, *req.location);
        req.editable = true;
        req.file = shown;
        req.line = line_no;
        add_line(out, std::move(req), as_constraints, where);
      }
      else fail(where, "option `" + opt.name + "` must follow a requirement on the same line");
    }
    return;
  }

  RequirementLine req = parse_requirement_argument(req_text, where);
  req.file = shown;
  req.line = line_no;
  if (req.location && !is_url(*req.location)) req.location = absolute_location(path, *req.location);
  for (const auto& opt : options) {
    if (opt.name == "--hash") {
      auto colon = opt.value.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == opt.value.size())
        fail(where, "invalid --hash `" + opt.value + "`", "use --hash=sha256:<hex digest>");
      req.hashes.push_back(util::to_lower(opt.value.substr(0, colon)) + ":" + util::to_lower(opt.value.substr(colon + 1)));
      out.require_hashes = true;  // as pip: the first hash switches on hash-checking mode
    } else if (opt.name == "--config-settings" || opt.name == "--global-option") {
      continue;  // build options: no effect on wheels
    } else {
      fail(where, "option `" + opt.name + "` cannot follow a requirement", "put it on a line of its own");
    }
  }
  add_line(out, std::move(req), as_constraints, where);
}

void read_file_into(const fs::path& path, Context& ctx, bool as_constraints, const std::string& named_from) {
  const std::string name = path.string();
  if (util::starts_with_icase(name, "file://")) {
    auto u = util::Url::parse(name);
    if (!u) fail(named_from, "invalid URL `" + util::redact_url(name) + "`");
    return read_file_into(fs::path(util::percent_decode(u->path)), ctx, as_constraints, named_from);
  }
  if (is_http_url(name)) {
    if (!ctx.fetch || !*ctx.fetch)
      fail(named_from, "requirements file " + util::redact_url(name) + " is a URL, which cannot be read here",
           "download the file and pass its path");
    if (ctx.open_files.count(path)) fail(named_from, "requirements file " + util::redact_url(name) + " includes itself");
    std::string text = (*ctx.fetch)(name);
    ctx.open_files.insert(path);
    parse_text(text, path, ctx, as_constraints);
    ctx.open_files.erase(path);
    return;
  }
  if (is_url(name)) fail(named_from, "requirements file " + util::redact_url(name) + " is no http(s) or file URL");
  fs::path key = fs::weakly_canonical(path);
  if (ctx.open_files.count(key)) fail(named_from, "requirements file " + path.string() + " includes itself");
  auto text = util::try_read_file(path);
  if (!text) {
    std::string where = named_from.empty() ? "" : named_from + ": ";
    throw util::Error(util::ErrorKind::Io, where + "cannot read requirements file " + path.string(),
                      "check the path; nested -r/-c paths are relative to the file that names them");
  }
  ctx.open_files.insert(key);
  parse_text(*text, path, ctx, as_constraints);
  ctx.open_files.erase(key);
}

}  // namespace

namespace {

bool ends_with_any(std::string_view t, std::initializer_list<std::string_view> suffixes) {
  std::string lower = util::to_lower(std::string(t));
  for (auto s : suffixes)
    if (lower.size() > s.size() && lower.compare(lower.size() - s.size(), s.size(), s) == 0) return true;
  return false;
}

// pip's rule for what is a path rather than a requirement: it starts like one (`.`, `/`, `~`), names a
// distribution file, or contains a `/` where PEP 508 allows none.
bool looks_like_location(std::string_view t) {
  if (t.empty() || t.find(" @ ") != std::string_view::npos || t.find(';') != std::string_view::npos) return false;
  if (t == "." || t == ".." || t.rfind("./", 0) == 0 || t.rfind("../", 0) == 0 || t.front() == '/' || t.front() == '~')
    return true;
  if (ends_with_any(t, {".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz", ".tar"}) &&
      t.find(' ') == std::string_view::npos && t.find('@') == std::string_view::npos)
    return true;
  return t.find('/') != std::string_view::npos && t.find('@') == std::string_view::npos &&
         t.find(' ') == std::string_view::npos;
}

}  // namespace

RequirementLine parse_requirement_argument(std::string_view text, const std::string& origin) {
  RequirementLine out;
  out.text = std::string(util::trim(text));
  out.file = origin;
  std::string_view t = out.text;
  if (t.size() > spec::Requirement::kMaxLength) {
    // The same bound as a PEP 508 requirement's, for paths and URLs too (Requirement::parse words it).
    try {
      (void)spec::Requirement::parse(t);
    } catch (const util::Error& e) {
      if (origin.empty()) throw;
      throw util::Error(origin + ": " + e.what(), e.hint());
    }
  }
  // A bare path or URL (pip accepts both in place of a requirement), with optional [extras].
  if (is_url(t) || looks_like_location(t)) {
    std::string loc = out.text;
    if (!loc.empty() && loc.back() == ']' && !is_url(t)) {
      auto open = loc.rfind('[');
      if (open != std::string::npos && open > 0) {
        // Each extra once, in the order given (`./proj[a,a,...]` asks for `a`).
        std::set<std::string_view> seen;
        for (auto e : util::split(std::string_view(loc).substr(open + 1, loc.size() - open - 2), ','))
          if (auto x = util::trim(e); !x.empty() && seen.insert(x).second) out.extras.emplace_back(x);
        loc = loc.substr(0, open);
      }
    }
    if (!loc.empty() && loc.front() == '~')
      if (const char* home = std::getenv("HOME")) loc = std::string(home) + loc.substr(1);
    out.location = loc;
    return out;
  }
  try {
    out.requirement = spec::Requirement::parse(t);
  } catch (const util::Error& e) {
    if (origin.empty()) throw;
    throw util::Error(origin + ": " + e.what(), e.hint());
  }
  return out;
}

void parse_requirements_text(std::string_view text, const fs::path& path, RequirementsFile& out, bool as_constraints,
                             const EnvLookup& env) {
  std::set<fs::path> open;
  Context ctx{out, env, open};
  parse_text(text, path, ctx, as_constraints);
}

void read_requirements_file(const fs::path& path, RequirementsFile& out, bool as_constraints, const EnvLookup& env,
                            const UrlReader& fetch) {
  std::set<fs::path> open;
  Context ctx{out, env, open, &fetch};
  read_file_into(path, ctx, as_constraints, "");
}

}  // namespace ptinstall::config
