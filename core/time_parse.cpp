#include "core/time_parse.hpp"

#include "core/text.hpp"
#include "core/time_format.hpp"
#include "core/zone_rules.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <chrono>
#include <string>
#include <vector>

namespace summit::core {

namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr std::array<const char *, 12> k_month_names{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// Longer than any meeting is announced ahead, short enough that adding it
// to any date people use cannot overflow.
constexpr Seconds k_max_duration = date::days{366 * 200};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
using text::is_space;
using text::to_lower;
using text::trim;

bool all_digits(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (!is_digit(c)) {
      return false;
    }
  }
  return true;
}

// Only called on short runs of digits the caller has checked.
int to_int(std::string_view digits) {
  int v = 0;
  for (char c : digits) {
    v = v * 10 + (c - '0');
  }
  return v;
}

Error invalid(std::string message) { return Error{ErrorCode::invalid_params, std::move(message)}; }

// "YYYY-MM" at the start of `s`, checked.
Result<date::year_month> scan_year_month(std::string_view s) {
  if (s.size() < 7 || !all_digits(s.substr(0, 4)) || s[4] != '-' || !all_digits(s.substr(5, 2))) {
    return tl::unexpected(invalid(fmt::format("'{}' is not a date", s)));
  }
  const int month = to_int(s.substr(5, 2));
  if (month < 1 || month > 12) {
    return tl::unexpected(invalid(fmt::format("{}: month must be 01-12", s)));
  }
  return date::year{to_int(s.substr(0, 4))} / date::month{static_cast<unsigned>(month)};
}

// "YYYY-MM-DD", the whole of `s`, checked against the calendar.
Result<date::local_days> scan_date(std::string_view s) {
  if (s.size() != 10 || s[7] != '-' || !all_digits(s.substr(8, 2))) {
    return tl::unexpected(invalid(fmt::format("'{}' is not a date (expected YYYY-MM-DD)", s)));
  }
  const auto ym = scan_year_month(s);
  if (!ym) {
    return tl::unexpected(ym.error());
  }
  const int day = to_int(s.substr(8, 2));
  const auto last = static_cast<int>(static_cast<unsigned>((*ym / date::last).day()));
  if (day < 1 || day > last) {
    const auto month_name = k_month_names[static_cast<unsigned>(ym->month()) - 1];
    return tl::unexpected(invalid(
        fmt::format("{}: {} {} has {} days", s, month_name, static_cast<int>(ym->year()), last)));
  }
  return date::local_days{*ym / date::day{static_cast<unsigned>(day)}};
}

// "HH:MM" or "HH:MM:SS" (and "H:MM" when `loose`), the whole of `s`.
Result<Seconds> scan_clock_time(std::string_view s, bool loose) {
  const auto bad_form = [&] {
    return tl::unexpected(invalid(fmt::format("'{}' is not a time (expected HH:MM)", s)));
  };
  const auto colon = s.find(':');
  if (colon == std::string_view::npos) {
    return bad_form();
  }
  const auto hh = s.substr(0, colon);
  auto rest = s.substr(colon + 1);
  std::string_view ss;
  if (const auto colon2 = rest.find(':'); colon2 != std::string_view::npos) {
    ss = rest.substr(colon2 + 1);
    rest = rest.substr(0, colon2);
    if (ss.size() != 2 || !all_digits(ss)) {
      return bad_form();
    }
  }
  const auto mm = rest;
  const bool hour_ok = hh.size() == 2 || (loose && hh.size() == 1);
  if (!hour_ok || !all_digits(hh) || mm.size() != 2 || !all_digits(mm)) {
    return bad_form();
  }
  if (to_int(hh) > 23) {
    return tl::unexpected(invalid(fmt::format("{}: hour must be 00-23", s)));
  }
  if (to_int(mm) > 59) {
    return tl::unexpected(invalid(fmt::format("{}: minute must be 00-59", s)));
  }
  if (!ss.empty() && to_int(ss) > 59) {
    return tl::unexpected(invalid(fmt::format("{}: second must be 00-59", s)));
  }
  return hours{to_int(hh)} + minutes{to_int(mm)} + Seconds{ss.empty() ? 0 : to_int(ss)};
}

// "Z", "+03:00", "-0530", "+03" after a time; also "-00:44:30", the form
// format_iso_offset writes for a historic offset with seconds.
Result<Seconds> scan_offset(std::string_view s) {
  if (s == "Z" || s == "z") {
    return Seconds{0};
  }
  const auto bad_form = [&] {
    return tl::unexpected(
        invalid(fmt::format("'{}' is not a UTC offset (expected Z, +HH:MM or -HHMM)", s)));
  };
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) {
    return bad_form();
  }
  const auto hh = s.substr(1, 2);
  std::string_view mm = "00";
  std::string_view ss = "00";
  if (s.size() == 9 && s[3] == ':' && s[6] == ':') {
    mm = s.substr(4, 2);
    ss = s.substr(7, 2);
  } else if (s.size() == 6 && s[3] == ':') {
    mm = s.substr(4, 2);
  } else if (s.size() == 5) {
    mm = s.substr(3, 2);
  } else if (s.size() != 3) {
    return bad_form();
  }
  if (!all_digits(hh) || !all_digits(mm) || !all_digits(ss)) {
    return bad_form();
  }
  // Real offsets run from -12:00 to +14:00; anything past 18h is a typo.
  if (to_int(hh) > 18) {
    return tl::unexpected(invalid(fmt::format("{}: offset hours must be 00-18", s)));
  }
  if (to_int(mm) > 59) {
    return tl::unexpected(invalid(fmt::format("{}: offset minutes must be 00-59", s)));
  }
  if (to_int(ss) > 59) {
    return tl::unexpected(invalid(fmt::format("{}: offset seconds must be 00-59", s)));
  }
  const Seconds magnitude = hours{to_int(hh)} + minutes{to_int(mm)} + Seconds{to_int(ss)};
  return s[0] == '-' ? -magnitude : magnitude;
}

