// PyTorch backends (`--torch-backend`): the accepted values, their CUDA/ROCm versions, and the
// index URL of each under a base URL and a release channel. Values are uv's (uv-torch backend.rs,
// see docs/torch-backend.md): exact, case-sensitive matches.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ptinstall::torch {

inline constexpr std::string_view kDefaultIndexBase = "https://download.pytorch.org/whl";

enum class Family { Cpu, Cuda, Rocm, Xpu };
std::string_view to_string(Family family);

// One concrete backend: an index under <base>/<name>.
struct Backend {
  std::string_view name;     // "cu128", "rocm6.2.4", "cpu", "xpu"
  Family family = Family::Cpu;
  std::string_view version;  // CUDA "12.8" or ROCm "6.2.4"; empty for cpu and xpu

  bool operator==(const Backend& other) const { return name == other.name; }
};

// Every concrete backend, in uv's order: cpu, CUDA newest first, ROCm newest first, xpu.
std::span<const Backend> all_backends();
const Backend* find_backend(std::string_view name);  // exact name; nullptr when unknown
const Backend& cpu_backend();
const Backend& xpu_backend();

// CUDA version ("12.8") of a CUDA backend, ROCm version ("6.2.4") of a ROCm one.
std::optional<std::string> cuda_version(const Backend& backend);
std::optional<std::string> rocm_version(const Backend& backend);

// What `--torch-backend` asked for: `auto`, or one backend.
struct BackendMode {
  bool automatic = false;
  const Backend* backend = nullptr;  // set when !automatic
  std::string to_string() const;
};

// Parses a `--torch-backend` value. Unknown value: util::Error whose hint lists the valid values.
// `origin` names where the value came from in the message ("--torch-backend", "UV_TORCH_BACKEND").
BackendMode parse_backend(std::string_view value, std::string_view origin = "--torch-backend");
// Every accepted value, "auto" first, for help and error messages.
std::vector<std::string> valid_backend_values();

enum class Channel { Stable, Test, Nightly };
std::string_view to_string(Channel channel);
Channel parse_channel(std::string_view value);  // throws util::Error on anything but stable/test/nightly

// <base>/<backend> (stable), <base>/test/<backend>, <base>/nightly/<backend>. Trailing slashes of
// `base` are dropped; the result has none.
std::string index_url(const Backend& backend, std::string_view base = kDefaultIndexBase,
                      Channel channel = Channel::Stable);

// The reverse: which backend and channel an index URL stands for. Matches URLs under `base` and
// always under the default base (scheme and host case-insensitive, a trailing slash allowed).
struct IndexOrigin {
  const Backend* backend = nullptr;
  Channel channel = Channel::Stable;
};
std::optional<IndexOrigin> backend_from_index_url(std::string_view url, std::string_view base = kDefaultIndexBase);

}  // namespace ptinstall::torch
