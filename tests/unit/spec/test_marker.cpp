#include <catch2/catch.hpp>

#include "support/errors.hpp"

#include <string>
#include <utility>
#include <vector>

#include "ptinstall/spec/marker.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall::spec;
using ptinstall::util::Error;

namespace {

// The input as error messages show it (a newline as \x0a).
std::string escaped(std::string s) {
  for (size_t i; (i = s.find('\n')) != std::string::npos;) s.replace(i, 1, "\\x0a");
  return s;
}

// A CPython 3.12 on Linux x86_64.
MarkerEnvironment linux_env() {
  MarkerEnvironment env;
  env.set("python_version", "3.12");
  env.set("python_full_version", "3.12.4");
  env.set("os_name", "posix");
  env.set("sys_platform", "linux");
  env.set("platform_release", "6.1.0-28-amd64");
  env.set("platform_system", "Linux");
  env.set("platform_version", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)");
  env.set("platform_machine", "x86_64");
  env.set("platform_python_implementation", "CPython");
  env.set("implementation_name", "cpython");
  env.set("implementation_version", "3.12.4");
  return env;
}

MarkerEnvironment windows_env() {
  MarkerEnvironment env = linux_env();
  env.set("os_name", "nt");
  env.set("sys_platform", "win32");
  env.set("platform_system", "Windows");
  env.set("platform_machine", "AMD64");
  env.set("platform_release", "10");
  env.set("platform_version", "10.0.19045");
  return env;
}

bool eval(std::string_view marker, const MarkerEnvironment& env, const std::vector<std::string>& extras = {}) {
  return Marker::parse(marker).evaluate(env, extras);
}

std::string error_of(std::string_view marker) {
  return ptinstall::test::error_message([&] { Marker::parse(marker); });
}

std::string hint_of(std::string_view marker) {
  return ptinstall::test::error_hint([&] { Marker::parse(marker); });
}

}  // namespace

TEST_CASE("markers print in packaging's normalised form") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"python_version>='3.8'", "python_version >= \"3.8\""},
      {"  python_version  <  \"3.10\"  ", "python_version < \"3.10\""},
      {"os_name=='nt'and sys_platform=='win32'", "os_name == \"nt\" and sys_platform == \"win32\""},
      {"python_version\t>=\t'3'", "python_version >= \"3\""},
      {"os.name == 'posix'", "os_name == \"posix\""},
      {"sys.platform == 'linux'", "sys_platform == \"linux\""},
      {"platform.version == '1'", "platform_version == \"1\""},
      {"platform.machine == 'x86_64'", "platform_machine == \"x86_64\""},
      {"platform.python_implementation == 'CPython'", "platform_python_implementation == \"CPython\""},
      {"python_implementation == 'PyPy'", "platform_python_implementation == \"PyPy\""},
      {"'linux' in sys_platform", "\"linux\" in sys_platform"},
      {"sys_platform not  in 'win32 cygwin'", "sys_platform not in \"win32 cygwin\""},
      {"sys_platform not\tin 'win32'", "sys_platform not in \"win32\""},
      {"python_version ~= '3.8'", "python_version ~= \"3.8\""},
      {"python_full_version === '3.12.4'", "python_full_version === \"3.12.4\""},
      {"extra == 'Opt_Einsum'", "extra == \"opt-einsum\""},
      {"'Opt.Einsum' == extra", "\"opt-einsum\" == extra"},
      {"os_name == 'a' and extra == 'A_b' and extra == 'C.d'", "os_name == \"a\" and extra == \"a-b\" and extra == \"c-d\""},
      {"(python_version < '3.9' or python_version >= '3.11') and os_name == 'posix'",
       "(python_version < \"3.9\" or python_version >= \"3.11\") and os_name == \"posix\""},
      // Parentheses around one comparison, or around the whole marker, are dropped.
      {"(os_name == 'a')", "os_name == \"a\""},
      {"(((os_name == 'a')))", "os_name == \"a\""},
      {"((os_name == 'a' or os_name == 'b'))", "os_name == \"a\" or os_name == \"b\""},
      {"(os_name == 'a') and (os_name == 'b')", "os_name == \"a\" and os_name == \"b\""},
      // ... but never where they change the meaning (packaging 23.0 prints `a or b and c` here).
      {"((os_name == 'a' or os_name == 'b')) and os_name == 'c'",
       "(os_name == \"a\" or os_name == \"b\") and os_name == \"c\""},
      {"os_name == 'a' and (os_name == 'b' or (os_name == 'c' and os_name == 'd'))",
       "os_name == \"a\" and (os_name == \"b\" or (os_name == \"c\" and os_name == \"d\"))"},
      // A value holding a double quote is printed in single quotes so that it parses again.
      {"os_name == '\"'", "os_name == '\"'"},
      {"os_name == \"it's\"", "os_name == \"it's\""},
      {"os_name == ''", "os_name == \"\""},
      {"os_name == sys_platform", "os_name == sys_platform"},
      {"'a' == 'b'", "\"a\" == \"b\""},
      {"os_name == 'caf\xc3\xa9'", "os_name == \"caf\xc3\xa9\""},
  };
  for (const auto& [in, out] : cases) {
    INFO(in);
    Marker m = Marker::parse(in);
    CHECK(m.to_string() == out);
    // The printed form parses back to itself.
    CHECK(Marker::parse(m.to_string()).to_string() == out);
    CHECK_FALSE(m.is_always_true());
  }
}

