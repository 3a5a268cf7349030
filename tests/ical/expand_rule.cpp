// A test helper for dateutil_compare.py: prints the occurrences summit
// gives for a rule, as the daemon would build the event.
//
//   expand_rule ZONE START RULE FROM TO
//
// START is a wall time (2025-09-26T10:00) or a date (an all-day event); FROM
// and TO are instants (2025-01-01T00:00Z). Prints "rule CANONICAL", "start
// WALL", then one line per occurrence starting in [FROM, TO): its wall time
// and its instant. Exits 1 with the error when the event is refused.
#include "core/event_params.hpp"
#include "core/ical/recurrence.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zones.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

int main(int argc, char **argv) {
  using namespace summit;
  if (argc != 6) {
    std::cerr << "usage: expand_rule ZONE START RULE FROM TO\n";
    return 2;
  }
  const nlohmann::json params{
      {"title", "expand_rule"}, {"tz", argv[1]}, {"start", argv[2]}, {"repeat", argv[3]}};
  const core::EventInputContext ctx{core::SysSeconds{}, nullptr, 0, &ical::recurrence_rules()};
  auto drafted = core::event_from_add_params(params, ctx);
  auto from = core::parse_iso(argv[4]);
  auto to = core::parse_iso(argv[5]);
  if (!drafted || !from || !to) {
    std::cerr << (drafted ? "FROM and TO are instants such as 2025-01-01T00:00Z"
                          : drafted.error().message)
              << "\n";
    return 1;
  }
  const core::Event &event = drafted->event;
  const auto *zone = *core::find_zone(event.tz);
  std::cout << "rule " << event.recurrence->rrule << "\n"
            << "start " << core::format_iso_local(event.start_local) << "\n";
  for (const auto &o : ical::occurrences(event, zone, {from->instant, to->instant}, 1'000'000)) {
    std::cout << core::format_iso_local(o.start_local) << " " << core::format_iso_utc(o.start_utc)
              << "\n";
  }
  return 0;
}
