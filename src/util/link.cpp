#include "ptinstall/util/link.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/log.hpp"

namespace ptinstall::util {
namespace {

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

// Opens src for reading and creates dst (exclusively) with src's permission bits.
int open_pair(const std::filesystem::path& src, const std::filesystem::path& dst, int& in, int& out, mode_t& mode) {
  in = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return errno;
  struct stat st {};
  if (::fstat(in, &st) != 0) {
    int e = errno;
    ::close(in);
    return e;
  }
  mode = st.st_mode & 07777;
  out = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    int e = errno;
    ::close(in);
    return e;
  }
  return 0;
}

// The umask does not apply to fchmod, so the mode is exactly src's.
int finish_mode(int out, mode_t mode) { return ::fchmod(out, mode) == 0 ? 0 : errno; }

bool clone_unsupported(int e) {
  return e == EOPNOTSUPP || e == EINVAL || e == ENOTTY || e == EXDEV || e == ENOSYS || e == EPERM || e == EBADF;
}

bool hardlink_unsupported(int e) { return e == EXDEV || e == EPERM || e == EMLINK || e == EOPNOTSUPP || e == EACCES; }

}  // namespace

LinkMode parse_link_mode(std::string_view text) {
  if (text == "clone") return LinkMode::Clone;
  if (text == "hardlink") return LinkMode::Hardlink;
  if (text == "copy") return LinkMode::Copy;
  if (text == "symlink") return LinkMode::Symlink;
  throw Error("invalid link mode `" + std::string(text) + "`", "use one of clone, hardlink, copy, symlink");
}

std::string_view to_string(LinkMode mode) {
  switch (mode) {
    case LinkMode::Clone: return "clone";
    case LinkMode::Hardlink: return "hardlink";
    case LinkMode::Copy: return "copy";
    case LinkMode::Symlink: return "symlink";
  }
  return "copy";
}

int try_clone(const std::filesystem::path& src, const std::filesystem::path& dst) {
  int in = -1, out = -1;
  mode_t mode = 0644;
  if (int e = open_pair(src, dst, in, out, mode)) return e;
  Fd fin(in), fout(out);
  int e = 0;
  if (::ioctl(out, FICLONE, in) != 0) e = errno;
  if (!e) e = finish_mode(out, mode);
  if (e) ::unlink(dst.c_str());
  return e;
}

int try_hardlink(const std::filesystem::path& src, const std::filesystem::path& dst) {
  return ::link(src.c_str(), dst.c_str()) == 0 ? 0 : errno;
}

int try_symlink(const std::filesystem::path& src, const std::filesystem::path& dst) {
  return ::symlink(src.c_str(), dst.c_str()) == 0 ? 0 : errno;
}

int try_copy(const std::filesystem::path& src, const std::filesystem::path& dst) {
  int in = -1, out = -1;
  mode_t mode = 0644;
  if (int e = open_pair(src, dst, in, out, mode)) return e;
  Fd fin(in), fout(out);
  int e = 0;
  // copy_file_range first (in-kernel, reflinks on some filesystems), then sendfile, then read/write.
  int method = 0;
  for (;;) {
    ssize_t n = -1;
    if (method == 0) {
      n = ::copy_file_range(in, nullptr, out, nullptr, 1 << 30, 0);
      if (n < 0 && (errno == ENOSYS || errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP || errno == EPERM)) {
        method = 1;
        continue;
      }
    } else if (method == 1) {
      n = ::sendfile(out, in, nullptr, 1 << 30);
      if (n < 0 && (errno == ENOSYS || errno == EINVAL)) {
        method = 2;
        continue;
      }
    } else {
      char buf[1 << 16];
      n = ::read(in, buf, sizeof buf);
      if (n > 0) {
        ssize_t off = 0;
        while (off < n) {
          ssize_t w = ::write(out, buf + off, static_cast<size_t>(n - off));
          if (w < 0) {
            if (errno == EINTR) continue;
            break;
          }
          off += w;
        }
        if (off < n) {
          e = errno ? errno : EIO;
          break;
        }
      }
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      e = errno;
      break;
    }
    if (n == 0) break;
  }
  if (!e) e = finish_mode(out, mode);
  if (e) ::unlink(dst.c_str());
  return e;
}

LinkMode Linker::link(const std::filesystem::path& src, const std::filesystem::path& dst) {
  if (int e = try_link(src, dst))
    throw Error(ErrorKind::Io, "failed to " + std::string(to_string(current_.load())) + " " + src.string() + " to " +
                                   dst.string() + ": " + std::strerror(e));
  return current_.load();
}

int Linker::try_link(const std::filesystem::path& src, const std::filesystem::path& dst) {
  LinkMode mode = current_.load();
  for (;;) {
    int e = 0;
    switch (mode) {
      case LinkMode::Clone: e = try_clone(src, dst); break;
      case LinkMode::Hardlink: e = try_hardlink(src, dst); break;
      case LinkMode::Copy: e = try_copy(src, dst); break;
      case LinkMode::Symlink: e = try_symlink(src, dst); break;
    }
    if (e == 0) return 0;
    if (e == EEXIST || e == ENOENT) return e;
    LinkMode next = mode;
    if (mode == LinkMode::Clone && clone_unsupported(e)) {
      next = LinkMode::Hardlink;
    } else if (mode == LinkMode::Hardlink && hardlink_unsupported(e)) {
      next = LinkMode::Copy;
      // A silent fallback when clone was merely the default; a warning when hardlink was asked for.
      if (requested_ == LinkMode::Hardlink && !warned_.exchange(true))
        log::warn("failed to hardlink files (" + std::string(std::strerror(e)) +
                  "); falling back to a full copy, which may be slower; the cache and the target directory "
                  "are probably on different filesystems");
    }
    if (next == mode) return e;
    log::debug("link mode " + std::string(to_string(mode)) + " failed (" + std::strerror(e) + "), using " +
               std::string(to_string(next)));
    // Remember the downgrade for the following files; never upgrade again.
    LinkMode expected = mode;
    current_.compare_exchange_strong(expected, next);
    mode = next;
  }
}

}  // namespace ptinstall::util