TEST_CASE("invalid markers are rejected with the column of the problem") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "expected a marker variable or quoted string at column 1"},
      {"   ", "expected a marker variable or quoted string at column 4"},
      {"python_version >= \"3\" and", "expected a marker variable or quoted string at column 26"},
      {"python_version >= \"3\" or ", "expected a marker variable or quoted string at column 26"},
      {"and os_name == 'a'", "expected a marker variable or quoted string at column 1"},
      {"os_name = 'posix'", "expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in at column 9"},
      {"os_name <> 'posix'", "expected a marker variable or quoted string at column 10"},
      {"os_name == posix", "expected a marker variable or quoted string at column 12"},
      {"os_name ==", "expected a marker variable or quoted string at column 11"},
      {"os_name", "expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in at column 8"},
      {"'posix'", "expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in at column 8"},
      {"os_name == 'posix", "expected a marker variable or quoted string at column 12"},
      {"os_name == \"posix'", "expected a marker variable or quoted string at column 12"},
      {"os_name == 'a' garbage", "expected end of marker expression at column 16"},
      {"os_name == 'a')", "expected end of marker expression at column 15"},
      {"(os_name == 'a'", "expected closing ')' at column 16"},
      {"(os_name == 'a' garbage)", "expected closing ')' at column 17"},
      {"()", "expected a marker variable or quoted string at column 2"},
      {"os_name == 'a' AND os_name == 'b'", "expected end of marker expression at column 16"},
      {"os_name == 'a' && os_name == 'b'", "expected end of marker expression at column 16"},
      {"os_name=='a'andos_name=='b'", "expected end of marker expression at column 13"},
      {"os_name not'in' 'a'", "expected whitespace after 'not' at column 12"},
      {"os_name not inx 'a'", "expected 'in' after 'not' at column 13"},
      {"os_name notin 'a'", "expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in at column 9"},
      {"Python_Version == '3'", "expected a marker variable or quoted string at column 1"},
      {"platform.release == '6'", "expected a marker variable or quoted string at column 1"},
      {"python_versionx == '3'", "expected a marker variable or quoted string at column 1"},
      {"os_name == 'a'\nand os_name == 'b'", "expected end of marker expression at column 15"},
      // PEP 751's sets compare only with `in` (packaging 25 reads them the same way).
      {"extras == 'a'", "extras and dependency_groups are sets: compare them only as '\"name\" in extras' at column 1"},
  };
  for (const auto& [in, message] : cases) {
    INFO(in);
    std::string e = error_of(in);
    CHECK(e.starts_with("invalid marker `" + escaped(in) + "`: "));
    CHECK(e.ends_with(message));
  }
}

