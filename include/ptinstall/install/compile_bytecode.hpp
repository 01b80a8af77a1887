// Bytecode compilation after an install (--compile-bytecode), as pip does it: the .py files of the
// wheels just installed are compiled by the environment's interpreter and the .pyc files written are
// added to each distribution's RECORD.
#pragma once
#include <cstddef>
#include <vector>

#include "ptinstall/install/wheel_installer.hpp"

namespace ptinstall::install {

class Transaction;

// Compiles the .py files of the installed wheels with the scheme's interpreter (one process) and adds
// every .pyc written to the owning distribution's RECORD, like pip. The .pyc files join `tx`.
// Returns the number of files compiled.
std::size_t compile_bytecode(std::vector<InstalledWheel>& wheels, const InstallScheme& scheme, Transaction& tx);

}  // namespace ptinstall::install
