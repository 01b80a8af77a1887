// Internals of the lazily loaded libraries (include/ptinstall/util/lazy_libs.hpp): the dlopen'ed
// handle of each and the symbol lookup the forwarding functions in lazy_curl.cpp and
// lazy_archive.cpp share.
#pragma once
#include <atomic>
#include <mutex>

namespace ptinstall::util::lazy {

struct Library {
  constexpr Library(const char* so, const char* pkg) : soname(so), package(pkg) {}
  const char* soname;   // what the build links against (cmake/Dependencies.cmake)
  const char* package;  // the Debian package that ships it, for the hint
  std::atomic<void*> handle{nullptr};
  std::mutex mutex;     // serialises the one dlopen
};

extern Library curl;
extern Library archive;

// dlopen(soname, RTLD_NOW | RTLD_LOCAL) once (thread-safe); throws util::Error
// "cannot load <soname>: <dlerror>" with a hint naming the package.
void* load(Library& lib);

// The address of `name` in the library, loading it first; throws util::Error when it is missing.
void* symbol(Library& lib, const char* name);

// The real function, looked up on the first call of each forwarding function (a function-local
// static: thread-safe, and retried on the next call when the lookup threw).
#define PT_LAZY_REAL(lib, name) \
  ([]() { \
    static const auto real = reinterpret_cast<decltype(&::name)>(::ptinstall::util::lazy::symbol(lib, #name)); \
    return real; \
  }())

}  // namespace ptinstall::util::lazy
