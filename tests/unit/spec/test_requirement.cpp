#include <catch2/catch.hpp>

#include "support/errors.hpp"

#include <string>
#include <utility>
#include <vector>

#include "ptinstall/spec/requirement.hpp"
#include "ptinstall/util/error.hpp"
#include "support/marker_envs.hpp"

using namespace ptinstall::spec;
using ptinstall::util::Error;

namespace {

// The input as error messages show it (a newline as \x0a).
std::string escaped(std::string s) {
  for (size_t i; (i = s.find('\n')) != std::string::npos;) s.replace(i, 1, "\\x0a");
  return s;
}

std::string error_of(std::string_view text) {
  return ptinstall::test::error_message([&] { Requirement::parse(text); });
}

std::string hint_of(std::string_view text) {
  return ptinstall::test::error_hint([&] { Requirement::parse(text); });
}

MarkerEnvironment linux_x86() { return ptinstall::test::linux_cpython("3.12.4"); }

}  // namespace

TEST_CASE("torch's Requires-Dist lines") {
  auto env = linux_x86();
  auto arm = env;
  arm.set("platform_machine", "aarch64");

  Requirement cuda = Requirement::parse(
      "nvidia-cuda-runtime-cu12==12.8.90; platform_system == \"Linux\" and platform_machine == \"x86_64\"");
  CHECK(cuda.name == "nvidia-cuda-runtime-cu12");
  CHECK(cuda.package.str() == "nvidia-cuda-runtime-cu12");
  CHECK(cuda.extras.empty());
  CHECK(cuda.specifier.to_string() == "==12.8.90");
  CHECK_FALSE(cuda.url);
  CHECK(cuda.marker.to_string() == "platform_system == \"Linux\" and platform_machine == \"x86_64\"");
  CHECK(cuda.applies(env));
  CHECK_FALSE(cuda.applies(arm));
  CHECK(cuda.to_string() ==
        "nvidia-cuda-runtime-cu12==12.8.90; platform_system == \"Linux\" and platform_machine == \"x86_64\"");

  Requirement triton =
      Requirement::parse("triton==3.5.1; platform_system == \"Linux\" and platform_machine == \"x86_64\"");
  CHECK(triton.package.str() == "triton");
  CHECK(triton.specifier.contains(Version::from_string("3.5.1")));
  CHECK_FALSE(triton.specifier.contains(Version::from_string("3.5.0")));

  Requirement sympy = Requirement::parse("sympy>=1.13.3");
  CHECK(sympy.specifier.to_string() == ">=1.13.3");
  CHECK(sympy.marker.is_always_true());
  CHECK(sympy.applies(env));
  CHECK(sympy.to_string() == "sympy>=1.13.3");

  Requirement einsum = Requirement::parse("opt-einsum>=3.3; extra == \"opt-einsum\"");
  CHECK_FALSE(einsum.applies(env));
  CHECK(einsum.applies(env, {"opt-einsum"}));
  CHECK(einsum.applies(env, {"opt_einsum"}));
  CHECK(einsum.marker.referenced_extras() == std::vector<std::string>{"opt-einsum"});

  Requirement numpy = Requirement::parse("numpy; python_version >= \"3.10\"");
  CHECK(numpy.specifier.empty());
  CHECK(numpy.applies(env));
  auto old = env;
  old.set("python_version", "3.9");
  CHECK_FALSE(numpy.applies(old));
  CHECK(numpy.to_string() == "numpy; python_version >= \"3.10\"");

  for (const char* line : {"filelock", "typing-extensions>=4.10.0", "networkx>=2.5.1", "jinja2", "fsspec>=0.8.5",
                           "setuptools; python_version >= \"3.12\"", "optree>=0.13.0; extra == \"optree\"",
                           "nvidia-nccl-cu12==2.27.5; platform_system == \"Linux\" and platform_machine == \"x86_64\""}) {
    INFO(line);
    CHECK(Requirement::parse(line).to_string() == line);
  }
}

