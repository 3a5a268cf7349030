#include "core/time_format.hpp"

#include "core/zone_rules.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <iterator>
#include <string_view>

namespace summit::core {

namespace {

// English names on purpose: output must not depend on the host's locale.
constexpr std::array<const char *, 7> k_weekday_names{"Sun", "Mon", "Tue", "Wed",
                                                      "Thu", "Fri", "Sat"};
constexpr std::array<const char *, 12> k_month_names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct Split {
  date::year_month_day ymd;
  date::hh_mm_ss<Seconds> tod;
};

Split split(LocalSeconds t) {
  const auto day = date::floor<date::days>(t);
  return Split{date::year_month_day{day}, date::hh_mm_ss<Seconds>{t - day}};
}

std::string iso_date(const date::year_month_day &ymd) {
  return fmt::format(FMT_COMPILE("{:04}-{:02}-{:02}"), static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

// "2025-09-26T10:00:00" followed by `suffix`, in one allocation: instants are
// formatted for every reminder notification and log line (four per firing,
// 100,000 firings in a burst), so the digits of the common years are written
// by hand; fmt, even with a compiled format, took ten times as long.
std::string iso_local(LocalSeconds t, std::string_view suffix) {
  const auto parts = split(t);
  const int year = static_cast<int>(parts.ymd.year());
  if (year < 0 || year > 9999) {
    return fmt::format(FMT_COMPILE("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}"), year,
                       static_cast<unsigned>(parts.ymd.month()),
                       static_cast<unsigned>(parts.ymd.day()), parts.tod.hours().count(),
                       parts.tod.minutes().count(), parts.tod.seconds().count(), suffix);
  }
  std::array<char, 19> text{};
  const auto put = [&](std::size_t at, long value, std::size_t digits) {
    for (std::size_t i = digits; i > 0; --i) {
      text[at + i - 1] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, year, 4);
  text[4] = '-';
  put(5, static_cast<unsigned>(parts.ymd.month()), 2);
  text[7] = '-';
  put(8, static_cast<unsigned>(parts.ymd.day()), 2);
  text[10] = 'T';
  put(11, parts.tod.hours().count(), 2);
  text[13] = ':';
  put(14, parts.tod.minutes().count(), 2);
  text[16] = ':';
  put(17, parts.tod.seconds().count(), 2);
  std::string out;
  out.reserve(text.size() + suffix.size());
  out.append(text.data(), text.size());
  out.append(suffix);
  return out;
}

std::string offset_text(Seconds offset) {
  const char sign = offset < Seconds{0} ? '-' : '+';
  const auto abs_seconds = std::abs(offset.count());
  const auto abs_minutes = abs_seconds / 60;
  auto text = fmt::format(FMT_COMPILE("{}{:02}:{:02}"), sign, abs_minutes / 60, abs_minutes % 60);
  // Local mean time before a zone adopted a standard offset (Africa/Monrovia
  // until 1972 was -00:44:30) has seconds; dropping them would name another
  // instant. Written as Python's isoformat() does; parse_iso reads it.
  if (abs_seconds % 60 != 0) {
    text += fmt::format(FMT_COMPILE(":{:02}"), abs_seconds % 60);
  }
  return text;
}

} // namespace

std::string format_iso_local(LocalSeconds t) {
  return iso_local(t, ""); // not {}: fmt would copy from its null data
}

std::string format_iso_date(LocalSeconds day) { return iso_date(split(day).ymd); }

std::string format_iso_month(LocalSeconds t) {
  const auto ymd = split(t).ymd;
  return fmt::format("{:04}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()));
}

std::string format_iso_utc(SysSeconds t) {
  return iso_local(LocalSeconds{t.time_since_epoch()}, "Z");
}

std::string format_iso_offset(SysSeconds t, const date::time_zone *zone) {
  const auto info = zone_info(t, zone);
  const LocalSeconds local{t.time_since_epoch() + info.offset};
  return iso_local(local, offset_text(info.offset));
}

std::string zone_abbrev(SysSeconds t, const date::time_zone *zone) {
  return zone_info(t, zone).abbrev;
}

std::string format_duration_iso(Seconds d) {
  std::string out = d < Seconds{0} ? "-P" : "P";
  auto rest = std::chrono::abs(d).count();
  const auto days = rest / 86400;
  rest %= 86400;
  if (days != 0) {
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}D"), days);
  }
  if (rest == 0) {
    return days == 0 ? out + "T0S" : out;
  }
  out += "T";
  const auto hours = rest / 3600;
  const auto minutes = rest % 3600 / 60;
  const auto seconds = rest % 60;
  if (hours != 0) {
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}H"), hours);
  }
  if (minutes != 0) {
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}M"), minutes);
  }
  if (seconds != 0) {
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}S"), seconds);
  }
  return out;
}

std::string format_duration_short(Seconds d) {
  std::string out = d < Seconds{0} ? "-" : "";
  auto rest = std::chrono::abs(d).count();
  // Under two minutes, seconds read as people type them ("90s", not "1m30s").
  if (rest < 120 && rest % 60 != 0) {
    return out + fmt::format("{}s", rest);
  }
  if (rest == 0) {
    return "0s";
  }
  const auto days = rest / 86400;
  const auto hours = rest % 86400 / 3600;
  const auto minutes = rest % 3600 / 60;
  const auto seconds = rest % 60;
  if (days != 0) {
    out += fmt::format("{}d", days);
  }
  if (hours != 0) {
    out += fmt::format("{}h", hours);
  }
  if (minutes != 0) {
    out += fmt::format("{}m", minutes);
  }
  if (seconds != 0) {
    out += fmt::format("{}s", seconds);
  }
  return out;
}

std::string format_human_date(LocalSeconds t) {
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::weekday wd{day};
  return fmt::format(
      "{} {} {} {}", k_weekday_names[wd.c_encoding()], static_cast<unsigned>(ymd.day()),
      k_month_names[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()));
}

std::string format_human_datetime(LocalSeconds t) {
  return format_human_date(t) + " " + format_clock_time(t);
}

std::string format_clock_time(LocalSeconds t) {
  const auto tod = split(t).tod;
  if (tod.seconds().count() != 0) {
    return fmt::format("{:02}:{:02}:{:02}", tod.hours().count(), tod.minutes().count(),
                       tod.seconds().count());
  }
  return fmt::format("{:02}:{:02}", tod.hours().count(), tod.minutes().count());
}

std::string format_month_tba(LocalSeconds t) {
  const auto ymd = split(t).ymd;
  return fmt::format("{} {} (date TBA)", k_month_names[static_cast<unsigned>(ymd.month()) - 1],
                     static_cast<int>(ymd.year()));
}

} // namespace summit::core
