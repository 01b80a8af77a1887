#include "ptinstall/util/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/messages.hpp"

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
  if (!content) throw msg::io_failed("read", path, std::strerror(errno));
  return *content;
}

void write_file_atomic(const fs::path& path, std::string_view content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::string tmpl = path.string() + ".tmp-XXXXXX";
  int fd = mkstemp(tmpl.data());
  if (fd < 0) throw msg::io_failed("create a file beside", path, std::strerror(errno));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t w = ::write(fd, content.data() + done, content.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmpl.c_str());
      throw msg::io_failed("write", path, std::strerror(e));
    }
    done += static_cast<size_t>(w);
  }
  ::fchmod(fd, 0644);
  ::close(fd);
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmpl.c_str());
    throw msg::io_failed("write", path, std::strerror(e));
  }
}

std::size_t pread_full(int fd, void* out, std::size_t size, std::uint64_t offset, const fs::path& path) {
  auto* p = static_cast<char*>(out);
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, p + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw msg::io_failed("read", path, std::strerror(errno));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

namespace {
// Appends the regular files below the open directory `fd` (named `prefix` relative to the root) to
// `out`; takes ownership of `fd`.
void list_files_at(int fd, const std::string& prefix, const fs::path& root, std::vector<std::string>& out) {
  DIR* d = ::fdopendir(fd);
  if (!d) {
    int e = errno;
    ::close(fd);
    throw msg::io_failed("read", root / prefix, std::strerror(e));
  }
  struct Closer {
    DIR* d;
    ~Closer() { ::closedir(d); }
  } closer{d};
  while (true) {
    errno = 0;
    struct dirent* e = ::readdir(d);
    if (!e) {
      if (errno != 0) throw msg::io_failed("read", root / prefix, std::strerror(errno));
      return;
    }
    std::string_view name(e->d_name);
    if (name == "." || name == "..") continue;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {  // some filesystems do not say: ask
      struct stat st {};
      if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      type = S_ISREG(st.st_mode) ? DT_REG : S_ISDIR(st.st_mode) ? DT_DIR : DT_LNK;
    }
    std::string rel = prefix.empty() ? std::string(name) : prefix + "/" + std::string(name);
    if (type == DT_REG) {
      out.push_back(std::move(rel));
    } else if (type == DT_DIR) {
      int sub = ::openat(::dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (sub < 0) throw msg::io_failed("read", root / rel, std::strerror(errno));
      list_files_at(sub, rel, root, out);
    }
  }
}
}  // namespace

std::vector<std::string> list_files(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw msg::io_failed("read", dir, std::strerror(errno));
  std::vector<std::string> out;
  list_files_at(fd, "", dir, out);
  return out;
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
    throw msg::io_failed("create a temporary directory in", parent, std::strerror(errno));
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
