// Unit tests of install/installed_metadata and install/inspect: what pip list/freeze/show/check
// read from installed distributions and how they print it, on fake site-packages trees.
#include <catch2/catch.hpp>

#include "ptinstall/install/inspect.hpp"
#include "ptinstall/install/installed_metadata.hpp"
#include "ptinstall/spec/tags.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "support/marker_envs.hpp"

using namespace ptinstall;
using namespace ptinstall::install;

namespace {

void write(const fs::path& p, std::string_view text) { util::write_file_atomic(p, text); }

// A dist-info with METADATA built from the given extra header lines.
fs::path add_dist(const fs::path& site, std::string_view name, std::string_view version,
                  std::string_view extra_headers = "", std::string_view dir_name = "") {
  std::string dir = dir_name.empty() ? std::string(name) + "-" + std::string(version) + ".dist-info" : std::string(dir_name);
  fs::path info = site / dir;
  write(info / "METADATA", "Metadata-Version: 2.1\nName: " + std::string(name) + "\nVersion: " + std::string(version) +
                               "\n" + std::string(extra_headers));
  write(info / "INSTALLER", "pip\n");
  return info;
}

spec::MarkerEnvironment linux_env() { return test::linux_cpython("3.11.7"); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == '\n') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

TEST_CASE("requires.txt becomes Requires-Dist like pip converts it", "[inspect]") {
  auto out = requires_txt_to_requires_dist(
      "six>=1.0\n\n# comment\n[Socks]\nPySocks!=1.5.7\n[:python_version < \"3\"]\nenum34\n"
      "[security:sys_platform == 'win32']\npywin32\n[My Extra.x]\nfoo\n");
  REQUIRE(out.size() == 5);
  CHECK(out[0] == "six>=1.0");
  CHECK(out[1] == "PySocks!=1.5.7 ; extra == \"socks\"");
  CHECK(out[2] == "enum34 ; python_version < \"3\"");
  CHECK(out[3] == "pywin32 ; (sys_platform == 'win32') and extra == \"security\"");
  CHECK(out[4] == "foo ; extra == \"my extra-x\"");
  for (const auto& r : out) CHECK_NOTHROW(spec::Requirement::parse(r));
  CHECK(requires_txt_to_requires_dist("").empty());
}

TEST_CASE("installed-files.txt paths are rewritten relative to the site directory", "[inspect]") {
  CHECK(convert_installed_files_path("../foo/__init__.py", "foo-1.0.egg-info") == "foo/__init__.py");
  CHECK(convert_installed_files_path("PKG-INFO", "foo-1.0.egg-info") == "foo-1.0.egg-info/PKG-INFO");
  CHECK(convert_installed_files_path("./SOURCES.txt", "foo-1.0.egg-info") == "foo-1.0.egg-info/SOURCES.txt");
  CHECK(convert_installed_files_path("../../../bin/tool", "foo-1.0.egg-info") == "../../bin/tool");
  CHECK(convert_installed_files_path("../x", "a/b.egg-info") == "a/x");
}

TEST_CASE("file URLs and editable locations", "[inspect]") {
  CHECK(file_url_to_path("file:///tmp/my%20project") == fs::path("/tmp/my project"));
  CHECK(file_url_to_path("file://localhost/srv/x") == fs::path("/srv/x"));
  CHECK(file_url_to_path("file:/abs") == fs::path("/abs"));
  CHECK_FALSE(file_url_to_path("file://otherhost/x"));
  CHECK_FALSE(file_url_to_path("https://example.org/x.whl"));

  spec::DirectUrl du;
  du.url = "file:///work/proj";
  du.is_dir = true;
  CHECK_FALSE(editable_location(du));
  du.editable = true;
  CHECK(editable_location(du) == fs::path("/work/proj"));
  CHECK_FALSE(editable_location(std::nullopt));
}

TEST_CASE("editable project locations from direct_url.json or an .egg-link", "[inspect]") {
  util::TempDir tmp;
  fs::path site = tmp.path() / "site", project = tmp.path() / "proj";
  write(project / "My_Dev.egg-info" / "PKG-INFO", "Metadata-Version: 1.1\nName: My Dev\nVersion: 1.0\n");
  add_dist(site, "plain", "1.0");
  auto in_project = scan_installed({project}).at(0);
  CHECK_FALSE(editable_project_location(in_project, std::nullopt, {site}));
  write(site / "My-Dev.egg-link", project.string() + "\n.");
  CHECK(editable_project_location(in_project, std::nullopt, {site}) == project);
  CHECK_FALSE(editable_project_location(in_project, std::nullopt, {}));
  // A direct_url.json decides alone.
  spec::DirectUrl archive;
  archive.url = "file:///x.whl";
  CHECK_FALSE(editable_project_location(in_project, archive, {site}));
  CHECK(format_freeze({in_project}, false, true, {}, false, {site}) ==
        "# Editable install with no version control (My Dev==1.0)\n-e " + project.string() + "\n");
  CHECK(format_freeze({in_project}, false, true, {}, true, {site}).empty());
  ListOptions opts;
  opts.search_dirs = {site};
  CHECK(list_entries({in_project}, opts).at(0).editable_location == project.string());
}

TEST_CASE("display versions are normalized when PEP 440", "[inspect]") {
  CHECK(display_version("2.0.0RC1") == "2.0.0rc1");
  CHECK(display_version("1.0-post1") == "1.0.post1");
  CHECK(display_version("1.0.0+Repack") == "1.0.0+repack");
  CHECK(display_version("not a version") == "not a version");
}

TEST_CASE("json_quote writes what json.dumps writes", "[inspect]") {
  CHECK(json_quote("plain") == "\"plain\"");
  CHECK(json_quote("a\"b\\c\n\t") == "\"a\\\"b\\\\c\\n\\t\"");
  CHECK(json_quote(std::string("\x01", 1)) == "\"\\u0001\"");
  CHECK(json_quote("caf\xc3\xa9") == "\"caf\\u00e9\"");
  CHECK(json_quote("\xf0\x9f\x98\x80") == "\"\\ud83d\\ude00\"");
  CHECK(json_quote("\x7f") == "\"\x7f\"");
}

TEST_CASE("scan_visible keeps the first distribution of a name along the path", "[inspect]") {
  util::TempDir tmp;
  fs::path first = tmp.path() / "first", second = tmp.path() / "second";
  add_dist(first, "Foo", "2.0");
  add_dist(second, "foo", "1.0");
  add_dist(second, "bar", "1.0");
  // The same name twice in one directory: the dist-info wins over the egg-info.
  write(second / "baz.egg-info" / "PKG-INFO", "Metadata-Version: 1.0\nName: baz\nVersion: 0.1\n");
  add_dist(second, "baz", "0.2");
  auto dists = scan_visible({first, second, tmp.path() / "missing"});
  REQUIRE(dists.size() == 3);
  CHECK(dists[0].normalized == "bar");
  CHECK(dists[1].normalized == "baz");
  CHECK(dists[1].version == "0.2");
  CHECK_FALSE(dists[1].egg_info);
  CHECK(dists[2].name == "Foo");
  CHECK(dists[2].version == "2.0");
  CHECK(dists[2].site_dir == first);
}

TEST_CASE("canonical names come from the metadata directory, odd metadata is tolerated", "[inspect]") {
  util::TempDir tmp;
  fs::path site = tmp.path();
  write(site / "Dev_Thing.egg-info" / "PKG-INFO", "Metadata-Version: 2.1\nName: Dev Thing\nVersion: 1\nSummary: s\n");
  write(site / "Dev_Thing.egg-info" / "requires.txt", "dep\n");
  add_dist(site, "legacy", "1.0-weird.version", "Summary: legacy\n", "Legacy_Pkg-1.0_weird.version.dist-info");
  auto dists = scan_visible({site});
  REQUIRE(dists.size() == 2);
  CHECK(dists[0].normalized == "dev-thing");
  CHECK(dists[0].name == "Dev Thing");
  CHECK(dists[1].normalized == "legacy-pkg");
  auto md = read_metadata(dists[0]);
  CHECK(md.name == "Dev Thing");
  CHECK(md.summary == "s");
  CHECK(md.get_all("Requires-Dist") == std::vector<std::string>{"dep"});
  CHECK(read_metadata(dists[1]).summary == "legacy");
  auto shown = show_packages(dists, {"dev_thing", "LEGACY.pkg"}, linux_env());
  CHECK(shown.shown == 2);
  CHECK(shown.text.find("Version: 1.0-weird.version\n") != std::string::npos);
  CHECK(format_freeze(dists, false, true) == "Dev Thing==1\nlegacy===1.0-weird.version\n");
  write(site / "broken-1.0.dist-info" / "METADATA", "Metadata-Version: 2.1\nVersion: 1.0\n");
  auto with_broken = scan_visible({site});
  CHECK_THROWS_AS(read_metadata(with_broken.at(0)), util::Error);
}

TEST_CASE("metadata of egg-info directories includes requires.txt", "[inspect]") {
  util::TempDir tmp;
  fs::path site = tmp.path();
  write(site / "Old-1.0.egg-info" / "PKG-INFO", "Metadata-Version: 1.1\nName: Old\nVersion: 1.0\nSummary: s\n\nbody\n");
  write(site / "Old-1.0.egg-info" / "requires.txt", "dep>=1\n[x]\nextra-dep\n");
  write(site / "Single-2.0-py3.11.egg-info", "Metadata-Version: 1.0\nName: Single\nVersion: 2.0\n");
  auto dists = scan_installed({site});
  REQUIRE(dists.size() == 2);
  auto md = read_metadata(dists[0]);
  CHECK(md.name == "Old");
  CHECK(md.get_all("Requires-Dist") == std::vector<std::string>{"dep>=1", "extra-dep ; extra == \"x\""});
  CHECK(md.summary == "s");
  auto reqs = active_requirements(md, linux_env());
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].name == "dep");
  auto single = read_metadata(dists[1]);
  CHECK(single.name == "Single");
  CHECK_FALSE(declared_files(dists[1]));
  // PKG-INFO with its own Requires-Dist: requires.txt is not added.
  write(site / "Old-1.0.egg-info" / "PKG-INFO", "Metadata-Version: 2.1\nName: Old\nVersion: 1.0\nRequires-Dist: own\n");
  CHECK(read_metadata(dists[0]).get_all("Requires-Dist") == std::vector<std::string>{"own"});
}