TEST_CASE("requirement parts and their normalised printing") {
  struct Case {
    std::string in, name, normalized;
    std::vector<std::string> extras;
    std::string specifier;
    std::string url, marker, printed;
  };
  const std::vector<Case> cases = {
      {"Foo_Bar[B_x,a]>=1,<2; extra==\"X_y\"", "Foo_Bar", "foo-bar", {"a", "b-x"}, "<2,>=1", "",
       "extra == \"x-y\"", "Foo_Bar[a,b-x]<2,>=1; extra == \"x-y\""},
      {"requests[socks] (>=2.0, <3)", "requests", "requests", {"socks"}, "<3,>=2.0", "", "",
       "requests[socks]<3,>=2.0"},
      {"foo (==1.0)", "foo", "foo", {}, "==1.0", "", "", "foo==1.0"},
      {"foo ( == 1.0 , < 2 )", "foo", "foo", {}, "<2,==1.0", "", "", "foo<2,==1.0"},
      {"  foo  ", "foo", "foo", {}, "", "", "", "foo"},
      {"\tfoo>=1\t", "foo", "foo", {}, ">=1", "", "", "foo>=1"},
      {"foo[]", "foo", "foo", {}, "", "", "", "foo"},
      {"foo[ ]", "foo", "foo", {}, "", "", "", "foo"},
      {"foo [bar]", "foo", "foo", {"bar"}, "", "", "", "foo[bar]"},
      {"foo[ bar , Baz ]", "foo", "foo", {"bar", "baz"}, "", "", "", "foo[bar,baz]"},
      {"foo[b,a,b,A]", "foo", "foo", {"a", "b"}, "", "", "", "foo[a,b]"},
      {"foo>=1.0,", "foo", "foo", {}, ">=1.0", "", "", "foo>=1.0"},
      {"foo>=1.0,<2,", "foo", "foo", {}, "<2,>=1.0", "", "", "foo<2,>=1.0"},
      {"foo==1.0.*", "foo", "foo", {}, "==1.0.*", "", "", "foo==1.0.*"},
      {"foo===bar", "foo", "foo", {}, "===bar", "", "", "foo===bar"},
      {"foo()", "foo", "foo", {}, "", "", "", "foo"},
      {"A.B-C_D", "A.B-C_D", "a-b-c-d", {}, "", "", "", "A.B-C_D"},
      {"1password", "1password", "1password", {}, "", "", "", "1password"},
      {"foo;os_name=='nt'", "foo", "foo", {}, "", "", "os_name == \"nt\"", "foo; os_name == \"nt\""},
      {"foo ; os_name=='nt'", "foo", "foo", {}, "", "", "os_name == \"nt\"", "foo; os_name == \"nt\""},
      {"foo>=1;os_name=='nt'", "foo", "foo", {}, ">=1", "", "os_name == \"nt\"", "foo>=1; os_name == \"nt\""},
      {"foo>=1 ; os_name=='nt' ", "foo", "foo", {}, ">=1", "", "os_name == \"nt\"", "foo>=1; os_name == \"nt\""},
      {"name @ https://x.org/a.whl ; os_name == 'nt'", "name", "name", {}, "", "https://x.org/a.whl",
       "os_name == \"nt\"", "name @ https://x.org/a.whl ; os_name == \"nt\""},
      {"pip @ file:///localbuilds/pip-1.3.1.zip", "pip", "pip", {}, "", "file:///localbuilds/pip-1.3.1.zip", "",
       "pip @ file:///localbuilds/pip-1.3.1.zip"},
      {"name@http://foo.com", "name", "name", {}, "", "http://foo.com", "", "name @ http://foo.com"},
      {"name[fred,bar] @ http://foo.com ; python_version=='2.7'", "name", "name", {"bar", "fred"}, "",
       "http://foo.com", "python_version == \"2.7\"", "name[bar,fred] @ http://foo.com ; python_version == \"2.7\""},
      {"pkg @ git+https://github.com/org/repo@v1.0#egg=pkg", "pkg", "pkg", {}, "",
       "git+https://github.com/org/repo@v1.0#egg=pkg", "", "pkg @ git+https://github.com/org/repo@v1.0#egg=pkg"},
      {"pkg @ https://h/p.whl#sha256=abc\t", "pkg", "pkg", {}, "", "https://h/p.whl#sha256=abc", "",
       "pkg @ https://h/p.whl#sha256=abc"},
      {"pkg @ file:/tmp/pkg", "pkg", "pkg", {}, "", "file:/tmp/pkg", "", "pkg @ file:/tmp/pkg"},
      {"pkg @ https://x.org/a;b", "pkg", "pkg", {}, "", "https://x.org/a;b", "", "pkg @ https://x.org/a;b"},
      {"name[quux, strange];python_version<'2.7' and platform_version=='2'", "name", "name", {"quux", "strange"}, "",
       "", "python_version < \"2.7\" and platform_version == \"2\"",
       "name[quux,strange]; python_version < \"2.7\" and platform_version == \"2\""},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    Requirement r = Requirement::parse(c.in);
    CHECK(r.name == c.name);
    CHECK(r.package.str() == c.normalized);
    CHECK(r.package.original() == c.name);
    CHECK(r.extras == c.extras);
    CHECK(r.specifier.to_string() == c.specifier);
    CHECK(r.url.value_or("") == c.url);
    CHECK(r.marker.to_string() == c.marker);
    CHECK(r.to_string() == c.printed);
    // The printed form parses back to the same requirement.
    CHECK(Requirement::parse(r.to_string()).to_string() == c.printed);
  }
}