// ---- durations ----

// The seconds in one unit as people write it ("h", "hours", "min"), or 0.
Seconds unit_length(std::string_view unit) {
  const auto u = to_lower(unit);
  if (u == "s" || u == "sec" || u == "secs" || u == "second" || u == "seconds") {
    return Seconds{1};
  }
  if (u == "m" || u == "min" || u == "mins" || u == "minute" || u == "minutes") {
    return minutes{1};
  }
  if (u == "h" || u == "hr" || u == "hrs" || u == "hour" || u == "hours") {
    return hours{1};
  }
  if (u == "d" || u == "day" || u == "days") {
    return date::days{1};
  }
  if (u == "w" || u == "wk" || u == "wks" || u == "week" || u == "weeks") {
    return date::weeks{1};
  }
  return Seconds{0};
}

// Adds `count` × `unit` to `total`, refusing what cannot be a real duration.
Result<Seconds> add_part(Seconds total, std::string_view count, Seconds unit,
                         std::string_view text) {
  if (count.size() > 9) {
    return tl::unexpected(invalid(fmt::format("'{}': duration is too long", text)));
  }
  total += to_int(count) * unit;
  if (total > k_max_duration) {
    return tl::unexpected(invalid(fmt::format("'{}': duration is too long", text)));
  }
  return total;
}

// ISO 8601: P[nW][nD][T[nH][nM][nS]].
Result<Seconds> parse_iso_duration(std::string_view text) {
  const auto bad = [&](std::string why) {
    return tl::unexpected(invalid(fmt::format("'{}' is not an ISO 8601 duration: {}", text, why)));
  };
  Seconds total{0};
  bool in_time = false;
  bool any = false;
  std::size_t i = 1; // after 'P'
  while (i < text.size()) {
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    if (c == 'T') {
      if (in_time) {
        return bad("T appears twice");
      }
      in_time = true;
      ++i;
      continue;
    }
    const auto start = i;
    while (i < text.size() && is_digit(text[i])) {
      ++i;
    }
    if (start == i || i == text.size()) {
      return bad("expected a number followed by W, D, H, M or S");
    }
    const auto count = text.substr(start, i - start);
    const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    ++i;
    Seconds length{0};
    if (!in_time && unit == 'W') {
      length = date::weeks{1};
    } else if (!in_time && unit == 'D') {
      length = date::days{1};
    } else if (in_time && unit == 'H') {
      length = hours{1};
    } else if (in_time && unit == 'M') {
      length = minutes{1};
    } else if (in_time && unit == 'S') {
      length = Seconds{1};
    } else if (!in_time && (unit == 'Y' || unit == 'M')) {
      return bad("years and months have no fixed length; give days or weeks");
    } else {
      return bad(fmt::format("unexpected '{}'", text[i - 1]));
    }
    auto sum = add_part(total, count, length, text);
    if (!sum) {
      return sum;
    }
    total = *sum;
    any = true;
  }
  if (!any) {
    return bad("no amount given (e.g. P1D, PT15M)");
  }
  return total;
}

