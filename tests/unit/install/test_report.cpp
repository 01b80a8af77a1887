#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "ptinstall/install/report.hpp"

using namespace ptinstall;
using nlohmann::json;

namespace {

const char* kMetadata =
    "Metadata-Version: 2.1\n"
    "Name: Demo-Pkg\n"
    "Version: 1.2.3\n"
    "Summary: A demo\n"
    "Keywords: alpha, beta,gamma\n"
    "Classifier: A :: B\n"
    "Classifier: C :: D\n"
    "Requires-Dist: six>=1.0\n"
    "Requires-Dist: extra-thing; extra == \"x\"\n"
    "Provides-Extra: x\n"
    "Requires-Python: >=3.8\n"
    "Project-URL: Home, https://example.org\n"
    "X-Unknown: dropped\n"
    "\n"
    "The long description.\n";

}  // namespace

TEST_CASE("report: metadata in pip's JSON form", "[report]") {
  json m = json::parse(install::metadata_to_json(kMetadata));
  CHECK(m["metadata_version"] == "2.1");
  CHECK(m["name"] == "Demo-Pkg");
  CHECK(m["version"] == "1.2.3");
  CHECK(m["keywords"] == json::array({"alpha", "beta", "gamma"}));
  CHECK(m["classifier"] == json::array({"A :: B", "C :: D"}));
  CHECK(m["requires_dist"].size() == 2);
  CHECK(m["provides_extra"] == json::array({"x"}));
  CHECK(m["requires_python"] == ">=3.8");
  CHECK(m["project_url"] == json::array({"Home, https://example.org"}));
  CHECK(m["description"].get<std::string>().find("The long description.") != std::string::npos);
  CHECK_FALSE(m.contains("x_unknown"));
  json spaced = json::parse(install::metadata_to_json("Metadata-Version: 2.1\nName: a\nVersion: 1\nKeywords: one two\n\n"));
  CHECK(spaced["keywords"] == json::array({"one", "two"}));
  CHECK_FALSE(spaced.contains("description"));
}

TEST_CASE("report: the whole document", "[report]") {
  spec::MarkerEnvironment env;
  env.set("python_version", "3.12");
  env.set("sys_platform", "linux");
  install::ReportItem direct;
  direct.metadata_raw = kMetadata;
  direct.url = "https://user:secret@example.org/demo_pkg-1.2.3-py3-none-any.whl";
  direct.hashes = {{"sha256", "ab12"}};
  direct.is_direct = true;
  direct.requested = true;
  direct.requested_extras = {"x"};
  install::ReportItem dep;
  dep.metadata_raw = "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n\n";
  dep.url = "https://files.example.org/six-1.16.0-py2.py3-none-any.whl";
  dep.index_url = "https://tok:secret@mirror.example/whl/cu128";
  json r = json::parse(install::installation_report({direct, dep}, env, "0.1.0"));
  CHECK(r["version"] == "1");
  CHECK(r["pip_version"] == "0.1.0");
  REQUIRE(r["install"].size() == 2);
  const json& a = r["install"][0];
  CHECK(a["download_info"]["url"].get<std::string>().find("secret") == std::string::npos);
  CHECK(a["download_info"]["archive_info"]["hash"] == "sha256=ab12");
  CHECK(a["download_info"]["archive_info"]["hashes"]["sha256"] == "ab12");
  CHECK(a["is_direct"] == true);
  CHECK(a["requested"] == true);
  CHECK(a["requested_extras"] == json::array({"x"}));
  CHECK(a["metadata"]["name"] == "Demo-Pkg");
  const json& b = r["install"][1];
  CHECK(b["is_direct"] == false);
  CHECK(b["requested"] == false);
  CHECK_FALSE(b.contains("requested_extras"));
  CHECK_FALSE(a.contains("index_url"));  // a direct URL has no index
  CHECK(b["index_url"] == "https://tok:****@mirror.example/whl/cu128");
  CHECK(b["download_info"]["archive_info"] == json::object());
  CHECK(r["environment"]["python_version"] == "3.12");
  CHECK(r["environment"]["sys_platform"] == "linux");
  CHECK(r["environment"].contains("implementation_name"));
  CHECK(r["environment"].size() == 11);
  CHECK_FALSE(a.contains("variant_label"));
}

TEST_CASE("report: a variant wheel's label (PEP 825)", "[report]") {
  spec::MarkerEnvironment env;
  install::ReportItem item;
  item.metadata_raw = "Metadata-Version: 2.1\nName: torch\nVersion: 2.9.1\n\n";
  item.url = "https://example.org/whl/torch-2.9.1-cp312-cp312-manylinux_2_28_x86_64-cuda12.8.whl#sha256=ab";
  json r = json::parse(install::installation_report({item}, env, "0.1.0"));
  CHECK(r["install"][0]["variant_label"] == "cuda12.8");
  item.url = "https://example.org/whl/torch-2.9.1-cp312-cp312-manylinux_2_28_x86_64-null.whl";
  CHECK(json::parse(install::installation_report({item}, env, "0.1.0"))["install"][0]["variant_label"] == "null");
}