TEST_CASE("marker errors carry hints where they help") {
  CHECK(hint_of("os_name = 'posix'") == "compare with '==', not '='");
  CHECK(hint_of("os_name == posix") == "quote the value: \"posix\"");
  CHECK(hint_of("Python_Version == '3'") == "write the variable as python_version");
  CHECK(hint_of("platform.release == '6'") == "write the variable as platform_release");
  CHECK(hint_of("foo == '3'").starts_with("marker variables are python_version, python_full_version"));
  CHECK(hint_of("os_name == 'posix") == "the string starting here has no closing '");
  CHECK(hint_of("os_name == 'a' AND os_name == 'b'") == "'and' and 'or' are written in lower case");
  CHECK(hint_of("os_name == 'a' && os_name == 'b'") == "combine comparisons with 'and' and 'or'");
  CHECK(hint_of("(os_name == 'a'") == "the '(' at column 1 is not closed");
  CHECK(hint_of("os_name == 'a')") == "this ')' has no matching '('");
}

TEST_CASE("deeply nested markers are refused, not a stack overflow") {
  std::string deep(5000, '(');
  CHECK(error_of(deep).find("nested too deeply") != std::string::npos);
  std::string ok = std::string(50, '(') + "os_name == 'posix'" + std::string(50, ')');
  CHECK(Marker::parse(ok).to_string() == "os_name == \"posix\"");
}

TEST_CASE("version variables compare as PEP 440 versions") {
  auto env = linux_env();
  CHECK(eval("python_version >= '3.8'", env));
  CHECK(eval("python_version > '3.9'", env));  // as strings "3.12" < "3.9"
  CHECK_FALSE(eval("python_version < '3.10'", env));
  CHECK(eval("python_version == '3.12'", env));
  CHECK(eval("python_version == '3.12.0'", env));  // zero padding
  CHECK(eval("python_version == '3.*'", env));
  CHECK(eval("python_version == '3.12.*'", env));
  CHECK_FALSE(eval("python_version == '3.1.*'", env));
  CHECK(eval("python_version != '3.1*'", env));  // not a specifier: string comparison
  CHECK(eval("python_version ~= '3.8'", env));
  CHECK_FALSE(eval("python_version ~= '3.13'", env));
  CHECK(eval("python_full_version >= '3.12.1'", env));
  CHECK(eval("python_full_version === '3.12.4'", env));
  CHECK_FALSE(eval("python_full_version === '3.12.04'", env));
  CHECK(eval("python_full_version == '3.12.4+local'", env) == false);
  CHECK(eval("'3.8' < python_version", env));  // variable on the right
  CHECK_FALSE(eval("'3.13' <= python_version", env));
  CHECK(eval("implementation_version >= '3'", env));
  CHECK(eval("python_version >= 'v3.8'", env));
  CHECK(eval("python_version == ' 3.12 '", env));  // the specifier allows surrounding spaces
  // Pre-releases are compared, never filtered out.
  env.set("python_full_version", "3.13.0rc1");
  CHECK(eval("python_full_version >= '3.13.0a1'", env));
  CHECK_FALSE(eval("python_full_version >= '3.13'", env));
  CHECK_FALSE(eval("python_full_version < '3.13'", env));  // PEP 440: <V excludes V's pre-releases
  CHECK(eval("python_full_version < '3.13.0rc2'", env));
  // An untagged build's "3.13.0+" is read as "3.13.0+local", as later packaging does.
  env.set("python_full_version", "3.13.0+");
  CHECK(eval("python_full_version >= '3.13'", env));
  CHECK(eval("python_full_version == '3.13.0'", env));
}