// Short forms: "90s", "1h30m", "1d 12h", "3 days", "1 hour 30 minutes".
Result<Seconds> parse_short_duration(std::string_view text) {
  Seconds total{0};
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) {
      ++i;
    }
    if (i == text.size()) {
      break;
    }
    const auto start = i;
    while (i < text.size() && is_digit(text[i])) {
      ++i;
    }
    const auto count = text.substr(start, i - start);
    if (count.empty()) {
      return tl::unexpected(invalid(fmt::format("'{}' is not a duration (expected e.g. 90s, 15m, "
                                                "2h, 3d, 1w, 1h30m or P1DT2H)",
                                                text)));
    }
    while (i < text.size() && is_space(text[i])) {
      ++i;
    }
    const auto unit_start = i;
    while (i < text.size() && is_alpha(text[i])) {
      ++i;
    }
    const auto unit = text.substr(unit_start, i - unit_start);
    if (unit.empty()) {
      return tl::unexpected(
          invalid(fmt::format("'{}': {} needs a unit (s, m, h, d or w)", text, count)));
    }
    const auto length = unit_length(unit);
    if (length == Seconds{0}) {
      return tl::unexpected(
          invalid(fmt::format("'{}': unknown unit '{}' (use s, m, h, d or w)", text, unit)));
    }
    auto sum = add_part(total, count, length, text);
    if (!sum) {
      return sum;
    }
    total = *sum;
  }
  return total;
}

// ---- everyday words ----

// 0 = Sunday, as date::weekday counts; -1 when not a weekday name.
int weekday_index(std::string_view word) {
  static constexpr std::array<std::array<const char *, 2>, 7> names{{{"sunday", "sun"},
                                                                     {"monday", "mon"},
                                                                     {"tuesday", "tue"},
                                                                     {"wednesday", "wed"},
                                                                     {"thursday", "thu"},
                                                                     {"friday", "fri"},
                                                                     {"saturday", "sat"}}};
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (word == names[i][0] || word == names[i][1]) {
      return static_cast<int>(i);
    }
  }
  if (word == "tues") {
    return 2;
  }
  if (word == "thur" || word == "thurs") {
    return 4;
  }
  return -1;
}

// "9am", "9:30pm", "12am" (midnight), "12pm" (noon).
Result<Seconds> scan_twelve_hour(std::string_view word) {
  const bool pm = word.substr(word.size() - 2) == "pm";
  const auto clock = word.substr(0, word.size() - 2);
  std::string_view hh = clock;
  std::string_view mm = "00";
  if (const auto colon = clock.find(':'); colon != std::string_view::npos) {
    hh = clock.substr(0, colon);
    mm = clock.substr(colon + 1);
    if (mm.size() != 2) {
      return tl::unexpected(
          invalid(fmt::format("'{}' is not a time (expected e.g. 9:30pm)", word)));
    }
  }
  if (hh.empty() || hh.size() > 2 || !all_digits(hh) || !all_digits(mm)) {
    return tl::unexpected(
        invalid(fmt::format("'{}' is not a time (expected e.g. 9am, 9:30pm)", word)));
  }
  const int h = to_int(hh);
  if (h < 1 || h > 12) {
    return tl::unexpected(invalid(fmt::format("{}: hour must be 1-12 with am/pm", word)));
  }
  if (to_int(mm) > 59) {
    return tl::unexpected(invalid(fmt::format("{}: minute must be 00-59", word)));
  }
  return hours{h % 12 + (pm ? 12 : 0)} + minutes{to_int(mm)};
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A time of day, or nothing if `word` is not one.
std::optional<Result<Seconds>> time_of_day(std::string_view word) {
  if (word == "noon" || word == "midday") {
    return Result<Seconds>{hours{12}};
  }
  if (word == "midnight") {
    return Result<Seconds>{Seconds{0}}; // the start of the day, as GNU date reads it
  }
  if ((ends_with(word, "am") || ends_with(word, "pm")) && word.size() > 2 && is_digit(word[0])) {
    return scan_twelve_hour(word);
  }
  if (!word.empty() && is_digit(word[0]) && word.find(':') != std::string_view::npos &&
      word.find('-') == std::string_view::npos) {
    return scan_clock_time(word, true);
  }
  return std::nullopt;
}

std::string usage_hint() {
  return "write a date as 2025-09-26, 26.09.2025, 26 Sep 2025, tomorrow or friday; a time as "
         "17:00 or 9am; a month as Sep 2025; or a relative time such as +2h";
}

When instant_when(SysSeconds t, const date::time_zone *zone) {
  When w;
  w.kind = When::Kind::instant;
  w.instant = t;
  // Not asked for by the header for relative instants, but cheap and handy
  // for messages: the wall time in the caller's zone.
  w.local = to_local(t, zone);
  return w;
}

// A text of only ISO characters is an ISO form, and its errors are the
// user's answer; otherwise it may be everyday words that contain a date.
bool looks_iso(std::string_view s) {
  for (char c : s) {
    if (!is_digit(c) && c != '-' && c != ':' && c != '+' && c != 'T' && c != 't' && c != 'Z' &&
        c != 'z' && c != ' ') {
      return false;
    }
  }
  return s.size() >= 7 && all_digits(s.substr(0, 4)) && s[4] == '-';
}

// ---- dates as people write them ----

constexpr std::array<const char *, 7> k_weekday_names{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                      "Thursday", "Friday", "Saturday"};

// Lower-cases ASCII and the Russian alphabet (А-Я and Ё, two bytes each in
// UTF-8), the scripts of the month names read below; other bytes are kept.
std::string fold_case(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0U;
    if (c == 0xD0 && next >= 0x90 && next <= 0x9F) { // А-П -> а-п
      out += '\xD0';
      out += static_cast<char>(next + 0x20);
      ++i;
    } else if (c == 0xD0 && next >= 0xA0 && next <= 0xAF) { // Р-Я -> р-я
      out += '\xD1';
      out += static_cast<char>(next - 0x20);
      ++i;
    } else if (c == 0xD0 && next == 0x81) { // Ё -> ё
      out += "\xD1\x91";
      ++i;
    } else {
      out += static_cast<char>(std::tolower(c));
    }
  }
  return out;
}

