#include "ptinstall/build/sdist.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>
#include <set>

#include "ptinstall/util/error.hpp"

namespace ptinstall::build {
namespace {

namespace fs = std::filesystem;

util::Error refused(const fs::path& archive, const std::string& member, const std::string& why) {
  return util::Error(util::ErrorKind::Build,
                     "refusing to unpack " + archive.filename().string() + ": member `" + member + "` " + why,
                     "a source distribution may only hold files and directories inside its own tree (PEP 706)");
}

// `name` lexically normal, relative, and inside the tree.
std::optional<fs::path> inside(const std::string& name) {
  fs::path p(name);
  if (name.empty() || p.is_absolute() || name.front() == '/') return std::nullopt;
  fs::path n = p.lexically_normal();
  if (n.empty() || n == ".") return fs::path(".");
  if (*n.begin() == "..") return std::nullopt;
  return n;
}

}  // namespace

fs::path unpack_sdist(const fs::path& archive, const fs::path& dest) {
  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_format_zip(a.get());
  if (archive_read_open_filename(a.get(), archive.c_str(), 1 << 16) != ARCHIVE_OK)
    throw util::Error(util::ErrorKind::Build,
                      "cannot read " + archive.filename().string() + ": " + std::string(archive_error_string(a.get())),
                      "a source distribution is a .tar.gz or .zip archive");
  std::unique_ptr<struct archive, int (*)(struct archive*)> out(archive_write_disk_new(), archive_write_free);
  // Permissions, but never owners or set-uid bits, and never a write through a symlink (libarchive's
  // guard as a second line; the checks below refuse such members first). Members are written to
  // absolute paths below `dest` that the checks made, so libarchive's own `..`/absolute guards, which
  // would refuse those, stay off.
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_SYMLINKS);
  std::set<std::string> top;
  struct archive_entry* entry = nullptr;
  int r;
  while ((r = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
    const char* raw = archive_entry_pathname(entry);
    std::string name = raw ? raw : "";
    auto rel = inside(name);
    if (!rel) throw refused(archive, name, "leaves the tree (an absolute path or `..`)");
    // Hard links first: libarchive gives them no file type of their own.
    if (const char* hard = archive_entry_hardlink(entry)) {
      if (!inside(hard)) throw refused(archive, name, "is a hard link to `" + std::string(hard) + "`, outside the tree");
      archive_entry_set_hardlink(entry, (dest / *inside(hard)).c_str());
    }
    mode_t type = archive_entry_filetype(entry);
    if (archive_entry_hardlink(entry) && type == 0) type = AE_IFREG;
    if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK)
      throw refused(archive, name, "is a device, a FIFO or a socket");
    if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(entry);
      std::string t = target ? target : "";
      if (t.empty() || t.front() == '/' || !inside((rel->parent_path() / t).string()))
        throw refused(archive, name, "is a link to `" + t + "`, outside the tree");
    }
    if (*rel != ".") top.insert(rel->begin()->string());
    // PEP 706's data filter: no set-uid/set-gid/sticky bits, no write bits for group and others;
    // files keep their owner's execute bit.
    mode_t perm = archive_entry_perm(entry) & 0755;
    if (type == AE_IFDIR) perm |= 0700;
    else perm |= 0600;
    archive_entry_set_perm(entry, perm);
    archive_entry_set_pathname(entry, (dest / *rel).c_str());
    archive_entry_set_uid(entry, getuid());
    archive_entry_set_gid(entry, getgid());
    if (archive_write_header(out.get(), entry) != ARCHIVE_OK)
      throw util::Error(util::ErrorKind::Io, "cannot unpack `" + name + "` of " + archive.string() + ": " +
                                                 std::string(archive_error_string(out.get())));
    if (type == AE_IFREG && archive_entry_size(entry) > 0) {
      const void* buf;
      size_t size;
      la_int64_t offset;
      int rr;
      while ((rr = archive_read_data_block(a.get(), &buf, &size, &offset)) == ARCHIVE_OK)
        if (archive_write_data_block(out.get(), buf, size, offset) < 0)
          throw util::Error(util::ErrorKind::Io, "cannot write `" + name + "`: " + std::string(archive_error_string(out.get())));
      if (rr != ARCHIVE_EOF)
        throw util::Error(util::ErrorKind::Build, "cannot read " + archive.string() + ": " + std::string(archive_error_string(a.get())));
    }
    archive_write_finish_entry(out.get());
  }
  if (r != ARCHIVE_EOF)
    throw util::Error(util::ErrorKind::Build, "cannot read " + archive.string() + ": " + std::string(archive_error_string(a.get())),
                      "the source distribution is damaged; download it again");
  if (top.size() == 1 && fs::is_directory(dest / *top.begin())) return dest / *top.begin();
  return dest;
}

}  // namespace ptinstall::build