TEST_CASE("other variables, and values that are not versions, compare as strings") {
  auto env = linux_env();
  CHECK(eval("platform_system == 'Linux'", env));
  CHECK_FALSE(eval("platform_system == 'linux'", env));  // case-sensitive
  CHECK(eval("'linux' in sys_platform", env));
  CHECK(eval("'lin' in sys_platform", env));
  CHECK(eval("sys_platform in 'linux2 linux'", env));
  CHECK(eval("sys_platform not in 'win32 cygwin'", env));
  CHECK_FALSE(eval("'x86' not in platform_machine", env));
  CHECK(eval("platform_machine < 'y'", env));  // Python's string order
  CHECK(eval("platform_machine >= 'x86_64'", env));
  CHECK(eval("platform_machine > 'X'", env));
  // platform_release "6.1.0-28-amd64" is not a version: string comparison.
  CHECK(eval("platform_release >= '5'", env));
  CHECK(eval("platform_release >= '10'", env));  // as strings "6" > "1"
  CHECK(eval("platform_release != '6.1'", env));
  // ~= has no string meaning; === on strings is case-insensitive equality.
  CHECK_FALSE(eval("os_name ~= 'posix'", env));
  CHECK(eval("os_name === 'POSIX'", env));
  CHECK_FALSE(eval("os_name === 'posi'", env));
  // Non-version variables are compared as strings even when both sides look like versions.
  env.set("platform_version", "1.0");
  CHECK_FALSE(eval("platform_version == '1'", env));
  CHECK(eval("platform_version == '1.0'", env));
  // Two literals, or two variables, compare their values.
  CHECK(eval("'a' == 'a'", env));
  CHECK_FALSE(eval("'a' == 'b'", env));
  CHECK(eval("os_name != sys_platform", env));
  CHECK(eval("python_version == python_version", env));
}

TEST_CASE("a missing environment value is the empty string") {
  MarkerEnvironment empty;
  CHECK(eval("os_name == ''", empty));
  CHECK_FALSE(eval("os_name == 'posix'", empty));
  CHECK_FALSE(eval("python_version >= '3'", empty));  // "" < "3" as strings
  CHECK(eval("python_version < '3'", empty));
  CHECK(empty.get("os_name").empty());
}

TEST_CASE("and binds tighter than or; parentheses group") {
  auto env = linux_env();
  auto win = windows_env();
  const char* m = "sys_platform == 'win32' or sys_platform == 'linux' and platform_machine == 'aarch64'";
  CHECK_FALSE(eval(m, env));
  CHECK(eval(m, win));
  const char* p = "(sys_platform == 'win32' or sys_platform == 'linux') and platform_machine == 'aarch64'";
  CHECK_FALSE(eval(p, env));
  CHECK_FALSE(eval(p, win));
  env.set("platform_machine", "aarch64");
  CHECK(eval(m, env));
  CHECK(eval(p, env));
  CHECK(eval("os_name == 'x' or os_name == 'y' or os_name == 'posix'", env));
  CHECK_FALSE(eval("os_name == 'posix' and (os_name == 'x' or os_name == 'y')", env));
}

TEST_CASE("extra compares normalised names against the requested extras") {
  auto env = linux_env();
  Marker m = Marker::parse("extra == 'opt-einsum'");
  CHECK_FALSE(m.evaluate(env));  // no extras: extra is ""
  CHECK(m.evaluate(env, {"opt-einsum"}));
  CHECK(m.evaluate(env, {"Opt_Einsum"}));
  CHECK(m.evaluate(env, {"opt.einsum"}));
  CHECK(m.evaluate(env, {"cuda", "opt-einsum"}));
  CHECK_FALSE(m.evaluate(env, {"cuda"}));
  CHECK(Marker::parse("extra == 'OPT__EINSUM'").evaluate(env, {"opt-einsum"}));
  CHECK(Marker::parse("'opt_einsum' == extra").evaluate(env, {"opt-einsum"}));

  Marker ne = Marker::parse("extra != 'cuda'");
  CHECK(ne.evaluate(env));
  CHECK(ne.evaluate(env, {"cpu"}));
  CHECK_FALSE(ne.evaluate(env, {"cuda"}));
  CHECK_FALSE(ne.evaluate(env, {"cpu", "CUDA"}));  // != holds for every requested extra

  CHECK(Marker::parse("extra == ''").evaluate(env));
  CHECK_FALSE(Marker::parse("extra == ''").evaluate(env, {"x"}));
  CHECK(Marker::parse("extra in 'cuda cpu'").evaluate(env, {"cpu"}));
  CHECK(Marker::parse("extra not in 'cuda cpu'").evaluate(env, {"rocm"}));
  CHECK_FALSE(Marker::parse("extra not in 'cuda cpu'").evaluate(env, {"rocm", "cpu"}));

  // Two extras requested at once: each comparison holds if some extra satisfies it.
  Marker both = Marker::parse("extra == 'a' and extra == 'b'");
  CHECK(both.evaluate(env, {"a", "b"}));
  CHECK_FALSE(both.evaluate(env, {"a"}));

  Marker gated = Marker::parse("python_version >= '3.9' and extra == 'test'");
  CHECK(gated.evaluate(env, {"test"}));
  env.set("python_version", "3.8");
  CHECK_FALSE(gated.evaluate(env, {"test"}));
}

