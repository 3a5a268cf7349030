// Fuzz target: iCalendar import (core/ical/ics_import.hpp) on arbitrary bytes.
//
// The bytes go to parse_calendar (fallback zone Europe/Minsk). It may refuse
// them, but never crash, throw, hang or trip ASan/UBSan, and a refusal
// names what is wrong. Each event it yields then goes through the same
// validation as event.add (event_from_add_params with the libical
// recurrence rules, at a fixed instant), and what validation accepts is
// exported (ics_export) and imported again; the properties checked:
// - a refusal, and each skipped component, comes with a reason;
// - an accepted event expands (ical::occurrences over a bounded range)
//   without crashing;
// - an accepted event survives export and re-import: the second import
//   yields one event that validates to the same title, zone, precision,
//   start, end, reminders and recurrence rule.

#include "core/event_params.hpp"
#include "core/ical/ics_export.hpp"
#include "core/ical/ics_import.hpp"
#include "core/ical/recurrence.hpp"
#include "core/zones.hpp"
#include "fuzz_check.hpp"

#include <date/date.h>

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

using summit::fuzz::check;
namespace core = summit::core;
namespace ical = summit::ical;

// 2025-06-01T12:00:00Z.
const core::SysSeconds k_now = date::sys_days{date::year{2025} / 6 / 1} + std::chrono::hours{12};

core::EventInputContext context() {
  return core::EventInputContext{k_now, nullptr, 1000, &ical::recurrence_rules()};
}

void check_round_trip(const core::Event &event, std::string_view input) {
  // Without VTIMEZONEs (their full tzdata history makes each run ~30x
  // slower; the importer reads IANA TZIDs by name, and the VTIMEZONE text is
  // checked by the unit tests and the python3-icalendar and khal tests).
  std::set<std::string> zones;
  const std::string text =
      ical::calendar_header() + ical::vevents({event}, k_now, zones) + ical::calendar_footer();
  const auto again = ical::parse_calendar(text, ical::ImportOptions{"Europe/Minsk"});
  check(again.has_value(), "an exported event could not be imported again", input);
  check(again->events.size() == 1, "an exported event did not come back as one event", input);
  const auto drafted = core::event_from_add_params(again->events[0].params, context());
  check(drafted.has_value(), "an exported event did not validate after re-import", input);
  const core::Event &back = drafted->event;
  check(back.title == event.title, "title changed in the round trip", input);
  check(back.tz == event.tz, "zone changed in the round trip", input);
  check(back.precision == event.precision, "precision changed in the round trip", input);
  check(back.start_utc == event.start_utc, "start changed in the round trip", input);
  check(back.end_utc == event.end_utc, "end changed in the round trip", input);
  check(back.reminders == event.reminders, "reminders changed in the round trip", input);
  check(back.recurrence.has_value() == event.recurrence.has_value() &&
            (!back.recurrence || back.recurrence->rrule == event.recurrence->rrule),
        "the recurrence rule changed in the round trip", input);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char *>(data), size);
  const auto parsed = ical::parse_calendar(input, ical::ImportOptions{"Europe/Minsk"});
  if (!parsed) {
    check(!parsed.error().message.empty(), "a refused file without a message", input);
    return 0;
  }
  for (const auto &skipped : parsed->skipped) {
    check(!skipped.reason.empty(), "a skipped component without a reason", input);
  }
  for (const auto &imported : parsed->events) {
    const auto drafted = core::event_from_add_params(imported.params, context());
    if (!drafted) {
      check(!drafted.error().message.empty(), "a refused event without a message", input);
      continue;
    }
    const core::Event &event = drafted->event;
    if (auto zone = core::find_zone(event.tz)) {
      const core::TimeRange year{event.start_utc, event.start_utc + date::days{366}};
      (void)ical::occurrences(event, *zone, year, 100);
      (void)ical::series_span(event, *zone);
    }
    check_round_trip(event, input);
  }
  return 0;
}
