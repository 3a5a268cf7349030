// summit-import-scaling: how the time of parse_calendar grows with the
// worst case of each kind of line (issue 13: one RRULE line with 80,000
// parameters took 32 s, the time growing with the square of the count).
// For each kind, files of N, 2N, 4N and 8N lines; linear time shows as a
// constant time per line. Also the listing of a FREQ=MINUTELY;COUNT=100000
// series near its end. Figures only, no assertion (bench/README.md,
// "Import time"). Run: build/<preset>/bench/summit-import-scaling
#include "core/event_params.hpp"
#include "core/ical/ics_import.hpp"
#include "core/ical/recurrence.hpp"
#include "core/zones.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <string>

namespace {

using namespace summit;
using Clock = std::chrono::steady_clock;

std::string calendar(const std::string &body) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//summit bench//EN\r\n" + body +
         "END:VCALENDAR\r\n";
}

// A component may have at most 20,000 lines of its own (core/ical/ics_limits):
// lines are spread over events of 10,000.
constexpr int k_lines_per_event = 10'000;

std::string exdate_lines(int n) {
  const date::local_seconds start{date::local_days{date::year{2025} / 9 / 26} +
                                  std::chrono::hours{10}};
  std::string body;
  for (int i = 1; i <= n; ++i) {
    if ((i - 1) % k_lines_per_event == 0) {
      body += fmt::format("{}BEGIN:VEVENT\r\nUID:a{}\r\nDTSTART;TZID=W. Europe Standard Time:"
                          "20250926T100000\r\nRRULE:FREQ=MINUTELY\r\n",
                          i == 1 ? "" : "END:VEVENT\r\n", i);
    }
    body += date::format("EXDATE;TZID=W. Europe Standard Time:%Y%m%dT%H%M%S\r\n",
                         start + std::chrono::minutes{i});
  }
  return calendar(body + "END:VEVENT\r\n");
}

std::string properties(int n) {
  std::string body;
  for (int i = 0; i < n; ++i) {
    if (i % k_lines_per_event == 0) {
      body += fmt::format("{}BEGIN:VEVENT\r\nUID:a{}\r\nDTSTART:20250926T100000\r\n",
                          i == 0 ? "" : "END:VEVENT\r\n", i);
    }
    body += fmt::format("X-FILLER-{}:value\r\n", i);
  }
  return calendar(body + "END:VEVENT\r\n");
}

std::string folded(int n) {
  std::string body = "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250926T100000\r\nDESCRIPTION:";
  for (int i = 0; i < n; ++i) {
    body += (i == 0 ? "" : "\r\n ") + std::string(74, 'a');
  }
  return calendar(body + "\r\nEND:VEVENT\r\n");
}

std::string parameters(int n) {
  std::string line = "RRULE";
  for (int i = 0; i < n; ++i) {
    line += fmt::format(";X-P{}=v", i);
  }
  return calendar("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250926T100000\r\n" + line +
                  ":FREQ=DAILY\r\nEND:VEVENT\r\n");
}

std::string events(int n) {
  std::string body;
  for (int i = 0; i < n; ++i) {
    body += fmt::format("BEGIN:VEVENT\r\nUID:e{}\r\nDTSTART:20250926T100000\r\nSUMMARY:Event "
                        "{}\r\nRRULE:FREQ=WEEKLY;COUNT=10\r\nEND:VEVENT\r\n",
                        i, i);
  }
  return calendar(body);
}

double seconds_for(const std::function<void()> &work) {
  const auto start = Clock::now();
  work();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void scale(const char *kind, int base, const std::function<std::string(int)> &make) {
  fmt::print("| {} |", kind);
  for (int n = base; n <= 8 * base; n *= 2) {
    const std::string text = make(n);
    bool ok = true;
    const double s = seconds_for(
        [&] { ok = ical::parse_calendar(text, ical::ImportOptions{"Europe/Minsk"}).has_value(); });
    fmt::print(" {} : {:.0f} ms ({:.2f} µs/line{}) |", n, s * 1e3, s * 1e6 / n,
               ok ? "" : ", refused");
  }
  fmt::print("\n");
}

void count_listing() {
  const nlohmann::json params{{"title", "Every minute"},
                              {"start", "2025-01-06T09:00"},
                              {"tz", "Europe/Minsk"},
                              {"repeat", "FREQ=MINUTELY;COUNT=100000"}};
  const core::EventInputContext ctx{core::SysSeconds{}, nullptr, 0, &ical::recurrence_rules()};
  auto drafted = core::event_from_add_params(params, ctx);
  if (!drafted) {
    fmt::print("refused: {}\n", drafted.error().message);
    return;
  }
  const auto *zone = *core::find_zone("Europe/Minsk");
  const core::SysSeconds from{date::sys_days{date::year{2025} / 3 / 16} + std::chrono::hours{16}};
  std::size_t found = 0;
  const double s = seconds_for([&] {
    for (int i = 0; i < 20; ++i) {
      ical::ExpansionBudget budget;
      auto list = ical::occurrences(drafted->event, zone, {from, from + std::chrono::hours{1}}, 101,
                                    budget);
      found += list ? list->size() : 0;
    }
  });
  fmt::print("| 20 listings of the last hour of FREQ=MINUTELY;COUNT=100000 | {:.1f} ms in all, "
             "{} occurrences |\n",
             s * 1e3, found);
}

} // namespace

int main() {
  fmt::print("| kind | N | 2N | 4N | 8N |\n| --- | --- | --- | --- | --- |\n");
  scale("EXDATE lines (a note each)", 12'500, exdate_lines);
  scale("X- properties", 12'500, properties);
  scale("folded lines of one DESCRIPTION", 12'500, folded);
  scale("RRULE parameters", 10'000, parameters);
  scale("VEVENTs", 2'500, events);
  count_listing();
  return 0;
}
