#include "core/time_parse.hpp"

#include "core/text.hpp"
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
  return "expected a date (2025-09-26, today, tomorrow, friday, next friday), "
         "a time (17:00, "
         "9am, noon), both, or a relative time (+2h, in 3 days)";
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

} // namespace

Result<When> parse_iso(std::string_view text) {
  const auto s = trim(text);
  When w;
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
//   that time today, even if it has passed.
// - "friday" is today if today is a Friday, else the coming Friday;
//   "next friday" is the first Friday strictly after today (so on a
//   Wednesday both name the same day).
// - "midnight" is the start of the day (00:00), "noon" is 12:00.
// - A day without a time is a whole day (kind date).
Result<When> parse_when(std::string_view text, SysSeconds now, const date::time_zone *zone) {
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
  if (lowered.front() == '+') {
    const auto d = parse_duration(trim(std::string_view(lowered).substr(1)));
    if (!d) {
      return tl::unexpected(d.error());
    }
    return instant_when(now + *d, zone);
  }
  if (lowered.size() > 3 && lowered.substr(0, 3) == "in ") {
    const auto d = parse_duration(trim(std::string_view(lowered).substr(3)));
    if (!d) {
      return tl::unexpected(d.error());
    }
    return instant_when(now + *d, zone);
  }

  std::vector<std::string> words;
  {
    std::size_t i = 0;
    while (i < lowered.size()) {
      while (i < lowered.size() && is_space(lowered[i])) {
        ++i;
      }
      const auto start = i;
      while (i < lowered.size() && !is_space(lowered[i])) {
        ++i;
      }
      if (start < i) {
        words.push_back(lowered.substr(start, i - start));
      }
    }
  }

  const auto local_now = to_local(now, zone);
  const auto today = date::floor<date::days>(local_now);
  std::optional<date::local_days> day;
  std::optional<Seconds> tod;
  const auto unreadable = [&](const std::string &word) {
    return fail(ErrorCode::invalid_params,
                fmt::format("cannot read '{}' in '{}'; {}", word, s, usage_hint()));
  };
  const auto twice = [&](const char *what) {
    return fail(ErrorCode::invalid_params, fmt::format("'{}' gives two {}", s, what));
  };

  for (std::size_t i = 0; i < words.size(); ++i) {
    auto word = words[i];
    if (word == "at" || word == "on") {
      continue; // "tomorrow at 9am", "on friday"
    }
    // "9 am" written apart.
    if (i + 1 < words.size() && (words[i + 1] == "am" || words[i + 1] == "pm") && !word.empty() &&
        is_digit(word[0])) {
      word += words[++i];
    }
    if (auto t = time_of_day(word)) {
      if (!*t) {
        return tl::unexpected(t->error());
      }
      if (tod) {
        return twice("times");
      }
      tod = **t;
      continue;
    }
    std::optional<date::local_days> this_day;
    if (word == "today") {
      this_day = today;
    } else if (word == "tomorrow") {
      this_day = today + date::days{1};
    } else if (word == "yesterday") {
      this_day = today - date::days{1};
    } else if (word == "next" || word == "this") {
      if (i + 1 == words.size() || weekday_index(words[i + 1]) < 0) {
        return fail(ErrorCode::invalid_params,
                    fmt::format("'{}': '{}' must be followed by a weekday (next friday)", s, word));
      }
      const auto target = date::weekday{static_cast<unsigned>(weekday_index(words[++i]))};
      auto ahead = (target - date::weekday{today}).count();
      if (word == "next" && ahead == 0) {
        ahead = 7;
      }
      this_day = today + date::days{ahead};
    } else if (const int wd = weekday_index(word); wd >= 0) {
      const auto ahead = (date::weekday{static_cast<unsigned>(wd)} - date::weekday{today}).count();
      this_day = today + date::days{ahead};
    } else if (word.size() == 10 && all_digits(word.substr(0, 4)) && word[4] == '-') {
      const auto d = scan_date(word);
      if (!d) {
        return tl::unexpected(d.error());
      }
      this_day = *d;
    } else {
      return unreadable(word);
    }
    if (day) {
      return twice("days");
    }
    day = this_day;
  }

  When w;
  if (!tod) {
    if (!day) {
      return fail(ErrorCode::invalid_params, "empty date/time; " + usage_hint());
    }
    w.kind = When::Kind::date;
    w.local = *day;
    return w;
  }
  w.kind = When::Kind::wall_time;
  w.local = day.value_or(today) + *tod;
  return w;
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
