#include "ptinstall/install/ranged_download.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "ptinstall/net/header_values.hpp"
#include "ptinstall/net/http_client.hpp"
#include "ptinstall/util/error.hpp"
#include "ptinstall/util/file_lock.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "ptinstall/util/log.hpp"
#include "ptinstall/util/messages.hpp"
#include "ptinstall/util/url.hpp"

namespace ptinstall::install {

namespace {

constexpr std::uint64_t kMiB = 1ULL << 20;
// The state is saved after this many new bytes (and when a piece ends): a killed run loses at most
// this much per connection.
constexpr std::uint64_t kSaveEvery = 8 * kMiB;

// Thrown from a consumer to stop a transfer that is no longer wanted (another one failed, or the
// reader gave up); never reported, since the first failure is.
struct Stopped : util::Error {
  Stopped() : util::Error(util::ErrorKind::Network, "download stopped") {}
};

}  // namespace

std::vector<Piece> split_pieces(std::uint64_t size, std::uint64_t piece_bytes) {
  std::vector<Piece> out;
  piece_bytes = std::max<std::uint64_t>(piece_bytes, 1);
  for (std::uint64_t at = 0; at < size; at += piece_bytes) out.push_back({at, std::min(size, at + piece_bytes), 0});
  return out;
}

std::uint64_t piece_size(std::uint64_t size, const RangedOptions& options) {
  if (options.piece_bytes) return options.piece_bytes;
  // Eight pieces per connection: the connections keep taking the next piece in file order, so the
  // bytes come in roughly from the front (the unzip and the hash follow them) and a slow connection
  // holds up little. At least 4 MiB, so that a request's round trip is small next to its transfer.
  std::uint64_t n = std::max(1u, options.connections) * 8ULL;
  return std::clamp<std::uint64_t>(size / n, 4 * kMiB, 64 * kMiB);
}

std::string to_json(const PartialState& state) {
  nlohmann::json j;
  j["url"] = state.url;
  j["size"] = state.size;
  if (state.validator) j["validator"] = *state.validator;
  auto& pieces = j["pieces"] = nlohmann::json::array();
  for (const auto& p : state.pieces) pieces.push_back({p.start, p.end, p.done});
  return j.dump() + "\n";
}

std::optional<PartialState> parse_partial_state(const std::string& text, const std::string& url, std::uint64_t size) {
  try {
    auto j = nlohmann::json::parse(text);
    PartialState s;
    s.url = j.at("url").get<std::string>();
    s.size = j.at("size").get<std::uint64_t>();
    if (s.url != url || s.size != size) return std::nullopt;
    if (j.contains("validator")) s.validator = j.at("validator").get<std::string>();
    std::uint64_t next = 0;
    for (const auto& p : j.at("pieces")) {
      Piece piece{p.at(0).get<std::uint64_t>(), p.at(1).get<std::uint64_t>(), p.at(2).get<std::uint64_t>()};
      // The pieces must tile the file, each in order; anything else is not ours to trust.
      if (piece.start != next || piece.end <= piece.start || piece.end > size || piece.done > piece.size())
        return std::nullopt;
      next = piece.end;
      s.pieces.push_back(piece);
    }
    if (next != size) return std::nullopt;
    return s;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

fs::path partial_download_stem(const Cache& root, const std::string& url) {
  std::string key = util::sha256_hex(url);
  return root.bucket("downloads-v1") / key.substr(0, 2) / key;
}

RangedDownload::RangedDownload(net::HttpClient& client, std::string url, std::uint64_t size, RangedOptions options)
    : client_(client), url_(std::move(url)), size_(size), options_(options) {}

std::unique_ptr<RangedDownload> RangedDownload::open(const Cache& root, net::HttpClient& client, std::string url,
                                                     std::uint64_t size, RangedOptions options, bool verified,
                                                     std::function<void(std::int64_t)> on_bytes) {
  const fs::path stem = partial_download_stem(root, url);
  const fs::path dir = stem.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw util::msg::io_failed("create", dir, ec.message());
  auto with = [&](const char* ext) { return fs::path(stem.string() + ext); };
  auto lock = util::FileLock::try_acquire(with(".lock"));
  if (!lock) return nullptr;
  std::unique_ptr<RangedDownload> d(new RangedDownload(client, std::move(url), size, options));
  d->on_bytes_ = std::move(on_bytes);
  d->lock_ = std::make_unique<util::FileLock>(std::move(*lock));
  d->part_ = with(".part");
  d->state_file_ = with(".json");
  std::optional<PartialState> saved;
  if (fs::exists(d->part_, ec)) {
    if (auto text = util::try_read_file(d->state_file_)) saved = parse_partial_state(*text, d->url_, size);
    // Bytes nothing can vouch for (no hash to check the whole against, no validator to ask the
    // server whether the file is still the same) are not kept.
    if (saved && !verified && !saved->validator) saved.reset();
  }
  if (saved) {
    d->pieces_ = saved->pieces;
    d->validator_ = saved->validator;
    for (const auto& p : d->pieces_) d->resumed_ += p.done;
  } else {
    d->pieces_ = split_pieces(size, piece_size(size, options));
    fs::remove(d->state_file_, ec);
    fs::remove(d->part_, ec);
  }
  d->taken_.assign(d->pieces_.size(), false);
  d->fd_ = ::open(d->part_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (d->fd_ < 0) throw util::msg::io_failed("create", d->part_, std::strerror(errno));
  // The file at its final size from the start (sparse), so that every piece can be written in place.
  if (::ftruncate(d->fd_, static_cast<off_t>(size)) != 0)
    throw util::msg::io_failed("write", d->part_, std::strerror(errno));
  if (d->resumed_)
    util::log::debug("continuing " + util::redact_url(d->url_) + " from " + std::to_string(d->resumed_) + " of " +
                     std::to_string(size) + " bytes an earlier run downloaded");
  return d;
}

RangedDownload::~RangedDownload() {
  abandon();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  if (fd_ >= 0) ::close(fd_);
  std::lock_guard lock(mutex_);
  if (!part_.empty() && fs::exists(part_)) {
    try {
      save_locked();
    } catch (const std::exception&) {
    }
  }
}

void RangedDownload::start() {
  bool all_done = std::all_of(pieces_.begin(), pieces_.end(), [](const Piece& p) { return p.complete(); });
  if (all_done) {  // an earlier run got every byte and stopped before unpacking: nothing to ask for
    std::lock_guard lock(mutex_);
    mode_ = Mode::ranges;
    return;
  }
  unsigned n = std::max(1u, options_.connections);
  for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this, i] { connection(i == 0); });
}

void RangedDownload::connection(bool first) {
  try {
    for (;;) {
      auto piece = next_piece(first);
      if (!piece) return;
      fetch_piece(*piece, first);
      first = false;
    }
  } catch (...) {
    fail(std::current_exception());
  }
}

// The first connection takes the first piece not in; the others wait until its answer says whether
// the server serves ranges, then take the last piece (the zip's central directory, which the unzip
// reads first) and then the rest in file order.
std::optional<std::size_t> RangedDownload::next_piece(bool first) {
  std::unique_lock lock(mutex_);
  if (!first) changed_.wait(lock, [&] { return mode_ != Mode::undecided || failure_ || abandoned_; });
  if (failure_ || abandoned_) return std::nullopt;
  if (!first && mode_ == Mode::whole) return std::nullopt;
  auto usable = [&](std::size_t i) { return !taken_[i] && !pieces_[i].complete(); };
  if (!first && mode_ == Mode::ranges && !pieces_.empty() && usable(pieces_.size() - 1)) {
    taken_.back() = true;
    return pieces_.size() - 1;
  }
  for (std::size_t i = 0; i < pieces_.size(); ++i) {
    if (usable(i)) {
      taken_[i] = true;
      return i;
    }
  }
  return std::nullopt;
}

void RangedDownload::write_at(std::uint64_t offset, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd_, data, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      throw util::msg::io_failed("write", part_, std::strerror(errno));
    }
    data += w;
    n -= static_cast<std::size_t>(w);
    offset += static_cast<std::uint64_t>(w);
  }
}

