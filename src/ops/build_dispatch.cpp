#include "ptinstall/ops/build_dispatch.hpp"

namespace ptinstall::ops {

// No build frontend yet: can_build stays false, so BuildOptions refuses every source distribution
// with its one message. The build frontend sets can_build and answers below.
BuildDispatch::BuildDispatch(const PipOptions& options)
    : build_options_(dist::BuildOptions::from_values(options.no_binary, options.only_binary, /*can_build=*/false)) {}

std::string BuildDispatch::metadata(const dist::Dist& source) {
  build_options_.require_source_allowed(source.name, source.describe());
  return {};  // not reached while can_build is false
}

dist::BuiltWheel BuildDispatch::build_wheel(const dist::Dist& source) {
  build_options_.require_source_allowed(source.name, source.describe());
  return {};  // not reached while can_build is false
}

}  // namespace ptinstall::ops
