#include <catch2/catch.hpp>

#include <fstream>
#include <stdexcept>
#include <string>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/fs.hpp"
#include "ptinstall/util/hash.hpp"
#include "support/errors.hpp"

using namespace ptinstall::util;

TEST_CASE("sha256 known vectors (FIPS 180-2)") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 RECORD encoding is urlsafe base64 without padding") {
  CHECK(sha256_urlsafe_b64_nopad("") == "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
  auto s = sha256_urlsafe_b64_nopad("abc");
  CHECK(s.size() == 43);
  CHECK(s.find('=') == std::string::npos);
  CHECK(base64_urlsafe_decode(s) == std::string(reinterpret_cast<const char*>(Sha256().update("abc").digest().data()), 32));
}

TEST_CASE("sha256 incremental updates equal one-shot, any chunking") {
  std::string data;
  for (int i = 0; i < 5000; ++i) data += static_cast<char>(i * 31 % 256);
  auto expected = sha256_hex(data);
  for (std::size_t chunk : {1u, 7u, 64u, 65u, 1000u, 4999u}) {
    Sha256 h;
    for (std::size_t off = 0; off < data.size(); off += chunk) h.update(std::string_view(data).substr(off, chunk));
    CHECK(h.bytes_hashed() == data.size());
    CHECK(h.hex() == expected);
  }
}

TEST_CASE("sha256 digest can be read repeatedly in every encoding, update afterwards throws") {
  Sha256 h;
  h.update("abc");
  auto hex1 = h.hex();
  auto b64 = h.urlsafe_b64_nopad();
  CHECK(h.hex() == hex1);
  CHECK(to_hex(h.digest().data(), 32) == hex1);
  CHECK(base64_urlsafe_nopad_encode(std::string(reinterpret_cast<const char*>(h.digest().data()), 32)) == b64);
  CHECK_THROWS_AS(h.update("x"), std::logic_error);
}

TEST_CASE("sha256 objects move") {
  Sha256 a;
  a.update("ab");
  Sha256 b(std::move(a));
  b.update("c");
  CHECK(b.hex() == sha256_hex("abc"));
  Sha256 c;
  c = std::move(b);
  CHECK(c.hex() == sha256_hex("abc"));
}

TEST_CASE("sha256_file streams a file") {
  TempDir dir;
  auto p = dir.path() / "f.bin";
  std::string content(200000, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i % 251);
  { std::ofstream(p, std::ios::binary) << content; }
  auto h = sha256_file(p);
  CHECK(h.bytes_hashed() == content.size());
  CHECK(h.hex() == sha256_hex(content));
  CHECK_THROWS_AS(sha256_file(dir.path() / "missing"), Error);
  CHECK(ptinstall::test::error_kind([&] { sha256_file(dir.path() / "missing"); }) == "io");
}

TEST_CASE("base64 RFC 4648 vectors") {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    CHECK(base64_encode(plain[i]) == enc[i]);
    CHECK(base64_decode(enc[i]) == plain[i]);
    std::string nopad = enc[i];
    while (!nopad.empty() && nopad.back() == '=') nopad.pop_back();
    CHECK(base64_urlsafe_nopad_encode(plain[i]) == nopad);
    CHECK(base64_urlsafe_decode(nopad) == plain[i]);
  }
}

TEST_CASE("base64 alphabets differ in the last two characters") {
  std::string bytes("\xfb\xff\xfe", 3);
  CHECK(base64_encode(bytes) == "+//+");
  CHECK(base64_urlsafe_nopad_encode(bytes) == "-__-");
  CHECK(base64_urlsafe_decode("-__-") == bytes);
  CHECK_THROWS_AS(base64_urlsafe_decode("+//+"), Error);
  CHECK_THROWS_AS(base64_decode("ab$d"), Error);
  CHECK_THROWS_AS(base64_decode("abcde"), Error);
}

TEST_CASE("to_hex") {
  const unsigned char b[] = {0x00, 0x0f, 0xa0, 0xff};
  CHECK(to_hex(b, 4) == "000fa0ff");
  CHECK(to_hex(b, 0) == "");
}
