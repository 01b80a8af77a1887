#include "ptinstall/util/messages.hpp"

namespace ptinstall::util {

std::string default_hint(ErrorKind kind, bool offline) {
  switch (kind) {
    case ErrorKind::Usage: return "see --help for the options and their values";
    case ErrorKind::Network:
      if (offline) return "--offline answers only from the cache; run once without it";
      return "check the index URLs (--index-url, --extra-index-url) and the network";
    case ErrorKind::Index:
      return "check the index URLs (--index-url, --extra-index-url); --refresh fetches their pages again";
    case ErrorKind::Hash:
      return "the file changed on the server or was corrupted in transit; try again, or check the --hash values";
    case ErrorKind::Wheel:
      return "the wheel is damaged or does not fit this environment; try another version of the package";
    case ErrorKind::Environment:
      return "check the target environment: --python, the active virtual environment, or --system";
    case ErrorKind::Build: return {};  // build failures carry their own hint (from the backend's output)
    case ErrorKind::Io: return "check the path, its permissions and the free disk space";
    case ErrorKind::Other:
    case ErrorKind::Resolution: return {};
  }
  return {};
}

namespace msg {

Error hash_mismatch(std::string_view what, const std::vector<std::string>& expected, std::string_view actual,
                    std::string hint, std::string_view algo) {
  std::string want;
  for (const auto& e : expected) {
    if (!want.empty()) want += " or ";
    want.append(algo).append(":").append(e);
  }
  return Error(ErrorKind::Hash,
               "hash mismatch for " + std::string(what) + ": expected " + want + ", got " + std::string(algo) + ":" +
                   std::string(actual),
               std::move(hint));
}

Error invalid_wheel(std::string_view wheel, std::string_view why, std::string hint) {
  return Error(ErrorKind::Wheel, "wheel " + std::string(wheel) + " is invalid: " + std::string(why), std::move(hint));
}

Error record_mismatch(std::string_view wheel, std::string_view file, std::string_view what, std::string_view expected,
                      std::string_view actual) {
  return invalid_wheel(wheel, "the " + std::string(what) + " of `" + std::string(file) +
                                  "` does not match RECORD: expected " + std::string(expected) + ", got " +
                                  std::string(actual));
}

Error fetch_failed(std::string_view url, std::string_view why, std::string hint) {
  return Error(ErrorKind::Network, "failed to fetch " + std::string(url) + ": " + std::string(why), std::move(hint));
}

Error offline_miss(std::string_view url) {
  return fetch_failed(url, "not in the cache and --offline was given", default_hint(ErrorKind::Network, true));
}

Error io_failed(std::string_view verb, const std::filesystem::path& path, std::string_view why, std::string hint) {
  std::string message = "failed to " + std::string(verb) + " " + path.string();
  if (!why.empty()) message += ": " + std::string(why);
  return Error(ErrorKind::Io, std::move(message), std::move(hint));
}

}  // namespace msg
}  // namespace ptinstall::util
