// PEP 740 provenance of a resolution's files, read for a lock's `attestation-identities` (PEP 751):
// the Trusted Publishers (kind, repository, workflow, ...) that attested the locked files, where the
// index publishes provenance (`data-provenance` / JSON `provenance`). The attestations themselves are
// not verified (no Sigstore here): the lock records who the index says published the files.
#pragma once
#include <string>
#include <vector>

#include "ptinstall/dist/resolution.hpp"
#include "ptinstall/ops/services.hpp"

namespace ptinstall::ops {

// The distinct publishers of a PEP 740 provenance object (JSON text): ("kind", ...) first, then the
// publisher's other string keys by name. Throws util::Error for text that is no provenance object.
std::vector<dist::AttestationIdentity> provenance_identities(const std::string& json);

// Fills ResolvedDist::attestation_identities from the provenance of each package's `files`, fetched
// in parallel through the HTTP cache. A provenance that cannot be fetched or read is left out, with a
// warning (the key is optional); nothing is fetched for files without a provenance URL.
void collect_attestation_identities(dist::Resolution& resolution, Services& services);

}  // namespace ptinstall::ops