TEST_CASE("referenced extras are normalised, sorted and unique") {
  CHECK(Marker::parse("extra == 'B_x' or extra == 'a' or 'b.X' == extra and os_name == 'nt'").referenced_extras() ==
        std::vector<std::string>{"a", "b-x"});
  CHECK(Marker::parse("os_name == 'nt'").referenced_extras().empty());
  CHECK(Marker().referenced_extras().empty());
  CHECK(Marker::parse("extra != 'cuda'").referenced_extras() == std::vector<std::string>{"cuda"});
}

TEST_CASE("the empty marker is always true") {
  Marker m;
  CHECK(m.is_always_true());
  CHECK(m.to_string().empty());
  CHECK(m.evaluate(MarkerEnvironment{}));
  CHECK(m.evaluate(MarkerEnvironment{}, {"x"}));
}

TEST_CASE("conjunction and disjunction") {
  Marker a = Marker::parse("os_name == 'posix'");
  Marker b = Marker::parse("python_version >= '3.9' and python_version < '3.13'");
  Marker c = Marker::parse("sys_platform == 'win32' or sys_platform == 'cygwin'");
  CHECK(Marker::conjunction(a, Marker()).to_string() == a.to_string());
  CHECK(Marker::conjunction(Marker(), a).to_string() == a.to_string());
  CHECK(Marker::conjunction(Marker(), Marker()).is_always_true());
  CHECK(Marker::conjunction(a, b).to_string() ==
        "os_name == \"posix\" and python_version >= \"3.9\" and python_version < \"3.13\"");
  CHECK(Marker::conjunction(a, c).to_string() ==
        "os_name == \"posix\" and (sys_platform == \"win32\" or sys_platform == \"cygwin\")");
  CHECK(Marker::conjunction(c, a).to_string() ==
        "(sys_platform == \"win32\" or sys_platform == \"cygwin\") and os_name == \"posix\"");
  CHECK(Marker::disjunction(a, b).to_string() ==
        "os_name == \"posix\" or (python_version >= \"3.9\" and python_version < \"3.13\")");
  CHECK(Marker::disjunction(a, Marker()).is_always_true());

  auto env = linux_env();
  auto win = windows_env();
  Marker ac = Marker::conjunction(a, c);
  CHECK_FALSE(ac.evaluate(env));
  CHECK_FALSE(ac.evaluate(win));  // os_name is "nt" there
  CHECK(Marker::conjunction(a, b).evaluate(env));
  CHECK(Marker::disjunction(c, a).evaluate(env));
  CHECK(Marker::disjunction(c, a).evaluate(win));
  // The printed form means the same thing when parsed again.
  for (const Marker& m : {ac, Marker::conjunction(c, b), Marker::disjunction(b, c)}) {
    Marker again = Marker::parse(m.to_string());
    CHECK(again == m);
    CHECK(again.evaluate(env) == m.evaluate(env));
    CHECK(again.evaluate(win) == m.evaluate(win));
  }
}

