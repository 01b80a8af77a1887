// The pipeline's side of the build seam (dist::BuildContext). There is no build frontend yet: every
// question about a source distribution is answered by BuildOptions' one refusal. The build frontend
// replaces these answers, running a build's own resolution and install through this same layer.
#pragma once
#include "ptinstall/dist/build_context.hpp"
#include "ptinstall/ops/options.hpp"

namespace ptinstall::ops {

class BuildDispatch : public dist::BuildContext {
 public:
  explicit BuildDispatch(const PipOptions& options);

  const dist::BuildOptions& build_options() const override { return build_options_; }
  std::string metadata(const dist::Dist& source) override;
  dist::BuiltWheel build_wheel(const dist::Dist& source) override;

 private:
  dist::BuildOptions build_options_;
};

}  // namespace ptinstall::ops
