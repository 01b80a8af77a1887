#include "ptinstall/vcs/git.hpp"

#include <unistd.h>

#include <regex>

#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/subprocess.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::vcs {

GitResult run_git(const std::vector<std::string>& args, const std::optional<std::string>& cwd,
                  const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> argv{"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  util::ProcessOptions po;
  po.cwd = cwd;
  po.env_overrides["LC_ALL"] = "C";
  // Without a terminal a credential prompt would wait forever (CI, Dockerfiles): git fails instead.
  if (!(::isatty(STDIN_FILENO) && ::isatty(STDERR_FILENO))) po.env_overrides["GIT_TERMINAL_PROMPT"] = "0";
  for (const auto& [k, v] : env) po.env_overrides[k] = v;
  auto r = util::run_process(argv, po);
  if (!r)
    throw util::Error(util::ErrorKind::Build, "git is not installed (it is needed for git+ requirements)",
                      "install git (apt-get install git) and make sure it is on PATH");
  return GitResult{r->exit_code, std::move(r->out), std::move(r->err)};
}

std::string redact_text(const std::string& text) {
  static const std::regex userinfo(R"(([A-Za-z][A-Za-z0-9+.-]*://)([^/@\s:]*)(:[^/@\s]*)?@)");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), userinfo);
  std::size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    out += text.substr(last, m.position(0) - last);
    std::string user = m[2].str();
    // ssh's git@ is a user name, not a secret (as pip keeps it).
    if (!m[3].matched && user == "git") out += m.str(0);
    else out += m[1].str() + (m[3].matched ? user + ":****@" : "****@");
    last = m.position(0) + m.length(0);
  }
  out += text.substr(last);
  return out;
}

util::Error git_failure(const std::string& what, const std::string& repository, const GitResult& r) {
  std::string err = redact_text(r.err);
  std::vector<std::string> lines;
  for (auto line : util::split(err, '\n')) {
    std::string l(util::trim(line));
    if (!l.empty()) lines.push_back(l);
  }
  if (lines.size() > 8) lines.erase(lines.begin(), lines.end() - 8);
  std::string message = "git " + what + " of " + redact_text(repository) + " failed";
  for (const auto& l : lines) message += "\n  " + l;
  const std::string lower = util::to_lower(err);
  std::string hint;
  auto has = [&](const char* s) { return lower.find(s) != std::string::npos; };
  if (has("terminal prompts disabled") || has("could not read username") || has("authentication failed") ||
      has("permission denied (publickey)") || has("http basic: access denied") || has("403"))
    hint = "the repository needs credentials: put them in the URL (git+https://user:token@host/...), in a git "
           "credential helper or ~/.netrc, or use git+ssh:// with a key ssh-agent holds";
  else if (has("not found") || has("does not appear to be a git repository") || has("does not exist") ||
           has("404"))
    hint = "check the repository URL (a private repository may also answer \"not found\" without credentials)";
  else if (has("could not resolve host") || has("failed to connect") || has("connection refused") ||
           has("timed out"))
    hint = "the host cannot be reached; check the network, or use --offline with a commit already in the cache";
  return util::Error(util::ErrorKind::Network, message, hint);
}

namespace {

// pip's _git_remote_to_pip_url: URLs as they are, scp-like `user@host:path` as ssh://, existing local
// paths as file: URLs; nullopt for anything else.
std::optional<std::string> remote_as_url(const std::string& remote) {
  static const std::regex url(R"(^\w+://.*)");
  static const std::regex scp(R"(^(\w+@)?([^/:]+):(\w[^:]*)$)");
  std::smatch m;
  if (std::regex_match(remote, url)) return remote;
  std::error_code ec;
  if (std::filesystem::exists(remote, ec))
    return "file://" + util::percent_encode(std::filesystem::absolute(remote).lexically_normal().string(), "/");
  if (std::regex_match(remote, m, scp)) return "ssh://" + m[1].str() + m[2].str() + "/" + m[3].str();
  return std::nullopt;
}

}  // namespace

std::optional<std::string> editable_freeze_lines(const std::filesystem::path& location, std::string_view name,
                                                 std::string_view version) {
  GitResult top;
  try {
    top = run_git({"rev-parse", "--show-toplevel"}, location.string());
  } catch (const util::Error&) {
    return std::nullopt;  // no git: pip's "no version control" lines
  }
  if (!top.ok()) return std::nullopt;
  const std::filesystem::path root = std::string(util::trim(top.out));
  const std::string pinned = std::string(name) + "==" + std::string(version);
  GitResult remotes = run_git({"config", "--get-regexp", R"(remote\..*\.url)"}, location.string());
  std::string remote;
  for (auto line : util::split(remotes.out, '\n')) {
    auto space = line.find(' ');
    if (space == std::string_view::npos) continue;
    std::string key(line.substr(0, space));
    std::string value(util::trim(line.substr(space + 1)));
    if (remote.empty() || key == "remote.origin.url") remote = value;
    if (key == "remote.origin.url") break;
  }
  if (remote.empty()) return "# Editable Git install with no remote (" + pinned + ")\n-e " + location.string();
  auto url = remote_as_url(remote);
  if (!url)
    return "# Editable Git install (" + pinned + ") with either a deleted local remote or invalid URI:\n# '" +
           redact_text(remote) + "'\n-e " + location.string();
  GitResult head = run_git({"rev-parse", "HEAD"}, location.string());
  if (!head.ok()) return std::nullopt;
  std::string egg(name);
  for (char& c : egg)
    if (c == '-') c = '_';
  std::string line = "-e git+" + *url + "@" + std::string(util::trim(head.out)) + "#egg=" + egg;
  std::error_code ec;
  auto rel = std::filesystem::weakly_canonical(location, ec).lexically_relative(std::filesystem::weakly_canonical(root, ec));
  if (!rel.empty() && rel != ".") line += "&subdirectory=" + rel.string();
  return line;
}

std::string repository_name(const std::string& repository) {
  std::string path = repository.substr(0, repository.find_first_of("?#"));
  while (!path.empty() && path.back() == '/') path.pop_back();
  auto cut = path.find_last_of("/:");
  std::string last = cut == std::string::npos ? path : path.substr(cut + 1);
  if (last.size() > 4 && last.compare(last.size() - 4, 4, ".git") == 0) last.resize(last.size() - 4);
  return last.empty() ? "project" : last;
}

bool looks_like_commit(const std::string& s) {
  if (s.size() < 7 || s.size() > 40) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

bool is_full_commit(const std::string& s) { return s.size() == 40 && looks_like_commit(s); }

}  // namespace ptinstall::vcs
