#include "ptinstall/util/timestamp.hpp"

#include <cctype>
#include <chrono>
#include <ctime>

namespace ptinstall::util {
namespace {

constexpr std::int64_t kSecond = 1'000'000;

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

bool valid_date(int y, int m, int d) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= kDays[m - 1] &&
         !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

std::optional<std::int64_t> date_part(std::string_view s) {
  int y, m, d;
  if (s.size() < 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' || !digits(s, 8, 2, d) ||
      !valid_date(y, m, d))
    return std::nullopt;
  return days_from_civil(y, m, d) * 86400 * kSecond;
}

}  // namespace

std::optional<std::int64_t> parse_date(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  return date_part(text);
}

std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
  auto day = date_part(s);
  if (!day || s.size() < 20 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return std::nullopt;
  int h, mi, se;
  if (!digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se) || h > 23 ||
      mi > 59 || se > 60)
    return std::nullopt;
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    std::int64_t scale = 100000;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      micros += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om))
      return std::nullopt;
    offset = (oh * 3600 + om * 60) * kSecond * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  return *day + (h * 3600 + mi * 60 + se) * kSecond + micros - offset;
}

std::optional<std::int64_t> parse_duration(std::string_view text) {
  std::string s;
  for (char c : text) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto unit_of = [](std::string_view u) -> std::int64_t {
    if (u == "s" || u == "sec" || u == "secs" || u == "second" || u == "seconds") return 1;
    if (u == "m" || u == "min" || u == "mins" || u == "minute" || u == "minutes") return 60;
    if (u == "h" || u == "hr" || u == "hrs" || u == "hour" || u == "hours") return 3600;
    if (u == "d" || u == "day" || u == "days") return 86400;
    if (u == "w" || u == "week" || u == "weeks") return 7 * 86400;
    return 0;
  };
  std::int64_t total = 0;
  std::size_t pos = 0;
  if (!s.empty() && s[0] == 'p') {  // ISO 8601: P[nW][nD][T[nH][nM][nS]]
    bool time = false, any = false;
    ++pos;
    while (pos < s.size()) {
      if (s[pos] == 't' && !time) {
        time = true;
        ++pos;
        continue;
      }
      std::size_t start = pos;
      std::int64_t n = 0;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) n = n * 10 + (s[pos++] - '0');
      if (pos == start || pos >= s.size() || n > 100000000) return std::nullopt;
      char u = s[pos++];
      std::int64_t unit = !time ? (u == 'w' ? 7 * 86400 : u == 'd' ? 86400 : 0)
                                : (u == 'h' ? 3600 : u == 'm' ? 60 : u == 's' ? 1 : 0);
      if (!unit) return std::nullopt;
      total += n * unit;
      any = true;
    }
    if (!any) return std::nullopt;
    return total * kSecond;
  }
  bool any = false;
  while (pos < s.size()) {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == ',')) ++pos;
    if (pos >= s.size()) break;
    std::size_t start = pos;
    std::int64_t n = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) n = n * 10 + (s[pos++] - '0');
    if (pos == start || n > 100000000) return std::nullopt;
    while (pos < s.size() && s[pos] == ' ') ++pos;
    start = pos;
    while (pos < s.size() && std::isalpha(static_cast<unsigned char>(s[pos]))) ++pos;
    std::int64_t unit = unit_of(std::string_view(s).substr(start, pos - start));
    if (!unit) return std::nullopt;
    total += n * unit;
    any = true;
  }
  if (!any) return std::nullopt;
  return total * kSecond;
}

std::string format_rfc3339(std::int64_t micros) {
  std::time_t t = static_cast<std::time_t>(micros / kSecond - (micros % kSecond < 0 ? 1 : 0));
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::int64_t now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ptinstall::util
