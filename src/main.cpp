// ptinstall: wires the command line to the commands; all logic lives in the layers.
#include <malloc.h>

#include <cstdlib>

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
  return ptinstall::cli::run(argc, argv);
}