TEST_CASE("declared files come from RECORD or installed-files.txt", "[inspect]") {
  util::TempDir tmp;
  fs::path site = tmp.path();
  fs::path info = add_dist(site, "demo", "1.0");
  write(info / "RECORD", "demo/__init__.py,sha256=abc,10\n./demo//sub/x.py,,\n../../../bin/demo,,\n"
                         "\"demo/with,comma.py\",,\ndemo-1.0.dist-info/RECORD,,\n");
  auto d = scan_installed({site}).at(0);
  auto files = declared_files(d);
  REQUIRE(files);
  CHECK(*files == std::vector<std::string>{"../../../bin/demo", "demo-1.0.dist-info/RECORD", "demo/__init__.py",
                                            "demo/sub/x.py", "demo/with,comma.py"});
  fs::remove(info / "RECORD");
  CHECK_FALSE(declared_files(d));

  write(site / "legacy-0.1.egg-info" / "PKG-INFO", "Metadata-Version: 1.0\nName: legacy\nVersion: 0.1\n");
  write(site / "legacy-0.1.egg-info" / "installed-files.txt", "../legacy.py\r\nPKG-INFO\n\n");
  auto all = scan_installed({site});
  auto legacy = std::find_if(all.begin(), all.end(), [](const auto& x) { return x.normalized == "legacy"; });
  REQUIRE(legacy != all.end());
  CHECK(declared_files(*legacy) == std::vector<std::string>{"legacy-0.1.egg-info/PKG-INFO", "legacy.py"});
}

