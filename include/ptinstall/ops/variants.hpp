// --variants (PEP 825/850): the settings read once, and the machine's properties from the user's file
// (--variant-properties / PTINSTALL_VARIANT_PROPERTIES) and from the native providers, which reuse
// --torch-backend's detection (torch/variant_providers.hpp). docs/variants.md.
#pragma once
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
  spec::SupportedProperties native;    // detected
};

// Off: nothing is read or detected. On: reads the user's file (usage error when missing or malformed)
// and runs the accelerator detection (its errors propagate, as for --torch-backend=auto).
VariantSettings variant_settings(const config::Settings& settings, const Target& target);

}  // namespace ptinstall::ops
