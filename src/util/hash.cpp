#include "ptinstall/util/hash.hpp"

// The low-level SHA256_* functions, deprecated in OpenSSL 3 in favour of EVP, on purpose: the first
// EVP digest of a process initialises OpenSSL's provider machinery (about 5 million instructions,
// a third of a no-op install's own work), while SHA256_* run the same assembly directly. Both give
// the same digests.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <fstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/messages.hpp"

namespace ptinstall::util {

namespace {

SHA256_CTX* as_ctx(void* p) { return static_cast<SHA256_CTX*>(p); }

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view in, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(in[k])); };
  for (; i + 3 <= in.size(); i += 3) {
    std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  std::size_t rest = in.size() - i;
  if (rest == 1) {
    std::uint32_t v = byte(i) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    if (pad) out += '=';
  }
  return out;
}

std::string decode(std::string_view in, bool urlsafe) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) throw Error("invalid base64 length");
  std::string out;
  out.reserve(in.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == (urlsafe ? '-' : '+')) v = 62;
    else if (c == (urlsafe ? '_' : '/')) v = 63;
    else throw Error(std::string("invalid base64 character '") + c + "'");
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace

Sha256::Sha256() {
  auto* ctx = new SHA256_CTX;
  if (SHA256_Init(ctx) != 1) {
    delete ctx;
    throw std::runtime_error("sha256: cannot initialise OpenSSL digest");
  }
  ctx_ = ctx;
}

Sha256::~Sha256() { delete as_ctx(ctx_); }

Sha256::Sha256(Sha256&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)), digest_(other.digest_), finished_(other.finished_),
      total_(other.total_) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  if (this != &other) {
    delete as_ctx(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
    digest_ = other.digest_;
    finished_ = other.finished_;
    total_ = other.total_;
  }
  return *this;
}

Sha256& Sha256::update(const void* data, std::size_t size) {
  if (finished_) throw std::logic_error("sha256: update() after the digest was read");
  if (!ctx_) throw std::logic_error("sha256: moved-from object");
  if (size > 0 && SHA256_Update(as_ctx(ctx_), data, size) != 1)
    throw std::runtime_error("sha256: OpenSSL digest update failed");
  total_ += size;
  return *this;
}

const std::array<std::uint8_t, 32>& Sha256::digest() {
  if (!finished_) {
    if (!ctx_) throw std::logic_error("sha256: moved-from object");
    if (SHA256_Final(digest_.data(), as_ctx(ctx_)) != 1) throw std::runtime_error("sha256: OpenSSL digest final failed");
    finished_ = true;
  }
  return digest_;
}

std::string Sha256::hex() {
  const auto& d = digest();
  return to_hex(d.data(), d.size());
}

std::string Sha256::urlsafe_b64_nopad() {
  const auto& d = digest();
  return base64_urlsafe_nopad_encode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

std::string sha256_hex(std::string_view bytes) { return Sha256().update(bytes).hex(); }

std::string sha256_urlsafe_b64_nopad(std::string_view bytes) {
  return Sha256().update(bytes).urlsafe_b64_nopad();
}

Sha256 sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw msg::io_failed("read", path);
  Sha256 h;
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    auto got = in.gcount();
    if (got > 0) h.update(buf.data(), static_cast<std::size_t>(got));
  }
  if (in.bad()) throw msg::io_failed("read", path);
  return h;
}

std::string to_hex(const void* data, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  const auto* p = static_cast<const unsigned char*>(data);
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  return out;
}

std::string base64_encode(std::string_view bytes) { return encode(bytes, kStd, true); }
std::string base64_urlsafe_nopad_encode(std::string_view bytes) { return encode(bytes, kUrl, false); }
std::string base64_decode(std::string_view text) { return decode(text, false); }
std::string base64_urlsafe_decode(std::string_view text) { return decode(text, true); }

}  // namespace ptinstall::util
