#include "core/ical/ics_time.hpp"

#include "core/ical/ics_limits.hpp"
#include "core/time_format.hpp"
#include "core/zones.hpp"

#include <cstdint>

namespace summit::ical::detail {

namespace {

using core::LocalSeconds;
using core::Seconds;
using core::SysSeconds;

// Years beyond these are refused by event.add anyway; keeping values
// inside avoids date arithmetic on nonsense such as year 0 or 20123.
constexpr int k_min_year = 1;
constexpr int k_max_year = 9999;

const date::time_zone *zone_named(const std::string &name) {
  auto zone = core::find_zone(name);
  return zone ? *zone : nullptr;
}

// A wall time converted with a file's own VTIMEZONE (check_limits bounded
// its transitions). libical expands a zone to five years past the time
// converted, and again at every call for a time past its own last year
// (2582): a time after 2399, which no event may have anyway, takes the
// offset of the same wall time in 2399.
SysSeconds through_file_zone(LocalSeconds wall, icaltimezone *zone) {
  const auto day = date::floor<date::days>(wall);
  const date::year_month_day ymd{day};
  LocalSeconds converted = wall;
  if (ymd.year() > date::year{k_zone_last_converted_year}) {
    converted = LocalSeconds{date::local_days{date::year{k_zone_last_converted_year} / 12 / 31}} +
                (wall - day);
  }
  icaltimetype time = ical_wall_time(converted, false);
  const SysSeconds instant{Seconds{icaltime_as_timet_with_zone(time, zone)}};
  const Seconds offset = converted.time_since_epoch() - instant.time_since_epoch();
  return SysSeconds{wall.time_since_epoch() - offset};
}

} // namespace

std::optional<IcalMoment> moment_of(const icaltimetype &time, icalproperty *property) {
  if (icaltime_is_null_time(time) || !icaltime_is_valid_time(time) || time.year < k_min_year ||
      time.year > k_max_year || time.month < 1 || time.month > 12 || time.day < 1 ||
      time.day > 31) {
    return std::nullopt;
  }
  const date::year_month_day day{date::year{time.year}, date::month{unsigned(time.month)},
                                 date::day{unsigned(time.day)}};
  if (!day.ok()) {
    return std::nullopt;
  }
  IcalMoment moment;
  moment.wall = LocalSeconds{date::local_days{day}};
  if (time.is_date != 0) {
    moment.form = IcalMoment::Form::date;
    return moment;
  }
  if (time.hour < 0 || time.hour > 23 || time.minute < 0 || time.minute > 59 || time.second < 0 ||
      time.second > 60) {
    return std::nullopt;
  }
  moment.wall += std::chrono::hours{time.hour} + std::chrono::minutes{time.minute} +
                 Seconds{std::min(time.second, 59)};
  if (icaltime_is_utc(time) != 0) {
    moment.form = IcalMoment::Form::utc;
    return moment;
  }
  icalparameter *tzid = property != nullptr
                            ? icalproperty_get_first_parameter(property, ICAL_TZID_PARAMETER)
                            : nullptr;
  const char *name = tzid != nullptr ? icalparameter_get_tzid(tzid) : nullptr;
  if (name != nullptr && *name != '\0') {
    moment.form = IcalMoment::Form::zoned;
    moment.tzid = name;
  }
  return moment;
}

Seconds duration_seconds(const icaldurationtype &duration) {
  const std::int64_t seconds = std::int64_t{duration.weeks} * 7 * 86400 +
                               std::int64_t{duration.days} * 86400 +
                               std::int64_t{duration.hours} * 3600 +
                               std::int64_t{duration.minutes} * 60 + std::int64_t{duration.seconds};
  return Seconds{duration.is_neg != 0 ? -seconds : seconds};
}

icaltimetype ical_wall_time(LocalSeconds wall, bool is_date) {
  const auto day = date::floor<date::days>(wall);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<Seconds> time{wall - day};
  icaltimetype out = icaltime_null_time();
  out.year = int(ymd.year());
  out.month = int(unsigned(ymd.month()));
  out.day = int(unsigned(ymd.day()));
  out.is_date = is_date ? 1 : 0;
  if (!is_date) {
    out.hour = int(time.hours().count());
    out.minute = int(time.minutes().count());
    out.second = int(time.seconds().count());
  }
  return out;
}

SysSeconds instant_of(const IcalMoment &moment, const EventFrame &frame, ZoneResolver &zones) {
  switch (moment.form) {
  case IcalMoment::Form::utc:
    return SysSeconds{moment.wall.time_since_epoch()};
  case IcalMoment::Form::zoned: {
    const TzidReading &choice = zones.resolve(moment.tzid, frame.year);
    if (choice.kind == TzidReading::Kind::iana) {
      if (const auto *zone = zone_named(choice.iana)) {
        return core::resolve_local(moment.wall, zone).utc;
      }
    } else if (choice.kind == TzidReading::Kind::custom) {
      return through_file_zone(moment.wall, choice.custom);
    }
    break;
  }
  case IcalMoment::Form::date:
  case IcalMoment::Form::floating:
    break;
  }
  return core::resolve_local(moment.wall, frame.zone).utc;
}

std::string wire_in_frame(const IcalMoment &moment, const EventFrame &frame, ZoneResolver &zones,
                          std::string &note) {
  note.clear();
  if (frame.all_day) {
    if (moment.form == IcalMoment::Form::date) {
      return core::format_iso_date(moment.wall);
    }
    // The date as written, not converted: Google and Exchange write the
    // day of an all-day occurrence as its midnight in UTC or some zone.
    note = "a time where the all-day event needs a date: its date was taken";
    return core::format_iso_date(date::floor<date::days>(moment.wall));
  }
  switch (moment.form) {
  case IcalMoment::Form::date:
    note = "a date where the timed event needs a time: read as that day at the start's time";
    return core::format_iso_local(moment.wall + frame.time_of_day);
  case IcalMoment::Form::floating:
    if (!frame.start_tzid.empty()) {
      IcalMoment zoned = moment;
      zoned.form = IcalMoment::Form::zoned;
      zoned.tzid = frame.start_tzid;
      return core::format_iso_utc(instant_of(zoned, frame, zones));
    }
    return core::format_iso_local(moment.wall);
  case IcalMoment::Form::utc:
    return core::format_iso_utc(instant_of(moment, frame, zones));
  case IcalMoment::Form::zoned: {
    const TzidReading &choice = zones.resolve(moment.tzid, frame.year);
    if (choice.kind == TzidReading::Kind::iana && choice.iana == frame.tz) {
      return core::format_iso_local(moment.wall);
    }
    if (choice.kind == TzidReading::Kind::unknown) {
      return core::format_iso_local(moment.wall);
    }
    return core::format_iso_utc(instant_of(moment, frame, zones));
  }
  }
  return core::format_iso_local(moment.wall);
}

} // namespace summit::ical::detail
