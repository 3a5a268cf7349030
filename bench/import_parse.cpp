// summit-import-parse: the worker's share of an import, alone (issue 17,
// item 5): an .ics file read as summitd's worker reads it (CalendarReader:
// the outline, libical's parse of each VEVENT and summit's reading of it
// into event.add params), then each event validated into a core::Event
// (event_from_add_params), as CalendarHandlers::prepare does. Prints the
// thread's CPU time of each step per event. No database: the floor under
// the import rate from the parse side, one thread.
//
//   summit-import-parse FILE.ics [--tz Europe/Minsk]
#include "core/clock.hpp"
#include "core/event_params.hpp"
#include "core/ical/ics_import.hpp"
#include "core/ical/recurrence.hpp"

#include <fmt/format.h>

#include <time.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

} // namespace

int main(int argc, char **argv) {
  using namespace summit;
  if (argc < 2) {
    std::cerr << "usage: summit-import-parse FILE.ics [--tz ZONE]\n";
    return 2;
  }
  std::string tz = "Europe/Minsk";
  if (argc >= 4 && std::string(argv[2]) == "--tz") {
    tz = argv[3];
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  const double t0 = thread_cpu_seconds();
  auto reader = ical::CalendarReader::open(text, ical::ImportOptions{tz});
  if (!reader) {
    std::cerr << reader.error().message << "\n";
    return 1;
  }
  const double t1 = thread_cpu_seconds();
  std::size_t events = 0;
  std::size_t skipped = 0;
  double read_seconds = 0;
  double draft_seconds = 0;
  const core::EventInputContext input{core::system_now(), nullptr, 1000, &ical::recurrence_rules()};
  bool more = true;
  while (more) {
    ical::ParsedCalendar parsed;
    const double r0 = thread_cpu_seconds();
    more = (*reader)->read(500, parsed);
    const double r1 = thread_cpu_seconds();
    for (const auto &imported : parsed.events) {
      auto drafted = core::event_from_add_params(imported.params, input);
      if (drafted) {
        ++events;
      } else {
        ++skipped;
      }
    }
    const double r2 = thread_cpu_seconds();
    read_seconds += r1 - r0;
    draft_seconds += r2 - r1;
    skipped += parsed.skipped.size();
  }
  const double n = events > 0 ? static_cast<double>(events) : 1.0;
  fmt::print("{} events ({} skipped), {:.1f} MB\n", events, skipped,
             static_cast<double>(text.size()) / 1e6);
  fmt::print("open (outline, limits, VTIMEZONEs): {:.3f} s, {:.1f} µs an event\n", t1 - t0,
             (t1 - t0) / n * 1e6);
  fmt::print("read (libical parse, VEVENT to params): {:.3f} s, {:.1f} µs an event\n", read_seconds,
             read_seconds / n * 1e6);
  fmt::print("validate (event_from_add_params): {:.3f} s, {:.1f} µs an event\n", draft_seconds,
             draft_seconds / n * 1e6);
  const double all = (t1 - t0) + read_seconds + draft_seconds;
  fmt::print("all: {:.3f} s, {:.1f} µs an event, {:.0f} events per CPU-second\n", all,
             all / n * 1e6, n / all);
  return 0;
}
