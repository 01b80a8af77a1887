#include "ptinstall/util/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ptinstall/util/error.hpp"

namespace ptinstall::util {

std::optional<std::string> try_read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(ss).str();
}

std::string read_file(const fs::path& path) {
  auto content = try_read_file(path);
  if (!content) throw Error("failed to read " + path.string() + ": " + std::strerror(errno));
  return *content;
}

void write_file_atomic(const fs::path& path, std::string_view content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::string tmpl = path.string() + ".tmp-XXXXXX";
  int fd = mkstemp(tmpl.data());
  if (fd < 0) throw Error("failed to create a file beside " + path.string() + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t w = ::write(fd, content.data() + done, content.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmpl.c_str());
      throw Error("failed to write " + path.string() + ": " + std::strerror(e));
    }
    done += static_cast<size_t>(w);
  }
  ::fchmod(fd, 0644);
  ::close(fd);
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmpl.c_str());
    throw Error("failed to write " + path.string() + ": " + std::strerror(e));
  }
}

bool is_plain_relative_path(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

TempDir::TempDir(const fs::path& parent, std::string_view prefix) {
  fs::create_directories(parent);
  std::string tmpl = (parent / (std::string(prefix) + "XXXXXX")).string();
  if (!mkdtemp(tmpl.data()))
    throw Error("failed to create a temporary directory in " + parent.string() + ": " + std::strerror(errno));
  path_ = tmpl;
}

TempDir::~TempDir() {
  if (!owned_) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path TempDir::release() {
  owned_ = false;
  return path_;
}

}  // namespace ptinstall::util