void RangedDownload::fetch_piece(std::size_t index, bool first) {
  Piece piece;
  std::optional<std::string> validator;
  {
    std::lock_guard lock(mutex_);
    piece = pieces_[index];
    validator = validator_;
  }
  // Where the next byte of this transfer goes, and the bytes this piece had when it was asked for.
  std::uint64_t at = piece.start + piece.done;
  const std::uint64_t asked_from = at;
  bool whole = false;  // the answer is the whole file (200), written from byte 0

  net::Request req{url_};
  req.range = net::ByteRange{asked_from, piece.end - 1};
  req.if_range = validator;  // nullopt: the client takes the first response's validator for its own retries
  std::uint64_t length = piece.end - asked_from;
  // A piece must be exactly its length; the first request may instead bring the whole file.
  req.limit = first ? net::BodyLimit{size_, "the " + std::to_string(size_) + " bytes the index declared",
                                     "the index and the file it links to disagree; tell the index's maintainers", false}
                    : net::BodyLimit{length, "the " + std::to_string(length) + " bytes asked for", "", true};

  net::StreamHandler h;
  h.on_headers = [&](int status, const std::map<std::string, std::string>& headers) {
    if (status == 206) {
      auto cr = headers.find("content-range");
      auto parsed = cr == headers.end() ? std::nullopt : net::parse_content_range(cr->second);
      if (!parsed || parsed->first != at || (parsed->total && *parsed->total != size_))
        throw util::msg::fetch_failed(util::redact_url(url_),
                                      "the server answered another range than asked for (" +
                                          (cr == headers.end() ? std::string("no Content-Range") : cr->second) + ")");
      std::lock_guard lock(mutex_);
      if (mode_ == Mode::undecided) {
        mode_ = Mode::ranges;
        // A 206 shows the server serves ranges, whether or not it says Accept-Ranges (nginx does not
        // in a 206); the validator rules are the client's.
        auto with_ranges = headers;
        with_ranges["accept-ranges"] = "bytes";
        if (!validator_) validator_ = net::resume_validator(with_ranges);
        save_locked();
        changed_.notify_all();
      }
      return;
    }
    // 200: the whole file. Only the first request can take it; for any other one, the file changed
    // on the server since the first (If-Range), and the pieces in cannot be trusted.
    if (!first) throw util::msg::fetch_failed(util::redact_url(url_), "the file changed on the server while it was downloaded");
    std::int64_t dropped = 0;  // what the progress counted of the pieces in
    {
      std::lock_guard lock(mutex_);
      whole = true;
      at = 0;
      mode_ = Mode::whole;
      for (const auto& p : pieces_) dropped += static_cast<std::int64_t>(p.done);
      pieces_ = {Piece{0, size_, 0}};
      taken_ = {true};
      validator_ = net::resume_validator(headers);
      if (resumed_) util::log::debug("the server sent " + util::redact_url(url_) + " whole; the bytes an earlier run got are dropped");
      resumed_ = 0;
      save_locked();
      changed_.notify_all();
    }
    if (dropped && on_bytes_) on_bytes_(-dropped);
  };
  h.on_reset = [&] {
    // The client starts this body over (a retry it could not continue): its bytes come again, to the
    // same place.
    at = whole ? 0 : asked_from;
  };
  h.on_chunk = [&](std::string_view chunk) {
    {
      std::lock_guard lock(mutex_);
      if (failure_ || abandoned_) throw Stopped();
    }
    write_at(at, chunk.data(), chunk.size());
    at += chunk.size();
    std::int64_t grew = 0;
    {
      std::lock_guard lock(mutex_);
      Piece& p = whole ? pieces_.front() : pieces_[index];
      std::uint64_t done = at - p.start;
      if (done > p.done) {
        grew = static_cast<std::int64_t>(done - p.done);
        p.done = done;
        unsaved_ += static_cast<std::uint64_t>(grew);
        if (unsaved_ >= kSaveEvery) save_locked();
        changed_.notify_all();
      }
    }
    if (grew && on_bytes_) on_bytes_(grew);
  };
  net::Response r = client_.fetch_streaming(req, h);
  net::raise_for_status(r, url_);
  std::lock_guard lock(mutex_);
  const Piece& p = whole ? pieces_.front() : pieces_[index];
  if (!p.complete())
    throw util::msg::fetch_failed(util::redact_url(url_), "the body ended after " + std::to_string(p.done) + " of " +
                                                              std::to_string(p.size()) + " bytes");
  save_locked();
}

