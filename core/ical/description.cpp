#include "core/ical/description.hpp"

#include "core/text.hpp"
#include "core/zone_rules.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <set>
#include <vector>

namespace summit::ical {

namespace {

constexpr std::array k_codes{"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
constexpr std::array k_day_names{"Monday", "Tuesday",  "Wednesday", "Thursday",
                                 "Friday", "Saturday", "Sunday"};
constexpr std::array k_month_names{"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
constexpr std::array k_month_short{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array k_ordinal_words{"first", "second", "third", "fourth", "fifth"};

// A BY part's values.
std::vector<std::string_view> split(std::string_view text) { return core::text::split(text, ','); }

int number(std::string_view text) {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
  }
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// "Monday", "Monday and Friday", "Monday, Wednesday and Friday".
std::string listing(const std::vector<std::string> &items) {
  if (items.size() <= 1) {
    return items.empty() ? std::string() : items.front();
  }
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return fmt::format("{} and {}", fmt::join(head, ", "), items.back());
}

std::string day_name(std::string_view code) {
  for (std::size_t i = 0; i < k_codes.size(); ++i) {
    if (code == k_codes[i]) {
      return k_day_names[i];
    }
  }
  return std::string(code);
}

std::string suffixed(int n) {
  const int tens = n % 100;
  const char *suffix = "th";
  if (tens < 11 || tens > 13) {
    suffix = n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
  }
  return fmt::format("{}{}", n, suffix);
}

// 1 -> "first", -1 -> "last", -2 -> "second to last", 20 -> "20th".
std::string ordinal(int n) {
  if (n == -1) {
    return "last";
  }
  const int magnitude = n < 0 ? -n : n;
  std::string word = magnitude <= 5 ? k_ordinal_words.at(static_cast<std::size_t>(magnitude - 1))
                                    : suffixed(magnitude);
  return n < 0 ? word + " to last" : word;
}

// "the last Friday", "the first Monday and the third Friday"; empty when a
// day has no number (every Friday of the month).
std::string numbered_days(const std::string &byday) {
  std::vector<std::string> items;
  for (const auto &item : split(byday)) {
    const std::string_view code = item.substr(item.size() - 2);
    const int n = number(item.substr(0, item.size() - 2));
    if (n == 0) {
      return {};
    }
    items.push_back(fmt::format("the {} {}", ordinal(n), day_name(code)));
  }
  return listing(items);
}

std::string plain_days(const std::string &byday) {
  std::vector<std::string> items;
  for (const auto &item : split(byday)) {
    if (item.size() != 2) {
      return {};
    }
    items.push_back(day_name(item));
  }
  return listing(items);
}

// "the 1st and 15th", "the last day", "the 1st and the last day".
std::string month_days(const std::string &bymonthday) {
  std::vector<std::string> items;
  for (const auto &item : split(bymonthday)) {
    const int n = number(item);
    items.push_back(n > 0 ? suffixed(n) : fmt::format("{} day", ordinal(n)));
  }
  return "the " + listing(items);
}

std::string months(const std::string &bymonth) {
  std::vector<std::string> items;
  for (const auto &item : split(bymonth)) {
    items.emplace_back(k_month_names.at(static_cast<std::size_t>(number(item) - 1)));
  }
  return listing(items);
}

std::string short_date(date::local_days day) {
  const date::year_month_day ymd{day};
  return fmt::format("{} {} {}", static_cast<unsigned>(ymd.day()),
                     k_month_short.at(static_cast<unsigned>(ymd.month()) - 1),
                     static_cast<int>(ymd.year()));
}

std::string every(int interval, const char *one, const char *unit) {
  return interval == 1 ? std::string(one) : fmt::format("every {} {}", interval, unit);
}

} // namespace

std::string describe(const Rule &rule, const core::Event &event, const date::time_zone *zone) {
  static const std::set<std::string> k_words_for{"BYDAY", "BYMONTHDAY", "BYMONTH", "WKST"};
  for (const auto &[name, value] : rule.parts) {
    if (k_words_for.count(name) == 0) {
      return rule.canonical;
    }
  }
  auto part = [&](const char *name) {
    const auto found = rule.parts.find(name);
    return found == rule.parts.end() ? std::string() : found->second;
  };
  const auto start_day = date::floor<date::days>(event.start_local);
  const date::year_month_day start_ymd{start_day};
  const std::string start_weekday =
      k_day_names.at((date::weekday{start_day}.iso_encoding() + 6) % 7);
  const std::string byday = part("BYDAY");
  const std::string bymonthday = part("BYMONTHDAY");
  const std::string bymonth = part("BYMONTH");
  if (rule.frequency == Frequency::yearly && !bymonthday.empty() && bymonth.empty()) {
    return rule.canonical; // every month's days, each year: no short words for it
  }

  std::string text;
  if (byday == "MO,TU,WE,TH,FR" && rule.interval == 1 && bymonth.empty() && bymonthday.empty() &&
      (rule.frequency == Frequency::weekly || rule.frequency == Frequency::daily)) {
    text = "every weekday";
  } else {
    switch (rule.frequency) {
    case Frequency::minutely:
      text = every(rule.interval, "every minute", "minutes");
      break;
    case Frequency::hourly:
      text = every(rule.interval, "hourly", "hours");
      break;
    case Frequency::daily:
      text = every(rule.interval, "daily", "days");
      break;
    case Frequency::weekly:
      text = every(rule.interval, "every week", "weeks");
      break;
    case Frequency::monthly:
      text = every(rule.interval, "monthly", "months");
      break;
    case Frequency::yearly:
      text = every(rule.interval, "yearly", "years");
      break;
    }
    if (!bymonth.empty()) {
      text += " in " + months(bymonth);
    }
    const std::string numbered = byday.empty() ? std::string() : numbered_days(byday);
    const std::string plain = byday.empty() ? std::string() : plain_days(byday);
    if (!byday.empty() && numbered.empty() && plain.empty()) {
      return rule.canonical; // numbered and plain days mixed
    }
    const bool by_month_or_year =
        rule.frequency == Frequency::monthly || rule.frequency == Frequency::yearly;
    if (!numbered.empty()) {
      text += " on " + numbered;
    } else if (!plain.empty()) {
      text += (by_month_or_year ? " on every " : " on ") + plain;
    }
    if (!bymonthday.empty()) {
      text += (byday.empty() ? " on " : ", if it is ") + month_days(bymonthday);
    }
    if (byday.empty() && bymonthday.empty()) {
      // The days the rule takes from its start.
      if (rule.frequency == Frequency::weekly) {
        text += " on " + start_weekday;
      } else if (rule.frequency == Frequency::monthly ||
                 (rule.frequency == Frequency::yearly && !bymonth.empty())) {
        text += " on the " + suffixed(static_cast<int>(static_cast<unsigned>(start_ymd.day())));
      } else if (rule.frequency == Frequency::yearly) {
        text += fmt::format(" on {} {}", static_cast<unsigned>(start_ymd.day()),
                            k_month_names.at(static_cast<unsigned>(start_ymd.month()) - 1));
      }
    }
  }
  if (rule.count == 1) {
    text += ", once";
  } else if (rule.count > 1) {
    text += fmt::format(", {} times", rule.count);
  } else if (rule.until_date) {
    text += " until " + short_date(*rule.until_date);
  } else if (rule.until_utc) {
    const auto local = core::to_local(*rule.until_utc, zone);
    auto day = date::floor<date::days>(local);
    const date::hh_mm_ss<core::Seconds> tod{local - day};
    if (rule.frequency == Frequency::minutely || rule.frequency == Frequency::hourly) {
      text += " until " + short_date(day);
      if (local - day != date::days{1} - core::Seconds{1}) {
        text += fmt::format(" {:02}:{:02}", tod.hours().count(), tod.minutes().count());
      }
    } else {
      // Daily and coarser rules (with words for them: no BYHOUR) start
      // every occurrence at the series' time of day, so an UNTIL before
      // that time on its day (a split's "this and following" leaves the
      // instant before the occurrence split off) ends the series the day
      // before: "until 11 Mar 2027", not "until 12 Mar 2027 09:59".
      if (local - day < event.start_local - start_day) {
        day -= date::days{1};
      }
      text += " until " + short_date(day);
    }
  }
  return text;
}

std::string describe_dates(const core::Event &event) {
  std::set<core::LocalSeconds> dates{event.start_local};
  if (event.recurrence) {
    dates.insert(event.recurrence->rdates.begin(), event.recurrence->rdates.end());
    for (const auto exdate : event.recurrence->exdates) {
      dates.erase(exdate);
    }
  }
  return dates.size() == 1 ? "on 1 date" : fmt::format("on {} dates", dates.size());
}

} // namespace summit::ical