TEST_CASE("pip list formats", "[inspect]") {
  std::vector<ListEntry> entries = {
      {"requests", "2.31.0", "2.31.0", "/site", "pip", std::nullopt},
      {"A_Long_Name", "1.0rc1", "1.0RC1", "/site", "ptinstall", std::nullopt},
  };
  CHECK(format_list({}, ListFormat::Columns) == "");
  CHECK(format_list({}, ListFormat::Json) == "[]\n");
  CHECK(format_list({}, ListFormat::Freeze) == "");
  CHECK(format_list(entries, ListFormat::Columns) ==
        "Package     Version\n"
        "----------- -------\n"
        "requests    2.31.0\n"
        "A_Long_Name 1.0RC1\n");
  CHECK(format_list(entries, ListFormat::Freeze) == "requests==2.31.0\nA_Long_Name==1.0rc1\n");
  CHECK(format_list(entries, ListFormat::Freeze, true) == "requests==2.31.0 (/site)\nA_Long_Name==1.0rc1 (/site)\n");
  CHECK(format_list(entries, ListFormat::Json) ==
        "[{\"name\": \"requests\", \"version\": \"2.31.0\"}, {\"name\": \"A_Long_Name\", \"version\": \"1.0rc1\"}]\n");
  CHECK(format_list(entries, ListFormat::Columns, true) ==
        "Package     Version Location Installer\n"
        "----------- ------- -------- ---------\n"
        "requests    2.31.0  /site    pip\n"
        "A_Long_Name 1.0RC1  /site    ptinstall\n");
  entries[0].editable_location = "/src/requests";
  CHECK(format_list(entries, ListFormat::Columns) ==
        "Package     Version Editable project location\n"
        "----------- ------- -------------------------\n"
        "requests    2.31.0  /src/requests\n"
        "A_Long_Name 1.0RC1\n");
  CHECK(format_list(entries, ListFormat::Json) ==
        "[{\"name\": \"requests\", \"version\": \"2.31.0\", \"editable_project_location\": \"/src/requests\"}, "
        "{\"name\": \"A_Long_Name\", \"version\": \"1.0rc1\"}]\n");
  CHECK(parse_list_format("json") == ListFormat::Json);
  CHECK_THROWS_AS(parse_list_format("yaml"), util::Error);
}

