#pragma once

#include "core/ical/ics_zones.hpp"
#include "core/time_range.hpp"

#include <date/tz.h>
#include <libical/ical.h>

#include <optional>
#include <string>

// DATE and DATE-TIME values of a file, and how they become the start, end
// and dates of an event.add request in the event's zone. Internal to
// core/ical.
namespace summit::ical::detail {

// A value as the file wrote it.
struct IcalMoment {
  enum class Form { date, floating, utc, zoned };
  Form form = Form::floating;
  core::LocalSeconds wall{}; // its fields as written; 00:00 for a date
  std::string tzid;          // Form::zoned
};

// The value of `time` with the TZID parameter of `property` (may be null);
// nothing for a null time or one outside what a calendar can hold.
std::optional<IcalMoment> moment_of(const icaltimetype &time, icalproperty *property);

// The event an occurrence, end or reminder belongs to.
struct EventFrame {
  bool all_day = false;
  std::string tz; // IANA
  const date::time_zone *zone = nullptr;
  core::Seconds time_of_day{}; // of the start, for a date given to a timed event
  // The TZID of the start when it was no IANA zone: wall times that name
  // it are converted with the same rules.
  std::string start_tzid;
  // The year of the start, for a TZID only the file's VTIMEZONE knows
  // (ZoneResolver::resolve); 0 before it is known.
  int year = 0;
};

// The instant of `moment`: floating and unknown zones read in the frame's
// zone, a file's own VTIMEZONE through libical.
core::SysSeconds instant_of(const IcalMoment &moment, const EventFrame &frame, ZoneResolver &zones);

// `moment` as event.add writes it for the frame: "2025-09-26" (all-day),
// "2025-09-26T10:00:00" (a wall time in the event's zone) or
// "2025-09-26T07:00:00Z" (an instant, which event.add shows in the
// event's zone). `note` is set when the value had to change kind (a date
// for a timed event takes the start's time of day; a time for an all-day
// event its date).
std::string wire_in_frame(const IcalMoment &moment, const EventFrame &frame, ZoneResolver &zones,
                          std::string &note);

// A DURATION's length, negative when it is; in 64 bits (libical's own
// icaldurationtype_as_int overflows on P999999999999999999W).
core::Seconds duration_seconds(const icaldurationtype &duration);

// The libical value of a wall time, floating.
icaltimetype ical_wall_time(core::LocalSeconds wall, bool is_date);

} // namespace summit::ical::detail
