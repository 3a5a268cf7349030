#include "core/ical/ics_zone_match.hpp"

#include "core/ical/ical_time.hpp"
#include "core/ical/ics_limits.hpp"
#include "core/ical/windows_zones.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

namespace summit::ical::detail {

namespace {

using core::Seconds;
using core::SysSeconds;

// A change of offset: from this instant on, this offset (seconds east).
using Change = std::pair<SysSeconds, std::int64_t>;

std::int64_t custom_offset(icaltimezone *zone, SysSeconds t) {
  icaltimetype utc = to_ical_utc(t);
  int is_daylight = 0;
  return icaltimezone_get_utc_offset_of_utc_time(zone, &utc, &is_daylight);
}

// The custom zone's offset at span.begin and its changes inside the span.
std::pair<std::int64_t, std::vector<Change>> custom_changes(icaltimezone *zone,
                                                            core::TimeRange span) {
  const std::int64_t first = custom_offset(zone, span.begin);
  std::vector<Change> changes;
  std::int64_t before = first;
  for (SysSeconds day = span.begin; day < span.end;) {
    const SysSeconds next = std::min<SysSeconds>(day + date::days{1}, span.end);
    const std::int64_t offset = custom_offset(zone, next);
    if (offset != before) {
      // The first second of the day's last period: the change.
      SysSeconds low = day; // the old offset
      SysSeconds high = next;
      while (high - low > Seconds{1}) {
        const SysSeconds middle = low + (high - low) / 2;
        (custom_offset(zone, middle) == before ? low : high) = middle;
      }
      if (high < span.end) {
        changes.emplace_back(high, offset);
      }
      before = offset;
    }
    day = next;
  }
  return {first, changes};
}

// Whether `zone`'s offsets over `span` are `first` and then `changes`.
bool same_offsets(const date::time_zone *zone, core::TimeRange span, std::int64_t first,
                  const std::vector<Change> &changes) {
  date::sys_info info = core::zone_info(span.begin, zone);
  if (info.offset.count() != first) {
    return false;
  }
  std::size_t at = 0;
  std::int64_t offset = first;
  while (SysSeconds{info.end} < span.end) {
    info = core::zone_info(SysSeconds{info.end}, zone);
    if (info.offset.count() == offset) {
      continue; // a new abbreviation or DST flag, the same offset
    }
    if (at == changes.size() || changes[at].first != SysSeconds{info.begin} ||
        changes[at].second != info.offset.count()) {
      return false;
    }
    offset = info.offset.count();
    ++at;
  }
  return at == changes.size();
}

} // namespace

std::string matching_iana_zone(icaltimezone *custom, core::TimeRange span,
                               const std::string &preferred) {
  const SysSeconds last{date::sys_days{date::year{k_zone_last_converted_year} / 12 / 31}};
  span.end = std::min(span.end, last);
  if (custom == nullptr || span.end <= span.begin) {
    return {};
  }
  const auto [first, changes] = custom_changes(custom, span);
  std::set<std::string> tried;
  auto matches = [&](const std::string &name) {
    if (!tried.insert(name).second) {
      return false;
    }
    auto zone = core::find_zone(name);
    return zone && same_offsets(*zone, span, first, changes);
  };
  if (changes.empty() && first % 3600 == 0 && first >= -12 * 3600 && first <= 14 * 3600) {
    // One offset all along: tzdata's zone for that offset, which promises
    // no daylight saving time later (a city's zone would).
    const std::int64_t hours = first / 3600;
    const std::string fixed =
        hours == 0 ? std::string("Etc/UTC")
                   : fmt::format("Etc/GMT{}{}", hours > 0 ? '-' : '+', hours > 0 ? hours : -hours);
    if (matches(fixed)) {
      return fixed;
    }
  }
  if (!preferred.empty() && matches(preferred)) {
    return preferred;
  }
  for (const std::string &name : iana_zones_of_windows_table()) {
    if (matches(name)) {
      return name;
    }
  }
  std::vector<std::string> names;
  for (const auto &zone : date::get_tzdb().zones) {
    const std::string name(zone.name());
    if (name.find('/') != std::string::npos && name.rfind("posix/", 0) != 0 &&
        name.rfind("right/", 0) != 0) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  for (const std::string &name : names) {
    if (matches(name)) {
      return name;
    }
  }
  return {};
}

} // namespace summit::ical::detail
