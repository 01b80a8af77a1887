#include "util/lazy_lib.hpp"

#include <dlfcn.h>

#include <string>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/lazy_libs.hpp"

namespace ptinstall::util {

#ifdef PTINSTALL_LAZY_LIBS

namespace lazy {

// Constant-initialised (atomic and mutex have constexpr constructors), so usable from any static
// initialiser.
constinit Library curl{"libcurl.so.4", "libcurl4"};
constinit Library archive{"libarchive.so.13", "libarchive13"};

void* load(Library& lib) {
  if (void* h = lib.handle.load(std::memory_order_acquire)) return h;
  std::lock_guard lock(lib.mutex);
  if (void* h = lib.handle.load(std::memory_order_relaxed)) return h;
  // RTLD_LOCAL: the library's symbols do not become candidates for later lookups (ours keep
  // resolving to the forwarding functions); RTLD_NOW: a broken install fails here, not mid-transfer.
  void* h = ::dlopen(lib.soname, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* why = ::dlerror();
    throw Error(std::string("cannot load ") + lib.soname + ": " + (why ? why : "unknown error"),
                std::string("install the Debian package ") + lib.package + " (apt-get install " + lib.package + ")");
  }
  lib.handle.store(h, std::memory_order_release);
  return h;
}

void* symbol(Library& lib, const char* name) {
  void* h = load(lib);
  ::dlerror();
  void* s = ::dlsym(h, name);
  if (!s) {
    const char* why = ::dlerror();
    throw Error(std::string(lib.soname) + " has no " + name + (why ? std::string(" (") + why + ")" : std::string()),
                std::string("ptinstall was built against a newer ") + lib.package + "; upgrade it");
  }
  return s;
}

}  // namespace lazy

void require_curl() { lazy::load(lazy::curl); }
void require_archive() { lazy::load(lazy::archive); }
bool curl_loaded() { return lazy::curl.handle.load(std::memory_order_acquire) != nullptr; }
bool archive_loaded() { return lazy::archive.handle.load(std::memory_order_acquire) != nullptr; }

#else  // linked directly (-DPTINSTALL_LAZY_LIBS=OFF)

void require_curl() {}
void require_archive() {}
bool curl_loaded() { return true; }
bool archive_loaded() { return true; }

#endif

}  // namespace ptinstall::util
