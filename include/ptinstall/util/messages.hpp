// One home for the wording of the errors that more than one place raises, and for the hints chosen
// by kind. Modelled on vcpkg-tool's message catalog, kept small and plain: one function per message,
// which builds the util::Error (message, hint and kind) for the caller to throw:
//
//   throw util::msg::hash_mismatch(filename, {expected}, actual, "the file changed on the server");
//
// A message said in one place only stays where it is thrown.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/util/error.hpp"

namespace ptinstall::util {

// The hint for an error whose thrower gave none, by kind; empty where nothing useful can be said
// (Other, Resolution: the solver writes its own). `offline`: --offline was given, which changes
// the advice for network errors.
std::string default_hint(ErrorKind kind, bool offline = false);

namespace msg {

// Hash: "hash mismatch for WHAT: expected ALGO:E1 or ALGO:E2, got ALGO:ACTUAL". `expected` and
// `actual` are the digests without the algorithm (hex, as indexes and --hash give them); the
// hint says where the expected hash came from and what to do.
Error hash_mismatch(std::string_view what, const std::vector<std::string>& expected, std::string_view actual,
                    std::string hint = {}, std::string_view algo = "sha256");

// Wheel: "wheel WHEEL is invalid: WHY".
Error invalid_wheel(std::string_view wheel, std::string_view why, std::string hint = {});

// Wheel: a file of a wheel that differs from its RECORD line, worded like hash_mismatch but in
// RECORD's own notation: "wheel WHEEL is invalid: the hash of `FILE` does not match RECORD:
// expected sha256=<RECORD's value>, got sha256=<the file's>" (`what` is "hash" or "size").
Error record_mismatch(std::string_view wheel, std::string_view file, std::string_view what, std::string_view expected,
                      std::string_view actual);

// Network: "failed to fetch URL: WHY". `url` must already be redacted.
Error fetch_failed(std::string_view url, std::string_view why, std::string hint = {});

// Network: a request that --offline keeps from the network: "failed to fetch URL: not in the cache
// and --offline was given", with the offline hint. `url` must already be redacted.
Error offline_miss(std::string_view url);

// Io: "failed to VERB PATH: WHY" (": WHY" left out when empty), e.g. io_failed("read", p, strerror(errno)).
Error io_failed(std::string_view verb, const std::filesystem::path& path, std::string_view why = {},
                std::string hint = {});

}  // namespace msg
}  // namespace ptinstall::util
