// Fuzz harness for configuration files: uv.toml / ptinstall.toml and pyproject.toml ([project],
// [tool.uv], [tool.ptinstall], sources, indexes, groups, and uv's tables and lists read beside them).
// Any text either reads or throws util::Error naming the file; nothing else escapes. The reader takes a path, so the input is
// written to a private temporary directory first.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "ptinstall/config/build_config.hpp"
#include "ptinstall/config/config_files.hpp"
#include "ptinstall/config/dependency_metadata.hpp"
#include "ptinstall/config/requirement_lists.hpp"
#include "ptinstall/config/pyproject.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"

using namespace ptinstall;
namespace fs = std::filesystem;

namespace {

// A private directory for the inputs, removed at exit.
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("ptinstall-fuzz-config-" + std::to_string(::getpid()));
  TempDir() {
    fs::create_directories(path);
    util::log::configure(-2, false);  // unknown-key warnings would flood the output
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const fs::path& dir() {
  static const TempDir d;
  return d.path;
}

void write(const fs::path& p, std::string_view text) {
  std::ofstream(p, std::ios::binary).write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const fs::path uv = dir() / "uv.toml", pyproject = dir() / "pyproject.toml";
  write(uv, text);
  write(pyproject, text);
  try {
    (void)config::read_config_file(uv, config::Source::ProjectFile);
  } catch (const util::Error& e) {
    if (std::string_view(e.what()).find(uv.string()) == std::string_view::npos) std::abort();
  }
  try {
    (void)config::read_config_file(pyproject, config::Source::ProjectFile);
  } catch (const util::Error&) {
  }
  try {
    (void)config::Pyproject::parse(text, pyproject);
  } catch (const util::Error&) {
  }
  // The readers of uv's tables and lists (build_config, dependency_metadata, requirement_lists): each
  // error names the file.
  for (const fs::path& p : {uv, pyproject}) {
    auto named = [&](auto&& read) {
      try {
        (void)read();
      } catch (const util::Error& e) {
        if (std::string_view(e.what()).find(p.string()) == std::string_view::npos) std::abort();
      }
    };
    named([&] { return config::read_extra_build_dependencies(p); });
    named([&] { return config::read_config_settings(p); });
    named([&] { return config::read_config_settings_package(p); });
    named([&] { return config::read_extra_build_variables(p); });
    named([&] { return config::read_dependency_metadata(p); });
    for (const char* key : {"override-dependencies", "constraint-dependencies", "build-constraint-dependencies"})
      named([&] { return config::read_requirement_list(p, key); });
  }
  return 0;
}
