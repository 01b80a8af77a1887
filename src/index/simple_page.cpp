#include "ptinstall/index/simple_page.hpp"

#include <atomic>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/json_lite.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::index {

namespace {

constexpr int kSupportedMinor = 4;  // PEP 792 (1.4)

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool ends_with_icase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && util::iequals(s.substr(s.size() - suffix.size()), suffix);
}

[[noreturn]] void malformed(std::string_view url, const std::string& what) {
  throw util::Error(util::ErrorKind::Index, "malformed index page " + util::redact_url(url) + ": " + what,
                    "the index answered with something that is not a valid Simple API page (PEP 503/691); "
                    "check the index URL");
}

bool is_known_algorithm(std::string_view algo) {
  static constexpr std::string_view kAlgos[] = {"md5",      "sha1",     "sha224",   "sha256",   "sha384",
                                                 "sha512",   "sha3_224", "sha3_256", "sha3_384", "sha3_512",
                                                 "blake2b",  "blake2s"};
  for (auto a : kAlgos)
    if (a == algo) return true;
  return false;
}

bool is_hex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// "sha256=<hex>" -> {"sha256", hex}; nullopt for anything else.
std::optional<std::pair<std::string, std::string>> parse_hash(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  std::string algo = util::to_lower(util::trim(text.substr(0, eq)));
  std::string_view value = util::trim(text.substr(eq + 1));
  if (!is_known_algorithm(algo) || !is_hex(value)) return std::nullopt;
  return std::make_pair(algo, util::to_lower(value));
}

// "a, b,, ," -> "a, b"
std::optional<std::string> clean_requires_python(std::string_view text) {
  std::vector<std::string> parts;
  for (auto part : util::split(text, ',')) {
    auto t = util::trim(part);
    if (!t.empty()) parts.emplace_back(t);
  }
  if (parts.empty()) return std::nullopt;
  return util::join(parts, ", ");
}

void check_api_version(std::string_view version, std::string_view url) {
  auto v = util::trim(version);
  auto dot = v.find('.');
  std::string_view major_text = v.substr(0, dot);
  std::string_view minor_text = dot == std::string_view::npos ? std::string_view{} : v.substr(dot + 1);
  int major = 0, minor = 0;
  auto [p1, e1] = std::from_chars(major_text.data(), major_text.data() + major_text.size(), major);
  bool ok = e1 == std::errc() && p1 == major_text.data() + major_text.size() && !major_text.empty();
  if (ok && !minor_text.empty()) {
    auto [p2, e2] = std::from_chars(minor_text.data(), minor_text.data() + minor_text.size(), minor);
    ok = e2 == std::errc() && p2 == minor_text.data() + minor_text.size();
  }
  if (!ok) malformed(url, "invalid repository version `" + std::string(v) + "`");
  if (major > 1)
    throw util::Error(util::ErrorKind::Index,
                      "the index page " + util::redact_url(url) + " uses Simple API version " + std::string(v) +
                          ", newer than the supported 1.x",
                      "this index needs a newer installer; ptinstall understands versions 1.0 to 1." +
                          std::to_string(kSupportedMinor));
  if (major == 1 && minor > kSupportedMinor) {
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true))
      util::log::warn("the index page " + util::redact_url(url) + " uses Simple API version " + std::string(v) +
                      ", newer than the supported 1." + std::to_string(kSupportedMinor) + "; reading it anyway");
  }
}

