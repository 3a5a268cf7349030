#include "cli/views/month_grid.hpp"

#include "core/text.hpp"
#include "core/time_parse.hpp"
#include "core/zone_rules.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace summit::cli {

namespace {

using core::ErrorCode;
using core::fail;

constexpr std::array<const char *, 12> k_month_names{
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};
constexpr std::array<const char *, 12> k_month_titles{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<const char *, 7> k_weekdays{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};

constexpr const char *k_bold = "\x1b[1m";
constexpr const char *k_reverse = "\x1b[7m";
constexpr const char *k_reset = "\x1b[0m";

// Lower case, runs of blanks as one space.
std::string lower_trimmed(std::string_view text) {
  std::string out;
  bool space = false;
  for (const char c : core::text::trim(text)) {
    if (core::text::is_space(c)) {
      space = true;
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += core::text::to_lower(c);
  }
  return out;
}

// "sep", "sept", "september": a month name or a prefix of it, 3 letters or more.
std::optional<date::month> month_named(std::string_view word) {
  if (word.size() < 3) {
    return std::nullopt;
  }
  for (unsigned i = 0; i < k_month_names.size(); ++i) {
    const std::string_view name = k_month_names[i];
    if (word.size() <= name.size() && name.substr(0, word.size()) == word) {
      return date::month{i + 1};
    }
  }
  return std::nullopt;
}

std::optional<int> year_number(std::string_view word) {
  int year = 0;
  const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), year);
  if (error != std::errc() || end != word.data() + word.size() || word.size() != 4) {
    return std::nullopt;
  }
  return year;
}

std::string centred(const std::string &text, std::size_t width) {
  if (text.size() >= width) {
    return text;
  }
  return std::string((width - text.size()) / 2, ' ') + text;
}

void trim_right(std::string &line) {
  while (!line.empty() && line.back() == ' ') {
    line.pop_back();
  }
}

} // namespace

core::Result<date::year_month> parse_month(std::string_view text, core::SysSeconds now,
                                           const date::time_zone *viewer) {
  const std::string words = lower_trimmed(text);
  const date::year_month_day today{
      date::floor<date::days>(date::floor<core::Seconds>(core::to_local(now, viewer)))};
  const date::year_month this_month{today.year(), today.month()};
  if (words.empty() || words == "this month" || words == "now" || words == "today") {
    return this_month;
  }
  if (words == "next month") {
    return this_month + date::months{1};
  }
  if (words == "last month" || words == "previous month") {
    return this_month - date::months{1};
  }
  const auto space = words.find(' ');
  const std::string_view first = std::string_view(words).substr(0, space);
  if (auto month = month_named(first)) {
    if (space == std::string::npos) {
      return date::year_month{today.year(), *month};
    }
    if (auto year = year_number(std::string_view(words).substr(space + 1))) {
      return date::year_month{date::year{*year}, *month};
    }
  }
  if (year_number(words)) {
    return fail(ErrorCode::invalid_params,
                fmt::format("MONTH: '{}' is a year; give a month such as {}-09 or \"sep {}\"", text,
                            words, words));
  }
  if (auto when = core::parse_when(text, now, viewer)) {
    const core::LocalSeconds local =
        when->kind == core::When::Kind::instant
            ? date::floor<core::Seconds>(core::to_local(when->instant, viewer))
            : when->local;
    const date::year_month_day ymd{date::floor<date::days>(local)};
    return date::year_month{ymd.year(), ymd.month()};
  }
  return fail(ErrorCode::invalid_params,
              fmt::format("MONTH: '{}' is not a month; give 2025-09, sep, \"sep 2026\", "
                          "\"next month\" or a date",
                          text));
}

std::string month_title(date::year_month month) {
  return fmt::format("{} {}", k_month_titles[static_cast<unsigned>(month.month()) - 1],
                     static_cast<int>(month.year()));
}

std::string format_month_grid(date::year_month month, const std::set<date::local_days> &marked,
                              std::optional<date::local_days> today, GridStyle style) {
  // Colour: cal's three columns a day. Plain: five, for the brackets and '*'.
  const std::size_t cell = style.color ? 3 : 5;
  const std::size_t width = 7 * cell - (style.color ? 1 : 2);
  std::string text = centred(month_title(month), width);
  text += "\n";
  std::string header;
  for (const char *name : k_weekdays) {
    header += style.color ? fmt::format("{} ", name) : fmt::format(" {}  ", name);
  }
  trim_right(header);
  text += header + "\n";

  const date::local_days first{month / 1};
  const date::local_days last{month / date::last};
  // Monday is 0.
  const unsigned lead = (date::weekday{first}.c_encoding() + 6) % 7;
  std::string line(lead * cell, ' ');
  unsigned column = lead;
  for (date::local_days day = first; day <= last; day += date::days{1}) {
    const unsigned number = static_cast<unsigned>(date::year_month_day{day}.day());
    const bool has_events = marked.contains(day);
    const bool is_today = today && *today == day;
    if (style.color) {
      std::string digits = fmt::format("{:>2}", number);
      if (is_today || has_events) {
        digits = fmt::format("{}{}{}{}", has_events ? k_bold : "", is_today ? k_reverse : "",
                             digits, k_reset);
      }
      line += digits + " ";
    } else {
      // " 12* ", "[26] ", "[26]*", " [1]*": brackets hug the number, the
      // star follows it or its bracket.
      if (is_today) {
        line += fmt::format("{:>4}{}", fmt::format("[{}]", number), has_events ? '*' : ' ');
      } else {
        line += fmt::format(" {:>2}{} ", number, has_events ? '*' : ' ');
      }
    }
    if (++column == 7) {
      trim_right(line);
      text += line + "\n";
      line.clear();
      column = 0;
    }
  }
  trim_right(line);
  if (!line.empty()) {
    text += line + "\n";
  }
  return text;
}

} // namespace summit::cli
