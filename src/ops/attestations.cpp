#include "ptinstall/ops/attestations.hpp"

#include <algorithm>
#include <future>
#include <nlohmann/json.hpp>

#include "ptinstall/net/http_cache.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::ops {

std::vector<dist::AttestationIdentity> provenance_identities(const std::string& text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    throw util::Error(util::ErrorKind::Index, "the provenance is not a JSON object");
  auto bundles = doc.find("attestation_bundles");
  if (bundles == doc.end() || !bundles->is_array())
    throw util::Error(util::ErrorKind::Index, "the provenance has no `attestation_bundles` array");
  std::vector<dist::AttestationIdentity> out;
  for (const auto& b : *bundles) {
    if (!b.is_object()) continue;
    auto pub = b.find("publisher");
    if (pub == b.end() || !pub->is_object()) continue;
    auto kind = pub->find("kind");
    if (kind == pub->end() || !kind->is_string()) continue;
    dist::AttestationIdentity id = {{"kind", kind->get<std::string>()}};
    for (const auto& [k, v] : pub->items())  // nlohmann's objects iterate by key
      if (k != "kind" && v.is_string()) id.emplace_back(k, v.get<std::string>());
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
  }
  return out;
}

void collect_attestation_identities(dist::Resolution& resolution, Services& services) {
  struct Pending {
    std::size_t package;
    std::string url;
    std::future<net::Response> response;
  };
  std::vector<Pending> pending;
  for (std::size_t i = 0; i < resolution.packages.size(); ++i) {
    std::vector<std::string> seen;
    for (const auto& f : resolution.packages[i].files) {
      if (!f.provenance || std::find(seen.begin(), seen.end(), *f.provenance) != seen.end()) continue;
      seen.push_back(*f.provenance);
      net::Request req{*f.provenance, {{"Accept", "application/json"}}};
      pending.push_back({i, *f.provenance, services.http_cache().submit(req)});
    }
  }
  for (auto& p : pending) {
    dist::ResolvedDist& rd = resolution.packages[p.package];
    try {
      net::Response r = p.response.get();
      net::raise_for_status(r, p.url);
      for (auto& id : provenance_identities(r.body))
        if (std::find(rd.attestation_identities.begin(), rd.attestation_identities.end(), id) ==
            rd.attestation_identities.end())
          rd.attestation_identities.push_back(std::move(id));
    } catch (const std::exception& e) {
      util::log::warn("cannot read the provenance of " + rd.name() + " (" + util::redact_url(p.url) + "): " + e.what() +
                      "; its attestation-identities are left out of the lock");
    }
  }
}

}  // namespace ptinstall::ops
