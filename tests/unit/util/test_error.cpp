#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/messages.hpp"
#include "support/errors.hpp"

using namespace ptinstall::util;

namespace {

const std::vector<ErrorKind> kAllKinds = {ErrorKind::Other,      ErrorKind::Usage, ErrorKind::Network,
                                          ErrorKind::Index,      ErrorKind::Resolution, ErrorKind::Hash,
                                          ErrorKind::Wheel,      ErrorKind::Environment, ErrorKind::Build,
                                          ErrorKind::Io};

}  // namespace

TEST_CASE("error: a kind, a message and a hint", "[error]") {
  Error e(ErrorKind::Network, "failed to fetch https://example.org/simple/x/: HTTP 503", "try again later");
  CHECK(e.kind() == ErrorKind::Network);
  CHECK(std::string(e.what()) == "failed to fetch https://example.org/simple/x/: HTTP 503");
  CHECK(e.hint() == "try again later");
  CHECK(e.exit_code() == 1);
  CHECK(Error(ErrorKind::Io, "failed to read x").hint().empty());
}

TEST_CASE("error: the legacy constructor maps exit code 2 to Usage, anything else to Other", "[error]") {
  CHECK(Error("plain").kind() == ErrorKind::Other);
  CHECK(Error("plain").exit_code() == 1);
  CHECK(Error("bad flag", "see --help", 2).kind() == ErrorKind::Usage);
  CHECK(Error("bad flag", "see --help", 2).exit_code() == 2);
  CHECK(Error("odd", "", 3).kind() == ErrorKind::Other);
  CHECK(Error("odd", "", 3).exit_code() == 1);
}

TEST_CASE("error: exit code 2 for usage errors, 1 for every other kind", "[error]") {
  for (ErrorKind k : kAllKinds) {
    INFO(to_string(k));
    CHECK(exit_code_of(k) == (k == ErrorKind::Usage ? 2 : 1));
    CHECK(Error(k, "m").exit_code() == exit_code_of(k));
  }
}

TEST_CASE("error: kinds have distinct lower-case names", "[error]") {
  std::vector<std::string> names;
  for (ErrorKind k : kAllKinds) names.emplace_back(to_string(k));
  CHECK(names == std::vector<std::string>{"other", "usage", "network", "index", "resolution", "hash", "wheel",
                                          "environment", "build", "io"});
}

TEST_CASE("error: a subclass keeps its kind when caught as util::Error", "[error]") {
  CHECK(ptinstall::test::error_kind([] { throw Error(ErrorKind::Hash, "x"); }) == "hash");
  CHECK(ptinstall::test::error_kind([] {}) == "no error");
  CHECK(ptinstall::test::error_kind([] { throw std::runtime_error("x"); }) == "not a util::Error");
}

TEST_CASE("default hints: by kind, none for Other, Resolution and Build", "[error]") {
  CHECK(default_hint(ErrorKind::Network) == "check the index URLs (--index-url, --extra-index-url) and the network");
  CHECK(default_hint(ErrorKind::Network, true) == "--offline answers only from the cache; run once without it");
  CHECK(default_hint(ErrorKind::Other).empty());
  CHECK(default_hint(ErrorKind::Resolution).empty());
  CHECK(default_hint(ErrorKind::Build).empty());  // a build failure's hint comes from the backend's output
  for (ErrorKind k : {ErrorKind::Usage, ErrorKind::Index, ErrorKind::Hash, ErrorKind::Wheel, ErrorKind::Environment,
                      ErrorKind::Io}) {
    INFO(to_string(k));
    std::string h = default_hint(k);
    CHECK_FALSE(h.empty());
    CHECK(h == default_hint(k, true));  // only network errors depend on --offline
    CHECK(h.back() != '.');             // hints carry no trailing period
  }
}

TEST_CASE("catalog: one wording for every hash mismatch", "[error]") {
  Error one = msg::hash_mismatch("demo-1.0-py3-none-any.whl", {"aa"}, "bb", "the file changed on the server");
  CHECK(one.kind() == ErrorKind::Hash);
  CHECK(std::string(one.what()) == "hash mismatch for demo-1.0-py3-none-any.whl: expected sha256:aa, got sha256:bb");
  CHECK(one.hint() == "the file changed on the server");

  Error two = msg::hash_mismatch("demo.whl", {"aa", "cc"}, "bb");
  CHECK(std::string(two.what()) == "hash mismatch for demo.whl: expected sha256:aa or sha256:cc, got sha256:bb");
  CHECK(two.hint().empty());

  Error md5 = msg::hash_mismatch("x.metadata", {"00"}, "11", {}, "md5");
  CHECK(std::string(md5.what()) == "hash mismatch for x.metadata: expected md5:00, got md5:11");
}

TEST_CASE("catalog: wheels, RECORD, fetches and files", "[error]") {
  Error w = msg::invalid_wheel("demo.whl", "no .dist-info directory", "rebuild it");
  CHECK(w.kind() == ErrorKind::Wheel);
  CHECK(std::string(w.what()) == "wheel demo.whl is invalid: no .dist-info directory");
  CHECK(w.hint() == "rebuild it");

  Error r = msg::record_mismatch("demo.whl", "demo/__init__.py", "hash", "sha256=AAA", "sha256=BBB");
  CHECK(r.kind() == ErrorKind::Wheel);
  CHECK(std::string(r.what()) ==
        "wheel demo.whl is invalid: the hash of `demo/__init__.py` does not match RECORD: expected sha256=AAA, got sha256=BBB");

  Error f = msg::fetch_failed("https://example.org/x", "Couldn't connect to server", "check the proxy");
  CHECK(f.kind() == ErrorKind::Network);
  CHECK(std::string(f.what()) == "failed to fetch https://example.org/x: Couldn't connect to server");
  CHECK(f.hint() == "check the proxy");

  Error o = msg::offline_miss("https://example.org/simple/x/");
  CHECK(o.kind() == ErrorKind::Network);
  CHECK(std::string(o.what()) == "failed to fetch https://example.org/simple/x/: not in the cache and --offline was given");
  CHECK(o.hint() == default_hint(ErrorKind::Network, true));

  Error io = msg::io_failed("read", "/tmp/x", "No such file or directory");
  CHECK(io.kind() == ErrorKind::Io);
  CHECK(std::string(io.what()) == "failed to read /tmp/x: No such file or directory");
  CHECK(std::string(msg::io_failed("write", "/tmp/y").what()) == "failed to write /tmp/y");
  CHECK(msg::io_failed("create", "/tmp/z", "No space left on device", "use --cache-dir").hint() == "use --cache-dir");
}
