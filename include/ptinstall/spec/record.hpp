// The RECORD file of a wheel / installed distribution (PEP 376, PEP 627): CSV rows
// "path,hash,size" with hash "sha256=<urlsafe base64, no padding>". RECORD lists itself with empty
// hash and size. Reading and writing follow Python's csv module (excel dialect): fields holding a
// comma, a quote or a line break are quoted and quotes doubled.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ptinstall::spec {

struct RecordEntry {
  std::string path, hash /*"sha256=<urlsafe b64 nopad>" or ""*/;
  std::optional<uint64_t> size;

  std::string hash_algorithm() const;  // "sha256", "" without a hash
  std::string hash_value() const;      // the encoded digest after '='
  bool operator==(const RecordEntry&) const = default;
};

// Blank lines are skipped; rows of one or two fields read the missing ones as empty (older tools
// wrote "path,," or just "path"). Throws util::Error naming the line for more than three fields,
// an unterminated quote, a hash without '=' or a size that is not a non-negative integer.
std::vector<RecordEntry> parse_record(std::string_view text);

// Rows joined with line_terminator ("\r\n" is what Python's csv.writer, and so pip, writes).
std::string write_record(const std::vector<RecordEntry>& entries, std::string_view line_terminator = "\r\n");

// "sha256=<urlsafe b64 nopad>" of the bytes, the form RECORD uses.
std::string record_hash(std::string_view bytes);

}  // namespace ptinstall::spec
