#include "ptinstall/build/hook_runner.hpp"

#include <nlohmann/json.hpp>

#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/strings.hpp"
#include "ptinstall/util/subprocess.hpp"

namespace ptinstall::build {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string_view to_string(BuildKind kind) {
  switch (kind) {
    case BuildKind::Wheel: return "wheel";
    case BuildKind::Editable: return "editable";
    case BuildKind::Sdist: return "sdist";
  }
  return "wheel";
}

struct HookRunner::Answer {
  json value;
  bool unsupported = false;
};

HookRunner::HookRunner(HookRunnerOptions options) : options_(std::move(options)) {}

HookRunner::Answer HookRunner::call(const std::string& hook, const std::optional<fs::path>& dir) {
  util::TempDir scratch;
  const fs::path program = scratch.path() / "ptinstall_hook.py";
  const fs::path answer_file = scratch.path() / "answer.json";
  util::write_file_atomic(program, hook_program());

  util::ProcessOptions po;
  po.cwd = options_.tree.string();
  po.env_overrides = options_.env;
  po.env_overrides["PTINSTALL_BUILD_BACKEND"] = options_.system.backend;
  po.env_overrides["PTINSTALL_BACKEND_PATH"] = json(options_.system.backend_path).dump();
  if (!options_.config_settings.empty()) {
    json cs = json::object();
    for (const auto& [k, values] : options_.config_settings) cs[k] = values.size() == 1 ? json(values[0]) : json(values);
    po.env_overrides["PTINSTALL_CONFIG_SETTINGS"] = cs.dump();
  }
  if (dir) po.env_overrides["PTINSTALL_HOOK_DIR"] = dir->string();
  po.env_remove = {"PYTHONHOME", "__PYVENV_LAUNCHER__"};
  po.timeout = options_.timeout;
  util::log::debug("build: " + hook + " of " + options_.system.backend + " in " + options_.tree.string() + " with " +
                   options_.python.string());
  auto result = util::run_process({options_.python.string(), program.string(), hook, answer_file.string()}, po);
  const std::string who = "`" + hook + "` of the build backend `" + options_.system.backend + "`";
  if (!result)
    throw HookError("cannot run " + options_.python.string() + " for " + who, "check the interpreter", hook, "");
  std::string output = result->err + result->out;
  if (result->timed_out)
    throw HookError(who + " did not finish within the build timeout", "raise --build-timeout (PTINSTALL_BUILD_TIMEOUT) for slow builds",
                    hook, output);
  auto text = util::try_read_file(answer_file);
  if (!text)
    throw HookError(who + " exited with status " + std::to_string(result->exit_code) + " without an answer", "", hook,
                    output);
  json answer;
  try {
    answer = json::parse(*text);
  } catch (const json::exception&) {
    throw HookError(who + " gave an answer that is not JSON", "", hook, output);
  }
  Answer out;
  if (answer.value("unsupported", false)) {
    out.unsupported = true;
    return out;
  }
  if (answer.contains("error")) {
    const auto& e = answer["error"];
    std::string type = e.value("type", "Exception");
    std::string message = e.value("message", "");
    std::string trace = e.value("traceback", "");
    if (!trace.empty()) output += (output.empty() || output.back() == '\n' ? "" : "\n") + trace;
    throw HookError(who + " failed: " + type + (message.empty() ? "" : ": " + message), "", hook, output);
  }
  out.value = answer.value("return", json());
  if (!output.empty()) util::log::trace("build output of " + hook + ":\n" + output);
  return out;
}

std::vector<std::string> HookRunner::get_requires(BuildKind kind) {
  std::string hook = "get_requires_for_build_" + std::string(to_string(kind));
  Answer a = call(hook, std::nullopt);
  std::vector<std::string> out;
  if (a.unsupported) return out;
  if (!a.value.is_array())
    throw HookError("`" + hook + "` of `" + options_.system.backend + "` did not answer a list", "", hook, "");
  for (const auto& v : a.value)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::optional<fs::path> HookRunner::prepare_metadata(BuildKind kind, const fs::path& dir) {
  std::string hook = "prepare_metadata_for_build_" + std::string(to_string(kind));
  Answer a = call(hook, dir);
  if (a.unsupported) return std::nullopt;
  if (!a.value.is_string())
    throw HookError("`" + hook + "` of `" + options_.system.backend + "` did not answer a directory name", "", hook, "");
  return dir / a.value.get<std::string>();
}

fs::path HookRunner::build(BuildKind kind, const fs::path& dir) {
  std::string hook = "build_" + std::string(to_string(kind));
  Answer a = call(hook, dir);
  if (a.unsupported)
    throw HookError("the build backend `" + options_.system.backend + "` has no `" + hook + "` hook",
                    kind == BuildKind::Editable
                        ? "the backend does not support editable installs (PEP 660); install without -e, or use a "
                          "backend that has build_editable (setuptools>=64, hatchling, flit_core>=3.4, ...)"
                        : "",
                    hook, "");
  if (!a.value.is_string())
    throw HookError("`" + hook + "` of `" + options_.system.backend + "` did not answer a file name", "", hook, "");
  fs::path file = dir / a.value.get<std::string>();
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    throw HookError("`" + hook + "` of `" + options_.system.backend + "` answered " + file.filename().string() +
                        ", which it did not write",
                    "", hook, "");
  return file;
}

}  // namespace ptinstall::build
