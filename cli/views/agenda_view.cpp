#include "cli/views/agenda_view.hpp"

#include "cli/views/event_view.hpp"
#include "core/time_format.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace summit::cli {

namespace {

using date::local_days;

constexpr std::size_t k_time_column = 11; // "10:00–11:00"

core::LocalSeconds local_in(core::SysSeconds t, const date::time_zone *zone) {
  return date::floor<core::Seconds>(core::to_local(t, zone));
}

local_days day_of(core::LocalSeconds t) { return date::floor<date::days>(t); }

std::string clock(core::LocalSeconds t) { return core::format_clock_time(t); }

// "Sat 27 Sep": the day part of an event's own time when it is not the
// viewer's day.
std::string short_day(core::LocalSeconds t) {
  const std::string full = core::format_human_date(t); // "Sat 27 Sep 2025"
  return full.substr(0, full.rfind(' '));
}

int rank(core::Precision precision) {
  switch (precision) {
  case core::Precision::month:
    return 0;
  case core::Precision::all_day:
    return 1;
  case core::Precision::timed:
    break;
  }
  return 2;
}

bool before(const AgendaEntry &a, const AgendaEntry &b) {
  const auto key = [](const AgendaEntry &entry) {
    return std::tuple(rank(entry.event.precision), entry.event.start_utc, entry.event.id,
                      entry.event.occurrence.value_or(core::LocalSeconds{}));
  };
  return key(a) < key(b);
}

std::string time_column(const AgendaEntry &entry, const date::time_zone *viewer) {
  const core::Event &event = entry.event;
  switch (event.precision) {
  case core::Precision::month:
    return "date TBA";
  case core::Precision::all_day:
    return "all day";
  case core::Precision::timed:
    break;
  }
  // A floating time is its wall time, also where the viewer's clocks skip it.
  const bool floating = core::is_floating(event.tz);
  const core::LocalSeconds start = floating ? event.start_local : local_in(event.start_utc, viewer);
  const core::LocalSeconds end = floating ? event.end_local : local_in(event.end_utc, viewer);
  const bool with_end = event.has_end && event.end_utc > event.start_utc;
  switch (entry.part) {
  case DayPart::starts:
    return clock(start) + "–…";
  case DayPart::continues:
    return "all day";
  case DayPart::ends:
    return "…–" + clock(end);
  case DayPart::whole:
    break;
  }
  return with_end ? clock(start) + "–" + clock(end) : clock(start);
}

// "[12:00–13:00 Europe/Minsk]" for a timed event in another zone,
// "[floating]" for one that has none.
std::string own_time(const core::Event &event, const date::time_zone *viewer) {
  if (event.precision != core::Precision::timed || event.tz == viewer->name()) {
    return {};
  }
  if (core::is_floating(event.tz)) {
    return "[floating]"; // at its own wall time in every zone
  }
  auto zone = core::find_zone(event.tz);
  if (!zone) {
    return fmt::format("[{}]", event.tz);
  }
  const core::LocalSeconds own_start = local_in(event.start_utc, *zone);
  const core::LocalSeconds viewer_start = local_in(event.start_utc, viewer);
  std::string text = day_of(own_start) == day_of(viewer_start)
                         ? clock(own_start)
                         : short_day(own_start) + " " + clock(own_start);
  if (event.has_end && event.end_utc > event.start_utc) {
    const core::LocalSeconds own_end = local_in(event.end_utc, *zone);
    text +=
        "–" + (day_of(own_end) == day_of(own_start) ? clock(own_end)
                                                    : short_day(own_end) + " " + clock(own_end));
  }
  return fmt::format("[{} {}]", text, event.tz);
}

} // namespace

std::vector<AgendaDay> agenda_days(const std::vector<core::Event> &events, local_days first,
                                   local_days last, const date::time_zone *viewer) {
  std::map<local_days, std::vector<AgendaEntry>> by_day;
  auto place = [&](local_days day, const core::Event &event, DayPart part) {
    if (first <= day && day <= last) {
      by_day[day].push_back(AgendaEntry{event, part});
    }
  };
  for (const core::Event &event : events) {
    switch (event.precision) {
    case core::Precision::month: {
      const local_days shown = std::max(first, day_of(event.start_local));
      if (shown < day_of(event.end_local)) {
        place(shown, event, DayPart::whole);
      }
      break;
    }
    case core::Precision::all_day: {
      const local_days end =
          std::max(day_of(event.end_local), day_of(event.start_local) + date::days{1});
      for (local_days day = std::max(first, day_of(event.start_local)); day < end && day <= last;
           day += date::days{1}) {
        place(day, event, DayPart::whole);
      }
      break;
    }
    case core::Precision::timed: {
      const local_days start = day_of(local_in(event.start_utc, viewer));
      // The end is exclusive: an event ending at midnight ends the day before.
      const local_days end = event.has_end && event.end_utc > event.start_utc
                                 ? day_of(local_in(event.end_utc - core::Seconds{1}, viewer))
                                 : start;
      for (local_days day = std::max(first, start); day <= end && day <= last;
           day += date::days{1}) {
        const DayPart part = start == end   ? DayPart::whole
                             : day == start ? DayPart::starts
                             : day == end   ? DayPart::ends
                                            : DayPart::continues;
        place(day, event, part);
      }
      break;
    }
    }
  }
  std::vector<AgendaDay> days;
  for (auto &[day, entries] : by_day) {
    std::stable_sort(entries.begin(), entries.end(), before);
    days.push_back(AgendaDay{day, std::move(entries)});
  }
  return days;
}

std::string format_agenda(const std::vector<AgendaDay> &days, local_days today,
                          const date::time_zone *viewer) {
  std::string text;
  for (const AgendaDay &day : days) {
    if (!text.empty()) {
      text += "\n";
    }
    text += core::format_human_date(core::LocalSeconds{day.day});
    text += day.day == today ? " (today)\n" : "\n";
    for (const AgendaEntry &entry : day.entries) {
      std::string line = time_column(entry, viewer);
      line.append(k_time_column - std::min(k_time_column, display_width(line)), ' ');
      line += "  " + marked_title(entry.event);
      if (!entry.event.location.empty()) {
        line += "  (" + printable(entry.event.location) + ")";
      }
      if (const std::string own = own_time(entry.event, viewer); !own.empty()) {
        line += "  " + own;
      }
      text += line + "\n";
    }
  }
  return text;
}

} // namespace summit::cli
