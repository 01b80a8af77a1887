#include "ptinstall/spec/record.hpp"

#include <charconv>

#include "ptinstall/util/error.hpp"
#include "ptinstall/util/hash.hpp"

namespace ptinstall::spec {

namespace {

[[noreturn]] void fail(std::size_t line, const std::string& why) {
  throw util::Error(util::ErrorKind::Wheel, "invalid RECORD line " + std::to_string(line) + ": " + why);
}

// Python's csv (excel dialect, QUOTE_MINIMAL): quote when the field holds the delimiter, the
// quote character or a line-break character.
void write_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string RecordEntry::hash_algorithm() const {
  auto eq = hash.find('=');
  return eq == std::string::npos ? std::string() : hash.substr(0, eq);
}

std::string RecordEntry::hash_value() const {
  auto eq = hash.find('=');
  return eq == std::string::npos ? std::string() : hash.substr(eq + 1);
}

std::vector<RecordEntry> parse_record(std::string_view text) {
  std::vector<RecordEntry> entries;
  std::size_t i = 0, line = 1;
  const std::size_t n = text.size();
  while (i < n) {
    std::size_t row_line = line;
    std::vector<std::string> fields;
    std::string field;
    bool row_done = false;
    // One row: fields until an unquoted line break or the end of the text.
    while (!row_done) {
      field.clear();
      if (i < n && text[i] == '"') {
        ++i;
        for (;;) {
          if (i >= n) fail(row_line, "unterminated quoted field");
          char c = text[i++];
          if (c == '"') {
            if (i < n && text[i] == '"') {
              field += '"';
              ++i;
            } else {
              break;
            }
          } else {
            if (c == '\n') ++line;
            field += c;
          }
        }
        // Like csv, text after the closing quote up to the delimiter joins the field.
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field += text[i++];
      } else {
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field += text[i++];
      }
      fields.push_back(field);
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      row_done = true;
    }
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    if (fields.size() > 3) fail(row_line, "expected path,hash,size but found " + std::to_string(fields.size()) + " fields");
    RecordEntry e;
    e.path = fields[0];
    if (e.path.empty()) fail(row_line, "empty path");
    if (fields.size() > 1) e.hash = fields[1];
    if (!e.hash.empty()) {
      auto eq = e.hash.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == e.hash.size())
        fail(row_line, "hash '" + e.hash + "' is not of the form <algorithm>=<digest>");
    }
    if (fields.size() > 2 && !fields[2].empty()) {
      const std::string& s = fields[2];
      uint64_t v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || p != s.data() + s.size()) fail(row_line, "size '" + s + "' is not a number");
      e.size = v;
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

std::string write_record(const std::vector<RecordEntry>& entries, std::string_view line_terminator) {
  std::string out;
  for (const auto& e : entries) {
    write_field(out, e.path);
    out += ',';
    write_field(out, e.hash);
    out += ',';
    if (e.size) out += std::to_string(*e.size);
    out.append(line_terminator);
  }
  return out;
}

std::string record_hash(std::string_view bytes) { return "sha256=" + util::sha256_urlsafe_b64_nopad(bytes); }

}  // namespace ptinstall::spec
