// ptinstall: wires the command line to the commands; all logic lives in the layers.
#include <malloc.h>

#include <cstdlib>
#include <cstring>

#include "ptinstall/cli/app.hpp"

int main(int argc, char** argv) {
  // With TZ unset, glibc stats /etc/localtime on every local-time conversion (libarchive converts
  // each zip entry's DOS time): thousands of syscalls when a no-op install reads the metadata of the
  // wheels in a --find-links directory. TZ=:/etc/localtime means the same zone and is read once.
  setenv("TZ", ":/etc/localtime", 0);
  // glibc grows and trims the heaps of the worker threads' arenas in 128 KiB steps, each an
  // mprotect() that stops every thread for a TLB flush: 2,200 of them for a 50-wheel install.
  // Bigger steps and no trimming while the command runs (its memory goes back at exit anyway).
  mallopt(M_TOP_PAD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  // With no trimming, each arena keeps the most it ever held, and glibc gives every thread that
  // allocates an arena of its own up to 8 per core: the ~100 threads of a cold install (look-ahead,
  // metadata, downloads, unzips) summed their arenas' separate peaks. bench mixed-cold (86 packages
  // and the torch-shaped wheel, 2 cores): peak RSS 126-142 MiB with glibc's default, 89-94 MiB with
  // 4 arenas, 76-83 MiB with 2, with no change in time beyond the noise of the loaded machine. The
  // user's own MALLOC_ARENA_MAX (or glibc.malloc.arena_max tunable) wins.
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (!std::getenv("MALLOC_ARENA_MAX") && !(tunables && std::strstr(tunables, "arena_max")))
    mallopt(M_ARENA_MAX, 4);
  return ptinstall::cli::run(argc, argv);
}
