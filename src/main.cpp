// ptinstall: wires the command line to the commands; all logic lives in the layers.
#include "ptinstall/cli/app.hpp"

int main(int argc, char** argv) { return ptinstall::cli::run(argc, argv); }
