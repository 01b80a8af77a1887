// Builds wheel files for the install tests with libarchive's zip writer: regular files with modes,
// a RECORD computed from the contents (or tampered with), and hostile entries on request.
#pragma once
#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "ptinstall/spec/record.hpp"

namespace ptinstall::test {

struct ZipItem {
  enum Type { File, Dir, Symlink, Hardlink };
  ZipItem(std::string p, std::string c = "", int m = 0644, Type t = File, std::string target = "")
      : path(std::move(p)), content(std::move(c)), mode(m), type(t), link_target(std::move(target)) {}
  std::string path;
  std::string content;
  int mode = 0644;
  Type type = File;
  std::string link_target;
};

// Writes the items, in order, to `out` (a zip file).
inline void write_zip(const std::filesystem::path& out, const std::vector<ZipItem>& items) {
  struct archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  if (archive_write_open_filename(a, out.c_str()) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a));
  for (const auto& it : items) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, it.path.c_str());
    switch (it.type) {
      case ZipItem::File:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, static_cast<la_int64_t>(it.content.size()));
        break;
      case ZipItem::Dir: archive_entry_set_filetype(e, AE_IFDIR); break;
      case ZipItem::Symlink:
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_symlink(e, it.link_target.c_str());
        break;
      case ZipItem::Hardlink:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_hardlink(e, it.link_target.c_str());
        break;
    }
    archive_entry_set_perm(e, static_cast<mode_t>(it.mode));
    archive_entry_set_mtime(e, 1700000000, 0);
    if (archive_write_header(a, e) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a));
    if (it.type == ZipItem::File && !it.content.empty()) archive_write_data(a, it.content.data(), it.content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

struct WheelSpec {
  std::string name = "demo";
  std::string version = "1.0";
  std::string wheel_meta = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n";
  std::vector<ZipItem> files;          // package files (paths relative to the wheel root)
  std::string entry_points;            // entry_points.txt content, "" for none
  bool record = true;                  // write a RECORD
  std::vector<std::string> unrecorded; // paths to leave out of RECORD
  std::string tamper;                  // path whose RECORD hash is wrong
  std::string wrong_size;              // path whose RECORD size is wrong
  std::vector<std::string> phantom;    // RECORD lines for files the wheel does not have

  std::string dist_info() const { return name + "-" + version + ".dist-info"; }
};

inline std::filesystem::path build_wheel(const std::filesystem::path& dir, const WheelSpec& w) {
  std::vector<ZipItem> items = w.files;
  std::string di = w.dist_info();
  items.push_back({di + "/METADATA", "Metadata-Version: 2.1\nName: " + w.name + "\nVersion: " + w.version + "\n\n"});
  items.push_back({di + "/WHEEL", w.wheel_meta});
  if (!w.entry_points.empty()) items.push_back({di + "/entry_points.txt", w.entry_points});
  if (w.record) {
    std::vector<spec::RecordEntry> rows;
    for (const auto& it : items) {
      if (it.type != ZipItem::File) continue;
      bool skip = false;
      for (const auto& u : w.unrecorded) skip = skip || u == it.path;
      if (skip) continue;
      std::string hash = spec::record_hash(it.path == w.tamper ? it.content + "x" : it.content);
      uint64_t size = it.content.size() + (it.path == w.wrong_size ? 1 : 0);
      rows.push_back({it.path, hash, size});
    }
    for (const auto& p : w.phantom) rows.push_back({p, spec::record_hash(""), 0});
    rows.push_back({di + "/RECORD", "", std::nullopt});
    items.push_back({di + "/RECORD", spec::write_record(rows)});
  }
  auto path = dir / (w.name + "-" + w.version + "-py3-none-any.whl");
  write_zip(path, items);
  return path;
}

}  // namespace ptinstall::test