TEST_CASE("real markers from torch's and its dependencies' Requires-Dist") {
  auto env = linux_env();
  auto win = windows_env();
  auto arm = linux_env();
  arm.set("platform_machine", "aarch64");
  const char* cuda = "platform_system == \"Linux\" and platform_machine == \"x86_64\"";
  CHECK(eval(cuda, env));
  CHECK_FALSE(eval(cuda, win));
  CHECK_FALSE(eval(cuda, arm));
  CHECK(eval("python_version >= \"3.10\"", env));
  CHECK(eval("extra == \"opt-einsum\"", env, {"opt-einsum"}));
  CHECK_FALSE(eval("extra == \"opt-einsum\"", env));
  CHECK(eval("python_version >= \"3.12\"", env));  // setuptools; python_version >= "3.12"
  CHECK_FALSE(eval("sys_platform == \"win32\"", env));
  CHECK(eval("sys_platform == \"win32\"", win));
  CHECK(eval("platform_system == \"Windows\"", win));
  CHECK(eval("platform_machine != \"aarch64\" and platform_machine != \"arm64\" and python_version < \"3.14\"", env));
  CHECK_FALSE(eval("platform_machine != \"aarch64\" and platform_machine != \"arm64\"", arm));
  CHECK(eval("python_version < \"3.13\" or platform_python_implementation != \"CPython\"", env));
  CHECK_FALSE(eval("python_version >= \"3.13\" or platform_python_implementation != \"CPython\"", env));
  CHECK(eval("implementation_name == \"cpython\" and python_full_version < \"3.14\"", env));
}

TEST_CASE("marker variable names") {
  CHECK(marker_variable_names().size() == 12);
  CHECK(marker_variable_names().front() == "python_version");
  CHECK(marker_variable_names().back() == "extra");
  CHECK(is_version_marker_variable("python_version"));
  CHECK(is_version_marker_variable("platform_release"));
  CHECK_FALSE(is_version_marker_variable("platform_version"));
  CHECK_FALSE(is_version_marker_variable("extra"));
}

TEST_CASE("control characters in the text are escaped in error messages") {
  std::string text("os_name <> \0\"posix\"", 19);
  std::string e = error_of(text);
  CHECK(e == "invalid marker `os_name <> \\x00\"posix\"`: expected a marker variable or quoted string at column 10");
  CHECK(error_of("os_name == 'a'\nx").starts_with("invalid marker `os_name == 'a'\\x0ax`"));
  CHECK(error_of("os_name ==\t").starts_with("invalid marker `os_name ==\t`"));
}

TEST_CASE("version comparisons ignore Python whitespace around the values") {
  MarkerEnvironment env;
  env.set("python_version", "\x1f" "3.12\v");
  CHECK(Marker::parse("python_version >= '\x1c" "3.8\f'").evaluate(env));
  CHECK_FALSE(Marker::parse("python_version < '\x1c" "3.8\f'").evaluate(env));
}

TEST_CASE("PEP 751 markers: extras and dependency_groups are sets of names") {
  MarkerEnvironment env;
  env.set("sys_platform", "linux");
  CHECK_FALSE(Marker::parse("'cpu' in extras").evaluate(env));
  CHECK(Marker::parse("'cpu' not in extras").evaluate(env));
  env.extras = {"cpu"};
  env.dependency_groups = {"dev"};
  CHECK(Marker::parse("'cpu' in extras").evaluate(env));
  CHECK(Marker::parse("'CPU' in extras and sys_platform == 'linux'").evaluate(env));
  CHECK_FALSE(Marker::parse("'cu128' in extras").evaluate(env));
  CHECK(Marker::parse("'dev' in dependency_groups").evaluate(env));
  CHECK_FALSE(Marker::parse("'dev' not in dependency_groups or 'cu128' in extras").evaluate(env));
  // The set is not a string: "cp" is no member even though it is a substring of "cpu".
  CHECK_FALSE(Marker::parse("'cp' in extras").evaluate(env));
  CHECK(Marker::parse("'My_Extra' in extras").to_string() == "\"my-extra\" in extras");
  CHECK(Marker::parse("\"dev\" not in dependency_groups").to_string() == "\"dev\" not in dependency_groups");
  // `extra` (PEP 508) is still a variable of its own.
  CHECK_FALSE(Marker::parse("extra == 'cpu'").evaluate(env));
  for (const char* bad : {"extras == 'cpu'", "extras in 'cpu'", "'cpu' == extras", "dependency_groups in extras"})
    CHECK_THROWS_WITH(Marker::parse(bad), Catch::Contains("extras and dependency_groups are sets"));
  CHECK(marker_variable_names().size() == 12);
}