void RangedDownload::save_locked() {
  unsaved_ = 0;
  PartialState s{url_, size_, validator_, pieces_};
  try {
    util::write_file_atomic(state_file_, to_json(s));
  } catch (const util::Error& e) {  // only a later run misses it
    util::log::debug(std::string("could not save the download state: ") + e.what());
  }
}

void RangedDownload::fail(std::exception_ptr error) {
  std::lock_guard lock(mutex_);
  bool stopped = false;
  try {
    std::rethrow_exception(error);
  } catch (const Stopped&) {
    stopped = true;
  } catch (...) {
  }
  if (!failure_ && !stopped) failure_ = error;
  changed_.notify_all();
}

void RangedDownload::abandon() {
  std::lock_guard lock(mutex_);
  abandoned_ = true;
  changed_.notify_all();
}

bool RangedDownload::available_locked(std::uint64_t begin, std::uint64_t end) const {
  for (const auto& p : pieces_) {
    if (p.end <= begin) continue;
    if (p.start >= end) break;
    if (p.start + p.done < std::min(end, p.end)) return false;
  }
  return true;
}

void RangedDownload::wait(std::uint64_t begin, std::uint64_t end) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] {
    return failure_ || abandoned_ || (mode_ != Mode::undecided && available_locked(begin, end));
  });
  if (failure_) std::rethrow_exception(failure_);
  if (!available_locked(begin, end)) throw Abandoned();
}

std::exception_ptr RangedDownload::stop() {
  abandon();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  std::lock_guard lock(mutex_);
  return failure_;
}

void RangedDownload::finish() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  std::lock_guard lock(mutex_);
  if (failure_) std::rethrow_exception(failure_);
  for (const auto& p : pieces_)
    if (!p.complete())
      throw util::msg::fetch_failed(util::redact_url(url_), "the download stopped before its end");
}

void RangedDownload::discard() {
  std::error_code ec;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  fs::remove(part_, ec);
  fs::remove(state_file_, ec);
  part_.clear();
}

std::uint64_t RangedDownload::received() const {
  std::lock_guard lock(mutex_);
  std::uint64_t n = 0;
  for (const auto& p : pieces_) n += p.done;
  return n;
}

bool RangedDownload::used_ranges() const {
  std::lock_guard lock(mutex_);
  return mode_ == Mode::ranges;
}

}  // namespace ptinstall::install
