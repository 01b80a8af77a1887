// Calling a PEP 517/660 build backend: a small Python program embedded in the binary runs in a
// subprocess of the build environment's interpreter, with the source tree as its working directory,
// `backend-path` put first on sys.path, the config settings passed, and the hook's answer written to
// a file (a chatty backend cannot corrupt it; its output is captured for the error message).
#pragma once
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ptinstall/build/build_system.hpp"
#include "ptinstall/util/error.hpp"

namespace ptinstall::build {

// What to build: a wheel, an editable wheel (PEP 660) or an sdist.
enum class BuildKind { Wheel, Editable, Sdist };
std::string_view to_string(BuildKind kind);

// A hook that failed: the message says which hook of which backend; output() is what the backend
// printed (stdout and stderr, interleaved), for the last lines of the error report.
class HookError : public util::Error {
 public:
  HookError(std::string message, std::string hint, std::string hook, std::string output)
      : util::Error(util::ErrorKind::Build, std::move(message), std::move(hint)),
        hook_(std::move(hook)),
        output_(std::move(output)) {}
  const std::string& hook() const { return hook_; }
  const std::string& output() const { return output_; }

 private:
  std::string hook_, output_;
};

struct HookRunnerOptions {
  std::filesystem::path python;                               // the build environment's interpreter
  std::filesystem::path tree;                                 // the source tree (working directory)
  BuildSystem system;
  std::map<std::string, std::vector<std::string>> config_settings;  // -C KEY=VALUE (repeatable keys)
  std::map<std::string, std::string> env;                     // extra environment (PATH of the build env, ...)
  std::optional<std::chrono::milliseconds> timeout;           // a hung backend is killed after this
};

class HookRunner {
 public:
  explicit HookRunner(HookRunnerOptions options);

  // get_requires_for_build_{wheel,editable,sdist}; an absent (optional) hook answers [].
  std::vector<std::string> get_requires(BuildKind kind);
  // prepare_metadata_for_build_{wheel,editable}: the .dist-info directory it made in `dir`;
  // nullopt when the backend does not have the (optional) hook.
  std::optional<std::filesystem::path> prepare_metadata(BuildKind kind, const std::filesystem::path& dir);
  // build_{wheel,editable,sdist}: the file it wrote in `dir`. A backend without build_editable is
  // an error naming the backend and the hook.
  std::filesystem::path build(BuildKind kind, const std::filesystem::path& dir);

  const HookRunnerOptions& options() const { return options_; }

 private:
  struct Answer;
  Answer call(const std::string& hook, const std::optional<std::filesystem::path>& dir);
  HookRunnerOptions options_;
};

// The embedded hook program (for tests and for `ptinstall` debugging).
std::string_view hook_program();

}  // namespace ptinstall::build