TEST_CASE("PEP 825 variant markers: the label as a string, the sets with in / not in") {
  MarkerEnvironment env;
  env.set("variant_label", "cuda12.8");
  env.variant_namespaces = {"nvidia"};
  env.variant_features = {"nvidia :: sm_arch", "nvidia :: cuda_version_lower_bound"};
  env.variant_properties = {"nvidia :: sm_arch :: 86_real", "nvidia :: cuda_version_lower_bound :: 12.8"};
  CHECK(Marker::parse("variant_label == 'cuda12.8'").evaluate(env));
  CHECK(Marker::parse("variant_label != 'null'").evaluate(env));
  CHECK(Marker::parse("'nvidia' in variant_namespaces").evaluate(env));
  CHECK_FALSE(Marker::parse("'amd' in variant_namespaces").evaluate(env));
  CHECK(Marker::parse("'nvidia::sm_arch' in variant_features").evaluate(env));  // whitespace is ignored
  CHECK(Marker::parse("'nvidia ::  sm_arch :: 86_real' in variant_properties").evaluate(env));
  CHECK(Marker::parse("'nvidia :: sm_arch :: 120_real' not in variant_properties").evaluate(env));
  // A non-variant wheel: empty label, empty sets.
  MarkerEnvironment plain;
  CHECK(Marker::parse("variant_label == ''").evaluate(plain));
  CHECK_FALSE(Marker::parse("'nvidia' in variant_namespaces").evaluate(plain));
  CHECK_THROWS_WITH(Marker::parse("variant_features == 'x'"), Catch::Contains("variant_features"));
}

TEST_CASE("comparisons() lists each variable compared, read from the variable's side") {
  auto cs = Marker::parse("python_version >= '3.10' and ('3.12' > python_full_version or sys_platform == 'win32')").comparisons();
  REQUIRE(cs.size() == 3);
  CHECK(cs[0].variable == "python_version");
  CHECK(cs[0].op == ">=");
  CHECK(cs[0].value == "3.10");
  CHECK(cs[1].variable == "python_full_version");
  CHECK(cs[1].op == "<");
  CHECK(cs[1].value == "3.12");
  CHECK(cs[2].variable == "sys_platform");
  CHECK(cs[2].op == "==");
  CHECK(cs[2].value == "win32");
  auto in = Marker::parse("'linux' in sys_platform").comparisons();
  REQUIRE(in.size() == 1);
  CHECK(in[0].op == "in");
  CHECK(in[0].literal_left);
  CHECK(Marker().comparisons().empty());
}

TEST_CASE("decide_extras: the extra comparisons decided, the rest kept", "[spec][marker]") {
  auto decided = [](std::string_view text, std::vector<std::string> extras) -> std::string {
    auto m = ptinstall::spec::Marker::parse(text).decide_extras(extras);
    return m ? m->to_string() : "<never>";
  };
  CHECK(decided("extra == 'fast'", {"fast"}) == "");
  CHECK(decided("extra == 'fast'", {}) == "<never>");
  CHECK(decided("extra == 'Fast_Mode' and sys_platform == 'win32'", {"fast-mode"}) == "sys_platform == \"win32\"");
  CHECK(decided("sys_platform == 'win32' and extra == 'x'", {"y"}) == "<never>");
  CHECK(decided("extra == 'x' or python_version < '3.9'", {}) == "python_version < \"3.9\"");
  CHECK(decided("extra == 'x' or python_version < '3.9'", {"x"}) == "");
  CHECK(decided("(os_name == 'nt' or extra == 'a') and (extra == 'b' or sys_platform == 'linux')", {"a"}) ==
        "sys_platform == \"linux\"");
  CHECK(decided("(os_name == 'nt' or sys_platform == 'darwin') and extra == 'a'", {"a"}) ==
        "os_name == \"nt\" or sys_platform == \"darwin\"");
  CHECK(decided("python_version >= '3.8' and (os_name == 'nt' or sys_platform == 'darwin') and extra != 'a'", {}) ==
        "python_version >= \"3.8\" and (os_name == \"nt\" or sys_platform == \"darwin\")");
  CHECK(decided("implementation_name == 'cpython'", {"a"}) == "implementation_name == \"cpython\"");
  CHECK(Marker().decide_extras({})->is_always_true());
}