std::string last_segment(const util::Url& url) {
  std::string_view path = url.path;
  auto slash = path.rfind('/');
  return util::percent_decode(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::optional<HashMap> metadata_attribute(const std::optional<std::string>& value) {
  if (!value) return HashMap{};  // a bare attribute: present
  auto v = util::trim(*value);
  if (v.empty() || util::iequals(v, "true")) return HashMap{};
  if (util::iequals(v, "false")) return std::nullopt;
  HashMap m;
  if (auto h = parse_hash(v)) m.emplace(h->first, h->second);
  return m;  // an unreadable hash still says the file exists
}

// Sets kind, wheel and version from the filename. A name that could leave a directory when used as
// a file name ("../x.whl" from "..%2Fx.whl", "a\\b", NUL) is never installable.
void classify(IndexFile& f, std::string_view project) {
  f.wheel.reset();
  f.version.reset();
  bool unsafe = f.filename == "." || f.filename == ".." ||
                f.filename.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos;
  f.kind = unsafe ? FileKind::Other : file_kind(f.filename);
  if (f.kind == FileKind::Wheel) {
    try {
      f.wheel = spec::WheelFilename::parse(f.filename);
      f.version = f.wheel->version;
    } catch (const util::Error&) {
      f.kind = FileKind::Other;  // not a valid wheel name: never installable
    }
  } else if (f.kind == FileKind::Sdist) {
    f.version = sdist_version(f.filename, project);
  }
}

}  // namespace

FileKind file_kind(std::string_view filename) {
  if (ends_with_icase(filename, ".whl")) return FileKind::Wheel;
  for (auto ext : {".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar", ".tbz", ".txz"})
    if (ends_with_icase(filename, ext)) return FileKind::Sdist;
  return FileKind::Other;
}

std::optional<spec::Version> sdist_version(std::string_view filename, std::string_view project) {
  std::string_view stem = filename;
  bool found = false;
  for (auto ext : {".tar.gz", ".tar.bz2", ".tar.xz", ".zip", ".tgz", ".tar", ".tbz", ".txz"}) {
    if (ends_with_icase(stem, ext)) {
      stem.remove_suffix(std::string_view(ext).size());
      found = true;
      break;
    }
  }
  if (!found || project.empty()) return std::nullopt;
  std::string want = spec::normalize_name(project);
  for (std::size_t i = stem.find('-'); i != std::string_view::npos; i = stem.find('-', i + 1)) {
    if (spec::normalize_name(stem.substr(0, i)) != want) continue;
    if (auto v = spec::Version::parse(stem.substr(i + 1))) return v;
  }
  return std::nullopt;
}

namespace {

IndexFile make_file(std::string_view href, const util::Url& base, std::string_view project) {
  util::Url url = base.join(util::trim(href));
  IndexFile f;
  if (url.fragment) {
    for (auto part : util::split(*url.fragment, '&')) {
      if (auto h = parse_hash(part)) f.hashes.insert(*h);
    }
  }
  f.url = url.without_fragment().str();
  auto check = util::Url::parse(f.url);
  if (!check || ((check->scheme == "http" || check->scheme == "https") && check->host.empty()))
    throw util::Error(util::ErrorKind::Index, "invalid link `" + std::string(href) + "`");
  util::Url no_query = url;
  no_query.query.reset();
  f.filename = last_segment(no_query);
  classify(f, project);
  return f;
}

}  // namespace

IndexFile make_index_file(std::string_view href, std::string_view base_url, std::string_view project) {
  return make_file(href, util::Url::parse_or_throw(base_url), project);
}

std::string html_unescape(std::string_view text) {
  if (text.find('&') == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  auto put_utf8 = [&](unsigned long cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  };
  static const std::pair<std::string_view, unsigned long> kNamed[] = {
      {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"nbsp", 0xA0}};
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '&') {
      out += text[i++];
      continue;
    }
    auto semi = text.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += text[i++];
      continue;
    }
    std::string_view name = text.substr(i + 1, semi - i - 1);
    bool done = false;
    if (name.size() > 1 && name[0] == '#') {
      bool hex = name[1] == 'x' || name[1] == 'X';
      std::string_view digits = name.substr(hex ? 2 : 1);
      unsigned long cp = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (!digits.empty() && ec == std::errc() && p == digits.data() + digits.size()) {
        put_utf8(cp);
        done = true;
      }
    } else {
      for (auto& [n, cp] : kNamed) {
        if (util::iequals(n, name)) {
          put_utf8(cp);
          done = true;
          break;
        }
      }
    }
    if (done) {
      i = semi + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

HtmlDocument scan_html(std::string_view html) {
  HtmlDocument doc;
  std::optional<HtmlLink> open;  // the <a> whose text is being collected
  std::string text;
  const std::size_t n = html.size();
  std::size_t i = 0;
  auto close_anchor = [&] {
    if (!open) return;
    open->text = std::string(util::trim(html_unescape(text)));
    doc.links.push_back(std::move(*open));
    open.reset();
    text.clear();
  };
  while (i < n) {
    if (html[i] != '<') {
      auto next = html.find('<', i);
      if (next == std::string_view::npos) next = n;
      if (open) text.append(html.substr(i, next - i));
      i = next;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      auto end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    if (i + 1 < n && (html[i + 1] == '!' || html[i + 1] == '?')) {
      auto end = html.find('>', i);
      i = end == std::string_view::npos ? n : end + 1;
      continue;
    }
    bool closing = i + 1 < n && html[i + 1] == '/';
    std::size_t p = i + (closing ? 2 : 1);
    std::size_t name_start = p;
    while (p < n && (std::isalnum(static_cast<unsigned char>(html[p])) || html[p] == '-' || html[p] == ':')) ++p;
    std::string tag = util::to_lower(html.substr(name_start, p - name_start));
    if (tag.empty()) {  // a stray '<' in text
      if (open) text += '<';
      ++i;
      continue;
    }
    // Attributes.
    std::map<std::string, std::optional<std::string>> attrs;
    while (p < n) {
      while (p < n && (is_space(html[p]) || html[p] == '/')) ++p;
      if (p >= n || html[p] == '>') break;
      std::size_t an = p;
      while (p < n && !is_space(html[p]) && html[p] != '=' && html[p] != '>' && html[p] != '/') ++p;
      std::string aname = util::to_lower(html.substr(an, p - an));
      if (aname.empty()) {  // a lone '=' or similar: skip it
        ++p;
        continue;
      }
      std::size_t q = p;
      while (q < n && is_space(html[q])) ++q;
      if (q < n && html[q] == '=') {
        ++q;
        while (q < n && is_space(html[q])) ++q;
        std::string value;
        if (q < n && (html[q] == '"' || html[q] == '\'')) {
          char quote = html[q];
          auto end = html.find(quote, q + 1);
          if (end == std::string_view::npos) end = n;
          value = html_unescape(html.substr(q + 1, end - q - 1));
          p = end == n ? n : end + 1;
        } else {
          std::size_t vs = q;
          while (q < n && !is_space(html[q]) && html[q] != '>') ++q;
          value = html_unescape(html.substr(vs, q - vs));
          p = q;
        }
        attrs.emplace(std::move(aname), std::move(value));
      } else {
        attrs.emplace(std::move(aname), std::nullopt);
      }
    }
    i = p < n ? p + 1 : n;
    if (closing) {
      if (tag == "a") close_anchor();
      continue;
    }
    if (tag == "script" || tag == "style") {
      std::string end_tag = "</" + tag;
      std::size_t e = i;
      while (e < n && !util::starts_with_icase(html.substr(e), end_tag)) {
        e = html.find('<', e + 1);
        if (e == std::string_view::npos) e = n;
      }
      i = e;
      continue;
    }
    if (tag == "a") {
      close_anchor();  // an unclosed <a> ends at the next one
      auto href = attrs.find("href");
      if (href == attrs.end() || !href->second) continue;  // named anchors are no links
      HtmlLink link;
      link.href = *href->second;
      link.attributes = std::move(attrs);
      open = std::move(link);
    } else if (tag == "base") {
      auto href = attrs.find("href");
      if (href != attrs.end() && href->second && !doc.base_href) doc.base_href = *href->second;
    } else if (tag == "meta") {
      auto name = attrs.find("name");
      auto content = attrs.find("content");
      if (name != attrs.end() && name->second && content != attrs.end() && content->second)
        doc.meta.emplace(util::to_lower(*name->second), *content->second);
    }
  }
  close_anchor();
  return doc;
}

namespace {

std::string effective_base(const HtmlDocument& doc, std::string_view page_url) {
  util::Url page = util::Url::parse_or_throw(page_url);
  if (doc.base_href) return page.join(*doc.base_href).str();
  return page.str();
}

void check_html_version(const HtmlDocument& doc, std::string_view page_url, ProjectPage* page) {
  auto it = doc.meta.find("pypi:repository-version");
  if (it == doc.meta.end()) return;
  check_api_version(it->second, page_url);
  if (page) page->api_version = std::string(util::trim(it->second));
}

}  // namespace

ProjectPage parse_html_project_page(std::string_view html, std::string_view page_url, std::string_view project) {
  if (!util::Url::parse(page_url)) malformed(page_url, "the page URL is not absolute");
  HtmlDocument doc = scan_html(html);
  ProjectPage page;
  page.url = std::string(page_url);
  check_html_version(doc, page_url, &page);
  if (auto it = doc.meta.find("pypi:project-status"); it != doc.meta.end()) page.project_status = it->second;
  util::Url base = util::Url::parse_or_throw(effective_base(doc, page_url));
  for (const auto& link : doc.links) {
    IndexFile f;
    try {
      f = make_file(link.href, base, project);
    } catch (const util::Error& e) {
      util::log::debug("skipping the link `" + link.href + "` on " + util::redact_url(page_url) + ": " + e.what());
      continue;
    }
    if (f.filename.empty()) continue;  // a link to a directory, not a file
    const auto& a = link.attributes;
    if (auto it = a.find("data-requires-python"); it != a.end() && it->second)
      f.requires_python = clean_requires_python(*it->second);
    if (auto it = a.find("data-yanked"); it != a.end()) f.yanked = it->second.value_or("");
    if (auto it = a.find("data-core-metadata"); it != a.end()) {
      f.core_metadata = metadata_attribute(it->second);
    } else if (auto it2 = a.find("data-dist-info-metadata"); it2 != a.end()) {
      f.core_metadata = metadata_attribute(it2->second);
    }
    if (auto it = a.find("data-size"); it != a.end() && it->second) {
      std::uint64_t size = 0;
      auto& s = *it->second;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), size);
      if (ec == std::errc() && p == s.data() + s.size()) f.size = size;
    }
    if (auto it = a.find("data-upload-time"); it != a.end() && it->second) f.upload_time = *it->second;
    if (auto it = a.find("data-provenance"); it != a.end() && it->second && !util::trim(*it->second).empty()) {
      try {
        f.provenance = base.join(util::trim(*it->second)).str();
      } catch (const util::Error&) {
        // A provenance link that does not parse is left out: it is optional (PEP 740).
      }
    }
    page.files.push_back(std::move(f));
  }
  return page;
}

namespace {

using nlohmann::json;

json parse_json_or_throw(std::string_view text, std::string_view url) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number too large (406)
    malformed(url, std::string("invalid JSON (") + e.what() + ")");
  }
}

