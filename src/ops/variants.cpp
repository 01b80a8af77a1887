#include "ptinstall/ops/variants.hpp"

#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "ptinstall/config/settings.hpp"
#include "ptinstall/spec/wheel_filename.hpp"
#include "ptinstall/torch/accelerator.hpp"
#include "ptinstall/torch/variant_providers.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::ops {

VariantSettings variant_settings(const config::Settings& S) {
  VariantSettings v;
  v.enabled = S.flag("variants");
  v.label = S.get_or("variant-label", "");
  v.properties_file = S.get_or("variant-properties", "");
  if (!v.enabled) {
    if (!v.label.empty() || !v.properties_file.empty())
      util::log::warn(std::string(!v.label.empty() ? "--variant-label" : "--variant-properties") +
                      " has no effect without --variants (PTINSTALL_VARIANTS=1)");
    return v;
  }
  if (!v.label.empty() && !spec::is_valid_variant_label(v.label))
    throw util::Error(util::ErrorKind::Usage, "invalid value `" + v.label + "` for --variant-label",
                      "a variant label has only 0-9, a-z, '_' and '.' (e.g. cuda12.8, null)");
  if (!v.properties_file.empty()) {
    std::ifstream in(v.properties_file, std::ios::binary);
    if (!in)
      throw util::Error(util::ErrorKind::Usage, "cannot read the variant properties file " + v.properties_file,
                        "--variant-properties (PTINSTALL_VARIANT_PROPERTIES) names a text file with one "
                        "`namespace :: feature :: value` per line");
    std::ostringstream ss;
    ss << in.rdbuf();
    v.user = spec::parse_user_properties(ss.str(), v.properties_file);
  }
  return v;
}

spec::SupportedProperties native_variant_properties(const Target& target, const std::filesystem::path& capability_cache) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::string>, spec::SupportedProperties> done;
  std::lock_guard lock(mutex);
  std::pair<std::string, std::string> key{std::string(torch::to_string(target.os)), target.machine};
  if (auto it = done.find(key); it != done.end()) return it->second;
  torch::DetectionInputs di = torch::DetectionInputs::from_environment();
  di.capability_cache = capability_cache;
  torch::Detection d = torch::detect_accelerator(di);
  spec::SupportedProperties native =
      torch::native_variant_properties(d, target.os, target.machine.empty() ? "x86_64" : target.machine, di.root,
                                       di.getenv("PTINSTALL_XPU_DEVICE_IP").value_or(""));
  for (const auto& [ns, features] : native.namespaces) {
    std::string line = "variant provider " + ns + " (" + native.source[ns] + "):";
    for (const auto& f : features) {
      line += " " + f.name + "=";
      for (std::size_t i = 0; i < f.values.size() && i < 4; ++i) line += (i ? "," : "") + f.values[i];
      if (f.values.size() > 4) line += ",...";
    }
    util::log::debug(line);
  }
  done.emplace(key, native);
  return native;
}

}  // namespace ptinstall::ops