TEST_CASE("list entries skip pip's stdlib names and sort by normalized name", "[inspect]") {
  util::TempDir tmp;
  add_dist(tmp.path(), "Zed", "1");
  add_dist(tmp.path(), "wsgiref", "0.1.2");
  add_dist(tmp.path(), "a.b", "1");
  fs::path ed = add_dist(tmp.path(), "ed", "0.1");
  write(ed / "direct_url.json", R"({"url": "file:///src/ed", "dir_info": {"editable": true}})");
  auto entries = list_entries(scan_installed({tmp.path()}));
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].name == "a.b");
  CHECK(entries[1].name == "ed");
  CHECK(entries[1].editable_location == "/src/ed");
  CHECK(entries[2].name == "Zed");
}

TEST_CASE("list filters: --exclude, --exclude-editable, --not-required", "[inspect]") {
  util::TempDir tmp;
  add_dist(tmp.path(), "top", "1", "Requires-Dist: Mid_Dle\nRequires-Dist: win-only ; os_name == 'nt'\n"
                                   "Requires-Dist: opt ; extra == 'x'\n");
  add_dist(tmp.path(), "mid-dle", "1", "Requires-Dist: leaf>=1\n");
  add_dist(tmp.path(), "leaf", "1");
  add_dist(tmp.path(), "win-only", "1");
  add_dist(tmp.path(), "opt", "1");
  fs::path ed = add_dist(tmp.path(), "ed", "0.1", "Requires-Dist: leaf\n");
  write(ed / "direct_url.json", R"({"url": "file:///src/ed", "dir_info": {"editable": true}})");
  auto dists = scan_installed({tmp.path()});
  auto names = [](const std::vector<ListEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.name);
    return out;
  };
  ListOptions opts;
  opts.excludes = {"MID.DLE", "nothing"};
  CHECK(names(list_entries(dists, opts, linux_env())) == std::vector<std::string>{"ed", "leaf", "opt", "top", "win-only"});
  opts = {};
  opts.exclude_editable = true;
  CHECK(names(list_entries(dists, opts, linux_env())) ==
        std::vector<std::string>{"leaf", "mid-dle", "opt", "top", "win-only"});
  opts = {};
  opts.not_required = true;
  CHECK(names(list_entries(dists, opts, linux_env())) == std::vector<std::string>{"ed", "opt", "top", "win-only"});
  // Excluded packages do not count as requirers.
  opts.excludes = {"ed", "mid-dle"};
  CHECK(names(list_entries(dists, opts, linux_env())) == std::vector<std::string>{"leaf", "opt", "top", "win-only"});
  CHECK(format_freeze(dists, false, true, {"Top", "win_only"}, true) == "leaf==1\nmid-dle==1\nopt==1\n");
}