TEST_CASE("invalid requirements are rejected with the column of the problem") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "expected package name at the start of dependency specifier at column 1"},
      {"   ", "expected package name at the start of dependency specifier at column 4"},
      {"_foo", "expected package name at the start of dependency specifier at column 1"},
      {"-foo", "expected package name at the start of dependency specifier at column 1"},
      {"foo-", "expected end or semicolon (after name and no valid version specifier) at column 4"},
      {"foo.", "expected end or semicolon (after name and no valid version specifier) at column 4"},
      {"foo_", "package name `foo_` must end with a letter or digit at column 4"},
      {"foo>=1.0abc", "expected end or semicolon (after version specifier) at column 10"},  // `a` is a pre-release
      {"foo>=1.0xyz", "expected end or semicolon (after version specifier) at column 9"},
      {"foo (>=1.0", "expected closing ')' at column 11"},
      {"foo (>=1.0 garbage)", "expected closing ')' at column 12"},
      {"foo[a b]", "expected comma between extra names at column 7"},
      {"foo[a,]", "expected extra name after comma at column 7"},
      {"foo[a_]", "extra name `a_` must end with a letter or digit at column 6"},
      {"foo[b, a__ ]>=1", "extra name `a__` must end with a letter or digit at column 10"},
      {"foo[a", "expected closing ']' at column 6"},
      {"foo[a-]", "expected closing ']' at column 6"},
      {"foo[-a]", "expected closing ']' at column 5"},
      {"foo;", "expected a marker variable or quoted string at column 5"},
      {"foo ;", "expected a marker variable or quoted string at column 6"},
      {"foo; os_name == 'nt' garbage", "expected end of dependency specifier at column 22"},
      {"foo; (os_name == 'nt'", "expected closing ')' at column 22"},
      {"foo @", "expected URL after @ at column 6"},
      {"foo @ ", "expected URL after @ at column 7"},
      {"foo @ https://x.org/a; os_name == 'nt'", "expected end or semicolon (after URL and whitespace) at column 24"},
      {"foo @ https://x.org/a os_name == 'nt'", "expected end or semicolon (after URL and whitespace) at column 23"},
      {"foo @ url", "invalid URL `url`: URL has no scheme at column 7"},
      {"foo @ /local/path", "invalid URL `/local/path`: URL has no scheme at column 7"},
      {"foo @ C:\\path\\pkg.whl", "invalid URL `C:\\path\\pkg.whl`: URL has no host at column 7"},
      {"foo @ https://", "invalid URL `https://`: URL has no host at column 7"},
      {"foo @ https:x.org", "invalid URL `https:x.org`: URL has no host at column 7"},
      {"foo @ http://[::1/p", "invalid URL `http://[::1/p`: URL has an unbalanced '[' or ']' in its host at column 7"},
      {"foo>=1 @ https://x.org/a", "expected end or semicolon (after version specifier) at column 8"},
      {"foo = 1.0", "expected end or semicolon (after name and no valid version specifier) at column 5"},
      {"foo 1.0", "expected end or semicolon (after name and no valid version specifier) at column 5"},
      {"foo>=1.0 <2", "expected end or semicolon (after version specifier) at column 10"},
      {"foo>=1.*", "expected end or semicolon (after version specifier) at column 7"},
      {"foo~=1", "expected end or semicolon (after name and no valid version specifier) at column 4"},
      {"foo>=1.0+local", "expected end or semicolon (after version specifier) at column 9"},
      {"foo,", "expected end or semicolon (after name and no valid version specifier) at column 4"},
      {"foo\n", "expected end or semicolon (after name and no valid version specifier) at column 4"},
  };
  for (const auto& [in, message] : cases) {
    INFO(in);
    std::string e = error_of(in);
    CHECK(e.starts_with("invalid requirement `" + escaped(in) + "`: "));
    CHECK(e.ends_with(message));
  }
}

TEST_CASE("requirement errors carry hints where they help") {
  CHECK(hint_of("foo @ https://x.org/a; os_name == 'nt'") ==
        "a URL runs up to whitespace: put a space before the ';' of the marker");
  CHECK(hint_of("foo = 1.0") == "compare versions with '==', not '='");
  CHECK(hint_of("foo 1.0") == "a version needs an operator, e.g. ==1.0");
  CHECK(hint_of("foo https://x.org/a.whl") == "a URL requirement is written `name @ URL`");
  CHECK(hint_of("foo>=1 @ https://x.org/a") == "a requirement has either version specifiers or a URL");
  CHECK(hint_of("foo (>=1.0") == "the '(' at column 5 is not closed");
  CHECK(hint_of("foo[a") == "the '[' at column 4 is not closed");
  CHECK(hint_of("_foo") == "a package name starts with a letter or digit");
  CHECK(hint_of("foo @ /local/path").find("name @ scheme://host/path") != std::string::npos);
  CHECK(hint_of("foo; os_name = 'nt'") == "compare with '==', not '='");
}