// 1-12 for a month's name or abbreviation in English or Russian, in any
// case the words were folded to ("sep", "sept.", "september", "сентября",
// "сент"); 0 for any other word.
unsigned month_index(std::string_view word) {
  if (word.size() > 1 && word.back() == '.') {
    word.remove_suffix(1);
  }
  using Names = std::array<std::string_view, 7>;
  static constexpr std::array<Names, 12> names{{
      {"january", "jan", "январь", "января", "янв"},
      {"february", "feb", "февраль", "февраля", "фев"},
      {"march", "mar", "март", "марта", "мар"},
      {"april", "apr", "апрель", "апреля", "апр"},
      {"may", "май", "мая"},
      {"june", "jun", "июнь", "июня", "июн"},
      {"july", "jul", "июль", "июля", "июл"},
      {"august", "aug", "август", "августа", "авг"},
      {"september", "sep", "sept", "сентябрь", "сентября", "сен", "сент"},
      {"october", "oct", "октябрь", "октября", "окт"},
      {"november", "nov", "ноябрь", "ноября", "ноя", "нояб"},
      {"december", "dec", "декабрь", "декабря", "дек"},
  }};
  for (std::size_t m = 0; m < names.size(); ++m) {
    for (std::string_view name : names[m]) {
      if (!name.empty() && word == name) {
        return static_cast<unsigned>(m + 1);
      }
    }
  }
  return 0;
}

// 1-31 for a day of the month as written before or after a month's name
// ("26", "26th", "1st"); 0 for any other word.
int day_number(std::string_view word) {
  for (std::string_view suffix : {"st", "nd", "rd", "th"}) {
    if (word.size() > 2 && ends_with(word, suffix)) {
      word.remove_suffix(2);
      break;
    }
  }
  if (word.empty() || word.size() > 2 || !all_digits(word)) {
    return 0;
  }
  const int day = to_int(word);
  return day <= 31 ? day : 0;
}

bool is_year(std::string_view word) { return word.size() == 4 && all_digits(word); }

std::string day_words(date::local_days day) {
  const date::year_month_day ymd{day};
  return fmt::format("{} {} {}", static_cast<unsigned>(ymd.day()),
                     k_month_names[static_cast<unsigned>(ymd.month()) - 1],
                     static_cast<int>(ymd.year()));
}

// Day `day` of `ym`, refused when the month is shorter.
Result<date::local_days> calendar_day(date::year_month ym, int day, std::string_view written) {
  const auto last = static_cast<int>(static_cast<unsigned>((ym / date::last).day()));
  if (day < 1 || day > last) {
    return tl::unexpected(invalid(fmt::format("'{}': {} {} has {} days", written,
                                              k_month_names[static_cast<unsigned>(ym.month()) - 1],
                                              static_cast<int>(ym.year()), last)));
  }
  return date::local_days{ym / date::day{static_cast<unsigned>(day)}};
}