TEST_CASE("freeze requirement lines", "[inspect]") {
  CHECK(freeze_requirement("Foo", "1.0-1", std::nullopt) == "Foo==1.0.post1");
  CHECK(freeze_requirement("Foo", "weird", std::nullopt) == "Foo===weird");
  spec::DirectUrl archive;
  archive.url = "file:///w/foo-1.0-py3-none-any.whl";
  archive.archive_hash = "sha256=abcd";
  CHECK(freeze_requirement("Foo", "1.0", archive) == "Foo @ file:///w/foo-1.0-py3-none-any.whl#sha256=abcd");
  archive.subdirectory = "sub";
  CHECK(freeze_requirement("Foo", "1.0", archive) == "Foo @ file:///w/foo-1.0-py3-none-any.whl#sha256=abcd&subdirectory=sub");
  spec::DirectUrl vcs;
  vcs.url = "https://github.com/o/r";
  vcs.vcs = spec::VcsInfo{"git", "0123abc", std::nullopt};
  CHECK(freeze_requirement("r", "1.0", vcs) == "r @ git+https://github.com/o/r@0123abc");
  spec::DirectUrl dir;
  dir.url = "file:///src/proj";
  dir.is_dir = true;
  CHECK(freeze_requirement("proj", "1.0", dir) == "proj @ file:///src/proj");
  dir.editable = true;
  CHECK(freeze_requirement("proj", "1.0", dir) ==
        "# Editable install with no version control (proj==1.0)\n-e /src/proj");
}

TEST_CASE("freeze leaves out pip and, before 3.12, the build backends", "[inspect]") {
  util::TempDir tmp;
  for (auto name : {"pip", "setuptools", "wheel", "distribute", "Zebra", "apple", "argparse"}) add_dist(tmp.path(), name, "1.0");
  auto dists = scan_installed({tmp.path()});
  CHECK(format_freeze(dists, false, true) == "apple==1.0\nZebra==1.0\n");
  CHECK(format_freeze(dists, false, false) == "apple==1.0\ndistribute==1.0\nsetuptools==1.0\nwheel==1.0\nZebra==1.0\n");
  CHECK(format_freeze(dists, true, true) ==
        "apple==1.0\ndistribute==1.0\npip==1.0\nsetuptools==1.0\nwheel==1.0\nZebra==1.0\n");
}

TEST_CASE("pip show", "[inspect]") {
  util::TempDir tmp;
  fs::path site = tmp.path();
  fs::path a = add_dist(site, "Alpha", "1.0RC1",
                        "Summary: first\nAuthor: Me\nAuthor-email: me@x.org\nLicense: MIT\n"
                        "Project-URL: Source, https://x.org/src\nProject-URL: Home-Page , https://x.org/\n"
                        "Classifier: A :: B\nRequires-Dist: beta>=1\nRequires-Dist: Beta ; os_name == 'posix'\n"
                        "Requires-Dist: gamma ; extra == 'x'\nRequires-Dist: delta ; os_name == 'nt'\n"
                        "Requires-Dist: Epsilon\n");
  write(a / "entry_points.txt", "[console_scripts]\nalpha = alpha:main\n");
  write(a / "RECORD", "alpha/__init__.py,,\nAlpha-1.0RC1.dist-info/METADATA,,\n");
  add_dist(site, "beta", "2", "Home-page: https://beta.org\n");
  add_dist(site, "zeta", "1", "Requires-Dist: BETA\n");
  auto dists = scan_installed({site});

  auto r = show_packages(dists, {"alpha", "nope", "BETA", "also-nope"}, linux_env());
  CHECK(r.shown == 2);
  CHECK(r.missing == std::vector<std::string>{"also-nope", "nope"});
  CHECK(r.text == "Name: Alpha\nVersion: 1.0RC1\nSummary: first\nHome-page: https://x.org/\nAuthor: Me\n"
                  "Author-email: me@x.org\nLicense: MIT\nLocation: " + site.string() + "\n"
                  "Requires: Beta, beta, Epsilon\nRequired-by: \n---\n"
                  "Name: beta\nVersion: 2\nSummary: \nHome-page: https://beta.org\nAuthor: \nAuthor-email: \n"
                  "License: \nLocation: " + site.string() + "\nRequires: \nRequired-by: Alpha, zeta\n");

  ShowOptions opts;
  opts.files = true;
  opts.verbose = true;
  auto v = show_packages(dists, {"Alpha", "zeta"}, linux_env(), opts);
  auto lines = lines_of(v.text);
  auto at = [&](std::string_view l) { return std::find(lines.begin(), lines.end(), l) - lines.begin(); };
  CHECK(at("Metadata-Version: 2.1") < at("Installer: pip"));
  CHECK(at("Classifiers:") + 1 == at("  A :: B"));
  CHECK(at("Entry-points:") + 1 == at("  [console_scripts]"));
  CHECK(at("  alpha = alpha:main") + 1 == at("Project-URLs:"));
  CHECK(at("Project-URLs:") + 1 == at("  Source, https://x.org/src"));
  CHECK(at("Files:") + 1 == at("  Alpha-1.0RC1.dist-info/METADATA"));
  CHECK(at("  alpha/__init__.py") < static_cast<long>(lines.size()));
  CHECK(at("Cannot locate RECORD or installed-files.txt") < static_cast<long>(lines.size()));  // zeta has none
  CHECK(show_packages(dists, {"nope"}, linux_env()).shown == 0);
}

