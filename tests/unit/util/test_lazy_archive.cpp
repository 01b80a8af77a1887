// The libarchive C API through the forwarding functions of src/util/lazy_archive.cpp (with
// -DPTINSTALL_LAZY_LIBS=OFF, straight into libarchive: the same checks hold): a zip written and
// read back in memory, and the one variadic function, archive_set_error.
#include <catch2/catch.hpp>
#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <string>
#include <vector>

#include "ptinstall/util/lazy_libs.hpp"

using namespace ptinstall;

namespace {

struct Entry {
  std::string path;
  std::string data;
  mode_t type = AE_IFREG;
  std::string link;
};

std::vector<char> write_zip(const std::vector<Entry>& entries) {
  std::vector<char> buffer(1 << 20);
  size_t used = 0;
  struct archive* w = archive_write_new();
  REQUIRE(w);
  REQUIRE(archive_write_set_format_zip(w) == ARCHIVE_OK);
  REQUIRE(archive_write_open_memory(w, buffer.data(), buffer.size(), &used) == ARCHIVE_OK);
  for (const auto& e : entries) {
    struct archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
    archive_entry_set_filetype(entry, e.type);
    archive_entry_set_perm(entry, e.type == AE_IFDIR ? 0755 : 0644);
    if (e.type == AE_IFLNK) archive_entry_set_symlink(entry, e.link.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(e.data.size()));
    REQUIRE(archive_write_header(w, entry) == ARCHIVE_OK);
    if (!e.data.empty())
      REQUIRE(archive_write_data(w, e.data.data(), e.data.size()) == static_cast<la_ssize_t>(e.data.size()));
    archive_entry_free(entry);
  }
  REQUIRE(archive_write_close(w) == ARCHIVE_OK);
  archive_write_free(w);
  buffer.resize(used);
  return buffer;
}

}  // namespace

TEST_CASE("lazy archive: require_archive loads libarchive", "[util][lazy]") {
  REQUIRE_NOTHROW(util::require_archive());
  CHECK(util::archive_loaded());
  CHECK(archive_version_number() >= 3000000);
  CHECK(std::string(archive_version_string()).rfind("libarchive ", 0) == 0);
}

TEST_CASE("lazy archive: a zip written and read back in memory", "[util][lazy]") {
  std::string big(100000, 'x');
  auto zip = write_zip({{"pkg/", "", AE_IFDIR, ""},
                        {"pkg/__init__.py", "print('hi')\n", AE_IFREG, ""},
                        {"pkg/big.bin", big, AE_IFREG, ""},
                        {"pkg/link", "", AE_IFLNK, "__init__.py"}});
  for (bool seekable : {true, false}) {
    CAPTURE(seekable);
    struct archive* r = archive_read_new();
    REQUIRE(r);
    if (seekable)
      REQUIRE(archive_read_support_format_zip_seekable(r) == ARCHIVE_OK);
    else
      REQUIRE(archive_read_support_format_zip_streamable(r) == ARCHIVE_OK);
    REQUIRE(archive_read_open_memory(r, zip.data(), zip.size()) == ARCHIVE_OK);
    struct archive_entry* entry = nullptr;

    REQUIRE(archive_read_next_header(r, &entry) == ARCHIVE_OK);
    CHECK(std::string(archive_entry_pathname(entry)) == "pkg/");
    CHECK(archive_entry_filetype(entry) == AE_IFDIR);

    REQUIRE(archive_read_next_header(r, &entry) == ARCHIVE_OK);
    CHECK(std::string(archive_entry_pathname(entry)) == "pkg/__init__.py");
    CHECK(archive_entry_filetype(entry) == AE_IFREG);
    if (archive_entry_size_is_set(entry)) CHECK(archive_entry_size(entry) == 12);
    char buf[64];
    la_ssize_t n = archive_read_data(r, buf, sizeof buf);
    REQUIRE(n == 12);
    CHECK(std::string(buf, static_cast<std::size_t>(n)) == "print('hi')\n");

    REQUIRE(archive_read_next_header(r, &entry) == ARCHIVE_OK);
    CHECK(std::string(archive_entry_pathname(entry)) == "pkg/big.bin");
    CHECK(archive_read_data_skip(r) == ARCHIVE_OK);

    REQUIRE(archive_read_next_header(r, &entry) == ARCHIVE_OK);
    CHECK(std::string(archive_entry_pathname(entry)) == "pkg/link");
    if (seekable) {  // the file type is in the central directory, which a streaming reader never sees
      CHECK(archive_entry_filetype(entry) == AE_IFLNK);
      REQUIRE(archive_entry_symlink(entry));
      CHECK(std::string(archive_entry_symlink(entry)) == "__init__.py");
    }

    CHECK(archive_read_next_header(r, &entry) == ARCHIVE_EOF);
    CHECK(archive_file_count(r) == 4);
    CHECK(archive_read_free(r) == ARCHIVE_OK);
  }
}

namespace {

la_ssize_t failing_read(struct archive* a, void* client, const void** out) {
  *out = nullptr;
  archive_set_error(a, EIO, "read %d of %s failed", *static_cast<int*>(client), "wheel.whl");
  return -1;
}

}  // namespace

TEST_CASE("lazy archive: archive_set_error formats its arguments", "[util][lazy]") {
  struct archive* r = archive_read_new();
  REQUIRE(r);
  archive_read_support_format_zip_streamable(r);
  int attempt = 3;
  CHECK(archive_read_open(r, &attempt, nullptr, failing_read, nullptr) == ARCHIVE_FATAL);
  REQUIRE(archive_error_string(r));
  CHECK(std::string(archive_error_string(r)) == "read 3 of wheel.whl failed");
  CHECK(archive_errno(r) == EIO);
  archive_set_error(r, 0, nullptr);  // a null format clears the message
  CHECK(archive_error_string(r) == nullptr);
  archive_set_error(r, ENOENT, "%s", std::string(3000, 'y').c_str());  // longer than the buffer: cut, not lost
  REQUIRE(archive_error_string(r));
  CHECK(std::string(archive_error_string(r)).size() >= 1000);
  CHECK(archive_errno(r) == ENOENT);
  archive_read_free(r);
}