// The next `month`/`day` on or after `today` ("Sept 26" in October means
// next year's); 29 February waits for a leap year.
Result<date::local_days> next_such_day(unsigned month, int day, date::local_days today,
                                       std::string_view written) {
  const date::year this_year = date::year_month_day{today}.year();
  for (int ahead = 0; ahead <= 8; ++ahead) {
    const date::year_month ym = (this_year + date::years{ahead}) / date::month{month};
    if (auto found = calendar_day(ym, day, written); found && *found >= today) {
      return found;
    }
  }
  return tl::unexpected(
      invalid(fmt::format("'{}': {} has no day {}", written, k_month_names[month - 1], day)));
}

// "26.09.2025" or "6.9.2025": day, month, year, as every CIS document writes
// a date. Nothing when `word` is not dotted that way.
std::optional<Result<date::local_days>> dotted_date(std::string_view word) {
  const auto first = word.find('.');
  const auto second = first == std::string_view::npos ? first : word.find('.', first + 1);
  if (second == std::string_view::npos || !is_digit(word.front())) {
    return std::nullopt;
  }
  const auto dd = word.substr(0, first);
  const auto mm = word.substr(first + 1, second - first - 1);
  const auto yyyy = word.substr(second + 1);
  if (dd.size() > 2 || !all_digits(dd) || mm.size() > 2 || !all_digits(mm) || !is_year(yyyy)) {
    return Result<date::local_days>{tl::unexpected(invalid(
        fmt::format("'{}' is not a date (expected DD.MM.YYYY, such as 26.09.2025)", word)))};
  }
  const int month = to_int(mm);
  if (month < 1 || month > 12) {
    return Result<date::local_days>{
        tl::unexpected(invalid(fmt::format("'{}': the month must be 01-12", word)))};
  }
  return calendar_day(date::year{to_int(yyyy)} / date::month{static_cast<unsigned>(month)},
                      to_int(dd), word);
}

// "03/04/2025" is 3 April in Minsk and March 4 in Washington: refused, with
// both readings and the unambiguous way to write each.
std::optional<Error> slashed_date(std::string_view word) {
  const auto first = word.find('/');
  if (first == std::string_view::npos || !is_digit(word.front())) {
    return std::nullopt;
  }
  const auto second = word.find('/', first + 1);
  const auto a = word.substr(0, first);
  const auto b = second == std::string_view::npos ? std::string_view{}
                                                  : word.substr(first + 1, second - first - 1);
  const auto yyyy = second == std::string_view::npos ? std::string_view{} : word.substr(second + 1);
  std::vector<std::string> readings;
  std::vector<std::string> forms;
  if (a.size() <= 2 && all_digits(a) && b.size() <= 2 && all_digits(b) && is_year(yyyy)) {
    const date::year year{to_int(yyyy)};
    const auto reading = [&](int day, int month, const char *order) {
      if (month < 1 || month > 12) {
        return;
      }
      if (auto d = calendar_day(year / date::month{static_cast<unsigned>(month)}, day, word)) {
        readings.push_back(fmt::format("{} ({})", day_words(*d), order));
        forms.push_back(format_iso_date(*d));
      }
    };
    reading(to_int(a), to_int(b), "day first");
    reading(to_int(b), to_int(a), "month first");
  }
  if (readings.size() == 2 && forms[0] != forms[1]) {
    return invalid(fmt::format("'{}' is ambiguous: {} or {}; write {} or {}", word, readings[0],
                               readings[1], forms[0], forms[1]));
  }
  if (!forms.empty()) {
    return invalid(fmt::format("'{}': slashes put the day first in some countries and the month "
                               "first in others; write {}",
                               word, forms[0]));
  }
  return invalid(fmt::format("'{}' is not a date; write it as 2025-09-26 or 26.09.2025", word));
}

struct DateWords {
  std::vector<std::string> folded;  // what is matched
  std::vector<std::string> written; // what messages quote
};

// Reads the words of a date and time as people write them, one part at a
// time: each part may be given once.
class WordReader {
public:
  WordReader(DateWords words, std::string_view text, date::local_days today)
      : m_words(std::move(words.folded)), m_written(std::move(words.written)), m_text(text),
        m_today(today) {}

