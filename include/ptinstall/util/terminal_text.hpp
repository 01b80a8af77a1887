// Text from outside (a server's answer, a file in an archive, a wheel's metadata) made safe to print
// on a terminal, so that no byte from the network can move the cursor, change colours, rewrite a
// line or garble the output with invalid UTF-8.
#pragma once
#include <string>
#include <string_view>

namespace ptinstall::util {

// Valid UTF-8 is kept, except control characters (C0, DEL, C1), which become \n, \r, \t, \e or
// \xNN, and every byte that is not part of valid UTF-8 becomes \xNN. A backslash stays as it is.
// With keep_newlines, '\n' stays a line break (a multi-line message of ours).
std::string escape_for_terminal(std::string_view text, bool keep_newlines = false);

}  // namespace ptinstall::util
