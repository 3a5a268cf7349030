#include "core/ical/rule.hpp"

#include "core/ical/ical_time.hpp"
#include "core/text.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>
#include <libical/ical.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <memory>
#include <mutex>
#include <vector>

namespace summit::ical {

namespace {

using core::ErrorCode;
using core::fail;
using core::Result;

constexpr std::array k_parts{"FREQ",       "INTERVAL", "COUNT",     "UNTIL",    "BYDAY",
                             "BYMONTHDAY", "BYMONTH",  "BYYEARDAY", "BYWEEKNO", "BYSETPOS",
                             "BYHOUR",     "BYMINUTE", "BYSECOND",  "WKST"};
constexpr std::array k_weekdays{"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
constexpr std::array k_month_names{"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
// The longest each month can be (February in a leap year).
constexpr std::array k_month_days{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
// libical keeps INTERVAL in a C short: a larger one would wrap when the rule
// is read or written.
constexpr int k_max_interval = 32'767;

struct Frequencies {
  const char *name;
  Frequency frequency;
};
constexpr std::array k_frequencies{
    Frequencies{"MINUTELY", Frequency::minutely}, Frequencies{"HOURLY", Frequency::hourly},
    Frequencies{"DAILY", Frequency::daily},       Frequencies{"WEEKLY", Frequency::weekly},
    Frequencies{"MONTHLY", Frequency::monthly},   Frequencies{"YEARLY", Frequency::yearly}};

tl::unexpected<core::Error> refuse(std::string message) {
  return fail(ErrorCode::invalid_params, std::move(message));
}

std::string upper(std::string_view text) { return core::text::to_upper(text); }

std::string trim(std::string_view text) {
  return std::string(core::text::trim(text, core::text::k_blanks_and_line_ends));
}

// The parts between each separator, trimmed (RRULE parts, list values).
std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> out;
  for (const auto part : core::text::split(text, separator)) {
    out.push_back(trim(part));
  }
  return out;
}

std::optional<int> to_int(std::string_view text) {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
  }
  return core::text::to_int(text);
}

// A list of whole numbers in [low, high], or also [-high, -low] when
// counting from the end is allowed.
Result<std::vector<int>> numbers(const std::string &name, const std::string &value, int low,
                                 int high, bool from_end) {
  std::vector<int> out;
  for (const auto &item : split(value, ',')) {
    const auto number = to_int(item);
    const bool fits = number && ((*number >= low && *number <= high) ||
                                 (from_end && *number <= -low && *number >= -high));
    if (!fits) {
      return refuse(fmt::format(
          "{}={}: each value must be a whole number from {} to {}{}", name, value, low, high,
          from_end ? fmt::format(", or -{} to -{} counting from the end", high, low) : ""));
    }
    out.push_back(*number);
  }
  return out;
}

struct Weekday {
  int ordinal = 0; // 0: every such day
  std::string day; // "MO"
};

Result<std::vector<Weekday>> weekdays(const std::string &value) {
  std::vector<Weekday> out;
  for (const auto &item : split(value, ',')) {
    const bool known =
        item.size() >= 2 && std::find(k_weekdays.begin(), k_weekdays.end(),
                                      item.substr(item.size() - 2)) != k_weekdays.end();
    std::optional<int> ordinal = 0;
    if (known && item.size() > 2) {
      ordinal = to_int(item.substr(0, item.size() - 2));
    }
    if (!known || !ordinal || *ordinal < -53 || *ordinal > 53 ||
        (item.size() > 2 && *ordinal == 0)) {
      return refuse(fmt::format("BYDAY={}: each day is MO, TU, WE, TH, FR, SA or SU, optionally "
                                "numbered (1MO is the first Monday, -1FR the last Friday)",
                                value));
    }
    out.push_back({*ordinal, item.substr(item.size() - 2)});
  }
  return out;
}

std::string names_of_months(const std::vector<int> &months) {
  std::vector<std::string> names;
  for (int month : months) {
    names.emplace_back(k_month_names.at(static_cast<std::size_t>(month - 1)));
  }
  if (names.size() == 1) {
    return names.front();
  }
  const std::string last = names.back();
  names.pop_back();
  return fmt::format("{} or {}", fmt::join(names, ", "), last);
}

// UNTIL in the RFC forms (20271231, 20271231T100000, 20271231T100000Z) or
// the ISO ones summit reads everywhere else (2027-12-31, ...).
Result<core::When> read_until(const std::string &value) {
  std::string iso = value;
  auto digits = [&](std::size_t from, std::size_t n) {
    return value.size() >= from + n &&
           std::all_of(value.begin() + static_cast<std::ptrdiff_t>(from),
                       value.begin() + static_cast<std::ptrdiff_t>(from + n),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
  };
  if (digits(0, 8) && (value.size() == 8 || (value.size() >= 15 && value[8] == 'T' &&
                                             digits(9, 6) && value.size() <= 16))) {
    iso = fmt::format("{}-{}-{}", value.substr(0, 4), value.substr(4, 2), value.substr(6, 2));
    if (value.size() > 8) {
      iso += fmt::format("T{}:{}:{}{}", value.substr(9, 2), value.substr(11, 2),
                         value.substr(13, 2), value.substr(15));
    }
  }
  auto when = core::parse_iso(iso);
  if (!when) {
    return refuse(fmt::format("UNTIL={}: {}", value, when.error().message));
  }
  return when;
}

// Unsupported or meaningless combinations, each named with a way out.
Result<void> check_combination(Frequency frequency, const std::map<std::string, std::string> &parts,
                               bool all_day) {
  auto has = [&](const char *name) { return parts.count(name) > 0; };
  const bool sub_daily = frequency == Frequency::hourly || frequency == Frequency::minutely;
  const char *freq = frequency == Frequency::hourly ? "FREQ=HOURLY" : "FREQ=MINUTELY";
  if (all_day) {
    if (sub_daily) {
      return refuse(fmt::format("{}: an all-day event repeats daily at most often (DAILY, "
                                "WEEKLY, MONTHLY, YEARLY)",
                                freq));
    }
    for (const char *name : {"BYHOUR", "BYMINUTE", "BYSECOND"}) {
      if (has(name)) {
        return refuse(fmt::format("{} has no meaning for an all-day event", name));
      }
    }
  }
  if (sub_daily) {
    // libical 3.0.16 steps from one listed hour to the next without looking
    // at the time of day it starts from (HOURLY;BYHOUR=9,17 from 03:00 skips
    // 09:00; MINUTELY;BYHOUR=9 starts at 09:MM, not 09:00): see
    // docs/RECURRENCE.md. The day-level parts that could leave months
    // between two occurrences would be searched minute by minute.
    if (has("BYHOUR")) {
      return refuse(fmt::format("BYHOUR with {} is not supported (libical 3.0.16 expands it "
                                "wrongly); for set hours each day use "
                                "FREQ=DAILY;BYHOUR=9,17 with BYMINUTE",
                                freq));
    }
    if (has("BYMINUTE") && frequency == Frequency::minutely) {
      return refuse("BYMINUTE with FREQ=MINUTELY is not supported (libical 3.0.16 expands it "
                    "wrongly); use FREQ=HOURLY;BYMINUTE=0,30");
    }
    for (const char *name : {"BYSECOND", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS"}) {
      if (has(name)) {
        return refuse(fmt::format("{} with {} is not supported: only BYDAY and BYMONTH (and "
                                  "BYMINUTE for HOURLY) narrow an hourly or minutely rule "
                                  "(libical would search the rest minute by minute); use "
                                  "FREQ=DAILY or MONTHLY with BYHOUR and BYMINUTE",
                                  name, freq));
      }
    }
  }
  // BYWEEKNO, BYYEARDAY and BYSETPOS, and BYMONTHDAY in a YEARLY rule
  // without BYMONTH, are expanded by summit itself (rule_periods.hpp):
  // libical 3.0.16 gets them wrong (docs/RECURRENCE.md).
  if (has("BYWEEKNO") && frequency != Frequency::yearly) {
    return refuse("BYWEEKNO works only with FREQ=YEARLY (RFC 5545: weeks of the year)");
  }
  if (has("BYYEARDAY") && (frequency == Frequency::daily || frequency == Frequency::weekly ||
                           frequency == Frequency::monthly)) {
    return refuse("BYYEARDAY works only with FREQ=YEARLY (RFC 5545)");
  }
  if (has("BYMONTHDAY") && frequency == Frequency::weekly) {
    return refuse("BYMONTHDAY does not apply to FREQ=WEEKLY (RFC 5545); use FREQ=MONTHLY");
  }
  if (has("BYSETPOS")) {
    const bool chooses_from = std::any_of(parts.begin(), parts.end(), [](const auto &part) {
      return part.first.rfind("BY", 0) == 0 && part.first != "BYSETPOS";
    });
    if (!chooses_from) {
      return refuse("BYSETPOS needs another BY part to choose from "
                    "(BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1 is the last weekday)");
    }
  }
  if (auto day = parts.find("BYDAY"); day != parts.end()) {
    auto days = weekdays(day->second);
    if (!days) {
      return tl::unexpected(days.error());
    }
    const int most = frequency == Frequency::yearly && !has("BYMONTH") ? 53 : 5;
    for (const auto &d : *days) {
      if (d.ordinal == 0) {
        continue;
      }
      if (frequency != Frequency::monthly && frequency != Frequency::yearly) {
        return refuse(fmt::format("BYDAY={}: a numbered day ({}{}) needs FREQ=MONTHLY or YEARLY "
                                  "(RFC 5545)",
                                  day->second, d.ordinal, d.day));
      }
      if (has("BYWEEKNO")) {
        return refuse(fmt::format("BYDAY={}: numbered days do not combine with BYWEEKNO (RFC 5545)",
                                  day->second));
      }
      if (std::abs(d.ordinal) > most) {
        return refuse(fmt::format("BYDAY={}: a {} has at most {} of each weekday", day->second,
                                  most == 5 ? "month" : "year", most));
      }
    }
  }
  // A day of the month no listed month has: libical would search to the
  // year 2582 and find nothing.
  if (has("BYMONTHDAY") && has("BYMONTH") && !has("BYDAY")) {
    auto days = numbers("BYMONTHDAY", parts.at("BYMONTHDAY"), 1, 31, true);
    auto months = numbers("BYMONTH", parts.at("BYMONTH"), 1, 12, false);
    if (days && months) {
      bool possible = false;
      for (int d : *days) {
        for (int m : *months) {
          possible = possible || std::abs(d) <= k_month_days.at(static_cast<std::size_t>(m - 1));
        }
      }
      if (!possible) {
        return refuse(fmt::format("BYMONTHDAY={} never falls in {}", parts.at("BYMONTHDAY"),
                                  names_of_months(*months)));
      }
    }
  }
  return {};
}

struct FreeText {
  void operator()(char *text) const { icalmemory_free_buffer(text); }
};

std::string as_text(icalrecurrencetype &recurrence) {
  std::unique_ptr<char, FreeText> text(icalrecurrencetype_as_string_r(&recurrence));
  return text ? std::string(text.get()) : std::string();
}

void set_end(icalrecurrencetype &recurrence, int count, std::optional<core::SysSeconds> until_utc,
             std::optional<date::local_days> until_date) {
  recurrence.count = count;
  recurrence.until = icaltime_null_time();
  if (until_utc) {
    recurrence.until = to_ical_utc(*until_utc);
  } else if (until_date) {
    recurrence.until = to_ical(core::LocalSeconds{*until_date}, true);
  }
}

} // namespace

void prepare_libical() {
  static std::once_flag once;
  std::call_once(once, [] { icalerror_set_errors_are_fatal(0); });
}

Result<Rule> read_rule(std::string_view input, const core::Event &event,
                       const date::time_zone *zone) {
  prepare_libical();
  std::string text = trim(input);
  if (upper(text.substr(0, 6)) == "RRULE:") {
    text = trim(text.substr(6));
  }
  std::map<std::string, std::string> parts;
  std::vector<std::string> order;
  for (const auto &item : split(text, ';')) {
    if (item.empty()) {
      continue;
    }
    const auto equals = item.find('=');
    if (equals == std::string::npos) {
      return refuse(fmt::format("{}: each part of a rule is NAME=VALUE "
                                "(FREQ=WEEKLY;BYDAY=FR)",
                                item));
    }
    const std::string name = upper(trim(item.substr(0, equals)));
    const std::string value = upper(trim(item.substr(equals + 1)));
    if (name == "RSCALE" || name == "SKIP") {
      return refuse(fmt::format("{}={}: calendars other than the Gregorian (RFC 7529) are not "
                                "supported",
                                name, value));
    }
    if (std::find(k_parts.begin(), k_parts.end(), name) == k_parts.end()) {
      return refuse(
          fmt::format("{}: unknown part (the parts are {})", item, fmt::join(k_parts, ", ")));
    }
    if (value.empty()) {
      return refuse(fmt::format("{}=: needs a value", name));
    }
    if (!parts.emplace(name, value).second) {
      return refuse(fmt::format("{} is given twice", name));
    }
    order.push_back(name);
  }
  if (parts.count("FREQ") == 0) {
    return refuse("FREQ is missing: say how often (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)");
  }

  Rule rule;
  const std::string &freq = parts.at("FREQ");
  if (freq == "SECONDLY") {
    return refuse("FREQ=SECONDLY: an event repeats every minute at most often (FREQ=MINUTELY)");
  }
  const auto known = std::find_if(k_frequencies.begin(), k_frequencies.end(),
                                  [&](const auto &f) { return freq == f.name; });
  if (known == k_frequencies.end()) {
    return refuse(fmt::format("FREQ={}: unknown frequency (use DAILY, WEEKLY, MONTHLY, YEARLY, "
                              "HOURLY or MINUTELY; every two weeks is FREQ=WEEKLY;INTERVAL=2)",
                              freq));
  }
  rule.frequency = known->frequency;
  const bool all_day = event.precision == core::Precision::all_day;

  struct Range {
    const char *name;
    int low;
    int high;
    bool from_end;
  };
  constexpr std::array k_ranges{Range{"BYSECOND", 0, 59, false},  Range{"BYMINUTE", 0, 59, false},
                                Range{"BYHOUR", 0, 23, false},    Range{"BYMONTHDAY", 1, 31, true},
                                Range{"BYYEARDAY", 1, 366, true}, Range{"BYWEEKNO", 1, 53, true},
                                Range{"BYMONTH", 1, 12, false},   Range{"BYSETPOS", 1, 366, true}};
  for (const auto &range : k_ranges) {
    if (auto value = parts.find(range.name); value != parts.end()) {
      if (auto ok = numbers(range.name, value->second, range.low, range.high, range.from_end);
          !ok) {
        return tl::unexpected(ok.error());
      }
    }
  }
  if (auto value = parts.find("BYDAY"); value != parts.end()) {
    if (auto ok = weekdays(value->second); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  if (auto value = parts.find("WKST"); value != parts.end()) {
    if (std::find(k_weekdays.begin(), k_weekdays.end(), value->second) == k_weekdays.end()) {
      return refuse(
          fmt::format("WKST={}: the week starts on MO, TU, WE, TH, FR, SA or SU", value->second));
    }
  }
  if (auto value = parts.find("INTERVAL"); value != parts.end()) {
    const auto interval = to_int(value->second);
    if (!interval || *interval < 1 || *interval > k_max_interval) {
      return refuse(fmt::format("INTERVAL={}: must be a whole number from 1 to {} (libical, which "
                                "reads and writes rules, keeps it in 16 bits)",
                                value->second, k_max_interval));
    }
    rule.interval = *interval;
  }
  if (parts.count("COUNT") > 0 && parts.count("UNTIL") > 0) {
    return refuse("give COUNT or UNTIL, not both");
  }
  if (auto value = parts.find("COUNT"); value != parts.end()) {
    const auto count = to_int(value->second);
    if (!count || *count < 1) {
      return refuse(fmt::format("COUNT={}: must be a whole number, at least 1", value->second));
    }
    if (*count > k_max_count) {
      return refuse(fmt::format("COUNT={}: at most 100,000 occurrences (a COUNT series is "
                                "counted from its start); use UNTIL, or no end",
                                value->second));
    }
    rule.count = *count;
  }
  if (auto value = parts.find("UNTIL"); value != parts.end()) {
    auto when = read_until(value->second);
    if (!when) {
      return tl::unexpected(when.error());
    }
    if (when->kind == core::When::Kind::month) {
      return refuse(fmt::format("UNTIL={}: give a date (20271231) or a time", value->second));
    }
    if (all_day) {
      const auto local = when->kind == core::When::Kind::instant
                             ? core::to_local(when->instant, zone)
                             : when->local;
      rule.until_date = date::floor<date::days>(local);
      if (*rule.until_date < date::floor<date::days>(event.start_local)) {
        return refuse(fmt::format("UNTIL={}: is before the start {}; the rule would repeat "
                                  "nothing",
                                  value->second, core::format_iso_date(event.start_local)));
      }
    } else {
      switch (when->kind) {
      case core::When::Kind::date:
        // The end of that day in the event's zone.
        rule.until_utc =
            core::resolve_local(when->local + date::days{1}, zone).utc - core::Seconds{1};
        break;
      case core::When::Kind::wall_time:
        rule.until_utc = core::resolve_local(when->local, zone).utc;
        break;
      default:
        rule.until_utc = when->instant;
        break;
      }
      if (*rule.until_utc < event.start_utc) {
        return refuse(fmt::format("UNTIL={}: is before the start {}; the rule would repeat "
                                  "nothing",
                                  value->second, core::format_iso_local(event.start_local)));
      }
    }
  }
  if (auto ok = check_combination(rule.frequency, parts, all_day); !ok) {
    return tl::unexpected(ok.error());
  }

  // libical writes the canonical text; it reads ours, which passed the
  // checks above, and what it writes reads back the same.
  std::string pattern = fmt::format("FREQ={}", freq);
  if (rule.interval != 1) {
    pattern += fmt::format(";INTERVAL={}", rule.interval);
  }
  for (const auto &name : order) {
    if (name != "FREQ" && name != "INTERVAL" && name != "COUNT" && name != "UNTIL") {
      pattern += fmt::format(";{}={}", name, parts.at(name));
    }
  }
  icalerror_clear_errno();
  icalrecurrencetype recurrence = icalrecurrencetype_from_string(pattern.c_str());
  if (recurrence.freq == ICAL_NO_RECURRENCE) {
    return refuse(fmt::format("{}: libical cannot read this rule", text));
  }
  rule.pattern = as_text(recurrence);
  set_end(recurrence, rule.count, rule.until_utc, rule.until_date);
  rule.canonical = as_text(recurrence);
  if (rule.pattern.empty() || rule.canonical.empty()) {
    return refuse(fmt::format("{}: libical cannot write this rule", text));
  }
  // The parts as libical wrote them (BYDAY in week order, WKST=MO dropped).
  for (const auto &item : split(rule.pattern, ';')) {
    const auto equals = item.find('=');
    const std::string name = item.substr(0, equals);
    if (equals != std::string::npos && name != "FREQ" && name != "INTERVAL") {
      rule.parts.emplace(name, item.substr(equals + 1));
    }
  }
  return rule;
}

std::string rule_with_end(const Rule &rule, int count, std::optional<core::SysSeconds> until_utc,
                          std::optional<date::local_days> until_date) {
  prepare_libical();
  icalrecurrencetype recurrence = icalrecurrencetype_from_string(rule.pattern.c_str());
  set_end(recurrence, count, until_utc, until_date);
  return as_text(recurrence);
}

} // namespace summit::ical
