// Entry point of the command line: parses argv, runs the chosen command, and turns every
// util::Error into `error: ...` / `hint: ...` on stderr and a non-zero exit code.
#pragma once

namespace ptinstall::cli {

int run(int argc, char** argv);

}  // namespace ptinstall::cli