  Result<When> read(std::optional<date::local_days> time_alone_day) {
    while (m_at < m_words.size()) {
      if (auto done = step(); !done) {
        return tl::unexpected(done.error());
      }
    }
    return finish(time_alone_day);
  }

private:
  const std::string &word() const { return m_words[m_at]; }
  std::string_view peek(std::size_t ahead = 1) const {
    return m_at + ahead < m_words.size() ? std::string_view(m_words[m_at + ahead])
                                         : std::string_view{};
  }

  Error unreadable(std::string_view word) const {
    if (m_words.size() == 1) {
      return invalid(fmt::format("cannot read '{}'; {}", word, usage_hint()));
    }
    return invalid(fmt::format("cannot read '{}' in '{}'; {}", word, m_text, usage_hint()));
  }

  Result<void> set_day(date::local_days day) {
    if (m_day || m_month) {
      return tl::unexpected(invalid(fmt::format("'{}' gives two days", m_text)));
    }
    m_day = day;
    return {};
  }

  Result<void> set_time(Seconds tod) {
    if (m_tod) {
      return tl::unexpected(invalid(fmt::format("'{}' gives two times", m_text)));
    }
    m_tod = tod;
    return {};
  }

  Result<void> step() {
    std::string word = m_words[m_at];
    if (word == "at" || word == "on" || word == "of" || word == "the" || word == "в" ||
        word == "г." || word == "г" || word == "года") {
      ++m_at; // "tomorrow at 9am", "on friday", "2025 г. в 10:00"
      return {};
    }
    // "9 am" written apart.
    if ((peek() == "am" || peek() == "pm") && is_digit(word.front())) {
      word += m_words[++m_at];
    }
    if (auto tod = time_of_day(word)) {
      ++m_at;
      if (!*tod) {
        return tl::unexpected(tod->error());
      }
      return set_time(**tod);
    }
    if (auto day = relative_day(word)) {
      ++m_at;
      return set_day(*day);
    }
    return read_date_words(word);
  }

  // "today", "tomorrow", "yesterday".
  std::optional<date::local_days> relative_day(std::string_view word) const {
    if (word == "today" || word == "сегодня") {
      return m_today;
    }
    if (word == "tomorrow" || word == "завтра") {
      return m_today + date::days{1};
    }
    if (word == "yesterday" || word == "вчера") {
      return m_today - date::days{1};
    }
    return std::nullopt;
  }

  Result<void> read_date_words(const std::string &word) {
    if (word == "next" || word == "this") {
      return read_next_weekday(word);
    }
    if (const int wd = weekday_index(word); wd >= 0) {
      ++m_at;
      if (m_weekday) {
        return tl::unexpected(invalid(fmt::format("'{}' gives two weekdays", m_text)));
      }
      m_weekday = wd;
      return {};
    }
    if (word.size() == 10 && all_digits(word.substr(0, 4)) && word[4] == '-') {
      ++m_at;
      auto day = scan_date(word);
      return day ? set_day(*day) : tl::unexpected(day.error());
    }
    if (auto day = dotted_date(word)) {
      ++m_at;
      return *day ? set_day(**day) : tl::unexpected(day->error());
    }
    if (auto error = slashed_date(word)) {
      return tl::unexpected(*error);
    }
    if (const unsigned month = month_index(word); month > 0) {
      return read_month_first(month);
    }
    if (const int day = day_number(word); day > 0) {
      const std::size_t month_at = peek() == "of" ? 2 : 1;
      if (const unsigned month = month_index(peek(month_at)); month > 0) {
        m_at += month_at;
        return read_day_first(day, month);
      }
    }
    return tl::unexpected(unreadable(m_written[m_at]));
  }

  // "next friday": the first Friday after today; "this friday": today if
  // today is one, else the coming one.
  Result<void> read_next_weekday(const std::string &word) {
    const int wd = weekday_index(peek());
    if (wd < 0) {
      return tl::unexpected(invalid(
          fmt::format("'{}': '{}' must be followed by a weekday (next friday)", m_text, word)));
    }
    m_at += 2;
    auto ahead = (date::weekday{static_cast<unsigned>(wd)} - date::weekday{m_today}).count();
    if (word == "next" && ahead == 0) {
      ahead = 7;
    }
    return set_day(m_today + date::days{ahead});
  }

