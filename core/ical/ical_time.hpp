#pragma once

#include "core/time_range.hpp"

#include <libical/ical.h>

// Internal to summit_core_ical: summit's times as libical's and back.
namespace summit::ical {

// A wall time as a floating libical time (no zone), or its date when `date`.
inline icaltimetype to_ical(core::LocalSeconds t, bool date) {
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<core::Seconds> tod{t - day};
  // Not icaltime_null_date(): its time fields are -1, on which libical's
  // iterator loops forever.
  icaltimetype out = icaltime_null_time();
  out.is_date = date ? 1 : 0;
  out.year = static_cast<int>(ymd.year());
  out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  if (!date) {
    out.hour = static_cast<int>(tod.hours().count());
    out.minute = static_cast<int>(tod.minutes().count());
    out.second = static_cast<int>(tod.seconds().count());
  }
  return out;
}

// An instant as a UTC libical time (written with Z).
inline icaltimetype to_ical_utc(core::SysSeconds t) {
  icaltimetype out = to_ical(core::LocalSeconds{t.time_since_epoch()}, false);
  out.zone = icaltimezone_get_utc_timezone();
  return out;
}

// The wall time (or 00:00 of the date) a libical time names, its zone ignored.
inline core::LocalSeconds from_ical(const icaltimetype &t) {
  const auto day = date::local_days{date::year{t.year} / static_cast<unsigned>(t.month) /
                                    static_cast<unsigned>(t.day)};
  if (t.is_date != 0) {
    return core::LocalSeconds{day};
  }
  return day + std::chrono::hours{t.hour} + std::chrono::minutes{t.minute} +
         core::Seconds{t.second};
}

} // namespace summit::ical
