// Small helpers shared by the install layer's sources (not a public header): the path of an
// installed file as RECORD lists it, and the process umask.
#pragma once
#include <sys/stat.h>

#include <filesystem>
#include <string>

namespace ptinstall::install::detail {

// `file` relative to `lib_dir` with forward slashes (RECORD's spelling); absolute when outside it.
inline std::string record_path(const std::filesystem::path& file, const std::filesystem::path& lib_dir) {
  std::filesystem::path rel = file.lexically_normal().lexically_relative(lib_dir.lexically_normal());
  if (rel.empty()) rel = file;
  return rel.generic_string();
}

// The umask, read once (reading it means setting it, which is not thread-safe to repeat).
inline mode_t current_umask() {
  static const mode_t mask = [] {
    mode_t m = ::umask(0);
    ::umask(m);
    return m;
  }();
  return mask;
}

}  // namespace ptinstall::install::detail