// The JSON walk below runs on either parser's values: util::jsonlite for the usual plain pages, and
// nlohmann::json for everything else (see parse_json_project_page). These adapters are all it uses.
const json* lookup(const json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}
const util::jsonlite::Value* lookup(const util::jsonlite::Value& j, const char* key) { return j.find(key); }
std::string str(const json& v) { return v.get<std::string>(); }
const std::string& str(const util::jsonlite::Value& v) { return v.string(); }
bool boolean(const json& v) { return v.get<bool>(); }
bool boolean(const util::jsonlite::Value& v) { return v.boolean(); }
std::uint64_t unsigned_number(const json& v) { return v.get<std::uint64_t>(); }
std::uint64_t unsigned_number(const util::jsonlite::Value& v) { return v.number(); }
std::int64_t signed_number(const json& v) { return v.get<std::int64_t>(); }
std::int64_t signed_number(const util::jsonlite::Value& v) { return static_cast<std::int64_t>(v.number()); }
const json& elements(const json& v) { return v; }
const std::vector<util::jsonlite::Value>& elements(const util::jsonlite::Value& v) { return v.elements(); }
auto members(const json& v) { return v.items(); }
const std::vector<util::jsonlite::Value::Member>& members(const util::jsonlite::Value& v) { return v.members(); }

