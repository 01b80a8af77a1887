// ptinstall: wires the command line to the commands; all logic lives in the layers.
#include <cstdlib>

#include "ptinstall/cli/app.hpp"

int main(int argc, char** argv) {
  // With TZ unset, glibc stats /etc/localtime on every local-time conversion (libarchive converts
  // each zip entry's DOS time): thousands of syscalls when a no-op install reads the metadata of the
  // wheels in a --find-links directory. TZ=:/etc/localtime means the same zone and is read once.
  setenv("TZ", ":/etc/localtime", 0);
  return ptinstall::cli::run(argc, argv);
}
