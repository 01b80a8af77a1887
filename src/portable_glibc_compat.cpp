// Linked only into the portable binary (cmake/Portable.cmake): functions newer than the glibc the
// portable binary promises to run on, defined here so that the static libraries that call them
// (Debian 12's libcurl.a calls arc4random, new in glibc 2.36) bind to these instead of to a glibc
// symbol version that older systems lack. The floor then comes from the C runtime itself
// (_dl_find_object, glibc 2.35, used by the statically linked libgcc unwinder): docs/distribution.md.
#include <sys/random.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" {

void arc4random_buf(void* buffer, std::size_t size) {
  auto* p = static_cast<unsigned char*>(buffer);
  while (size > 0) {
    ssize_t n = ::getrandom(p, size, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::abort();  // as glibc's arc4random: no failure is reported to the caller
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

std::uint32_t arc4random() {
  std::uint32_t v;
  arc4random_buf(&v, sizeof v);
  return v;
}

std::uint32_t arc4random_uniform(std::uint32_t upper) {
  if (upper < 2) return 0;
  std::uint32_t min = -upper % upper;  // rejection below 2^32 mod upper: no modulo bias
  for (;;) {
    std::uint32_t r = arc4random();
    if (r >= min) return r % upper;
  }
}

}  // extern "C"
