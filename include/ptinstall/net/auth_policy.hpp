// uv's `authenticate` of an index, as the HTTP client applies it (a header of its own, so that the
// index layer's headers need not include the client's).
#pragma once

namespace ptinstall::net {

// auto: credentials when found; always: uv's eager search (ptinstall sends what it has, as auto);
// never: no credentials sent or looked up (none from the host's other URLs, ~/.netrc or the keyring).
enum class AuthPolicy { Auto, Always, Never };

}  // namespace ptinstall::net
