// `pip freeze -r FILE`: the installed packages in the order of one or more requirements files, as pip
// writes them. A file's comments, blank lines and option lines are copied; each requirement it names
// is replaced by the installed package's freeze line (once, at its first mention), and the packages no
// file named follow after "## The following requirements were added by pip freeze:".
#pragma once
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ptinstall/install/inspect.hpp"

namespace ptinstall::install {

// What one line of a requirements file is, for freeze (the caller knows requirement syntax).
struct FreezeFileLine {
  enum class Kind {
    Verbatim,  // a comment, a blank line, an option line (-i, --find-links, -r, -c, ...): copied
    Named,     // a requirement whose project name is known
    Unnamed,   // a path or URL whose name cannot be told without building it
  } kind = Kind::Verbatim;
  std::string name;   // Named: the PEP 503 name
  std::string written_name;  // Named: the name as the line writes it (messages quote it)
  std::string shown;  // the requirement as messages quote it (no comment, no surrounding space)
};

// Classifies one line (its text, the file as named on the command line, the 1-based line number);
// throws util::Error for a line that is no valid requirement.
using FreezeLineClassifier = std::function<FreezeFileLine(std::string_view line, const std::string& file, int line_no)>;

struct FreezeFile {
  std::string name;  // as given (`-r reqs/dev.txt`), for messages
  std::string text;
};

// The output text. Warnings (a named package that is not installed, a package named in several
// files) and notes (an unnamed line skipped) are logged through util::log in the order pip gives them.
// `skip` (freeze_skipped_names) applies only to the packages no file named, as in pip.
std::string format_freeze_with_files(const std::vector<FreezeItem>& items, const std::set<std::string>& skip,
                                     const std::vector<FreezeFile>& files, const FreezeLineClassifier& classify);

}  // namespace ptinstall::install
