// --variants (PEP 825/850): the settings read once, and the machine's properties from the user's file
// (--variant-properties / PTINSTALL_VARIANT_PROPERTIES) and from the native providers, which reuse
// --torch-backend's detection (torch/variant_providers.hpp). docs/variants.md.
#pragma once
#include <filesystem>
#include <string>

#include "ptinstall/ops/target.hpp"
#include "ptinstall/spec/variant.hpp"

namespace ptinstall::config {
class Settings;
}

namespace ptinstall::ops {

struct VariantSettings {
  bool enabled = false;
  std::string label;                   // --variant-label
  std::string properties_file;         // --variant-properties
  spec::SupportedProperties user;      // from properties_file
};

// Off: nothing is read. On: reads the user's file (usage error when missing or malformed).
VariantSettings variant_settings(const config::Settings& settings);

// The native providers' properties for `target`: runs the accelerator detection (its errors propagate,
// as for --torch-backend=auto); the resolver calls it only once a version has variant wheels. Once per
// process and target (a second resolution, a lock install, a relabelled retry reuse it). The
// compute capability nvidia-smi gives is remembered in `capability_cache` for this boot, driver and
// set of GPUs (torch::DetectionInputs::capability_cache); empty: not remembered.
spec::SupportedProperties native_variant_properties(const Target& target,
                                                    const std::filesystem::path& capability_cache = {});

}  // namespace ptinstall::ops