  // After a month's name: "Sep 26", "Sep 26 2025", "September 26, 2025" or
  // "Sep 2025" (a month, day to be announced).
  Result<void> read_month_first(unsigned month) {
    const std::string written = m_written[m_at];
    ++m_at;
    if (is_year(peek(0))) {
      const date::year_month ym = date::year{to_int(peek(0))} / date::month{month};
      ++m_at;
      if (m_day || m_month) {
        return tl::unexpected(invalid(fmt::format("'{}' gives two days", m_text)));
      }
      m_month = ym;
      return {};
    }
    const int day = day_number(peek(0));
    if (day == 0 && !peek(0).empty() && all_digits(peek(0))) {
      return tl::unexpected(invalid(
          fmt::format("'{} {}': {} is neither a day of the month (1-31) nor a year (such as 2028)",
                      written, m_written[m_at], m_written[m_at])));
    }
    if (day == 0) {
      return tl::unexpected(
          invalid(fmt::format("'{}' needs a day or a year after it, such as \"{} 26\" or \"{} "
                              "2025\"",
                              written, written, written)));
    }
    ++m_at;
    return read_year_of(month, day, fmt::format("{} {}", written, day));
  }

  // After a day and a month's name: "26 Sep", "26 Sep 2025".
  Result<void> read_day_first(int day, unsigned month) {
    const std::string written = fmt::format("{} {}", day, m_written[m_at]);
    ++m_at;
    return read_year_of(month, day, written);
  }

  // The year that may follow; without one, the next such date.
  Result<void> read_year_of(unsigned month, int day, const std::string &written) {
    const bool with_year = is_year(peek(0));
    auto found = with_year ? calendar_day(date::year{to_int(peek(0))} / date::month{month}, day,
                                          written + " " + std::string(peek(0)))
                           : next_such_day(month, day, m_today, written);
    m_at += with_year ? 1 : 0;
    return found ? set_day(*found) : tl::unexpected(found.error());
  }

  Result<When> finish(std::optional<date::local_days> time_alone_day) {
    When w;
    if (m_month) {
      if (m_tod || m_weekday) {
        return fail(ErrorCode::invalid_params,
                    fmt::format("'{}' names a month without its day; give the day too, such as "
                                "\"26 Sep 2025 10:00\", or the month alone",
                                m_text));
      }
      w.kind = When::Kind::month;
      w.local = date::local_days{*m_month / date::day{1}};
      return w;
    }
    if (m_weekday) {
      const date::weekday named{static_cast<unsigned>(*m_weekday)};
      if (m_day && date::weekday{*m_day} != named) {
        // "Fri 27 Sep 2025": the date and the weekday disagree.
        return fail(ErrorCode::invalid_params,
                    fmt::format("'{}': {} is a {}, not a {}", m_text, day_words(*m_day),
                                k_weekday_names[date::weekday{*m_day}.c_encoding()],
                                k_weekday_names[named.c_encoding()]));
      }
      if (!m_day) {
        m_day = m_today + (named - date::weekday{m_today});
      }
    }
    if (!m_tod) {
      if (!m_day) {
        return fail(ErrorCode::invalid_params,
                    fmt::format("'{}' names no day and no time; {}", m_text, usage_hint()));
      }
      w.kind = When::Kind::date;
      w.local = *m_day;
      return w;
    }
    w.kind = When::Kind::wall_time;
    w.local = m_day.value_or(time_alone_day.value_or(m_today)) + *m_tod;
    return w;
  }

  std::vector<std::string> m_words;
  std::vector<std::string> m_written;
  std::string_view m_text;
  date::local_days m_today;
  std::size_t m_at = 0;
  std::optional<date::local_days> m_day;
  std::optional<date::year_month> m_month; // "Sep 2025"
  std::optional<int> m_weekday;            // "friday", or "Fri" beside a date
  std::optional<Seconds> m_tod;
};

// The words of `text`, folded to lower case and as written (for messages);
// commas separate words like spaces, and the "(date TBA)" and "(all day)"
// that summit prints after a month and a day are dropped, so summit's
// output can be typed back. Folding keeps every byte's place.
DateWords date_words(std::string_view text) {
  std::string folded = fold_case(text);
  std::string written(text);
  for (std::string_view printed : {"(date tba)", "(all day)"}) {
    if (auto at = folded.find(printed); at != std::string::npos) {
      folded.replace(at, printed.size(), printed.size(), ' ');
      written.replace(at, printed.size(), printed.size(), ' ');
    }
  }
  DateWords words;
  std::size_t i = 0;
  const auto separates = [](char c) { return is_space(c) || c == ','; };
  while (i < folded.size()) {
    while (i < folded.size() && separates(folded[i])) {
      ++i;
    }
    const auto start = i;
    while (i < folded.size() && !separates(folded[i])) {
      ++i;
    }
    if (start < i) {
      words.folded.push_back(folded.substr(start, i - start));
      words.written.push_back(written.substr(start, i - start));
    }
  }
  return words;
}

} // namespace

