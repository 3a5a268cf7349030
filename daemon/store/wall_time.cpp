#include "daemon/store/wall_time.hpp"

#include <date/date.h>

#include <charconv>
#include <chrono>
#include <sstream>
#include <string>

namespace summit::store {

namespace {

template <class T> bool parse_digits(std::string_view text, T &out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc{} && end == text.data() + text.size();
}

} // namespace

std::optional<core::LocalSeconds> parse_wall_time(std::string_view text) {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  int hours = 0;
  int minutes = 0;
  int seconds = 0;
  if (text.size() == 19 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' &&
      text[16] == ':' && parse_digits(text.substr(0, 4), year) &&
      parse_digits(text.substr(5, 2), month) && parse_digits(text.substr(8, 2), day) &&
      parse_digits(text.substr(11, 2), hours) && parse_digits(text.substr(14, 2), minutes) &&
      parse_digits(text.substr(17, 2), seconds)) {
    const date::year_month_day ymd{date::year{year}, date::month{month}, date::day{day}};
    if (ymd.ok() && hours < 24 && minutes < 60 && seconds < 60) {
      return date::local_days{ymd} + std::chrono::hours{hours} + std::chrono::minutes{minutes} +
             core::Seconds{seconds};
    }
  }
  std::istringstream in{std::string(text)};
  core::LocalSeconds t{};
  in >> date::parse("%FT%T", t);
  if (in.fail()) {
    return std::nullopt;
  }
  return t;
}

} // namespace summit::store