template <class J>
void check_json_meta(const J& doc, std::string_view url, std::optional<std::string>* out) {
  if (!doc.is_object()) malformed(url, "the JSON document is not an object");
  auto meta = lookup(doc, "meta");
  if (!meta) return;
  if (!meta->is_object()) malformed(url, "`meta` is not an object");
  auto v = lookup(*meta, "api-version");
  if (!v) return;
  if (!v->is_string()) malformed(url, "`meta.api-version` is not a string");
  check_api_version(str(*v), url);
  if (out) *out = str(*v);
}

template <class J>
std::optional<HashMap> json_metadata(const J& value, std::string_view url, std::string_view filename) {
  if (value.is_null()) return std::nullopt;
  if (value.is_boolean()) return boolean(value) ? std::optional<HashMap>(HashMap{}) : std::nullopt;
  if (value.is_object()) {
    HashMap m;
    for (auto& [k, v] : members(value)) {
      if (!v.is_string()) malformed(url, "a metadata hash of `" + std::string(filename) + "` is not a string");
      std::string algo = util::to_lower(k);
      if (is_known_algorithm(algo) && is_hex(str(v))) m.emplace(algo, util::to_lower(str(v)));
    }
    return m;
  }
  malformed(url, "`core-metadata` of `" + std::string(filename) + "` is neither a boolean nor an object");
}

