// Small string helpers with no packaging knowledge.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ptinstall::util {

std::string_view trim(std::string_view s);
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
std::vector<std::string_view> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
bool starts_with_icase(std::string_view s, std::string_view prefix);

// Levenshtein distance, for "did you mean" suggestions.
size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` within `max_distance` edits, or "" when none is that close.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates, size_t max_distance = 2);

}  // namespace ptinstall::util