TEST_CASE("markers inside requirements report columns of the whole line") {
  CHECK(error_of("torch>=2; python_version >= '3.9' and").ends_with(
      "expected a marker variable or quoted string at column 38"));
  CHECK(error_of("torch>=2; platform_machine == x86_64").ends_with(
      "expected a marker variable or quoted string at column 31"));
}

TEST_CASE("the specifier of a requirement follows packaging's version grammar") {
  CHECK(Requirement::parse("foo==1.0-1").specifier.to_string() == "==1.0.post1");
  CHECK(Requirement::parse("foo==V1.0RC1").specifier.to_string() == "==1.0rc1");
  CHECK(Requirement::parse("foo== v1").specifier.to_string() == "==1");
  CHECK(Requirement::parse("foo==1!2.0").specifier.to_string() == "==1!2.0");
  CHECK(Requirement::parse("foo!=2.0.*").specifier.to_string() == "!=2.0.*");
  CHECK(Requirement::parse("foo==1.0+cu128").specifier.to_string() == "==1.0+cu128");
  CHECK(Requirement::parse("foo~=2.2.0.dev1").specifier.to_string() == "~=2.2.0.dev1");
  CHECK(Requirement::parse("foo===1.0-foo").specifier.to_string() == "===1.0-foo");
  CHECK(Requirement::parse("torch>=2.0,<2.6,!=2.3.0").specifier.specifiers().size() == 3);
}

TEST_CASE("control characters are escaped in requirement error messages") {
  std::string text("foo>=1\0", 7);
  CHECK(error_of(text) == "invalid requirement `foo>=1\\x00`: expected end or semicolon (after version specifier) at column 7");
  CHECK(error_of("foo @ ab\x01:x").starts_with("invalid requirement `foo @ ab\\x01:x`: invalid URL `ab\\x01:x`"));
}

TEST_CASE("whitespace packaging allows after a specifier's operator is any of Python's") {
  CHECK(Requirement::parse("f===\x1f" "ab").specifier.to_string() == "===ab");
  CHECK(Requirement::parse("f==\x1f" "1.0").specifier.to_string() == "==1.0");
  CHECK(Requirement::parse("f>=\v1.0").specifier.to_string() == ">=1.0");
  CHECK(Requirement::parse("f>= \t1.0").specifier.to_string() == ">=1.0");
}

TEST_CASE("a requirement longer than kMaxLength is refused at once, and long texts are echoed by their start") {
  // Pathological input (issue 18): a 100 MB name would otherwise be copied through the whole
  // pipeline; 200,000 extras would make 200,000 packages for the resolver.
  std::string name(Requirement::kMaxLength + 1, 'a');
  std::string e = error_of(name);
  CHECK(e == "invalid requirement `" + std::string(200, 'a') + "... (" + std::to_string(name.size()) +
                 " bytes)`: longer than the 65536 bytes a requirement may have");
  std::string extras = "foo[a";
  while (extras.size() < Requirement::kMaxLength) extras += ",a";
  extras += "]";
  CHECK(error_of(extras).find("longer than the 65536 bytes") != std::string::npos);
  // Just under the bound it parses, the repeated extra once.
  extras.resize(Requirement::kMaxLength - 1);
  if (extras.back() == ',') extras.pop_back();
  extras += "]";
  CHECK(Requirement::parse(extras).extras == std::vector<std::string>{"a"});
  // A syntax error in a long text is echoed by the first 200 bytes (cut before a UTF-8 sequence),
  // the column still counting in the whole text.
  std::string head = "b ; os_name == '" + std::string(183, 'c');
  REQUIRE(head.size() == 199);
  std::string long_bad = head + "\xc3\xa9" + std::string(2000, 'c') + "' x";
  std::string e2 = error_of(long_bad);
  CHECK(e2.starts_with("invalid requirement `" + head + "... (2204 bytes)`: "));
  CHECK(e2.ends_with(" at column 2204"));
  // Up to 1000 bytes the whole text is shown.
  std::string short_bad = std::string(990, 'b') + " x";
  CHECK(error_of(short_bad).starts_with("invalid requirement `" + short_bad + "`"));
}
