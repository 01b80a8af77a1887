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

}  // namespace ptinstall::util
