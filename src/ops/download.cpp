#include "ptinstall/ops/download.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <future>
#include <memory>
#include <optional>

#include "ptinstall/net/http_client.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::ops {
namespace fs = std::filesystem;

namespace {

std::optional<std::string> sha256_of(const dist::Dist& d) {
  auto hashes = d.hashes();
  if (auto it = hashes.find("sha256"); it != hashes.end()) return it->second;
  return std::nullopt;
}

// One transfer in flight: the file being written and its running hash.
struct Transfer {
  DownloadedFile file;
  fs::path part;
  std::ofstream out;
  util::Sha256 hash;
  std::optional<std::string> expected;
  std::string url;
  std::future<net::Response> response;
};

bool already_there(const fs::path& target, const std::optional<std::string>& sha256) {
  std::error_code ec;
  if (!fs::is_regular_file(target, ec)) return false;
  return !sha256 || util::sha256_file(target).hex() == *sha256;
}

}  // namespace

DownloadResult download_resolution(Services& services, const dist::Resolution& resolution, const fs::path& dest) {
  DownloadResult result;
  std::error_code ec;
  fs::create_directories(dest, ec);
  if (ec) throw util::msg::io_failed("create the directory", dest, ec.message());
  static std::atomic<unsigned> counter{0};
  std::vector<std::unique_ptr<Transfer>> transfers;
  for (const auto& pkg : resolution.packages) {
    const dist::Dist& d = pkg.dist;
    if (const auto* local = std::get_if<dist::LocalPath>(&d.source); local && local->kind == dist::PathKind::Tree) {
      result.skipped.push_back(d.describe());
      continue;
    }
    if (std::holds_alternative<dist::Git>(d.source)) {
      result.skipped.push_back(d.describe());
      continue;
    }
    std::string filename = d.filename();
    fs::path target = dest / filename;
    auto sha = sha256_of(d);
    DownloadedFile file{d.name, target, false, 0};
    // A local file, or a wheel the resolver already fetched whole: copied.
    std::optional<fs::path> from = pkg.local_wheel;
    if (const auto* local = std::get_if<dist::LocalPath>(&d.source)) from = local->path;
    if (already_there(target, sha)) {
      file.existed = true;
    } else if (from) {
      if (!fs::equivalent(*from, target, ec)) {
        fs::copy_file(*from, target, fs::copy_options::overwrite_existing, ec);
        if (ec) throw util::msg::io_failed("copy " + from->string() + " to", target, ec.message());
      }
    } else {
      auto t = std::make_unique<Transfer>();
      t->file = file;
      t->part = dest / (filename + ".part-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
      t->out.open(t->part, std::ios::binary | std::ios::trunc);
      if (!t->out) throw util::msg::io_failed("write", t->part);
      t->expected = sha;
      t->url = d.url();
      Transfer* raw = t.get();
      net::StreamHandler handler;
      handler.on_chunk = [raw](std::string_view chunk) {
        raw->out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        raw->hash.update(chunk);
      };
      handler.on_reset = [raw] {
        raw->out.close();
        raw->out.open(raw->part, std::ios::binary | std::ios::trunc);
        raw->hash = util::Sha256();
      };
      net::Request req;
      req.url = t->url;
      req.decompress = false;
      t->response = services.client().submit(std::move(req), std::move(handler));
      transfers.push_back(std::move(t));
      result.files.push_back(file);  // completed below
      continue;
    }
    file.bytes = fs::file_size(target, ec);
    result.files.push_back(file);
  }
  // Wait for every transfer before raising the first failure, so that no callback outlives its file.
  std::exception_ptr first;
  for (auto& t : transfers) {
    try {
      net::Response r = t->response.get();
      t->out.close();
      net::raise_for_status(r, util::redact_url(t->url));
      std::string got = t->hash.hex();
      if (t->expected && got != *t->expected)
        throw util::msg::hash_mismatch(t->file.path.filename().string(), {*t->expected}, got,
                                       "the file does not match the hash its index gives; try again with --refresh");
      fs::rename(t->part, t->file.path);
      for (auto& f : result.files)
        if (f.path == t->file.path) f.bytes = fs::file_size(f.path, ec);
    } catch (...) {
      t->out.close();
      fs::remove(t->part, ec);  // nothing half-downloaded stays
      if (!first) first = std::current_exception();
    }
  }
  if (first) std::rethrow_exception(first);
  return result;
}

}  // namespace ptinstall::ops
