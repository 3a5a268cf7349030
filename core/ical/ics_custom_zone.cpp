#include "core/ical/ics_custom_zone.hpp"

#include "core/ical/ics_limits.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace summit::ical::detail {

namespace {

using core::Seconds;
using core::SysSeconds;

struct Onset {
  SysSeconds at{};
  core::ZoneOffset from;
  core::ZoneOffset to;
  std::size_t order = 0; // in the file, for two onsets at one instant
};

std::string offset_name(Seconds offset) {
  const auto minutes = std::abs(offset.count()) / 60;
  return fmt::format("{}{:02}{:02}", offset < Seconds{0} ? '-' : '+', minutes / 60, minutes % 60);
}

// The wall time of a libical time, as seconds since 1970 "in UTC".
std::optional<Seconds> wall_seconds(const icaltimetype &time) {
  if (icaltime_is_null_time(time) != 0 || time.year < 1 || time.year > 9999 || time.month < 1 ||
      time.month > 12 || time.day < 1 || time.day > 31) {
    return std::nullopt;
  }
  const date::year_month_day day{date::year{time.year}, date::month{unsigned(time.month)},
                                 date::day{unsigned(time.day)}};
  if (!day.ok()) {
    return std::nullopt;
  }
  Seconds wall = date::sys_days{day}.time_since_epoch();
  if (time.is_date == 0) {
    wall += std::chrono::hours{std::clamp(time.hour, 0, 23)} +
            std::chrono::minutes{std::clamp(time.minute, 0, 59)} +
            Seconds{std::clamp(time.second, 0, 59)};
  }
  return wall;
}

// The onsets of one STANDARD or DAYLIGHT part, added to `out`.
void add_onsets(icalcomponent *part, std::vector<Onset> &out) {
  icalproperty *start = icalcomponent_get_first_property(part, ICAL_DTSTART_PROPERTY);
  icalproperty *from = icalcomponent_get_first_property(part, ICAL_TZOFFSETFROM_PROPERTY);
  icalproperty *to = icalcomponent_get_first_property(part, ICAL_TZOFFSETTO_PROPERTY);
  if (start == nullptr || from == nullptr || to == nullptr) {
    return; // RFC 5545 requires all three; libical ignores such a part too
  }
  const icaltimetype dtstart = icalproperty_get_dtstart(start);
  const auto first = wall_seconds(dtstart);
  if (!first) {
    return;
  }
  const bool daylight = icalcomponent_isa(part) == ICAL_XDAYLIGHT_COMPONENT;
  core::ZoneOffset before{Seconds{icalproperty_get_tzoffsetfrom(from)}, false, {}};
  core::ZoneOffset after{Seconds{icalproperty_get_tzoffsetto(to)}, daylight, {}};
  before.abbrev = offset_name(before.offset);
  after.abbrev = offset_name(after.offset);
  if (icalproperty *name = icalcomponent_get_first_property(part, ICAL_TZNAME_PROPERTY)) {
    if (const char *text = icalproperty_get_tzname(name); text != nullptr) {
      std::string abbrev(text);
      abbrev.erase(0, abbrev.find_first_not_of(' '));
      abbrev.erase(abbrev.find_last_not_of(' ') + 1);
      if (!abbrev.empty() && abbrev.size() <= core::k_max_zone_abbrev) {
        after.abbrev = std::move(abbrev);
      }
    }
  }
  const auto add = [&](Seconds wall, bool utc) {
    out.push_back({SysSeconds{utc ? wall : wall - before.offset}, before, after, out.size()});
  };
  add(*first, false);
  const int last_year = k_zone_last_converted_year;
  for (icalproperty *rule = icalcomponent_get_first_property(part, ICAL_RRULE_PROPERTY);
       rule != nullptr; rule = icalcomponent_get_next_property(part, ICAL_RRULE_PROPERTY)) {
    const icalrecurrencetype recurrence = icalproperty_get_rrule(rule);
    if (recurrence.freq != ICAL_YEARLY_RECURRENCE) {
      continue; // check_limits refused the others
    }
    std::unique_ptr<icalrecur_iterator, decltype(&icalrecur_iterator_free)> iterator(
        icalrecur_iterator_new(recurrence, dtstart), &icalrecur_iterator_free);
    if (!iterator) {
      continue;
    }
    // check_limits walked the same rule and bounded its starts.
    for (icaltimetype next = icalrecur_iterator_next(iterator.get());
         icaltime_is_null_time(next) == 0 && next.year <= last_year;
         next = icalrecur_iterator_next(iterator.get())) {
      if (const auto wall = wall_seconds(next); wall && *wall != *first) {
        add(*wall, false);
      }
    }
  }
  for (icalproperty *rdate = icalcomponent_get_first_property(part, ICAL_RDATE_PROPERTY);
       rdate != nullptr; rdate = icalcomponent_get_next_property(part, ICAL_RDATE_PROPERTY)) {
    const icaldatetimeperiodtype value = icalproperty_get_rdate(rdate);
    const icaltimetype time =
        icaltime_is_null_time(value.time) == 0 ? value.time : value.period.start;
    if (const auto wall = wall_seconds(time); wall && time.year <= last_year) {
      add(*wall, icaltime_is_utc(time) != 0);
    }
  }
}

} // namespace

core::Result<core::CustomZoneRules> rules_of_vtimezone(icalcomponent *vtimezone) {
  std::vector<Onset> onsets;
  for (icalcomponent *part = icalcomponent_get_first_component(vtimezone, ICAL_ANY_COMPONENT);
       part != nullptr; part = icalcomponent_get_next_component(vtimezone, ICAL_ANY_COMPONENT)) {
    const auto kind = icalcomponent_isa(part);
    if (kind == ICAL_XSTANDARD_COMPONENT || kind == ICAL_XDAYLIGHT_COMPONENT) {
      add_onsets(part, onsets);
    }
  }
  if (onsets.empty()) {
    return core::fail(core::ErrorCode::invalid_params,
                      "it has no STANDARD or DAYLIGHT part with DTSTART, TZOFFSETFROM and "
                      "TZOFFSETTO");
  }
  std::stable_sort(onsets.begin(), onsets.end(),
                   [](const Onset &a, const Onset &b) { return a.at < b.at; });
  core::CustomZoneRules rules;
  rules.initial = onsets.front().from;
  core::ZoneOffset now = rules.initial;
  for (std::size_t i = 0; i < onsets.size(); ++i) {
    if (i > 0 && onsets[i].at == onsets[i - 1].at) {
      continue; // the first in the file at this instant won
    }
    if (onsets[i].to == now) {
      continue;
    }
    now = onsets[i].to;
    rules.changes.push_back({onsets[i].at, now});
  }
  if (auto ok = core::check_zone_rules(rules); !ok) {
    return tl::unexpected(ok.error());
  }
  return rules;
}

} // namespace summit::ical::detail
