// SHA-256 digests and the encodings packaging uses for them (hex for index URLs and
// direct_url.json, URL-safe base64 without padding for RECORD). No packaging knowledge.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace ptinstall::util {

// Incremental SHA-256 over OpenSSL's libcrypto: feed bytes with update() as they stream in, then
// read the digest in any encoding (the first read finalises; later reads return the same digest;
// update() after that throws std::logic_error). Move-only.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& update(const void* data, std::size_t size);
  Sha256& update(std::string_view bytes) { return update(bytes.data(), bytes.size()); }

  const std::array<std::uint8_t, 32>& digest();
  std::string hex();                // 64 lower-case hex digits
  std::string urlsafe_b64_nopad();  // 43 characters, alphabet A-Z a-z 0-9 - _
  std::uint64_t bytes_hashed() const { return total_; }

 private:
  void* ctx_ = nullptr;  // SHA256_CTX*, kept opaque so callers need no OpenSSL headers
  std::array<std::uint8_t, 32> digest_{};
  bool finished_ = false;
  std::uint64_t total_ = 0;
};

// One-shot helpers.
std::string sha256_hex(std::string_view bytes);
std::string sha256_urlsafe_b64_nopad(std::string_view bytes);
// Streams a file through Sha256; throws util::Error naming the path when it cannot be read.
Sha256 sha256_file(const std::filesystem::path& path);

// Encodings (RFC 4648). Decoders accept input with or without '=' padding and throw util::Error
// on characters outside the alphabet.
std::string to_hex(const void* data, std::size_t size);
std::string base64_encode(std::string_view bytes);
std::string base64_urlsafe_nopad_encode(std::string_view bytes);
std::string base64_decode(std::string_view text);
std::string base64_urlsafe_decode(std::string_view text);

}  // namespace ptinstall::util
