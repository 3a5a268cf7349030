#include "cli/views/time_text.hpp"

#include "core/time_format.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

namespace summit::cli {

core::LocalSeconds local_time_in(core::SysSeconds t, const date::time_zone *zone) {
  return date::floor<core::Seconds>(core::to_local(t, zone));
}

namespace {

bool same_day(core::LocalSeconds a, core::LocalSeconds b) {
  return date::floor<date::days>(a) == date::floor<date::days>(b);
}

std::string clock_time(core::LocalSeconds t) { return core::format_clock_time(t); }

// The end of a span after its start: only the time when it ends the same day.
std::string span_end(core::LocalSeconds start, core::LocalSeconds end) {
  if (same_day(start, end)) {
    return "–" + clock_time(end);
  }
  return " – " + core::format_human_datetime(end);
}

std::string format_timed(const core::Event &event, const date::time_zone *viewer) {
  const bool with_end = event.has_end && event.end_utc > event.start_utc;
  const bool floating = core::is_floating(event.tz);
  // A floating time is its wall time in every zone, also where the
  // viewer's clocks skip it (02:30 on a spring-forward night stays 02:30).
  const core::LocalSeconds viewer_start =
      floating ? event.start_local : local_time_in(event.start_utc, viewer);
  std::string text = core::format_human_datetime(viewer_start);
  if (with_end) {
    text +=
        span_end(viewer_start, floating ? event.end_local : local_time_in(event.end_utc, viewer));
  }
  if (event.tz == viewer->name()) {
    return text;
  }
  if (floating) {
    // Its wall time is the same in every zone, the viewer's too.
    return text + "  (floating)";
  }
  // Derive the event's local time from the instant rather than copying
  // start_local, so both halves of the line describe the same instant even
  // when the wall time was moved out of a DST gap.
  auto zone = core::find_zone(event.tz);
  const core::LocalSeconds own_start =
      zone ? local_time_in(event.start_utc, *zone) : event.start_local;
  std::string own = same_day(own_start, viewer_start) ? clock_time(own_start)
                                                      : core::format_human_datetime(own_start);
  if (with_end) {
    own += span_end(own_start, zone ? local_time_in(event.end_utc, *zone) : event.end_local);
  }
  return fmt::format("{}  ({} {})", text, own, event.tz);
}

std::string format_all_day(const core::Event &event) {
  const date::local_days first = date::floor<date::days>(event.start_local);
  const date::local_days last = date::floor<date::days>(event.end_local) - date::days{1};
  if (last <= first) {
    return core::format_human_date(first) + " (all day)";
  }
  return core::format_human_date(first) + " – " + core::format_human_date(last);
}

} // namespace

std::string format_when(const core::Event &event, const date::time_zone *viewer) {
  switch (event.precision) {
  case core::Precision::all_day:
    return format_all_day(event);
  case core::Precision::month:
    return core::format_month_tba(event.start_local);
  case core::Precision::timed:
    break;
  }
  return format_timed(event, viewer);
}

std::string format_reminder(const core::Reminder &reminder, const date::time_zone *viewer) {
  if (reminder.before) {
    return core::format_duration_short(*reminder.before) + " before";
  }
  if (reminder.at) {
    return "at " + core::format_human_datetime(local_time_in(*reminder.at, viewer));
  }
  return "?";
}

} // namespace summit::cli