template <class J>
ProjectPage walk_json_project_page(const J& doc, std::string_view page_url, std::string_view project) {
  ProjectPage page;
  page.url = std::string(page_url);
  check_json_meta(doc, page_url, &page.api_version);
  std::string project_name(project);
  if (project_name.empty()) {
    if (auto name = lookup(doc, "name"); name && name->is_string()) project_name = str(*name);
  }
  project = project_name;
  const util::Url base = util::Url::parse_or_throw(page_url);
  auto files = lookup(doc, "files");
  if (!files) malformed(page_url, "the project page has no `files` list");
  if (!files->is_array()) malformed(page_url, "`files` is not a list");
  for (const auto& entry : elements(*files)) {
    if (!entry.is_object()) malformed(page_url, "an entry of `files` is not an object");
    auto fn = lookup(entry, "filename");
    auto url = lookup(entry, "url");
    if (!fn || !fn->is_string()) malformed(page_url, "a file has no `filename`");
    std::string filename = str(*fn);
    if (!url || !url->is_string()) malformed(page_url, "the file `" + filename + "` has no `url`");
    IndexFile f;
    try {
      f = make_file(str(*url), base, project);
    } catch (const util::Error& e) {
      malformed(page_url, "the file `" + filename + "` has an invalid URL (" + e.what() + ")");
    }
    // The JSON filename is authoritative; the URL's fragment does not carry hashes here.
    if (f.filename != filename) {
      f.filename = filename;
      classify(f, project);
    }
    if (auto h = lookup(entry, "hashes"); h && !h->is_null()) {
      if (!h->is_object()) malformed(page_url, "`hashes` of `" + filename + "` is not an object");
      for (auto& [k, v] : members(*h)) {
        if (!v.is_string()) malformed(page_url, "a hash of `" + filename + "` is not a string");
        std::string algo = util::to_lower(k);
        std::string value = str(v);
        if (is_known_algorithm(algo) && is_hex(value)) f.hashes[algo] = util::to_lower(value);
      }
    }
    if (auto rp = lookup(entry, "requires-python"); rp && !rp->is_null()) {
      if (!rp->is_string()) malformed(page_url, "`requires-python` of `" + filename + "` is not a string");
      f.requires_python = clean_requires_python(str(*rp));
    }
    if (auto y = lookup(entry, "yanked"); y && !y->is_null()) {
      if (y->is_boolean()) {
        if (boolean(*y)) f.yanked = "";
      } else if (y->is_string()) {
        f.yanked = str(*y);
      } else {
        malformed(page_url, "`yanked` of `" + filename + "` is neither a boolean nor a string");
      }
    }
    for (auto key : {"core-metadata", "dist-info-metadata", "data-dist-info-metadata"}) {
      if (auto m = lookup(entry, key)) {
        f.core_metadata = json_metadata(*m, page_url, filename);
        break;
      }
    }
    if (auto s = lookup(entry, "size"); s && !s->is_null()) {
      if (!s->is_number_unsigned() && !(s->is_number_integer() && signed_number(*s) >= 0))
        malformed(page_url, "`size` of `" + filename + "` is not a non-negative integer");
      f.size = unsigned_number(*s);
    }
    if (auto t = lookup(entry, "upload-time"); t && t->is_string()) f.upload_time = str(*t);
    if (auto pv = lookup(entry, "provenance"); pv && pv->is_string() && !str(*pv).empty()) {
      try {
        f.provenance = base.join(str(*pv)).str();
      } catch (const util::Error&) {
      }
    }
    page.files.push_back(std::move(f));
  }
  if (auto v = lookup(doc, "versions"); v && v->is_array()) {
    for (const auto& x : elements(*v))
      if (x.is_string()) page.versions.push_back(str(x));
  }
  if (auto st = lookup(doc, "project-status"); st && st->is_object()) {
    if (auto s = lookup(*st, "status"); s && s->is_string()) page.project_status = str(*s);
  }
  return page;
}

}  // namespace

