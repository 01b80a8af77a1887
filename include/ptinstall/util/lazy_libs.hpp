// libcurl and libarchive are loaded on first use (dlopen), not at start-up: loading them maps ~35
// more shared objects, which costs commands that need neither (--version, pip list, a no-op
// install) most of their run time. src/util/lazy_*.cpp define the C functions of <curl/curl.h>,
// <archive.h> and <archive_entry.h> and forward each to the real one; docs/architecture.md has why
// and how. Built with -DPTINSTALL_LAZY_LIBS=OFF, both are linked as usual and these do nothing.
#pragma once

namespace ptinstall::util {

// Load libcurl.so.4 (libarchive.so.13) now unless it is loaded; throws util::Error naming the Debian
// package when it cannot be loaded. The first call of any forwarded function does the same, so
// these only move the failure to a chosen place.
void require_curl();
void require_archive();

// Whether the library is loaded already (always true when it is linked).
bool curl_loaded();
bool archive_loaded();

}  // namespace ptinstall::util
