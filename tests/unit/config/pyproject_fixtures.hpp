// Marker environments and pyproject.toml texts shared by the config tests: the configuration shapes
// of uv's PyTorch guide, written out as fixtures.
#pragma once
#include <string>

#include "ptinstall/spec/marker.hpp"

namespace ptinstall::test {

inline spec::MarkerEnvironment marker_env(const std::string& os) {
  spec::MarkerEnvironment env;
  env.set("python_version", "3.12");
  env.set("python_full_version", "3.12.3");
  env.set("implementation_name", "cpython");
  env.set("platform_python_implementation", "CPython");
  if (os == "linux") {
    env.set("sys_platform", "linux");
    env.set("platform_system", "Linux");
    env.set("os_name", "posix");
    env.set("platform_machine", "x86_64");
  } else if (os == "macos") {
    env.set("sys_platform", "darwin");
    env.set("platform_system", "Darwin");
    env.set("os_name", "posix");
    env.set("platform_machine", "arm64");
  } else {
    env.set("sys_platform", "win32");
    env.set("platform_system", "Windows");
    env.set("os_name", "nt");
    env.set("platform_machine", "AMD64");
  }
  return env;
}

inline std::string index_table(const std::string& name, const std::string& url, bool explicit_only = true) {
  return "[[tool.uv.index]]\nname = \"" + name + "\"\nurl = \"" + url + "\"\n" +
         (explicit_only ? "explicit = true\n" : "") + "\n";
}

// Shape 1: no uv configuration at all.
inline const char* kPlainProject = R"([project]
name = "project"
version = "0.1.0"
requires-python = ">=3.12"
dependencies = ["torch>=2.7.0", "torchvision>=0.22.0"]
)";

// Shape 2 and 3: one explicit accelerator index, torch and torchvision (and the backend's Triton
// build, where it has one) pinned to it.
inline std::string accelerator_project(const std::string& backend, const std::string& triton = "") {
  std::string index = "pytorch-" + backend;
  std::string deps = "\"torch>=2.7.0\", \"torchvision>=0.22.0\"";
  if (!triton.empty()) deps += ", \"" + triton + "\"";
  std::string text = "[project]\nname = \"project\"\nversion = \"0.1.0\"\nrequires-python = \">=3.12\"\n"
                     "dependencies = [" + deps + "]\n\n[tool.uv.sources]\n"
                     "torch = [\n  { index = \"" + index + "\" },\n]\n"
                     "torchvision = [\n  { index = \"" + index + "\" },\n]\n";
  if (!triton.empty()) text += triton + " = [\n  { index = \"" + index + "\" },\n]\n";
  return text + "\n" + index_table(index, "https://download.pytorch.org/whl/" + backend);
}

// Shape 4: CUDA on Linux, CPU elsewhere (markers).
inline const char* kMarkerProject = R"([project]
name = "project"
version = "0.1.0"
requires-python = ">=3.12"
dependencies = ["torch>=2.7.0", "torchvision>=0.22.0"]

[tool.uv.sources]
torch = [
  { index = "pytorch-cpu", marker = "sys_platform != 'linux'" },
  { index = "pytorch-cu128", marker = "sys_platform == 'linux'" },
]
torchvision = [
  { index = "pytorch-cpu", marker = "sys_platform != 'linux'" },
  { index = "pytorch-cu128", marker = "sys_platform == 'linux'" },
]

[[tool.uv.index]]
name = "pytorch-cpu"
url = "https://download.pytorch.org/whl/cpu"
explicit = true

[[tool.uv.index]]
name = "pytorch-cu128"
url = "https://download.pytorch.org/whl/cu128"
explicit = true
)";

// Shape 5: extras choose the backend, declared as conflicting.
inline const char* kExtrasProject = R"([project]
name = "project"
version = "0.1.0"
requires-python = ">=3.12"
dependencies = []

[project.optional-dependencies]
cpu = [
  "torch>=2.7.0",
  "torchvision>=0.22.0",
]
cu128 = [
  "torch>=2.7.0",
  "torchvision>=0.22.0",
]

[tool.uv]
conflicts = [
  [
    { extra = "cpu" },
    { extra = "cu128" },
  ],
]

[tool.uv.sources]
torch = [
  { index = "pytorch-cpu", extra = "cpu" },
  { index = "pytorch-cu128", extra = "cu128" },
]
torchvision = [
  { index = "pytorch-cpu", extra = "cpu" },
  { index = "pytorch-cu128", extra = "cu128" },
]

[[tool.uv.index]]
name = "pytorch-cpu"
url = "https://download.pytorch.org/whl/cpu"
explicit = true

[[tool.uv.index]]
name = "pytorch-cu128"
url = "https://download.pytorch.org/whl/cu128"
explicit = true
)";

}  // namespace ptinstall::test
