#include <catch2/catch.hpp>

#include "ptinstall/ops/attestations.hpp"

using namespace ptinstall;

TEST_CASE("provenance_identities: the distinct publishers of a PEP 740 provenance object") {
  std::string doc = R"({"version": 1, "attestation_bundles": [
    {"publisher": {"kind": "GitHub", "repository": "o/r", "workflow": "release.yml", "environment": null},
     "attestations": [{}]},
    {"publisher": {"kind": "GitHub", "workflow": "release.yml", "repository": "o/r"}, "attestations": [{}]},
    {"publisher": {"repository": "no-kind"}, "attestations": [{}]},
    {"attestations": [{}]}]})";
  auto ids = ops::provenance_identities(doc);
  REQUIRE(ids.size() == 1);  // the second bundle is the same publisher; kind-less ones are skipped
  CHECK(ids[0] == dist::AttestationIdentity{{"kind", "GitHub"}, {"repository", "o/r"}, {"workflow", "release.yml"}});
  CHECK_THROWS_WITH(ops::provenance_identities("not json"), Catch::Contains("not a JSON object"));
  CHECK_THROWS_WITH(ops::provenance_identities(R"({"version": 1})"), Catch::Contains("attestation_bundles"));
}
