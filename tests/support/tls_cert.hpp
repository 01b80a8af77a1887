// A self-signed certificate for 127.0.0.1, made with the openssl command for the TLS tests; nullopt
// (the caller skips) when openssl is not installed.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "ptinstall/util/subprocess.hpp"

namespace ptinstall::test {

struct CertFiles {
  std::string cert, key;
};

inline std::optional<CertFiles> self_signed_cert(const std::filesystem::path& dir) {
  if (util::find_on_path("openssl").empty()) return std::nullopt;
  CertFiles files{(dir / "cert.pem").string(), (dir / "key.pem").string()};
  auto made = util::run_process({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", files.key, "-out",
                                 files.cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                                 "subjectAltName=IP:127.0.0.1"});
  if (!made || made->exit_code != 0) return std::nullopt;
  return files;
}

}  // namespace ptinstall::test
