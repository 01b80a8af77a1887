// Unpacking a source distribution (.tar.gz, .tar.bz2, .tar.xz, .tgz, .tar, .zip) with PEP 706's
// `data` filter semantics, before any of its code runs: absolute names, `..` components, links
// whose target leaves the tree, device files and FIFOs are refused; set-uid/set-gid bits and write
// bits for group and others are dropped.
#pragma once
#include <filesystem>

namespace ptinstall::build {

// Unpacks `archive` into `dest` (which must exist and be empty) and returns the source tree: the
// single top-level directory of the archive, or `dest` when the archive has files at its root.
// Throws util::Error (Build) naming the offending member; `dest` may then hold a partial tree, which
// the caller removes.
std::filesystem::path unpack_sdist(const std::filesystem::path& archive, const std::filesystem::path& dest);

}  // namespace ptinstall::build