Result<When> parse_iso(std::string_view text) {
  const auto s = trim(text);
  When w;
  // "10000-01-01T00:00:00Z" (the end of 9999-12-31, as a careless client
  // may compute it) would otherwise be cut to "10000-01-0".
  if (const auto digits = s.find_first_not_of("0123456789");
      digits != std::string_view::npos && digits > 4 && s[digits] == '-') {
    return fail(ErrorCode::invalid_params,
                fmt::format("'{}': the year has {} digits; dates are read from 0000-01-01 to "
                            "9999-12-31 (for a range without an end, leave `to` out)",
                            s, digits));
  }
  if (s.size() == 7) {
    const auto ym = scan_year_month(s);
    if (!ym) {
      return tl::unexpected(ym.error());
    }
    w.kind = When::Kind::month;
    w.local = date::local_days{*ym / date::day{1}};
    return w;
  }
  if (s.size() < 10) {
    return fail(ErrorCode::invalid_params,
                fmt::format("'{}' is not a date (expected YYYY-MM, YYYY-MM-DD or "
                            "YYYY-MM-DDTHH:MM)",
                            s));
  }
  const auto day = scan_date(s.substr(0, 10));
  if (!day) {
    return tl::unexpected(day.error());
  }
  if (s.size() == 10) {
    w.kind = When::Kind::date;
    w.local = *day;
    return w;
  }
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
    return fail(ErrorCode::invalid_params,
                fmt::format("'{}': expected T or a space between date and time", s));
  }
  auto rest = s.substr(11);
  // The time runs until an offset starts.
  const auto offset_at = rest.find_first_of("Zz+-");
  // A blank before the offset ("10:00 +03:00") is tolerated.
  const auto clock = trim(rest.substr(0, offset_at));
  const auto tod = scan_clock_time(clock, false);
  if (!tod) {
    return tl::unexpected(tod.error());
  }
  w.local = *day + *tod;
  if (offset_at == std::string_view::npos) {
    w.kind = When::Kind::wall_time;
    return w;
  }
  const auto offset = scan_offset(rest.substr(offset_at));
  if (!offset) {
    return tl::unexpected(offset.error());
  }
  w.kind = When::Kind::instant;
  w.utc_offset = *offset;
  w.instant = SysSeconds{w.local.time_since_epoch() - *offset};
  return w;
}

// Everyday words are read in `zone` at `now`, as GNU date reads them:
// - "today" is the local date of `now` in `zone`; a bare time ("9am") is
//   that time on `time_alone_day`, or today (even if it has passed).
// - "friday" is today if today is a Friday, else the coming Friday;
//   "next friday" is the first Friday strictly after today (so on a
//   Wednesday both name the same day).
// - "midnight" is the start of the day (00:00), "noon" is 12:00.
// - A day without a time is a whole day (kind date).
Result<When> parse_when(std::string_view text, SysSeconds now, const date::time_zone *zone,
                        std::optional<date::local_days> time_alone_day,
                        const date::time_zone *day_zone) {
  const auto s = trim(text);
  if (s.empty()) {
    return fail(ErrorCode::invalid_params, "empty date/time; " + usage_hint());
  }
  if (looks_iso(s)) {
    return parse_iso(s);
  }
  const auto lowered = to_lower(s);
  if (lowered == "now") {
    return instant_when(now, zone);
  }
  for (std::string_view prefix : {"+", "in "}) {
    if (lowered.rfind(prefix, 0) == 0) {
      const auto d = parse_duration(trim(std::string_view(lowered).substr(prefix.size())));
      if (!d) {
        return tl::unexpected(d.error());
      }
      return instant_when(now + *d, zone);
    }
  }
  const auto today = date::floor<date::days>(to_local(now, day_zone != nullptr ? day_zone : zone));
  return WordReader(date_words(s), s, today).read(time_alone_day);
}

Result<Seconds> parse_duration(std::string_view text) {
  const auto s = trim(text);
  if (s.empty()) {
    return fail(ErrorCode::invalid_params,
                "empty duration (expected e.g. 90s, 15m, 2h, 3d, 1w, 1h30m or P1DT2H)");
  }
  if (s.front() == '-') {
    return fail(ErrorCode::invalid_params, fmt::format("'{}': durations cannot be negative", s));
  }
  if (s.front() == 'P' || s.front() == 'p') {
    return parse_iso_duration(s);
  }
  return parse_short_duration(s);
}

} // namespace summit::core
