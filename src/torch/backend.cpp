#include "ptinstall/torch/backend.hpp"

#include <array>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/strings.hpp"

namespace ptinstall::torch {
namespace {

using F = Family;

// The values uv 0.12.5 accepts (uv-torch backend.rs), in its order. No cu127/cu131, no rocm5.1.
constexpr std::array kBackends = {
    Backend{"cpu", F::Cpu, ""},
    Backend{"cu132", F::Cuda, "13.2"},   Backend{"cu130", F::Cuda, "13.0"},   Backend{"cu129", F::Cuda, "12.9"},
    Backend{"cu128", F::Cuda, "12.8"},   Backend{"cu126", F::Cuda, "12.6"},   Backend{"cu125", F::Cuda, "12.5"},
    Backend{"cu124", F::Cuda, "12.4"},   Backend{"cu123", F::Cuda, "12.3"},   Backend{"cu122", F::Cuda, "12.2"},
    Backend{"cu121", F::Cuda, "12.1"},   Backend{"cu120", F::Cuda, "12.0"},   Backend{"cu118", F::Cuda, "11.8"},
    Backend{"cu117", F::Cuda, "11.7"},   Backend{"cu116", F::Cuda, "11.6"},   Backend{"cu115", F::Cuda, "11.5"},
    Backend{"cu114", F::Cuda, "11.4"},   Backend{"cu113", F::Cuda, "11.3"},   Backend{"cu112", F::Cuda, "11.2"},
    Backend{"cu111", F::Cuda, "11.1"},   Backend{"cu110", F::Cuda, "11.0"},   Backend{"cu102", F::Cuda, "10.2"},
    Backend{"cu101", F::Cuda, "10.1"},   Backend{"cu100", F::Cuda, "10.0"},   Backend{"cu92", F::Cuda, "9.2"},
    Backend{"cu91", F::Cuda, "9.1"},     Backend{"cu90", F::Cuda, "9.0"},     Backend{"cu80", F::Cuda, "8.0"},
    Backend{"rocm7.2", F::Rocm, "7.2"},  Backend{"rocm7.1", F::Rocm, "7.1"},  Backend{"rocm7.0", F::Rocm, "7.0"},
    Backend{"rocm6.4", F::Rocm, "6.4"},  Backend{"rocm6.3", F::Rocm, "6.3"},  Backend{"rocm6.2.4", F::Rocm, "6.2.4"},
    Backend{"rocm6.2", F::Rocm, "6.2"},  Backend{"rocm6.1", F::Rocm, "6.1"},  Backend{"rocm6.0", F::Rocm, "6.0"},
    Backend{"rocm5.7", F::Rocm, "5.7"},  Backend{"rocm5.6", F::Rocm, "5.6"},  Backend{"rocm5.5", F::Rocm, "5.5"},
    Backend{"rocm5.4.2", F::Rocm, "5.4.2"}, Backend{"rocm5.4", F::Rocm, "5.4"}, Backend{"rocm5.3", F::Rocm, "5.3"},
    Backend{"rocm5.2", F::Rocm, "5.2"},  Backend{"rocm5.1.1", F::Rocm, "5.1.1"}, Backend{"rocm4.2", F::Rocm, "4.2"},
    Backend{"rocm4.1", F::Rocm, "4.1"},  Backend{"rocm4.0.1", F::Rocm, "4.0.1"},
    Backend{"xpu", F::Xpu, ""},
};

std::string_view strip_trailing_slashes(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

// "<scheme>://<host>" lower-cased, the rest as is; trailing slashes dropped.
std::string canonical_url(std::string_view url) {
  url = strip_trailing_slashes(util::trim(url));
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  auto host_end = url.find('/', scheme_end + 3);
  if (host_end == std::string_view::npos) host_end = url.size();
  return util::to_lower(url.substr(0, host_end)) + std::string(url.substr(host_end));
}

std::optional<IndexOrigin> match_under(const std::string& url, std::string_view base) {
  std::string prefix = canonical_url(base) + "/";
  if (url.size() <= prefix.size() || url.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  std::string_view rest = std::string_view(url).substr(prefix.size());
  IndexOrigin origin;
  if (rest.rfind("test/", 0) == 0) origin.channel = Channel::Test, rest.remove_prefix(5);
  else if (rest.rfind("nightly/", 0) == 0) origin.channel = Channel::Nightly, rest.remove_prefix(8);
  origin.backend = find_backend(rest);
  if (!origin.backend) return std::nullopt;
  return origin;
}

}  // namespace

std::string_view to_string(Family family) {
  switch (family) {
    case Family::Cpu: return "cpu";
    case Family::Cuda: return "cuda";
    case Family::Rocm: return "rocm";
    case Family::Xpu: return "xpu";
  }
  return "cpu";
}

std::span<const Backend> all_backends() { return kBackends; }

const Backend* find_backend(std::string_view name) {
  for (const auto& b : kBackends)
    if (b.name == name) return &b;
  return nullptr;
}

const Backend& cpu_backend() { return kBackends.front(); }
const Backend& xpu_backend() { return kBackends.back(); }

std::optional<std::string> cuda_version(const Backend& backend) {
  if (backend.family != Family::Cuda) return std::nullopt;
  return std::string(backend.version);
}

std::optional<std::string> rocm_version(const Backend& backend) {
  if (backend.family != Family::Rocm) return std::nullopt;
  return std::string(backend.version);
}

std::string BackendMode::to_string() const {
  if (automatic || !backend) return "auto";
  return std::string(backend->name);
}

std::vector<std::string> valid_backend_values() {
  std::vector<std::string> values{"auto"};
  for (const auto& b : kBackends) values.emplace_back(b.name);
  return values;
}

BackendMode parse_backend(std::string_view value, std::string_view origin) {
  if (value == "auto") return {true, nullptr};
  if (const Backend* b = find_backend(value)) return {false, b};
  std::string hint = "possible values: " + util::join(valid_backend_values(), ", ");
  throw util::Error(util::ErrorKind::Usage, "invalid value `" + std::string(value) + "` for " + std::string(origin),
                    hint);
}

std::string_view to_string(Channel channel) {
  switch (channel) {
    case Channel::Stable: return "stable";
    case Channel::Test: return "test";
    case Channel::Nightly: return "nightly";
  }
  return "stable";
}

Channel parse_channel(std::string_view value) {
  if (value == "stable") return Channel::Stable;
  if (value == "test") return Channel::Test;
  if (value == "nightly") return Channel::Nightly;
  throw util::Error(util::ErrorKind::Usage, "invalid value `" + std::string(value) + "` for --torch-channel",
                    "possible values: stable, test, nightly");
}

std::string index_url(const Backend& backend, std::string_view base, Channel channel) {
  std::string url(strip_trailing_slashes(base));
  if (channel != Channel::Stable) url += "/" + std::string(to_string(channel));
  url += "/";
  url += backend.name;
  return url;
}

std::optional<IndexOrigin> backend_from_index_url(std::string_view url, std::string_view base) {
  std::string canonical = canonical_url(url);
  if (auto hit = match_under(canonical, base)) return hit;
  return match_under(canonical, kDefaultIndexBase);
}

}  // namespace ptinstall::torch