ProjectPage parse_json_project_page(std::string_view text, std::string_view page_url, std::string_view project) {
  if (!util::Url::parse(page_url)) malformed(page_url, "the page URL is not absolute");
  // The fast reader takes the plain pages indexes serve; anything it does not take (or invalid JSON)
  // goes through nlohmann::json, with the same result or the same error.
  if (auto doc = util::jsonlite::parse(text)) return walk_json_project_page(*doc, page_url, project);
  return walk_json_project_page(parse_json_or_throw(text, page_url), page_url, project);
}

namespace {

enum class Format { Json, Html, Unknown };

Format format_of(std::string_view content_type) {
  std::string ct = util::to_lower(util::trim(content_type.substr(0, content_type.find(';'))));
  if (ct == "application/vnd.pypi.simple.v1+json" || ct == "application/vnd.pypi.simple.latest+json") return Format::Json;
  if (ct == "application/vnd.pypi.simple.v1+html" || ct == "application/vnd.pypi.simple.latest+html" ||
      ct == "text/html" || ct == "application/xhtml+xml")
    return Format::Html;
  if (ct.starts_with("application/vnd.pypi.simple.")) {
    // v2 and later: the api-version check of the body would catch it too, but the body may not parse.
    throw util::Error(util::ErrorKind::Index, "the index answered with the unsupported content type `" + ct + "`",
                      "this index needs a newer installer");
  }
  return Format::Unknown;
}

bool looks_like_json(std::string_view body) {
  auto t = util::trim(body);
  return !t.empty() && t.front() == '{';
}

}  // namespace

ProjectPage parse_project_page(std::string_view body, std::string_view content_type, std::string_view page_url,
                               std::string_view project) {
  Format f = format_of(content_type);
  if (f == Format::Unknown) f = looks_like_json(body) ? Format::Json : Format::Html;
  return f == Format::Json ? parse_json_project_page(body, page_url, project)
                           : parse_html_project_page(body, page_url, project);
}

std::vector<std::string> parse_html_root_page(std::string_view html, std::string_view page_url) {
  HtmlDocument doc = scan_html(html);
  check_html_version(doc, page_url, nullptr);
  std::vector<std::string> names;
  for (auto& link : doc.links)
    if (!link.text.empty()) names.push_back(link.text);
  return names;
}

std::vector<std::string> parse_json_root_page(std::string_view text, std::string_view page_url) {
  json doc = parse_json_or_throw(text, page_url);
  check_json_meta(doc, page_url, nullptr);
  auto projects = doc.find("projects");
  if (projects == doc.end() || !projects->is_array()) malformed(page_url, "the root page has no `projects` list");
  std::vector<std::string> names;
  for (const auto& p : *projects) {
    if (!p.is_object() || !p.contains("name") || !p["name"].is_string()) malformed(page_url, "a project has no `name`");
    names.push_back(p["name"].get<std::string>());
  }
  return names;
}

std::vector<std::string> parse_root_page(std::string_view body, std::string_view content_type, std::string_view page_url) {
  Format f = format_of(content_type);
  if (f == Format::Unknown) f = looks_like_json(body) ? Format::Json : Format::Html;
  return f == Format::Json ? parse_json_root_page(body, page_url) : parse_html_root_page(body, page_url);
}

}  // namespace ptinstall::index
