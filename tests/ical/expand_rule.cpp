// A test helper for dateutil_compare.py and rrule_reference.py: prints the
// occurrences summit gives for a rule, as the daemon would build the event.
//
//   expand_rule ZONE START RULE FROM TO
//   expand_rule --batch < CASES
//
// START is a wall time (2025-09-26T10:00) or a date (an all-day event); FROM
// and TO are instants (2025-01-01T00:00Z). Prints "rule CANONICAL", "start
// WALL", then one line per occurrence starting in [FROM, TO): its wall time
// and its instant. Exits 1 with the error when the event is refused.
//
// With --batch, reads one case a line (ZONE, START, RULE, FROM, TO separated
// by tabs) and answers each with "case N", then the lines above or "error
// MESSAGE", then "end": thousands of rules in one process.
#include "core/event_params.hpp"
#include "core/ical/recurrence.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zones.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace summit;

// Expands one case onto `out`; false with the error there when refused.
bool expand(const std::string &zone_name, const std::string &start, const std::string &rule,
            const std::string &from_text, const std::string &to_text, std::ostream &out) {
  const nlohmann::json params{
      {"title", "expand_rule"}, {"tz", zone_name}, {"start", start}, {"repeat", rule}};
  const core::EventInputContext ctx{core::SysSeconds{}, nullptr, 0, &ical::recurrence_rules()};
  auto drafted = core::event_from_add_params(params, ctx);
  auto from = core::parse_iso(from_text);
  auto to = core::parse_iso(to_text);
  if (!drafted || !from || !to) {
    out << "error "
        << (drafted ? "FROM and TO are instants such as 2025-01-01T00:00Z"
                    : drafted.error().message)
        << "\n";
    return false;
  }
  const core::Event &event = drafted->event;
  const auto *zone = *core::find_zone(event.tz);
  out << "rule " << event.recurrence->rrule << "\n"
      << "start " << core::format_iso_local(event.start_local) << "\n";
  for (const auto &o : ical::occurrences(event, zone, {from->instant, to->instant}, 1'000'000)) {
    if (o.start_utc < from->instant) {
      continue; // overlapping the range, started before it
    }
    out << core::format_iso_local(o.start_local) << " " << core::format_iso_utc(o.start_utc)
        << "\n";
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  if (argc == 2 && std::string(argv[1]) == "--batch") {
    std::string line;
    for (int n = 1; std::getline(std::cin, line); ++n) {
      std::vector<std::string> fields;
      std::istringstream in(line);
      for (std::string field; std::getline(in, field, '\t');) {
        fields.push_back(field);
      }
      std::cout << "case " << n << "\n";
      if (fields.size() != 5) {
        std::cout << "error a case is ZONE, START, RULE, FROM, TO separated by tabs\n";
      } else {
        expand(fields[0], fields[1], fields[2], fields[3], fields[4], std::cout);
      }
      std::cout << "end\n";
    }
    return 0;
  }
  if (argc != 6) {
    std::cerr << "usage: expand_rule ZONE START RULE FROM TO | expand_rule --batch < CASES\n";
    return 2;
  }
  std::ostringstream out;
  const bool ok = expand(argv[1], argv[2], argv[3], argv[4], argv[5], out);
  (ok ? std::cout : std::cerr) << (ok ? out.str() : out.str().substr(6));
  return ok ? 0 : 1;
}