TEST_CASE("pip check", "[inspect]") {
  util::TempDir tmp;
  fs::path site = tmp.path();
  add_dist(site, "App", "1.0",
           "Requires-Dist: lib>=2\nRequires-Dist: missing-one\nRequires-Dist: Missing_Two[x] ; os_name == 'posix'\n"
           "Requires-Dist: not-here ; os_name == 'nt'\nRequires-Dist: only-extra ; extra == 'x'\n"
           "Requires-Dist: pre>=1.0\nRequires-Dist: ok<3\n");
  add_dist(site, "lib", "1.5");
  add_dist(site, "pre", "1.1rc1");
  add_dist(site, "ok", "2");
  add_dist(site, "old-python", "1", "Requires-Python: <3\n");
  add_dist(site, "new-python", "1", "Requires-Python: >=3.11\n");
  auto dists = scan_installed({site});
  auto r = check_packages(dists, linux_env(), "3.11.7");
  CHECK(r.warnings.empty());
  CHECK(r.problems == std::vector<std::string>{
                          "app 1.0 requires missing-one, which is not installed.",
                          "app 1.0 requires missing-two, which is not installed.",
                          "app 1.0 has requirement lib>=2, but you have lib 1.5.",
                          "old-python 1 requires Python <3, but you have Python 3.11.7.",
                      });
  CHECK_FALSE(r.ok());

  // A WHEEL with only unsupported tags.
  util::TempDir tmp2;
  fs::path w = add_dist(tmp2.path(), "native", "1.0");
  write(w / "WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp27-cp27mu-win32\n");
  fs::path fine = add_dist(tmp2.path(), "pure", "1.0");
  write(fine / "WHEEL", "Wheel-Version: 1.0\nTag: py2.py3-none-any\n");
  auto tags = spec::SupportedTags::from_ordered({spec::Tag::parse("py3-none-any")});
  auto u = check_packages(scan_installed({tmp2.path()}), linux_env(), "3.11.7", &tags);
  CHECK(u.problems == std::vector<std::string>{"native 1.0 is not supported on this platform"});
  CHECK(check_packages(scan_installed({tmp2.path()}), linux_env(), "3.11.7").ok());

  // Unreadable metadata is a warning and fails the check.
  util::TempDir tmp3;
  add_dist(tmp3.path(), "bad", "1.0", "Requires-Dist: ???\n");
  auto b = check_packages(scan_installed({tmp3.path()}), linux_env(), "3.11.7");
  CHECK(b.problems.empty());
  REQUIRE(b.warnings.size() == 1);
  CHECK(b.warnings[0].rfind("error parsing requirements for bad: ", 0) == 0);
  CHECK_FALSE(b.ok());

  util::TempDir empty;
  CHECK(check_packages(scan_installed({empty.path()}), linux_env(), "3.11.7").ok());
}

TEST_CASE("random requires.txt and strings: no exceptions, ASCII-only JSON", "[inspect]") {
  // A small deterministic generator over an alphabet rich in the characters the parsers look at.
  std::uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::string alphabet = "ab[]:;=<>!\"'# \n\r\t.-_x\x01\xc3\xa9\xf0\x9f\x98\x80\xff";
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    std::size_t len = next() % 64;
    for (std::size_t i = 0; i < len; ++i) text += alphabet[next() % alphabet.size()];
    std::vector<std::string> out;
    REQUIRE_NOTHROW(out = requires_txt_to_requires_dist(text));
    for (const auto& r : out) CHECK(r.find('\n') == std::string::npos);
    std::string quoted = json_quote(text);
    REQUIRE(quoted.size() >= 2);
    CHECK(quoted.front() == '"');
    CHECK(quoted.back() == '"');
    for (unsigned char c : quoted) CHECK((c >= 0x20 && c < 0x80));
    REQUIRE_NOTHROW(convert_installed_files_path(text, "x.egg-info"));
    REQUIRE_NOTHROW(display_version(text));
  }
}
