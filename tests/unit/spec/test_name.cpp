#include <catch2/catch.hpp>

#include <unordered_set>

#include "ptinstall/spec/name.hpp"
#include "ptinstall/util/error.hpp"

using namespace ptinstall::spec;

TEST_CASE("normalize_name follows PEP 503", "[spec][name]") {
  CHECK(normalize_name("Django") == "django");
  CHECK(normalize_name("zope.interface") == "zope-interface");
  CHECK(normalize_name("Foo__Bar") == "foo-bar");
  CHECK(normalize_name("foo-_.-bar") == "foo-bar");
  CHECK(normalize_name("PyTorch_Triton") == "pytorch-triton");
  CHECK(normalize_name("a") == "a");
  CHECK(normalize_name("A.B.C") == "a-b-c");
  CHECK(normalize_name("nvidia-cuda-runtime-cu12") == "nvidia-cuda-runtime-cu12");
  CHECK(normalize_name("") == "");
  // Separators at the edges are collapsed too (the name would not be valid, but normalisation is total).
  CHECK(normalize_name("_a_") == "-a-");
}

TEST_CASE("normalize_extra is the PEP 685 rule", "[spec][name]") {
  CHECK(normalize_extra("Test_Extra") == "test-extra");
  CHECK(normalize_extra("dev.docs") == "dev-docs");
}

TEST_CASE("is_valid_name is the PEP 508 name grammar", "[spec][name]") {
  for (const char* ok : {"a", "A", "0", "a1", "foo-bar", "foo_bar", "foo.bar", "a-_.b", "Z9", "torch"})
    CHECK(is_valid_name(ok));
  for (const char* bad : {"", "-a", "a-", ".a", "a.", "_", "a b", "a+b", "ä", "a/b", "a!", "a\n"})
    CHECK_FALSE(is_valid_name(bad));
}

TEST_CASE("names_equal compares normalised forms without building them", "[spec][name]") {
  CHECK(names_equal("Foo_Bar", "foo-bar"));
  CHECK(names_equal("foo...bar", "FOO-BAR"));
  CHECK_FALSE(names_equal("foobar", "foo-bar"));
  CHECK_FALSE(names_equal("foo", "foo-"));
  CHECK(names_equal("", ""));
}

TEST_CASE("PackageName keeps both spellings and compares normalised", "[spec][name]") {
  auto n = PackageName::parse("Torch_Vision");
  CHECK(n.str() == "torch-vision");
  CHECK(n.original() == "Torch_Vision");
  CHECK(n == PackageName::parse("torch.vision"));
  CHECK(PackageName::parse("a") < PackageName::parse("b"));
  std::unordered_set<PackageName> set{PackageName::parse("Foo"), PackageName::parse("foo")};
  CHECK(set.size() == 1);
  CHECK_THROWS_AS(PackageName::parse("-bad"), ptinstall::util::Error);
  CHECK_THROWS_WITH(PackageName::parse("a b"), "invalid package name `a b`");
}
